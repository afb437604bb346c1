//! sea-orm entities: one per table, private to the store. Public functions convert them
//! into domain types.

macro_rules! entity {
    ($table:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = $table)]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub program_id: i64,
            $(pub $field: $ty),*
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// For entities kept beside their capability (`plan/entity.rs`).
pub(crate) use entity;

pub(crate) type Ts = chrono::DateTime<chrono::Utc>;

pub mod program {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "program")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub program_id: i64,
        pub name: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod site {
    use super::Ts;
    entity!("site" {
        name: String, code: String, kind: String, region: Option<String>, beds: Option<i64>,
        expected_users: Option<i64>, created_at: Ts, updated_at: Ts,
    });
}

pub mod unit {
    use super::Ts;
    entity!("unit" { site_id: i64, name: String, code: Option<String>, created_at: Ts, updated_at: Ts });
}

pub mod module {
    use super::Ts;
    entity!("module" {
        code: String, name: String, description: Option<String>, created_at: Ts, updated_at: Ts,
        bit: Option<i64>,
    });
}

pub mod wave {
    use super::Ts;
    entity!("wave" {
        name: String, go_live: chrono::NaiveDate, notes: Option<String>, created_at: Ts, updated_at: Ts,
        interfaces: i64, approved_customizations: i64,
    });
}

