//! Goals as a resource: `/goals` and `/api/v1/goals`. A goal's page shows where it stands
//! (program-wide and at each site), each wave's before and after, its newest measurements
//! and a marked place for the stakeholder groups it concerns.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::goal::benefits::month_label;
use muster_domain::goal::{Direction, Goal, GoalDraft, GoalSpec, KpiUnit};
use muster_domain::paging::{Cursor, Page};
use muster_store::goal::GoalFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::plan::tasks::today;
use crate::resource::{Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, given};

pub struct Goals;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct GoalQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// "Program-wide" or the goal's site names.
pub fn sites_text(goal: &Goal, lookup: &Lookup) -> String {
    if goal.site_ids.is_empty() {
        "Program-wide".into()
    } else {
        goal.site_ids
            .iter()
            .map(|&id| lookup.site_name(Some(id)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "70% on 2026-01-01".
pub fn value_on(goal: &Goal, value: f64, day: chrono::NaiveDate) -> String {
    format!("{} on {day}", goal.unit.format(value))
}

impl Resource for Goals {
    const SUBJECT: Subject = Subject::Goal;
    const PATH: &'static str = "goals";
    const SINGULAR: &'static str = "goal";
    const TITLE: &'static str = "Goals";
    const SECTION: Option<(&'static str, &'static str)> = Some(crate::alignment::ALIGNMENT);
    type Item = Goal;
    type Draft = GoalDraft;
    type Spec = GoalSpec;
    type Query = GoalQuery;

    fn id(item: &Goal) -> i64 {
        item.id
    }
    fn label(item: &Goal) -> String {
        item.name.clone()
    }
    fn parse(draft: GoalDraft) -> Result<GoalSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: GoalDraft, base: GoalDraft) -> GoalDraft {
        patch.over(base)
    }
    fn place(_: &Goal) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a GoalSpec, _: Option<&'a Goal>) -> Place<'a> {
        Place::Program
    }
    /// A form with no site ticked sends no `site_ids`: program-wide.
    fn from_form(mut draft: GoalDraft) -> GoalDraft {
        draft.site_ids.get_or_insert_with(Vec::new);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &GoalQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Goal>> {
        let filter = GoalFilter {
            site_id: filter_id("site_id", &query.site_id)?,
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_goals(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Goal> {
        store.goal(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: GoalSpec) -> StoreResult<Goal> {
        store.create_goal(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: GoalSpec,
    ) -> StoreResult<Goal> {
        store.update_goal(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_goal(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "site_id",
                "only goals that concern this site (program-wide goals concern every site)",
            ),
            ("q", "name containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Goal",
            "Unit",
            "Baseline",
            "Target",
            "Value a year",
            "Sites",
        ]
    }
    fn cells(g: &Goal, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&g.name, format!("/goals/{}", g.id)),
            Cell::text(format!(
                "{} ({})",
                g.unit.label(),
                g.direction.label().to_lowercase()
            )),
            Cell::text(value_on(g, g.baseline_value, g.baseline_date)),
            Cell::text(value_on(g, g.target_value, g.target_date)),
            Cell::text(g.value_per_year.to_string()),
            Cell::text(sites_text(g, lookup)),
        ]
    }
    fn facts(g: &Goal, lookup: &Lookup) -> Vec<Fact> {
        let fact = |label, text: String| Fact {
            label,
            value: Cell::text(text),
        };
        vec![
            fact("Definition", g.definition.clone().unwrap_or_default()),
            fact("Unit", g.unit.label().into()),
            fact("Direction", g.direction.label().into()),
            fact("Baseline", value_on(g, g.baseline_value, g.baseline_date)),
            fact("Target", value_on(g, g.target_value, g.target_date)),
            Fact {
                label: "Owner",
                value: match g.owner_person_id {
                    Some(id) => Cell::link(format!("Person {id}"), format!("/people/{id}")),
                    None => Cell::text("Nobody yet"),
                },
            },
            fact(
                "Value a year when met",
                format!("{} ({} a day)", g.value_per_year, g.value_per_day()),
            ),
            fact("Sites", sites_text(g, lookup)),
            Fact {
                label: "Measurements",
                value: Cell::link(
                    "Chart, all measurements, enter one",
                    format!("/goals/{}/measurements", g.id),
                ),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &GoalDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let ticked = d.site_ids.iter().flatten().map(|i| i.to_string()).collect();
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref())
                .required()
                .help("The KPI, e.g. Medication administration scanning rate"),
            Field::new(
                "definition",
                "Definition",
                FieldKind::TextArea,
                d.definition.as_deref(),
            )
            .help("How it is measured: numerator, denominator, source report"),
            Field::new(
                "unit",
                "Unit",
                FieldKind::Select(choice_options(
                    KpiUnit::ALL,
                    KpiUnit::code,
                    KpiUnit::label,
                    Some("— choose —"),
                )),
                d.unit.as_deref(),
            )
            .required()
            .help("Values are checked against it: a percent is 0 to 100, a count a whole number, dollars like 1250.50"),
            Field::new(
                "direction",
                "Direction",
                FieldKind::Select(choice_options(
                    Direction::ALL,
                    Direction::code,
                    Direction::label,
                    Some("— choose —"),
                )),
                d.direction.as_deref(),
            )
            .required(),
            Field::new(
                "baseline_value",
                "Baseline value",
                FieldKind::Text,
                d.baseline_value.as_deref(),
            )
            .required(),
            Field::new(
                "baseline_date",
                "Baseline date",
                FieldKind::Date,
                d.baseline_date.as_deref(),
            )
            .required(),
            Field::new(
                "target_value",
                "Target value",
                FieldKind::Text,
                d.target_value.as_deref(),
            )
            .required(),
            Field::new(
                "target_date",
                "Target date",
                FieldKind::Date,
                d.target_date.as_deref(),
            )
            .required()
            .help("After the baseline date"),
            Field::new(
                "owner_person_id",
                "Owner (person id)",
                FieldKind::Person,
                d.owner_person_id.as_deref(),
            ),
            Field::new(
                "value_per_year",
                "Value a year when met (dollars)",
                FieldKind::Text,
                d.value_per_year.as_deref(),
            )
            .help("Feeds the cost of delay while its sites wait for go-live"),
            Field::new(
                "site_ids",
                "Sites it concerns",
                FieldKind::Checks(lookup.site_options(None)),
                None,
            )
            .ticked(ticked)
            .help("None ticked: program-wide"),
        ])
    }
    fn filters(q: &GoalQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Name", FieldKind::Text, q.q.as_deref()),
            lookup.site_filter(&q.site_id),
        ]
    }
    async fn related(store: &Store, actor: &Actor, goal: &Goal) -> StoreResult<Vec<Section>> {
        let pid = actor.program_id;
        let lookup = Lookup::load(store, pid).await?;
        let view = store.goal_view(pid, goal.clone(), today()).await?;
        let mut standing = vec![vec![
            Cell::text("Program (monthly figure)"),
            Cell::text(
                view.points
                    .last()
                    .map(|p| month_label(p.month))
                    .unwrap_or_default(),
            ),
            Cell::text(
                view.points
                    .last()
                    .map(|p| goal.unit.format(p.value))
                    .unwrap_or_default(),
            ),
            Cell::text(view.status.label()),
        ]];
        for m in store.latest_by_site(pid, goal.id).await? {
            let Some(site) = m.site_id else { continue };
            let status = goal.status(Some((m.period, m.value)));
            standing.push(vec![
                Cell::link(lookup.site_name(Some(site)), format!("/sites/{site}")),
                Cell::text(m.period.to_string()),
                Cell::text(goal.unit.format(m.value)),
                Cell::text(status.label()),
            ]);
        }
        let format = |v: Option<f64>| v.map(|v| goal.unit.format(v)).unwrap_or("—".into());
        let waves = view
            .before_after
            .iter()
            .map(|b| {
                vec![
                    Cell::text(&b.wave),
                    Cell::text(b.go_live.to_string()),
                    Cell::text(format(b.before)),
                    Cell::text(format(b.after)),
                    Cell::text(match b.improved {
                        Some(true) => "Better",
                        Some(false) => "Worse",
                        None => "—",
                    }),
                ]
            })
            .collect();
        let (newest, total) = store.goal_measurements(pid, goal.id, None, 20).await?;
        let rows = newest
            .iter()
            .map(|m| {
                vec![
                    Cell::text(m.period.to_string()),
                    Cell::text(match m.site_id {
                        Some(s) => lookup.site_name(Some(s)),
                        None => "Program-wide".into(),
                    }),
                    Cell::text(goal.unit.format(m.value)),
                ]
            })
            .collect();
        Ok(vec![
            Section {
                title: "Where it stands (latest measurement)".into(),
                columns: vec!["Measured at", "Period", "Value", "Status"],
                rows: standing,
                more: Some((
                    "How the status is decided: the benefits dashboard".into(),
                    "/benefits#status-rule".into(),
                )),
            },
            Section {
                title: "Before and after each wave's go-live (mean of its sites)".into(),
                columns: vec![
                    "Wave",
                    "Go-live",
                    "12 months before",
                    "24 months after",
                    "Change",
                ],
                rows: waves,
                more: None,
            },
            Section {
                title: format!("Newest measurements ({} in all)", total),
                columns: vec!["Period", "Site", "Value"],
                rows,
                more: Some((
                    "The chart, every measurement, and entering one".into(),
                    format!("/goals/{}/measurements", goal.id),
                )),
            },
            crate::alignment::goal_groups(store, actor, goal.id).await?,
        ])
    }
}
