//! The roster writer's PostgreSQL-only parts.

use muster_domain::import::people::MAX_ROWS;
use sea_orm::{DatabaseTransaction, FromQueryResult};

use super::DEFER_INDEXES_SHARE_OF_TABLE;
use crate::Backend;
use crate::error::StoreResult;
use crate::raw::statement;

/// The person table's rows (every program's) when the import begins, counted only as far
/// as the index deferral rule (`RosterWriter::expect_new`) can use: no file creates more
/// than `MAX_ROWS` people, so a table of more than a third of that never defers, and a
/// count of a multi-tenant table stops there instead of reading all of it.
pub(super) async fn table_rows(txn: &DatabaseTransaction) -> StoreResult<u64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let cap = (MAX_ROWS as f64 / DEFER_INDEXES_SHARE_OF_TABLE).ceil() as i64 + 1;
    let count = Count::find_by_statement(statement(
        Backend::Postgres,
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM person LIMIT ?) AS t",
        vec![cap.into()],
    ))
    .one(txn)
    .await?;
    Ok(count.map_or(0, |c| c.n.max(0) as u64))
}

/// Whether a batch's upserts may be plain inserts that give the new people their training
/// status rows in the same statement (`with_status_rows`): on PostgreSQL, when the check
/// found every row of the batch new (`updates`: the batch's changed people). ON
/// CONFLICT's speculative insertion, and the status rows' separate statement with its own
/// ON CONFLICT, cost the server about 1 s of CPU for 400,000 new people (of 13; see
/// docs/performance.md). Should another session have added one of these employee ids since
/// the check read the roster, the insert fails on the unique index and the import stops
/// with a conflict (nothing written), where the upsert would have overwritten that person.
pub(super) fn only_new_people(backend: Backend, updates: usize) -> bool {
    backend == Backend::Postgres && updates == 0
}

/// `insert` (an `INSERT INTO person ... SELECT`) that also gives each person it creates a
/// training status row of nothing done yet, as `training::add_status_rows` does: exactly
/// the people this statement inserted, so no ON CONFLICT is needed.
pub(super) fn with_status_rows(insert: &str) -> String {
    format!(
        "WITH created AS ({insert} RETURNING id, program_id) \
         INSERT INTO training_status (person_id, program_id, complete, proficient) \
         SELECT id, program_id, 0, 0 FROM created"
    )
}
