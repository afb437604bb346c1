//! sea-orm entities of the plan's tables (migration 0013).

use crate::entity::{Ts, entity};

pub mod plan_settings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub program_id: i64,
        pub project_start: chrono::NaiveDate,
        pub working_weekdays: String,
        pub revision: i64,
        pub updated_at: super::Ts,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod plan_holiday {
    use super::*;
    entity!("plan_holiday" {
        site_id: Option<i64>, day: chrono::NaiveDate, name: String, created_at: Ts,
        updated_at: Ts,
    });
}

pub mod plan_task {
    use super::*;
    entity!("plan_task" {
        parent_id: Option<i64>, position: i64, name: String, owner_person_id: Option<i64>,
        site_id: Option<i64>, wave_id: Option<i64>, module_id: Option<i64>, duration: i64,
        milestone: bool, constraint_kind: Option<String>,
        constraint_date: Option<chrono::NaiveDate>, percent_complete: i64,
        actual_start: Option<chrono::NaiveDate>, actual_finish: Option<chrono::NaiveDate>,
        notes: Option<String>, created_at: Ts, updated_at: Ts,
    });
}

pub mod plan_dependency {
    use super::*;
    entity!("plan_dependency" {
        predecessor_id: i64, successor_id: i64, kind: String, lag: i64, created_at: Ts,
        updated_at: Ts,
    });
}

pub mod plan_baseline {
    use super::*;
    entity!("plan_baseline" { name: String, notes: Option<String>, created_at: Ts, updated_at: Ts });
}

pub mod plan_baseline_task {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_baseline_task")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub baseline_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub task_id: i64,
        pub start_on: chrono::NaiveDate,
        pub finish_on: chrono::NaiveDate,
        pub duration: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cost_item {
    use super::*;
    entity!("cost_item" {
        kind: String, name: String, per_day_cents: i64, notes: Option<String>, created_at: Ts,
        updated_at: Ts,
    });
}
