//! The decision log in pages and the API: each decision with its options, rationale,
//! patient impact, dissent, the body and right it was decided under, and what it affects;
//! searched by text and filtered by body, status, kind of right and date.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::decision::ChangeKind;
use muster_domain::decision_log::{
    DecisionEntry, DecisionEntryDraft, DecisionEntrySpec, DecisionStatus, LinkKind,
    PATIENT_IMPACT_HINT, PATIENT_IMPACT_LABEL,
};
use muster_domain::paging::{Cursor, Page};
use muster_domain::text::date;
use muster_store::decision_log::DecisionFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::alignment::ALIGNMENT;
use crate::form::{Field, FieldKind};
use crate::governance::body_options;
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, options_with,
};

pub struct Decisions;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DecisionQuery {
    /// Words to find in the question, decision, rationale or patient impact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

fn or_dash(text: &Option<String>) -> Cell {
    Cell::text(text.clone().unwrap_or_else(|| "—".into()))
}

fn kind_options(none: Option<&str>) -> Vec<(String, String)> {
    choice_options(ChangeKind::ALL, ChangeKind::code, ChangeKind::label, none)
}

/// Where a linked record's page is.
pub fn link_href(kind: LinkKind, id: i64) -> String {
    let path = match kind {
        LinkKind::Wave => "waves",
        LinkKind::Site => "sites",
        LinkKind::Module => "modules",
        LinkKind::Task => "tasks",
        LinkKind::ChangeRequest => "change-requests",
        LinkKind::Ticket => "tickets",
    };
    format!("/{path}/{id}")
}

impl Resource for Decisions {
    const SUBJECT: Subject = Subject::Decision;
    const PATH: &'static str = "decisions";
    const SINGULAR: &'static str = "decision";
    const TITLE: &'static str = "Decision log";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = DecisionEntry;
    type Draft = DecisionEntryDraft;
    type Spec = DecisionEntrySpec;
    type Query = DecisionQuery;

