//! Courses: one piece of training (an e-learning module or a classroom class) with its
//! hours, the EHR module it teaches, and whether it is champions' advanced training.

use serde::{Deserialize, Serialize};

use crate::draft::{flag, number_as_text, optional_id, overlay};
use crate::module::ModuleId;
use crate::text::{Code, Name};
use crate::validate::{Invalid, Validator};

pub type CourseId = i64;

choice!(
    /// How a course is delivered.
    CourseKind {
        ELearning = ("e_learning", "E-learning"),
        Classroom = ("classroom", "Classroom"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: CourseId,
    pub code: String,
    pub title: String,
    pub kind: CourseKind,
    pub hours: f64,
    pub module_id: Option<ModuleId>,
    /// Champions' (super users') advanced training.
    pub advanced: bool,
    /// Retired courses stay for the completions that name them but are offered no more.
    pub active: bool,
}

/// A course as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CourseDraft {
    pub code: Option<String>,
    pub title: Option<String>,
    /// e_learning or classroom
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub hours: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub advanced: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CourseSpec {
    pub code: Code,
    pub title: Name,
    pub kind: CourseKind,
    pub hours: f64,
    pub module_id: Option<ModuleId>,
    pub advanced: bool,
    pub active: bool,
}

impl CourseDraft {
    pub fn parse(self) -> Result<CourseSpec, Invalid> {
        let mut v = Validator::new();
        let code = v.required("code", self.code, |s| Code::parse(&s));
        let title = v.required("title", self.title, |s| Name::parse(&s));
        let kind = v.required("kind", self.kind, |s| CourseKind::parse(&s));
        let hours = v.required("hours", self.hours, |s| super::hours(&s));
        let module_id = v.optional("module_id", self.module_id, optional_id);
        v.finish(|| CourseSpec {
            code: code.unwrap(),
            title: title.unwrap(),
            kind: kind.unwrap(),
            hours: hours.unwrap(),
            module_id: module_id.unwrap().flatten(),
            advanced: self.advanced.unwrap_or(false),
            active: self.active.unwrap_or(true),
        })
    }

    pub fn over(self, base: CourseDraft) -> CourseDraft {
        CourseDraft {
            code: overlay(base.code, self.code),
            title: overlay(base.title, self.title),
            kind: overlay(base.kind, self.kind),
            hours: overlay(base.hours, self.hours),
            module_id: overlay(base.module_id, self.module_id),
            advanced: overlay(base.advanced, self.advanced),
            active: overlay(base.active, self.active),
        }
    }
}

impl From<&Course> for CourseDraft {
    fn from(c: &Course) -> Self {
        CourseDraft {
            code: Some(c.code.clone()),
            title: Some(c.title.clone()),
            kind: Some(c.kind.code().into()),
            hours: Some(c.hours.to_string()),
            module_id: Some(c.module_id.map(|m| m.to_string()).unwrap_or_default()),
            advanced: Some(c.advanced),
            active: Some(c.active),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_needs_a_code_a_title_a_kind_and_hours() {
        let spec = CourseDraft {
            code: Some("amb-101".into()),
            title: Some("Ambulatory basics".into()),
            kind: Some("e_learning".into()),
            hours: Some("2".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(spec.code.as_str(), "AMB-101");
        assert!(spec.active && !spec.advanced);
        let err = CourseDraft::default().parse().unwrap_err();
        for field in ["code", "title", "kind", "hours"] {
            assert_eq!(err.message_for(field), Some("is required"), "{field}");
        }
    }
}
