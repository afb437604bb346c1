//! The decision log: what was asked, the options weighed, what was decided and why, what it
//! means for patients ("What will patients want?" is never optional), who decided under
//! which right, the dissent, and what the decision affects.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::decision::ChangeKind;
use crate::draft::{number_as_text, optional_id, overlay};
use crate::text::{date, optional_text};
use crate::ticket::required_text;
use crate::validate::{Invalid, Validator};

choice!(
    DecisionStatus {
        Open = ("open", "Open question"),
        Decided = ("decided", "Decided"),
    }
);

choice!(
    /// What a decision can affect.
    LinkKind {
        Wave = ("wave", "Wave"),
        Site = ("site", "Site"),
        Module = ("module", "Module"),
        Task = ("task", "Plan task"),
        ChangeRequest = ("change_request", "Change request"),
        Ticket = ("ticket", "Ticket"),
    }
);

/// The label and hint of the patient-impact field, wherever it is asked.
pub const PATIENT_IMPACT_LABEL: &str = "What will patients want?";
pub const PATIENT_IMPACT_HINT: &str =
    "Required. How this decision lands for patients: safety, waiting, what they see and are asked";

pub const MAX_OPTIONS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionLink {
    pub kind: LinkKind,
    pub target_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionEntry {
    pub id: i64,
    pub question: String,
    /// The options considered.
    pub options: Vec<String>,
    pub decision: Option<String>,
    pub rationale: Option<String>,
    /// What will patients want?
    pub patient_impact: String,
    /// The body that decided (or that the open question is before).
    pub body_id: Option<i64>,
    /// The body's name, read with the decision.
    pub body_name: Option<String>,
    /// The right it decided under; held by `body_id`.
    pub decision_right_id: Option<i64>,
    pub right_kind: Option<ChangeKind>,
    pub decided_on: Option<NaiveDate>,
    /// Who dissented, and why.
    pub dissent: Option<String>,
    pub status: DecisionStatus,
    /// What it affects.
    pub links: Vec<DecisionLink>,
    pub created_at: DateTime<Utc>,
}

impl DecisionEntry {
    pub fn linked(&self, kind: LinkKind) -> impl Iterator<Item = i64> + '_ {
        self.links
            .iter()
            .filter(move |l| l.kind == kind)
            .map(|l| l.target_id)
    }
}

/// A JSON list, or text with one item per line (a form's text area).
fn list_as_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Int(i64),
        Text(String),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        List(Vec<Item>),
        One(Item),
    }
    let text = |i: Item| match i {
        Item::Int(n) => n.to_string(),
        Item::Text(s) => s,
    };
    Ok(Option::<Loose>::deserialize(d)?.map(|v| match v {
        Loose::List(items) => items.into_iter().map(text).collect::<Vec<_>>().join("\n"),
        Loose::One(item) => text(item),
    }))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionEntryDraft {
    pub question: Option<String>,
    /// The options considered: a list, or one per line.
    #[serde(default, deserialize_with = "list_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub options: Option<String>,
    pub decision: Option<String>,
    pub rationale: Option<String>,
    /// What will patients want? Required.
    pub patient_impact: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub body_id: Option<String>,
    /// The right decided under; the body must hold it.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub decision_right_id: Option<String>,
    /// YYYY-MM-DD
    pub decided_on: Option<String>,
    pub dissent: Option<String>,
    /// open or decided; blank: decided when a decision is given.
    pub status: Option<String>,
    pub wave_ids: Option<Vec<i64>>,
    pub site_ids: Option<Vec<i64>>,
    pub module_ids: Option<Vec<i64>>,
    /// Plan task ids: a list, or text separated by commas.
    #[serde(default, deserialize_with = "list_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub task_ids: Option<String>,
    #[serde(default, deserialize_with = "list_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub change_request_ids: Option<String>,
    #[serde(default, deserialize_with = "list_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub ticket_ids: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionEntrySpec {
    pub question: String,
    pub options: Vec<String>,
    pub decision: Option<String>,
    pub rationale: Option<String>,
    pub patient_impact: String,
    pub body_id: Option<i64>,
    pub decision_right_id: Option<i64>,
    pub decided_on: Option<NaiveDate>,
    pub dissent: Option<String>,
    pub status: DecisionStatus,
    /// Sorted, without repeats.
    pub links: Vec<DecisionLink>,
}

impl DecisionEntrySpec {
    /// The lower-case text the search reads.
    pub fn search_text(&self) -> String {
        [
            Some(self.question.as_str()),
            self.decision.as_deref(),
            self.rationale.as_deref(),
            Some(self.patient_impact.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
    }

    /// The field naming the links of `kind`, for errors.
    pub fn link_field(kind: LinkKind) -> &'static str {
        match kind {
            LinkKind::Wave => "wave_ids",
            LinkKind::Site => "site_ids",
            LinkKind::Module => "module_ids",
            LinkKind::Task => "task_ids",
            LinkKind::ChangeRequest => "change_request_ids",
            LinkKind::Ticket => "ticket_ids",
        }
    }
}

fn options(raw: String) -> Result<Vec<String>, String> {
    let items: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if items.len() > MAX_OPTIONS {
        return Err(format!("at most {MAX_OPTIONS} options"));
    }
    if let Some(long) = items.iter().find(|o| o.chars().count() > 500) {
        return Err(format!(
            "each option is at most 500 characters ('{}...' is longer)",
            long.chars().take(30).collect::<String>()
        ));
    }
    Ok(items)
}

fn id_list(raw: String) -> Result<Vec<i64>, String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .map(|s| s.trim().trim_start_matches('#'))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| format!("'{s}' is not an id")))
        .collect()
}

