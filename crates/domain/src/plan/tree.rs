//! The plan as a tree (phases > deliverables > tasks), and how it becomes the engine's input.
//!
//! A task with subtasks is a summary: its dates are those of its subtasks. For the engine a
//! summary is two milestones, its start and its finish: the start comes before each subtask
//! starts, the finish after each subtask finishes. A dependency on a summary ties to its
//! start or finish node as the dependency's kind says, so a link "Phase 1 finish-to-start
//! Phase 2" holds every task of phase 2 until all of phase 1 is done, at the cost of two
//! links per subtask rather than one per pair of subtasks.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::calendar::Calendar;
use super::dependency::PlanDependency;
use super::ids::TaskIndex;
use super::schedule::{self, Dependency, Plan, Schedule, ScheduleError, Scheduled, Task};
use super::task::PlanTask;
use super::{DependencyKind, TaskId};

/// The tasks in outline order (each parent before its subtasks, siblings by position), with
/// their depth and whether they are summaries. Indexes are into the slice given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub order: Vec<usize>,
    pub depth: Vec<u16>,
    pub summary: Vec<bool>,
    /// Each task's subtasks, in order.
    pub children: Vec<Vec<usize>>,
}

pub fn outline(tasks: &[PlanTask]) -> Outline {
    let index = TaskIndex::new(tasks.iter().map(|t| t.id));
    let mut children = vec![Vec::new(); tasks.len()];
    let mut roots = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        match t.parent_id.and_then(|p| index.get(p)) {
            Some(p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let key = |&i: &usize| (tasks[i].position, tasks[i].id);
    roots.sort_by_key(key);
    for c in &mut children {
        c.sort_by_key(key);
    }
    let mut order = Vec::with_capacity(tasks.len());
    let mut depth = vec![0u16; tasks.len()];
    let mut stack: Vec<(usize, u16)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    let mut seen = vec![false; tasks.len()];
    while let Some((i, d)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        order.push(i);
        depth[i] = d;
        stack.extend(children[i].iter().rev().map(|&c| (c, d + 1)));
    }
    // A loop of parents (refused on write, but never trusted) leaves tasks unreached: list
    // them at the top level rather than lose them.
    order.extend((0..tasks.len()).filter(|&i| !seen[i]));
    let summary = children.iter().map(|c| !c.is_empty()).collect();
    Outline {
        order,
        depth,
        summary,
        children,
    }
}

/// The calendar side of the engine's input.
#[derive(Debug, Clone, Default)]
pub struct Calendars {
    pub project_start: Option<NaiveDate>,
    pub status_date: Option<NaiveDate>,
    pub calendar: Calendar,
    /// Each site's own holidays.
    pub site_holidays: HashMap<i64, BTreeSet<NaiveDate>>,
}

/// The engine's input for the plan: leaf tasks as they are, summaries as start and finish
/// nodes (ids `id` and `-id`).
pub fn engine_plan(
    calendars: &Calendars,
    tasks: &[PlanTask],
    dependencies: &[PlanDependency],
    outline: &Outline,
) -> Plan {
    let mut sites: Vec<i64> = calendars.site_holidays.keys().copied().collect();
    sites.sort_unstable();
    let site_index: HashMap<i64, usize> = sites.iter().enumerate().map(|(k, s)| (*s, k)).collect();
    let index = TaskIndex::new(tasks.iter().map(|t| t.id));
    let start_node = |i: usize| tasks[i].id;
    let finish_node = |i: usize| {
        if outline.summary[i] {
            -tasks[i].id
        } else {
            tasks[i].id
        }
    };
    let mut nodes = Vec::with_capacity(tasks.len());
    let mut links = Vec::with_capacity(dependencies.len() + tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        if outline.summary[i] {
            nodes.push(Task::new(t.id, format!("{} (start)", t.name), 0));
            nodes.push(Task::new(-t.id, format!("{} (finish)", t.name), 0));
            for &c in &outline.children[i] {
                links.push(link(t.id, start_node(c), DependencyKind::StartToStart));
                links.push(link(finish_node(c), -t.id, DependencyKind::FinishToFinish));
            }
            continue;
        }
        let mut node = Task::new(t.id, t.name.clone(), t.duration);
        node.calendar = t.site_id.and_then(|s| site_index.get(&s).copied());
        node.constraint = t.constraint_kind.zip(t.constraint_date);
        node.actual_start = t.actual_start;
        node.actual_finish = t.actual_finish;
        node.percent_complete = t.percent_complete.clamp(0, 100) as u8;
        nodes.push(node);
    }
    for d in dependencies {
        let (Some(p), Some(s)) = (index.get(d.predecessor_id), index.get(d.successor_id)) else {
            continue;
        };
        let from = match d.kind {
            DependencyKind::FinishToStart | DependencyKind::FinishToFinish => finish_node(p),
            DependencyKind::StartToStart | DependencyKind::StartToFinish => start_node(p),
        };
        let to = match d.kind {
            DependencyKind::FinishToStart | DependencyKind::StartToStart => start_node(s),
            DependencyKind::FinishToFinish | DependencyKind::StartToFinish => finish_node(s),
        };
        links.push(Dependency {
            predecessor: from,
            successor: to,
            kind: d.kind,
            lag: d.lag,
        });
    }
    Plan {
        start: calendars
            .project_start
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(2000, 1, 3).expect("a date")),
        status_date: calendars.status_date,
        calendar: calendars.calendar.clone(),
        site_holidays: sites
            .iter()
            .map(|s| calendars.site_holidays[s].clone())
            .collect(),
        tasks: nodes,
        dependencies: links,
    }
}

fn link(predecessor: TaskId, successor: TaskId, kind: DependencyKind) -> Dependency {
    Dependency {
        predecessor,
        successor,
        kind,
        lag: 0,
    }
}

/// The loop the dependencies (with the tree) would make, named task by task; `None` when
/// there is none.
pub fn cycle(tasks: &[PlanTask], dependencies: &[PlanDependency]) -> Option<Vec<String>> {
    let outline = outline(tasks);
    let plan = engine_plan(&Calendars::default(), tasks, dependencies, &outline);
    match schedule::check_order(&plan) {
        Err(ScheduleError::Cycle(names)) => Some(names),
        _ => None,
    }
}

/// Every task's dates, summaries rolled up from their subtasks, by index into `tasks`.
pub fn dates(tasks: &[PlanTask], outline: &Outline, schedule: &Schedule) -> Vec<Scheduled> {
    // `engine_plan` gives a summary two nodes and any other task one, in task order: a
    // task's node is found by counting, and by id only if `schedule` came from elsewhere.
    let mut node = Vec::with_capacity(tasks.len());
    let mut next = 0;
    for i in 0..tasks.len() {
        node.push(next);
        next += if outline.summary[i] { 2 } else { 1 };
    }
    let by_id = std::sync::OnceLock::new();
    let scheduled = |i: usize| -> Option<&Scheduled> {
        let id = tasks[i].id;
        match schedule.tasks.get(node[i]) {
            Some(s) if s.id == id => Some(s),
            _ => {
                let by_id =
                    by_id.get_or_init(|| TaskIndex::new(schedule.tasks.iter().map(|s| s.id)));
                by_id.get(id).map(|k| &schedule.tasks[k])
            }
        }
    };
    let mut out: Vec<Option<Scheduled>> = vec![None; tasks.len()];
    for &i in outline.order.iter().rev() {
        if !outline.summary[i] {
            out[i] = scheduled(i).cloned();
            continue;
        }
        let kids: Vec<&Scheduled> = outline.children[i]
            .iter()
            .filter_map(|&c| out[c].as_ref())
            .collect();
        let Some(first) = kids.first() else { continue };
        let mut rolled = (*first).clone();
        rolled.id = tasks[i].id;
        for k in &kids[1..] {
            rolled.early_start = rolled.early_start.min(k.early_start);
            rolled.early_finish = rolled.early_finish.max(k.early_finish);
            rolled.late_start = rolled.late_start.min(k.late_start);
            rolled.late_finish = rolled.late_finish.max(k.late_finish);
            rolled.total_float = rolled.total_float.min(k.total_float);
            rolled.free_float = rolled.free_float.min(k.free_float);
            rolled.critical |= k.critical;
            rolled.done &= k.done;
        }
        out[i] = Some(rolled);
    }
    out.into_iter()
        .zip(tasks)
        .map(|(s, t)| {
            s.unwrap_or_else(|| {
                let day = schedule.finish;
                Scheduled {
                    id: t.id,
                    early_start: day,
                    early_finish: day,
                    late_start: day,
                    late_finish: day,
                    total_float: 0,
                    free_float: 0,
                    critical: false,
                    done: false,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::schedule::schedule;

    fn task(id: TaskId, parent: Option<TaskId>, position: i64, duration: i64) -> PlanTask {
        PlanTask {
            position,
            ..crate::plan::testing::task(id, parent, &format!("T{id}"), None, None, duration)
        }
    }

    fn dep(id: i64, p: TaskId, s: TaskId) -> PlanDependency {
        PlanDependency {
            id,
            predecessor_id: p,
            successor_id: s,
            kind: DependencyKind::FinishToStart,
            lag: 0,
        }
    }

    #[test]
    fn the_outline_puts_parents_first_and_siblings_by_position() {
        let tasks = [
            task(1, None, 2, 0),
            task(2, None, 1, 0),
            task(3, Some(2), 2, 1),
            task(4, Some(2), 1, 1),
            task(5, Some(4), 1, 1),
        ];
        let o = outline(&tasks);
        let ids: Vec<TaskId> = o.order.iter().map(|&i| tasks[i].id).collect();
        assert_eq!(ids, [2, 4, 5, 3, 1]);
        assert_eq!(o.depth[4], 2);
        assert_eq!(o.summary, [false, true, false, true, false]);
    }

    #[test]
    fn a_link_between_phases_holds_every_task_of_the_later_phase() {
        // Phase 1 (10) has tasks 11 (3 days) and 12 (5 days); phase 2 (20) has 21 (2 days).
        let tasks = [
            task(10, None, 1, 0),
            task(11, Some(10), 1, 3),
            task(12, Some(10), 2, 5),
            task(20, None, 2, 0),
            task(21, Some(20), 1, 2),
        ];
        let deps = [dep(1, 10, 20)];
        let o = outline(&tasks);
        let calendars = Calendars {
            project_start: Some("2027-03-01".parse().unwrap()),
            ..Default::default()
        };
        let s = schedule(&engine_plan(&calendars, &tasks, &deps, &o)).unwrap();
        let d = dates(&tasks, &o, &s);
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            d[0].early_finish,
            day("2027-03-05"),
            "phase 1 ends with task 12"
        );
        assert_eq!(
            d[4].early_start,
            day("2027-03-08"),
            "task 21 waits for all of it"
        );
        assert_eq!(
            (d[3].early_start, d[3].early_finish),
            (day("2027-03-08"), day("2027-03-09"))
        );
        assert!(d[0].critical && d[2].critical && !d[1].critical);
        assert_eq!(d[1].total_float, 2);
        assert_eq!(d[0].total_float, 0, "a summary's float is its least");
    }

    #[test]
    fn a_task_linked_to_its_own_phase_is_a_loop() {
        let tasks = [
            task(10, None, 1, 0),
            task(11, Some(10), 1, 3),
            task(12, None, 2, 1),
        ];
        assert_eq!(cycle(&tasks, &[dep(1, 12, 10)]), None);
        let looped = cycle(&tasks, &[dep(1, 11, 10)]).unwrap();
        assert_eq!(looped, ["T10 (start)", "T11", "T10 (start)"]);
    }
}
