//! The scheduling engine: the critical path method over working days.
//!
//! A forward pass gives each task its early start and finish from the project start, the
//! status date, its dependencies (finish-to-start, start-to-start, finish-to-finish,
//! start-to-finish, each with a lag in working days, negative for a lead) and its constraint
//! dates. A backward pass from the project finish gives the late dates. Total float is how
//! far a task can slip without moving the project finish (or breaking a "no later than"
//! date); free float how far without moving any successor. The critical path is the tasks
//! with no total float left.
//!
//! Done work is fixed: a task with an actual finish keeps its actual dates; a started task
//! keeps its actual start and its remaining work (from its percent complete) is scheduled
//! from the status date. Work not started is not scheduled before the status date.
//!
//! Arithmetic is on program working-day numbers (`calendar.rs`); a task of a site with
//! holidays of its own counts its duration in that site's working days. The cost is linear
//! in tasks plus dependencies. Results do not depend on the order tasks or dependencies are
//! given in.

use std::collections::BTreeSet;

use graph::{Graph, graph};

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::{Calendar, SiteDays, WorkDays};
use super::{ConstraintKind, DependencyKind, TaskId};

/// A task as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: TaskId,
    /// Names the task in errors.
    pub name: String,
    /// Working days; zero is a milestone.
    pub duration: i64,
    /// Which of `Plan::site_holidays` applies; `None`: the program calendar.
    pub calendar: Option<usize>,
    pub constraint: Option<(ConstraintKind, NaiveDate)>,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub percent_complete: u8,
}

impl Task {
    pub fn new(id: TaskId, name: impl Into<String>, duration: i64) -> Task {
        Task {
            id,
            name: name.into(),
            duration,
            calendar: None,
            constraint: None,
            actual_start: None,
            actual_finish: None,
            percent_complete: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    pub predecessor: TaskId,
    pub successor: TaskId,
    pub kind: DependencyKind,
    /// Working days; negative is a lead.
    pub lag: i64,
}

/// Everything a schedule is computed from.
#[derive(Debug, Clone)]
pub struct Plan {
    pub start: NaiveDate,
    /// "Today" for rescheduling remaining work; `None`: nothing is held back.
    pub status_date: Option<NaiveDate>,
    pub calendar: Calendar,
    /// Holidays sites add to the program calendar, indexed by `Task::calendar`.
    pub site_holidays: Vec<BTreeSet<NaiveDate>>,
    pub tasks: Vec<Task>,
    pub dependencies: Vec<Dependency>,
}

/// One task's computed dates. Finish dates are the last working day (a milestone's is its
/// day). Floats are in program working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scheduled {
    pub id: TaskId,
    pub early_start: NaiveDate,
    pub early_finish: NaiveDate,
    pub late_start: NaiveDate,
    pub late_finish: NaiveDate,
    pub total_float: i64,
    pub free_float: i64,
    pub critical: bool,
    /// Has an actual finish: its dates are history, not forecast.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// In the order the tasks were given.
    pub tasks: Vec<Scheduled>,
    /// The last working day of the last task.
    pub finish: NaiveDate,
    /// Things the engine did that the planner should know about (a lead clipped at the
    /// project start, a task with a deadline it cannot meet).
    pub warnings: Vec<String>,
    /// The links whose lead would have put their successor before the project start, as
    /// (predecessor id, successor id): the same events as those warnings, for a caller that
    /// must say which links they were (a file import refuses them).
    #[serde(skip)]
    pub leads_before_start: Vec<(TaskId, TaskId)>,
}

impl Schedule {
    pub fn get(&self, id: TaskId) -> Option<&Scheduled> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the dependencies form a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    #[error("a dependency names task {0}, which is not in the plan")]
    UnknownTask(TaskId),
    #[error("task {id} is given twice")]
    DuplicateTask { id: TaskId },
    #[error("task '{task}': {problem}")]
    Task { task: String, problem: String },
    #[error("{0}")]
    Calendar(String),
}

/// Program day numbers of a task: start, and finish as the day after its last working day.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: i64,
    finish: i64,
}

