//! Follow-up training after go-live: a course or topic assigned to one person, with the
//! reason and a due date. Suggested for people who failed proficiency or who keep asking
//! how-to questions after go-live; each suggestion has a key so that asking again adds
//! nothing twice.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::course::CourseId;
use crate::draft::{id, number_as_text, optional_id, overlay};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::text::{Name, date, optional_text};
use crate::validate::{Invalid, Validator};

choice!(
    FollowUpReason {
        FailedProficiency = ("failed_proficiency", "Failed proficiency"),
        HowToTickets = ("how_to_tickets", "How-to tickets after go-live"),
        Requested = ("requested", "Requested by a manager or trainer"),
    }
);

choice!(
    FollowUpStatus {
        Open = ("open", "Open"),
        Done = ("done", "Done"),
        Cancelled = ("cancelled", "Cancelled"),
    }
);

/// Days until a suggested follow-up is due.
pub const DUE_IN_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_site_id: Option<SiteId>,
    #[serde(skip)]
    pub person_email: String,
    pub course_id: Option<CourseId>,
    pub topic: String,
    pub reason: FollowUpReason,
    pub due_on: NaiveDate,
    pub status: FollowUpStatus,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUpDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub course_id: Option<String>,
    pub topic: Option<String>,
    /// failed_proficiency, how_to_tickets or requested (the default)
    pub reason: Option<String>,
    /// YYYY-MM-DD
    pub due_on: Option<String>,
    /// open (the default), done or cancelled
    pub status: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpSpec {
    pub person_id: PersonId,
    pub course_id: Option<CourseId>,
    pub topic: Name,
    pub reason: FollowUpReason,
    pub due_on: NaiveDate,
    pub status: FollowUpStatus,
    pub notes: Option<String>,
}

impl FollowUpDraft {
    pub fn parse(self) -> Result<FollowUpSpec, Invalid> {
        let mut v = Validator::new();
        let person_id = v.required("person_id", self.person_id, id);
        let course_id = v.optional("course_id", self.course_id, optional_id);
        let topic = v.required("topic", self.topic, |s| Name::parse(&s));
        let reason = v.check(
            "reason",
            self.reason
                .map_or(Ok(FollowUpReason::Requested), |s| FollowUpReason::parse(&s)),
        );
        let due_on = v.required("due_on", self.due_on, |s| date(&s));
        let status = v.check(
            "status",
            self.status
                .map_or(Ok(FollowUpStatus::Open), |s| FollowUpStatus::parse(&s)),
        );
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        v.finish(|| FollowUpSpec {
            person_id: person_id.unwrap(),
            course_id: course_id.unwrap().flatten(),
            topic: topic.unwrap(),
            reason: reason.unwrap(),
            due_on: due_on.unwrap(),
            status: status.unwrap(),
            notes: notes.unwrap().flatten(),
        })
    }

    pub fn over(self, base: FollowUpDraft) -> FollowUpDraft {
        FollowUpDraft {
            person_id: overlay(base.person_id, self.person_id),
            course_id: overlay(base.course_id, self.course_id),
            topic: overlay(base.topic, self.topic),
            reason: overlay(base.reason, self.reason),
            due_on: overlay(base.due_on, self.due_on),
            status: overlay(base.status, self.status),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&FollowUp> for FollowUpDraft {
    fn from(f: &FollowUp) -> Self {
        FollowUpDraft {
            person_id: Some(f.person_id.to_string()),
            course_id: Some(f.course_id.map(|c| c.to_string()).unwrap_or_default()),
            topic: Some(f.topic.clone()),
            reason: Some(f.reason.code().into()),
            due_on: Some(f.due_on.format("%Y-%m-%d").to_string()),
            status: Some(f.status.code().into()),
            notes: Some(f.notes.clone().unwrap_or_default()),
        }
    }
}

/// A person's latest assessment for a curriculum, which they failed.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedAssessment {
    pub person_id: PersonId,
    pub assessment_id: i64,
    pub curriculum_name: String,
}

/// How-to tickets one person raised about one module since go-live.
#[derive(Debug, Clone, PartialEq)]
pub struct HowToTickets {
    pub person_id: PersonId,
    pub module_id: Option<i64>,
    pub module_name: Option<String>,
    pub tickets: i64,
}

/// A follow-up to create, with the key that makes creating it again a no-op.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub spec: FollowUpSpec,
    pub source_key: String,
}

/// How many follow-ups a suggestion run proposed, and how many of those were new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggested {
    pub suggested: usize,
    pub created: usize,
}

/// Follow-ups for people who failed their latest proficiency assessment (one per failed
/// assessment) and for people who raised how-to tickets since go-live (one per module).
pub fn suggest(
    failed: &[FailedAssessment],
    how_to: &[HowToTickets],
    today: NaiveDate,
) -> Vec<Suggestion> {
    let due_on = today + Duration::days(DUE_IN_DAYS);
    let spec = |person_id, topic: String, reason| FollowUpSpec {
        person_id,
        course_id: None,
        topic: Name::parse(&topic.chars().take(Name::MAX).collect::<String>())
            .expect("suggested topics are never blank"),
        reason,
        due_on,
        status: FollowUpStatus::Open,
        notes: None,
    };
    let failures = failed.iter().map(|f| Suggestion {
        spec: spec(
            f.person_id,
            format!("Proficiency refresher: {}", f.curriculum_name),
            FollowUpReason::FailedProficiency,
        ),
        source_key: format!("assessment:{}", f.assessment_id),
    });
    let questions = how_to.iter().filter(|t| t.tickets > 0).map(|t| {
        let about = t.module_name.as_deref().unwrap_or("everyday workflows");
        let plural = if t.tickets == 1 { "" } else { "s" };
        Suggestion {
            spec: spec(
                t.person_id,
                format!(
                    "At-the-elbow coaching: {about} ({} how-to ticket{plural})",
                    t.tickets
                ),
                FollowUpReason::HowToTickets,
            ),
            source_key: format!("how_to:{}", t.module_id.unwrap_or(0)),
        }
    });
    failures.chain(questions).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_how_to_questions_become_follow_ups_with_stable_keys() {
        let today = NaiveDate::from_ymd_opt(2027, 5, 1).unwrap();
        let out = suggest(
            &[FailedAssessment {
                person_id: 7,
                assessment_id: 31,
                curriculum_name: "Nurse — Inpatient".into(),
            }],
            &[
                HowToTickets {
                    person_id: 8,
                    module_id: Some(2),
                    module_name: Some("Inpatient".into()),
                    tickets: 3,
                },
                HowToTickets {
                    person_id: 9,
                    module_id: None,
                    module_name: None,
                    tickets: 0,
                },
            ],
            today,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].source_key, "assessment:31");
        assert_eq!(out[0].spec.reason, FollowUpReason::FailedProficiency);
        assert_eq!(
            out[0].spec.due_on,
            NaiveDate::from_ymd_opt(2027, 5, 15).unwrap()
        );
        assert_eq!(out[1].source_key, "how_to:2");
        assert!(out[1].spec.topic.as_str().contains("3 how-to tickets"));
        assert_eq!(suggest(&[], &[], today), vec![]);
    }
}
