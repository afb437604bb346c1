//! Rounding assignments in pages and the API: who walks which unit on which shift. Site
//! leads plan their own sites' rounding; the site is named with the unit for that reason.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::rounding::{Duty, Rounding, RoundingDraft, RoundingSpec};
use muster_domain::text::date;
use muster_store::rounding::RoundingFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::placement::{placement_facts, placement_fields};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value};

pub struct Roundings;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RoundingQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
}

fn day(r: &Rounding) -> String {
    r.shift_date.format("%Y-%m-%d").to_string()
}

impl Resource for Roundings {
    const SUBJECT: Subject = Subject::Rounding;
    const PATH: &'static str = "rounding";
    const SINGULAR: &'static str = "rounding assignment";
    const TITLE: &'static str = "Rounding";
    type Item = Rounding;
    type Draft = RoundingDraft;
    type Spec = RoundingSpec;
    type Query = RoundingQuery;

    fn id(item: &Rounding) -> i64 {
        item.id
    }
    fn label(item: &Rounding) -> String {
        format!(
            "{}, {} {}",
            item.placed.person_name,
            day(item),
            item.placed.shift.code()
        )
    }
    fn parse(draft: RoundingDraft) -> Result<RoundingSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: RoundingDraft, base: RoundingDraft) -> RoundingDraft {
        patch.over(base)
    }
    fn place(item: &Rounding) -> Place<'_> {
        Place::Site(Some(item.placed.site_id))
    }
    fn spec_place<'a>(spec: &'a RoundingSpec, _: Option<&'a Rounding>) -> Place<'a> {
        Place::Site(Some(spec.placement.site_id))
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &RoundingQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Rounding>> {
        let filter = RoundingFilter {
            shift_date: filter_value("shift_date", &q.shift_date, date)?,
            site_id: filter_id("site_id", &q.site_id)?,
            unit_id: filter_id("unit_id", &q.unit_id)?,
            duty: filter_value("duty", &q.duty, Duty::parse)?,
        };
        store
            .list_roundings(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Rounding> {
        store.rounding(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: RoundingSpec,
    ) -> StoreResult<Rounding> {
        store.create_rounding(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: RoundingSpec,
    ) -> StoreResult<Rounding> {
        store.update_rounding(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_rounding(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("shift_date", "only this day (YYYY-MM-DD)"),
            ("site_id", "only units of this site"),
            ("unit_id", "only this unit"),
            ("duty", "support, champion or vendor"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Date", "Shift", "Person", "Unit", "Site", "Duty"]
    }
    fn cells(r: &Rounding, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(day(r), format!("/rounding/{}", r.id)),
            Cell::text(r.placed.shift.label()),
            Cell::link(
                &r.placed.person_name,
                format!("/people/{}", r.placed.person_id),
            ),
            Cell::link(&r.placed.unit_name, format!("/units/{}", r.placed.unit_id)),
            Cell::text(lookup.site_name(Some(r.placed.site_id))),
            Cell::text(r.duty.label()),
        ]
    }
    fn facts(r: &Rounding, lookup: &Lookup) -> Vec<Fact> {
        let mut facts = placement_facts(&r.placed, lookup);
        facts.extend([
            Fact {
                label: "Date",
                value: Cell::text(r.shift_date.format("%A %-d %B %Y").to_string()),
            },
            Fact {
                label: "Shift",
                value: Cell::text(r.placed.shift.label()),
            },
            Fact {
                label: "Duty",
                value: Cell::text(r.duty.label()),
            },
            Fact {
                label: "Notes",
                value: Cell::text(r.notes.clone().unwrap_or_default()),
            },
        ]);
        facts
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &RoundingDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let placed = [&d.person_id, &d.site_id, &d.unit_id, &d.shift];
        let mut fields = placement_fields(store, actor, Self::SUBJECT, placed, lookup).await?;
        fields.extend([
            Field::new(
                "shift_date",
                "Date",
                FieldKind::Date,
                d.shift_date.as_deref(),
            )
            .required(),
            Field::new(
                "duty",
                "Duty",
                FieldKind::Select(choice_options(Duty::ALL, Duty::code, Duty::label, None)),
                d.duty.as_deref(),
            )
            .required(),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ]);
        Ok(fields)
    }
    fn filters(q: &RoundingQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "shift_date",
                "Date",
                FieldKind::Date,
                q.shift_date.as_deref(),
            ),
            lookup.site_filter(&q.site_id),
            Field::new(
                "duty",
                "Duty",
                FieldKind::Select(choice_options(
                    Duty::ALL,
                    Duty::code,
                    Duty::label,
                    Some("Any duty"),
                )),
                q.duty.as_deref(),
            ),
        ]
    }
}
