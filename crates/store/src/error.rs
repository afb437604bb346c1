//! The store's one error type. Constraint violations become errors a person can act on.

use muster_domain::{FieldError, Invalid};
use sea_orm::{DbErr, SqlErr};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },
    /// The input clashes with stored data (a duplicate code or email): a field error.
    #[error("{0}")]
    Conflict(Invalid),
    /// The input refers to something that does not fit (a unit of another site).
    #[error("{0}")]
    Invalid(Invalid),
    /// The record is still referenced and cannot be deleted.
    #[error("{0}")]
    InUse(String),
    /// The rules do not let this caller make this change (a requester triaging a ticket).
    #[error("{0}")]
    Refused(String),
    /// A stored value no longer parses: a bug or a hand edit, never the user's fault.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
}

impl StoreError {
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(Invalid::one(field, message))
    }
}

/// A unique index that maps to a form field, with the message to show.
pub(crate) struct UniqueField {
    /// The index name as in the migration, e.g. `ux_site_code`.
    pub index: &'static str,
    /// The indexed column as SQLite names it, e.g. `site.code`.
    pub column: &'static str,
    pub field: &'static str,
    pub message: &'static str,
}

/// Turns a unique-constraint violation on one of `fields` into a field error; other errors
/// pass through. SQLite names the columns, PostgreSQL names the index: both are matched.
pub(crate) fn map_unique(err: DbErr, fields: &[UniqueField]) -> StoreError {
    if let Some(SqlErr::UniqueConstraintViolation(text)) = err.sql_err() {
        for f in fields {
            let sqlite_hit = text.contains(f.column) && !text.contains(&format!("{},", f.column));
            if text.contains(f.index) || sqlite_hit {
                return StoreError::Conflict(Invalid(vec![FieldError::new(f.field, f.message)]));
            }
        }
    }
    if let Some(SqlErr::ForeignKeyConstraintViolation(_)) = err.sql_err() {
        return StoreError::InUse("the change would leave a reference to a missing record, or remove a record still in use".into());
    }
    StoreError::Db(err)
}

/// "3 units, 1 wave" from counts of what still refers to a record; `None` when nothing does.
pub(crate) fn describe_uses(uses: &[(u64, &str)]) -> Option<String> {
    let parts: Vec<String> = uses
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| match (*n, *what) {
            (1, what) => format!("1 {what}"),
            (n, "person") => format!("{n} people"),
            (n, "curriculum") => format!("{n} curricula"),
            (n, what) => format!("{n} {what}s"),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
