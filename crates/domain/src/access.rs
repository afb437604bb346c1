//! Access control: who may do what to which records. This is the one place that decides;
//! handlers, pages and queries ask it and never decide on their own.

use serde::Serialize;

use crate::site::SiteId;

choice!(
    /// The role an account holds in the program.
    AccessRole {
        Admin = ("admin", "Administrator"),
        ProgramLead = ("program_lead", "Program lead"),
        SiteLead = ("site_lead", "Site lead"),
        Analyst = ("analyst", "Analyst"),
        Trainer = ("trainer", "Trainer"),
        Champion = ("champion", "Champion"),
        EndUser = ("end_user", "End user"),
        Vendor = ("vendor", "Vendor"),
        Executive = ("executive", "Executive"),
    }
);

choice!(
    /// The kinds of records access is decided on; the label names them in refusals.
    Subject {
        Program = ("program", "the program"),
        Site = ("site", "sites"),
        Unit = ("unit", "units"),
        Wave = ("wave", "waves"),
        Module = ("module", "modules"),
        Person = ("person", "people"),
        Account = ("account", "accounts"),
        Audit = ("audit", "the audit log"),
        Ticket = ("ticket", "tickets"),
        KnownIssue = ("known_issue", "known issues"),
        SupportTeam = ("support_team", "support teams"),
        SlaPolicy = ("sla_policy", "SLA policies"),
        DecisionRight = ("decision_right", "decision rights"),
        ChangeRequest = ("change_request", "change requests"),
        Rounding = ("rounding", "rounding assignments"),
        CommandCenter = ("command_center", "the command center"),
        Import = ("import", "imports"),
        TrainingCatalog = ("training_catalog", "courses and curricula"),
        TrainingSession = ("training_session", "training sessions"),
        Enrollment = ("enrollment", "enrollments"),
        TrainingRecord = ("training_record", "training records"),
        Plan = ("plan", "the plan"),
        ReadinessCriterion = ("readiness_criterion", "readiness criteria"),
        Attestation = ("attestation", "attestations"),
        ReadinessAssessment = ("readiness_assessment", "readiness scorecards and assessments"),
        Gate = ("gate", "go/no-go decisions"),
        Champion = ("champion", "champions"),
        Provisioning = ("provisioning", "the provisioning list"),
        TrainingForecast = ("training_forecast", "training forecasts"),
        Goal = ("goal", "benefit goals"),
        Measurement = ("measurement", "KPI measurements"),
        Stakeholder = ("stakeholder", "stakeholder groups"),
        Commitment = ("commitment", "commitments"),
        Adkar = ("adkar", "ADKAR assessments"),
        GovernanceBody = ("governance_body", "governance bodies"),
        Decision = ("decision", "decisions"),
        Raci = ("raci", "RACI assignments"),
        Lesson = ("lesson", "lessons learned"),
        Embedding = ("embedding", "embedding assignments"),
    }
);

choice!(
    /// What is done to a record; the label is the verb used in refusals.
    Action {
        Read = ("read", "view"),
        Create = ("create", "create"),
        Update = ("update", "change"),
        Delete = ("delete", "delete"),
    }
);

/// How far a role's permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    None,
    /// Every record of the program.
    All,
    /// Records of the sites assigned to the account.
    OwnSites,
    /// Records of the account's own organization (vendor staff).
    OwnOrganization,
    /// Only the records the account itself raised (an end user's own tickets).
    Own,
}

/// Who is acting: a signed-in account, an API token's account, or the CLI operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub program_id: i64,
    pub name: String,
    pub email: String,
    pub role: AccessRole,
    pub site_ids: Vec<SiteId>,
    pub organization: Option<String>,
}

/// Where a record sits, for roles whose reach is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// A program-wide record (a wave, a module, the program itself).
    Program,
    /// A record that belongs to a site; `None` when it has none.
    Site(Option<SiteId>),
    /// A person: their site and their employer.
    Person {
        site_id: Option<SiteId>,
        organization: Option<&'a str>,
    },
    /// A ticket: its site, the organization of the team that holds it, who raised it.
    Ticket {
        site_id: SiteId,
        team_organization: Option<&'a str>,
        requester_account_id: Option<i64>,
    },
    /// An import job and the account that started it.
    Import { started_by: Option<i64> },
    /// A person's training (enrollments, completions, assessments, follow-ups): their site
    /// and email, which links them to their own account.
    Trainee {
        site_id: Option<SiteId>,
        email: &'a str,
    },
    /// A readiness criterion at a site (an attestation): the site, and the account that
    /// owns the criterion, who attests it at every site.
    Criterion {
        site_id: SiteId,
        owner_account_id: Option<i64>,
    },
}

