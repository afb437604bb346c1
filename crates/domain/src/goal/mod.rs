//! Benefit goals: what the EHR program promised to improve, each goal being its own KPI
//! (name, definition, unit, direction, baseline and target with their dates, owner, the
//! sites it concerns, and what it is worth a year when met), and the measurements taken
//! of it over time, per site or program-wide. `status.rs` says whether a goal is on track,
//! `benefits.rs` turns monthly figures into the benefits dashboard.

pub mod benefits;
pub mod kpi;
pub mod status;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::money::Cents;
use crate::site::SiteId;
use crate::text::{Name, date, optional_text};
use crate::validate::{FieldError, Invalid, Validator};

pub use kpi::{Direction, KpiUnit};
pub use status::GoalStatus;

pub type GoalId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    pub id: GoalId,
    pub name: String,
    /// How the KPI is measured: numerator, denominator, source.
    pub definition: Option<String>,
    pub unit: KpiUnit,
    pub direction: Direction,
    /// Values are in the unit; dollars are in cents.
    pub baseline_value: f64,
    pub baseline_date: NaiveDate,
    pub target_value: f64,
    pub target_date: NaiveDate,
    pub owner_person_id: Option<i64>,
    /// What the goal is worth a year once met.
    pub value_per_year: Cents,
    /// The sites it concerns; none means program-wide.
    pub site_ids: Vec<SiteId>,
}

/// A goal as a form or JSON body gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalDraft {
    pub name: Option<String>,
    pub definition: Option<String>,
    /// percent, days, hours, minutes, count, dollars, ratio or score
    pub unit: Option<String>,
    /// higher or lower (which is better)
    pub direction: Option<String>,
    /// In the goal's unit, e.g. "72.5" for a percent or "1250.50" for dollars
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub baseline_value: Option<String>,
    /// YYYY-MM-DD
    pub baseline_date: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub target_value: Option<String>,
    /// YYYY-MM-DD, after the baseline date
    pub target_date: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_person_id: Option<String>,
    /// Dollars a year when met, e.g. "1200000"; blank is 0
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub value_per_year: Option<String>,
    /// The sites it concerns; none is program-wide.
    pub site_ids: Option<Vec<SiteId>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalSpec {
    pub name: Name,
    pub definition: Option<String>,
    pub unit: KpiUnit,
    pub direction: Direction,
    pub baseline_value: f64,
    pub baseline_date: NaiveDate,
    pub target_value: f64,
    pub target_date: NaiveDate,
    pub owner_person_id: Option<i64>,
    pub value_per_year: Cents,
    pub site_ids: Vec<SiteId>,
}

