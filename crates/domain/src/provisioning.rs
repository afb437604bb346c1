//! "No training, no access": who at a site may be given EHR access for its go-live, and
//! for everyone else exactly why not, in words an identity team can act on. A person is
//! ready when they are active in the roster, their job role has curricula required of them
//! (for a go-live that lists modules, those of its modules; otherwise all of them), and each
//! of those is complete with its latest proficiency assessment passed.

use serde::{Deserialize, Serialize};

use crate::module::ModuleId;
use crate::person::{JobRole, PersonId};
use crate::site::SiteId;

choice!(
    /// Whether a person may be given access.
    ProvisioningStatus {
        Ready = ("ready", "Ready"),
        NotReady = ("not_ready", "Not ready"),
    }
);

/// A module whose curricula a go-live requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredModule {
    pub id: ModuleId,
    pub name: String,
}

/// Which curricula of a person's job role the list requires: the rule "ready for this
/// go-live" rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Requirement {
    /// Every curriculum of the role: no wave was chosen, or the wave lists no modules.
    #[default]
    AllOfRole,
    /// The curricula of the role in these modules (a wave's), by name; never empty.
    Modules(Vec<RequiredModule>),
}

impl Requirement {
    /// The requirement of a list for a wave taking `modules` live (none listed: every
    /// curriculum of the role, as without a wave).
    pub fn of_wave(mut modules: Vec<RequiredModule>) -> Self {
        if modules.is_empty() {
            return Requirement::AllOfRole;
        }
        modules.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Requirement::Modules(modules)
    }

    /// Whether a curriculum of module `module_id` is required.
    pub fn requires(&self, module_id: ModuleId) -> bool {
        match self {
            Requirement::AllOfRole => true,
            Requirement::Modules(modules) => modules.iter().any(|m| m.id == module_id),
        }
    }

    /// The modules required, none for every curriculum of the role.
    pub fn modules(&self) -> &[RequiredModule] {
        match self {
            Requirement::AllOfRole => &[],
            Requirement::Modules(modules) => modules,
        }
    }

    /// What the list requires, in words: "Ambulatory, Inpatient" or "all curricula of each
    /// role".
    pub fn describe(&self) -> String {
        match self {
            Requirement::AllOfRole => "all curricula of each role".to_owned(),
            Requirement::Modules(modules) => names(modules),
        }
    }
}

