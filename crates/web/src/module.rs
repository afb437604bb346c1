//! EHR modules in pages and the API.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::module::{Module, ModuleDraft, ModuleSpec};
use muster_domain::paging::{Cursor, Page};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, given};

pub struct Modules;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ModuleQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

impl Resource for Modules {
    const SUBJECT: Subject = Subject::Module;
    const PATH: &'static str = "modules";
    const SINGULAR: &'static str = "module";
    const TITLE: &'static str = "Modules";
    type Item = Module;
    type Draft = ModuleDraft;
    type Spec = ModuleSpec;
    type Query = ModuleQuery;

    fn id(item: &Module) -> i64 {
        item.id
    }
    fn label(item: &Module) -> String {
        item.name.clone()
    }
    fn parse(draft: ModuleDraft) -> Result<ModuleSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: ModuleDraft, base: ModuleDraft) -> ModuleDraft {
        patch.over(base)
    }
    fn place(_: &Module) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a ModuleSpec, _: Option<&'a Module>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &ModuleQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Module>> {
        store
            .list_modules(actor.program_id, given(&query.q), cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Module> {
        store.module(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: ModuleSpec) -> StoreResult<Module> {
        store.create_module(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: ModuleSpec,
    ) -> StoreResult<Module> {
        store.update_module(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_module(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[("q", "name or code containing this text")]
    }
    fn columns() -> &'static [&'static str] {
        &["Module", "Code", "Description"]
    }
    fn cells(m: &Module, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&m.name, format!("/modules/{}", m.id)),
            Cell::text(&m.code),
            Cell::text(m.description.clone().unwrap_or_default()),
        ]
    }
    fn facts(m: &Module, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Code",
                value: Cell::text(&m.code),
            },
            Fact {
                label: "Description",
                value: Cell::text(m.description.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(_: &Store, _: &Actor, d: &ModuleDraft, _: &Lookup) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new("code", "Code", FieldKind::Text, d.code.as_deref())
                .required()
                .help("Short and unique, e.g. AMB, IP, ED, RX"),
            Field::new(
                "description",
                "Description",
                FieldKind::TextArea,
                d.description.as_deref(),
            ),
        ])
    }
    fn filters(q: &ModuleQuery, _: &Lookup) -> Vec<Field> {
        vec![Field::new(
            "q",
            "Name or code",
            FieldKind::Text,
            q.q.as_deref(),
        )]
    }
}
