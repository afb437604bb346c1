//! A resource is a kind of record people list, view, create, edit and delete, in pages and
//! in the API alike. Each capability describes its records once (`impl Resource`), and the
//! generic handlers here give every one the same routes, authorization, audit and errors.

pub(crate) mod api;
mod openapi;
mod pages;

use std::future::Future;

use axum::Router;
use axum::routing::get;
use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::module::Module;
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::Site;
use muster_domain::wave::Wave;
use muster_store::unit::UnitFilter;
use muster_store::{Change, Store, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::form::Field;

pub use api::Paging;
pub use openapi::describe;

/// A table cell, optionally a link.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            href: None,
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            href: Some(href.into()),
        }
    }
}

/// A labelled value on a record's page.
pub struct Fact {
    pub label: &'static str,
    pub value: Cell,
}

/// A titled table on a record's page (a site's units, a wave's sites).
pub struct Section {
    pub title: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub more: Option<(String, String)>,
}

/// Reference data pages need for labels and choosers.
pub struct Lookup {
    pub sites: Vec<Site>,
    pub modules: Vec<Module>,
    pub waves: Vec<Wave>,
}

/// `(value, label)` pairs led by an optional blank choice.
pub fn options_with(
    none_label: Option<&str>,
    rest: impl Iterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = none_label
        .map(|l| (String::new(), l.to_owned()))
        .into_iter()
        .collect();
    options.extend(rest);
    options
}

impl Lookup {
    pub async fn load(store: &Store, program_id: i64) -> StoreResult<Self> {
        Ok(Lookup {
            sites: store.all_sites(program_id).await?,
            modules: store.all_modules(program_id).await?,
            waves: store.all_waves(program_id).await?,
        })
    }

    /// A wave's name linked to its page; `none` as plain text when there is none.
    pub fn wave_cell(&self, id: Option<i64>, none: &str) -> Cell {
        match id.and_then(|id| self.waves.iter().find(|w| w.id == id)) {
            Some(w) => Cell::link(&w.name, format!("/waves/{}", w.id)),
            None => Cell::text(none),
        }
    }

    pub fn wave_options(&self, none_label: Option<&str>) -> Vec<(String, String)> {
        options_with(none_label, self.waves.iter().map(crate::wave::wave_choice))
    }

    /// A site's name linked to its page; `none` as plain text when there is none.
    pub fn site_cell(&self, id: Option<i64>, none: &str) -> Cell {
        match id {
            Some(id) => Cell::link(self.site_name(Some(id)), format!("/sites/{id}")),
            None => Cell::text(none),
        }
    }

    pub fn site_name(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.sites.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    pub fn site_options(&self, none_label: Option<&str>) -> Vec<(String, String)> {
        let sites = self
            .sites
            .iter()
            .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)));
        options_with(none_label, sites)
    }

    /// The list filter "Site", any site when blank.
    pub fn site_filter(&self, value: &Option<String>) -> Field {
        let options = self.site_options(Some("Any site"));
        Field::new(
            "site_id",
            "Site",
            crate::form::FieldKind::Select(options),
            value.as_deref(),
        )
    }

    /// The module's name; `all` when there is none (a record that covers every module).
    pub fn module_name(&self, id: Option<i64>, all: &str) -> String {
        match id {
            Some(id) => self
                .modules
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            None => all.to_owned(),
        }
    }

    /// A module's name linked to its page; `all` as plain text when there is none.
    pub fn module_cell(&self, id: Option<i64>, all: &str) -> Cell {
        match id {
            Some(id) => Cell::link(self.module_name(Some(id), all), format!("/modules/{id}")),
            None => Cell::text(all),
        }
    }

    pub fn module_options(&self, none_label: Option<&str>) -> Vec<(String, String)> {
        let modules = self
            .modules
            .iter()
            .map(|m| (m.id.to_string(), format!("{} ({})", m.name, m.code)));
        options_with(none_label, modules)
    }
}

/// The units of the site a form names, as choices: a national program has thousands of
/// units, so they are offered for the chosen site only.
pub async fn unit_options(
    store: &Store,
    program_id: i64,
    site_id: Option<&str>,
    none_label: &str,
) -> StoreResult<Vec<(String, String)>> {
    let site_id = site_id.and_then(|s| s.trim().parse::<i64>().ok());
    let Some(site_id) = site_id else {
        return Ok(vec![(String::new(), "— choose a site first —".to_owned())]);
    };
    let filter = UnitFilter {
        site_id: Some(site_id),
        search: None,
    };
    let page = store.list_units(program_id, &filter, None, 500).await?;
    let units = page.items.into_iter().map(|u| (u.id.to_string(), u.name));
    Ok(options_with(Some(none_label), units))
}

