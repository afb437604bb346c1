//! Completions: a person finished a course, on a date, by some route (recorded in Muster,
//! imported from the LMS, or by attending a session). One per person and course: a later
//! completion replaces the earlier one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::course::CourseId;
use crate::draft::{id, number_as_text, optional_count, overlay};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::text::date;
use crate::validate::{Invalid, Validator};

choice!(
    /// Where a completion came from.
    CompletionSource {
        Muster = ("muster", "Recorded in Muster"),
        LmsImport = ("lms_import", "LMS import"),
        Session = ("session", "Classroom session"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Completion {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_site_id: Option<SiteId>,
    /// For the access policy (a person's own records); not sent.
    #[serde(skip)]
    pub person_email: String,
    pub course_id: CourseId,
    pub course_title: String,
    pub completed_on: NaiveDate,
    pub source: CompletionSource,
    /// The course's own test score, when it has one (0–100).
    pub score: Option<i64>,
}

/// A completion as submitted by a form or a JSON body (recorded in Muster).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompletionDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub course_id: Option<String>,
    /// YYYY-MM-DD
    pub completed_on: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub score: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompletionSpec {
    pub person_id: PersonId,
    pub course_id: CourseId,
    pub completed_on: NaiveDate,
    pub source: CompletionSource,
    pub score: Option<i64>,
}

impl CompletionDraft {
    pub fn parse(self) -> Result<CompletionSpec, Invalid> {
        let mut v = Validator::new();
        let person_id = v.required("person_id", self.person_id, id);
        let course_id = v.required("course_id", self.course_id, id);
        let completed_on = v.required("completed_on", self.completed_on, |s| date(&s));
        let score = v.optional("score", self.score, |s| optional_count(s, 100));
        v.finish(|| CompletionSpec {
            person_id: person_id.unwrap(),
            course_id: course_id.unwrap(),
            completed_on: completed_on.unwrap(),
            source: CompletionSource::Muster,
            score: score.unwrap().flatten(),
        })
    }

    pub fn over(self, base: CompletionDraft) -> CompletionDraft {
        CompletionDraft {
            person_id: overlay(base.person_id, self.person_id),
            course_id: overlay(base.course_id, self.course_id),
            completed_on: overlay(base.completed_on, self.completed_on),
            score: overlay(base.score, self.score),
        }
    }
}

impl From<&Completion> for CompletionDraft {
    fn from(c: &Completion) -> Self {
        CompletionDraft {
            person_id: Some(c.person_id.to_string()),
            course_id: Some(c.course_id.to_string()),
            completed_on: Some(c.completed_on.format("%Y-%m-%d").to_string()),
            score: Some(c.score.map(|s| s.to_string()).unwrap_or_default()),
        }
    }
}

/// One completion per person and course, the latest date winning (on a tie, the later
/// in the list): what a batch may send in one statement.
pub fn latest_per_course(mut batch: Vec<CompletionSpec>) -> Vec<CompletionSpec> {
    let mut seen = std::collections::HashMap::with_capacity(batch.len());
    for (i, c) in batch.iter().enumerate() {
        let slot = seen.entry((c.person_id, c.course_id)).or_insert(i);
        if batch[*slot].completed_on <= c.completed_on {
            *slot = i;
        }
    }
    let mut keep = vec![false; batch.len()];
    for i in seen.into_values() {
        keep[i] = true;
    }
    let mut flags = keep.into_iter();
    batch.retain(|_| flags.next().unwrap_or(false));
    batch
}

/// Filters for listing completions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompletionFilter {
    pub person_id: Option<PersonId>,
    pub course_id: Option<CourseId>,
    pub site_id: Option<SiteId>,
    pub source: Option<CompletionSource>,
    /// Completed on or after this day.
    pub since: Option<NaiveDate>,
    /// Completed before this day.
    pub until: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_keeps_the_latest_completion_of_each_course() {
        let on = |person_id, course_id, day| CompletionSpec {
            person_id,
            course_id,
            completed_on: NaiveDate::from_ymd_opt(2027, 3, day).unwrap(),
            source: CompletionSource::LmsImport,
            score: None,
        };
        let kept = latest_per_course(vec![on(1, 1, 5), on(1, 2, 1), on(1, 1, 9), on(1, 1, 2)]);
        assert_eq!(kept, vec![on(1, 2, 1), on(1, 1, 9)]);
    }

    #[test]
    fn a_recorded_completion_comes_from_muster_and_scores_are_percentages() {
        let spec = CompletionDraft {
            person_id: Some("4".into()),
            course_id: Some("9".into()),
            completed_on: Some("2027-02-01".into()),
            score: Some("".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(spec.source, CompletionSource::Muster);
        assert_eq!(spec.score, None);
        let err = CompletionDraft {
            score: Some("140".into()),
            completed_on: Some("01/02/2027".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("score").is_some());
        assert!(err.message_for("completed_on").is_some());
    }
}