/// The policy: how far `role` may take `action` on `subject`.
pub fn reach(role: AccessRole, subject: Subject, action: Action) -> Reach {
    use AccessRole::*;
    use Action::*;
    use Reach::Own;
    use Reach::{All, OwnOrganization, OwnSites};
    // Listed rather than globbed: `Champion` is both a role and a subject, so the subject
    // is written `Subject::Champion`.
    use Subject::{
        Account, Adkar, Attestation, Audit, ChangeRequest, CommandCenter, Commitment, Decision,
        DecisionRight, Embedding, Enrollment, Gate, Goal, GovernanceBody, Import, KnownIssue,
        Lesson, Measurement, Module, Person, Plan, Program, Provisioning, Raci,
        ReadinessAssessment, ReadinessCriterion, Rounding, Site, SlaPolicy, Stakeholder,
        SupportTeam, Ticket, TrainingCatalog, TrainingForecast, TrainingRecord, TrainingSession,
        Unit, Wave,
    };
    let alignment = matches!(
        subject,
        Goal | Measurement
            | Stakeholder
            | Commitment
            | Adkar
            | GovernanceBody
            | Decision
            | Raci
            | Lesson
            | Embedding
    );
    let reference_data = matches!(
        subject,
        Program
            | Site
            | Unit
            | Wave
            | Module
            | KnownIssue
            | SupportTeam
            | SlaPolicy
            | DecisionRight
            | TrainingCatalog
            | TrainingSession
    );
    let support_staff = matches!(role, ProgramLead | Analyst | Trainer);
    match (role, subject, action) {
        (_, Ticket | ChangeRequest, Delete) => Reach::None,
        (Admin, _, _) => All,
        (_, Account | Audit, _) => Reach::None,
        (_, _, Read) if reference_data => All,
        // Tickets: anyone files one; who sees and works them follows where they sit.
        (_, Ticket, Create) => All,
        (ProgramLead | Analyst | Trainer | Executive, Ticket, Read) => All,
        (SiteLead | Champion, Ticket, Read) => OwnSites,
        (EndUser, Ticket, Read) => Own,
        (Vendor, Ticket, Read | Update) => OwnOrganization,
        (_, Ticket, Update) if support_staff => All,
        (SiteLead, Ticket, Update) => OwnSites,
        (ProgramLead | Analyst, KnownIssue, _) => All,
        (ProgramLead, SupportTeam | SlaPolicy | DecisionRight | CommandCenter, _) => All,
        (ProgramLead | Analyst | Trainer | SiteLead | Executive, ChangeRequest, Read) => All,
        (ProgramLead | Analyst | SiteLead, ChangeRequest, Create) => All,
        (ProgramLead | Executive, ChangeRequest, Update) => All,
        (EndUser | Vendor, Rounding | CommandCenter, _) => Reach::None,
        (_, Rounding | CommandCenter, Read) => All,
        (ProgramLead, Rounding, _) => All,
        (SiteLead, Rounding, _) => OwnSites,
        // Imports: leads load any file; a site lead loads people of their own sites (checked
        // row by row against Person) and a trainer LMS completions (against TrainingRecord);
        // an analyst KPI measurements (against Measurement); each follows the imports they
        // started. See `may_import` for the kind.
        (ProgramLead, Import, _) => All,
        (SiteLead | Trainer | Analyst, Import, Read | Create) => Own,
        (ProgramLead, Program, Update) => All,
        (ProgramLead, Site | Unit | Wave | Module | Person, _) => All,
        (SiteLead, Site, Update) => OwnSites,
        (SiteLead, Unit | Person, _) => OwnSites,
        (Analyst | Trainer | Executive, Person, Read) => All,
        (Champion, Person, Read) => OwnSites,
        (Vendor, Person, Read) => OwnOrganization,
        // Training: trainers run it; site leads and champions follow their sites' people
        // (site leads enroll them); end users see and book their own.
        (ProgramLead | Trainer, TrainingCatalog | TrainingSession, _) => All,
        (ProgramLead | Trainer, Enrollment | TrainingRecord, _) => All,
        (Analyst | Executive, Enrollment | TrainingRecord, Read) => All,
        (SiteLead, Enrollment, _) => OwnSites,
        (SiteLead | Champion, Enrollment | TrainingRecord, Read) => OwnSites,
        (EndUser, Enrollment, Read | Create | Delete) => Own,
        (EndUser, TrainingRecord, Read) => Own,
        // The plan: the program office runs it; site leads keep their sites' tasks; analysts
        // report progress; everyone who works on the program reads it.
        (ProgramLead, Plan, _) => All,
        (SiteLead, Plan, Create | Update | Delete) => OwnSites,
        (Analyst, Plan, Update) => All,
        (EndUser, Plan, _) => Reach::None,
        (_, Plan, Read) => All,
        // Readiness: program leads keep the catalog and record assessments; everyone who
        // follows the go-live reads it, site leads and champions for their own sites.
        // Attestations come from a criterion's owner (whatever their role), a program lead,
        // or the site's lead. Gate decisions: see `Actor::may_record_gate`.
        (EndUser | Vendor, ReadinessCriterion | Attestation | ReadinessAssessment | Gate, _) => {
            Reach::None
        }
        (ProgramLead, ReadinessCriterion | ReadinessAssessment | Gate, _) => All,
        (_, ReadinessCriterion | Gate, Read) => All,
        (ProgramLead, Attestation, Read | Create) => All,
        (SiteLead, Attestation, Create) => OwnSites,
        (_, Attestation, Create) => Own,
        (Analyst | Trainer | Executive, Attestation | ReadinessAssessment, Read) => All,
        (SiteLead | Champion, Attestation | ReadinessAssessment, Read) => OwnSites,
        // Champions: leads designate them (site leads at their own sites); whoever supports
        // a go-live reads them; champions and end users see their own sites' champions,
        // so that people know whom to ask on their unit.
        (ProgramLead, Subject::Champion, _) => All,
        (SiteLead, Subject::Champion, _) => OwnSites,
        (Analyst | Trainer | Executive, Subject::Champion, Read) => All,
        (Champion | EndUser, Subject::Champion, Read) => OwnSites,
        // Provisioning names people and their access: the leads and analysts read it all,
        // trainers too (they chase who is not ready), site leads their own sites.
        (ProgramLead | Analyst | Trainer, Provisioning, Read) => All,
        (SiteLead, Provisioning, Read) => OwnSites,
        // The forecast is figures per site: whoever follows training at that level.
        (ProgramLead | Analyst | Trainer | Executive, TrainingForecast, Read) => All,
        (SiteLead | Champion, TrainingForecast, Read) => OwnSites,
        // Alignment: the program office keeps it; everyone who runs the program reads it (end
        // users and vendor staff do not). Analysts and site leads report KPI measurements
        // (site leads for their sites), site leads assess their sites' change readiness and
        // send their people to embed, executives record decisions, and anyone on the
        // program team records a lesson.
        (EndUser | Vendor, _, _) if alignment => Reach::None,
        (ProgramLead, _, _) if alignment => All,
        (_, _, Read) if alignment => All,
        (Analyst, Measurement | Commitment | Lesson | Raci, Create | Update) => All,
        (SiteLead, Measurement | Adkar | Embedding, Create | Update) => OwnSites,
        (Executive, Decision, Create) => All,
        (SiteLead | Trainer | Champion, Lesson, Create) => All,
        _ => Reach::None,
    }
}

