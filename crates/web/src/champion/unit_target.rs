//! A unit's own champion coverage target, overriding the program's for that unit (an ICU
//! at one champion per 5 end users, a clinic at one per 15): a form reached from the unit's
//! page and the coverage map, and `GET/PUT/DELETE /api/v1/champions/target/units/{id}`.
//! Whoever may set the program's target may set a unit's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::champion::coverage::{TargetSource, UnitTargetDraft, UnitTargetInForce};
use muster_domain::unit::{Unit, UnitId};
use muster_store::{Change, Store, StoreResult};

use super::target::may_set;
use crate::AppState;
use crate::access::require_at;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, RecordId};
use crate::page::{redirect_with_flash, settings_form};
use crate::resource::api::ApiJson;
use crate::resource::{Cell, Section};

/// The page of unit `unit_id`'s target form.
pub fn form_path(unit_id: UnitId) -> String {
    format!("/champions/target/units/{unit_id}")
}

/// Unit `unit_id`'s target, if the actor may read that unit's champions.
async fn readable(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<UnitTargetInForce, AppError> {
    let target = state
        .store
        .unit_champion_target(actor.program_id, unit_id)
        .await?;
    require_at(
        actor,
        Action::Read,
        Subject::Champion,
        Place::Site(Some(target.site_id)),
    )?;
    Ok(target)
}

/// The unit page's "Champion coverage target" section, for those who may read champions
/// there; with a link to change it for those who may set targets.
pub async fn unit_section(
    store: &Store,
    actor: &Actor,
    unit: &Unit,
) -> StoreResult<Option<Section>> {
    if !actor.may_at(
        Action::Read,
        Subject::Champion,
        Place::Site(Some(unit.site_id)),
    ) {
        return Ok(None);
    }
    let target = store
        .unit_champion_target(actor.program_id, unit.id)
        .await?;
    let label = match target.target_source {
        TargetSource::Unit => "Change or remove this unit's target",
        TargetSource::Program => "Set a target for this unit",
    };
    Ok(Some(Section {
        title: "Champion coverage target".into(),
        columns: vec!["Target", "Applies", "Note"],
        rows: vec![vec![
            Cell::text(format!(
                "One champion per {} end users",
                target.end_users_per_champion
            )),
            Cell::text(target.target_source.label()),
            Cell::text(target.note.clone().unwrap_or_default()),
        ]],
        more: may_set(actor)
            .is_ok()
            .then(|| (label.to_owned(), form_path(unit.id))),
    }))
}

fn show(
    viewer: &Viewer,
    target: &UnitTargetInForce,
    typed: &UnitTargetDraft,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let fields = vec![
        Field::new(
            "end_users_per_champion",
            "End users per champion on this unit",
            FieldKind::Number,
            typed.end_users_per_champion.as_deref(),
        )
        .help(format!(
            "Each shift of {} needs one active champion per this many end users, rounded up (1–500). Leave blank to use the program's target, one per {}.",
            target.unit_name, target.program_end_users_per_champion
        )),
        Field::new("note", "Why this unit differs", FieldKind::TextArea, typed.note.as_deref())
            .help("For example: ICU acuity, many agency staff (at most 500 characters)"),
    ];
    let unit_href = format!("/units/{}", target.unit_id);
    let layout = viewer.layout(
        format!("Champion coverage target: {}", target.unit_name),
        vec![
            ("Champions".into(), "/champions".into()),
            ("Coverage target".into(), "/champions/target".into()),
            (target.unit_name.clone(), form_path(target.unit_id)),
        ],
    );
    settings_form(
        viewer,
        layout,
        &form_path(target.unit_id),
        &unit_href,
        fields,
        invalid,
    )
}

/// `GET /champions/target/units/{id}`: the form, filled with the unit's override if any.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(unit_id): RecordId,
) -> Result<Response, PageError> {
    may_set(&viewer.actor)?;
    let target = readable(&state, &viewer.actor, unit_id).await?;
    let own = target.target_source == TargetSource::Unit;
    let typed = UnitTargetDraft {
        end_users_per_champion: own.then(|| target.end_users_per_champion.to_string()),
        note: target.note.clone(),
    };
    show(&viewer, &target, &typed, None)
}

/// `POST /champions/target/units/{id}`: saves the override, or removes it when the target
/// is left blank; a refused form comes back with what was typed and each error by its field.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(unit_id): RecordId,
    HtmlForm(draft): HtmlForm<UnitTargetDraft>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    may_set(actor)?;
    let target = readable(&state, actor, unit_id).await?;
    let change = Change::new(actor, viewer.via());
    let back = format!("/units/{unit_id}");
    match draft.clone().parse_or_clear() {
        Ok(Some(spec)) => {
            let saved = state
                .store
                .save_unit_champion_target(&change, unit_id, spec)
                .await?;
            Ok(redirect_with_flash(
                &back,
                &format!("{}: {}.", saved.unit_name, saved.describe()),
            ))
        }
        Ok(None) => {
            state
                .store
                .remove_unit_champion_target(&change, unit_id)
                .await?;
            Ok(redirect_with_flash(
                &back,
                &format!(
                    "{} uses the program's target: one champion per {} end users.",
                    target.unit_name, target.program_end_users_per_champion
                ),
            ))
        }
        Err(invalid) => show(&viewer, &target, &draft, Some(&invalid)),
    }
}

#[utoipa::path(get, path = "/api/v1/champions/target/units/{id}", tag = "Champions",
    params(("id" = i64, Path, description = "the unit's id")),
    responses((status = 200, description = "the target the unit is measured against, and whether it is the unit's own", body = UnitTargetInForce), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem), (status = 404, description = "no such unit", body = crate::error::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(unit_id): RecordId,
) -> Result<Json<UnitTargetInForce>, ApiError> {
    Ok(Json(readable(&state, &caller.actor, unit_id).await?))
}

#[utoipa::path(put, path = "/api/v1/champions/target/units/{id}", tag = "Champions", request_body = UnitTargetDraft,
    params(("id" = i64, Path, description = "the unit's id")),
    responses((status = 200, description = "the unit's target now", body = UnitTargetInForce), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "only those who set the program's target set a unit's", body = crate::error::Problem), (status = 404, description = "no such unit", body = crate::error::Problem), (status = 422, description = "the target is not a whole number from 1 to 500, or the note is too long", body = crate::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(unit_id): RecordId,
    ApiJson(draft): ApiJson<UnitTargetDraft>,
) -> Result<Json<UnitTargetInForce>, ApiError> {
    let actor = &caller.actor;
    may_set(actor)?;
    let spec = draft.parse()?;
    readable(&state, actor, unit_id).await?;
    Ok(Json(
        state
            .store
            .save_unit_champion_target(&Change::new(actor, Via::Api), unit_id, spec)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/champions/target/units/{id}", tag = "Champions",
    params(("id" = i64, Path, description = "the unit's id")),
    responses((status = 204, description = "removed: the program's target applies to the unit again"), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "only those who set the program's target remove a unit's", body = crate::error::Problem), (status = 404, description = "no such unit, or it has no target of its own", body = crate::error::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(unit_id): RecordId,
) -> Result<StatusCode, ApiError> {
    let actor = &caller.actor;
    may_set(actor)?;
    readable(&state, actor, unit_id).await?;
    match state
        .store
        .remove_unit_champion_target(&Change::new(actor, Via::Api), unit_id)
        .await?
    {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(AppError::NotFound(format!(
            "unit {unit_id} has no champion target of its own; the program's applies"
        ))
        .into()),
    }
}
