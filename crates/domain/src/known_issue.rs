//! Known issues: a problem the command center already knows, with its workaround, published
//! to every user so that they can follow it instead of filing the same ticket again.

use serde::Serialize;

use crate::module::ModuleId;

pub type KnownIssueId = i64;

choice!(
    KnownIssueStatus {
        Published = ("published", "Published"),
        Retired = ("retired", "Retired (fixed)"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnownIssue {
    pub id: KnownIssueId,
    pub title: String,
    /// What users see when they meet it.
    pub symptoms: String,
    /// What to do meanwhile (the tip sheet).
    pub workaround: String,
    pub module_id: Option<ModuleId>,
    pub status: KnownIssueStatus,
    pub retired_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Tickets linked to it (filled by lists and pages that show it).
    pub linked_tickets: i64,
}