impl Actor {
    /// The operator at the command line, who holds every right.
    pub fn operator(program_id: i64) -> Self {
        Actor {
            account_id: None,
            program_id,
            name: "command line".into(),
            email: String::new(),
            role: AccessRole::Admin,
            site_ids: Vec::new(),
            organization: None,
        }
    }

    /// The command center's rules (SLA breaches, escalation, auto-close) acting on their own.
    pub fn rules(program_id: i64) -> Self {
        Actor {
            name: "command center rules".into(),
            ..Actor::operator(program_id)
        }
    }

    /// May this actor take `action` on some `subject` at all (menus, route guards)?
    pub fn may(&self, action: Action, subject: Subject) -> bool {
        reach(self.role, subject, action) != Reach::None
    }

    /// May this actor take `action` on the `subject` record that sits at `place`?
    pub fn may_at(&self, action: Action, subject: Subject, place: Place<'_>) -> bool {
        match reach(self.role, subject, action) {
            Reach::None => false,
            Reach::All => true,
            Reach::OwnSites => match place {
                Place::Program | Place::Import { .. } => false,
                Place::Site(site) | Place::Person { site_id: site, .. } => {
                    site.is_some_and(|s| self.site_ids.contains(&s))
                }
                Place::Ticket { site_id, .. } => self.site_ids.contains(&site_id),
                Place::Trainee { site_id, .. } => {
                    site_id.is_some_and(|s| self.site_ids.contains(&s))
                }
                Place::Criterion { site_id, .. } => {
                    self.site_ids.contains(&site_id) || self.raised(place)
                }
            },
            Reach::OwnOrganization => match place {
                Place::Person {
                    organization: Some(org),
                    ..
                }
                | Place::Ticket {
                    team_organization: Some(org),
                    ..
                } => self
                    .organization
                    .as_deref()
                    .is_some_and(|own| own.eq_ignore_ascii_case(org)),
                _ => false,
            },
            Reach::Own => self.raised(place) || self.is_trainee(place),
        }
    }

