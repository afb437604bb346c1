//! The computed plan: every task with its dates, float and place in the outline, kept in
//! memory until the plan's revision moves or the day changes. Pages read slices of it, so a
//! page of a 50,000-task plan costs what a page of a small one does.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::baseline::{BaselineDates, Variance};
use muster_domain::plan::calendar::{Calendar, WorkDays};
use muster_domain::plan::dependency::PlanDependency;
use muster_domain::plan::go_live::{PlanDates, Predecessors, go_live_milestones};
use muster_domain::plan::ids::TaskIndex;
use muster_domain::plan::schedule::{Scheduled, schedule};
use muster_domain::plan::task::PlanTask;
use muster_domain::plan::tree::{Calendars, Outline, dates, engine_plan, outline};
use muster_domain::plan::{PlanRow, PlanSettings};
use muster_domain::wave::WaveId;

use crate::Store;
use crate::error::StoreResult;

/// The plan with its schedule, as of one revision and status date.
#[derive(Debug)]
pub struct PlanSchedule {
    pub settings: PlanSettings,
    pub status_date: NaiveDate,
    pub tasks: Vec<PlanTask>,
    pub dependencies: Vec<PlanDependency>,
    pub outline: Outline,
    /// By index into `tasks`.
    pub dates: Vec<Scheduled>,
    pub finish: NaiveDate,
    pub warnings: Vec<String>,
    /// Why the plan could not be scheduled (the dates are then the project start).
    pub error: Option<String>,
    /// What the dates were computed with: a what-if schedules a changed plan with them.
    pub calendars: Calendars,
    /// Whether every task and link was read for it (else only those changed since the
    /// schedule it follows).
    pub read_in_full: bool,
    index: TaskIndex,
    /// The program's working days, for variances.
    workdays: Option<WorkDays>,
    /// Built on first use: the links into each task, and each wave's go-live milestone.
    predecessors: OnceLock<Predecessors>,
    go_lives: OnceLock<HashMap<WaveId, usize>>,
}

impl PlanSchedule {
    pub fn position(&self, id: i64) -> Option<usize> {
        self.index.get(id)
    }

    pub fn task(&self, id: i64) -> Option<(&PlanTask, &Scheduled)> {
        self.position(id).map(|i| (&self.tasks[i], &self.dates[i]))
    }

    /// Each wave's go-live milestone (`muster_domain::plan::go_live`'s rule), by index.
    pub fn go_lives(&self) -> &HashMap<WaveId, usize> {
        self.go_lives
            .get_or_init(|| go_live_milestones(&self.tasks, &self.outline.summary, &self.dates))
    }

    /// The plan as the driving path reads it.
    pub fn plan_dates(&self) -> PlanDates<'_> {
        let predecessors = self
            .predecessors
            .get_or_init(|| Predecessors::new(&self.tasks, &self.dependencies, &self.index));
        PlanDates {
            tasks: &self.tasks,
            outline: &self.outline,
            dates: &self.dates,
            predecessors,
            index: &self.index,
        }
    }

    /// Working days between two dates on the program calendar (negative when `to` is
    /// earlier); calendar days if the calendar could not be built.
    pub fn working_days(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let n = |d: NaiveDate| self.workdays.as_ref().and_then(|w| w.on_or_after(d).ok());
        match (n(from), n(to)) {
            (Some(a), Some(b)) => b - a,
            _ => (to - from).num_days(),
        }
    }

    /// Where the plan's finish lands if a critical task takes one more working day: the
    /// next working day after the finish, and how many calendar days later that is.
    pub fn one_day_slip(&self) -> (NaiveDate, i64) {
        let next = self
            .workdays
            .as_ref()
            .and_then(|w| w.on_or_after(self.finish).ok().and_then(|n| w.date(n + 1)))
            .unwrap_or(self.finish + chrono::Duration::days(1));
        (next, (next - self.finish).num_days())
    }

    /// Task `i` against its baseline dates.
    pub fn variance(&self, i: usize, base: BaselineDates) -> Variance {
        let now = &self.dates[i];
        Variance {
            baseline: base,
            start_variance: self.working_days(base.start, now.early_start),
            finish_variance: self.working_days(base.finish, now.early_finish),
        }
    }

    /// The tasks that finish later now than in the baseline, latest slip first (milestones
    /// before tasks on a tie), as (task index, variance).
    pub fn slips(&self, baseline: &HashMap<i64, BaselineDates>) -> Vec<(usize, Variance)> {
        let mut out: Vec<(usize, Variance)> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.outline.summary[*i])
            .filter_map(|(i, t)| baseline.get(&t.id).map(|b| (i, self.variance(i, *b))))
            .filter(|(_, v)| v.finish_variance > 0)
            .collect();
        out.sort_by_key(|(i, v)| (-v.finish_variance, !self.tasks[*i].milestone, *i));
        out
    }
}

