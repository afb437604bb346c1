//! Deferring a table's secondary indexes during a bulk load on SQLite: the non-unique
//! indexes are dropped inside the load's transaction and created again, from their own
//! saved definitions, before it commits. CREATE INDEX sorts once instead of inserting each
//! row into every index in random order (docs/performance.md, "Roster import"). SQLite's
//! DDL is transactional, so a load that rolls back leaves every index as it was, and
//! readers on other connections keep seeing the indexed snapshot meanwhile (WAL).
//!
//! Unique indexes stay: they enforce the constraints the load's upserts rely on.
//! PostgreSQL is left alone: DROP INDEX there locks the whole table against readers until
//! the load commits.

use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult, Value};

use crate::Backend;
use crate::error::StoreResult;
use crate::raw::statement;

/// A table's non-unique indexes, dropped in an open transaction, to be recreated in it.
pub(crate) struct DeferredIndexes {
    /// (name, CREATE INDEX statement) as SQLite stored them.
    indexes: Vec<(String, String)>,
    /// The planner's statistics for those indexes (`sqlite_stat1`), which DROP INDEX
    /// deletes: restored as they were, so that query plans do not change after a load.
    stats: Vec<(String, String, String)>,
}

#[derive(FromQueryResult)]
struct IndexRow {
    name: String,
    sql: String,
}

#[derive(FromQueryResult)]
struct StatRow {
    tbl: String,
    idx: String,
    stat: String,
}

impl DeferredIndexes {
    /// Drops `table`'s non-unique indexes in `txn` (SQLite only: `None` on PostgreSQL).
    pub(crate) async fn drop(
        txn: &DatabaseTransaction,
        backend: Backend,
        table: &str,
    ) -> StoreResult<Option<Self>> {
        if backend != Backend::Sqlite {
            return Ok(None);
        }
        // `sql` is NULL for the automatic indexes of UNIQUE and PRIMARY KEY constraints.
        let indexes: Vec<(String, String)> = IndexRow::find_by_statement(statement(
            backend,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? \
             AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
            vec![table.into()],
        ))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.name, r.sql))
        .collect();
        let has_stats = txn
            .query_one_raw(statement(
                backend,
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'",
                vec![],
            ))
            .await?
            .is_some();
        let stats = if has_stats {
            StatRow::find_by_statement(statement(
                backend,
                "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NOT NULL",
                vec![table.into()],
            ))
            .all(txn)
            .await?
            .into_iter()
            .filter(|s| indexes.iter().any(|(name, _)| *name == s.idx))
            .map(|s| (s.tbl, s.idx, s.stat))
            .collect()
        } else {
            Vec::new()
        };
        for (name, _) in &indexes {
            // The name comes from sqlite_master, quoted as an identifier.
            let sql = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
            txn.execute_unprepared(&sql).await?;
        }
        tracing::info!(table, indexes = indexes.len(), "secondary indexes deferred");
        Ok(Some(DeferredIndexes { indexes, stats }))
    }

    /// Creates the dropped indexes again, with their statistics, in the same transaction.
    pub(crate) async fn recreate(self, txn: &DatabaseTransaction) -> StoreResult<()> {
        for (_, sql) in &self.indexes {
            txn.execute_unprepared(sql).await?;
        }
        for (tbl, idx, stat) in self.stats {
            let values: Vec<Value> = vec![tbl.into(), idx.into(), stat.into()];
            txn.execute_raw(statement(
                Backend::Sqlite,
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
                values,
            ))
            .await?;
        }
        Ok(())
    }
}