    /// May this actor import records of `subject` (what a kind's rows write)? Both the right
    /// to import and the right to create such records somewhere; rows are checked one by one.
    pub fn may_import(&self, subject: Subject) -> bool {
        self.may(Action::Create, Subject::Import) && self.may(Action::Create, subject)
    }

    /// Is the record at `place` this actor's own training? Accounts link to people by email.
    pub fn is_trainee(&self, place: Place<'_>) -> bool {
        matches!(place, Place::Trainee { email, .. }
            if !self.email.is_empty() && self.email.eq_ignore_ascii_case(email))
    }

    /// Did this actor raise the record at `place`? Whoever raised a ticket may always
    /// follow it, whatever their role.
    pub fn raised(&self, place: Place<'_>) -> bool {
        matches!(place, Place::Ticket { requester_account_id: Some(id), .. }
            | Place::Import { started_by: Some(id) }
            | Place::Criterion { owner_account_id: Some(id), .. }
            if self.account_id == Some(id))
    }

    /// May this actor record a wave's go/no-go decision, given the program's go-live
    /// decision right (`decider`, and the account that records for it, if one does)? The
    /// account named on the right records it alone; a right held by a body without an
    /// account is recorded on its behalf by a program lead or administrator; with no right
    /// configured, only an administrator records it. `Err` says who holds the right.
    pub fn may_record_gate(&self, right: Option<(&str, Option<i64>)>) -> Result<(), String> {
        match right {
            Some((_, Some(account))) if self.account_id == Some(account) => Ok(()),
            Some((decider, Some(_))) => Err(format!(
                "the go-live decision belongs to {decider}: only the account named on that \
                 decision right records it"
            )),
            Some(_) if self.may(Action::Create, Subject::Gate) => Ok(()),
            Some((decider, None)) => Err(format!(
                "the go-live decision belongs to {decider}: a program lead records it on their \
                 behalf"
            )),
            None if self.role == AccessRole::Admin => Ok(()),
            None => Err(
                "no go-live decision right is configured: an administrator records the \
                 decision until one is (decision rights, kind \"Go-live\")"
                    .into(),
            ),
        }
    }

    /// May this actor decide for governance body `body` (under one of its rights: a logged
    /// decision, a change request routed to it)? A member of the body does (`member`: the
    /// account's email is a member's); so does whoever keeps the governance bodies (a
    /// program lead or administrator), on the body's behalf. `Err` says who may.
    pub fn may_decide_for(&self, body: &str, member: bool) -> Result<(), String> {
        if member || self.may(Action::Update, Subject::GovernanceBody) {
            Ok(())
        } else {
            Err(format!(
                "this decision belongs to {body}: its members record it, or a program lead on \
                 its behalf"
            ))
        }
    }

    /// The rows of `subject` this actor may read, for list queries.
    pub fn read_scope(&self, subject: Subject) -> Scope {
        match reach(self.role, subject, Action::Read) {
            Reach::None => Scope::Nothing,
            Reach::All => Scope::Everything,
            Reach::OwnSites => Scope::Sites(self.site_ids.clone()),
            Reach::OwnOrganization => match &self.organization {
                Some(org) => Scope::Organization(org.clone()),
                None => Scope::Nothing,
            },
            Reach::Own => match self.account_id {
                Some(id) => Scope::Own(id),
                None => Scope::Nothing,
            },
        }
    }
}