/// Computed plans per program, and per program a lock held while one is computed, so that
/// requests arriving meanwhile (or the background warmer) wait for it rather than read and
/// schedule the same plan again.
#[derive(Default)]
pub(crate) struct Schedules(
    Mutex<HashMap<i64, Arc<PlanSchedule>>>,
    Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
);

impl Schedules {
    fn kept(&self, program_id: i64) -> Option<Arc<PlanSchedule>> {
        self.0
            .lock()
            .expect("not poisoned")
            .get(&program_id)
            .cloned()
    }

    fn computing(&self, program_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        self.1
            .lock()
            .expect("not poisoned")
            .entry(program_id)
            .or_default()
            .clone()
    }
}

/// What the plan is scheduled from, as read from the database.
enum Rows {
    /// Every task and link.
    All(Vec<PlanTask>, Vec<PlanDependency>),
    /// The kept schedule's rows with these changes applied.
    Changed {
        kept: Arc<PlanSchedule>,
        tasks: Vec<PlanTask>,
        dependencies: Vec<PlanDependency>,
        removed: Vec<(String, i64)>,
    },
}

impl Rows {
    fn into_rows(self) -> (Vec<PlanTask>, Vec<PlanDependency>) {
        match self {
            Rows::All(tasks, dependencies) => (tasks, dependencies),
            Rows::Changed {
                kept,
                tasks,
                dependencies,
                removed,
            } => {
                let gone = |entity: &str| -> HashSet<i64> {
                    removed
                        .iter()
                        .filter(|(e, _)| e == entity)
                        .map(|(_, id)| *id)
                        .collect()
                };
                (
                    merge(&kept.tasks, tasks, &gone(super::task::ENTITY), |t| t.id),
                    merge(
                        &kept.dependencies,
                        dependencies,
                        &gone(super::dependency::ENTITY),
                        |d| d.id,
                    ),
                )
            }
        }
    }
}

/// `kept` (ordered by id) with the rows of `changed` (ordered by id) put in or in place of
/// the kept row of their id, and the ids in `removed` taken out: what reading every row by
/// id would give.
fn merge<T: Clone>(
    kept: &[T],
    changed: Vec<T>,
    removed: &HashSet<i64>,
    id: fn(&T) -> i64,
) -> Vec<T> {
    let mut out = Vec::with_capacity(kept.len() + changed.len());
    let mut changed = changed.into_iter().peekable();
    for row in kept {
        while let Some(c) = changed.next_if(|c| id(c) < id(row)) {
            out.push(c);
        }
        if changed.peek().is_some_and(|c| id(c) == id(row)) {
            continue;
        }
        out.push(row.clone());
    }
    out.extend(changed);
    out.retain(|r| !removed.contains(&id(r)));
    out
}

impl Store {
    /// The plan scheduled with `status_date` as today: from memory if nothing has changed.
    /// When the plan has changed since the schedule kept in memory, only the tasks and
    /// links written (or deleted) since its revision are read (migration 0022's stamps),
    /// applied to the kept ones and the whole plan scheduled again; a plan that changed a
    /// lot, or long ago, is read in full.
    pub async fn plan_schedule(
        &self,
        program_id: i64,
        status_date: NaiveDate,
    ) -> StoreResult<Arc<PlanSchedule>> {
        let current = |kept: &Option<Arc<PlanSchedule>>, settings: &PlanSettings| {
            kept.as_ref()
                .filter(|k| {
                    k.settings.revision == settings.revision && k.status_date == status_date
                })
                .cloned()
        };
        let settings = self.plan_settings(program_id).await?;
        if let Some(kept) = current(&self.schedules.kept(program_id), &settings) {
            return Ok(kept);
        }
        let computing = self.schedules.computing(program_id);
        let _one_at_a_time = computing.lock().await;
        // Computed while this request waited?
        let settings = self.plan_settings(program_id).await?;
        let kept = self.schedules.kept(program_id);
        if let Some(kept) = current(&kept, &settings) {
            return Ok(kept);
        }
        let (program_holidays, site_holidays) = self.holiday_sets(program_id).await?;
        let rows = self.plan_rows(program_id, settings.revision, kept).await?;
        let calendars = Calendars {
            project_start: Some(settings.project_start),
            status_date: Some(status_date),
            calendar: Calendar {
                working_weekdays: settings.working_weekdays,
                holidays: program_holidays,
            },
            site_holidays,
        };
        let computed = tokio::task::spawn_blocking(move || {
            let read_in_full = matches!(rows, Rows::All(..));
            let (tasks, dependencies) = rows.into_rows();
            PlanSchedule {
                read_in_full,
                ..compute(settings, status_date, calendars, tasks, dependencies)
            }
        })
        .await
        .map_err(|e| crate::StoreError::Corrupt(format!("scheduling failed: {e}")))?;
        let computed = Arc::new(computed);
        let mut kept = self.schedules.0.lock().expect("not poisoned");
        // Keep the newest revision when two computations race.
        let newer = kept
            .get(&program_id)
            .is_some_and(|k| k.settings.revision > computed.settings.revision);
        if !newer {
            kept.insert(program_id, computed.clone());
        }
        Ok(computed)
    }

