//! Decision rights over build changes: which role or body decides each kind of change to
//! each module, and the change requests routed to them.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::module::ModuleId;
use crate::text::Name;
use crate::validate::{Invalid, Validator};

choice!(
    /// The kinds of build change a decision right covers.
    ChangeKind {
        Workflow = ("workflow", "Workflow"),
        OrderSet = ("order_set", "Order set"),
        Documentation = ("documentation", "Documentation template"),
        ClinicalContent = ("clinical_content", "Clinical content"),
        Security = ("security", "Security and access"),
        Report = ("report", "Report"),
        Interface = ("interface", "Interface"),
        Other = ("other", "Other"),
        Scope = ("scope", "Scope"),
        Timeline = ("timeline", "Timeline"),
        Budget = ("budget", "Budget"),
        GoLive = ("go_live", "Go-live (go/no-go gate)"),
    }
);

impl ChangeKind {
    /// Is an approved request of this kind a customization of the standard build, counted
    /// in its wave's complexity? Build changes are (workflow, order set, documentation,
    /// clinical content, security, report, other); interfaces are counted on their own
    /// (`Wave::interfaces`), and scope, timeline, budget and go-live are program decisions,
    /// not build.
    pub fn is_customization(self) -> bool {
        !matches!(
            self,
            ChangeKind::Interface
                | ChangeKind::Scope
                | ChangeKind::Timeline
                | ChangeKind::Budget
                | ChangeKind::GoLive
        )
    }

    /// The kinds that count as customizations, as stored codes.
    pub fn customization_codes() -> Vec<&'static str> {
        ChangeKind::ALL
            .iter()
            .filter(|k| k.is_customization())
            .map(|k| k.code())
            .collect()
    }
}

