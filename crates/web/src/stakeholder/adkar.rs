//! ADKAR assessments as a resource, with the barrier point and its suggested actions on
//! every assessment, and the latest assessment of each group at each site (`/adkar/latest`,
//! `GET /api/v1/adkar/latest`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::adkar::{AdkarAssessment, AdkarDraft, AdkarSpec, Element};
use muster_store::stakeholder::adkar::AdkarFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::group_options;
use crate::AppState;
use crate::access::require;
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::{Cell, Fact, Lookup, Resource, Section, filter_id};

pub struct Adkar;

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct AdkarQuery {
    /// Only this stakeholder group's assessments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Only assessments of this site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
}

impl AdkarQuery {
    fn filter(&self) -> StoreResult<AdkarFilter> {
        Ok(AdkarFilter {
            group_id: filter_id("group_id", &self.group_id)?,
            site_id: filter_id("site_id", &self.site_id)?,
        })
    }
}

const WHOLE_GROUP: &str = "Whole group";

/// An assessment as a table row shows it.
pub struct AdkarRow {
    pub id: i64,
    pub group_id: i64,
    pub group_name: String,
    pub site: String,
    pub assessed_on: String,
    pub scores: [i64; 5],
    pub barrier: Option<&'static str>,
    pub actions: &'static [&'static str],
}

impl AdkarRow {
    pub fn of(a: &AdkarAssessment, lookup: &Lookup) -> AdkarRow {
        let s = a.scores;
        AdkarRow {
            id: a.id,
            group_id: a.group_id,
            group_name: a.group_name.clone(),
            site: site_text(a.site_id, lookup),
            assessed_on: a.assessed_on.to_string(),
            scores: [
                s.awareness,
                s.desire,
                s.knowledge,
                s.ability,
                s.reinforcement,
            ],
            barrier: a.barrier.map(Element::label),
            actions: a.barrier.map(Element::actions).unwrap_or(&[]),
        }
    }
}

fn site_text(site_id: Option<i64>, lookup: &Lookup) -> String {
    match site_id {
        Some(id) => lookup.site_name(Some(id)),
        None => WHOLE_GROUP.to_owned(),
    }
}

fn barrier_text(a: &AdkarAssessment) -> String {
    match a.barrier {
        Some(e) => format!("{} (first element scoring 3 or less)", e.label()),
        None => "None: every element scores 4 or 5".to_owned(),
    }
}

impl Resource for Adkar {
    const SUBJECT: Subject = Subject::Adkar;
    const PATH: &'static str = "adkar";
    const SINGULAR: &'static str = "ADKAR assessment";
    const TITLE: &'static str = "Change readiness (ADKAR)";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = AdkarAssessment;
    type Draft = AdkarDraft;
    type Spec = AdkarSpec;
    type Query = AdkarQuery;

