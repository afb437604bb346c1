//! Deferring a table's secondary indexes during a bulk load: the non-unique indexes are
//! dropped inside the load's transaction and created again, from their own saved
//! definitions, before it commits. CREATE INDEX sorts once instead of inserting each row
//! into every index in random order (docs/performance.md, "Roster import"). DDL is
//! transactional on both backends, so a load that rolls back leaves every index as it was.
//!
//! Unique indexes stay: they enforce the constraints the load's upserts rely on. Partial
//! indexes stay too: they hold a few of the rows, so keeping them costs little per row,
//! while creating one scans the whole table again.
//!
//! The locks differ. On SQLite the load holds the write lock anyway, and readers on other
//! connections keep seeing the indexed snapshot meanwhile (WAL). On PostgreSQL DROP INDEX
//! takes an ACCESS EXCLUSIVE lock on the table, held until the load commits or rolls back:
//! every program's readers and writers of that table wait for it. So the caller defers
//! only for a load that makes the table many times larger (an initial roster, when the
//! table holds almost nothing others read), and the DROP waits at most
//! `POSTGRES_LOCK_TIMEOUT` for readers already in the table: past that the load fails with
//! a conflict that says why, instead of queueing every later reader behind it.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, FromQueryResult, RuntimeErr};

use crate::Backend;
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;

/// How long PostgreSQL's DROP INDEX waits for the table's lock before the load gives up.
pub(crate) const POSTGRES_LOCK_TIMEOUT: &str = "5s";
/// The sort memory PostgreSQL's CREATE INDEX may use when the indexes are created again.
const POSTGRES_INDEX_MEMORY: &str = "256MB";

/// A table's non-unique indexes, dropped in an open transaction, to be recreated in it.
pub(crate) struct DeferredIndexes {
    backend: Backend,
    table: String,
    /// (name, CREATE INDEX statement) as the database stored them.
    indexes: Vec<(String, String)>,
}

#[derive(FromQueryResult)]
struct IndexRow {
    name: String,
    sql: String,
}

/// `name` quoted as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl DeferredIndexes {
    /// Drops `table`'s non-unique, non-partial indexes in `txn`.
    pub(crate) async fn drop(
        txn: &DatabaseTransaction,
        backend: Backend,
        table: &str,
    ) -> StoreResult<Option<Self>> {
        if backend == Backend::Postgres {
            return Self::drop_postgres(txn, table, POSTGRES_LOCK_TIMEOUT)
                .await
                .map(Some);
        }
        // `sql` is NULL for the automatic indexes of UNIQUE and PRIMARY KEY constraints.
        let indexes: Vec<(String, String)> = IndexRow::find_by_statement(statement(
            backend,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? \
             AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' \
             AND sql NOT LIKE '% WHERE %' ORDER BY name",
            vec![table.into()],
        ))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.name, r.sql))
        .collect();
        for (name, _) in &indexes {
            // The name comes from sqlite_master.
            txn.execute_unprepared(&format!("DROP INDEX {}", quoted(name)))
                .await?;
        }
        tracing::info!(table, indexes = indexes.len(), "secondary indexes deferred");
        Ok(Some(DeferredIndexes {
            backend,
            table: table.to_owned(),
            indexes,
        }))
    }

    /// Creates the dropped indexes again in the same transaction, then refreshes the
    /// table's planner statistics (`sqlite_stat1`, `pg_statistic`): a load large enough to
    /// defer its indexes changes the table's size many times over, and the people list's
    /// site-only plan depends on knowing it (migration 0028). ANALYZE of 400,000 people:
    /// 0.15 s on SQLite.
    pub(crate) async fn recreate(self, txn: &DatabaseTransaction) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            // PostgreSQL builds an index with parallel workers that share this memory; with
            // the default 64 MB they sort on disk. 256 MB: the five person indexes of
            // 400,000 people in 3.0 s instead of 4.3 s (docs/performance.md).
            txn.execute_unprepared(&format!(
                "SET LOCAL maintenance_work_mem = '{POSTGRES_INDEX_MEMORY}'"
            ))
            .await?;
        }
        for (_, sql) in &self.indexes {
            txn.execute_unprepared(sql).await?;
        }
        txn.execute_unprepared(&format!("ANALYZE {}", quoted(&self.table)))
            .await?;
        Ok(())
    }
}

#[derive(FromQueryResult)]
struct PgIndexRow {
    name: String,
    def: String,
}

impl DeferredIndexes {
    /// PostgreSQL: drops `table`'s non-unique, non-partial indexes (their definitions from
    /// `pg_get_indexdef`), waiting at most `lock_timeout` for the table's lock.
    async fn drop_postgres(
        txn: &DatabaseTransaction,
        table: &str,
        lock_timeout: &str,
    ) -> StoreResult<Self> {
        let backend = Backend::Postgres;
        let indexes: Vec<(String, String)> = PgIndexRow::find_by_statement(statement(
            backend,
            "SELECT c.relname::text AS name, pg_get_indexdef(i.indexrelid) AS def \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = CAST(CAST(? AS text) AS regclass) AND NOT i.indisunique \
             AND NOT i.indisprimary AND i.indpred IS NULL ORDER BY 1",
            vec![table.into()],
        ))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.name, r.def))
        .collect();
        // The value is ours, not the caller's: a constant such as "5s".
        txn.execute_unprepared(&format!("SET LOCAL lock_timeout = '{lock_timeout}'"))
            .await?;
        if !indexes.is_empty() {
            let names: Vec<String> = indexes.iter().map(|(name, _)| quoted(name)).collect();
            // The names come from pg_class. One statement: one wait for the lock.
            let dropped = txn
                .execute_unprepared(&format!("DROP INDEX {}", names.join(", ")))
                .await;
            if let Err(e) = dropped {
                return Err(lock_conflict(e, table, lock_timeout));
            }
        }
        txn.execute_unprepared("SET LOCAL lock_timeout TO DEFAULT")
            .await?;
        tracing::info!(table, indexes = indexes.len(), "secondary indexes deferred");
        Ok(DeferredIndexes {
            backend,
            table: table.to_owned(),
            indexes,
        })
    }
}

/// PostgreSQL's "lock_not_available" (a lock timeout) as a conflict that says why; other
/// errors pass through.
fn lock_conflict(err: DbErr, table: &str, waited: &str) -> StoreError {
    let code = match &err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned()),
        _ => None,
    };
    if code.as_deref() != Some("55P03") {
        return StoreError::Db(err);
    }
    StoreError::Conflict(muster_domain::Invalid::one(
        format!("{table} table"),
        format!(
            "busy: a load this large needs the table to itself until it commits (its \
             indexes are rebuilt), but other sessions were still using it after {waited}"
        ),
    ))
}