    /// Schedules every program's plan for `status_date` and keeps it, so that the first
    /// page after a start (or a change made by another process) does not wait for it.
    /// Returns how many plans were scheduled; one is cheap when nothing has changed.
    pub async fn warm_plan_schedules(&self, status_date: NaiveDate) -> StoreResult<usize> {
        use sea_orm::ConnectionTrait;
        let rows = self
            .db
            .query_all_raw(crate::raw::statement(
                self.backend(),
                "SELECT program_id FROM plan_settings ORDER BY program_id",
                Vec::new(),
            ))
            .await?;
        for row in &rows {
            let program_id: i64 = row.try_get_by_index(0)?;
            self.plan_schedule(program_id, status_date).await?;
        }
        Ok(rows.len())
    }

    /// The rows to schedule at `revision`: the changes since `kept`'s revision if it is
    /// recent and they are few, else every row.
    async fn plan_rows(
        &self,
        program_id: i64,
        revision: i64,
        kept: Option<Arc<PlanSchedule>>,
    ) -> StoreResult<Rows> {
        if let Some(kept) = kept {
            let since = kept.settings.revision;
            if since == revision {
                return Ok(Rows::Changed {
                    kept,
                    tasks: Vec::new(),
                    dependencies: Vec::new(),
                    removed: Vec::new(),
                });
            }
            if since < revision && revision - since < super::REMOVED_KEPT_FOR {
                // Removals last: a row deleted while the others are read is then gone.
                let tasks = self.plan_tasks_since(program_id, Some(since)).await?;
                let dependencies = self
                    .plan_dependencies_since(program_id, Some(since))
                    .await?;
                let removed = super::removed_since(&self.db, program_id, since).await?;
                let changed = tasks.len() + dependencies.len() + removed.len();
                if changed <= (kept.tasks.len() + kept.dependencies.len()) / 4 + 100 {
                    return Ok(Rows::Changed {
                        kept,
                        tasks,
                        dependencies,
                        removed,
                    });
                }
            }
        }
        Ok(Rows::All(
            self.all_plan_tasks(program_id).await?,
            self.all_plan_dependencies(program_id).await?,
        ))
    }
}

/// `compute` on the blocking pool: a large plan takes a good part of a second.
pub(crate) async fn compute_apart(
    settings: PlanSettings,
    status_date: NaiveDate,
    calendars: Calendars,
    tasks: Vec<PlanTask>,
    dependencies: Vec<PlanDependency>,
) -> StoreResult<PlanSchedule> {
    tokio::task::spawn_blocking(move || {
        compute(settings, status_date, calendars, tasks, dependencies)
    })
    .await
    .map_err(|e| crate::StoreError::Corrupt(format!("scheduling failed: {e}")))
}