    fn id(item: &DecisionEntry) -> i64 {
        item.id
    }
    fn label(item: &DecisionEntry) -> String {
        item.question.clone()
    }
    fn parse(draft: DecisionEntryDraft) -> Result<DecisionEntrySpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: DecisionEntryDraft, base: DecisionEntryDraft) -> DecisionEntryDraft {
        patch.over(base)
    }
    fn place(_: &DecisionEntry) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a DecisionEntrySpec, _: Option<&'a DecisionEntry>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &DecisionQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<DecisionEntry>> {
        let filter = DecisionFilter {
            text: crate::resource::given(&q.q).map(str::to_owned),
            body_id: filter_id("body_id", &q.body_id)?,
            status: filter_value("status", &q.status, DecisionStatus::parse)?,
            right_kind: filter_value("right_kind", &q.right_kind, ChangeKind::parse)?,
            decided_from: filter_value("from", &q.from, date)?,
            decided_to: filter_value("to", &q.to, date)?,
            linked: None,
        };
        store
            .list_decisions(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<DecisionEntry> {
        store.decision_entry(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: DecisionEntrySpec,
    ) -> StoreResult<DecisionEntry> {
        store.create_decision(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: DecisionEntrySpec,
    ) -> StoreResult<DecisionEntry> {
        store.update_decision(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_decision(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "q",
                "words in the question, decision, rationale or patient impact",
            ),
            ("body_id", "only this body's decisions"),
            ("status", "open or decided"),
            (
                "right_kind",
                "the kind of right decided under: scope, timeline, budget, workflow, ...",
            ),
            ("from", "decided on or after (YYYY-MM-DD)"),
            ("to", "decided on or before (YYYY-MM-DD)"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Question", "Status", "Decided by", "Kind", "Decided on"]
    }
    fn cells(d: &DecisionEntry, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&d.question, format!("/decisions/{}", d.id)),
            Cell::text(d.status.label()),
            match (d.body_id, &d.body_name) {
                (Some(id), Some(name)) => Cell::link(name, format!("/governance-bodies/{id}")),
                _ => Cell::text("—"),
            },
            Cell::text(d.right_kind.map_or("—", ChangeKind::label)),
            Cell::text(d.decided_on.map(|x| x.to_string()).unwrap_or_default()),
        ]
    }
    fn facts(d: &DecisionEntry, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Status",
                value: Cell::text(d.status.label()),
            },
            Fact {
                label: "Options considered",
                value: Cell::text(if d.options.is_empty() {
                    "—".to_owned()
                } else {
                    d.options.join(" · ")
                }),
            },
            Fact {
                label: "Decision",
                value: or_dash(&d.decision),
            },
            Fact {
                label: "Rationale",
                value: or_dash(&d.rationale),
            },
            Fact {
                label: PATIENT_IMPACT_LABEL,
                value: Cell::text(&d.patient_impact),
            },
            Fact {
                label: "Decided by",
                value: match (d.body_id, &d.body_name) {
                    (Some(id), Some(name)) => Cell::link(name, format!("/governance-bodies/{id}")),
                    _ => Cell::text("—"),
                },
            },
            Fact {
                label: "Under the right",
                value: match (d.decision_right_id, d.right_kind) {
                    (Some(id), Some(kind)) => {
                        Cell::link(kind.label(), format!("/decision-rights/{id}"))
                    }
                    _ => Cell::text("—"),
                },
            },
            Fact {
                label: "Decided on",
                value: Cell::text(d.decided_on.map_or("—".to_owned(), |x| x.to_string())),
            },
            Fact {
                label: "Dissent",
                value: or_dash(&d.dissent),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &DecisionEntryDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let program = actor.program_id;
        let bodies = body_options(store, program, Some("— none yet —")).await?;
        let rights = store.decision_rights(program).await?;
        let right_options = options_with(
            Some("— none yet —"),
            rights.iter().filter(|r| r.body_id.is_some()).map(|r| {
                let module = lookup.module_name(r.module_id, "every module");
                (
                    r.id.to_string(),
                    format!("{} ({module}): {}", r.change_kind.label(), r.decider),
                )
            }),
        );
        let waves = store.all_waves(program).await?;
        let checks = |ids: &Option<Vec<i64>>| {
            ids.clone()
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        let mut wave_field = Field::new(
            "wave_ids",
            "Waves it affects",
            FieldKind::Checks(
                waves
                    .iter()
                    .map(|w| (w.id.to_string(), w.name.clone()))
                    .collect(),
            ),
            None,
        );
        wave_field.values = checks(&d.wave_ids);
        let mut site_field = Field::new(
            "site_ids",
            "Sites it affects",
            FieldKind::Checks(lookup.site_options(None)),
            None,
        );
        site_field.values = checks(&d.site_ids);
        let mut module_field = Field::new(
            "module_ids",
            "Modules it affects",
            FieldKind::Checks(lookup.module_options(None)),
            None,
        );
        module_field.values = checks(&d.module_ids);
        let status = choice_options(
            DecisionStatus::ALL,
            DecisionStatus::code,
            DecisionStatus::label,
            Some("— decided when a decision is given —"),
        );
        Ok(vec![
            Field::new(
                "question",
                "Question",
                FieldKind::TextArea,
                d.question.as_deref(),
            )
            .required(),
            Field::new(
                "options",
                "Options considered",
                FieldKind::TextArea,
                d.options.as_deref(),
            )
            .help("One option per line"),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(status),
                d.status.as_deref(),
            ),
            Field::new(
                "decision",
                "Decision",
                FieldKind::TextArea,
                d.decision.as_deref(),
            ),
            Field::new(
                "rationale",
                "Rationale",
                FieldKind::TextArea,
                d.rationale.as_deref(),
            ),
            Field::new(
                "patient_impact",
                PATIENT_IMPACT_LABEL,
                FieldKind::TextArea,
                d.patient_impact.as_deref(),
            )
            .required()
            .help(PATIENT_IMPACT_HINT),
            Field::new(
                "body_id",
                "Decided by (body)",
                FieldKind::Select(bodies),
                d.body_id.as_deref(),
            )
            .help("Required once decided: the body that decided"),
            Field::new(
                "decision_right_id",
                "Under the right",
                FieldKind::Select(right_options),
                d.decision_right_id.as_deref(),
            )
            .help("Required once decided: a right the body holds"),
            Field::new(
                "decided_on",
                "Decided on",
                FieldKind::Date,
                d.decided_on.as_deref(),
            ),
            Field::new(
                "dissent",
                "Dissent",
                FieldKind::TextArea,
                d.dissent.as_deref(),
            )
            .help("Who dissented, and why"),
            wave_field,
            site_field,
            module_field,
            Field::new(
                "task_ids",
                "Plan tasks it affects (ids)",
                FieldKind::Text,
                d.task_ids.as_deref(),
            )
            .help("Task ids separated by commas"),
            Field::new(
                "change_request_ids",
                "Change requests it decides (ids)",
                FieldKind::Text,
                d.change_request_ids.as_deref(),
            )
            .help("Change request ids separated by commas"),
            Field::new(
                "ticket_ids",
                "Tickets it answers (ids)",
                FieldKind::Text,
                d.ticket_ids.as_deref(),
            )
            .help("Ticket ids separated by commas"),
        ])
    }
    fn filters(_: &DecisionQuery, _: &Lookup) -> Vec<Field> {
        Vec::new()
    }
    async fn filter_fields(
        store: &Store,
        actor: &Actor,
        q: &DecisionQuery,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let bodies = body_options(store, actor.program_id, Some("Any body")).await?;
        let status = choice_options(
            DecisionStatus::ALL,
            DecisionStatus::code,
            DecisionStatus::label,
            Some("Any status"),
        );
        Ok(vec![
            Field::new("q", "Search", FieldKind::Text, q.q.as_deref())
                .help("Words in the question, decision, rationale or patient impact"),
            Field::new(
                "body_id",
                "Body",
                FieldKind::Select(bodies),
                q.body_id.as_deref(),
            ),
            Field::new(
                "status",
                "Status",
                FieldKind::Select(status),
                q.status.as_deref(),
            ),
            Field::new(
                "right_kind",
                "Kind of right",
                FieldKind::Select(kind_options(Some("Any kind"))),
                q.right_kind.as_deref(),
            ),
            Field::new("from", "Decided from", FieldKind::Date, q.from.as_deref()),
            Field::new("to", "Decided to", FieldKind::Date, q.to.as_deref()),
        ])
    }
    async fn related(store: &Store, actor: &Actor, d: &DecisionEntry) -> StoreResult<Vec<Section>> {
        let program = actor.program_id;
        let waves = store.all_waves(program).await?;
        let lookup = Lookup::load(store, program).await?;
        let rows = d
            .links
            .iter()
            .map(|l| {
                let name = match l.kind {
                    LinkKind::Wave => waves
                        .iter()
                        .find(|w| w.id == l.target_id)
                        .map(|w| w.name.clone()),
                    LinkKind::Site => Some(lookup.site_name(Some(l.target_id))),
                    LinkKind::Module => Some(lookup.module_name(Some(l.target_id), "")),
                    _ => None,
                }
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("{} {}", l.kind.label(), l.target_id));
                vec![
                    Cell::text(l.kind.label()),
                    Cell::link(name, link_href(l.kind, l.target_id)),
                ]
            })
            .collect();
        Ok(vec![Section {
            title: "What it affects".into(),
            columns: vec!["Kind", "Record"],
            rows,
            more: None,
        }])
    }
}