/// A row filter derived from the policy; the store applies it to list queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Nothing,
    Everything,
    Sites(Vec<SiteId>),
    Organization(String),
    /// Records raised by this account.
    Own(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: AccessRole) -> Actor {
        Actor {
            role,
            site_ids: vec![1],
            organization: Some("Acme Health IT".into()),
            ..Actor::operator(1)
        }
    }

    #[test]
    fn site_leads_edit_only_their_own_sites_people() {
        let lead = actor(AccessRole::SiteLead);
        assert!(lead.may_at(
            Action::Update,
            Subject::Person,
            Place::Person {
                site_id: Some(1),
                organization: None
            }
        ));
        assert!(!lead.may_at(
            Action::Update,
            Subject::Person,
            Place::Person {
                site_id: Some(2),
                organization: None
            }
        ));
        assert!(!lead.may_at(
            Action::Create,
            Subject::Person,
            Place::Person {
                site_id: None,
                organization: None
            }
        ));
        assert!(!lead.may(Action::Create, Subject::Site));
        assert_eq!(lead.read_scope(Subject::Person), Scope::Sites(vec![1]));
    }

    #[test]
    fn vendors_see_only_their_organizations_people() {
        let vendor = actor(AccessRole::Vendor);
        let place = |org| Place::Person {
            site_id: Some(1),
            organization: Some(org),
        };
        assert!(vendor.may_at(Action::Read, Subject::Person, place("acme health it")));
        assert!(!vendor.may_at(Action::Read, Subject::Person, place("Other Co")));
        assert_eq!(
            vendor.read_scope(Subject::Person),
            Scope::Organization("Acme Health IT".into())
        );
    }

    #[test]
    fn only_admins_read_the_audit_log_and_executives_write_nothing() {
        for role in AccessRole::ALL.iter().copied() {
            assert_eq!(
                actor(role).may(Action::Read, Subject::Audit),
                role == AccessRole::Admin
            );
            if role == AccessRole::Executive {
                for subject in [
                    Subject::Site,
                    Subject::Unit,
                    Subject::Wave,
                    Subject::Module,
                    Subject::Person,
                ] {
                    for action in [Action::Create, Action::Update, Action::Delete] {
                        assert!(!actor(role).may(action, subject));
                    }
                }
            }
        }
    }

    #[test]
    fn people_are_imported_by_leads_and_completions_by_leads_and_trainers() {
        let may = |role, subject| actor(role).may_import(subject);
        for role in [AccessRole::Admin, AccessRole::ProgramLead] {
            assert!(may(role, Subject::Person) && may(role, Subject::TrainingRecord));
        }
        assert!(may(AccessRole::SiteLead, Subject::Person));
        assert!(!may(AccessRole::SiteLead, Subject::TrainingRecord));
        assert!(may(AccessRole::Trainer, Subject::TrainingRecord));
        assert!(!may(AccessRole::Trainer, Subject::Person));
        assert_eq!(
            reach(AccessRole::Trainer, Subject::Import, Action::Read),
            Reach::Own,
            "a trainer follows the imports they started"
        );
        for role in [
            AccessRole::Analyst,
            AccessRole::Champion,
            AccessRole::Executive,
        ] {
            assert!(!may(role, Subject::TrainingRecord), "{role:?}");
        }
    }

    #[test]
    fn leads_import_and_site_leads_follow_only_their_own_imports() {
        let mut lead = actor(AccessRole::SiteLead);
        lead.account_id = Some(7);
        assert!(lead.may(Action::Create, Subject::Import));
        assert!(lead.may_at(
            Action::Read,
            Subject::Import,
            Place::Import {
                started_by: Some(7)
            }
        ));
        assert!(!lead.may_at(
            Action::Read,
            Subject::Import,
            Place::Import {
                started_by: Some(8)
            }
        ));
        assert_eq!(lead.read_scope(Subject::Import), Scope::Own(7));
        assert_eq!(
            actor(AccessRole::ProgramLead).read_scope(Subject::Import),
            Scope::Everything
        );
        // Analysts import KPI measurements only: the one kind whose records they create.
        let analyst = actor(AccessRole::Analyst);
        assert!(analyst.may_import(Subject::Measurement));
        assert!(!analyst.may_import(Subject::Person));
        assert!(!analyst.may_import(Subject::TrainingRecord));
        for role in [
            AccessRole::Champion,
            AccessRole::EndUser,
            AccessRole::Vendor,
            AccessRole::Executive,
        ] {
            assert!(
                !actor(role).may(Action::Create, Subject::Import),
                "{role:?}"
            );
            assert!(!actor(role).may(Action::Read, Subject::Import), "{role:?}");
        }
    }

    #[test]
    fn owners_attest_their_criteria_everywhere_and_site_leads_at_their_own_sites() {
        let place = |site, owner| Place::Criterion {
            site_id: site,
            owner_account_id: owner,
        };
        let mut analyst = actor(AccessRole::Analyst);
        analyst.account_id = Some(5);
        assert!(analyst.may_at(Action::Create, Subject::Attestation, place(9, Some(5))));
        assert!(!analyst.may_at(Action::Create, Subject::Attestation, place(9, Some(6))));
        let lead = actor(AccessRole::SiteLead);
        assert!(lead.may_at(Action::Create, Subject::Attestation, place(1, None)));
        assert!(!lead.may_at(Action::Create, Subject::Attestation, place(2, None)));
        assert!(!actor(AccessRole::EndUser).may(Action::Read, Subject::ReadinessAssessment));
        assert!(actor(AccessRole::Executive).may(Action::Read, Subject::ReadinessAssessment));
        assert!(!actor(AccessRole::Executive).may(Action::Create, Subject::ReadinessAssessment));
    }

    #[test]
    fn only_the_go_live_right_holder_records_the_gate() {
        let mut exec = actor(AccessRole::Executive);
        exec.account_id = Some(3);
        let admin = actor(AccessRole::Admin);
        let lead = actor(AccessRole::ProgramLead);
        assert!(
            exec.may_record_gate(Some(("Steering board", Some(3))))
                .is_ok()
        );
        let refused = admin
            .may_record_gate(Some(("Steering board", Some(3))))
            .unwrap_err();
        assert!(refused.contains("Steering board"), "{refused}");
        assert!(lead.may_record_gate(Some(("Steering board", None))).is_ok());
        assert!(
            exec.may_record_gate(Some(("Steering board", None)))
                .is_err()
        );
        assert!(admin.may_record_gate(None).is_ok());
        assert!(lead.may_record_gate(None).is_err());
    }

    #[test]
    fn trainers_run_training_site_leads_follow_their_sites_and_end_users_their_own() {
        let own = |site| Place::Trainee {
            site_id: Some(site),
            email: "end_user@test.example",
        };
        let trainer = actor(AccessRole::Trainer);
        assert!(trainer.may(Action::Update, Subject::TrainingSession));
        assert!(trainer.may_at(Action::Create, Subject::TrainingRecord, own(2)));
        let lead = actor(AccessRole::SiteLead);
        assert!(lead.may_at(Action::Create, Subject::Enrollment, own(1)));
        assert!(!lead.may_at(Action::Create, Subject::Enrollment, own(2)));
        assert!(!lead.may(Action::Create, Subject::TrainingRecord));
        assert!(!lead.may(Action::Update, Subject::TrainingSession));
        let user = Actor {
            email: "End_User@test.example".into(),
            account_id: Some(5),
            ..actor(AccessRole::EndUser)
        };
        assert!(user.may_at(Action::Read, Subject::TrainingRecord, own(2)));
        assert!(user.may_at(Action::Create, Subject::Enrollment, own(2)));
        let other = Place::Trainee {
            site_id: Some(1),
            email: "someone@test.example",
        };
        assert!(!user.may_at(Action::Read, Subject::TrainingRecord, other));
        assert!(!user.may(Action::Update, Subject::Enrollment));
        assert!(user.may(Action::Read, Subject::TrainingSession));
        assert!(!actor(AccessRole::Vendor).may(Action::Read, Subject::TrainingRecord));
    }

    #[test]
    fn site_leads_designate_champions_at_their_sites_and_vendors_see_none() {
        let at = |site| Place::Site(Some(site));
        let lead = actor(AccessRole::SiteLead);
        assert!(lead.may_at(Action::Create, Subject::Champion, at(1)));
        assert!(!lead.may_at(Action::Create, Subject::Champion, at(2)));
        assert!(!lead.may_at(Action::Read, Subject::Champion, at(2)));
        for role in [
            AccessRole::Analyst,
            AccessRole::Trainer,
            AccessRole::Executive,
        ] {
            assert!(actor(role).may_at(Action::Read, Subject::Champion, at(2)));
            assert!(!actor(role).may(Action::Create, Subject::Champion));
        }
        for role in [AccessRole::Champion, AccessRole::EndUser] {
            assert!(actor(role).may_at(Action::Read, Subject::Champion, at(1)));
            assert!(!actor(role).may_at(Action::Read, Subject::Champion, at(2)));
            assert!(!actor(role).may(Action::Update, Subject::Champion));
        }
        assert!(!actor(AccessRole::Vendor).may(Action::Read, Subject::Champion));
        assert!(actor(AccessRole::ProgramLead).may_at(Action::Delete, Subject::Champion, at(2)));
    }

    #[test]
    fn provisioning_is_read_by_leads_analysts_and_trainers_and_site_leads_for_their_sites() {
        for role in [
            AccessRole::Admin,
            AccessRole::ProgramLead,
            AccessRole::Analyst,
            AccessRole::Trainer,
        ] {
            assert_eq!(
                actor(role).read_scope(Subject::Provisioning),
                Scope::Everything
            );
        }
        let lead = actor(AccessRole::SiteLead);
        assert!(lead.may_at(Action::Read, Subject::Provisioning, Place::Site(Some(1))));
        assert!(!lead.may_at(Action::Read, Subject::Provisioning, Place::Site(Some(2))));
        assert!(!lead.may_at(Action::Read, Subject::Provisioning, Place::Program));
        for role in [
            AccessRole::Champion,
            AccessRole::EndUser,
            AccessRole::Vendor,
            AccessRole::Executive,
        ] {
            assert!(
                !actor(role).may(Action::Read, Subject::Provisioning),
                "{role:?}"
            );
        }
        for action in [Action::Create, Action::Update, Action::Delete] {
            assert!(!actor(AccessRole::ProgramLead).may(action, Subject::Provisioning));
        }
        assert!(actor(AccessRole::Executive).may(Action::Read, Subject::TrainingForecast));
        assert!(!actor(AccessRole::EndUser).may(Action::Read, Subject::TrainingForecast));
        assert_eq!(
            actor(AccessRole::Champion).read_scope(Subject::TrainingForecast),
            Scope::Sites(vec![1])
        );
    }

    #[test]
    fn the_program_office_keeps_alignment_and_end_users_and_vendors_do_not_see_it() {
        use AccessRole::*;
        for subject in [Subject::Goal, Subject::Decision, Subject::Lesson] {
            assert!(actor(ProgramLead).may(Action::Delete, subject));
            assert!(actor(Executive).may(Action::Read, subject));
            assert!(!actor(EndUser).may(Action::Read, subject));
            assert!(!actor(Vendor).may(Action::Read, subject));
        }
        assert!(actor(Executive).may(Action::Create, Subject::Decision));
        let exec = actor(Executive);
        assert!(exec.may_decide_for("Steering committee", true).is_ok());
        assert_eq!(
            exec.may_decide_for("Steering committee", false)
                .unwrap_err(),
            "this decision belongs to Steering committee: its members record it, or a program \
             lead on its behalf"
        );
        assert!(
            actor(ProgramLead)
                .may_decide_for("Steering committee", false)
                .is_ok()
        );
        assert!(
            actor(Analyst)
                .may_decide_for("Steering committee", false)
                .is_err()
        );
        assert!(!actor(Executive).may(Action::Create, Subject::Goal));
        assert!(actor(Analyst).may(Action::Create, Subject::Measurement));
        assert!(!actor(Analyst).may(Action::Create, Subject::Goal));
        let mut lead = actor(SiteLead);
        lead.site_ids = vec![3];
        let at = |site| Place::Site(Some(site));
        assert!(lead.may_at(Action::Create, Subject::Adkar, at(3)));
        assert!(!lead.may_at(Action::Create, Subject::Adkar, at(4)));
        assert!(!lead.may_at(Action::Create, Subject::Measurement, Place::Program));
        assert!(actor(Champion).may(Action::Create, Subject::Lesson));
        assert!(!actor(Champion).may(Action::Update, Subject::Lesson));
    }

    #[test]
    fn end_users_do_not_browse_the_staff_directory() {
        assert_eq!(
            actor(AccessRole::EndUser).read_scope(Subject::Person),
            Scope::Nothing
        );
        assert!(actor(AccessRole::EndUser).may(Action::Read, Subject::Site));
    }
}