/// Schedules `tasks` and `dependencies` on `calendars` (whose status date is `status_date`).
pub(crate) fn compute(
    settings: PlanSettings,
    status_date: NaiveDate,
    calendars: Calendars,
    tasks: Vec<PlanTask>,
    dependencies: Vec<PlanDependency>,
) -> PlanSchedule {
    let outline = outline(&tasks);
    let plan = engine_plan(&calendars, &tasks, &dependencies, &outline);
    let workdays = WorkDays::new(&plan.calendar, plan.start).ok();
    let (dates, finish, warnings, error) = match schedule(&plan) {
        Ok(s) => {
            let d = dates(&tasks, &outline, &s);
            (d, s.finish, s.warnings, None)
        }
        Err(e) => {
            let start = settings.project_start;
            let d = tasks
                .iter()
                .map(|t| Scheduled {
                    id: t.id,
                    early_start: start,
                    early_finish: start,
                    late_start: start,
                    late_finish: start,
                    total_float: 0,
                    free_float: 0,
                    critical: false,
                    done: false,
                })
                .collect();
            (d, start, Vec::new(), Some(e.to_string()))
        }
    };
    let index = TaskIndex::new(tasks.iter().map(|t| t.id));
    PlanSchedule {
        settings,
        status_date,
        tasks,
        dependencies,
        outline,
        dates,
        finish,
        warnings,
        error,
        calendars,
        read_in_full: true,
        index,
        workdays,
        predecessors: OnceLock::new(),
        go_lives: OnceLock::new(),
    }
}

/// Which tasks a page of the plan shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub site_id: Option<i64>,
    pub wave_id: Option<i64>,
    pub module_id: Option<i64>,
    /// Only tasks on the critical path.
    pub critical: bool,
    pub milestones: bool,
    /// Name containing this text (any case).
    pub search: Option<String>,
    pub sort: TaskSort,
}

/// The order of a page of the plan; ties keep outline order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskSort {
    #[default]
    Outline,
    Start,
    Finish,
    /// Least total float first: the tasks closest to the critical path.
    Float,
    Name,
}

impl TaskSort {
    pub const ALL: [(TaskSort, &'static str, &'static str); 5] = [
        (TaskSort::Outline, "outline", "Outline"),
        (TaskSort::Start, "start", "Start"),
        (TaskSort::Finish, "finish", "Finish"),
        (TaskSort::Float, "float", "Total float"),
        (TaskSort::Name, "name", "Name"),
    ];

    pub fn parse(code: &str) -> Result<TaskSort, String> {
        Self::ALL
            .iter()
            .find(|(_, c, _)| *c == code.trim())
            .map(|(s, _, _)| *s)
            .ok_or_else(|| format!("'{code}' is not a sort: outline, start, finish, float or name"))
    }
}

impl PlanSchedule {
    fn matches(&self, i: usize, f: &TaskFilter, needle: Option<&str>) -> bool {
        let t = &self.tasks[i];
        f.site_id.is_none_or(|s| t.site_id == Some(s))
            && f.wave_id.is_none_or(|w| t.wave_id == Some(w))
            && f.module_id.is_none_or(|m| t.module_id == Some(m))
            && (!f.critical || self.dates[i].critical)
            && (!f.milestones || t.milestone)
            && needle.is_none_or(|n| t.name.to_lowercase().contains(n))
    }

    pub fn row(&self, i: usize) -> PlanRow {
        PlanRow {
            task: self.tasks[i].clone(),
            schedule: self.dates[i].clone(),
            depth: self.outline.depth[i],
            summary: self.outline.summary[i],
            variance: None,
        }
    }

    /// A page of tasks in the order asked for (outline order by default). The cursor's key
    /// is the position in that order after which the page starts.
    pub fn page(&self, filter: &TaskFilter, cursor: Option<&Cursor>, limit: u64) -> Page<PlanRow> {
        let needle = filter.search.as_ref().map(|s| s.trim().to_lowercase());
        let mut matching: Vec<usize> = self
            .outline
            .order
            .iter()
            .copied()
            .filter(|&i| self.matches(i, filter, needle.as_deref()))
            .collect();
        let d = &self.dates;
        match filter.sort {
            TaskSort::Outline => {}
            TaskSort::Start => matching.sort_by_key(|&i| d[i].early_start),
            TaskSort::Finish => matching.sort_by_key(|&i| d[i].early_finish),
            TaskSort::Float => matching.sort_by_key(|&i| d[i].total_float),
            TaskSort::Name => matching.sort_by_cached_key(|&i| self.tasks[i].name.to_lowercase()),
        }
        let start: usize = cursor
            .and_then(|c| c.key.parse().ok())
            .unwrap_or(0)
            .min(matching.len());
        let end = (start + limit as usize).min(matching.len());
        let next_cursor = (end < matching.len()).then(|| {
            Cursor {
                key: end.to_string(),
                id: self.tasks[matching[end - 1]].id,
            }
            .encode()
        });
        Page {
            items: matching[start..end].iter().map(|&i| self.row(i)).collect(),
            next_cursor,
            total: matching.len() as u64,
        }
    }
}
