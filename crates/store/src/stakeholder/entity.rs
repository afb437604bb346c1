//! sea-orm entities of the stakeholder tables (migration 0018).

use crate::entity::{Ts, entity};

pub mod stakeholder_group {
    use super::*;
    entity!("stakeholder_group" {
        kind: String, name: String, site_id: Option<i64>, interests: String, gains: String,
        concessions: String, influence: String, stance: String,
        leader_person_id: Option<i64>, created_at: Ts, updated_at: Ts,
    });
}

pub mod stakeholder_stance {
    use super::*;
    entity!("stakeholder_stance" {
        group_id: i64, stance: String, changed_at: Ts, changed_by: String,
    });
}

pub mod commitment {
    use super::*;
    entity!("commitment" {
        group_id: i64, what: String, due_on: chrono::NaiveDate, status: String,
        done_on: Option<chrono::NaiveDate>, evidence: Option<String>,
        owner_person_id: Option<i64>, created_at: Ts, updated_at: Ts,
    });
}

pub mod adkar_assessment {
    use super::*;
    entity!("adkar_assessment" {
        group_id: i64, site_id: Option<i64>, assessed_on: chrono::NaiveDate, awareness: i64,
        desire: i64, knowledge: i64, ability: i64, reinforcement: i64, notes: Option<String>,
        created_at: Ts, updated_at: Ts,
    });
}

pub mod raci_assignment {
    use super::*;
    entity!("raci_assignment" {
        task_id: i64, role: String, person_id: Option<i64>, group_id: Option<i64>,
        created_at: Ts, updated_at: Ts,
    });
}
