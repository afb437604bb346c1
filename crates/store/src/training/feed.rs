//! Calendar feeds: a secret link per account (stored as its SHA-256) that calendar apps
//! poll without signing in.

use chrono::Utc;
use muster_domain::access::Actor;
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};

use crate::Store;
use crate::audit::{Change, record};
use crate::error::StoreResult;
use crate::raw::statement;

#[derive(FromQueryResult)]
struct Owner {
    account_id: i64,
}

impl Store {
    /// Gives the actor's account a new feed secret (its digest), replacing any old link.
    pub async fn replace_calendar_feed(
        &self,
        change: &Change<'_>,
        secret_hash: &str,
    ) -> StoreResult<()> {
        let Some(account_id) = change.actor.account_id else {
            return Err(crate::StoreError::Refused(
                "only accounts have calendar links".into(),
            ));
        };
        let txn = self.db.begin().await?;
        txn.execute_raw(statement(
            self.backend(),
            "DELETE FROM calendar_feed WHERE account_id = ?",
            vec![account_id.into()],
        ))
        .await?;
        txn.execute_raw(statement(
            self.backend(),
            "INSERT INTO calendar_feed (account_id, program_id, secret_hash, created_at) VALUES (?, ?, ?, ?)",
            vec![account_id.into(), change.program_id().into(), secret_hash.into(), Utc::now().into()],
        ))
        .await?;
        let note = serde_json::json!({ "calendar_link": "replaced" });
        record(
            &txn,
            change,
            "calendar_feed",
            account_id,
            muster_domain::audit::AuditAction::Update,
            None,
            Some(&note),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The active account whose feed secret has this digest.
    pub async fn calendar_feed_actor(&self, secret_hash: &str) -> StoreResult<Option<Actor>> {
        let owner = Owner::find_by_statement(statement(
            self.backend(),
            "SELECT account_id FROM calendar_feed WHERE secret_hash = ?",
            vec![secret_hash.into()],
        ))
        .one(&self.db)
        .await?;
        match owner {
            Some(o) => self.actor_of(o.account_id).await,
            None => Ok(None),
        }
    }
}
