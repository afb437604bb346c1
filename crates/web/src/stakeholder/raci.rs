//! RACI assignments as a resource, and the matrix (`/raci/matrix`,
//! `GET /api/v1/raci/matrix`): deliverables x people and groups with their letters, each
//! deliverable's gaps flagged. The rule for two accountable: refused, with a field error on
//! `role` naming the deliverable and who already answers for it.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::raci::{RaciAssignment, RaciDraft, RaciMatrix, RaciRole, RaciSpec};
use muster_store::stakeholder::raci::RaciFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::{group_options, person_cell};
use crate::AppState;
use crate::access::require;
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::form::{Field, FieldKind};
use crate::page::{Layout, render};
use crate::resource::{
    Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value, options_with,
};

pub struct Raci;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RaciQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

fn holder_cell(r: &RaciAssignment) -> Cell {
    match (r.person_id, r.group_id) {
        (Some(id), _) => match &r.person_name {
            Some(name) => Cell::link(name, format!("/people/{id}")),
            None => person_cell(Some(id)),
        },
        (None, Some(id)) => Cell::link(r.holder(), format!("/stakeholders/{id}")),
        (None, None) => Cell::text(""),
    }
}

impl Resource for Raci {
    const SUBJECT: Subject = Subject::Raci;
    const PATH: &'static str = "raci";
    const SINGULAR: &'static str = "RACI assignment";
    const TITLE: &'static str = "RACI";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = RaciAssignment;
    type Draft = RaciDraft;
    type Spec = RaciSpec;
    type Query = RaciQuery;

    fn id(item: &RaciAssignment) -> i64 {
        item.id
    }
    fn label(item: &RaciAssignment) -> String {
        format!(
            "{}: {} {}",
            item.task_name,
            item.role.label(),
            item.holder()
        )
    }
    fn parse(draft: RaciDraft) -> Result<RaciSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: RaciDraft, base: RaciDraft) -> RaciDraft {
        patch.over(base)
    }
    fn place(_: &RaciAssignment) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a RaciSpec, _: Option<&'a RaciAssignment>) -> Place<'a> {
        Place::Program
    }
    fn actions(_: &Actor) -> Vec<(&'static str, &'static str)> {
        vec![("Matrix", "/raci/matrix")]
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &RaciQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<RaciAssignment>> {
        let filter = RaciFilter {
            task_id: filter_id("task_id", &query.task_id)?,
            person_id: filter_id("person_id", &query.person_id)?,
            group_id: filter_id("group_id", &query.group_id)?,
            role: filter_value("role", &query.role, RaciRole::parse)?,
        };
        store
            .list_raci(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<RaciAssignment> {
        store.raci(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: RaciSpec,
    ) -> StoreResult<RaciAssignment> {
        store.create_raci(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: RaciSpec,
    ) -> StoreResult<RaciAssignment> {
        store.update_raci(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_raci(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("task_id", "only this deliverable's assignments"),
            ("person_id", "only this person's assignments"),
            ("group_id", "only this stakeholder group's assignments"),
            ("role", "responsible, accountable, consulted or informed"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Deliverable", "Role", "Who"]
    }
    fn cells(r: &RaciAssignment, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&r.task_name, format!("/raci/{}", r.id)),
            Cell::text(r.role.label()),
            holder_cell(r),
        ]
    }
    fn facts(r: &RaciAssignment, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Deliverable",
                value: Cell::link(&r.task_name, format!("/tasks/{}", r.task_id)),
            },
            Fact {
                label: "Role",
                value: Cell::text(r.role.label()),
            },
            Fact {
                label: "Who",
                value: holder_cell(r),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &RaciDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let mut tasks: Vec<(String, String)> = store
            .plan_deliverables(actor.program_id)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect();
        if let Some(id) = d.task_id.as_deref().filter(|t| !t.trim().is_empty())
            && !tasks.iter().any(|(v, _)| v == id)
        {
            tasks.push((id.to_owned(), format!("Plan task {id}")));
        }
        Ok(vec![
            Field::new(
                "task_id",
                "Deliverable",
                FieldKind::Select(options_with(Some("— choose —"), tasks.into_iter())),
                d.task_id.as_deref(),
            )
            .required()
            .help("The plan's deliverables: each wave's phases"),
            Field::new(
                "role",
                "Role",
                FieldKind::Select(choice_options(
                    RaciRole::ALL,
                    RaciRole::code,
                    RaciRole::label,
                    Some("— choose —"),
                )),
                d.role.as_deref(),
            )
            .required()
            .help("One accountable per deliverable"),
            Field::new(
                "person_id",
                "Person (person id)",
                FieldKind::Person,
                d.person_id.as_deref(),
            )
            .help("A person, or else a stakeholder group below (accountable must be a person)"),
            Field::new(
                "group_id",
                "Stakeholder group",
                FieldKind::Select(
                    group_options(store, actor.program_id, "— none: a person —").await?,
                ),
                d.group_id.as_deref(),
            ),
        ])
    }
    fn filters(q: &RaciQuery, _: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "task_id",
                "Deliverable (task id)",
                FieldKind::Number,
                q.task_id.as_deref(),
            ),
            Field::new(
                "person_id",
                "Person id",
                FieldKind::Person,
                q.person_id.as_deref(),
            ),
            Field::new(
                "role",
                "Role",
                FieldKind::Select(choice_options(
                    RaciRole::ALL,
                    RaciRole::code,
                    RaciRole::label,
                    Some("Any role"),
                )),
                q.role.as_deref(),
            ),
        ]
    }
}

#[derive(Template)]
#[template(path = "stakeholder/raci_matrix.html")]
struct MatrixPage {
    layout: Layout,
    matrix: RaciMatrix,
    with_gaps: usize,
    may_create: bool,
}

pub async fn matrix_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::Raci)?;
    let matrix = state.store.raci_matrix(actor.program_id).await?;
    let crumbs = vec![
        (ALIGNMENT.0.to_owned(), ALIGNMENT.1.to_owned()),
        (Raci::TITLE.to_owned(), "/raci".to_owned()),
        ("Matrix".to_owned(), "/raci/matrix".to_owned()),
    ];
    let page = MatrixPage {
        layout: viewer.layout("RACI matrix", crumbs),
        with_gaps: matrix.rows.iter().filter(|r| !r.gaps.is_empty()).count(),
        matrix,
        may_create: actor.may(Action::Create, Subject::Raci),
    };
    render(&page, &viewer)
}

/// The RACI matrix: the plan's deliverables (and any task with assignments) x the people and
/// groups holding roles, with each deliverable's gaps (no accountable, two or more
/// accountable, no responsible).
#[utoipa::path(get, path = "/api/v1/raci/matrix", tag = "Alignment",
    responses((status = 200, description = "the matrix", body = RaciMatrix), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn matrix_api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<RaciMatrix>, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::Raci)?;
    Ok(Json(state.store.raci_matrix(actor.program_id).await?))
}