choice!(
    ChangeStatus {
        Pending = ("pending", "Awaiting decision"),
        Approved = ("approved", "Approved"),
        Rejected = ("rejected", "Rejected"),
        Deferred = ("deferred", "Deferred"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRight {
    pub id: i64,
    /// `None`: the right covers this kind of change to every module.
    pub module_id: Option<ModuleId>,
    pub change_kind: ChangeKind,
    /// The role or body that decides ("Physician advisory council").
    pub decider: String,
    /// The account that records the decision, if one person does.
    pub decider_account_id: Option<i64>,
    /// The governance body that holds the right, if one does.
    pub body_id: Option<i64>,
}

/// A decision right as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionRightDraft {
    /// Blank or absent: the right covers every module.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// workflow, order_set, documentation, clinical_content, security, report, interface
    /// or other
    pub change_kind: Option<String>,
    /// The role or body that decides; blank with a body: the body's name.
    pub decider: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub decider_account_id: Option<String>,
    /// The governance body that holds the right.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub body_id: Option<String>,
}

/// A valid decision right, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRightSpec {
    pub module_id: Option<ModuleId>,
    pub change_kind: ChangeKind,
    /// `None` only with a body, whose name the store fills in.
    pub decider: Option<Name>,
    pub decider_account_id: Option<i64>,
    pub body_id: Option<i64>,
}

impl DecisionRightDraft {
    pub fn parse(self) -> Result<DecisionRightSpec, Invalid> {
        let mut v = Validator::new();
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let kind = v.required("change_kind", self.change_kind, |s| ChangeKind::parse(&s));
        let account = v.optional("decider_account_id", self.decider_account_id, optional_id);
        let body_id = v.optional("body_id", self.body_id, optional_id);
        let has_body = matches!(body_id, Some(Some(Some(_))));
        let decider = v.check(
            "decider",
            match self.decider.as_deref().map(str::trim) {
                None | Some("") if has_body => Ok(None),
                None | Some("") => Err("is required: name the role, or choose the body".into()),
                Some(text) => Name::parse(text).map(Some),
            },
        );
        v.finish(|| DecisionRightSpec {
            module_id: module_id.unwrap().flatten(),
            change_kind: kind.unwrap(),
            decider: decider.unwrap(),
            decider_account_id: account.unwrap().flatten(),
            body_id: body_id.unwrap().flatten(),
        })
    }

    pub fn over(self, base: DecisionRightDraft) -> DecisionRightDraft {
        DecisionRightDraft {
            module_id: overlay(base.module_id, self.module_id),
            change_kind: overlay(base.change_kind, self.change_kind),
            decider: overlay(base.decider, self.decider),
            decider_account_id: overlay(base.decider_account_id, self.decider_account_id),
            body_id: overlay(base.body_id, self.body_id),
        }
    }
}

impl From<&DecisionRight> for DecisionRightDraft {
    fn from(r: &DecisionRight) -> Self {
        let id_text = |id: Option<i64>| Some(id.map(|n| n.to_string()).unwrap_or_default());
        DecisionRightDraft {
            module_id: id_text(r.module_id),
            change_kind: Some(r.change_kind.code().into()),
            decider: Some(r.decider.clone()),
            decider_account_id: id_text(r.decider_account_id),
            body_id: id_text(r.body_id),
        }
    }
}

/// The right that governs `kind` changes to `module`: a module's own right wins over one
/// that covers every module.
pub fn governing_right(
    rights: &[DecisionRight],
    module: Option<ModuleId>,
    kind: ChangeKind,
) -> Option<&DecisionRight> {
    let of_kind = || rights.iter().filter(move |r| r.change_kind == kind);
    of_kind()
        .find(|r| module.is_some() && r.module_id == module)
        .or_else(|| of_kind().find(|r| r.module_id.is_none()))
}

/// Who decides when no right has been recorded: said plainly rather than left blank.
pub const UNASSIGNED_DECIDER: &str = "No decision right recorded: the program lead decides";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequest {
    pub id: i64,
    pub ticket_id: Option<i64>,
    /// The wave the change would go live in.
    pub wave_id: Option<i64>,
    pub module_id: Option<ModuleId>,
    pub change_kind: ChangeKind,
    pub title: String,
    /// Why the standard build cannot serve.
    pub justification: String,
    pub decision_right_id: Option<i64>,
    /// The governance body that decides (holds the governing right).
    pub body_id: Option<i64>,
    pub decider: String,
    pub status: ChangeStatus,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A change request as raised from a ticket or directly.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestDraft {
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// workflow, order_set, documentation, clinical_content, security, report, interface,
    /// other, scope, timeline, budget
    pub change_kind: Option<String>,
    pub title: Option<String>,
    /// Why the standard build cannot serve (vanilla first).
    pub justification: Option<String>,
    /// The wave the customization would go live in.
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub wave_id: Option<String>,
    /// The body to route to; it must hold the governing right. Blank: the body that does.
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub body_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRequestSpec {
    pub module_id: Option<ModuleId>,
    pub change_kind: ChangeKind,
    pub title: String,
    pub justification: String,
    pub wave_id: Option<i64>,
    /// The body the requester routed it to, checked against the governing right.
    pub body_id: Option<i64>,
}

impl ChangeRequestDraft {
    pub fn parse(self) -> Result<ChangeRequestSpec, crate::Invalid> {
        use crate::ticket::required_text;
        let mut v = crate::validate::Validator::new();
        let module_id = v.optional("module_id", self.module_id, crate::draft::optional_id);
        let kind = v.required("change_kind", self.change_kind, |s| ChangeKind::parse(&s));
        let title = v.required("title", self.title, |s| required_text(&s, 200));
        let why = v.required("justification", self.justification, |s| {
            required_text(&s, 8_000)
        });
        let wave_id = v.optional("wave_id", self.wave_id, crate::draft::optional_id);
        let body_id = v.optional("body_id", self.body_id, crate::draft::optional_id);
        v.finish(|| ChangeRequestSpec {
            module_id: module_id.unwrap().flatten(),
            change_kind: kind.unwrap(),
            title: title.unwrap(),
            justification: why.unwrap(),
            wave_id: wave_id.unwrap().flatten(),
            body_id: body_id.unwrap().flatten(),
        })
    }
}

/// A decision on a change request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    /// approved, rejected or deferred
    pub status: Option<String>,
    pub decision_note: Option<String>,
    /// What will patients want? Given, the decision is also entered in the decision log,
    /// linked to the request.
    #[serde(default)]
    pub patient_impact: Option<String>,
}

impl DecisionDraft {
    /// The patient-impact statement, if one was given (the decision-log entry's).
    pub fn patient_impact(&self) -> Result<Option<String>, crate::Invalid> {
        let given = self.patient_impact.as_deref().unwrap_or("");
        crate::text::optional_text(given, 8_000)
            .map_err(|m| crate::Invalid::one("patient_impact", m))
    }

    pub fn parse(self) -> Result<(ChangeStatus, String), crate::Invalid> {
        use crate::ticket::required_text;
        let mut v = crate::validate::Validator::new();
        let status = v.required("status", self.status, |s| match ChangeStatus::parse(&s)? {
            ChangeStatus::Pending => Err("a decision is approved, rejected or deferred".into()),
            other => Ok(other),
        });
        let note = v.required("decision_note", self.decision_note, |s| {
            required_text(&s, 8_000)
        });
        v.finish(|| (status.unwrap(), note.unwrap()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn right(id: i64, module_id: Option<i64>, kind: ChangeKind) -> DecisionRight {
        DecisionRight {
            id,
            module_id,
            change_kind: kind,
            decider: format!("body {id}"),
            decider_account_id: None,
            body_id: None,
        }
    }

    #[test]
    fn a_modules_own_right_wins_over_the_general_one() {
        let rights = [
            right(1, None, ChangeKind::OrderSet),
            right(2, Some(7), ChangeKind::OrderSet),
            right(3, Some(7), ChangeKind::Report),
        ];
        assert_eq!(
            governing_right(&rights, Some(7), ChangeKind::OrderSet)
                .unwrap()
                .id,
            2
        );
        assert_eq!(
            governing_right(&rights, Some(8), ChangeKind::OrderSet)
                .unwrap()
                .id,
            1
        );
        assert_eq!(
            governing_right(&rights, None, ChangeKind::OrderSet)
                .unwrap()
                .id,
            1
        );
        assert!(governing_right(&rights, Some(8), ChangeKind::Report).is_none());
    }
}
