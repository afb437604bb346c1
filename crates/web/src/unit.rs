//! Units in pages and the API.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::unit::{Unit, UnitDraft, UnitSpec};
use muster_store::unit::UnitFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, Section, filter_id, given};

pub struct Units;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct UnitQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

impl Resource for Units {
    const SUBJECT: Subject = Subject::Unit;
    const PATH: &'static str = "units";
    const SINGULAR: &'static str = "unit";
    const TITLE: &'static str = "Units";
    type Item = Unit;
    type Draft = UnitDraft;
    type Spec = UnitSpec;
    type Query = UnitQuery;

    fn id(item: &Unit) -> i64 {
        item.id
    }
    fn label(item: &Unit) -> String {
        format!("{} — {}", item.name, item.site_name)
    }
    fn parse(draft: UnitDraft) -> Result<UnitSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: UnitDraft, base: UnitDraft) -> UnitDraft {
        patch.over(base)
    }
    fn place(item: &Unit) -> Place<'_> {
        Place::Site(Some(item.site_id))
    }
    fn spec_place<'a>(spec: &'a UnitSpec, _: Option<&'a Unit>) -> Place<'a> {
        Place::Site(Some(spec.site_id))
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &UnitQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Unit>> {
        let filter = UnitFilter {
            site_id: filter_id("site_id", &query.site_id)?,
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_units(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Unit> {
        store.unit(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: UnitSpec) -> StoreResult<Unit> {
        store.create_unit(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: UnitSpec,
    ) -> StoreResult<Unit> {
        store.update_unit(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_unit(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("site_id", "only this site's units"),
            ("q", "name or code containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Unit", "Code", "Site"]
    }
    fn cells(u: &Unit, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&u.name, format!("/units/{}", u.id)),
            Cell::text(u.code.clone().unwrap_or_default()),
            Cell::link(&u.site_name, format!("/sites/{}", u.site_id)),
        ]
    }
    fn facts(u: &Unit, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Site",
                value: Cell::link(&u.site_name, format!("/sites/{}", u.site_id)),
            },
            Fact {
                label: "Code",
                value: Cell::text(u.code.clone().unwrap_or_default()),
            },
            Fact {
                label: "People",
                value: Cell::link("People in this unit", format!("/people?unit_id={}", u.id)),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &UnitDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("— choose a site —"))),
                d.site_id.as_deref(),
            )
            .required(),
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "code",
                "Department code",
                FieldKind::Text,
                d.code.as_deref(),
            )
            .help("The code HR systems use, if any"),
        ])
    }
    async fn related(store: &Store, actor: &Actor, unit: &Unit) -> StoreResult<Vec<Section>> {
        Ok(crate::champion::unit_section(store, actor, unit)
            .await?
            .into_iter()
            .collect())
    }
    fn filters(q: &UnitQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Name or code", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
        ]
    }
}
