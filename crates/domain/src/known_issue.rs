//! Known issues: a problem the command center already knows, with its workaround, published
//! to every user so that they can follow it instead of filing the same ticket again.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::module::ModuleId;
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

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

/// A known issue as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KnownIssueDraft {
    pub title: Option<String>,
    pub symptoms: Option<String>,
    pub workaround: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// published or retired; retiring stamps `retired_at`, publishing again clears it.
    pub status: Option<String>,
}

/// A valid known issue, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownIssueSpec {
    pub title: Name,
    pub symptoms: String,
    pub workaround: String,
    pub module_id: Option<ModuleId>,
    pub status: KnownIssueStatus,
}

/// Free text that must be there: trimmed, 1 to `max` characters.
fn required_text(raw: &str, max: usize) -> Result<String, String> {
    optional_text(raw, max)?.ok_or_else(|| "must not be empty".to_string())
}

impl KnownIssueDraft {
    pub fn parse(self) -> Result<KnownIssueSpec, Invalid> {
        let mut v = Validator::new();
        let title = v.required("title", self.title, |s| Name::parse(&s));
        let symptoms = v.required("symptoms", self.symptoms, |s| required_text(&s, 8_000));
        let workaround = v.required("workaround", self.workaround, |s| required_text(&s, 8_000));
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let status = v.optional("status", self.status, |s| KnownIssueStatus::parse(&s));
        v.finish(|| KnownIssueSpec {
            title: title.unwrap(),
            symptoms: symptoms.unwrap(),
            workaround: workaround.unwrap(),
            module_id: module_id.unwrap().flatten(),
            status: status.unwrap().unwrap_or(KnownIssueStatus::Published),
        })
    }

    pub fn over(self, base: KnownIssueDraft) -> KnownIssueDraft {
        KnownIssueDraft {
            title: overlay(base.title, self.title),
            symptoms: overlay(base.symptoms, self.symptoms),
            workaround: overlay(base.workaround, self.workaround),
            module_id: overlay(base.module_id, self.module_id),
            status: overlay(base.status, self.status),
        }
    }
}

impl From<&KnownIssue> for KnownIssueDraft {
    fn from(k: &KnownIssue) -> Self {
        KnownIssueDraft {
            title: Some(k.title.clone()),
            symptoms: Some(k.symptoms.clone()),
            workaround: Some(k.workaround.clone()),
            module_id: Some(k.module_id.map(|n| n.to_string()).unwrap_or_default()),
            status: Some(k.status.code().into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_issue_needs_symptoms_and_a_workaround_and_starts_published() {
        let draft = KnownIssueDraft {
            title: Some("Label printer prints blank".into()),
            symptoms: Some("Blank labels".into()),
            workaround: Some("Reprint from the queue".into()),
            ..Default::default()
        };
        assert_eq!(
            draft.clone().parse().unwrap().status,
            KnownIssueStatus::Published
        );
        let err = KnownIssueDraft {
            workaround: Some("  ".into()),
            symptoms: Some("x".repeat(8_001)),
            ..draft
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("workaround"), Some("must not be empty"));
        assert!(err.message_for("symptoms").is_some());
    }
}
