//! What if a site or module moved to another wave? `/plan/waves/what-if` asks which, shows
//! both waves' scale index and go-live forecast before and after and the plan's finish,
//! computed by scheduling the changed plan in memory, and offers to save it; the API has
//! the same (`POST /api/v1/waves/what-if`, which writes nothing, and
//! `POST /api/v1/waves/moves`, which saves).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Subject};
use muster_domain::audit::Via;
use muster_domain::plan::outlook::WaveMoveOutcome;
use muster_domain::plan::wave_move::WaveMoveDraft;
use muster_domain::wave::Wave;
use muster_store::Change;

use super::tasks::today;
use super::waves::{may_move, require_move};
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, HtmlForm, Params, refused};
use crate::page::{Layout, redirect_with_flash, render_with};
use crate::resource::api::ApiJson;
use crate::resource::{Lookup, options_with};

/// `POST /api/v1/waves/what-if`: what moving a site or module to another wave would do to
/// both waves' scale index and go-live forecast and to the plan's finish. Nothing is
/// written.
#[utoipa::path(post, path = "/api/v1/waves/what-if", tag = "Plan", request_body = WaveMoveDraft,
    responses((status = 200, description = "both waves and the plan before and after", body = WaveMoveOutcome), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "the same wave twice, a site not in the wave it leaves, unknown ids", body = crate::error::Problem)))]
pub async fn api_what_if(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<WaveMoveDraft>,
) -> Result<Json<WaveMoveOutcome>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Plan)?;
    let spec = draft.parse().map_err(AppError::from)?;
    Ok(Json(
        state
            .store
            .preview_wave_move(caller.actor.program_id, today(), &spec.change)
            .await
            .map_err(AppError::from)?,
    ))
}

/// `POST /api/v1/waves/moves`: makes the move the what-if shows, in one audited change to
/// the waves and the plan. Give the `revision` the what-if answered with to refuse a plan
/// changed since (409). Program leads and administrators.
#[utoipa::path(post, path = "/api/v1/waves/moves", tag = "Plan", request_body = WaveMoveDraft,
    responses((status = 200, description = "the move, made; revision is the plan's new one", body = WaveMoveOutcome), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 409, description = "the plan or the waves changed since the what-if", body = crate::error::Problem), (status = 422, description = "the same wave twice, a site not in the wave it leaves, unknown ids, a move that would close a loop", body = crate::error::Problem)))]
pub async fn api_move(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<WaveMoveDraft>,
) -> Result<Json<WaveMoveOutcome>, ApiError> {
    Ok(Json(save(&state, &caller.actor, Via::Api, draft).await?))
}

async fn save(
    state: &AppState,
    actor: &muster_domain::access::Actor,
    via: Via,
    draft: WaveMoveDraft,
) -> Result<WaveMoveOutcome, AppError> {
    require_move(actor)?;
    let spec = draft.parse()?;
    Ok(state
        .store
        .apply_wave_move(&Change::new(actor, via), today(), &spec)
        .await?)
}

/// The form's values as they were given, to show them again.
#[derive(Default)]
pub struct Chosen {
    pub kind: String,
    pub site_id: String,
    pub module_id: String,
    pub from_wave_id: String,
    pub to_wave_id: String,
}

impl Chosen {
    fn of(d: &WaveMoveDraft) -> Chosen {
        let text = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_owned();
        Chosen {
            kind: text(&d.kind),
            site_id: text(&d.site_id),
            module_id: text(&d.module_id),
            from_wave_id: text(&d.from_wave_id),
            to_wave_id: text(&d.to_wave_id),
        }
    }
}

