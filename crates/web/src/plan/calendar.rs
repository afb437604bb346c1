//! The plan's calendar: its settings (project start, working weekdays) as a form and
//! `GET/PUT /api/v1/plan/settings`, and holidays of the program or of one site as a
//! resource (`/holidays`, `/api/v1/holidays`). A site lead keeps their own sites' holidays.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::PlanSettings;
use muster_domain::plan::holiday::{Holiday, HolidayDraft, HolidaySpec};
use muster_domain::plan::settings::{PlanSettingsDraft, WEEKDAYS};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm};
use crate::page::{redirect_with_flash, settings_form};
use crate::resource::api::ApiJson;
use crate::resource::{Cell, Fact, Lookup, Resource, filter_id};

pub struct Holidays;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct HolidayQuery {
    pub site_id: Option<String>,
}

impl Resource for Holidays {
    const SUBJECT: Subject = Subject::Plan;
    const PATH: &'static str = "holidays";
    const SINGULAR: &'static str = "holiday";
    const TITLE: &'static str = "Holidays";
    type Item = Holiday;
    type Draft = HolidayDraft;
    type Spec = HolidaySpec;
    type Query = HolidayQuery;

    fn id(item: &Holiday) -> i64 {
        item.id
    }
    fn label(item: &Holiday) -> String {
        format!("{} ({})", item.name, item.day)
    }
    fn parse(draft: HolidayDraft) -> Result<HolidaySpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: HolidayDraft, base: HolidayDraft) -> HolidayDraft {
        patch.over(base)
    }
    fn place(h: &Holiday) -> Place<'_> {
        Place::Site(h.site_id)
    }
    fn spec_place<'a>(spec: &'a HolidaySpec, _: Option<&'a Holiday>) -> Place<'a> {
        Place::Site(spec.site_id)
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &HolidayQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Holiday>> {
        let site = filter_id("site_id", &q.site_id)?;
        let all = store.all_holidays(actor.program_id).await?;
        Ok(super::page_by_id(
            all.into_iter()
                .filter(|h| site.is_none() || h.site_id == site),
            |h| h.id,
            cursor,
            limit,
        ))
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Holiday> {
        store.holiday(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: HolidaySpec) -> StoreResult<Holiday> {
        store.create_holiday(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: HolidaySpec,
    ) -> StoreResult<Holiday> {
        store.update_holiday(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_holiday(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[("site_id", "only the holidays of this site")]
    }
    fn columns() -> &'static [&'static str] {
        &["Holiday", "Day", "Where"]
    }
    fn cells(h: &Holiday, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&h.name, format!("/holidays/{}", h.id)),
            Cell::text(h.day.format("%a %-d %b %Y").to_string()),
            Cell::text(where_kept(h, lookup)),
        ]
    }
    fn facts(h: &Holiday, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Day",
                value: Cell::text(h.day.format("%A %-d %B %Y").to_string()),
            },
            Fact {
                label: "Where",
                value: Cell::text(where_kept(h, lookup)),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &HolidayDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new("day", "Day", FieldKind::Date, d.day.as_deref()).required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("— the whole program —"))),
                d.site_id.as_deref(),
            )
            .help("A site's own holiday moves only that site's tasks"),
        ])
    }
    fn filters(q: &HolidayQuery, lookup: &Lookup) -> Vec<Field> {
        vec![Field::new(
            "site_id",
            "Site",
            FieldKind::Select(lookup.site_options(Some("Any"))),
            q.site_id.as_deref(),
        )]
    }
    fn actions(_: &Actor) -> Vec<(&'static str, &'static str)> {
        vec![("Plan settings", SETTINGS)]
    }
}

fn where_kept(h: &Holiday, lookup: &Lookup) -> String {
    match h.site_id {
        None => "Whole program".into(),
        site => lookup.site_name(site),
    }
}

const SETTINGS: &str = "/plan/settings";

/// Program-wide: site leads read the settings but do not set them.
fn may_set(actor: &Actor) -> Result<(), AppError> {
    require_at(actor, Action::Update, Subject::Plan, Place::Program)
}

fn show(
    viewer: &Viewer,
    draft: &PlanSettingsDraft,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let days = WEEKDAYS
        .iter()
        .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
        .collect();
    let fields = vec![
        Field::new(
            "project_start",
            "Project start",
            FieldKind::Date,
            draft.project_start.as_deref(),
        )
        .required()
        .help("No task is scheduled before it"),
        Field::new(
            "working_weekdays",
            "Working days",
            FieldKind::Checks(days),
            None,
        )
        .ticked(draft.working_weekdays.clone().unwrap_or_default())
        .help("Holidays of the program and of each site come off these: see Holidays"),
    ];
    let layout = viewer.layout(
        "Plan settings",
        vec![
            ("Plan".into(), "/plan".into()),
            ("Settings".into(), SETTINGS.into()),
        ],
    );
    settings_form(viewer, layout, SETTINGS, "/plan", fields, invalid)
}

fn draft_of(s: &PlanSettings) -> PlanSettingsDraft {
    PlanSettingsDraft {
        project_start: Some(s.project_start.to_string()),
        working_weekdays: Some(s.weekdays_code().split(',').map(str::to_owned).collect()),
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    may_set(&viewer.actor)?;
    let settings = state.store.plan_settings(viewer.actor.program_id).await?;
    show(&viewer, &draft_of(&settings), None)
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<PlanSettingsDraft>,
) -> Result<Response, PageError> {
    may_set(&viewer.actor)?;
    match draft.clone().parse() {
        Ok((start, days)) => {
            state
                .store
                .update_plan_settings(&Change::new(&viewer.actor, Via::Ui), start, days)
                .await?;
            Ok(redirect_with_flash(
                "/plan",
                "Plan settings saved; the schedule follows them",
            ))
        }
        Err(invalid) => show(&viewer, &draft, Some(&invalid)),
    }
}

/// `GET /api/v1/plan/settings`: the project start, the working weekdays and the plan's
/// revision (it moves with every change to the plan).
#[utoipa::path(get, path = "/api/v1/plan/settings", tag = "Plan",
    responses((status = 200, description = "the plan's settings", body = PlanSettings), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn api_get(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<PlanSettings>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Plan)?;
    Ok(Json(
        state.store.plan_settings(caller.actor.program_id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/plan/settings", tag = "Plan", request_body = PlanSettingsDraft,
    responses((status = 200, description = "the saved settings", body = PlanSettings), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "a field that needs attention", body = crate::error::Problem)))]
pub async fn api_put(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<PlanSettingsDraft>,
) -> Result<Json<PlanSettings>, ApiError> {
    may_set(&caller.actor)?;
    let (start, days) = draft.parse()?;
    Ok(Json(
        state
            .store
            .update_plan_settings(&Change::new(&caller.actor, Via::Api), start, days)
            .await?,
    ))
}