/// A `Span` as the passes keep it: day numbers fit in 32 bits (the calendar's horizon is
/// 40 years), and half the bytes per task is half the memory traffic on a large plan.
#[derive(Debug, Clone, Copy, Default)]
struct Days {
    start: i32,
    finish: i32,
}

impl Days {
    fn of(span: Span) -> Days {
        Days {
            start: span.start as i32,
            finish: span.finish as i32,
        }
    }

    fn start(self) -> i64 {
        i64::from(self.start)
    }

    fn finish(self) -> i64 {
        i64::from(self.finish)
    }
}

/// What the passes need of each task, by position: the calendar it counts in, its
/// duration, and whether it has actual dates or a constraint (then its `Task` is read).
struct Hot<'a> {
    calendar: Vec<&'a SiteDays>,
    duration: Vec<i32>,
    started: Vec<bool>,
    constrained: Vec<bool>,
}

pub fn schedule(plan: &Plan) -> Result<Schedule, ScheduleError> {
    let days = WorkDays::new(&plan.calendar, plan.start).map_err(ScheduleError::Calendar)?;
    let program = SiteDays::program(&days);
    let sites: Vec<SiteDays> = plan
        .site_holidays
        .iter()
        .map(|h| SiteDays::new(&days, h))
        .collect();
    let graph = graph(plan)?;
    let n = plan.tasks.len();
    let mut hot = Hot {
        calendar: Vec::with_capacity(n),
        duration: Vec::with_capacity(n),
        started: Vec::with_capacity(n),
        constrained: Vec::with_capacity(n),
    };
    for &i in &graph.order {
        let t = &plan.tasks[i as usize];
        hot.calendar.push(match t.calendar {
            Some(c) => sites
                .get(c)
                .ok_or_else(|| problem(t, "has no such site calendar"))?,
            None => &program,
        });
        hot.duration.push(
            i32::try_from(t.duration)
                .map_err(|_| problem(t, "runs past the end of the calendar"))?,
        );
        hot.started
            .push(t.actual_start.is_some() || t.actual_finish.is_some());
        hot.constrained.push(t.constraint.is_some());
    }
    let today = match plan.status_date {
        Some(date) => days
            .on_or_after(date)
            .map_err(ScheduleError::Calendar)?
            .max(0),
        None => 0,
    };
    let mut warnings = Vec::new();
    let mut leads_before_start = Vec::new();
    let past_end = |t: &Task| problem(t, "runs past the end of the calendar");
    let task_at = |k: usize| &plan.tasks[graph.order[k] as usize];

    // Forward pass.
    let mut early = vec![Days::default(); n];
    let mut done = vec![false; n];
    for k in 0..n {
        let cal = hot.calendar[k];
        if hot.started[k]
            && let Some(span) = actual_span(task_at(k), &days, cal, today)?
        {
            early[k] = Days::of(span);
            done[k] = task_at(k).actual_finish.is_some();
            continue;
        }
        let mut from = today;
        let mut finish_from = i64::MIN;
        for l in &graph.into[k] {
            let p = early[l.other as usize];
            let lag = i64::from(l.lag);
            let bound = match l.kind {
                DependencyKind::FinishToStart | DependencyKind::FinishToFinish => p.finish() + lag,
                DependencyKind::StartToStart | DependencyKind::StartToFinish => p.start() + lag,
            };
            if bound < 0 {
                let (task, pred) = (task_at(k), task_at(l.other as usize));
                leads_before_start.push((pred.id, task.id));
                warnings.push(format!(
                    "task '{}': the {} days' lead on its link from '{}' would put it before \
                     the project start; it is held at the start",
                    task.name, -lag, pred.name
                ));
            }
            if on_start(l.kind) {
                from = from.max(bound);
            } else {
                finish_from = finish_from.max(bound);
            }
        }
        let duration = i64::from(hot.duration[k]);
        if hot.constrained[k] {
            let task = task_at(k);
            if let Some((kind, date)) = task.constraint.filter(|(k, _)| k.is_floor()) {
                let day = day_on_or_after(&days, task, date)?;
                if kind.on_start() {
                    from = from.max(day);
                } else {
                    finish_from = finish_from.max(finish_after(day, duration));
                }
            }
        }
        let mut span = cal
            .forward(from, duration)
            .ok_or_else(|| past_end(task_at(k)))?;
        if span.1 < finish_from {
            span = cal
                .finishing_from(finish_from, duration)
                .ok_or_else(|| past_end(task_at(k)))?;
        }
        early[k] = Days::of(Span {
            start: span.0,
            finish: span.1,
        });
    }
    let project_finish = early
        .iter()
        .map(|s| s.finish().max(s.start()))
        .max()
        .unwrap_or(0);

    // Backward pass.
    let mut late = vec![Days::default(); n];
    for k in (0..n).rev() {
        if done[k] {
            late[k] = early[k];
            continue;
        }
        let cal = hot.calendar[k];
        let mut until = project_finish;
        let mut start_by = i64::MAX;
        for l in &graph.out_of[k] {
            let s = l.other as usize;
            if hot.started[s] && on_start(l.kind) && task_at(s).actual_start.is_some() {
                // The successor is under way: what had to happen before it started is
                // history, not a deadline.
                continue;
            }
            let succ = if done[s] { early[s] } else { late[s] };
            let lag = i64::from(l.lag);
            match l.kind {
                DependencyKind::FinishToStart => until = until.min(succ.start() - lag),
                DependencyKind::FinishToFinish => until = until.min(succ.finish() - lag),
                DependencyKind::StartToStart => start_by = start_by.min(succ.start() - lag),
                DependencyKind::StartToFinish => start_by = start_by.min(succ.finish() - lag),
            }
        }
        let duration = i64::from(hot.duration[k]);
        if hot.constrained[k] {
            let task = task_at(k);
            if let Some((kind, date)) = task.constraint.filter(|(k, _)| k.is_ceiling()) {
                let day = day_on_or_before(&days, task, date)?;
                if kind.on_start() {
                    start_by = start_by.min(day);
                } else {
                    until = until.min(finish_after(day, duration));
                }
            }
        }
        let mut span = cal
            .backward(until, duration)
            .ok_or_else(|| past_end(task_at(k)))?;
        if span.0 > start_by {
            span = cal
                .starting_by(start_by, duration)
                .ok_or_else(|| past_end(task_at(k)))?;
        }
        late[k] = Days::of(Span {
            start: span.0,
            finish: span.1,
        });
        if hot.started[k] && task_at(k).actual_start.is_some() {
            // Its start is history: only its finish can still move.
            late[k].start = early[k].start;
        }
    }

    let mut out = Vec::with_capacity(n);
    for (i, task) in plan.tasks.iter().enumerate() {
        let k = graph.position[i] as usize;
        let (e, l) = (early[k], late[k]);
        let total_float = if done[k] {
            0
        } else if task.actual_start.is_some() {
            l.finish() - e.finish()
        } else {
            (l.start() - e.start()).min(l.finish() - e.finish())
        };
        if total_float < 0 && !done[k] && task.constraint.is_some() {
            warnings.push(format!(
                "task '{}' is {} working days late for its deadlines",
                task.name, -total_float
            ));
        }
        let free_float = if done[k] {
            0
        } else {
            free_float(&graph, k, &early, project_finish).clamp(0, total_float.max(0))
        };
        let date = |n: i64| date_of(&days, n);
        let last = |s: Days, d: i64| {
            if d == 0 {
                date(s.start())
            } else {
                date(s.finish() - 1)
            }
        };
        out.push(Scheduled {
            id: task.id,
            early_start: date(e.start()),
            early_finish: last(e, task.duration.max(e.finish() - e.start())),
            late_start: date(l.start()),
            late_finish: last(l, task.duration.max(l.finish() - l.start())),
            total_float,
            free_float,
            critical: !done[k] && total_float <= 0,
            done: done[k],
        });
    }
    warnings.sort();
    warnings.dedup();
    let finish = out
        .iter()
        .map(|t| t.early_finish)
        .max()
        .unwrap_or(plan.start);
    Ok(Schedule {
        tasks: out,
        finish,
        warnings,
        leads_before_start,
    })
}

