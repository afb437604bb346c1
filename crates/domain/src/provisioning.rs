//! "No training, no access": who at a site may be given EHR access for its go-live, and
//! for everyone else exactly why not, in words an identity team can act on. A person is
//! ready when they are active in the roster, their job role has curricula, and each of
//! those is complete with its latest proficiency assessment passed.

use serde::Serialize;

use crate::person::{JobRole, PersonId};
use crate::site::SiteId;

choice!(
    /// Whether a person may be given access.
    ProvisioningStatus {
        Ready = ("ready", "Ready"),
        NotReady = ("not_ready", "Not ready"),
    }
);

/// The latest proficiency assessment of a curriculum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scored {
    pub score: i64,
    pub pass_mark: i64,
}

/// Where a person stands in one curriculum of their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurriculumStanding {
    pub curriculum: String,
    /// Required courses not yet completed, in curriculum order.
    pub missing: Vec<String>,
    /// The latest assessment passed.
    pub passed: bool,
    /// The latest assessment, if there is one.
    pub latest: Option<Scored>,
}

/// One reason a person may not be given access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    Inactive,
    NoCurriculum(JobRole),
    MissingCourses {
        curriculum: String,
        courses: Vec<String>,
    },
    NotPassed {
        curriculum: String,
        scored: Scored,
    },
    NotAssessed {
        curriculum: String,
    },
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocker::Inactive => f.write_str("inactive in the roster"),
            Blocker::NoCurriculum(role) => write!(f, "no curriculum for job role {role}"),
            Blocker::MissingCourses {
                curriculum,
                courses,
            } => write!(f, "missing courses: {} ({curriculum})", courses.join(", ")),
            Blocker::NotPassed { curriculum, scored } => write!(
                f,
                "proficiency not passed: scored {}, pass mark {} ({curriculum})",
                scored.score, scored.pass_mark
            ),
            Blocker::NotAssessed { curriculum } => write!(f, "not assessed ({curriculum})"),
        }
    }
}

/// Why a person may not be given access; empty when they may. An inactive person is not
/// to be provisioned (or is to be de-provisioned) whatever their training.
pub fn blockers(active: bool, job_role: JobRole, curricula: &[CurriculumStanding]) -> Vec<Blocker> {
    if !active {
        return vec![Blocker::Inactive];
    }
    if curricula.is_empty() {
        return vec![Blocker::NoCurriculum(job_role)];
    }
    let mut out = Vec::new();
    for c in curricula {
        if !c.missing.is_empty() {
            out.push(Blocker::MissingCourses {
                curriculum: c.curriculum.clone(),
                courses: c.missing.clone(),
            });
        }
        if !c.passed {
            out.push(match c.latest {
                Some(scored) => Blocker::NotPassed {
                    curriculum: c.curriculum.clone(),
                    scored,
                },
                None => Blocker::NotAssessed {
                    curriculum: c.curriculum.clone(),
                },
            });
        }
    }
    out
}

/// One line of the provisioning list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisioningEntry {
    pub person_id: PersonId,
    pub employee_id: Option<String>,
    pub name: String,
    pub email: String,
    pub site_id: Option<SiteId>,
    pub site: Option<String>,
    pub unit: Option<String>,
    pub job_role: JobRole,
    pub active: bool,
    pub status: ProvisioningStatus,
    /// Why not ready, one sentence each; empty when ready.
    pub reasons: Vec<String>,
}

impl ProvisioningEntry {
    /// The export's columns, in order.
    pub const COLUMNS: [&'static str; 8] = [
        "employee_id",
        "name",
        "email",
        "site",
        "unit",
        "job_role",
        "status",
        "reasons",
    ];

    /// The export's cells for this line, matching `COLUMNS`.
    pub fn cells(&self) -> [String; 8] {
        [
            self.employee_id.clone().unwrap_or_default(),
            self.name.clone(),
            self.email.clone(),
            self.site.clone().unwrap_or_default(),
            self.unit.clone().unwrap_or_default(),
            self.job_role.label().to_owned(),
            self.status.label().to_owned(),
            self.reasons.join("; "),
        ]
    }
}

/// The list's head figures under its filters (before the status filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisioningCounts {
    pub people: u64,
    pub ready: u64,
    pub not_ready: u64,
    /// Of the not ready, inactive in the roster (to be de-provisioned).
    pub inactive: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(
        name: &str,
        missing: &[&str],
        passed: bool,
        latest: Option<(i64, i64)>,
    ) -> CurriculumStanding {
        CurriculumStanding {
            curriculum: name.into(),
            missing: missing.iter().map(|s| s.to_string()).collect(),
            passed,
            latest: latest.map(|(score, pass_mark)| Scored { score, pass_mark }),
        }
    }

    fn said(b: &[Blocker]) -> Vec<String> {
        b.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_person_complete_and_passed_in_every_curriculum_is_ready() {
        let all = [
            standing("Nurse — Inpatient", &[], true, Some((90, 80))),
            standing("Nurse — Pharmacy", &[], true, Some((80, 80))),
        ];
        assert!(blockers(true, JobRole::Nurse, &all).is_empty());
    }

    #[test]
    fn each_reason_is_said_in_words_an_identity_team_understands() {
        let all = [
            standing("Nurse — Inpatient", &["IP-101", "IP-201"], false, None),
            standing("Nurse — Pharmacy", &[], false, Some((72, 80))),
        ];
        assert_eq!(
            said(&blockers(true, JobRole::Nurse, &all)),
            [
                "missing courses: IP-101, IP-201 (Nurse — Inpatient)",
                "not assessed (Nurse — Inpatient)",
                "proficiency not passed: scored 72, pass mark 80 (Nurse — Pharmacy)",
            ]
        );
        assert_eq!(
            said(&blockers(true, JobRole::Coder, &[])),
            ["no curriculum for job role Coder / biller"]
        );
    }

    #[test]
    fn inactive_people_are_never_ready_whatever_their_training() {
        let done = [standing("Nurse — Inpatient", &[], true, Some((95, 80)))];
        assert_eq!(
            said(&blockers(false, JobRole::Nurse, &done)),
            ["inactive in the roster"]
        );
    }
}
