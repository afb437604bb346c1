//! Champions (super users): people designated to support their peers on one unit and shift
//! for one or more EHR modules, with the advanced training they must complete themselves.
//! `coverage.rs` holds the target (end users per champion) and the coverage it yields.

pub mod coverage;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, overlay};
use crate::module::ModuleId;
use crate::placement::{PlacedAt, Placement};
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};

pub use coverage::{Coverage, CoverageCell, SiteCoverage};

pub type ChampionId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Champion {
    pub id: ChampionId,
    #[serde(flatten)]
    pub placed: PlacedAt,
    /// A champion who has left (an inactive person) stays on record but covers nobody.
    pub person_active: bool,
    pub module_ids: Vec<ModuleId>,
    pub since: NaiveDate,
    pub notes: Option<String>,
    /// The active advanced courses of the champion's modules (and those of no module).
    pub advanced_training: Vec<AdvancedCourse>,
    /// Every course of `advanced_training` completed.
    pub advanced_training_complete: bool,
}

/// One advanced course a champion must take, and when they completed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvancedCourse {
    pub course_id: i64,
    pub code: String,
    pub title: String,
    /// None: advanced training for champions of every module.
    pub module_id: Option<ModuleId>,
    pub completed_on: Option<NaiveDate>,
}

impl AdvancedCourse {
    /// Is this course a champion of `modules` must take? Courses of no module are for all.
    pub fn applies_to(module_id: Option<ModuleId>, modules: &[ModuleId]) -> bool {
        module_id.is_none_or(|m| modules.contains(&m))
    }
}

/// Every course done (a champion with no advanced course to take has nothing missing).
pub fn all_completed(courses: &[AdvancedCourse]) -> bool {
    courses.iter().all(|c| c.completed_on.is_some())
}

/// A champion as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChampionDraft {
    /// The person; active, and working at the unit's site.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub unit_id: Option<String>,
    /// day, evening or night
    pub shift: Option<String>,
    /// One or more EHR modules the champion supports.
    pub module_ids: Option<Vec<ModuleId>>,
    /// Champion since (YYYY-MM-DD); a later date means not yet counted.
    pub since: Option<String>,
    pub notes: Option<String>,
}

/// A valid champion, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ChampionSpec {
    pub placement: Placement,
    /// Distinct, in the order given.
    pub module_ids: Vec<ModuleId>,
    pub since: NaiveDate,
    pub notes: Option<String>,
}

impl ChampionDraft {
    pub fn parse(self) -> Result<ChampionSpec, Invalid> {
        let mut v = Validator::new();
        let mut module_ids: Vec<ModuleId> = Vec::new();
        for m in self.module_ids.unwrap_or_default() {
            if !module_ids.contains(&m) {
                module_ids.push(m);
            }
        }
        if module_ids.is_empty() {
            v.push("module_ids", "choose at least one module");
        }
        let fields = [self.person_id, self.site_id, self.unit_id, self.shift];
        let placement = Placement::parse(&mut v, fields);
        let since = v.required("since", self.since, |s| date(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 2_000));
        v.finish(|| ChampionSpec {
            placement: placement.unwrap(),
            module_ids,
            since: since.unwrap(),
            notes: notes.unwrap().flatten(),
        })
    }

    pub fn over(self, base: ChampionDraft) -> ChampionDraft {
        ChampionDraft {
            module_ids: overlay(base.module_ids, self.module_ids),
            since: overlay(base.since, self.since),
            person_id: overlay(base.person_id, self.person_id),
            site_id: overlay(base.site_id, self.site_id),
            unit_id: overlay(base.unit_id, self.unit_id),
            shift: overlay(base.shift, self.shift),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&Champion> for ChampionDraft {
    fn from(c: &Champion) -> Self {
        let [person_id, site_id, unit_id, shift] = c.placed.draft();
        ChampionDraft {
            module_ids: Some(c.module_ids.clone()),
            since: Some(c.since.format("%Y-%m-%d").to_string()),
            person_id,
            site_id,
            unit_id,
            shift,
            notes: Some(c.notes.clone().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounding::Shift;

    #[test]
    fn a_champion_needs_a_placement_a_module_and_a_start_date() {
        let err = ChampionDraft::default().parse().unwrap_err();
        for field in ["person_id", "site_id", "unit_id", "shift", "since"] {
            assert_eq!(err.message_for(field), Some("is required"), "{field}");
        }
        assert_eq!(
            err.message_for("module_ids"),
            Some("choose at least one module")
        );
        let spec = ChampionDraft {
            person_id: Some("7".into()),
            site_id: Some("1".into()),
            unit_id: Some("3".into()),
            shift: Some("night".into()),
            module_ids: Some(vec![4, 2, 4]),
            since: Some("2027-01-15".into()),
            notes: Some(" ".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(spec.placement.shift, Shift::Night);
        assert_eq!(spec.module_ids, vec![4, 2]);
        assert_eq!(spec.notes, None);
    }

    #[test]
    fn advanced_courses_of_no_module_are_for_every_champion() {
        assert!(AdvancedCourse::applies_to(None, &[1]));
        assert!(AdvancedCourse::applies_to(Some(1), &[2, 1]));
        assert!(!AdvancedCourse::applies_to(Some(3), &[2, 1]));
    }
}
