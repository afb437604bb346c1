//! Bulk loading for demo data and, later, roster imports: many rows per statement, many
//! statements per transaction. One audit entry records each batch (its size and id range)
//! instead of one per row, so that loading 400,000 people stays a matter of seconds.

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::person::PersonSpec;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::person;
use crate::error::{StoreResult, map_unique};
use crate::person::person_row;

/// Rows per INSERT: SQLite allows at most 32,766 bound values per statement.
const ROWS_PER_STATEMENT: usize = 32_000 / 13;

impl Store {
    /// Inserts `people` in one transaction with one audit entry; returns how many.
    /// Callers check placement (sites and units exist) beforehand.
    #[tracing::instrument(skip(self, change, people), fields(rows = people.len()))]
    pub async fn insert_people_bulk(
        &self,
        change: &Change<'_>,
        people: Vec<PersonSpec>,
    ) -> StoreResult<usize> {
        let count = people.len();
        if count == 0 {
            return Ok(0);
        }
        let program_id = change.program_id();
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let mut rows = people
            .into_iter()
            .map(|p| person_row(program_id, p, now))
            .peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
            person::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .map_err(|e| map_unique(e, crate::person::UNIQUE))?;
        }
        let last_id = person::Entity::find()
            .filter(person::Column::ProgramId.eq(program_id))
            .order_by_desc(person::Column::Id)
            .limit(1)
            .one(&txn)
            .await?
            .map_or(0, |p| p.id);
        let summary = serde_json::json!({ "bulk_insert": count, "last_id": last_id });
        record(
            &txn,
            change,
            "person",
            0,
            AuditAction::Create,
            None,
            Some(&summary),
        )
        .await?;
        txn.commit().await?;
        Ok(count)
    }

    /// Refreshes the planner's statistics (and, on PostgreSQL, the visibility map that
    /// index-only counts rely on) after a bulk load, so that the first queries are fast.
    pub async fn analyze(&self) -> StoreResult<()> {
        let sql = match self.backend() {
            crate::Backend::Sqlite => "ANALYZE",
            crate::Backend::Postgres => "VACUUM (ANALYZE)",
        };
        self.execute_raw(sql).await?;
        Ok(())
    }
}
