//! Decision rights in pages and the API: who decides each kind of build change to each
//! module (or to every module).

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::decision::{ChangeKind, DecisionRight, DecisionRightDraft, DecisionRightSpec};
use muster_domain::paging::{Cursor, Page};
use muster_store::decision_right::DecisionRightFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, account_options, account_section, choice_options,
    filter_id, filter_value,
};

pub struct DecisionRights;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DecisionRightQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_id: Option<String>,
}

const ALL_MODULES: &str = "Every module";

fn kind_options(none: Option<&str>) -> Vec<(String, String)> {
    choice_options(ChangeKind::ALL, ChangeKind::code, ChangeKind::label, none)
}

impl Resource for DecisionRights {
    const SUBJECT: Subject = Subject::DecisionRight;
    const PATH: &'static str = "decision-rights";
    const SINGULAR: &'static str = "decision right";
    const TITLE: &'static str = "Decision rights";
    type Item = DecisionRight;
    type Draft = DecisionRightDraft;
    type Spec = DecisionRightSpec;
    type Query = DecisionRightQuery;

    fn id(item: &DecisionRight) -> i64 {
        item.id
    }
    fn label(item: &DecisionRight) -> String {
        format!("{}: {}", item.change_kind.label(), item.decider)
    }
    fn parse(draft: DecisionRightDraft) -> Result<DecisionRightSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: DecisionRightDraft, base: DecisionRightDraft) -> DecisionRightDraft {
        patch.over(base)
    }
    fn place(_: &DecisionRight) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a DecisionRightSpec, _: Option<&'a DecisionRight>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &DecisionRightQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<DecisionRight>> {
        let filter = DecisionRightFilter {
            module_id: filter_id("module_id", &query.module_id)?,
            change_kind: filter_value("change_kind", &query.change_kind, ChangeKind::parse)?,
            body_id: filter_id("body_id", &query.body_id)?,
        };
        store
            .list_decision_rights(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<DecisionRight> {
        store.decision_right(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: DecisionRightSpec,
    ) -> StoreResult<DecisionRight> {
        store.create_decision_right(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: DecisionRightSpec,
    ) -> StoreResult<DecisionRight> {
        store.update_decision_right(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_decision_right(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("module_id", "only rights for this module"),
            (
                "change_kind",
                "workflow, order_set, documentation, scope, timeline, budget, ...",
            ),
            ("body_id", "only the rights this governance body holds"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Kind of change", "Module", "Decided by"]
    }
    fn cells(r: &DecisionRight, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(r.change_kind.label(), format!("/decision-rights/{}", r.id)),
            lookup.module_cell(r.module_id, ALL_MODULES),
            Cell::text(&r.decider),
        ]
    }
    fn facts(r: &DecisionRight, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Kind of change",
                value: Cell::text(r.change_kind.label()),
            },
            Fact {
                label: "Module",
                value: lookup.module_cell(r.module_id, ALL_MODULES),
            },
            Fact {
                label: "Decided by",
                value: Cell::text(&r.decider),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &DecisionRightDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let accounts = account_options(store, actor.program_id, "— nobody in particular —").await?;
        Ok(vec![
            Field::new(
                "change_kind",
                "Kind of change",
                FieldKind::Select(kind_options(None)),
                d.change_kind.as_deref(),
            )
            .required(),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some(ALL_MODULES))),
                d.module_id.as_deref(),
            )
            .help("A module's own right wins over the one for every module"),
            Field::new(
                "body_id",
                "Held by (governance body)",
                FieldKind::Select(
                    crate::governance::body_options(store, actor.program_id, Some("— no body —"))
                        .await?,
                ),
                d.body_id.as_deref(),
            )
            .help("The body whose members decide; a program lead may record for it"),
            Field::new(
                "decider",
                "Decided by",
                FieldKind::Text,
                d.decider.as_deref(),
            )
            .help("The role or body in words, e.g. Physician advisory council; blank: the body's name"),
            Field::new(
                "decider_account_id",
                "Recorded by",
                FieldKind::Select(accounts),
                d.decider_account_id.as_deref(),
            )
            .help("The account that records the decision, if one person does"),
        ])
    }
    fn filters(q: &DecisionRightQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "change_kind",
                "Kind of change",
                FieldKind::Select(kind_options(Some("Any kind"))),
                q.change_kind.as_deref(),
            ),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                q.module_id.as_deref(),
            ),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        right: &DecisionRight,
    ) -> StoreResult<Vec<Section>> {
        let id = right.decider_account_id;
        account_section(store, actor.program_id, "Recorded by", id).await
    }
}