impl DecisionEntryDraft {
    pub fn parse(self) -> Result<DecisionEntrySpec, Invalid> {
        let mut v = Validator::new();
        let question = v.required("question", self.question, |s| required_text(&s, 1_000));
        let options = v.optional("options", self.options, options);
        let decision = v.optional("decision", self.decision, |s| optional_text(&s, 8_000));
        let rationale = v.optional("rationale", self.rationale, |s| optional_text(&s, 8_000));
        let impact = v.check(
            "patient_impact",
            match self.patient_impact.as_deref().map(str::trim) {
                None | Some("") => Err(format!("is required: {PATIENT_IMPACT_LABEL}")),
                Some(text) => required_text(text, 8_000),
            },
        );
        let body_id = v.optional("body_id", self.body_id, optional_id);
        let right_id = v.optional("decision_right_id", self.decision_right_id, optional_id);
        let decided_on = v.optional("decided_on", self.decided_on, |s| {
            optional_text(&s, 20)?.map(|d| date(&d)).transpose()
        });
        let dissent = v.optional("dissent", self.dissent, |s| optional_text(&s, 8_000));
        let status = v.optional("status", self.status, |s| {
            optional_text(&s, 20)?
                .map(|s| DecisionStatus::parse(&s))
                .transpose()
        });
        let mut links = Vec::new();
        for (kind, ids) in [
            (LinkKind::Wave, self.wave_ids),
            (LinkKind::Site, self.site_ids),
            (LinkKind::Module, self.module_ids),
        ] {
            links.extend(
                ids.unwrap_or_default()
                    .into_iter()
                    .map(|target_id| DecisionLink { kind, target_id }),
            );
        }
        for (kind, ids) in [
            (LinkKind::Task, self.task_ids),
            (LinkKind::ChangeRequest, self.change_request_ids),
            (LinkKind::Ticket, self.ticket_ids),
        ] {
            if let Some(Some(ids)) = v.optional(DecisionEntrySpec::link_field(kind), ids, id_list) {
                links.extend(
                    ids.into_iter()
                        .map(|target_id| DecisionLink { kind, target_id }),
                );
            }
        }
        links.sort_by_key(|l| (l.kind, l.target_id));
        links.dedup();

        let decision_text = decision.clone().flatten().flatten();
        let status_given = status.flatten().flatten();
        let status = status_given.unwrap_or(if decision_text.is_some() {
            DecisionStatus::Decided
        } else {
            DecisionStatus::Open
        });
        if status == DecisionStatus::Decided {
            let missing = [
                ("decision", decision_text.is_some()),
                ("body_id", matches!(body_id, Some(Some(Some(_))) | None)),
                (
                    "decision_right_id",
                    matches!(right_id, Some(Some(Some(_))) | None),
                ),
                (
                    "decided_on",
                    matches!(decided_on, Some(Some(Some(_))) | None),
                ),
            ];
            for (field, given) in missing {
                if !given {
                    v.push(field, "is required once the question is decided");
                }
            }
        }
        v.finish(|| DecisionEntrySpec {
            question: question.unwrap(),
            options: options.unwrap().unwrap_or_default(),
            decision: decision_text,
            rationale: rationale.unwrap().flatten(),
            patient_impact: impact.unwrap(),
            body_id: body_id.unwrap().flatten(),
            decision_right_id: right_id.unwrap().flatten(),
            decided_on: decided_on.unwrap().flatten(),
            dissent: dissent.unwrap().flatten(),
            status,
            links,
        })
    }

    pub fn over(self, base: DecisionEntryDraft) -> DecisionEntryDraft {
        DecisionEntryDraft {
            question: overlay(base.question, self.question),
            options: overlay(base.options, self.options),
            decision: overlay(base.decision, self.decision),
            rationale: overlay(base.rationale, self.rationale),
            patient_impact: overlay(base.patient_impact, self.patient_impact),
            body_id: overlay(base.body_id, self.body_id),
            decision_right_id: overlay(base.decision_right_id, self.decision_right_id),
            decided_on: overlay(base.decided_on, self.decided_on),
            dissent: overlay(base.dissent, self.dissent),
            status: overlay(base.status, self.status),
            wave_ids: overlay(base.wave_ids, self.wave_ids),
            site_ids: overlay(base.site_ids, self.site_ids),
            module_ids: overlay(base.module_ids, self.module_ids),
            task_ids: overlay(base.task_ids, self.task_ids),
            change_request_ids: overlay(base.change_request_ids, self.change_request_ids),
            ticket_ids: overlay(base.ticket_ids, self.ticket_ids),
        }
    }
}

