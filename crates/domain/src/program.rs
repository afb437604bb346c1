//! The program: one health system's EHR deployment, the tenant every other row belongs to.

use chrono::{DateTime, Utc};
use serde::Serialize;

pub type ProgramId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Program {
    pub id: ProgramId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}
