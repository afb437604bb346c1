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
const ROWS_PER_STATEMENT: usize = 32_000 / 14;

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
        let first_after = crate::training::last_person_id(&txn, self.backend()).await?;
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
        crate::training::add_status_rows(&txn, self.backend(), program_id, first_after).await?;
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
        crate::ticket::index_new_tickets(&txn, self.backend()).await?;
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

/// Tickets per INSERT (41 columns each).
const TICKETS_PER_STATEMENT: usize = 30_000 / 41;

impl Store {
    /// Inserts ready-made tickets (demo data, imports from a previous tool) in one
    /// transaction with their "created" history entries and one audit entry.
    #[tracing::instrument(skip(self, change, tickets), fields(rows = tickets.len()))]
    pub async fn insert_tickets_bulk(
        &self,
        change: &Change<'_>,
        tickets: Vec<muster_domain::ticket::Ticket>,
    ) -> StoreResult<usize> {
        use crate::entity::ticket;
        let count = tickets.len();
        let Some((first, last)) = tickets
            .first()
            .zip(tickets.last())
            .map(|(a, b)| (a.number, b.number))
        else {
            return Ok(0);
        };
        let program_id = change.program_id();
        let txn = self.db.begin().await?;
        let mut rows = tickets
            .iter()
            .map(|t| crate::ticket::ticket_row(program_id, t, None))
            .peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(TICKETS_PER_STATEMENT).collect();
            ticket::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        let history = "INSERT INTO ticket_event (program_id, ticket_id, at, actor_account_id, actor, kind, detail) \
             SELECT program_id, id, opened_at, requester_account_id, requester_name, 'created', 'filed by ' || requester_name \
             FROM ticket WHERE program_id = ? AND number BETWEEN ? AND ?";
        let resolved = "INSERT INTO ticket_event (program_id, ticket_id, at, actor_account_id, actor, kind, detail) \
             SELECT program_id, id, resolved_at, NULL, 'support', 'status', 'New → Resolved: ' || resolution_note \
             FROM ticket WHERE program_id = ? AND number BETWEEN ? AND ? AND resolved_at IS NOT NULL";
        for sql in [history, resolved] {
            let values = vec![program_id.into(), first.into(), last.into()];
            sea_orm::ConnectionTrait::execute_raw(
                &txn,
                crate::raw::statement(self.backend(), sql, values),
            )
            .await?;
        }
        let summary = serde_json::json!({ "bulk_insert": count, "numbers": [first, last] });
        record(
            &txn,
            change,
            "ticket",
            0,
            AuditAction::Create,
            None,
            Some(&summary),
        )
        .await?;
        crate::ticket::index_new_tickets(&txn, self.backend()).await?;
        txn.commit().await?;
        Ok(count)
    }
}
