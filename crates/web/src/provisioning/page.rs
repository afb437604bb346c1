//! The provisioning page: filters as a GET form, the counts, a page of people with their
//! status and reasons, the next-page link and the export links for the same filters.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use muster_domain::access::{Action, Place, Subject};
use muster_domain::person::JobRole;
use muster_domain::provisioning::{ProvisioningEntry, ProvisioningStatus};

use super::{ProvisioningQuery, list};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render, thousands};
use crate::resource::{Lookup, choice_options, options_with};

#[derive(Template)]
#[template(path = "provisioning.html")]
struct ProvisioningPage {
    layout: Layout,
    filters: Vec<Field>,
    /// (label, figure) at the top.
    counts: Vec<(&'static str, String)>,
    go_live: Option<String>,
    /// For a wave: which curricula the list requires, in words.
    required: Option<String>,
    items: Vec<ProvisioningEntry>,
    filters_query: String,
    first_href: Option<String>,
    next_href: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<ProvisioningQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let (asked, list) = list(&state, actor, &q).await?;
    let mut lookup = Lookup::load(&state.store, actor.program_id).await?;
    lookup
        .sites
        .retain(|s| actor.may_at(Action::Read, Subject::Provisioning, Place::Site(Some(s.id))));
    let waves = state
        .store
        .list_waves(
            actor.program_id,
            None,
            None,
            muster_domain::paging::MAX_LIMIT,
        )
        .await?
        .items;
    let wave_options = options_with(Some("Any wave"), waves.iter().map(crate::wave::wave_choice));
    let filters = vec![
        Field::new(
            "site_id",
            "Site",
            FieldKind::Select(lookup.site_options(Some("Any site"))),
            q.site_id.as_deref(),
        ),
        Field::new(
            "wave_id",
            "Wave",
            FieldKind::Select(wave_options),
            q.wave_id.as_deref(),
        ),
        Field::new(
            "status",
            "Status",
            FieldKind::Select(choice_options(
                ProvisioningStatus::ALL,
                ProvisioningStatus::code,
                ProvisioningStatus::label,
                Some("Any status"),
            )),
            q.status.as_deref(),
        ),
        Field::new(
            "job_role",
            "Job role",
            FieldKind::Select(choice_options(
                JobRole::ALL,
                JobRole::code,
                JobRole::label,
                Some("Any job role"),
            )),
            q.job_role.as_deref(),
        ),
    ];
    let c = list.counts;
    let filters_query = q.filters_query();
    let title = match &asked.wave {
        Some(w) => format!("Provisioning for {}", w.name),
        None => "Provisioning".to_owned(),
    };
    let page = ProvisioningPage {
        layout: viewer.layout(title, vec![("Provisioning".into(), "/provisioning".into())]),
        filters,
        counts: vec![
            ("People", thousands(c.people)),
            ("Ready for access", thousands(c.ready)),
            ("Not ready", thousands(c.not_ready)),
            ("Inactive (to de-provision)", thousands(c.inactive)),
        ],
        required: asked.wave.as_ref().map(|_| asked.requirement.describe()),
        go_live: asked
            .wave
            .map(|w| w.go_live.format("%-d %b %Y").to_string()),
        next_href: list.next_cursor.map(|cursor| {
            let sep = if filters_query.is_empty() { "" } else { "&" };
            format!("/provisioning?{filters_query}{sep}cursor={cursor}")
        }),
        first_href: q
            .cursor
            .is_some()
            .then(|| format!("/provisioning?{filters_query}")),
        items: list.items,
        filters_query,
    };
    render(&page, &viewer)
}
