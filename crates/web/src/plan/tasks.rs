//! Plan tasks as a resource: their forms, pages and CRUD API (`/tasks`, `/api/v1/tasks`).
//! The plan's own views (the schedule table, the Gantt chart) are in `schedule.rs` and
//! `gantt.rs`.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::ConstraintKind;
use muster_domain::plan::task::{PlanTask, TaskDraft, TaskSpec};
use muster_store::plan::schedule::{TaskFilter, TaskSort};
use muster_store::{Change, Store, StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, Resource, choice_options, filter_id};

pub struct Tasks;

/// The plan's task filters, shared by the task list, the schedule and the Gantt chart;
/// the schedule also reads its page and a baseline to compare with.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct TaskQuery {
    /// only tasks of this site
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// only tasks of this wave
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave_id: Option<String>,
    /// only tasks of this module
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    /// name containing this text
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// true: only tasks on the critical path
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
    /// true: only milestones
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones: Option<String>,
    /// outline (default), start, finish, float or name (schedule and Gantt chart only)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// compare with this baseline: each task gets its variance (schedule only)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_id: Option<String>,
    /// where the page starts (from the previous page's next_cursor)
    #[serde(skip_serializing)]
    pub cursor: Option<String>,
    /// tasks per page (default 100, at most 500)
    #[serde(skip_serializing)]
    pub limit: Option<u64>,
}

fn yes(v: &Option<String>) -> bool {
    matches!(
        v.as_deref().map(str::trim),
        Some("true" | "on" | "yes" | "1")
    )
}

impl TaskQuery {
    pub fn filter(&self) -> StoreResult<TaskFilter> {
        Ok(TaskFilter {
            site_id: filter_id("site_id", &self.site_id)?,
            wave_id: filter_id("wave_id", &self.wave_id)?,
            module_id: filter_id("module_id", &self.module_id)?,
            critical: yes(&self.critical),
            milestones: yes(&self.milestones),
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            sort: match self.sort.as_deref().map(str::trim) {
                None | Some("") => TaskSort::Outline,
                Some(code) => TaskSort::parse(code).map_err(|m| StoreError::invalid("sort", m))?,
            },
        })
    }

    /// The filters as a query string (without the page).
    pub fn filters_query(&self) -> String {
        serde_html_form::to_string(self).unwrap_or_default()
    }
}

/// Today, as the plan's status date.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

impl Resource for Tasks {
    const SUBJECT: Subject = Subject::Plan;
    const PATH: &'static str = "tasks";
    const SINGULAR: &'static str = "task";
    const TITLE: &'static str = "Plan tasks";
    type Item = PlanTask;
    type Draft = TaskDraft;
    type Spec = TaskSpec;
    type Query = TaskQuery;

