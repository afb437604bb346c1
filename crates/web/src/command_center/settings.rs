//! The command center's settings: lead, priority matrix, alarm and escalation thresholds.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Subject};
use muster_domain::audit::Via;
use muster_domain::command_center::{Settings, SettingsDraft, cell_name};
use muster_domain::ticket::{Impact, Priority, Urgency};
use muster_store::Change;

use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, attach_errors};
use crate::page::{Layout, redirect_with_flash, render_with};
use crate::resource::api::ApiJson;
use crate::resource::choice_options;

pub struct Cell {
    pub name: String,
    pub label: String,
    pub value: Priority,
}

#[derive(Template)]
#[template(path = "command_center/settings.html")]
struct SettingsPage {
    layout: Layout,
    fields: Vec<Field>,
    matrix: Vec<(&'static str, Vec<Cell>)>,
    urgencies: Vec<&'static str>,
    priorities: Vec<(String, String)>,
    problems: Vec<String>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    settings: &Settings,
    invalid: Option<&Invalid>,
) -> Result<Response, PageError> {
    let mut leads = vec![(String::new(), "— none —".to_owned())];
    leads.extend(
        state
            .store
            .accounts(viewer.actor.program_id)
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| (a.id.to_string(), format!("{} ({})", a.name, a.role.label()))),
    );
    let n = |v: i64| Some(v.to_string());
    let mut fields = vec![
        Field::new(
            "lead_account_id",
            "Command center lead",
            FieldKind::Select(leads),
            settings.lead_account_id.map(|a| a.to_string()).as_deref(),
        )
        .help("Receives every level-2 escalation"),
        Field::new(
            "triage_alarm_minutes",
            "Triage alarm after (minutes)",
            FieldKind::Number,
            n(settings.triage_alarm_minutes).as_deref(),
        )
        .required(),
        Field::new(
            "unassigned_minutes",
            "Escalate unassigned tickets after (minutes)",
            FieldKind::Number,
            n(settings.unassigned_minutes).as_deref(),
        )
        .required(),
        Field::new(
            "breach_warning_percent",
            "Escalate when less than this % of the resolution time is left",
            FieldKind::Number,
            n(settings.breach_warning_percent).as_deref(),
        )
        .required(),
        Field::new(
            "reopen_window_hours",
            "Requesters may reopen within (hours)",
            FieldKind::Number,
            n(settings.reopen_window_hours).as_deref(),
        )
        .required(),
    ];
    let problems = attach_errors(&mut fields, invalid);
    let matrix = Impact::ALL
        .iter()
        .map(|&i| {
            let cells = Urgency::ALL
                .iter()
                .map(|&u| Cell {
                    name: cell_name(i, u),
                    label: format!("Priority for {} impact, {} urgency", i.code(), u.code()),
                    value: settings.priority_matrix.priority(i, u, false),
                })
                .collect();
            (i.code(), cells)
        })
        .collect();
    let page = SettingsPage {
        layout: viewer.layout(
            "Command center settings",
            vec![("Command center".into(), "/command-center".into())],
        ),
        fields,
        matrix,
        urgencies: Urgency::ALL.iter().map(|u| u.code()).collect(),
        priorities: choice_options(Priority::ALL, Priority::code, Priority::label, None),
        problems,
    };
    let status = if invalid.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    render_with(status, &page, viewer)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Update, Subject::CommandCenter)?;
    let settings = state
        .store
        .command_center_settings(viewer.actor.program_id)
        .await?;
    show(&state, &viewer, &settings, None).await
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<SettingsDraft>,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Update, Subject::CommandCenter)?;
    let current = state
        .store
        .command_center_settings(viewer.actor.program_id)
        .await?;
    match draft.parse(&current) {
        Ok(settings) => {
            state
                .store
                .save_command_center_settings(&Change::new(&viewer.actor, Via::Ui), settings)
                .await?;
            Ok(redirect_with_flash(
                "/command-center/settings",
                "Settings saved",
            ))
        }
        Err(invalid) => show(&state, &viewer, &current, Some(&invalid)).await,
    }
}

pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Settings>, ApiError> {
    require(&caller.actor, Action::Read, Subject::CommandCenter)?;
    Ok(Json(
        state
            .store
            .command_center_settings(caller.actor.program_id)
            .await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<SettingsDraft>,
) -> Result<Json<Settings>, ApiError> {
    require(&caller.actor, Action::Update, Subject::CommandCenter)?;
    let current = state
        .store
        .command_center_settings(caller.actor.program_id)
        .await?;
    let settings = draft.parse(&current)?;
    Ok(Json(
        state
            .store
            .save_command_center_settings(&Change::new(&caller.actor, Via::Api), settings)
            .await?,
    ))
}
