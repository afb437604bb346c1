//! Waves in pages and the API: name, go-live date, the sites going live, the modules they
//! take live (the wave's scope) and the counted interfaces and approved customizations (its
//! complexity). `/plan/waves` shows each wave against the plan with its scale index.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::wave::{Wave, WaveDraft, WaveSpec};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, Section, filter_id};

/// A wave as a chooser shows it: (id, "Wave 1 (go-live 2027-03-01)").
pub fn wave_choice(w: &Wave) -> (String, String) {
    (
        w.id.to_string(),
        format!("{} (go-live {})", w.name, w.go_live),
    )
}

pub struct Waves;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct WaveQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
}

impl Resource for Waves {
    const SUBJECT: Subject = Subject::Wave;
    const PATH: &'static str = "waves";
    const SINGULAR: &'static str = "wave";
    const TITLE: &'static str = "Waves";
    type Item = Wave;
    type Draft = WaveDraft;
    type Spec = WaveSpec;
    type Query = WaveQuery;

    fn id(item: &Wave) -> i64 {
        item.id
    }
    fn label(item: &Wave) -> String {
        item.name.clone()
    }
    fn parse(draft: WaveDraft) -> Result<WaveSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: WaveDraft, base: WaveDraft) -> WaveDraft {
        patch.over(base)
    }
    fn place(_: &Wave) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a WaveSpec, _: Option<&'a Wave>) -> Place<'a> {
        Place::Program
    }
    /// A form with no site or module ticked sends no `site_ids` or `module_ids` at all:
    /// that means "none".
    fn from_form(mut draft: WaveDraft) -> WaveDraft {
        draft.site_ids.get_or_insert_with(Vec::new);
        draft.module_ids.get_or_insert_with(Vec::new);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &WaveQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Wave>> {
        store
            .list_waves(
                actor.program_id,
                filter_id("site_id", &query.site_id)?,
                cursor,
                limit,
            )
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Wave> {
        store.wave(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: WaveSpec) -> StoreResult<Wave> {
        store.create_wave(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: WaveSpec,
    ) -> StoreResult<Wave> {
        store.update_wave(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_wave(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[("site_id", "only waves that include this site")]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Wave",
            "Go-live",
            "Sites",
            "Modules",
            "Interfaces",
            "Approved customizations",
        ]
    }
    fn cells(w: &Wave, lookup: &Lookup) -> Vec<Cell> {
        let names: Vec<String> = w
            .site_ids
            .iter()
            .map(|&id| lookup.site_name(Some(id)))
            .collect();
        vec![
            Cell::link(&w.name, format!("/waves/{}", w.id)),
            Cell::text(w.go_live.format("%Y-%m-%d").to_string()),
            Cell::text(names.join(", ")),
            Cell::text(w.module_ids.len().to_string()),
            Cell::text(w.interfaces.to_string()),
            Cell::text(w.approved_customizations.to_string()),
        ]
    }
    fn facts(w: &Wave, lookup: &Lookup) -> Vec<Fact> {
        let modules: Vec<String> = w
            .module_ids
            .iter()
            .map(|&id| lookup.module_name(Some(id), ""))
            .collect();
        vec![
            Fact {
                label: "Go-live",
                value: Cell::text(w.go_live.format("%A %-d %B %Y").to_string()),
            },
            Fact {
                label: "Sites",
                value: Cell::text(w.site_ids.len().to_string()),
            },
            Fact {
                label: "Modules going live",
                value: Cell::text(if modules.is_empty() {
                    "none recorded".to_owned()
                } else {
                    modules.join(", ")
                }),
            },
            Fact {
                label: "Interfaces",
                value: Cell::text(w.interfaces.to_string()),
            },
            Fact {
                label: "Approved customizations (counted by hand)",
                value: Cell::text(w.approved_customizations.to_string()),
            },
            Fact {
                label: "Approved customization requests",
                value: Cell::link(
                    w.requested_customizations.to_string(),
                    format!("/change-requests?status=approved&wave_id={}", w.id),
                ),
            },
            Fact {
                label: "Scale and forecast",
                value: Cell::link(
                    "on the plan's waves page",
                    format!("/plan/waves#wave-{}", w.id),
                ),
            },
            Fact {
                label: "Notes",
                value: Cell::text(w.notes.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &WaveDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let ids = |ids: &Option<Vec<i64>>| {
            ids.clone()
                .unwrap_or_default()
                .iter()
                .map(i64::to_string)
                .collect()
        };
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "go_live",
                "Go-live date",
                FieldKind::Date,
                d.go_live.as_deref(),
            )
            .required(),
            Field::new(
                "site_ids",
                "Sites going live",
                FieldKind::Checks(lookup.site_options(None)),
                None,
            )
            .ticked(ids(&d.site_ids)),
            Field::new(
                "module_ids",
                "Modules going live",
                FieldKind::Checks(lookup.module_options(None)),
                None,
            )
            .ticked(ids(&d.module_ids))
            .help("The wave's scope: the modules its sites take live."),
            Field::new(
                "interfaces",
                "Interfaces",
                FieldKind::Number,
                d.interfaces.as_deref(),
            )
            .help("Interfaces going live with this wave, counted by hand for now."),
            Field::new(
                "approved_customizations",
                "Approved customizations",
                FieldKind::Number,
                d.approved_customizations.as_deref(),
            )
            .help("Customizations approved before (or outside) Muster's change requests; approved requests for this wave are counted on their own, and the scale index adds both."),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(q: &WaveQuery, lookup: &Lookup) -> Vec<Field> {
        vec![Field::new(
            "site_id",
            "Site",
            FieldKind::Select(lookup.site_options(Some("Any site"))),
            q.site_id.as_deref(),
        )]
    }
    async fn related(store: &Store, actor: &Actor, wave: &Wave) -> StoreResult<Vec<Section>> {
        let sites = store.all_sites(actor.program_id).await?;
        let rows = sites
            .iter()
            .filter(|s| wave.site_ids.contains(&s.id))
            .map(|s| {
                vec![
                    Cell::link(&s.name, format!("/sites/{}", s.id)),
                    Cell::text(s.kind.label()),
                    Cell::text(s.expected_users.map(|n| n.to_string()).unwrap_or_default()),
                ]
            })
            .collect();
        let modules = store.all_modules(actor.program_id).await?;
        let module_rows = modules
            .iter()
            .filter(|m| wave.module_ids.contains(&m.id))
            .map(|m| {
                vec![
                    Cell::link(&m.name, format!("/modules/{}", m.id)),
                    Cell::text(&m.code),
                ]
            })
            .collect();
        Ok(vec![
            Section {
                title: "Sites going live".into(),
                columns: vec!["Site", "Kind", "Expected EHR users"],
                rows,
                more: None,
            },
            Section {
                title: "Modules going live".into(),
                columns: vec!["Module", "Code"],
                rows: module_rows,
                more: None,
            },
        ])
    }
}
