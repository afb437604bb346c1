//! Migrations: numbered SQL files embedded in the binary and applied once each, in order,
//! each in its own transaction. A landed migration is never edited; add a new one.
//!
//! A file is written for both databases, with `{id}`, `{ts}`, `{date}` and `{blob}` standing for the
//! dialect's types, or as a `.sqlite.sql` / `.postgres.sql` pair where they differ.

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::connect::{Backend, Store};
use crate::error::StoreResult;

struct Migration {
    version: i64,
    name: &'static str,
    both: Option<&'static str>,
    sqlite: Option<&'static str>,
    postgres: Option<&'static str>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        both: Some(include_str!("../migrations/0001_foundation.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 2,
        name: "audit_append_only",
        both: None,
        sqlite: Some(include_str!(
            "../migrations/0002_audit_append_only.sqlite.sql"
        )),
        postgres: Some(include_str!(
            "../migrations/0002_audit_append_only.postgres.sql"
        )),
    },
    Migration {
        version: 3,
        name: "command_center",
        both: Some(include_str!("../migrations/0003_command_center.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 4,
        name: "ticket_search",
        both: None,
        sqlite: Some(include_str!("../migrations/0004_ticket_search.sqlite.sql")),
        postgres: Some(include_str!(
            "../migrations/0004_ticket_search.postgres.sql"
        )),
    },
    Migration {
        version: 5,
        name: "roster_import",
        both: Some(include_str!("../migrations/0005_roster_import.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 6,
        name: "training",
        both: Some(include_str!("../migrations/0006_training.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 7,
        name: "ticket_search_batched",
        both: None,
        sqlite: Some(include_str!(
            "../migrations/0007_ticket_search_batched.sqlite.sql"
        )),
        postgres: Some(include_str!(
            "../migrations/0007_ticket_search_batched.postgres.sql"
        )),
    },
    Migration {
        version: 8,
        name: "champions",
        both: Some(include_str!("../migrations/0008_champions.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 9,
        name: "readiness",
        both: Some(include_str!("../migrations/0009_readiness.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 11,
        name: "import_date_order",
        both: Some(include_str!("../migrations/0011_import_date_order.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 12,
        name: "person_org_partial",
        both: Some(include_str!("../migrations/0012_person_org_partial.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 13,
        name: "plan",
        both: Some(include_str!("../migrations/0013_plan.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 14,
        name: "training_status_everyone",
        both: Some(include_str!(
            "../migrations/0014_training_status_everyone.sql"
        )),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 15,
        name: "wave_scale",
        both: Some(include_str!("../migrations/0015_wave_scale.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 16,
        name: "cost_of_delay",
        both: Some(include_str!("../migrations/0016_cost_of_delay.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 17,
        name: "goals",
        both: Some(include_str!("../migrations/0017_goals.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 18,
        name: "stakeholders",
        both: Some(include_str!("../migrations/0018_stakeholders.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 19,
        name: "governance",
        both: Some(include_str!("../migrations/0019_governance.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 20,
        name: "lessons_embedding",
        both: Some(include_str!("../migrations/0020_lessons_embedding.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 21,
        name: "alignment_matrix",
        both: Some(include_str!("../migrations/0021_alignment_matrix.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 22,
        name: "plan_revisions",
        both: None,
        sqlite: Some(include_str!("../migrations/0022_plan_revisions.sqlite.sql")),
        postgres: Some(include_str!(
            "../migrations/0022_plan_revisions.postgres.sql"
        )),
    },
    Migration {
        version: 24,
        name: "benefit_rollups",
        both: Some(include_str!("../migrations/0024_benefit_rollups.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 25,
        name: "benefit_rollup_triggers",
        both: None,
        sqlite: Some(include_str!(
            "../migrations/0025_benefit_rollup_triggers.sqlite.sql"
        )),
        postgres: Some(include_str!(
            "../migrations/0025_benefit_rollup_triggers.postgres.sql"
        )),
    },
    Migration {
        version: 26,
        name: "champion_unit_target",
        both: Some(include_str!("../migrations/0026_champion_unit_target.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 27,
        name: "attestation_evidence",
        both: Some(include_str!("../migrations/0027_attestation_evidence.sql")),
        sqlite: None,
        postgres: None,
    },
    Migration {
        version: 28,
        name: "person_list_indexes",
        both: None,
        sqlite: Some(include_str!(
            "../migrations/0028_person_list_indexes.sqlite.sql"
        )),
        postgres: Some(include_str!(
            "../migrations/0028_person_list_indexes.postgres.sql"
        )),
    },
    Migration {
        version: 29,
        name: "person_name_filters",
        both: None,
        sqlite: Some(include_str!(
            "../migrations/0029_person_name_filters.sqlite.sql"
        )),
        postgres: Some(include_str!(
            "../migrations/0029_person_name_filters.postgres.sql"
        )),
    },
    Migration {
        version: 30,
        name: "module_training_masks",
        both: Some(include_str!("../migrations/0030_module_training_masks.sql")),
        sqlite: None,
        postgres: None,
    },
];

fn dialect(sql: &str, backend: Backend) -> String {
    let (id, ts, date, blob) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT", "BLOB"),
        Backend::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TIMESTAMPTZ",
            "DATE",
            "BYTEA",
        ),
    };
    sql.replace("{id}", id)
        .replace("{ts}", ts)
        .replace("{date}", date)
        .replace("{blob}", blob)
}

/// Applies every migration not yet applied. Safe to run at every start.
#[tracing::instrument(skip_all)]
pub(crate) async fn run(store: &Store) -> StoreResult<()> {
    let db = &store.db;
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            program_id BIGINT NOT NULL DEFAULT 0,
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL)",
    )
    .await?;
    let applied = applied_versions(store).await?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match (store.backend(), m.both) {
            (backend, Some(both)) => dialect(both, backend),
            (Backend::Sqlite, None) => m.sqlite.expect("sqlite variant").to_owned(),
            (Backend::Postgres, None) => m.postgres.expect("postgres variant").to_owned(),
        };
        let txn = db.begin().await?;
        txn.execute_unprepared(&sql).await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES ({}, '{}', '{}')",
            m.version,
            m.name,
            chrono::Utc::now().to_rfc3339()
        ))
        .await?;
        txn.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}

async fn applied_versions(store: &Store) -> StoreResult<Vec<i64>> {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        version: i64,
    }
    let rows = Row::find_by_statement(Statement::from_string(
        store.db.get_database_backend(),
        "SELECT version FROM schema_migration",
    ))
    .all(&store.db)
    .await?;
    Ok(rows.into_iter().map(|r| r.version).collect())
}

/// The number of the newest migration this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
