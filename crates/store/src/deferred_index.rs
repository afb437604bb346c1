//! Deferring a table's secondary indexes during a bulk load on SQLite: the non-unique
//! indexes are dropped inside the load's transaction and created again, from their own
//! saved definitions, before it commits. CREATE INDEX sorts once instead of inserting each
//! row into every index in random order (docs/performance.md, "Roster import"). SQLite's
//! DDL is transactional, so a load that rolls back leaves every index as it was, and
//! readers on other connections keep seeing the indexed snapshot meanwhile (WAL).
//!
//! Unique indexes stay: they enforce the constraints the load's upserts rely on. Partial
//! indexes stay too: they hold a few of the rows, so keeping them costs little per row,
//! while creating one scans the whole table again.
//! PostgreSQL is left alone: DROP INDEX there locks the whole table against readers until
//! the load commits.

use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};

use crate::Backend;
use crate::error::StoreResult;
use crate::raw::statement;

/// A table's non-unique indexes, dropped in an open transaction, to be recreated in it.
pub(crate) struct DeferredIndexes {
    table: String,
    /// (name, CREATE INDEX statement) as SQLite stored them.
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
            table: table.to_owned(),
            indexes,
        }))
    }

    /// Creates the dropped indexes again in the same transaction, then refreshes the
    /// table's planner statistics (`sqlite_stat1`): a load large enough to defer its
    /// indexes changes the table's size many times over, and the people list's site-only
    /// plan depends on knowing it (migration 0028). ANALYZE of 400,000 people: 0.15 s.
    pub(crate) async fn recreate(self, txn: &DatabaseTransaction) -> StoreResult<()> {
        for (_, sql) in &self.indexes {
            txn.execute_unprepared(sql).await?;
        }
        txn.execute_unprepared(&format!("ANALYZE {}", quoted(&self.table)))
            .await?;
        Ok(())
    }
}
