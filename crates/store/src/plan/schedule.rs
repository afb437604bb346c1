//! The computed plan: every task with its dates, float and place in the outline, kept in
//! memory until the plan's revision moves or the day changes. Pages read slices of it, so a
//! page of a 50,000-task plan costs what a page of a small one does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::baseline::{BaselineDates, Variance};
use muster_domain::plan::calendar::{Calendar, WorkDays};
use muster_domain::plan::dependency::PlanDependency;
use muster_domain::plan::go_live::{PlanDates, Predecessors, go_live_milestones};
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
    index: HashMap<i64, usize>,
    /// The program's working days, for variances.
    workdays: Option<WorkDays>,
    /// Built on first use: the links into each task, and each wave's go-live milestone.
    predecessors: OnceLock<Predecessors>,
    go_lives: OnceLock<HashMap<WaveId, usize>>,
}

impl PlanSchedule {
    pub fn position(&self, id: i64) -> Option<usize> {
        self.index.get(&id).copied()
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

/// Computed plans per program.
#[derive(Default)]
pub(crate) struct Schedules(Mutex<HashMap<i64, Arc<PlanSchedule>>>);

impl Store {
    /// The plan scheduled with `status_date` as today: from memory if nothing has changed.
    pub async fn plan_schedule(
        &self,
        program_id: i64,
        status_date: NaiveDate,
    ) -> StoreResult<Arc<PlanSchedule>> {
        let settings = self.plan_settings(program_id).await?;
        if let Some(kept) = self
            .schedules
            .0
            .lock()
            .expect("not poisoned")
            .get(&program_id)
            && kept.settings.revision == settings.revision
            && kept.status_date == status_date
        {
            return Ok(kept.clone());
        }
        let (program_holidays, site_holidays) = self.holiday_sets(program_id).await?;
        let tasks = self.all_plan_tasks(program_id).await?;
        let dependencies = self.all_plan_dependencies(program_id).await?;
        let calendars = Calendars {
            project_start: Some(settings.project_start),
            status_date: Some(status_date),
            calendar: Calendar {
                working_weekdays: settings.working_weekdays,
                holidays: program_holidays,
            },
            site_holidays,
        };
        let computed = compute_apart(settings, status_date, calendars, tasks, dependencies).await?;
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
    let index = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
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
