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

type Ts = chrono::DateTime<chrono::Utc>;

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
    });
}

pub mod wave {
    use super::Ts;
    entity!("wave" {
        name: String, go_live: chrono::NaiveDate, notes: Option<String>, created_at: Ts, updated_at: Ts,
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

pub mod person {
    use super::Ts;
    entity!("person" {
        name: String, email: String, employee_id: Option<String>, job_role: String,
        site_id: Option<i64>, unit_id: Option<i64>, employer_kind: String,
        organization: Option<String>, active: bool, created_at: Ts, updated_at: Ts,
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