impl GoalDraft {
    pub fn parse(self) -> Result<GoalSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let definition = v.optional("definition", self.definition, |s| optional_text(&s, 4_000));
        let unit = v.required("unit", self.unit, |s| KpiUnit::parse(&s));
        let direction = v.required("direction", self.direction, |s| Direction::parse(&s));
        // Values are read in the unit; without a valid unit they cannot be checked.
        let value = |v: &mut Validator, field: &str, raw: Option<String>| match unit {
            Some(unit) => v.required(field, raw, |s| unit.parse_value(&s)),
            None => None,
        };
        let baseline_value = value(&mut v, "baseline_value", self.baseline_value);
        let baseline_date = v.required("baseline_date", self.baseline_date, |s| date(&s));
        let target_value = value(&mut v, "target_value", self.target_value);
        let target_date = v.required("target_date", self.target_date, |s| date(&s));
        if let (Some(b), Some(t)) = (baseline_date, target_date)
            && t <= b
        {
            v.push(
                "target_date",
                format!("must be after the baseline date ({b})"),
            );
        }
        if let (Some(b), Some(t), Some(d)) = (baseline_value, target_value, direction)
            && !d.meets(t, b)
        {
            v.push(
                "target_value",
                format!(
                    "must be {} than the baseline ({})",
                    match d {
                        Direction::Higher => "higher",
                        Direction::Lower => "lower",
                    },
                    d.label().to_lowercase()
                ),
            );
        }
        let owner = v.optional("owner_person_id", self.owner_person_id, optional_id);
        let value_per_year = v.optional("value_per_year", self.value_per_year, |s| {
            if s.trim().is_empty() {
                Ok(Cents(0))
            } else {
                Cents::parse_cost(&s)
            }
        });
        let mut site_ids = self.site_ids.unwrap_or_default();
        site_ids.sort_unstable();
        site_ids.dedup();
        v.finish(|| GoalSpec {
            name: name.unwrap(),
            definition: definition.unwrap().flatten(),
            unit: unit.unwrap(),
            direction: direction.unwrap(),
            baseline_value: baseline_value.unwrap(),
            baseline_date: baseline_date.unwrap(),
            target_value: target_value.unwrap(),
            target_date: target_date.unwrap(),
            owner_person_id: owner.flatten().flatten(),
            value_per_year: value_per_year.flatten().unwrap_or_default(),
            site_ids,
        })
    }

    pub fn over(self, base: GoalDraft) -> GoalDraft {
        GoalDraft {
            name: overlay(base.name, self.name),
            definition: overlay(base.definition, self.definition),
            unit: overlay(base.unit, self.unit),
            direction: overlay(base.direction, self.direction),
            baseline_value: overlay(base.baseline_value, self.baseline_value),
            baseline_date: overlay(base.baseline_date, self.baseline_date),
            target_value: overlay(base.target_value, self.target_value),
            target_date: overlay(base.target_date, self.target_date),
            owner_person_id: overlay(base.owner_person_id, self.owner_person_id),
            value_per_year: overlay(base.value_per_year, self.value_per_year),
            site_ids: overlay(base.site_ids, self.site_ids),
        }
    }
}

impl From<&Goal> for GoalDraft {
    fn from(g: &Goal) -> Self {
        GoalDraft {
            name: Some(g.name.clone()),
            definition: Some(g.definition.clone().unwrap_or_default()),
            unit: Some(g.unit.code().into()),
            direction: Some(g.direction.code().into()),
            baseline_value: Some(g.unit.plain(g.baseline_value)),
            baseline_date: Some(g.baseline_date.to_string()),
            target_value: Some(g.unit.plain(g.target_value)),
            target_date: Some(g.target_date.to_string()),
            owner_person_id: Some(g.owner_person_id.map(|i| i.to_string()).unwrap_or_default()),
            value_per_year: Some(g.value_per_year.amount()),
            site_ids: Some(g.site_ids.clone()),
        }
    }
}

impl Goal {
    /// Does the goal concern `site` (a program-wide goal concerns every site)?
    pub fn concerns(&self, site: SiteId) -> bool {
        self.site_ids.is_empty() || self.site_ids.contains(&site)
    }

    /// What a day without the met goal's benefit is worth: its value a year over 365.
    pub fn value_per_day(&self) -> Cents {
        per_day(self.value_per_year)
    }
}

/// A yearly amount per calendar day, rounded to the cent.
pub fn per_day(per_year: Cents) -> Cents {
    Cents((per_year.0 as f64 / 365.0).round() as i64)
}

/// One KPI measurement: a goal's value for a period, at a site or program-wide.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measurement {
    pub id: i64,
    pub goal_id: GoalId,
    /// None: program-wide.
    pub site_id: Option<SiteId>,
    /// The period measured (its first day; monthly is typical).
    pub period: NaiveDate,
    /// In the goal's unit; dollars in cents.
    pub value: f64,
}

/// A measurement as a form, a JSON body or an import row gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasurementDraft {
    /// Blank or absent: program-wide
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    /// YYYY-MM-DD
    pub period: Option<String>,
    /// In the goal's unit, e.g. 92.5 for a percent
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasurementSpec {
    pub site_id: Option<SiteId>,
    pub period: NaiveDate,
    pub value: f64,
}

