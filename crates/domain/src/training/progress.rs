//! Progress: how far each person is through the curricula of their job role, and the
//! completion figures by site and job role that the dashboard's heat map shows.

use chrono::NaiveDate;
use serde::Serialize;

use super::curriculum::CurriculumId;
use crate::person::{JobRole, PersonId};
use crate::site::SiteId;

/// One person's progress through one curriculum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurriculumProgress {
    pub person_id: PersonId,
    pub curriculum_id: CurriculumId,
    pub curriculum_name: String,
    /// Required courses in the curriculum.
    pub required: i64,
    /// Of those, completed.
    pub done: i64,
    /// The latest proficiency assessment passed.
    pub proficiency_passed: bool,
    /// When the last required course was completed, once all are.
    pub completed_on: Option<NaiveDate>,
}

impl CurriculumProgress {
    pub fn complete(&self) -> bool {
        self.done >= self.required
    }

    pub fn percent(&self) -> i64 {
        percent(self.done, self.required).unwrap_or(100)
    }
}

/// People of one job role at one site, and how many have completed every curriculum of
/// their role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionCell {
    pub site_id: Option<SiteId>,
    pub job_role: JobRole,
    /// Active people of this role at this site whose role has a curriculum.
    pub people: i64,
    pub complete: i64,
    /// Of those complete, proficient in every curriculum too.
    pub proficient: i64,
}

impl CompletionCell {
    pub fn percent(&self) -> Option<i64> {
        percent(self.complete, self.people)
    }
}

/// `part` of `whole` in whole percent, rounded down so that 89.9% never shows as 90%.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part * 100 / whole)
}

choice!(
    /// The heat map's colour bands; the label is the legend.
    Band {
        Low = ("low", "under 50%"),
        Behind = ("behind", "50–79%"),
        Close = ("close", "80–89%"),
        Ready = ("ready", "90% or more"),
    }
);

impl Band {
    /// 90% is the readiness threshold for training completion by role.
    pub fn of(percent: i64) -> Band {
        match percent {
            90.. => Band::Ready,
            80..=89 => Band::Close,
            50..=79 => Band::Behind,
            _ => Band::Low,
        }
    }
}

/// A person's standing across every curriculum of their role: what provisioning ("no
/// training, no access") and readiness ask.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonTraining {
    pub person_id: PersonId,
    pub name: String,
    pub job_role: JobRole,
    /// Curricula their job role requires.
    pub curricula: i64,
    pub complete: i64,
    /// Complete with the latest proficiency assessment passed.
    pub proficient: i64,
    pub last_completed_on: Option<NaiveDate>,
}

impl PersonTraining {
    /// Every required curriculum complete (true when the role requires none).
    pub fn trained(&self) -> bool {
        self.complete >= self.curricula
    }

    /// Trained and proficient in every required curriculum.
    pub fn ready(&self) -> bool {
        self.trained() && self.proficient >= self.curricula
    }
}

/// A person behind on their curricula, and the required courses they still miss.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Behind {
    pub person_id: PersonId,
    pub name: String,
    pub done: i64,
    pub required: i64,
    /// Titles of required courses not completed, in curriculum order.
    pub missing: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_means_every_curriculum_complete_and_passed() {
        let p = PersonTraining {
            person_id: 1,
            name: "A".into(),
            job_role: JobRole::Nurse,
            curricula: 2,
            complete: 2,
            proficient: 1,
            last_completed_on: None,
        };
        assert!(p.trained() && !p.ready());
        assert!(
            PersonTraining {
                proficient: 2,
                ..p.clone()
            }
            .ready()
        );
        assert!(
            !PersonTraining {
                complete: 1,
                proficient: 2,
                ..p.clone()
            }
            .ready()
        );
        assert!(
            PersonTraining {
                curricula: 0,
                complete: 0,
                proficient: 0,
                ..p
            }
            .ready()
        );
    }

    #[test]
    fn percentages_round_down_and_bands_follow_the_readiness_threshold() {
        assert_eq!(percent(899, 1000), Some(89));
        assert_eq!(percent(1, 0), None);
        assert_eq!(Band::of(89), Band::Close);
        assert_eq!(Band::of(90), Band::Ready);
        assert_eq!(Band::of(49), Band::Low);
        assert_eq!(Band::of(50), Band::Behind);
    }
}