fn names(modules: &[RequiredModule]) -> String {
    modules
        .iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

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
    /// The module the curriculum trains for.
    pub module_id: ModuleId,
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
    /// The role has curricula, but none in the go-live's modules.
    NoCurriculumInModules {
        job_role: JobRole,
        modules: Vec<RequiredModule>,
    },
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
            Blocker::NoCurriculumInModules { job_role, modules } => write!(
                f,
                "no curriculum for job role {job_role} in this go-live's modules ({})",
                names(modules)
            ),
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

/// Why a person may not be given access under `requirement`, given their standing in every
/// curriculum of their role; empty when they may. Only the curricula `requirement` requires
/// count. An inactive person is not to be provisioned (or is to be de-provisioned) whatever
/// their training.
pub fn blockers(
    active: bool,
    job_role: JobRole,
    requirement: &Requirement,
    curricula: &[CurriculumStanding],
) -> Vec<Blocker> {
    if !active {
        return vec![Blocker::Inactive];
    }
    if curricula.is_empty() {
        return vec![Blocker::NoCurriculum(job_role)];
    }
    let required: Vec<&CurriculumStanding> = curricula
        .iter()
        .filter(|c| requirement.requires(c.module_id))
        .collect();
    if required.is_empty() {
        return vec![Blocker::NoCurriculumInModules {
            job_role,
            modules: requirement.modules().to_vec(),
        }];
    }
    let mut out = Vec::new();
    for c in required {
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

    const AMBULATORY: ModuleId = 1;
    const INPATIENT: ModuleId = 2;

    fn standing(
        name: &str,
        missing: &[&str],
        passed: bool,
        latest: Option<(i64, i64)>,
    ) -> CurriculumStanding {
        in_module(INPATIENT, name, missing, passed, latest)
    }

    fn in_module(
        module_id: ModuleId,
        name: &str,
        missing: &[&str],
        passed: bool,
        latest: Option<(i64, i64)>,
    ) -> CurriculumStanding {
        CurriculumStanding {
            curriculum: name.into(),
            module_id,
            missing: missing.iter().map(|s| s.to_string()).collect(),
            passed,
            latest: latest.map(|(score, pass_mark)| Scored { score, pass_mark }),
        }
    }

    fn module(id: ModuleId, name: &str) -> RequiredModule {
        RequiredModule {
            id,
            name: name.into(),
        }
    }

    fn said(b: &[Blocker]) -> Vec<String> {
        b.iter().map(ToString::to_string).collect()
    }

    const ALL: Requirement = Requirement::AllOfRole;

    #[test]
    fn a_person_complete_and_passed_in_every_curriculum_is_ready() {
        let all = [
            standing("Nurse — Inpatient", &[], true, Some((90, 80))),
            standing("Nurse — Pharmacy", &[], true, Some((80, 80))),
        ];
        assert!(blockers(true, JobRole::Nurse, &ALL, &all).is_empty());
    }

    #[test]
    fn each_reason_is_said_in_words_an_identity_team_understands() {
        let all = [
            standing("Nurse — Inpatient", &["IP-101", "IP-201"], false, None),
            standing("Nurse — Pharmacy", &[], false, Some((72, 80))),
        ];
        assert_eq!(
            said(&blockers(true, JobRole::Nurse, &ALL, &all)),
            [
                "missing courses: IP-101, IP-201 (Nurse — Inpatient)",
                "not assessed (Nurse — Inpatient)",
                "proficiency not passed: scored 72, pass mark 80 (Nurse — Pharmacy)",
            ]
        );
        assert_eq!(
            said(&blockers(true, JobRole::Coder, &ALL, &[])),
            ["no curriculum for job role Coder / biller"]
        );
    }

    #[test]
    fn inactive_people_are_never_ready_whatever_their_training() {
        let done = [standing("Nurse — Inpatient", &[], true, Some((95, 80)))];
        assert_eq!(
            said(&blockers(false, JobRole::Nurse, &ALL, &done)),
            ["inactive in the roster"]
        );
    }

    /// A physician complete in Ambulatory only, with nothing done in Inpatient.
    fn physician() -> [CurriculumStanding; 2] {
        [
            in_module(
                AMBULATORY,
                "Physician — Ambulatory",
                &[],
                true,
                Some((88, 80)),
            ),
            in_module(
                INPATIENT,
                "Physician — Inpatient",
                &["IP-MD-1"],
                false,
                None,
            ),
        ]
    }

    #[test]
    fn a_go_live_requires_only_the_curricula_of_the_modules_it_brings_live() {
        let ambulatory = Requirement::of_wave(vec![module(AMBULATORY, "Ambulatory")]);
        assert!(
            blockers(true, JobRole::Physician, &ambulatory, &physician()).is_empty(),
            "the Inpatient curriculum is not required for an Ambulatory go-live"
        );
        let inpatient = Requirement::of_wave(vec![module(INPATIENT, "Inpatient")]);
        assert_eq!(
            said(&blockers(
                true,
                JobRole::Physician,
                &inpatient,
                &physician()
            )),
            [
                "missing courses: IP-MD-1 (Physician — Inpatient)",
                "not assessed (Physician — Inpatient)"
            ]
        );
        assert_eq!(
            said(&blockers(true, JobRole::Physician, &ALL, &physician())),
            [
                "missing courses: IP-MD-1 (Physician — Inpatient)",
                "not assessed (Physician — Inpatient)"
            ],
            "without a go-live every curriculum of the role counts"
        );
    }

    #[test]
    fn a_wave_listing_no_modules_requires_every_curriculum_of_the_role() {
        let none = Requirement::of_wave(Vec::new());
        assert_eq!(none, Requirement::AllOfRole);
        assert_eq!(none.describe(), "all curricula of each role");
        assert!(!blockers(true, JobRole::Physician, &none, &physician()).is_empty());
    }

    #[test]
    fn a_role_with_curricula_but_none_in_the_go_lives_modules_is_told_so() {
        let pharmacy = Requirement::of_wave(vec![module(9, "Pharmacy"), module(8, "Lab")]);
        assert_eq!(pharmacy.describe(), "Lab, Pharmacy", "by name");
        assert_eq!(
            said(&blockers(true, JobRole::Physician, &pharmacy, &physician())),
            ["no curriculum for job role Physician in this go-live's modules (Lab, Pharmacy)"]
        );
        assert_eq!(
            said(&blockers(true, JobRole::Coder, &pharmacy, &[])),
            ["no curriculum for job role Coder / biller"],
            "a role with no curricula at all keeps its own reason"
        );
    }
}
