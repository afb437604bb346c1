//! Assessments: a wave's scorecard frozen at a moment, at one of the checkpoints before
//! go-live (taken automatically once that day has come) or whenever someone records one.
//! They are history: never changed, never replaced.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Checkpoint;
use super::scorecard::Scorecard;
use crate::draft::id;
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessAssessment {
    pub id: i64,
    pub wave_id: i64,
    /// The checkpoint it stands for; `None` for one recorded between checkpoints.
    pub checkpoint: Option<Checkpoint>,
    pub taken_on: NaiveDate,
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    /// Taken by the checkpoint rule rather than by a person.
    pub automatic: bool,
    pub scorecard: Scorecard,
}

impl ReadinessAssessment {
    /// "T-30" or "ad hoc", for tables and charts.
    pub fn label(&self) -> String {
        match self.checkpoint {
            Some(c) => c.label().to_owned(),
            None => "Ad hoc".to_owned(),
        }
    }
}

/// An assessment as requested.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentDraft {
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub wave_id: Option<String>,
    /// t120, t90, t60, t30 or t7; blank: an ad hoc assessment.
    pub checkpoint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AssessmentSpec {
    pub wave_id: i64,
    pub checkpoint: Option<Checkpoint>,
}

impl AssessmentDraft {
    pub fn parse(self) -> Result<AssessmentSpec, Invalid> {
        let mut v = Validator::new();
        let wave_id = v.required("wave_id", self.wave_id, id);
        let checkpoint = v.optional("checkpoint", self.checkpoint, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Checkpoint::parse(&s).map(Some)
            }
        });
        v.finish(|| AssessmentSpec {
            wave_id: wave_id.unwrap(),
            checkpoint: checkpoint.unwrap().flatten(),
        })
    }
}

/// The checkpoint an automatic assessment is due for on `today`, if any: the latest one
/// whose day has come, up to go-live. Earlier ones missed are not back-filled with today's
/// figures, which would misstate how the site stood then.
pub fn due_checkpoint(go_live: NaiveDate, today: NaiveDate) -> Option<Checkpoint> {
    if today > go_live {
        return None;
    }
    Checkpoint::current(go_live, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_checkpoint_passed_before_go_live_is_due() {
        let go_live = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert_eq!(due_checkpoint(go_live, day(1, 30)), Some(Checkpoint::T30));
        assert_eq!(due_checkpoint(go_live, day(3, 1)), Some(Checkpoint::T7));
        assert_eq!(due_checkpoint(go_live, day(3, 2)), None);
        assert_eq!(
            due_checkpoint(go_live, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
            None
        );
    }

    #[test]
    fn an_assessment_names_its_wave_and_an_optional_checkpoint() {
        let bad = AssessmentDraft {
            wave_id: None,
            checkpoint: Some("t45".into()),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["wave_id", "checkpoint"]);
        let spec = AssessmentDraft {
            wave_id: Some("3".into()),
            checkpoint: Some("".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(spec.checkpoint, None);
    }
}
