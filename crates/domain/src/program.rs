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

/// A program's settings as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgramDraft {
    pub name: Option<String>,
}

impl ProgramDraft {
    pub fn parse(self) -> Result<crate::text::Name, crate::Invalid> {
        let mut v = crate::validate::Validator::new();
        let name = v.required("name", self.name, |s| crate::text::Name::parse(&s));
        v.finish(|| name.unwrap())
    }
}
