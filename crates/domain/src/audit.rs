//! The audit log: who changed what, when, through which door, with the values before and
//! after. Entries are only ever appended.

use chrono::{DateTime, Utc};
use serde::Serialize;

choice!(
    /// What happened to the record.
    AuditAction {
        Create = ("create", "Created"),
        Update = ("update", "Updated"),
        Delete = ("delete", "Deleted"),
    }
);

choice!(
    /// The door the change came through.
    Via {
        Ui = ("ui", "Web"),
        Api = ("api", "API"),
        Cli = ("cli", "Command line"),
        Rule = ("rule", "Automatic rule"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_account_id: Option<i64>,
    /// The actor's name and email as they were at the time.
    pub actor: String,
    pub via: Via,
    pub entity: String,
    pub entity_id: i64,
    pub action: AuditAction,
    /// JSON of the record before the change (absent on create).
    pub before: Option<String>,
    /// JSON of the record after the change (absent on delete).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub action: Option<AuditAction>,
    pub actor_account_id: Option<i64>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}
