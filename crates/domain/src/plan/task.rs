//! A task of the rollout plan as stored and as submitted: where it sits in the tree (phase >
//! deliverable > task), who owns it, what it is for (site, wave, module), how long it takes
//! and how far it has got.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ConstraintKind, TaskId};
use crate::draft::{flag, number_as_text, optional_id, overlay};
use crate::text::{Name, date, optional_text};
use crate::validate::{Invalid, Validator};

/// The longest task the plan accepts, in working days (about eight years).
pub const MAX_DURATION: i64 = 2_000;
/// Leads and lags beyond a year of working days are typing mistakes.
pub const MAX_LAG: i64 = 260;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTask {
    pub id: TaskId,
    /// The summary task it belongs to; `None` at the top of the tree.
    pub parent_id: Option<TaskId>,
    /// Order among its siblings.
    pub position: i64,
    pub name: String,
    pub owner_person_id: Option<i64>,
    pub site_id: Option<i64>,
    pub wave_id: Option<i64>,
    pub module_id: Option<i64>,
    /// Working days; zero for a milestone.
    pub duration: i64,
    pub milestone: bool,
    pub constraint_kind: Option<ConstraintKind>,
    pub constraint_date: Option<NaiveDate>,
    pub percent_complete: i64,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// A task as submitted by a form, a JSON body or an imported row.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub position: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub wave_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// Working days, 0 to 2000; 0 makes a milestone.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub duration: Option<String>,
    /// A milestone has no duration; checking this with a duration above 0 is refused.
    #[serde(default, deserialize_with = "flag")]
    pub milestone: Option<bool>,
    /// snet, snlt, fnet, fnlt, mso or mfo; blank for none
    pub constraint_kind: Option<String>,
    /// YYYY-MM-DD; required with a constraint kind
    pub constraint_date: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub percent_complete: Option<String>,
    /// YYYY-MM-DD
    pub actual_start: Option<String>,
    /// YYYY-MM-DD; needs an actual start, and makes the task 100 % complete
    pub actual_finish: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    pub parent_id: Option<TaskId>,
    pub position: Option<i64>,
    pub name: Name,
    pub owner_person_id: Option<i64>,
    pub site_id: Option<i64>,
    pub wave_id: Option<i64>,
    pub module_id: Option<i64>,
    pub duration: i64,
    pub milestone: bool,
    pub constraint: Option<(ConstraintKind, NaiveDate)>,
    pub percent_complete: i64,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// A whole number of working days in `min..=max` (negative allowed when `min` is).
pub fn working_days(raw: &str, min: i64, max: i64) -> Result<i64, String> {
    let trimmed = raw.trim();
    let value: i64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a whole number of working days"))?;
    if value < min {
        Err(if min == 0 {
            "cannot be negative".to_owned()
        } else {
            format!("must be at least {min}")
        })
    } else if value > max {
        Err(format!("must be at most {max}"))
    } else {
        Ok(value)
    }
}

/// A date that may be left blank.
pub(crate) fn optional_date(raw: String) -> Result<Option<NaiveDate>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        date(&raw).map(Some)
    }
}

impl TaskSpec {
    /// The task as the schedule would hold it under `id`, before it is stored: what a whole
    /// plan is checked as (loops, the engine) before it is written. References are left out.
    pub fn planned(
        &self,
        id: TaskId,
        parent_id: Option<TaskId>,
        position: i64,
        name: String,
    ) -> PlanTask {
        PlanTask {
            id,
            parent_id,
            position,
            name,
            owner_person_id: None,
            site_id: None,
            wave_id: None,
            module_id: None,
            duration: self.duration,
            milestone: self.milestone,
            constraint_kind: self.constraint.map(|(k, _)| k),
            constraint_date: self.constraint.map(|(_, d)| d),
            percent_complete: self.percent_complete,
            actual_start: self.actual_start,
            actual_finish: self.actual_finish,
            notes: None,
        }
    }
}

