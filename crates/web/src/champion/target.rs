//! The program's champion coverage target (end users per champion): a form for leads and
//! `GET/PUT /api/v1/champions/target`. Program-wide, so site leads may read but not set it.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::champion::coverage::{ChampionTarget, ChampionTargetDraft};
use muster_store::Change;

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm};
use crate::page::{redirect_with_flash, settings_form};
use crate::resource::api::ApiJson;

const PATH: &str = "/champions/target";

/// Setting the program's target and units' own targets: program-wide.
pub(super) fn may_set(actor: &Actor) -> Result<(), AppError> {
    require_at(actor, Action::Update, Subject::Champion, Place::Program)
}

fn show(viewer: &Viewer, value: &str, invalid: Option<&Invalid>) -> Result<Response, PageError> {
    let fields = vec![
        Field::new(
            "end_users_per_champion",
            "End users per champion",
            FieldKind::Number,
            Some(value),
        )
        .required()
        .help("Each unit and shift needs one active champion per this many end users, rounded up (1–500; 10 by default). A unit that needs more or fewer has its own target, set from the unit's page or the coverage map"),
    ];
    let layout = viewer.layout(
        "Champion coverage target",
        vec![
            ("Champions".into(), "/champions".into()),
            ("Coverage target".into(), PATH.into()),
        ],
    );
    settings_form(viewer, layout, PATH, "/champions/coverage", fields, invalid)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    may_set(&viewer.actor)?;
    let target = state.store.champion_target(viewer.actor.program_id).await?;
    show(&viewer, &target.end_users_per_champion.to_string(), None)
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<ChampionTargetDraft>,
) -> Result<Response, PageError> {
    may_set(&viewer.actor)?;
    let typed = draft.end_users_per_champion.clone().unwrap_or_default();
    match draft.parse() {
        Ok(target) => {
            state
                .store
                .save_champion_target(&Change::new(&viewer.actor, Via::Ui), target)
                .await?;
            Ok(redirect_with_flash("/champions/coverage", "Target saved"))
        }
        Err(invalid) => show(&viewer, &typed, Some(&invalid)),
    }
}

#[utoipa::path(get, path = "/api/v1/champions/target", tag = "Champions",
    responses((status = 200, description = "end users per champion", body = ChampionTarget), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<ChampionTarget>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Champion)?;
    Ok(Json(
        state.store.champion_target(caller.actor.program_id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/champions/target", tag = "Champions", request_body = ChampionTargetDraft,
    responses((status = 200, description = "the saved target", body = ChampionTarget), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "the target is not a whole number from 1 to 500", body = crate::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<ChampionTargetDraft>,
) -> Result<Json<ChampionTarget>, ApiError> {
    may_set(&caller.actor)?;
    let target = draft.parse()?;
    Ok(Json(
        state
            .store
            .save_champion_target(&Change::new(&caller.actor, Via::Api), target)
            .await?,
    ))
}
