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

use std::collections::{BTreeSet, HashMap};

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

struct Graph {
    /// Per task, the dependencies it is the successor of / predecessor of.
    into: Rows,
    out_of: Rows,
    /// (predecessor index, successor index, kind, lag)
    links: Vec<(usize, usize, DependencyKind, i64)>,
    order: Vec<usize>,
}

/// Lists of link indexes per task, in one array (compressed rows): cache-friendly at
/// hundreds of thousands of tasks, where a vector per task is not.
struct Rows {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Rows {
    fn new(
        n: usize,
        links: &[(usize, usize, DependencyKind, i64)],
        key: fn(&(usize, usize, DependencyKind, i64)) -> usize,
    ) -> Rows {
        let mut starts = vec![0u32; n + 1];
        for l in links {
            starts[key(l) + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; links.len()];
        for (k, l) in links.iter().enumerate() {
            let row = key(l);
            items[next[row] as usize] = k as u32;
            next[row] += 1;
        }
        Rows { starts, items }
    }

    fn len(&self, i: usize) -> usize {
        (self.starts[i + 1] - self.starts[i]) as usize
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [u32];
    fn index(&self, i: usize) -> &[u32] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
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
    let calendars: Vec<&SiteDays> = plan
        .tasks
        .iter()
        .map(|t| match t.calendar {
            Some(i) => sites
                .get(i)
                .ok_or_else(|| problem(t, "has no such site calendar")),
            None => Ok(&program),
        })
        .collect::<Result<_, _>>()?;
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

    // Forward pass.
    let n = plan.tasks.len();
    let mut early = vec![Span::default(); n];
    let mut done = vec![false; n];
    for &i in &graph.order {
        let task = &plan.tasks[i];
        let cal = calendars[i];
        if let Some(span) = actual_span(task, &days, cal, today)? {
            early[i] = span;
            done[i] = task.actual_finish.is_some();
            continue;
        }
        let mut from = today;
        let mut finish_from = i64::MIN;
        for &l in &graph.into[i] {
            let (p, _, kind, lag) = graph.links[l as usize];
            let bound = match kind {
                DependencyKind::FinishToStart => early[p].finish + lag,
                DependencyKind::StartToStart => early[p].start + lag,
                DependencyKind::FinishToFinish => early[p].finish + lag,
                DependencyKind::StartToFinish => early[p].start + lag,
            };
            if bound < 0 {
                leads_before_start.push((plan.tasks[p].id, task.id));
                warnings.push(format!(
                    "task '{}': the {} days' lead on its link from '{}' would put it before \
                     the project start; it is held at the start",
                    task.name, -lag, plan.tasks[p].name
                ));
            }
            if on_start(kind) {
                from = from.max(bound);
            } else {
                finish_from = finish_from.max(bound);
            }
        }
        if let Some((kind, date)) = task.constraint.filter(|(k, _)| k.is_floor()) {
            let day = day_on_or_after(&days, task, date)?;
            if kind.on_start() {
                from = from.max(day);
            } else {
                finish_from = finish_from.max(finish_after(day, task.duration));
            }
        }
        let mut span = cal
            .forward(from, task.duration)
            .ok_or_else(|| past_end(task))?;
        if span.1 < finish_from {
            span = cal
                .finishing_from(finish_from, task.duration)
                .ok_or_else(|| past_end(task))?;
        }
        early[i] = Span {
            start: span.0,
            finish: span.1,
        };
    }
    let project_finish = early
        .iter()
        .map(|s| s.finish.max(s.start))
        .max()
        .unwrap_or(0);

    // Backward pass.
    let mut late = vec![Span::default(); n];
    for &i in graph.order.iter().rev() {
        let task = &plan.tasks[i];
        if done[i] {
            late[i] = early[i];
            continue;
        }
        let cal = calendars[i];
        let mut until = project_finish;
        let mut start_by = i64::MAX;
        for &l in &graph.out_of[i] {
            let (_, s, kind, lag) = graph.links[l as usize];
            if plan.tasks[s].actual_start.is_some() && on_start(kind) {
                // The successor is under way: what had to happen before it started is
                // history, not a deadline.
                continue;
            }
            let succ = if done[s] { early[s] } else { late[s] };
            match kind {
                DependencyKind::FinishToStart => until = until.min(succ.start - lag),
                DependencyKind::FinishToFinish => until = until.min(succ.finish - lag),
                DependencyKind::StartToStart => start_by = start_by.min(succ.start - lag),
                DependencyKind::StartToFinish => start_by = start_by.min(succ.finish - lag),
            }
        }
        if let Some((kind, date)) = task.constraint.filter(|(k, _)| k.is_ceiling()) {
            let day = day_on_or_before(&days, task, date)?;
            if kind.on_start() {
                start_by = start_by.min(day);
            } else {
                until = until.min(finish_after(day, task.duration));
            }
        }
        let mut span = cal
            .backward(until, task.duration)
            .ok_or_else(|| past_end(task))?;
        if span.0 > start_by {
            span = cal
                .starting_by(start_by, task.duration)
                .ok_or_else(|| past_end(task))?;
        }
        late[i] = Span {
            start: span.0,
            finish: span.1,
        };
        let started = task.actual_start.is_some();
        if started {
            // Its start is history: only its finish can still move.
            late[i].start = early[i].start;
        }
    }

    let mut out = Vec::with_capacity(n);
    for (i, task) in plan.tasks.iter().enumerate() {
        let (e, l) = (early[i], late[i]);
        let total_float = if done[i] {
            0
        } else if task.actual_start.is_some() {
            l.finish - e.finish
        } else {
            (l.start - e.start).min(l.finish - e.finish)
        };
        if total_float < 0 && !done[i] && task.constraint.is_some() {
            warnings.push(format!(
                "task '{}' is {} working days late for its deadlines",
                task.name, -total_float
            ));
        }
        let free_float = if done[i] {
            0
        } else {
            free_float(&graph, i, &early, project_finish).clamp(0, total_float.max(0))
        };
        let date = |n: i64| date_of(&days, n);
        let last = |s: Span, d: i64| {
            if d == 0 {
                date(s.start)
            } else {
                date(s.finish - 1)
            }
        };
        out.push(Scheduled {
            id: task.id,
            early_start: date(e.start),
            early_finish: last(e, task.duration.max(e.finish - e.start)),
            late_start: date(l.start),
            late_finish: last(l, task.duration.max(l.finish - l.start)),
            total_float,
            free_float,
            critical: !done[i] && total_float <= 0,
            done: done[i],
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

/// The least slack between this task's early dates and what its successors' early dates
/// need of it; to the project finish when it has none.
fn free_float(graph: &Graph, i: usize, early: &[Span], project_finish: i64) -> i64 {
    let own = early[i];
    let mut least = project_finish - own.finish.max(own.start);
    for &l in &graph.out_of[i] {
        let (_, s, kind, lag) = graph.links[l as usize];
        let slack = match kind {
            DependencyKind::FinishToStart => early[s].start - (own.finish + lag),
            DependencyKind::StartToStart => early[s].start - (own.start + lag),
            DependencyKind::FinishToFinish => early[s].finish - (own.finish + lag),
            DependencyKind::StartToFinish => early[s].finish - (own.start + lag),
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

/// Checks the tasks and dependencies and orders the tasks so that every predecessor comes
/// before its successors (Kahn's algorithm); a cycle is refused, naming its tasks.
fn graph(plan: &Plan) -> Result<Graph, ScheduleError> {
    let n = plan.tasks.len();
    let mut index = HashMap::with_capacity(n);
    for (i, t) in plan.tasks.iter().enumerate() {
        if index.insert(t.id, i).is_some() {
            return Err(ScheduleError::DuplicateTask { id: t.id });
        }
        if t.duration < 0 {
            return Err(problem(t, "a duration cannot be negative"));
        }
        if t.percent_complete > 100 {
            return Err(problem(t, "percent complete is at most 100"));
        }
    }
    let mut links = Vec::with_capacity(plan.dependencies.len());
    for d in &plan.dependencies {
        let p = *index
            .get(&d.predecessor)
            .ok_or(ScheduleError::UnknownTask(d.predecessor))?;
        let s = *index
            .get(&d.successor)
            .ok_or(ScheduleError::UnknownTask(d.successor))?;
        links.push((p, s, d.kind, d.lag));
    }
    let into = Rows::new(n, &links, |l| l.1);
    let out_of = Rows::new(n, &links, |l| l.0);
    let mut waiting: Vec<u32> = (0..n).map(|i| into.len(i) as u32).collect();
    // Breadth first: tasks come out close to the order they were given in, which keeps the
    // passes' memory access local on large plans.
    let mut order: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut head = 0;
    while let Some(&i) = order.get(head) {
        head += 1;
        for &l in &out_of[i] {
            let s = links[l as usize].1;
            waiting[s] -= 1;
            if waiting[s] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() < n {
        return Err(ScheduleError::Cycle(cycle(plan, &links, &into, &waiting)));
    }
    Ok(Graph {
        into,
        out_of,
        links,
        order,
    })
}

/// One cycle among the tasks Kahn's algorithm could not order, named from its task with the
/// lowest id so the message is the same whatever the input order.
fn cycle(
    plan: &Plan,
    links: &[(usize, usize, DependencyKind, i64)],
    into: &Rows,
    waiting: &[u32],
) -> Vec<String> {
    let stuck = |i: usize| waiting[i] > 0;
    let id = |i: usize| plan.tasks[i].id;
    // A task left waiting has a predecessor left waiting, so walking predecessors among
    // them must come round to a task already seen.
    let mut at = (0..plan.tasks.len())
        .filter(|&i| stuck(i))
        .min_by_key(|&i| id(i))
        .expect("a cycle leaves tasks waiting");
    let mut seen = HashMap::new();
    let mut path = Vec::new();
    while !seen.contains_key(&at) {
        seen.insert(at, path.len());
        path.push(at);
        at = into[at]
            .iter()
            .map(|&l| links[l as usize].0)
            .filter(|&p| stuck(p))
            .min_by_key(|&p| id(p))
            .expect("a waiting task has a waiting predecessor");
    }
    let mut ring: Vec<usize> = path[seen[&at]..].to_vec();
    ring.reverse();
    let low = (0..ring.len()).min_by_key(|&k| id(ring[k])).unwrap_or(0);
    ring.rotate_left(low);
    ring.push(ring[0]);
    ring.iter().map(|&i| plan.tasks[i].name.clone()).collect()
}

#[cfg(test)]
mod tests;
