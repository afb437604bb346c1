//! Notifications: in-app messages to accounts, each queued for mail when mail is enabled.
//! The mailer (web layer) drains the queue; a failed send is kept with its error.

use std::sync::atomic::Ordering;

use chrono::Utc;
use muster_domain::ticket::Ticket;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::{at, secs};
use crate::Store;
use crate::audit::Change;
use crate::entity::{account, notification, ticket};
use crate::error::StoreResult;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub message: String,
    pub created_at: chrono::DateTime<Utc>,
    pub read: bool,
}

/// A mail waiting to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub id: i64,
    pub to: String,
    pub message: String,
}

impl Store {
    /// Tells `accounts` `message` (in the caller's transaction).
    pub(crate) async fn notify<C: ConnectionTrait>(
        &self,
        db: &C,
        change: &Change<'_>,
        accounts: &[i64],
        ticket_id: Option<i64>,
        message: &str,
    ) -> StoreResult<()> {
        let mut accounts = accounts.to_vec();
        accounts.sort_unstable();
        accounts.dedup();
        if accounts.is_empty() {
            return Ok(());
        }
        let mail = self
            .mail
            .load(Ordering::Relaxed)
            .then(|| "pending".to_owned());
        let now = secs(Utc::now());
        let rows = accounts
            .into_iter()
            .map(|account_id| notification::ActiveModel {
                id: NotSet,
                program_id: Set(change.program_id()),
                account_id: Set(account_id),
                ticket_id: Set(ticket_id),
                message: Set(message.to_owned()),
                created_at: Set(now),
                read_at: Set(None),
                email_state: Set(mail.clone()),
                email_error: Set(None),
            });
        notification::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Tells the requester of `ticket` and of every ticket merged into it.
    pub(crate) async fn notify_requesters<C: ConnectionTrait>(
        &self,
        db: &C,
        change: &Change<'_>,
        ticket: &Ticket,
        message: &str,
    ) -> StoreResult<()> {
        let followers: Vec<Option<i64>> = ticket::Entity::find()
            .select_only()
            .column(ticket::Column::RequesterAccountId)
            .filter(ticket::Column::MergedIntoId.eq(ticket.id))
            .into_tuple()
            .all(db)
            .await?;
        let mut accounts: Vec<i64> = followers.into_iter().flatten().collect();
        accounts.extend(ticket.requester_account_id);
        // Whoever made the change knows it already.
        accounts.retain(|a| Some(*a) != change.actor.account_id);
        self.notify(db, change, &accounts, Some(ticket.id), message)
            .await
    }

    /// An account's notifications, newest first.
    pub async fn notifications(
        &self,
        account_id: i64,
        limit: u64,
    ) -> StoreResult<Vec<Notification>> {
        Ok(notification::Entity::find()
            .filter(notification::Column::AccountId.eq(account_id))
            .order_by_desc(notification::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                ticket_id: n.ticket_id,
                message: n.message,
                created_at: at(n.created_at),
                read: n.read_at.is_some(),
            })
            .collect())
    }

    /// Marks all of an account's notifications read.
    pub async fn mark_notifications_read(&self, account_id: i64) -> StoreResult<()> {
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(secs(Utc::now())))
            .filter(notification::Column::AccountId.eq(account_id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Mails waiting to be sent, oldest first.
    pub async fn pending_mail(&self, limit: u64) -> StoreResult<Vec<Mail>> {
        let rows: Vec<(i64, i64, String)> = notification::Entity::find()
            .select_only()
            .columns([
                notification::Column::Id,
                notification::Column::AccountId,
                notification::Column::Message,
            ])
            .filter(notification::Column::EmailState.eq("pending"))
            .order_by_asc(notification::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        ids.sort_unstable();
        ids.dedup();
        let emails: Vec<(i64, String)> = account::Entity::find()
            .select_only()
            .columns([account::Column::Id, account::Column::Email])
            .filter(account::Column::Id.is_in(ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, account_id, message)| {
                let to = emails.iter().find(|(a, _)| *a == account_id)?.1.clone();
                Some(Mail { id, to, message })
            })
            .collect())
    }

    /// Records how sending mail `id` went.
    pub async fn mail_sent(&self, id: i64, result: Result<(), String>) -> StoreResult<()> {
        let (state, error) = match result {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e)),
        };
        notification::Entity::update_many()
            .col_expr(notification::Column::EmailState, Expr::value(state))
            .col_expr(notification::Column::EmailError, Expr::value(error))
            .filter(notification::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
