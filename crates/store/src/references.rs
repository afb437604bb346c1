//! The references an import writes without SQLite's row-by-row foreign key checks
//! (`Store::import_db`), checked once in its transaction, which holds the write lock, so
//! none can be deleted before it commits.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseTransaction, Value};

use crate::Backend;
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};

/// Ids per `IN` list.
const IDS_PER_STATEMENT: usize = 2_000;

/// Every id of `ids` is a row of `table` in the program; otherwise a conflict on `table`
/// saying `gone`.
pub(crate) async fn check_exist(
    txn: &DatabaseTransaction,
    backend: Backend,
    program_id: i64,
    table: &'static str,
    ids: &BTreeSet<i64>,
    gone: &str,
) -> StoreResult<()> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE program_id = ? AND id IN ({})",
            marks(chunk.len())
        );
        let mut values: Vec<Value> = vec![program_id.into()];
        values.extend(chunk.iter().map(|&id| Value::from(id)));
        let found: i64 = txn
            .query_one_raw(statement(backend, &sql, values))
            .await?
            .map_or(Ok(0), |row| row.try_get("", "n"))?;
        if found != chunk.len() as i64 {
            return Err(StoreError::Conflict(muster_domain::Invalid::one(
                table, gone,
            )));
        }
    }
    Ok(())
}
