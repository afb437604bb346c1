//! New tickets into SQLite's full-text index, a batch at a time. Every FTS5 flush costs a
//! few milliseconds of segment merging whatever its size, so indexing each intake batch as
//! it was written capped intake near a thousand tickets a second. The intake task instead
//! indexes whatever is new at most once per `SEARCH_LAG`, and within `SEARCH_LAG` of the
//! last ticket when things go quiet: similar-ticket search sees a new ticket within a second.
//! `ticket_fts_mark` (migration 0007) holds the last ticket indexed. PostgreSQL's GIN index
//! takes rows as they come, so there this does nothing.

use std::time::Duration;

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::error::StoreResult;
use crate::{Backend, Store};

/// How long a new ticket may wait to be found by similar-ticket search.
pub const SEARCH_LAG: Duration = Duration::from_secs(1);

/// Indexes the tickets written since the last call, inside the caller's transaction.
pub(crate) async fn index_new_tickets<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
) -> StoreResult<()> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    db.execute_unprepared(
        "INSERT INTO ticket_fts (rowid, summary, what_happened) \
         SELECT id, summary, what_happened FROM ticket \
         WHERE id > (SELECT last_id FROM ticket_fts_mark) ORDER BY id",
    )
    .await?;
    db.execute_unprepared(
        "UPDATE ticket_fts_mark SET last_id = \
         (SELECT coalesce(max(id), last_id) FROM ticket)",
    )
    .await?;
    Ok(())
}

impl Store {
    /// Indexes the tickets written since the last time, in a transaction of its own (after
    /// bulk loads, and by the intake task when it goes quiet).
    pub async fn index_new_tickets(&self) -> StoreResult<()> {
        let txn = self.intake_db.begin().await?;
        index_new_tickets(&txn, self.backend()).await?;
        txn.commit().await?;
        Ok(())
    }
}