impl From<&DecisionEntry> for DecisionEntryDraft {
    fn from(d: &DecisionEntry) -> Self {
        let text = |s: &Option<String>| Some(s.clone().unwrap_or_default());
        let id_text = |id: Option<i64>| Some(id.map(|n| n.to_string()).unwrap_or_default());
        let ids = |kind| d.linked(kind).collect::<Vec<_>>();
        let id_lines = |kind| {
            Some(
                d.linked(kind)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        DecisionEntryDraft {
            question: Some(d.question.clone()),
            options: Some(d.options.join("\n")),
            decision: text(&d.decision),
            rationale: text(&d.rationale),
            patient_impact: Some(d.patient_impact.clone()),
            body_id: id_text(d.body_id),
            decision_right_id: id_text(d.decision_right_id),
            decided_on: Some(d.decided_on.map(|x| x.to_string()).unwrap_or_default()),
            dissent: text(&d.dissent),
            status: Some(d.status.code().into()),
            wave_ids: Some(ids(LinkKind::Wave)),
            site_ids: Some(ids(LinkKind::Site)),
            module_ids: Some(ids(LinkKind::Module)),
            task_ids: id_lines(LinkKind::Task),
            change_request_ids: id_lines(LinkKind::ChangeRequest),
            ticket_ids: id_lines(LinkKind::Ticket),
        }
    }
}

/// Something awaiting a governance decision, for the program dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingDecision {
    /// "decision" (an open question in the log) or "change_request".
    pub kind: &'static str,
    pub id: i64,
    pub title: String,
    pub body_id: Option<i64>,
    /// The body's name, or who decides when no body holds the right.
    pub body: String,
    pub since: DateTime<Utc>,
}

/// A wave's customizations, for the program dashboard and the scale index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveCustomizations {
    pub wave_id: i64,
    pub wave: String,
    pub go_live: NaiveDate,
    /// Approved change requests of customization kinds for the wave.
    pub approved: i64,
    /// Change requests of customization kinds awaiting a decision.
    pub pending: i64,
    /// The wave's hand-entered count (approved before Muster).
    pub counted_by_hand: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided() -> DecisionEntryDraft {
        DecisionEntryDraft {
            question: Some("Delay wave 2 go-live by 4 weeks?".into()),
            options: Some("Hold the date\nDelay 4 weeks\n\n".into()),
            decision: Some("Delay 4 weeks".into()),
            patient_impact: Some("Patients want a safe go-live over a fast one".into()),
            body_id: Some("1".into()),
            decision_right_id: Some("2".into()),
            decided_on: Some("2027-03-01".into()),
            task_ids: Some("12, 14\n12".into()),
            wave_ids: Some(vec![3]),
            ..Default::default()
        }
    }

    #[test]
    fn the_patient_impact_statement_is_required_and_named() {
        for blank in [None, Some("   ".to_owned())] {
            let err = DecisionEntryDraft {
                patient_impact: blank,
                ..decided()
            }
            .parse()
            .unwrap_err();
            assert_eq!(
                err.message_for("patient_impact"),
                Some("is required: What will patients want?")
            );
        }
    }

    #[test]
    fn a_decided_question_names_body_right_and_date() {
        let spec = decided().parse().unwrap();
        assert_eq!(spec.status, DecisionStatus::Decided);
        assert_eq!(spec.options, vec!["Hold the date", "Delay 4 weeks"]);
        assert_eq!(
            spec.links,
            vec![
                DecisionLink {
                    kind: LinkKind::Wave,
                    target_id: 3
                },
                DecisionLink {
                    kind: LinkKind::Task,
                    target_id: 12
                },
                DecisionLink {
                    kind: LinkKind::Task,
                    target_id: 14
                },
            ]
        );
        let err = DecisionEntryDraft {
            body_id: None,
            decided_on: Some("".into()),
            ..decided()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("body_id").is_some());
        assert!(err.message_for("decided_on").is_some());
        assert!(err.message_for("decision_right_id").is_none());
    }

    #[test]
    fn an_open_question_needs_no_decision_yet() {
        let spec = DecisionEntryDraft {
            decision: None,
            body_id: None,
            decision_right_id: None,
            decided_on: None,
            ..decided()
        }
        .parse()
        .unwrap();
        assert_eq!(spec.status, DecisionStatus::Open);
        let err = DecisionEntryDraft {
            task_ids: Some("12, twelve".into()),
            ..decided()
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("task_ids"), Some("'twelve' is not an id"));
    }

    #[test]
    fn options_come_as_a_json_list_or_lines() {
        let d: DecisionEntryDraft =
            serde_json::from_str(r#"{"options": ["A", "B"], "task_ids": [4, 5]}"#).unwrap();
        assert_eq!(d.options.as_deref(), Some("A\nB"));
        assert_eq!(d.task_ids.as_deref(), Some("4\n5"));
    }
}