pub mod wave_site {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "wave_site")]
    pub struct Model {
        pub program_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub wave_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub site_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wave_module {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "wave_module")]
    pub struct Model {
        pub program_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub wave_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub module_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person {
    use super::Ts;
    entity!("person" {
        name: String, email: String, employee_id: Option<String>, job_role: String,
        site_id: Option<i64>, unit_id: Option<i64>, employer_kind: String,
        organization: Option<String>, active: bool, created_at: Ts, updated_at: Ts,
        shift: Option<String>, daily_rate_cents: Option<i64>,
    });
}

pub mod account {
    use super::Ts;
    entity!("account" {
        email: String, name: String, password_hash: String, role: String,
        organization: Option<String>, active: bool, created_at: Ts, updated_at: Ts,
    });
}

pub mod account_site {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_site")]
    pub struct Model {
        pub program_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub site_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub program_id: i64,
        pub account_id: i64,
        pub csrf_token: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub expires_at: chrono::DateTime<chrono::Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use super::Ts;
    entity!("api_token" {
        account_id: i64, token_hash: String, label: String, created_at: Ts, last_used_at: Option<Ts>,
    });
}

pub mod audit_log {
    use super::Ts;
    entity!("audit_log" {
        at: Ts, actor_account_id: Option<i64>, actor: String, via: String, entity: String,
        entity_id: i64, action: String, before_json: Option<String>, after_json: Option<String>,
    });
}

pub mod command_center {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "command_center")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub program_id: i64,
        pub lead_account_id: Option<i64>,
        pub priority_matrix: String,
        pub triage_alarm_minutes: i64,
        pub unassigned_minutes: i64,
        pub breach_warning_percent: i64,
        pub reopen_window_hours: i64,
        pub updated_at: chrono::DateTime<chrono::Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod support_team {
    use super::Ts;
    entity!("support_team" {
        name: String, kind: String, categories: String, module_id: Option<i64>,
        organization: Option<String>, lead_account_id: Option<i64>, created_at: Ts, updated_at: Ts,
    });
}

pub mod sla_policy {
    use super::Ts;
    entity!("sla_policy" {
        priority: String, response_minutes: i64, resolve_minutes: i64, created_at: Ts, updated_at: Ts,
    });
}

pub mod known_issue {
    use super::Ts;
    entity!("known_issue" {
        title: String, symptoms: String, workaround: String, module_id: Option<i64>, status: String,
        retired_at: Option<Ts>, created_at: Ts, updated_at: Ts,
    });
}

pub mod decision_right {
    use super::Ts;
    entity!("decision_right" {
        module_id: Option<i64>, change_kind: String, decider: String,
        decider_account_id: Option<i64>, created_at: Ts, updated_at: Ts, body_id: Option<i64>,
    });
}

/// Ticket clocks are unix seconds.
pub mod ticket {
    entity!("ticket" {
        number: i64, requester_account_id: Option<i64>, requester_name: String,
        contact: Option<String>, site_id: i64, unit_id: Option<i64>, job_role: Option<String>,
        module_id: Option<i64>, workflow: Option<String>, summary: String, what_happened: String,
        expected: Option<String>, category: String, impact: String, urgency: String,
        priority: String, patient_safety: bool, status: String, team_id: i64,
        assignee_account_id: Option<i64>, escalation_level: i64, known_issue_id: Option<i64>,
        merged_into_id: Option<i64>, resolution_code: Option<String>,
        resolution_note: Option<String>, reopen_count: i64, version: i64,
        idempotency_key: Option<String>, opened_at: i64, team_since_at: i64,
        responded_at: Option<i64>, resolved_at: Option<i64>, closed_at: Option<i64>,
        response_due_at: i64, resolve_due_at: i64, paused_at: Option<i64>,
        response_breached: bool, resolve_breached: bool, updated_at: i64,
    });
}

pub mod ticket_event {
    entity!("ticket_event" {
        ticket_id: i64, at: i64, actor_account_id: Option<i64>, actor: String, kind: String,
        detail: String,
    });
}

pub mod change_request {
    use super::Ts;
    entity!("change_request" {
        ticket_id: Option<i64>, module_id: Option<i64>, change_kind: String, title: String,
        justification: String, decision_right_id: Option<i64>, decider: String, status: String,
        decision_note: Option<String>, decided_by: Option<String>, decided_at: Option<Ts>,
        created_at: Ts, updated_at: Ts, wave_id: Option<i64>, body_id: Option<i64>,
    });
}

pub mod notification {
    entity!("notification" {
        account_id: i64, ticket_id: Option<i64>, message: String, created_at: i64,
        read_at: Option<i64>, email_state: Option<String>, email_error: Option<String>,
    });
}

pub mod rounding {
    use super::Ts;
    entity!("rounding" {
        person_id: i64, unit_id: i64, shift_date: chrono::NaiveDate, shift: String, duty: String,
        notes: Option<String>, created_at: Ts, updated_at: Ts,
    });
}

pub mod import_job {
    use super::Ts;
    entity!("import_job" {
        kind: String, file_name: String, file_bytes: i64, format: String, status: String,
        mode: String, complete_roster: bool, mapping: String, rows_total: i64, rows_done: i64,
        imported: i64, updated: i64, unchanged: i64, deactivated: i64, rejected: i64,
        message: Option<String>, row_errors: String, upload_path: Option<String>,
        rejects_path: Option<String>, actor_account_id: Option<i64>, actor: String, via: String,
        created_at: Ts, started_at: Option<Ts>, finished_at: Option<Ts>, date_order: String,
    });
}

pub mod course {
    use super::Ts;
    entity!("course" {
        code: String, title: String, kind: String, hours: f64, module_id: Option<i64>,
        advanced: bool, active: bool, created_at: Ts, updated_at: Ts,
    });
}

pub mod curriculum {
    use super::Ts;
    entity!("curriculum" {
        name: String, job_role: String, module_id: i64, hours_entered: Option<f64>,
        pass_mark: i64, created_at: Ts, updated_at: Ts,
    });
}

pub mod training_session {
    use super::Ts;
    entity!("training_session" {
        course_id: i64, starts_at: Ts, ends_at: Ts, site_id: i64, room: String,
        trainer_person_id: i64, capacity: i64, created_at: Ts, updated_at: Ts,
    });
}

pub mod enrollment {
    use super::Ts;
    entity!("enrollment" {
        session_id: i64, person_id: i64, status: String, waitlist_position: Option<i64>,
        enrolled_at: Ts, updated_at: Ts,
    });
}

pub mod completion {
    use super::Ts;
    entity!("completion" {
        person_id: i64, course_id: i64, completed_on: chrono::NaiveDate, source: String,
        score: Option<i64>, recorded_at: Ts,
    });
}

pub mod assessment {
    use super::Ts;
    entity!("assessment" {
        person_id: i64, curriculum_id: i64, score: i64, pass_mark: i64, passed: bool,
        assessed_on: chrono::NaiveDate, assessor: String, recorded_at: Ts,
    });
}

pub mod follow_up {
    use super::Ts;
    entity!("follow_up" {
        person_id: i64, course_id: Option<i64>, topic: String, reason: String,
        due_on: chrono::NaiveDate, status: String, notes: Option<String>,
        source_key: Option<String>, created_at: Ts, updated_at: Ts,
    });
}

pub mod readiness_criterion {
    use super::Ts;
    entity!("readiness_criterion" {
        name: String, description: Option<String>, measure: String, threshold: f64,
        amber_band: f64, weight: i64, owner: String, owner_account_id: Option<i64>,
        active: bool, created_at: Ts, updated_at: Ts,
    });
}

pub mod readiness_attestation {
    use super::Ts;
    entity!("readiness_attestation" {
        criterion_id: i64, site_id: i64, status: String, evidence: String,
        evidence_url: Option<String>, attested_on: chrono::NaiveDate, attested_by: String,
        attested_by_account_id: Option<i64>, recorded_at: Ts,
    });
}

/// `scorecard` is the frozen scorecard as JSON text.
pub mod readiness_assessment {
    use super::Ts;
    entity!("readiness_assessment" {
        wave_id: i64, checkpoint: Option<String>, taken_on: chrono::NaiveDate, taken_at: Ts,
        taken_by: String, automatic: bool, scorecard: String,
    });
}

pub mod readiness_gate {
    use super::Ts;
    entity!("readiness_gate" {
        wave_id: i64, decision: String, rationale: String, conditions: Option<String>,
        dissent: Option<String>, decided_by: String, decided_by_account_id: Option<i64>,
        decider: String, decided_at: Ts, scorecard: String,
    });
}

pub mod champion {
    use super::Ts;
    entity!("champion" {
        person_id: i64, unit_id: i64, shift: String, since: chrono::NaiveDate,
        notes: Option<String>, created_at: Ts, updated_at: Ts,
    });
}

pub mod governance_body {
    use super::Ts;
    entity!("governance_body" {
        name: String, kind: String, site_id: Option<i64>, charter: Option<String>,
        cadence: Option<String>, created_at: Ts, updated_at: Ts,
    });
}

pub mod governance_member {
    use super::Ts;
    entity!("governance_member" {
        body_id: i64, person_id: i64, role: String, created_at: Ts, updated_at: Ts,
    });
}

pub mod decision {
    use super::Ts;
    entity!("decision" {
        question: String, options: String, decision: Option<String>, rationale: Option<String>,
        patient_impact: String, body_id: Option<i64>, decision_right_id: Option<i64>,
        right_kind: Option<String>, decided_on: Option<chrono::NaiveDate>,
        dissent: Option<String>, status: String, search_text: String, created_at: Ts,
        updated_at: Ts,
    });
}
