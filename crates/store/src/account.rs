//! Accounts, their sessions and their API tokens. Only hashes of secrets are stored.

use chrono::{DateTime, Utc};
use muster_domain::access::{AccessRole, Actor};
use muster_domain::account::{Account, AccountId};
use muster_domain::audit::AuditAction;
use muster_domain::site::SiteId;
use muster_domain::text::{Email, Name};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{account, account_site, api_token, session};
use crate::error::{StoreError, StoreResult, UniqueField, map_unique};

const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_account_email",
    column: "account.email",
    field: "email",
    message: "an account with this email already exists",
}];

/// A new account. The password arrives already hashed (hashing is slow; callers do it off
/// the async runtime).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub name: Name,
    pub password_hash: String,
    pub role: AccessRole,
    pub site_ids: Vec<SiteId>,
    pub organization: Option<String>,
}

/// What sign-in needs: the account, its program and its password hash.
pub struct Credentials {
    pub account: Account,
    pub program_id: i64,
    pub password_hash: String,
}

/// A live session: who it belongs to and its CSRF token.
pub struct SessionRecord {
    pub actor: Actor,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    async fn account_sites(&self, account_id: AccountId) -> StoreResult<Vec<SiteId>> {
        Ok(account_site::Entity::find()
            .filter(account_site::Column::AccountId.eq(account_id))
            .order_by_asc(account_site::Column::SiteId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.site_id)
            .collect())
    }

    async fn to_account(&self, m: account::Model) -> StoreResult<Account> {
        Ok(Account {
            site_ids: self.account_sites(m.id).await?,
            id: m.id,
            role: AccessRole::parse(&m.role).map_err(StoreError::Corrupt)?,
            email: m.email,
            name: m.name,
            organization: m.organization,
            active: m.active,
        })
    }

