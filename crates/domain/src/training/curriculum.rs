//! Curricula: what one job role must complete for one EHR module ("Physician —
//! Ambulatory"): required courses in order, expected hours and the proficiency pass mark.

use serde::{Deserialize, Serialize};

use super::course::{Course, CourseId};
use crate::draft::{id, number_as_text, overlay};
use crate::module::ModuleId;
use crate::person::JobRole;
use crate::text::Name;
use crate::validate::{Invalid, Validator};

pub type CurriculumId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Curriculum {
    pub id: CurriculumId,
    pub name: String,
    pub job_role: JobRole,
    pub module_id: ModuleId,
    /// The required courses, in the order they are taken.
    pub course_ids: Vec<CourseId>,
    /// Hours entered by the trainer; when absent, `expected_hours` is the courses' sum.
    pub hours_entered: Option<f64>,
    pub expected_hours: f64,
    /// The proficiency score (0–100) that passes.
    pub pass_mark: i64,
}

/// A curriculum as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CurriculumDraft {
    pub name: Option<String>,
    pub job_role: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// Required course ids, in order.
    pub course_ids: Option<Vec<CourseId>>,
    /// Blank: the sum of the courses' hours.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub expected_hours: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub pass_mark: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CurriculumSpec {
    pub name: Name,
    pub job_role: JobRole,
    pub module_id: ModuleId,
    pub course_ids: Vec<CourseId>,
    pub hours_entered: Option<f64>,
    pub pass_mark: i64,
}

/// The pass mark when none is given.
pub const DEFAULT_PASS_MARK: i64 = 80;

impl CurriculumDraft {
    pub fn parse(self) -> Result<CurriculumSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let job_role = v.required("job_role", self.job_role, |s| JobRole::parse(&s));
        let module_id = v.required("module_id", self.module_id, id);
        let hours = v.optional("expected_hours", self.expected_hours, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                super::hours(&s).map(Some)
            }
        });
        let pass_mark = v.optional("pass_mark", self.pass_mark, super::percent);
        // Order is kept; a course named twice counts once, where it first appears.
        let mut course_ids: Vec<CourseId> = Vec::new();
        for c in self.course_ids.unwrap_or_default() {
            if !course_ids.contains(&c) {
                course_ids.push(c);
            }
        }
        v.finish(|| CurriculumSpec {
            name: name.unwrap(),
            job_role: job_role.unwrap(),
            module_id: module_id.unwrap(),
            course_ids,
            hours_entered: hours.unwrap().flatten(),
            pass_mark: pass_mark.unwrap().unwrap_or(DEFAULT_PASS_MARK),
        })
    }

    pub fn over(self, base: CurriculumDraft) -> CurriculumDraft {
        CurriculumDraft {
            name: overlay(base.name, self.name),
            job_role: overlay(base.job_role, self.job_role),
            module_id: overlay(base.module_id, self.module_id),
            course_ids: overlay(base.course_ids, self.course_ids),
            expected_hours: overlay(base.expected_hours, self.expected_hours),
            pass_mark: overlay(base.pass_mark, self.pass_mark),
        }
    }
}

impl From<&Curriculum> for CurriculumDraft {
    fn from(c: &Curriculum) -> Self {
        CurriculumDraft {
            name: Some(c.name.clone()),
            job_role: Some(c.job_role.code().into()),
            module_id: Some(c.module_id.to_string()),
            course_ids: Some(c.course_ids.clone()),
            expected_hours: Some(c.hours_entered.map(|h| h.to_string()).unwrap_or_default()),
            pass_mark: Some(c.pass_mark.to_string()),
        }
    }
}

/// The hours a curriculum expects: as entered, else the sum of its courses' hours.
pub fn expected_hours(entered: Option<f64>, course_ids: &[CourseId], courses: &[Course]) -> f64 {
    entered.unwrap_or_else(|| {
        courses
            .iter()
            .filter(|c| course_ids.contains(&c.id))
            .map(|c| c.hours)
            .sum()
    })
}

/// Does `score` pass `pass_mark`? The mark itself passes.
pub fn passes(score: i64, pass_mark: i64) -> bool {
    score >= pass_mark
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::course::CourseKind;

    fn course(id: i64, hours: f64) -> Course {
        Course {
            id,
            code: format!("C{id}"),
            title: format!("Course {id}"),
            kind: CourseKind::ELearning,
            hours,
            module_id: None,
            advanced: false,
            active: true,
        }
    }

    #[test]
    fn the_pass_mark_itself_passes() {
        assert!(passes(80, 80));
        assert!(passes(100, 80));
        assert!(!passes(79, 80));
        assert!(passes(0, 0));
    }

    #[test]
    fn expected_hours_are_entered_or_summed() {
        let courses = [course(1, 1.5), course(2, 2.0), course(3, 4.0)];
        assert_eq!(expected_hours(None, &[1, 2], &courses), 3.5);
        assert_eq!(expected_hours(Some(6.0), &[1, 2], &courses), 6.0);
    }

    #[test]
    fn courses_keep_their_order_without_repeats_and_the_mark_defaults() {
        let spec = CurriculumDraft {
            name: Some("Physician — Ambulatory".into()),
            job_role: Some("physician".into()),
            module_id: Some("3".into()),
            course_ids: Some(vec![7, 2, 7, 5]),
            expected_hours: Some(" ".into()),
            pass_mark: None,
        }
        .parse()
        .unwrap();
        assert_eq!(spec.course_ids, vec![7, 2, 5]);
        assert_eq!(spec.pass_mark, DEFAULT_PASS_MARK);
        assert_eq!(spec.hours_entered, None);
        let err = CurriculumDraft {
            pass_mark: Some("120".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("pass_mark").is_some());
        assert_eq!(err.message_for("module_id"), Some("is required"));
    }
}