    fn id(item: &AdkarAssessment) -> i64 {
        item.id
    }
    fn label(item: &AdkarAssessment) -> String {
        format!("{} {}", item.group_name, item.assessed_on)
    }
    fn parse(draft: AdkarDraft) -> Result<AdkarSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: AdkarDraft, base: AdkarDraft) -> AdkarDraft {
        patch.over(base)
    }
    fn place(item: &AdkarAssessment) -> Place<'_> {
        Place::Site(item.site_id)
    }
    fn spec_place<'a>(spec: &'a AdkarSpec, _: Option<&'a AdkarAssessment>) -> Place<'a> {
        Place::Site(spec.site_id)
    }
    fn actions(_: &Actor) -> Vec<(&'static str, &'static str)> {
        vec![("Latest per group and site", "/adkar/latest")]
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &AdkarQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<AdkarAssessment>> {
        store
            .list_adkar(actor.program_id, &query.filter()?, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<AdkarAssessment> {
        store.adkar(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: AdkarSpec,
    ) -> StoreResult<AdkarAssessment> {
        store.create_adkar(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: AdkarSpec,
    ) -> StoreResult<AdkarAssessment> {
        store.update_adkar(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_adkar(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("group_id", "only this stakeholder group's assessments"),
            ("site_id", "only assessments of this site"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Date",
            "Group",
            "Site",
            "A",
            "D",
            "K",
            "A",
            "R",
            "Barrier point",
        ]
    }
    fn cells(a: &AdkarAssessment, lookup: &Lookup) -> Vec<Cell> {
        let s = a.scores;
        vec![
            Cell::link(a.assessed_on.to_string(), format!("/adkar/{}", a.id)),
            Cell::link(&a.group_name, format!("/stakeholders/{}", a.group_id)),
            Cell::text(site_text(a.site_id, lookup)),
            Cell::text(s.awareness.to_string()),
            Cell::text(s.desire.to_string()),
            Cell::text(s.knowledge.to_string()),
            Cell::text(s.ability.to_string()),
            Cell::text(s.reinforcement.to_string()),
            Cell::text(a.barrier.map_or("None", Element::label)),
        ]
    }
    fn facts(a: &AdkarAssessment, lookup: &Lookup) -> Vec<Fact> {
        let s = a.scores;
        let score = |label: &'static str, n: i64| Fact {
            label,
            value: Cell::text(format!("{n} of 5")),
        };
        vec![
            Fact {
                label: "Group",
                value: Cell::link(&a.group_name, format!("/stakeholders/{}", a.group_id)),
            },
            Fact {
                label: "Site",
                value: Cell::text(site_text(a.site_id, lookup)),
            },
            Fact {
                label: "Assessed on",
                value: Cell::text(a.assessed_on.to_string()),
            },
            score("Awareness", s.awareness),
            score("Desire", s.desire),
            score("Knowledge", s.knowledge),
            score("Ability", s.ability),
            score("Reinforcement", s.reinforcement),
            Fact {
                label: "Barrier point",
                value: Cell::text(barrier_text(a)),
            },
            Fact {
                label: "Notes",
                value: Cell::text(&a.notes),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &AdkarDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let score = |name: &'static str, label: &'static str, value: &Option<String>| {
            Field::new(name, label, FieldKind::Number, value.as_deref())
                .required()
                .help("1 (not at all) to 5 (fully)")
        };
        Ok(vec![
            Field::new(
                "group_id",
                "Stakeholder group",
                FieldKind::Select(group_options(store, actor.program_id, "— choose —").await?),
                d.group_id.as_deref(),
            )
            .required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some(WHOLE_GROUP))),
                d.site_id.as_deref(),
            ),
            Field::new(
                "assessed_on",
                "Assessed on",
                FieldKind::Date,
                d.assessed_on.as_deref(),
            )
            .required(),
            score("awareness", "Awareness", &d.awareness),
            score("desire", "Desire", &d.desire),
            score("knowledge", "Knowledge", &d.knowledge),
            score("ability", "Ability", &d.ability),
            score("reinforcement", "Reinforcement", &d.reinforcement),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(q: &AdkarQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "group_id",
                "Group id",
                FieldKind::Number,
                q.group_id.as_deref(),
            ),
            lookup.site_filter(&q.site_id),
        ]
    }
    async fn related(_: &Store, _: &Actor, a: &AdkarAssessment) -> StoreResult<Vec<Section>> {
        let Some(barrier) = a.barrier else {
            return Ok(Vec::new());
        };
        Ok(vec![Section {
            title: format!(
                "Suggested actions for the barrier point: {}",
                barrier.label()
            ),
            columns: vec!["Action"],
            rows: barrier
                .actions()
                .iter()
                .map(|t| vec![Cell::text(*t)])
                .collect(),
            more: None,
        }])
    }
}

#[derive(Template)]
#[template(path = "stakeholder/adkar_latest.html")]
struct LatestPage {
    layout: Layout,
    rows: Vec<AdkarRow>,
    stuck: Vec<(&'static str, usize)>,
}

pub async fn latest_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<AdkarQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::Adkar)?;
    let latest = state
        .store
        .latest_adkar(actor.program_id, &q.filter()?)
        .await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let stuck = Element::ALL
        .iter()
        .map(|&e| {
            (
                e.label(),
                latest.iter().filter(|a| a.barrier == Some(e)).count(),
            )
        })
        .collect();
    let crumbs = vec![
        (ALIGNMENT.0.to_owned(), ALIGNMENT.1.to_owned()),
        (Adkar::TITLE.to_owned(), "/adkar".to_owned()),
        ("Latest".to_owned(), "/adkar/latest".to_owned()),
    ];
    let page = LatestPage {
        layout: viewer.layout("Change readiness: latest per group and site", crumbs),
        rows: latest.iter().map(|a| AdkarRow::of(a, &lookup)).collect(),
        stuck,
    };
    render(&page, &viewer)
}

/// The latest ADKAR assessment of each group at each site (and of each group as a whole),
/// with its barrier point.
#[utoipa::path(get, path = "/api/v1/adkar/latest", tag = "Alignment", params(AdkarQuery),
    responses((status = 200, description = "the latest assessments", body = [AdkarAssessment]), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn latest_api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<AdkarQuery>,
) -> Result<Json<Vec<AdkarAssessment>>, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::Adkar)?;
    Ok(Json(
        state
            .store
            .latest_adkar(actor.program_id, &q.filter()?)
            .await?,
    ))
}