    #[tracing::instrument(skip(self, change, new), fields(email = %new.email.as_str()))]
    pub async fn create_account(
        &self,
        change: &Change<'_>,
        new: NewAccount,
    ) -> StoreResult<Account> {
        let program_id = change.program_id();
        for &site_id in &new.site_ids {
            self.site(program_id, site_id)
                .await
                .map_err(|_| StoreError::invalid("site", format!("there is no site {site_id}")))?;
        }
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let row = account::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            email: Set(new.email.as_str().into()),
            name: Set(new.name.into_string()),
            password_hash: Set(new.password_hash),
            role: Set(new.role.code().into()),
            organization: Set(new.organization.clone()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, UNIQUE))?;
        for &site_id in &new.site_ids {
            account_site::ActiveModel {
                program_id: Set(program_id),
                account_id: Set(row.id),
                site_id: Set(site_id),
            }
            .insert(&txn)
            .await?;
        }
        let created = Account {
            id: row.id,
            email: row.email,
            name: row.name,
            role: new.role,
            site_ids: new.site_ids,
            organization: new.organization,
            active: true,
        };
        record(
            &txn,
            change,
            "account",
            created.id,
            AuditAction::Create,
            None,
            Some(&created),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    pub async fn accounts(&self, program_id: i64) -> StoreResult<Vec<Account>> {
        let rows = account::Entity::find()
            .filter(account::Column::ProgramId.eq(program_id))
            .order_by_asc(account::Column::Email)
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.to_account(row).await?);
        }
        Ok(out)
    }

    /// Every account of the program as (id, name, email, role), by name: for choosers,
    /// in one query.
    pub async fn all_accounts(
        &self,
        program_id: i64,
    ) -> StoreResult<Vec<(AccountId, String, String, AccessRole)>> {
        use account::Column as C;
        account::Entity::find()
            .select_only()
            .columns([C::Id, C::Name, C::Email, C::Role])
            .filter(C::ProgramId.eq(program_id))
            .order_by_asc(C::Name)
            .into_tuple::<(AccountId, String, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, name, email, role)| {
                let role = AccessRole::parse(&role).map_err(StoreError::Corrupt)?;
                Ok((id, name, email, role))
            })
            .collect()
    }

    /// A chosen account (a team lead, a decider) is one of the program's: else a field error.
    pub(crate) async fn check_account_choice(
        &self,
        program_id: i64,
        id: Option<AccountId>,
        field: &str,
    ) -> StoreResult<()> {
        let Some(id) = id else { return Ok(()) };
        let found = account::Entity::find_by_id(id)
            .filter(account::Column::ProgramId.eq(program_id))
            .count(&self.db)
            .await?;
        if found == 0 {
            return Err(StoreError::invalid(
                field,
                format!("there is no account {id}"),
            ));
        }
        Ok(())
    }

    /// The account that signs in with `email`, if there is an active one.
    pub async fn credentials(&self, email: &str) -> StoreResult<Option<Credentials>> {
        let Some(row) = account::Entity::find()
            .filter(account::Column::Email.eq(email.trim().to_lowercase()))
            .filter(account::Column::Active.eq(true))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let (program_id, password_hash) = (row.program_id, row.password_hash.clone());
        Ok(Some(Credentials {
            account: self.to_account(row).await?,
            program_id,
            password_hash,
        }))
    }

    pub async fn account_by_email(&self, email: &str) -> StoreResult<Account> {
        let row = account::Entity::find()
            .filter(account::Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("account", email))?;
        self.to_account(row).await
    }

    pub(crate) async fn actor_of(&self, account_id: AccountId) -> StoreResult<Option<Actor>> {
        let Some(row) = account::Entity::find_by_id(account_id)
            .filter(account::Column::Active.eq(true))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let program_id = row.program_id;
        let account = self.to_account(row).await?;
        Ok(Some(Actor {
            account_id: Some(account.id),
            program_id,
            name: account.name,
            email: account.email,
            role: account.role,
            site_ids: account.site_ids,
            organization: account.organization,
        }))
    }

    pub async fn create_session(
        &self,
        account: &Account,
        program_id: i64,
        id_hash: String,
        csrf_token: String,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        session::ActiveModel {
            id_hash: Set(id_hash),
            program_id: Set(program_id),
            account_id: Set(account.id),
            csrf_token: Set(csrf_token),
            created_at: Set(Utc::now()),
            expires_at: Set(expires_at),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The session with this id hash, if it exists, has not expired and its account is active.
    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let Some(row) = session::Entity::find_by_id(id_hash.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if row.expires_at <= Utc::now() {
            session::Entity::delete_by_id(id_hash.to_owned())
                .exec(&self.db)
                .await?;
            return Ok(None);
        }
        Ok(self
            .actor_of(row.account_id)
            .await?
            .map(|actor| SessionRecord {
                actor,
                csrf_token: row.csrf_token,
                expires_at: row.expires_at,
            }))
    }

    /// Moves a session's expiry (sliding expiry while the user is active).
    pub async fn extend_session(
        &self,
        id_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(expires_at),
            )
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        session::Entity::delete_by_id(id_hash.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn purge_sessions(&self) -> StoreResult<u64> {
        let done = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }

    #[tracing::instrument(skip(self, change, token_hash))]
    pub async fn create_api_token(
        &self,
        change: &Change<'_>,
        account_id: AccountId,
        label: &str,
        token_hash: String,
    ) -> StoreResult<i64> {
        let txn = self.db.begin().await?;
        let row = api_token::ActiveModel {
            id: NotSet,
            program_id: Set(change.program_id()),
            account_id: Set(account_id),
            token_hash: Set(token_hash),
            label: Set(label.to_owned()),
            created_at: Set(Utc::now()),
            last_used_at: Set(None),
        }
        .insert(&txn)
        .await?;
        let shown = serde_json::json!({ "account_id": account_id, "label": label });
        record(
            &txn,
            change,
            "api_token",
            row.id,
            AuditAction::Create,
            None,
            Some(&shown),
        )
        .await?;
        txn.commit().await?;
        Ok(row.id)
    }

    /// The actor behind an API token, if the token exists and its account is active.
    pub async fn token_actor(&self, token_hash: &str) -> StoreResult<Option<Actor>> {
        if let Some(actor) = self.tokens.get(token_hash) {
            return Ok(Some(actor));
        }
        let Some(row) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let actor = self.actor_of(row.account_id).await?;
        if let Some(actor) = &actor {
            self.tokens.put(token_hash, actor.clone());
        }
        Ok(actor)
    }
}

/// API tokens seen in the last few seconds and whom they stand for. An integration posting
/// thousands of tickets a second would otherwise pay three queries per request just to be
/// recognised. Entries live `TokenCache::TTL`; accounts and tokens cannot yet be changed or
/// revoked; whatever later does so must empty this cache too (other processes on the
/// same PostgreSQL would notice within the TTL).
#[derive(Default)]
pub(crate) struct TokenCache(
    std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, Actor)>>,
);

impl TokenCache {
    const TTL: std::time::Duration = std::time::Duration::from_secs(10);
    /// More entries than this and the cache starts over (bounded memory).
    const MAX: usize = 10_000;

    fn get(&self, token_hash: &str) -> Option<Actor> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(token_hash)
            .filter(|(at, _)| at.elapsed() < Self::TTL)
            .map(|(_, actor)| actor.clone())
    }

    fn put(&self, token_hash: &str, actor: Actor) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(token_hash.to_owned(), (std::time::Instant::now(), actor));
    }
}