/// One row of a wave's before-and-after table.
pub struct Compared {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

pub struct WaveSide {
    pub name: String,
    pub role: &'static str,
    pub rows: Vec<Compared>,
}

fn side(name: &str, role: &'static str, e: &muster_domain::plan::outlook::WaveEffect) -> WaveSide {
    let (b, a) = (&e.scale_before, &e.scale_after);
    let g = &e.go_live;
    let forecast = |f: &muster_domain::plan::go_live::GoLiveForecast| {
        f.forecast
            .map(|d| d.to_string())
            .unwrap_or_else(|| "no go-live milestone".into())
    };
    WaveSide {
        name: name.to_owned(),
        role,
        rows: vec![
            Compared {
                label: "Scale index",
                before: format!("{} ({}): {}", b.index, b.band.label(), b.formula),
                after: format!("{} ({}): {}", a.index, a.band.label(), a.formula),
            },
            Compared {
                label: "Scope",
                before: b.scope.measure.clone(),
                after: a.scope.measure.clone(),
            },
            Compared {
                label: "Size",
                before: b.size.measure.clone(),
                after: a.size.measure.clone(),
            },
            Compared {
                label: "Complexity",
                before: b.complexity.measure.clone(),
                after: a.complexity.measure.clone(),
            },
            Compared {
                label: "Forecast go-live",
                before: forecast(&g.before),
                after: format!("{} ({})", forecast(&g.after), moved(g.moved_working_days)),
            },
            Compared {
                label: "Status",
                before: g.before.words.clone(),
                after: g.after.words.clone(),
            },
        ],
    }
}

#[derive(Template)]
#[template(path = "plan/what_if.html")]
struct WhatIfPage {
    layout: Layout,
    /// The move asked about, as typed, with each error beside its field.
    form: FormFields,
    outcome: Option<WaveMoveOutcome>,
    sides: Vec<WaveSide>,
    may_move: bool,
}

impl WhatIfPage {
    fn moved_words(&self, n: &i64) -> String {
        moved(*n)
    }
}

/// How far a date moves, in words.
fn moved(n: i64) -> String {
    let days = |n: i64| format!("{n} working day{}", if n == 1 { "" } else { "s" });
    match n {
        0 => "unchanged".into(),
        n if n > 0 => format!("{} later", days(n)),
        n => format!("{} earlier", days(-n)),
    }
}

/// "Riverbend North Hospital (RNH), Wave 1": where each site goes live now.
fn site_choices(lookup: &Lookup, waves: &[Wave]) -> Vec<(String, String)> {
    lookup
        .sites
        .iter()
        .map(|s| {
            let going: Vec<&str> = waves
                .iter()
                .filter(|w| w.site_ids.contains(&s.id))
                .map(|w| w.name.as_str())
                .collect();
            let going = if going.is_empty() {
                "in no wave".to_owned()
            } else {
                going.join(", ")
            };
            (
                s.id.to_string(),
                format!("{} ({}), {going}", s.name, s.code),
            )
        })
        .collect()
}

/// The what-if's form: what moves and between which waves, as `chosen` says.
fn move_form(
    chosen: &Chosen,
    lookup: &Lookup,
    waves: &[Wave],
    invalid: Option<&Invalid>,
) -> FormFields {
    let kind = if chosen.kind == "module" {
        "module"
    } else {
        "site"
    };
    let wave_options =
        |none: &str| options_with(Some(none), waves.iter().map(crate::wave::wave_choice));
    let fields = vec![
        Field::new(
            "kind",
            "What moves",
            FieldKind::Radios(vec![
                ("site".into(), "A site".into()),
                ("module".into(), "A module".into()),
            ]),
            Some(kind),
        ),
        Field::new(
            "site_id",
            "Site",
            FieldKind::Select(options_with(
                Some("— choose a site —"),
                site_choices(lookup, waves).into_iter(),
            )),
            Some(&chosen.site_id),
        ),
        Field::new(
            "module_id",
            "Module",
            FieldKind::Select(lookup.module_options(Some("— choose a module —"))),
            Some(&chosen.module_id),
        ),
        Field::new(
            "from_wave_id",
            "From wave",
            FieldKind::Select(wave_options("— choose a wave —")),
            Some(&chosen.from_wave_id),
        ),
        Field::new(
            "to_wave_id",
            "To wave",
            FieldKind::Select(wave_options("— choose a wave —")),
            Some(&chosen.to_wave_id),
        ),
    ];
    FormFields::new(fields, invalid)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(draft): Params<WaveMoveDraft>,
) -> Result<Response, PageError> {
    what_if_response(&state, &viewer, draft, None).await
}

/// The what-if page for `draft`: its effect, worked out when the form names the wave to
/// move to, or why it cannot be (422). `refusal` is a refused save of the same move, shown
/// with its status beside the effect as it stands now (the plan may have moved on).
async fn what_if_response(
    state: &AppState,
    viewer: &Viewer,
    draft: WaveMoveDraft,
    refusal: Option<(StatusCode, Invalid)>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::Plan)?;
    let chosen = Chosen::of(&draft);
    // Only a submitted form (it names the wave to move to) is worked out; a link that
    // names the wave to leave only fills the form in.
    let asked = !chosen.to_wave_id.is_empty();
    let (mut status, mut errors) = refusal.unwrap_or((StatusCode::OK, Invalid(Vec::new())));
    let mut outcome = None;
    if asked {
        let result = match draft.parse() {
            Ok(spec) => state
                .store
                .preview_wave_move(actor.program_id, today(), &spec.change)
                .await
                .map_err(AppError::from),
            Err(invalid) => Err(AppError::Invalid(invalid)),
        };
        match result {
            Ok(o) => outcome = Some(o),
            Err(err) => {
                let (preview_status, invalid) = refused(err)?;
                if status == StatusCode::OK {
                    status = preview_status;
                }
                // A refused save repeats what the preview finds wrong: each reason once.
                for e in invalid.0 {
                    if !errors.0.contains(&e) {
                        errors.0.push(e);
                    }
                }
            }
        }
    }
    let waves = state.store.all_waves(actor.program_id).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let name_of = |id: i64| {
        waves
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
            .unwrap_or_default()
    };
    let sides = outcome
        .as_ref()
        .map(|o| {
            vec![
                side(
                    &name_of(o.change.from_wave_id),
                    "the wave it leaves",
                    &o.from,
                ),
                side(&name_of(o.change.to_wave_id), "the wave it joins", &o.to),
            ]
        })
        .unwrap_or_default();
    let invalid = (!errors.0.is_empty()).then_some(&errors);
    let page = WhatIfPage {
        layout: viewer.layout(
            "What if a site or module moved?",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Waves".into(), "/plan/waves".into()),
                ("What if".into(), "/plan/waves/what-if".into()),
            ],
        ),
        form: move_form(&chosen, &lookup, &waves, invalid),
        outcome,
        sides,
        may_move: may_move(actor),
    };
    render_with(status, &page, viewer)
}

/// The page's Save button: the move made, back to the waves page with what it did; a
/// refused move is the what-if again (422, or 409 when the plan changed since) with why.
pub async fn form_move(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<WaveMoveDraft>,
) -> Result<Response, PageError> {
    match save(&state, &viewer.actor, Via::Ui, draft.clone()).await {
        Ok(o) => Ok(redirect_with_flash(
            &format!("/plan/waves#wave-{}", o.change.to_wave_id),
            &format!(
                "Moved {} to {}. {}: {}. {}: {}.",
                o.item,
                o.to.go_live.name,
                o.from.go_live.name,
                o.from.go_live.after.words,
                o.to.go_live.name,
                o.to.go_live.after.words
            ),
        )),
        Err(err) => {
            let refusal = refused(err)?;
            what_if_response(&state, &viewer, draft, Some(refusal)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_are_worded_in_working_days() {
        assert_eq!(moved(0), "unchanged");
        assert_eq!(moved(15), "15 working days later");
        assert_eq!(moved(-1), "1 working day earlier");
    }
}
