//! Baselines: the plan's dates saved under a name, to measure slips against.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::draft::overlay;
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Baseline {
    pub id: i64,
    pub name: String,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    /// How many tasks it holds dates for.
    pub tasks: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BaselineDraft {
    pub name: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaselineSpec {
    pub name: Name,
    pub notes: Option<String>,
}

impl BaselineDraft {
    pub fn parse(self) -> Result<BaselineSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        v.finish(|| BaselineSpec {
            name: name.unwrap(),
            notes: notes.flatten().flatten(),
        })
    }

    pub fn over(self, base: BaselineDraft) -> BaselineDraft {
        BaselineDraft {
            name: overlay(base.name, self.name),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&Baseline> for BaselineDraft {
    fn from(b: &Baseline) -> Self {
        BaselineDraft {
            name: Some(b.name.clone()),
            notes: Some(b.notes.clone().unwrap_or_default()),
        }
    }
}

/// A task's dates in a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BaselineDates {
    pub start: NaiveDate,
    pub finish: NaiveDate,
}

/// A task or milestone against a baseline. Variances are in working days, positive when
/// the task is later now than in the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variance {
    pub baseline: BaselineDates,
    pub start_variance: i64,
    pub finish_variance: i64,
}