/// The program's accounts as choices: "Name (email)".
pub async fn account_options(
    store: &Store,
    program_id: i64,
    none_label: &str,
) -> StoreResult<Vec<(String, String)>> {
    let accounts = store.all_accounts(program_id).await?;
    let choices = accounts
        .into_iter()
        .map(|(id, name, email, _)| (id.to_string(), format!("{name} ({email})")));
    Ok(options_with(Some(none_label), choices))
}

/// A titled section listing one account: who leads a team, who records a decision.
pub async fn account_section(
    store: &Store,
    program_id: i64,
    title: &str,
    id: Option<i64>,
) -> StoreResult<Vec<Section>> {
    let Some(id) = id else { return Ok(Vec::new()) };
    let accounts = store.all_accounts(program_id).await?;
    let rows = accounts
        .into_iter()
        .filter(|(account, ..)| *account == id)
        .map(|(_, name, email, role)| {
            vec![
                Cell::text(name),
                Cell::text(email),
                Cell::text(role.label()),
            ]
        })
        .collect();
    Ok(vec![Section {
        title: title.to_owned(),
        columns: vec!["Name", "Email", "Role"],
        rows,
        more: None,
    }])
}

/// `(value, label)` pairs for a closed list of choices.
pub fn choice_options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    none: Option<&str>,
) -> Vec<(String, String)> {
    let choices = all
        .iter()
        .map(|&v| (code(v).to_owned(), label(v).to_owned()));
    options_with(none, choices)
}

pub trait Resource: Send + Sync + 'static {
    /// What the access policy calls these records.
    const SUBJECT: Subject;
    /// The URL segment: `/sites`, `/api/v1/sites`.
    const PATH: &'static str;
    const SINGULAR: &'static str;
    const TITLE: &'static str;
    /// The capability the pages sit under, as the first breadcrumb: (label, href). Records
    /// under "/alignment" get its sub-navigation.
    const SECTION: Option<(&'static str, &'static str)> = None;

    type Item: Serialize + utoipa::ToSchema + Send + Sync + 'static;
    type Draft: DeserializeOwned
        + Default
        + Clone
        + Send
        + Sync
        + utoipa::ToSchema
        + for<'a> From<&'a Self::Item>
        + 'static;
    type Spec: Send + 'static;
    /// List filters from the query string.
    type Query: DeserializeOwned + Serialize + Default + Send + Sync + 'static;

    fn id(item: &Self::Item) -> i64;
    fn label(item: &Self::Item) -> String;
    fn parse(draft: Self::Draft) -> Result<Self::Spec, Invalid>;
    /// A partial update: `patch`'s fields over `base`'s.
    fn overlay(patch: Self::Draft, base: Self::Draft) -> Self::Draft;
    /// Where a record sits, for roles limited to their sites or organization.
    fn place(item: &Self::Item) -> Place<'_>;
    /// Where a record would sit once saved; `existing` is the record being changed, if any.
    fn spec_place<'a>(spec: &'a Self::Spec, existing: Option<&'a Self::Item>) -> Place<'a>;
    /// A form's draft before parsing: fills in what an HTML form leaves out when empty.
    fn from_form(draft: Self::Draft) -> Self::Draft {
        draft
    }

    fn list(
        store: &Store,
        actor: &Actor,
        query: &Self::Query,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> impl Future<Output = StoreResult<Page<Self::Item>>> + Send;
    fn get(
        store: &Store,
        program_id: i64,
        id: i64,
    ) -> impl Future<Output = StoreResult<Self::Item>> + Send;
    fn create(
        store: &Store,
        change: &Change<'_>,
        spec: Self::Spec,
    ) -> impl Future<Output = StoreResult<Self::Item>> + Send;
    fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: Self::Spec,
    ) -> impl Future<Output = StoreResult<Self::Item>> + Send;
    fn delete(
        store: &Store,
        change: &Change<'_>,
        id: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Query parameters the list accepts, for the API description: (name, description).
    fn query_params() -> &'static [(&'static str, &'static str)];
    fn columns() -> &'static [&'static str];
    fn cells(item: &Self::Item, lookup: &Lookup) -> Vec<Cell>;
    fn facts(item: &Self::Item, lookup: &Lookup) -> Vec<Fact>;
    /// The form's fields, filled from `draft`. May read the store for choosers.
    fn fields(
        store: &Store,
        actor: &Actor,
        draft: &Self::Draft,
        lookup: &Lookup,
    ) -> impl Future<Output = StoreResult<Vec<Field>>> + Send;
    /// The list page's filter inputs, filled from `query`.
    fn filters(query: &Self::Query, lookup: &Lookup) -> Vec<Field>;
    /// `filters`, for resources whose filters need the store for their choices.
    fn filter_fields(
        _store: &Store,
        _actor: &Actor,
        query: &Self::Query,
        lookup: &Lookup,
    ) -> impl Future<Output = StoreResult<Vec<Field>>> + Send {
        let fields = Self::filters(query, lookup);
        async { Ok(fields) }
    }
    /// More actions on the list page beside "New ...": (label, href), as the actor may.
    fn actions(_actor: &Actor) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
    /// More of a record's page after its related tables, rendered by the resource's own
    /// template (a chart, a history): HTML that template has escaped.
    fn extra(
        _store: &Store,
        _actor: &Actor,
        _item: &Self::Item,
    ) -> impl Future<Output = Result<Option<String>, crate::error::AppError>> + Send {
        async { Ok(None) }
    }
    /// Tables of related records shown on a record's page.
    fn related(
        _store: &Store,
        _actor: &Actor,
        _item: &Self::Item,
    ) -> impl Future<Output = StoreResult<Vec<Section>>> + Send {
        async { Ok(Vec::new()) }
    }
}