impl MeasurementDraft {
    /// Checks the measurement against its goal: the value in the goal's unit, the site one
    /// the goal concerns.
    pub fn parse(self, goal: &Goal) -> Result<MeasurementSpec, Invalid> {
        let mut v = Validator::new();
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let period = v.required("period", self.period, |s| date(&s));
        let value = v.required("value", self.value, |s| goal.unit.parse_value(&s));
        let site_id = site_id.flatten().flatten();
        if let Some(site) = site_id
            && !goal.concerns(site)
        {
            v.push("site_id", "the goal does not concern this site");
        }
        v.finish(|| MeasurementSpec {
            site_id,
            period: period.unwrap(),
            value: value.unwrap(),
        })
    }
}

/// Parses a list of measurements all or nothing: every error of every item, each named
/// `[index].field`.
pub fn parse_measurements(
    goal: &Goal,
    drafts: Vec<MeasurementDraft>,
) -> Result<Vec<MeasurementSpec>, Invalid> {
    let mut specs = Vec::with_capacity(drafts.len());
    let mut errors: Vec<FieldError> = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        match d.parse(goal) {
            Ok(s) => specs.push(s),
            Err(Invalid(list)) => errors.extend(
                list.into_iter()
                    .map(|e| FieldError::new(format!("[{i}].{}", e.field), e.message)),
            ),
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(Invalid(errors))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Medication administration scanning: 70% on 2026-01-01 to 95% on 2027-01-01.
    pub fn goal() -> Goal {
        Goal {
            id: 1,
            name: "Medication administration scanning rate".into(),
            definition: None,
            unit: KpiUnit::Percent,
            direction: Direction::Higher,
            baseline_value: 70.0,
            baseline_date: "2026-01-01".parse().unwrap(),
            target_value: 95.0,
            target_date: "2027-01-01".parse().unwrap(),
            owner_person_id: None,
            value_per_year: Cents(36_500_000),
            site_ids: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> GoalDraft {
        GoalDraft {
            name: Some("Days in accounts receivable".into()),
            unit: Some("days".into()),
            direction: Some("lower".into()),
            baseline_value: Some("52".into()),
            baseline_date: Some("2026-03-01".into()),
            target_value: Some("40".into()),
            target_date: Some("2027-09-01".into()),
            value_per_year: Some("$2,400,000".into()),
            site_ids: Some(vec![4, 2, 4]),
            ..Default::default()
        }
    }

    #[test]
    fn a_goal_reads_its_values_in_its_unit() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.unit, KpiUnit::Days);
        assert_eq!(spec.value_per_year, Cents(240_000_000));
        assert_eq!(spec.site_ids, vec![2, 4]);
    }

    #[test]
    fn a_target_date_before_the_baseline_date_is_an_error_on_target_date() {
        let err = GoalDraft {
            target_date: Some("2026-02-01".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.message_for("target_date"),
            Some("must be after the baseline date (2026-03-01)")
        );
    }

    #[test]
    fn a_value_in_the_wrong_unit_names_its_field() {
        let err = GoalDraft {
            unit: Some("percent".into()),
            direction: Some("higher".into()),
            baseline_value: Some("140".into()),
            target_value: Some("3 days".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.message_for("baseline_value"),
            Some("140 is not a percent between 0 and 100")
        );
        assert!(
            err.message_for("target_value")
                .unwrap()
                .contains("not a number")
        );
        let err = GoalDraft {
            target_value: Some("60".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("target_value").unwrap().contains("lower"));
    }

    #[test]
    fn a_goal_a_year_is_worth_its_value_over_365_a_day() {
        assert_eq!(testing::goal().value_per_day(), Cents(100_000));
    }

    #[test]
    fn measurements_are_checked_against_their_goal_and_errors_name_the_item() {
        let mut goal = testing::goal();
        goal.site_ids = vec![7];
        let drafts = vec![
            MeasurementDraft {
                site_id: Some("7".into()),
                period: Some("2026-05-01".into()),
                value: Some("88".into()),
            },
            MeasurementDraft {
                site_id: Some("8".into()),
                period: Some("May".into()),
                value: Some("140".into()),
            },
        ];
        let err = parse_measurements(&goal, drafts.clone()).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["[1].period", "[1].value", "[1].site_id"]);
        let ok = parse_measurements(&goal, drafts[..1].to_vec()).unwrap();
        assert_eq!(ok[0].site_id, Some(7));
        assert_eq!(ok[0].value, 88.0);
    }
}
