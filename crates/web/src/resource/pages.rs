//! The generic pages of a resource: list with filters and paging, view, new, edit and a
//! delete confirmation. Plain forms with Post/Redirect/Get; they work without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor};
use muster_store::Change;

use super::api::Paging;
use super::{Cell, Fact, Lookup, Resource, Section, reach};
use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::Viewer;
use crate::error::{AppError, PageError};
use crate::form::{Field, HtmlForm, Params, RecordId, attach_errors, refused};
use crate::page::{FormPage, Layout, redirect_with_flash, render, render_with};

#[derive(Template)]
#[template(path = "resource/list.html")]
struct ListPage {
    layout: Layout,
    path: &'static str,
    singular: &'static str,
    can_create: bool,
    actions: Vec<(&'static str, &'static str)>,
    filters: Vec<Field>,
    columns: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
    total: String,
    shown: usize,
    partial: bool,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(Template)]
#[template(path = "resource/show.html")]
struct ShowPage {
    layout: Layout,
    extra: Option<String>,
    facts: Vec<Fact>,
    edit_href: Option<String>,
    delete_href: Option<String>,
    sections: Vec<Section>,
}

#[derive(Template)]
#[template(path = "resource/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    label: String,
    action: String,
    cancel_href: String,
    refusal: Option<String>,
}

fn crumbs<R: Resource>() -> Vec<(String, String)> {
    let section = R::SECTION.map(|(label, href)| (label.to_owned(), href.to_owned()));
    section
        .into_iter()
        .chain([(R::TITLE.to_owned(), format!("/{}", R::PATH))])
        .collect()
}

fn record_crumbs<R: Resource>(item: &R::Item) -> Vec<(String, String)> {
    let mut c = crumbs::<R>();
    c.push((R::label(item), format!("/{}/{}", R::PATH, R::id(item))));
    c
}

pub async fn list<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(paging): Params<Paging>,
    Params(query): Params<R::Query>,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, R::SUBJECT)?;
    let (cursor, limit) = paging.parse()?;
    let page = R::list(&state.store, &viewer.actor, &query, cursor.as_ref(), limit).await?;
    let lookup = Lookup::load(&state.store, viewer.actor.program_id).await?;
    let filter_query = serde_html_form::to_string(&query).unwrap_or_default();
    let href = |cursor: Option<&str>| {
        let mut parts: Vec<String> = Vec::new();
        if !filter_query.is_empty() {
            parts.push(filter_query.clone());
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={c}"));
        }
        format!("/{}?{}", R::PATH, parts.join("&"))
    };
    let list_page = ListPage {
        layout: viewer.layout(R::TITLE, crumbs::<R>()),
        path: R::PATH,
        singular: R::SINGULAR,
        can_create: viewer.actor.may(Action::Create, R::SUBJECT),
        actions: R::actions(&viewer.actor),
        filters: R::filter_fields(&state.store, &viewer.actor, &query, &lookup).await?,
        columns: R::columns(),
        shown: page.items.len(),
        partial: (page.items.len() as u64) < page.total,
        rows: page
            .items
            .iter()
            .map(|item| R::cells(item, &lookup))
            .collect(),
        total: crate::page::thousands(page.total),
        next_href: page.next_cursor.as_deref().map(|c| href(Some(c))),
        first_href: cursor.is_some().then(|| href(None)),
    };
    render(&list_page, &viewer)
}

pub async fn show<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let item = reach::<R>(&state.store, actor, Action::Read, id).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let base = format!("/{}/{}", R::PATH, id);
    let page = ShowPage {
        layout: viewer.layout(R::label(&item), record_crumbs::<R>(&item)),
        extra: R::extra(&state.store, actor, &item).await?,
        facts: R::facts(&item, &lookup),
        edit_href: actor
            .may_at(Action::Update, R::SUBJECT, R::place(&item))
            .then(|| format!("{base}/edit")),
        delete_href: actor
            .may_at(Action::Delete, R::SUBJECT, R::place(&item))
            .then(|| format!("{base}/delete")),
        sections: R::related(&state.store, actor, &item).await?,
    };
    render(&page, &viewer)
}