/// Every page and API route of resource `R`.
/// Record `id` of `R`, if the actor may take `action` on it: the one check every generic
/// page and API handler that names a record makes.
pub(crate) async fn reach<R: Resource>(
    store: &Store,
    actor: &Actor,
    action: muster_domain::access::Action,
    id: i64,
) -> Result<R::Item, crate::error::AppError> {
    crate::access::require(actor, action, R::SUBJECT)?;
    let item = R::get(store, actor.program_id, id).await?;
    crate::access::require_at(actor, action, R::SUBJECT, R::place(&item))?;
    Ok(item)
}

/// Changes only the fields `patch` gives of record `id` of `R`: the API's PATCH and the
/// pages' inline edits (a task's progress in the plan table).
pub(crate) async fn patch<R: Resource>(
    store: &Store,
    change: &muster_store::Change<'_>,
    id: i64,
    patch: R::Draft,
) -> Result<R::Item, crate::error::AppError> {
    use muster_domain::access::Action;
    let actor = change.actor;
    let before = reach::<R>(store, actor, Action::Update, id).await?;
    let spec = R::parse(R::overlay(patch, R::Draft::from(&before)))?;
    crate::access::require_at(
        actor,
        Action::Update,
        R::SUBJECT,
        R::spec_place(&spec, Some(&before)),
    )?;
    Ok(R::update(store, change, id, spec).await?)
}

pub fn routes<R: Resource>() -> Router<AppState> {
    let list = format!("/{}", R::PATH);
    let one = format!("/{}/{{id}}", R::PATH);
    let api_list = format!("/api/v1/{}", R::PATH);
    let api_one = format!("/api/v1/{}/{{id}}", R::PATH);
    Router::new()
        .route(&list, get(pages::list::<R>).post(pages::create::<R>))
        .route(&format!("/{}/new", R::PATH), get(pages::new::<R>))
        .route(&one, get(pages::show::<R>).post(pages::update::<R>))
        .route(&format!("/{}/{{id}}/edit", R::PATH), get(pages::edit::<R>))
        .route(
            &format!("/{}/{{id}}/delete", R::PATH),
            get(pages::confirm_delete::<R>).post(pages::delete::<R>),
        )
        .route(&api_list, get(api::list::<R>).post(api::create::<R>))
        .route(
            &api_one,
            get(api::get::<R>)
                .patch(api::update::<R>)
                .delete(api::delete::<R>),
        )
}

/// A filter value from a query string: blank means "any".
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Parses a filter value with `parse`, naming the parameter when it is wrong.
pub fn filter_value<T>(
    name: &str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> StoreResult<Option<T>> {
    given(value)
        .map(|v| parse(v).map_err(|m| muster_store::StoreError::invalid(name, m)))
        .transpose()
}

/// A filter id: blank means "any".
pub fn filter_id(name: &str, value: &Option<String>) -> StoreResult<Option<i64>> {
    filter_value(name, value, |v| {
        v.parse::<i64>().map_err(|_| format!("'{v}' is not an id"))
    })
}
