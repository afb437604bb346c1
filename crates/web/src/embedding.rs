//! Embedding assignments in pages and the API (`/embedding`, `/api/v1/embedding`), and each
//! wave's leaders' coverage (`/embedding/coverage`, `GET /api/v1/embedding/coverage`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::embedding::{
    Embedding, EmbeddingDraft, EmbeddingRole, EmbeddingSpec, SiteEmbedding, WaveEmbedding,
};
use muster_domain::paging::{Cursor, Page};
use muster_store::embedding::EmbeddingFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::require;
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::form::{Field, FieldKind};
use crate::page::{Layout, render};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id, options_with};

pub struct Embeddings;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EmbeddingQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_wave_id: Option<String>,
}

fn dates(e: &Embedding) -> String {
    format!("{} to {}", e.starts_on, e.ends_on)
}

impl Resource for Embeddings {
    const SUBJECT: Subject = Subject::Embedding;
    const PATH: &'static str = "embedding";
    const SINGULAR: &'static str = "embedding assignment";
    const TITLE: &'static str = "Embedding assignments";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = Embedding;
    type Draft = EmbeddingDraft;
    type Spec = EmbeddingSpec;
    type Query = EmbeddingQuery;

    fn id(item: &Embedding) -> i64 {
        item.id
    }
    fn label(item: &Embedding) -> String {
        item.person_name.clone()
    }
    fn parse(draft: EmbeddingDraft) -> Result<EmbeddingSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: EmbeddingDraft, base: EmbeddingDraft) -> EmbeddingDraft {
        patch.over(base)
    }
    /// Site leads send their own sites' people.
    fn place(item: &Embedding) -> Place<'_> {
        Place::Site(Some(item.home_site_id))
    }
    fn spec_place<'a>(spec: &'a EmbeddingSpec, _: Option<&'a Embedding>) -> Place<'a> {
        Place::Site(Some(spec.home_site_id))
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &EmbeddingQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Embedding>> {
        let filter = EmbeddingFilter {
            home_site_id: filter_id("home_site_id", &q.home_site_id)?,
            host_wave_id: filter_id("host_wave_id", &q.host_wave_id)?,
        };
        store
            .list_embeddings(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Embedding> {
        store.embedding(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: EmbeddingSpec,
    ) -> StoreResult<Embedding> {
        store.create_embedding(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: EmbeddingSpec,
    ) -> StoreResult<Embedding> {
        store.update_embedding(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_embedding(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("home_site_id", "only people from this site"),
            ("host_wave_id", "only assignments in this wave's go-live"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Person", "From", "Joins", "At", "Role", "Dates"]
    }
    fn cells(e: &Embedding, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&e.person_name, format!("/embedding/{}", e.id)),
            lookup.site_cell(Some(e.home_site_id), ""),
            lookup.wave_cell(Some(e.host_wave_id), ""),
            lookup.site_cell(e.host_site_id, "Any site of the wave"),
            Cell::text(e.role.label()),
            Cell::text(dates(e)),
        ]
    }
    fn facts(e: &Embedding, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Person",
                value: Cell::link(&e.person_name, format!("/people/{}", e.person_id)),
            },
            Fact {
                label: "From (goes live later)",
                value: lookup.site_cell(Some(e.home_site_id), ""),
            },
            Fact {
                label: "Joins the command center of",
                value: lookup.wave_cell(Some(e.host_wave_id), ""),
            },
            Fact {
                label: "At",
                value: lookup.site_cell(e.host_site_id, "Any site of the wave"),
            },
            Fact {
                label: "Role",
                value: Cell::text(e.role.label()),
            },
            Fact {
                label: "Dates",
                value: Cell::text(dates(e)),
            },
            Fact {
                label: "Notes",
                value: Cell::text(e.notes.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        actor: &Actor,
        d: &EmbeddingDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let own_sites = lookup
            .sites
            .iter()
            .filter(|s| actor.may_at(Action::Create, Self::SUBJECT, Place::Site(Some(s.id))))
            .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)));
        Ok(vec![
            Field::new(
                "person_id",
                "Person id",
                FieldKind::Person,
                d.person_id.as_deref(),
            )
            .required()
            .help("The number in the person's page address, /people/…"),
            Field::new(
                "home_site_id",
                "Their site",
                FieldKind::Select(options_with(Some("— choose —"), own_sites)),
                d.home_site_id.as_deref(),
            )
            .required()
            .help("It must go live after the wave they join"),
            Field::new(
                "host_wave_id",
                "Joins the command center of",
                FieldKind::Select(lookup.wave_options(Some("— choose —"))),
                d.host_wave_id.as_deref(),
            )
            .required(),
            Field::new(
                "host_site_id",
                "At site",
                FieldKind::Select(lookup.site_options(Some("Any site of the wave"))),
                d.host_site_id.as_deref(),
            ),
            Field::new(
                "role",
                "Role",
                FieldKind::Select(choice_options(
                    EmbeddingRole::ALL,
                    EmbeddingRole::code,
                    EmbeddingRole::label,
                    None,
                )),
                d.role.as_deref(),
            )
            .required(),
            Field::new("starts_on", "From", FieldKind::Date, d.starts_on.as_deref()).required(),
            Field::new("ends_on", "To", FieldKind::Date, d.ends_on.as_deref()).required(),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(q: &EmbeddingQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "home_site_id",
                "From site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.home_site_id.as_deref(),
            ),
            Field::new(
                "host_wave_id",
                "Joins",
                FieldKind::Select(lookup.wave_options(Some("Any wave"))),
                q.host_wave_id.as_deref(),
            ),
        ]
    }
    fn actions(_: &Actor) -> Vec<(&'static str, &'static str)> {
        vec![("Leaders' coverage by wave", COVERAGE)]
    }
}

const COVERAGE: &str = "/embedding/coverage";

struct SiteRow {
    name: String,
    counts: SiteEmbedding,
}

struct WaveRows {
    wave_id: i64,
    wave_name: String,
    go_live: chrono::NaiveDate,
    has_earlier_go_live: bool,
    previous_wave_id: Option<i64>,
    leaders: i64,
    embedded_leaders: i64,
    sites: Vec<SiteRow>,
}

#[derive(Template)]
#[template(path = "alignment/embedding.html")]
struct CoveragePage {
    layout: Layout,
    may_assign: bool,
    waves: Vec<WaveRows>,
}

/// `/embedding/coverage`: per wave, its sites' leaders and how many were embedded earlier.
async fn coverage_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::Embedding)?;
    let program_id = viewer.actor.program_id;
    let coverage = state.store.embedding_coverage(program_id).await?;
    let lookup = Lookup::load(&state.store, program_id).await?;
    let waves = coverage
        .into_iter()
        .map(|w| WaveRows {
            sites: w
                .sites
                .into_iter()
                .map(|counts| SiteRow {
                    name: lookup.site_name(Some(counts.site_id)),
                    counts,
                })
                .collect(),
            wave_id: w.wave_id,
            wave_name: w.wave_name,
            go_live: w.go_live,
            has_earlier_go_live: w.has_earlier_go_live,
            previous_wave_id: w.previous_wave_id,
            leaders: w.leaders,
            embedded_leaders: w.embedded_leaders,
        })
        .collect();
    let layout = viewer.layout(
        "Embedding: leaders' first command center",
        vec![
            (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
            ("Embedding".into(), COVERAGE.into()),
        ],
    );
    render(
        &CoveragePage {
            layout,
            may_assign: viewer.actor.may(Action::Create, Subject::Embedding),
            waves,
        },
        &viewer,
    )
}

/// `GET /api/v1/embedding/coverage`: per wave in go-live order, its sites' leaders and how
/// many have been embedded in an earlier go-live.
#[utoipa::path(get, path = "/api/v1/embedding/coverage", tag = "Embedding assignments",
    responses((status = 200, description = "coverage per wave", body = Vec<WaveEmbedding>), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
async fn coverage_api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<WaveEmbedding>>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Embedding)?;
    Ok(Json(
        state
            .store
            .embedding_coverage(caller.actor.program_id)
            .await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(crate::resource::routes::<Embeddings>())
        .route(COVERAGE, get(coverage_page))
        .route("/api/v1/embedding/coverage", get(coverage_api))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(coverage_api), components(schemas(WaveEmbedding, SiteEmbedding)))]
struct EmbeddingDoc;

pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    crate::resource::describe::<Embeddings>(doc);
    doc.merge(<EmbeddingDoc as utoipa::OpenApi>::openapi());
}
