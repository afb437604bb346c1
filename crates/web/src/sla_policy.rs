//! SLA policies in pages and the API: response and resolution targets per priority.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::ticket::Priority;
use muster_domain::ticket::sla::{SlaPolicy, SlaPolicyDraft, SlaPolicySpec};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options};

pub struct SlaPolicies;

/// The list has no filters: a program has at most one policy per priority.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SlaPolicyQuery {}

/// "4 h (240 min)" for people.
fn minutes(n: i64) -> String {
    match n {
        n if n >= 24 * 60 && n % (24 * 60) == 0 => format!("{} d ({n} min)", n / (24 * 60)),
        n if n >= 60 && n % 60 == 0 => format!("{} h ({n} min)", n / 60),
        n => format!("{n} min"),
    }
}

impl Resource for SlaPolicies {
    const SUBJECT: Subject = Subject::SlaPolicy;
    const PATH: &'static str = "sla-policies";
    const SINGULAR: &'static str = "SLA policy";
    const TITLE: &'static str = "SLA policies";
    type Item = SlaPolicy;
    type Draft = SlaPolicyDraft;
    type Spec = SlaPolicySpec;
    type Query = SlaPolicyQuery;

    fn id(item: &SlaPolicy) -> i64 {
        item.id
    }
    fn label(item: &SlaPolicy) -> String {
        item.priority.label().to_owned()
    }
    fn parse(draft: SlaPolicyDraft) -> Result<SlaPolicySpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: SlaPolicyDraft, base: SlaPolicyDraft) -> SlaPolicyDraft {
        patch.over(base)
    }
    fn place(_: &SlaPolicy) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a SlaPolicySpec, _: Option<&'a SlaPolicy>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        _: &SlaPolicyQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<SlaPolicy>> {
        store
            .list_sla_policies(actor.program_id, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<SlaPolicy> {
        store.sla_policy(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: SlaPolicySpec,
    ) -> StoreResult<SlaPolicy> {
        store.create_sla_policy(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: SlaPolicySpec,
    ) -> StoreResult<SlaPolicy> {
        store.update_sla_policy(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_sla_policy(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[]
    }
    fn columns() -> &'static [&'static str] {
        &["Priority", "First response within", "Resolution within"]
    }
    fn cells(p: &SlaPolicy, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(p.priority.label(), format!("/sla-policies/{}", p.id)),
            Cell::text(minutes(p.response_minutes)),
            Cell::text(minutes(p.resolve_minutes)),
        ]
    }
    fn facts(p: &SlaPolicy, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "First response within",
                value: Cell::text(minutes(p.response_minutes)),
            },
            Fact {
                label: "Resolution within",
                value: Cell::text(minutes(p.resolve_minutes)),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &SlaPolicyDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new(
                "priority",
                "Priority",
                FieldKind::Select(choice_options(
                    Priority::ALL,
                    Priority::code,
                    Priority::label,
                    None,
                )),
                d.priority.as_deref(),
            )
            .required(),
            Field::new(
                "response_minutes",
                "First response within (minutes)",
                FieldKind::Number,
                d.response_minutes.as_deref(),
            )
            .required(),
            Field::new(
                "resolve_minutes",
                "Resolution within (minutes)",
                FieldKind::Number,
                d.resolve_minutes.as_deref(),
            )
            .required()
            .help("Time waiting on the requester does not count"),
        ])
    }
    fn filters(_: &SlaPolicyQuery, _: &Lookup) -> Vec<Field> {
        Vec::new()
    }
}
