//! Dependencies between plan tasks as a resource (`/dependencies`, `/api/v1/dependencies`).

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::DependencyKind;
use muster_domain::plan::dependency::{DependencyDraft, DependencySpec, PlanDependency};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::page_by_id;
use super::tasks::today;
use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id};

pub struct Dependencies;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DependencyQuery {
    /// Links into or out of this task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
}

fn task_cell(id: i64) -> Cell {
    Cell::link(format!("task {id}"), format!("/tasks/{id}"))
}

impl Resource for Dependencies {
    const SUBJECT: Subject = Subject::Plan;
    const PATH: &'static str = "dependencies";
    const SINGULAR: &'static str = "dependency";
    const TITLE: &'static str = "Dependencies";
    type Item = PlanDependency;
    type Draft = DependencyDraft;
    type Spec = DependencySpec;
    type Query = DependencyQuery;

    fn id(item: &PlanDependency) -> i64 {
        item.id
    }
    fn label(d: &PlanDependency) -> String {
        format!(
            "task {} {} task {}",
            d.predecessor_id,
            d.kind.code().to_uppercase(),
            d.successor_id
        )
    }
    fn parse(draft: DependencyDraft) -> Result<DependencySpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: DependencyDraft, base: DependencyDraft) -> DependencyDraft {
        patch.over(base)
    }
    fn place(_: &PlanDependency) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a DependencySpec, _: Option<&'a PlanDependency>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &DependencyQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<PlanDependency>> {
        let task = filter_id("task_id", &q.task_id)?;
        let plan = store.plan_schedule(actor.program_id, today()).await?;
        let links = plan
            .dependencies
            .iter()
            .filter(|d| task.is_none_or(|t| d.predecessor_id == t || d.successor_id == t))
            .cloned();
        Ok(page_by_id(links, |d| d.id, cursor, limit))
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<PlanDependency> {
        store.plan_dependency(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: DependencySpec,
    ) -> StoreResult<PlanDependency> {
        store.create_plan_dependency(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: DependencySpec,
    ) -> StoreResult<PlanDependency> {
        store.update_plan_dependency(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_plan_dependency(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[("task_id", "only links into or out of this task")]
    }
    fn columns() -> &'static [&'static str] {
        &["Predecessor", "Kind", "Lag (working days)", "Successor"]
    }
    fn cells(d: &PlanDependency, _: &Lookup) -> Vec<Cell> {
        vec![
            task_cell(d.predecessor_id),
            Cell::link(d.kind.label(), format!("/dependencies/{}", d.id)),
            Cell::text(d.lag.to_string()),
            task_cell(d.successor_id),
        ]
    }
    fn facts(d: &PlanDependency, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Predecessor",
                value: task_cell(d.predecessor_id),
            },
            Fact {
                label: "Successor",
                value: task_cell(d.successor_id),
            },
            Fact {
                label: "Kind",
                value: Cell::text(d.kind.label()),
            },
            Fact {
                label: "Lag",
                value: Cell::text(format!("{} working days", d.lag)),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &DependencyDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let kinds = choice_options(
            DependencyKind::ALL,
            DependencyKind::code,
            DependencyKind::label,
            None,
        );
        Ok(vec![
            Field::new(
                "predecessor_id",
                "Predecessor (task id)",
                FieldKind::Number,
                d.predecessor_id.as_deref(),
            )
            .required(),
            Field::new(
                "successor_id",
                "Successor (task id)",
                FieldKind::Number,
                d.successor_id.as_deref(),
            )
            .required(),
            Field::new("kind", "Kind", FieldKind::Select(kinds), d.kind.as_deref()),
            Field::new(
                "lag",
                "Lag (working days)",
                FieldKind::Number,
                d.lag.as_deref(),
            )
            .help("Negative for a lead."),
        ])
    }
    fn filters(q: &DependencyQuery, _: &Lookup) -> Vec<Field> {
        vec![Field::new(
            "task_id",
            "Task id",
            FieldKind::Number,
            q.task_id.as_deref(),
        )]
    }
}
