//! Champion coverage: each unit and shift with end users needs one active champion per so
//! many end users: the unit's own target where it has one (an ICU may need one per 5), else
//! the program's (ten unless the program says otherwise). Coverage is counted per unit x
//! shift; a site's figure is how many of its cells are met.

use serde::{Deserialize, Serialize};

use crate::draft::number_as_text;
use crate::rounding::Shift;
use crate::site::SiteId;
use crate::text::optional_text;
use crate::unit::UnitId;
use crate::validate::{Invalid, Validator};

/// One champion per ten end users, as the issue asks, unless the program sets another.
pub const DEFAULT_END_USERS_PER_CHAMPION: i64 = 10;
/// Above this a "target" would mean no champion at all for most units.
pub const MAX_END_USERS_PER_CHAMPION: i64 = 500;

choice!(
    /// How a unit and shift stands against its target; the label says it in words, so the
    /// map's colour is never the only signal.
    Coverage {
        Met = ("met", "Target met"),
        Below = ("below", "Below target"),
        None = ("none", "No champion"),
    }
);

choice!(
    /// Which target a unit's cells are measured against.
    TargetSource {
        Program = ("program", "Program default"),
        Unit = ("unit", "Unit override"),
    }
);

/// Champions needed for `end_users` at one per `end_users_per_champion`, rounded up.
pub fn required(end_users: i64, end_users_per_champion: i64) -> i64 {
    let ratio = end_users_per_champion.max(1);
    (end_users.max(0) + ratio - 1) / ratio
}

/// One unit on one shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageCell {
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub shift: Shift,
    /// Active people of the unit who work this shift.
    pub end_users: i64,
    /// The target in force for this unit.
    pub end_users_per_champion: i64,
    /// Whether that target is the program's or the unit's own.
    pub target_source: TargetSource,
    pub required: i64,
    /// Active champions of the unit on this shift (active person, since today or earlier).
    pub champions: i64,
    /// Champions still to designate to meet the target.
    pub missing: i64,
    pub coverage: Coverage,
}

impl CoverageCell {
    pub fn new(
        site_id: SiteId,
        unit_id: UnitId,
        unit_name: String,
        shift: Shift,
        end_users: i64,
        (end_users_per_champion, target_source): (i64, TargetSource),
        champions: i64,
    ) -> Self {
        let required = required(end_users, end_users_per_champion);
        let coverage = if champions >= required {
            Coverage::Met
        } else if champions == 0 {
            Coverage::None
        } else {
            Coverage::Below
        };
        CoverageCell {
            site_id,
            unit_id,
            unit_name,
            shift,
            end_users,
            end_users_per_champion,
            target_source,
            required,
            champions,
            missing: (required - champions).max(0),
            coverage,
        }
    }

    pub fn met(&self) -> bool {
        self.coverage == Coverage::Met
    }
}

/// A site's coverage for the readiness scorecard: cells are the unit x shift combinations
/// that have end users, `cells_met` those at or above target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteCoverage {
    pub site_id: i64,
    pub cells: i64,
    pub cells_met: i64,
}

/// Sums cells per site, sites in ascending id order.
pub fn by_site(cells: &[CoverageCell]) -> Vec<SiteCoverage> {
    let mut sites: std::collections::BTreeMap<SiteId, SiteCoverage> = Default::default();
    for c in cells {
        let site = sites.entry(c.site_id).or_insert(SiteCoverage {
            site_id: c.site_id,
            cells: 0,
            cells_met: 0,
        });
        site.cells += 1;
        site.cells_met += i64::from(c.met());
    }
    sites.into_values().collect()
}

/// The program's target as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChampionTargetDraft {
    /// End users per champion (1–500).
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub end_users_per_champion: Option<String>,
}

/// The program's target: end users per champion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChampionTarget {
    pub end_users_per_champion: i64,
}

/// Parses a ratio: a whole number of end users per champion.
pub fn ratio(raw: &str) -> Result<i64, String> {
    let trimmed = raw.trim();
    let n: i64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a whole number"))?;
    if (1..=MAX_END_USERS_PER_CHAMPION).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "must be between 1 and {MAX_END_USERS_PER_CHAMPION}"
        ))
    }
}

/// A unit's own target as submitted: end users per champion and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitTargetDraft {
    /// End users per champion on this unit (1–500).
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub end_users_per_champion: Option<String>,
    /// Why this unit differs from the program (at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// A unit's own target, overriding the program's for that unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTarget {
    pub end_users_per_champion: i64,
    pub note: Option<String>,
}

