//! Champions as a resource: list, page, form and API. Site leads designate their own
//! sites' champions; the site is named with the unit for that reason.

use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::champion::{Champion, ChampionDraft, ChampionSpec};
use muster_domain::paging::{Cursor, Page};
use muster_domain::rounding::Shift;
use muster_store::champion::ChampionFilter;
use muster_store::{Change, Store, StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::placement::{placement_facts, placement_fields};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, given,
};

pub struct Champions;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ChampionQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    /// `incomplete`: only champions with advanced training still to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advanced_training: Option<String>,
}

fn since(c: &Champion) -> String {
    c.since.format("%Y-%m-%d").to_string()
}

/// "Complete", "1 of 3 to do" or "None required".
pub fn advanced_status(c: &Champion) -> String {
    let to_do = c
        .advanced_training
        .iter()
        .filter(|a| a.completed_on.is_none())
        .count();
    match (c.advanced_training.len(), to_do) {
        (0, _) => "None required".into(),
        (_, 0) => "Complete".into(),
        (all, n) => format!("{n} of {all} to do"),
    }
}

fn modules(c: &Champion, lookup: &Lookup) -> String {
    c.module_ids
        .iter()
        .map(|&m| lookup.module_name(Some(m), ""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn status(c: &Champion) -> &'static str {
    if c.person_active {
        "Active"
    } else {
        "Inactive (has left; not counted)"
    }
}

impl Resource for Champions {
    const SUBJECT: Subject = Subject::Champion;
    const PATH: &'static str = "champions";
    const SINGULAR: &'static str = "champion";
    const TITLE: &'static str = "Champions";
    type Item = Champion;
    type Draft = ChampionDraft;
    type Spec = ChampionSpec;
    type Query = ChampionQuery;

    fn id(item: &Champion) -> i64 {
        item.id
    }
    fn label(item: &Champion) -> String {
        format!(
            "{}, {} {}",
            item.placed.person_name,
            item.placed.unit_name,
            item.placed.shift.code()
        )
    }
    /// Champions sit at their unit's site: site leads manage their own sites' champions.
    fn place(item: &Champion) -> Place<'_> {
        Place::Site(Some(item.placed.site_id))
    }
    fn spec_place<'a>(spec: &'a ChampionSpec, _: Option<&'a Champion>) -> Place<'a> {
        Place::Site(Some(spec.placement.site_id))
    }
    fn parse(draft: ChampionDraft) -> Result<ChampionSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: ChampionDraft, base: ChampionDraft) -> ChampionDraft {
        patch.over(base)
    }
    /// A form with no module ticked sends no `module_ids`: that is "none", refused.
    fn from_form(mut draft: ChampionDraft) -> ChampionDraft {
        draft.module_ids.get_or_insert_with(Vec::new);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &ChampionQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Champion>> {
        let advanced_incomplete = match given(&q.advanced_training) {
            None => false,
            Some("incomplete") => true,
            Some(other) => {
                return Err(StoreError::invalid(
                    "advanced_training",
                    format!("'{other}' is not a choice; use incomplete or leave it blank"),
                ));
            }
        };
        let filter = ChampionFilter {
            site_id: filter_id("site_id", &q.site_id)?,
            unit_id: filter_id("unit_id", &q.unit_id)?,
            shift: filter_value("shift", &q.shift, Shift::parse)?,
            module_id: filter_id("module_id", &q.module_id)?,
            advanced_incomplete,
        };
        let scope = actor.read_scope(Subject::Champion);
        store
            .list_champions(actor.program_id, &scope, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Champion> {
        store.champion(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: ChampionSpec,
    ) -> StoreResult<Champion> {
        store.create_champion(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: ChampionSpec,
    ) -> StoreResult<Champion> {
        store.update_champion(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_champion(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("site_id", "only units of this site"),
            ("unit_id", "only this unit"),
            ("shift", "day, evening or night"),
            ("module_id", "only champions of this module"),
            (
                "advanced_training",
                "incomplete: only champions with advanced training still to do",
            ),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Champion",
            "Site",
            "Unit",
            "Shift",
            "Modules",
            "Since",
            "Advanced training",
            "Status",
        ]
    }
    fn cells(c: &Champion, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&c.placed.person_name, format!("/champions/{}", c.id)),
            Cell::text(lookup.site_name(Some(c.placed.site_id))),
            Cell::link(&c.placed.unit_name, format!("/units/{}", c.placed.unit_id)),
            Cell::text(c.placed.shift.label()),
            Cell::text(modules(c, lookup)),
            Cell::text(since(c)),
            Cell::text(advanced_status(c)),
            Cell::text(status(c)),
        ]
    }
    fn facts(c: &Champion, lookup: &Lookup) -> Vec<Fact> {
        let mut facts = placement_facts(&c.placed, lookup);
        let fact = |label, text: String| Fact {
            label,
            value: Cell::text(text),
        };
        facts.extend([
            fact("Shift", c.placed.shift.label().into()),
            fact("Modules", modules(c, lookup)),
            fact("Champion since", c.since.format("%A %-d %B %Y").to_string()),
            fact("Advanced training", advanced_status(c)),
            fact("Status", status(c).into()),
            fact("Notes", c.notes.clone().unwrap_or_default()),
        ]);
        facts
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &ChampionDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let placed = [&d.person_id, &d.site_id, &d.unit_id, &d.shift];
        let mut fields = placement_fields(store, actor, Self::SUBJECT, placed, lookup).await?;
        let ticked = d
            .module_ids
            .iter()
            .flatten()
            .map(|m| m.to_string())
            .collect();
        fields.extend([
            Field::new(
                "module_ids",
                "Modules",
                FieldKind::Checks(lookup.module_options(None)),
                None,
            )
            .help("One or more")
            .ticked(ticked),
            Field::new(
                "since",
                "Champion since",
                FieldKind::Date,
                d.since.as_deref(),
            )
            .required()
            .help("Counted towards coverage from this day"),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ]);
        Ok(fields)
    }
    fn filters(q: &ChampionQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            lookup.site_filter(&q.site_id),
            Field::new(
                "shift",
                "Shift",
                FieldKind::Select(choice_options(
                    Shift::ALL,
                    Shift::code,
                    Shift::label,
                    Some("Any shift"),
                )),
                q.shift.as_deref(),
            ),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                q.module_id.as_deref(),
            ),
            Field::new(
                "advanced_training",
                "Advanced training",
                FieldKind::Select(vec![
                    (String::new(), "Any".into()),
                    ("incomplete".into(), "Not yet complete".into()),
                ]),
                q.advanced_training.as_deref(),
            ),
        ]
    }
    fn actions(actor: &Actor) -> Vec<(&'static str, &'static str)> {
        let mut actions = vec![("Coverage map", "/champions/coverage")];
        if actor.may_at(Action::Update, Subject::Champion, Place::Program) {
            actions.push(("Coverage target", "/champions/target"));
        }
        actions
    }
    async fn related(_: &Store, _: &Actor, c: &Champion) -> StoreResult<Vec<Section>> {
        let rows = c
            .advanced_training
            .iter()
            .map(|a| {
                vec![
                    Cell::link(
                        format!("{} {}", a.code, a.title),
                        format!("/courses/{}", a.course_id),
                    ),
                    Cell::text(match a.completed_on {
                        Some(on) => format!("Completed {}", on.format("%Y-%m-%d")),
                        None => "Not completed".into(),
                    }),
                ]
            })
            .collect();
        Ok(vec![Section {
            title: "Advanced training for their modules".into(),
            columns: vec!["Course", "Status"],
            rows,
            more: None,
        }])
    }
}