async fn form_page<R: Resource>(
    state: &AppState,
    viewer: &Viewer,
    draft: &R::Draft,
    existing: Option<&R::Item>,
    invalid: Option<&Invalid>,
) -> Result<FormPage, AppError> {
    let actor: &Actor = &viewer.actor;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let mut fields = R::fields(&state.store, actor, draft, &lookup).await?;
    let problems = attach_errors(&mut fields, invalid);
    let field_errors = fields.iter().any(|f| f.error.is_some());
    Ok(match existing {
        Some(item) => {
            let mut c = record_crumbs::<R>(item);
            c.push(("Edit".into(), format!("/{}/{}/edit", R::PATH, R::id(item))));
            FormPage {
                layout: viewer.layout(format!("Edit {}", R::label(item)), c),
                action: format!("/{}/{}", R::PATH, R::id(item)),
                submit: "Save changes",
                cancel_href: format!("/{}/{}", R::PATH, R::id(item)),
                fields,
                problems,
                field_errors,
            }
        }
        None => {
            let mut c = crumbs::<R>();
            c.push((format!("New {}", R::SINGULAR), format!("/{}/new", R::PATH)));
            FormPage {
                layout: viewer.layout(format!("New {}", R::SINGULAR), c),
                action: format!("/{}", R::PATH),
                submit: "Create",
                cancel_href: format!("/{}", R::PATH),
                fields,
                problems,
                field_errors,
            }
        }
    })
}

/// The form for a new record, its fields filled from the query string when a link from
/// elsewhere starts it ("Record a lesson" on a ticket: `/lessons/new?source=ticket&...`).
pub async fn new<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(start): Params<R::Draft>,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, R::SUBJECT)?;
    let page = form_page::<R>(&state, &viewer, &start, None, None).await?;
    render(&page, &viewer)
}

pub async fn create<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<R::Draft>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Create, R::SUBJECT)?;
    let draft = R::from_form(draft);
    let shown = draft.clone();
    let outcome = async {
        let spec = R::parse(draft)?;
        require_at(
            actor,
            Action::Create,
            R::SUBJECT,
            R::spec_place(&spec, None),
        )?;
        Ok::<_, AppError>(R::create(&state.store, &Change::new(actor, viewer.via()), spec).await?)
    }
    .await;
    match outcome {
        Ok(item) => Ok(redirect_with_flash(
            &format!("/{}/{}", R::PATH, R::id(&item)),
            &format!("Created {} {}.", R::SINGULAR, R::label(&item)),
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let page = form_page::<R>(&state, &viewer, &shown, None, Some(&invalid)).await?;
            render_with(status, &page, &viewer)
        }
    }
}

pub async fn edit<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let item = reach::<R>(&state.store, actor, Action::Update, id).await?;
    let page = form_page::<R>(&state, &viewer, &R::Draft::from(&item), Some(&item), None).await?;
    render(&page, &viewer)
}

pub async fn update<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(draft): HtmlForm<R::Draft>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let item = reach::<R>(&state.store, actor, Action::Update, id).await?;
    let draft = R::from_form(draft);
    let shown = draft.clone();
    let outcome = async {
        let spec = R::parse(draft)?;
        require_at(
            actor,
            Action::Update,
            R::SUBJECT,
            R::spec_place(&spec, Some(&item)),
        )?;
        Ok::<_, AppError>(
            R::update(&state.store, &Change::new(actor, viewer.via()), id, spec).await?,
        )
    }
    .await;
    match outcome {
        Ok(saved) => Ok(redirect_with_flash(
            &format!("/{}/{}", R::PATH, id),
            &format!("Saved {} {}.", R::SINGULAR, R::label(&saved)),
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let page = form_page::<R>(&state, &viewer, &shown, Some(&item), Some(&invalid)).await?;
            render_with(status, &page, &viewer)
        }
    }
}

async fn confirm_page<R: Resource>(
    viewer: &Viewer,
    item: &R::Item,
    refusal: Option<String>,
) -> ConfirmPage {
    let mut c = record_crumbs::<R>(item);
    c.push((
        "Delete".into(),
        format!("/{}/{}/delete", R::PATH, R::id(item)),
    ));
    ConfirmPage {
        layout: viewer.layout(format!("Delete {}", R::label(item)), c),
        label: format!("{} {}", R::SINGULAR, R::label(item)),
        action: format!("/{}/{}/delete", R::PATH, R::id(item)),
        cancel_href: format!("/{}/{}", R::PATH, R::id(item)),
        refusal,
    }
}

pub async fn confirm_delete<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let item = reach::<R>(&state.store, actor, Action::Delete, id).await?;
    render(&confirm_page::<R>(&viewer, &item, None).await, &viewer)
}

pub async fn delete<R: Resource>(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let item = reach::<R>(&state.store, actor, Action::Delete, id).await?;
    match R::delete(&state.store, &Change::new(actor, viewer.via()), id).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/{}", R::PATH),
            &format!("Deleted {} {}.", R::SINGULAR, R::label(&item)),
        )),
        Err(muster_store::StoreError::InUse(message)) => render_with(
            StatusCode::CONFLICT,
            &confirm_page::<R>(&viewer, &item, Some(message)).await,
            &viewer,
        ),
        Err(other) => Err(other.into()),
    }
}
