//! Sites in pages and the API.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::site::{Site, SiteDraft, SiteKind, SiteSpec};
use muster_domain::unit::Unit;
use muster_store::site::SiteFilter;
use muster_store::unit::UnitFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, Section, choice_options, filter_value, given};

pub struct Sites;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SiteQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

fn count(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl Resource for Sites {
    const SUBJECT: Subject = Subject::Site;
    const PATH: &'static str = "sites";
    const SINGULAR: &'static str = "site";
    const TITLE: &'static str = "Sites";
    type Item = Site;
    type Draft = SiteDraft;
    type Spec = SiteSpec;
    type Query = SiteQuery;

    fn id(item: &Site) -> i64 {
        item.id
    }
    fn label(item: &Site) -> String {
        item.name.clone()
    }
    fn parse(draft: SiteDraft) -> Result<SiteSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: SiteDraft, base: SiteDraft) -> SiteDraft {
        patch.over(base)
    }
    fn place(item: &Site) -> Place<'_> {
        Place::Site(Some(item.id))
    }
    /// A new site is a program-wide decision; an existing one stays where it is.
    fn spec_place<'a>(_: &'a SiteSpec, existing: Option<&'a Site>) -> Place<'a> {
        existing.map_or(Place::Program, |s| Place::Site(Some(s.id)))
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &SiteQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Site>> {
        let filter = SiteFilter {
            kind: filter_value("kind", &query.kind, SiteKind::parse)?,
            region: given(&query.region).map(str::to_owned),
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_sites(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Site> {
        store.site(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: SiteSpec) -> StoreResult<Site> {
        store.create_site(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: SiteSpec,
    ) -> StoreResult<Site> {
        store.update_site(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_site(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("kind", "hospital, clinic or ambulatory_center"),
            ("region", "exact region"),
            ("q", "name or code containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Name",
            "Code",
            "Kind",
            "Region",
            "Beds",
            "Expected EHR users",
        ]
    }
    fn cells(s: &Site, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&s.name, format!("/sites/{}", s.id)),
            Cell::text(&s.code),
            Cell::text(s.kind.label()),
            Cell::text(s.region.clone().unwrap_or_default()),
            Cell::text(count(s.beds)),
            Cell::text(count(s.expected_users)),
        ]
    }
    fn facts(s: &Site, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Code",
                value: Cell::text(&s.code),
            },
            Fact {
                label: "Kind",
                value: Cell::text(s.kind.label()),
            },
            Fact {
                label: "Region",
                value: Cell::text(s.region.clone().unwrap_or_default()),
            },
            Fact {
                label: "Beds",
                value: Cell::text(count(s.beds)),
            },
            Fact {
                label: "Expected EHR users",
                value: Cell::text(count(s.expected_users)),
            },
        ]
    }
    async fn fields(_: &Store, _: &Actor, d: &SiteDraft, _: &Lookup) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new("code", "Code", FieldKind::Text, d.code.as_deref())
                .required()
                .help("Short and unique, e.g. RBM; letters, digits, - and _"),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    SiteKind::ALL,
                    SiteKind::code,
                    SiteKind::label,
                    None,
                )),
                d.kind.as_deref(),
            )
            .required(),
            Field::new("region", "Region", FieldKind::Text, d.region.as_deref()),
            Field::new("beds", "Beds", FieldKind::Number, d.beds.as_deref()),
            Field::new(
                "expected_users",
                "Expected EHR users",
                FieldKind::Number,
                d.expected_users.as_deref(),
            ),
        ])
    }
    fn filters(q: &SiteQuery, _: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Name or code", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    SiteKind::ALL,
                    SiteKind::code,
                    SiteKind::label,
                    Some("Any kind"),
                )),
                q.kind.as_deref(),
            ),
            Field::new("region", "Region", FieldKind::Text, q.region.as_deref()),
        ]
    }
    async fn related(store: &Store, actor: &Actor, site: &Site) -> StoreResult<Vec<Section>> {
        let filter = UnitFilter {
            site_id: Some(site.id),
            search: None,
        };
        let units = store
            .list_units(actor.program_id, &filter, None, 100)
            .await?;
        let more = (units.total > units.items.len() as u64).then(|| {
            (
                format!("All {} units", units.total),
                format!("/units?site_id={}", site.id),
            )
        });
        let rows = units
            .items
            .iter()
            .map(|u: &Unit| {
                vec![
                    Cell::link(&u.name, format!("/units/{}", u.id)),
                    Cell::text(u.code.clone().unwrap_or_default()),
                ]
            })
            .collect();
        let mut sections = vec![Section {
            title: format!("Units ({})", units.total),
            columns: vec!["Unit", "Code"],
            rows,
            more,
        }];
        if actor.may(muster_domain::access::Action::Read, Subject::Person) {
            sections.push(Section {
                title: "People".into(),
                columns: vec![],
                rows: vec![],
                more: Some((
                    "People at this site".into(),
                    format!("/people?site_id={}", site.id),
                )),
            });
        }
        Ok(sections)
    }
}