impl TaskDraft {
    pub fn parse(self) -> Result<TaskSpec, Invalid> {
        let mut v = Validator::new();
        let parent_id = v.optional("parent_id", self.parent_id, optional_id);
        let position = v.optional("position", self.position, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                working_days(&s, 0, i64::from(i32::MAX)).map(Some)
            }
        });
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let owner = v.optional("owner_person_id", self.owner_person_id, optional_id);
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let wave_id = v.optional("wave_id", self.wave_id, optional_id);
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let milestone = self.milestone.unwrap_or(false);
        let duration = match self.duration {
            // A form's milestone box with the duration left blank.
            raw if milestone && raw.as_deref().is_none_or(|d| d.trim().is_empty()) => Some(0),
            raw => v.required("duration", raw, |s| working_days(&s, 0, MAX_DURATION)),
        };
        if milestone && duration.is_some_and(|d| d > 0) {
            v.push(
                "duration",
                "a milestone takes no time: its duration must be 0",
            );
        }
        let kind = v.optional("constraint_kind", self.constraint_kind, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                ConstraintKind::parse(&s).map(Some)
            }
        });
        let on = v.optional("constraint_date", self.constraint_date, optional_date);
        let constraint = match (kind.flatten().flatten(), on.flatten().flatten()) {
            (Some(kind), Some(on)) => Some((kind, on)),
            (Some(_), None) => {
                v.push("constraint_date", "a constraint needs its date");
                None
            }
            (None, Some(_)) => {
                v.push(
                    "constraint_kind",
                    "say which kind of constraint the date is",
                );
                None
            }
            (None, None) => None,
        };
        let percent = v.optional("percent_complete", self.percent_complete, |s| {
            if s.trim().is_empty() {
                Ok(0)
            } else {
                working_days(&s, 0, 100)
                    .map_err(|_| format!("'{}' is not a percentage from 0 to 100", s.trim()))
            }
        });
        let started = v.optional("actual_start", self.actual_start, optional_date);
        let finished = v.optional("actual_finish", self.actual_finish, optional_date);
        let (started, finished) = (started.flatten().flatten(), finished.flatten().flatten());
        match (started, finished) {
            (None, Some(_)) => v.push("actual_start", "a finished task needs its actual start"),
            (Some(s), Some(f)) if f < s => {
                v.push("actual_finish", "cannot be before the actual start")
            }
            _ => {}
        }
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 8_000));
        v.finish(|| TaskSpec {
            parent_id: parent_id.flatten().flatten(),
            position: position.flatten().flatten(),
            name: name.unwrap(),
            owner_person_id: owner.flatten().flatten(),
            site_id: site_id.flatten().flatten(),
            wave_id: wave_id.flatten().flatten(),
            module_id: module_id.flatten().flatten(),
            duration: duration.unwrap(),
            milestone: milestone || duration == Some(0),
            constraint,
            percent_complete: if finished.is_some() {
                100
            } else {
                percent.flatten().unwrap_or(0)
            },
            actual_start: started,
            actual_finish: finished,
            notes: notes.flatten().flatten(),
        })
    }

    pub fn over(self, base: TaskDraft) -> TaskDraft {
        TaskDraft {
            parent_id: overlay(base.parent_id, self.parent_id),
            position: overlay(base.position, self.position),
            name: overlay(base.name, self.name),
            owner_person_id: overlay(base.owner_person_id, self.owner_person_id),
            site_id: overlay(base.site_id, self.site_id),
            wave_id: overlay(base.wave_id, self.wave_id),
            module_id: overlay(base.module_id, self.module_id),
            duration: overlay(base.duration, self.duration),
            milestone: overlay(base.milestone, self.milestone),
            constraint_kind: overlay(base.constraint_kind, self.constraint_kind),
            constraint_date: overlay(base.constraint_date, self.constraint_date),
            percent_complete: overlay(base.percent_complete, self.percent_complete),
            actual_start: overlay(base.actual_start, self.actual_start),
            actual_finish: overlay(base.actual_finish, self.actual_finish),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&PlanTask> for TaskDraft {
    fn from(t: &PlanTask) -> Self {
        let id = |v: Option<i64>| Some(v.map(|v| v.to_string()).unwrap_or_default());
        let day = |d: Option<NaiveDate>| Some(d.map(|d| d.to_string()).unwrap_or_default());
        TaskDraft {
            parent_id: id(t.parent_id),
            position: Some(t.position.to_string()),
            name: Some(t.name.clone()),
            owner_person_id: id(t.owner_person_id),
            site_id: id(t.site_id),
            wave_id: id(t.wave_id),
            module_id: id(t.module_id),
            duration: Some(t.duration.to_string()),
            milestone: Some(t.milestone),
            constraint_kind: Some(
                t.constraint_kind
                    .map(|k| k.code().to_owned())
                    .unwrap_or_default(),
            ),
            constraint_date: day(t.constraint_date),
            percent_complete: Some(t.percent_complete.to_string()),
            actual_start: day(t.actual_start),
            actual_finish: day(t.actual_finish),
            notes: Some(t.notes.clone().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, duration: &str) -> TaskDraft {
        TaskDraft {
            name: Some(name.into()),
            duration: Some(duration.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_task_is_checked_field_by_field() {
        let err = TaskDraft {
            constraint_kind: Some("mso".into()),
            percent_complete: Some("120".into()),
            actual_finish: Some("2027-03-01".into()),
            ..draft(" ", "-3")
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "duration",
                "constraint_date",
                "percent_complete",
                "actual_start"
            ]
        );
        assert_eq!(err.message_for("duration"), Some("cannot be negative"));
    }

    #[test]
    fn milestones_take_no_time_and_a_finish_completes_a_task() {
        let m = TaskDraft {
            milestone: Some(true),
            ..draft("Go-live", "")
        };
        let m = m.parse().unwrap();
        assert!(m.milestone && m.duration == 0, "a blank duration is none");
        assert!(draft("Build", "").parse().is_err(), "only for a milestone");
        assert!(draft("Sign-off", "0").parse().unwrap().milestone);
        let bad = TaskDraft {
            milestone: Some(true),
            ..draft("Go-live", "3")
        };
        assert!(bad.parse().unwrap_err().message_for("duration").is_some());
        let done = TaskDraft {
            actual_start: Some("2027-03-01".into()),
            actual_finish: Some("2027-03-05".into()),
            percent_complete: Some("40".into()),
            ..draft("Build", "5")
        }
        .parse()
        .unwrap();
        assert_eq!(done.percent_complete, 100);
    }
}
