//! Proficiency assessments: a person's score on a curriculum's assessment against its pass
//! mark. Every attempt is kept; the latest decides whether the person is proficient.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::curriculum::CurriculumId;
use crate::draft::{id, number_as_text, overlay};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::text::{Name, date};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_site_id: Option<SiteId>,
    #[serde(skip)]
    pub person_email: String,
    pub curriculum_id: CurriculumId,
    pub curriculum_name: String,
    pub score: i64,
    /// The curriculum's pass mark when the assessment was taken.
    pub pass_mark: i64,
    pub passed: bool,
    pub assessed_on: NaiveDate,
    /// Who assessed (a trainer's name).
    pub assessor: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub curriculum_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub score: Option<String>,
    /// YYYY-MM-DD
    pub assessed_on: Option<String>,
    pub assessor: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentSpec {
    pub person_id: PersonId,
    pub curriculum_id: CurriculumId,
    pub score: i64,
    pub assessed_on: NaiveDate,
    pub assessor: Name,
}

impl AssessmentDraft {
    pub fn parse(self) -> Result<AssessmentSpec, Invalid> {
        let mut v = Validator::new();
        let person_id = v.required("person_id", self.person_id, id);
        let curriculum_id = v.required("curriculum_id", self.curriculum_id, id);
        let score = v.required("score", self.score, super::percent);
        let assessed_on = v.required("assessed_on", self.assessed_on, |s| date(&s));
        let assessor = v.required("assessor", self.assessor, |s| Name::parse(&s));
        v.finish(|| AssessmentSpec {
            person_id: person_id.unwrap(),
            curriculum_id: curriculum_id.unwrap(),
            score: score.unwrap(),
            assessed_on: assessed_on.unwrap(),
            assessor: assessor.unwrap(),
        })
    }

    pub fn over(self, base: AssessmentDraft) -> AssessmentDraft {
        AssessmentDraft {
            person_id: overlay(base.person_id, self.person_id),
            curriculum_id: overlay(base.curriculum_id, self.curriculum_id),
            score: overlay(base.score, self.score),
            assessed_on: overlay(base.assessed_on, self.assessed_on),
            assessor: overlay(base.assessor, self.assessor),
        }
    }
}

impl From<&Assessment> for AssessmentDraft {
    fn from(a: &Assessment) -> Self {
        AssessmentDraft {
            person_id: Some(a.person_id.to_string()),
            curriculum_id: Some(a.curriculum_id.to_string()),
            score: Some(a.score.to_string()),
            assessed_on: Some(a.assessed_on.format("%Y-%m-%d").to_string()),
            assessor: Some(a.assessor.clone()),
        }
    }
}