/// The finish number of a task whose last working day is `day`: the day after, but a
/// milestone's finish is its day.
fn finish_after(day: i64, duration: i64) -> i64 {
    if duration == 0 { day } else { day + 1 }
}

fn on_start(kind: DependencyKind) -> bool {
    matches!(
        kind,
        DependencyKind::FinishToStart | DependencyKind::StartToStart
    )
}

/// The least slack between the early dates of the task at position `k` and what its
/// successors' early dates need of it; to the project finish when it has none.
fn free_float(graph: &Graph, k: usize, early: &[Days], project_finish: i64) -> i64 {
    let own = early[k];
    let mut least = project_finish - own.finish().max(own.start());
    for l in &graph.out_of[k] {
        let s = early[l.other as usize];
        let lag = i64::from(l.lag);
        let slack = match l.kind {
            DependencyKind::FinishToStart => s.start() - (own.finish() + lag),
            DependencyKind::StartToStart => s.start() - (own.start() + lag),
            DependencyKind::FinishToFinish => s.finish() - (own.finish() + lag),
            DependencyKind::StartToFinish => s.finish() - (own.start() + lag),
        };
        least = least.min(slack);
    }
    least
}

/// A task's span from its actual dates, when it has any: fixed when done; when started, the
/// remaining share of its duration from the status date (or from where its done share ends).
fn actual_span(
    task: &Task,
    days: &WorkDays,
    cal: &SiteDays,
    today: i64,
) -> Result<Option<Span>, ScheduleError> {
    let Some(started) = task.actual_start else {
        if task.actual_finish.is_some() {
            return Err(problem(task, "has an actual finish but no actual start"));
        }
        return Ok(None);
    };
    let start = day_on_or_after(days, task, started)?;
    if start < 0 {
        return Err(problem(
            task,
            &format!("actual start {started} is before the project start"),
        ));
    }
    if let Some(finished) = task.actual_finish {
        if finished < started {
            return Err(problem(task, "actual finish is before its actual start"));
        }
        let finish = day_on_or_before(days, task, finished)? + 1;
        return Ok(Some(Span {
            start,
            finish: finish.max(start),
        }));
    }
    let remaining = (task.duration * (100 - i64::from(task.percent_complete)) + 99) / 100;
    let done_part = task.duration - remaining;
    let resume = if done_part == 0 {
        start
    } else {
        cal.forward(start, done_part)
            .ok_or_else(|| problem(task, "runs past the end of the calendar"))?
            .1
    };
    let finish = if remaining == 0 {
        resume
    } else {
        cal.forward(resume.max(today), remaining)
            .ok_or_else(|| problem(task, "runs past the end of the calendar"))?
            .1
    };
    Ok(Some(Span { start, finish }))
}

fn day_on_or_after(days: &WorkDays, task: &Task, date: NaiveDate) -> Result<i64, ScheduleError> {
    days.on_or_after(date).map_err(|e| problem(task, &e))
}

fn day_on_or_before(days: &WorkDays, task: &Task, date: NaiveDate) -> Result<i64, ScheduleError> {
    days.on_or_before(date).map_err(|e| problem(task, &e))
}

/// The date of a program day number; before the start, counted in calendar days.
fn date_of(days: &WorkDays, n: i64) -> NaiveDate {
    days.date(n).unwrap_or_else(|| {
        if n < 0 {
            days.start() - chrono::Days::new(n.unsigned_abs())
        } else {
            days.date(days.len() - 1).unwrap_or(days.start())
        }
    })
}

fn problem(task: &Task, problem: &str) -> ScheduleError {
    ScheduleError::Task {
        task: task.name.clone(),
        problem: problem.to_owned(),
    }
}

/// Checks the tasks and dependencies without scheduling: a cycle, a dependency on a task
/// not in the plan, a negative duration.
pub fn check_order(plan: &Plan) -> Result<(), ScheduleError> {
    graph(plan).map(|_| ())
}

mod graph;

#[cfg(test)]
mod tests;