    fn id(item: &PlanTask) -> i64 {
        item.id
    }
    fn label(item: &PlanTask) -> String {
        item.name.clone()
    }
    fn parse(draft: TaskDraft) -> Result<TaskSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: TaskDraft, base: TaskDraft) -> TaskDraft {
        patch.over(base)
    }
    fn place(t: &PlanTask) -> Place<'_> {
        Place::Site(t.site_id)
    }
    fn spec_place<'a>(spec: &'a TaskSpec, _: Option<&'a PlanTask>) -> Place<'a> {
        Place::Site(spec.site_id)
    }
    /// An unticked milestone box sends nothing: that means "not a milestone".
    fn from_form(mut draft: TaskDraft) -> TaskDraft {
        draft.milestone.get_or_insert(false);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &TaskQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<PlanTask>> {
        let plan = store.plan_schedule(actor.program_id, today()).await?;
        let page = plan.page(&q.filter()?, cursor, limit);
        Ok(Page {
            items: page.items.into_iter().map(|r| r.task).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<PlanTask> {
        store.plan_task(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: TaskSpec) -> StoreResult<PlanTask> {
        store.create_plan_task(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: TaskSpec,
    ) -> StoreResult<PlanTask> {
        store.update_plan_task(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_plan_task(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("site_id", "only tasks of this site"),
            ("wave_id", "only tasks of this wave"),
            ("module_id", "only tasks of this module"),
            ("search", "name containing this text"),
            ("critical", "true: only tasks on the critical path"),
            ("milestones", "true: only milestones"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Task", "Duration (working days)", "Site", "Complete"]
    }
    fn cells(t: &PlanTask, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&t.name, format!("/tasks/{}", t.id)),
            Cell::text(if t.milestone {
                "milestone".to_owned()
            } else {
                t.duration.to_string()
            }),
            Cell::text(lookup.site_name(t.site_id)),
            Cell::text(format!("{}%", t.percent_complete)),
        ]
    }
    fn facts(t: &PlanTask, lookup: &Lookup) -> Vec<Fact> {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let constraint = match (t.constraint_kind, t.constraint_date) {
            (Some(k), Some(d)) => format!("{} {d}", k.label()),
            _ => String::new(),
        };
        vec![
            Fact {
                label: "Duration",
                value: Cell::text(if t.milestone {
                    "Milestone".to_owned()
                } else {
                    format!("{} working days", t.duration)
                }),
            },
            Fact {
                label: "Part of",
                value: match t.parent_id {
                    Some(p) => Cell::link(format!("task {p}"), format!("/tasks/{p}")),
                    None => Cell::text("the top of the plan"),
                },
            },
            Fact {
                label: "Site",
                value: Cell::text(lookup.site_name(t.site_id)),
            },
            Fact {
                label: "Module",
                value: Cell::text(lookup.module_name(t.module_id, "")),
            },
            Fact {
                label: "Constraint",
                value: Cell::text(constraint),
            },
            Fact {
                label: "Complete",
                value: Cell::text(format!("{}%", t.percent_complete)),
            },
            Fact {
                label: "Actual start",
                value: Cell::text(day(t.actual_start)),
            },
            Fact {
                label: "Actual finish",
                value: Cell::text(day(t.actual_finish)),
            },
            Fact {
                label: "Notes",
                value: Cell::text(t.notes.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &TaskDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new("parent_id", "Part of (summary task id)", FieldKind::Number, d.parent_id.as_deref())
                .help("The id of the phase or deliverable this task belongs to; blank for the top of the plan."),
            Field::new("duration", "Duration (working days)", FieldKind::Number, d.duration.as_deref())
                .help("0 for a milestone."),
            Field::new("milestone", "Milestone", FieldKind::Check, d.milestone.map(|m| if m { "true" } else { "" })),
            Field::new("owner_person_id", "Owner (person id)", FieldKind::Person, d.owner_person_id.as_deref()),
            Field::new("site_id", "Site", FieldKind::Select(lookup.site_options(Some("— program-wide —"))), d.site_id.as_deref()),
            Field::new("wave_id", "Wave", FieldKind::Select(lookup.wave_options(Some("— none —"))), d.wave_id.as_deref()),
            Field::new("module_id", "Module", FieldKind::Select(lookup.module_options(Some("— none —"))), d.module_id.as_deref()),
            Field::new(
                "constraint_kind",
                "Constraint",
                FieldKind::Select(choice_options(ConstraintKind::ALL, ConstraintKind::code, ConstraintKind::label, Some("— as soon as possible —"))),
                d.constraint_kind.as_deref(),
            ),
            Field::new("constraint_date", "Constraint date", FieldKind::Date, d.constraint_date.as_deref()),
            Field::new("percent_complete", "Complete (%)", FieldKind::Number, d.percent_complete.as_deref()),
            Field::new("actual_start", "Actual start", FieldKind::Date, d.actual_start.as_deref()),
            Field::new("actual_finish", "Actual finish", FieldKind::Date, d.actual_finish.as_deref()),
            Field::new("notes", "Notes", FieldKind::TextArea, d.notes.as_deref()),
        ])
    }
    fn filters(q: &TaskQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "search",
                "Name contains",
                FieldKind::Text,
                q.search.as_deref(),
            ),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                q.module_id.as_deref(),
            ),
            Field::new(
                "critical",
                "Critical path only",
                FieldKind::Check,
                q.critical.as_deref(),
            ),
        ]
    }
}
