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

/// Whether a batch's upserts may be plain inserts: on PostgreSQL, when the check found every
/// row of the batch new (`updates`: the batch's changed people). ON CONFLICT's speculative
/// insertion cost the server about 1 s of CPU for 400,000 new people (of 13). Should
/// another session have added one of these employee ids since the check read the roster,
/// the insert fails on the unique index and the import stops with a conflict (nothing
/// written), where the upsert would have overwritten that person.
pub(super) fn only_new_people(backend: Backend, updates: usize) -> bool {
    backend == Backend::Postgres && updates == 0
}