/// The target a unit is measured against, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTargetInForce {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub site_id: SiteId,
    /// End users per champion in force for this unit.
    pub end_users_per_champion: i64,
    pub target_source: TargetSource,
    /// The unit's override's reason, if it has an override.
    pub note: Option<String>,
    /// The program's target, which applies when the unit has no override.
    pub program_end_users_per_champion: i64,
}

impl UnitTargetInForce {
    /// "One champion per 5 end users (unit override)".
    pub fn describe(&self) -> String {
        format!(
            "One champion per {} end users ({})",
            self.end_users_per_champion,
            self.target_source.label().to_lowercase()
        )
    }
}

const MAX_NOTE: usize = 500;

impl UnitTargetDraft {
    /// The override to save; every field error at once.
    pub fn parse(self) -> Result<UnitTarget, Invalid> {
        let mut v = Validator::new();
        let n = v.required("end_users_per_champion", self.end_users_per_champion, |s| {
            ratio(&s)
        });
        let note = v.optional("note", self.note, |s| optional_text(&s, MAX_NOTE));
        v.finish(|| UnitTarget {
            end_users_per_champion: n.unwrap(),
            note: note.unwrap().flatten(),
        })
    }

    /// A form's submission, where a blank target means "use the program's": `None` then.
    /// A note without a target is refused rather than silently dropped.
    pub fn parse_or_clear(self) -> Result<Option<UnitTarget>, Invalid> {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        match (blank(&self.end_users_per_champion), blank(&self.note)) {
            (true, true) => Ok(None),
            (true, false) => Err(Invalid::one(
                "end_users_per_champion",
                "is required to keep a note; clear the note too to use the program's target",
            )),
            _ => self.parse().map(Some),
        }
    }
}

impl ChampionTargetDraft {
    pub fn parse(self) -> Result<ChampionTarget, Invalid> {
        let mut v = Validator::new();
        let n = v.required("end_users_per_champion", self.end_users_per_champion, |s| {
            ratio(&s)
        });
        v.finish(|| ChampionTarget {
            end_users_per_champion: n.unwrap(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_champion_per_ten_end_users_rounded_up() {
        assert_eq!(required(0, 10), 0);
        assert_eq!(required(1, 10), 1);
        assert_eq!(required(10, 10), 1);
        assert_eq!(required(11, 10), 2);
        assert_eq!(required(25, 12), 3);
    }

    #[test]
    fn a_cell_is_met_below_or_without_champion() {
        let cell = |users, champions| {
            CoverageCell::new(
                1,
                2,
                "ICU".into(),
                Shift::Day,
                users,
                (10, TargetSource::Program),
                champions,
            )
        };
        assert_eq!(cell(21, 3).coverage, Coverage::Met);
        assert_eq!(cell(21, 2).coverage, Coverage::Below);
        assert_eq!(cell(21, 2).missing, 1);
        assert_eq!(cell(21, 0).coverage, Coverage::None);
        assert_eq!(cell(21, 0).missing, 3);
        assert_eq!(cell(5, 4).missing, 0);
        let sites = by_site(&[cell(21, 3), cell(21, 1), cell(3, 1)]);
        assert_eq!(
            sites,
            vec![SiteCoverage {
                site_id: 1,
                cells: 3,
                cells_met: 2
            }]
        );
    }

    #[test]
    fn a_unit_target_needs_a_ratio_and_blank_means_the_program_target() {
        let draft = |n: &str, note: &str| UnitTargetDraft {
            end_users_per_champion: Some(n.into()),
            note: Some(note.into()),
        };
        let icu = draft("5", " ICU acuity ").parse().unwrap();
        assert_eq!(
            icu,
            UnitTarget {
                end_users_per_champion: 5,
                note: Some("ICU acuity".into())
            }
        );
        assert_eq!(draft(" ", "").parse_or_clear().unwrap(), None);
        let refused = draft("", "why").parse_or_clear().unwrap_err();
        assert!(refused.message_for("end_users_per_champion").is_some());
        let refused = draft("0", &"x".repeat(501)).parse().unwrap_err();
        assert!(refused.message_for("end_users_per_champion").is_some());
        assert!(refused.message_for("note").is_some());
        assert!(UnitTargetDraft::default().parse().is_err());
    }

    #[test]
    fn a_target_is_a_whole_number_of_end_users() {
        let parse = |s: &str| {
            ChampionTargetDraft {
                end_users_per_champion: Some(s.into()),
            }
            .parse()
        };
        assert_eq!(parse("12").unwrap().end_users_per_champion, 12);
        for bad in ["0", "x", "501"] {
            assert!(
                parse(bad)
                    .unwrap_err()
                    .message_for("end_users_per_champion")
                    .is_some()
            );
        }
    }
}
