//! The program overview: the first page after sign-in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use muster_domain::access::{Action, Subject};
use muster_domain::wave::Wave;
use muster_store::program::ProgramCounts;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::page::{Layout, render, script, stylesheet, thousands};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
}

pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub href: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Overview {
    layout: Layout,
    tiles: Vec<Tile>,
    waves: Vec<Wave>,
    today: chrono::NaiveDate,
}

async fn overview(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let program = state.store.program(actor.program_id).await?;
    let ProgramCounts {
        sites,
        units,
        waves,
        modules,
        people,
        accounts,
    } = state.store.program_counts(actor.program_id).await?;
    let may = |s| actor.may(Action::Read, s);
    let mut tiles = vec![
        Tile {
            label: "Sites",
            value: thousands(sites),
            href: may(Subject::Site).then_some("/sites"),
        },
        Tile {
            label: "Units",
            value: thousands(units),
            href: may(Subject::Unit).then_some("/units"),
        },
        Tile {
            label: "Waves",
            value: thousands(waves),
            href: may(Subject::Wave).then_some("/waves"),
        },
        Tile {
            label: "EHR modules",
            value: thousands(modules),
            href: may(Subject::Module).then_some("/modules"),
        },
        Tile {
            label: "People",
            value: thousands(people),
            href: may(Subject::Person).then_some("/people"),
        },
    ];
    if may(Subject::Account) {
        tiles.push(Tile {
            label: "Accounts",
            value: thousands(accounts),
            href: None,
        });
    }
    let mut wave_list = state
        .store
        .list_waves(actor.program_id, None, None, 100)
        .await?
        .items;
    wave_list.sort_by_key(|w| w.go_live);
    let page = Overview {
        layout: viewer.layout(program.name, vec![]),
        tiles,
        waves: wave_list,
        today: chrono::Utc::now().date_naive(),
    };
    render(&page, &viewer)
}
