//! The engine's graph: tasks ordered so that every predecessor comes before its successors,
//! with each task's links into and out of it, all indexed by position in that order.

use std::collections::HashMap;

use super::{Dependency, Plan, ScheduleError, problem};
use crate::plan::ids::TaskIndex;
use crate::plan::{DependencyKind, TaskId};

/// A link as the passes read it, stored in the row of one of its tasks: `other` is the
/// position (in `Graph::order`) of the task at its other end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Link {
    pub(super) other: u32,
    pub(super) lag: i32,
    pub(super) kind: DependencyKind,
}

/// The tasks in an order where every predecessor comes before its successors, and each
/// task's links into it and out of it. Everything the passes touch is indexed by position
/// in that order, so they walk their arrays front to back (struct of arrays, 32-bit
/// numbers, links stored inline in compressed rows): at hundreds of thousands of tasks the
/// engine's time is memory traffic, not arithmetic.
pub(super) struct Graph {
    /// Position -> index of the task in `Plan::tasks`.
    pub(super) order: Vec<u32>,
    /// Index in `Plan::tasks` -> position.
    pub(super) position: Vec<u32>,
    pub(super) into: Rows,
    pub(super) out_of: Rows,
}

/// Per position, a run of links in one array (compressed rows).
pub(super) struct Rows {
    starts: Vec<u32>,
    links: Vec<Link>,
}

impl Rows {
    /// Rows of `links` (position of the row's task, link) for `n` tasks.
    fn new(n: usize, links: impl Iterator<Item = (u32, Link)> + Clone) -> Rows {
        let mut starts = vec![0u32; n + 1];
        for (row, _) in links.clone() {
            starts[row as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts[..n].to_vec();
        let mut out = vec![
            Link {
                other: 0,
                lag: 0,
                kind: DependencyKind::FinishToStart,
            };
            starts[n] as usize
        ];
        for (row, link) in links {
            let at = &mut next[row as usize];
            out[*at as usize] = link;
            *at += 1;
        }
        Rows { starts, links: out }
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [Link];
    fn index(&self, k: usize) -> &[Link] {
        &self.links[self.starts[k] as usize..self.starts[k + 1] as usize]
    }
}

/// Checks the tasks and dependencies and orders the tasks so that every predecessor comes
/// before its successors (Kahn's algorithm); a cycle is refused, naming its tasks.
pub(super) fn graph(plan: &Plan) -> Result<Graph, ScheduleError> {
    let n = plan.tasks.len();
    if u32::try_from(n).is_err() || u32::try_from(plan.dependencies.len()).is_err() {
        return Err(ScheduleError::Calendar(
            "the plan is too large to schedule".into(),
        ));
    }
    for t in &plan.tasks {
        if t.duration < 0 {
            return Err(problem(t, "a duration cannot be negative"));
        }
        if t.percent_complete > 100 {
            return Err(problem(t, "percent complete is at most 100"));
        }
    }
    let ids = TaskIndex::new(plan.tasks.iter().map(|t| t.id));
    if let Some(id) = ids.duplicate() {
        return Err(ScheduleError::DuplicateTask { id });
    }
    let at = |id: TaskId| {
        ids.get(id)
            .map(|i| i as u32)
            .ok_or(ScheduleError::UnknownTask(id))
    };
    // (predecessor, successor) as indexes in `plan.tasks`.
    let mut ends = Vec::with_capacity(plan.dependencies.len());
    for d in &plan.dependencies {
        ends.push((at(d.predecessor)?, at(d.successor)?));
    }
    // Successors by task index, for the ordering.
    let mut starts = vec![0u32; n + 1];
    let mut waiting = vec![0u32; n];
    for &(p, s) in &ends {
        starts[p as usize + 1] += 1;
        waiting[s as usize] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut next = starts[..n].to_vec();
    let mut successors = vec![0u32; ends.len()];
    for &(p, s) in &ends {
        successors[next[p as usize] as usize] = s;
        next[p as usize] += 1;
    }
    // Breadth first: tasks come out close to the order they were given in, which keeps the
    // passes' memory access local on large plans.
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&i| waiting[i as usize] == 0)
        .collect();
    order.reserve(n - order.len());
    let mut head = 0;
    while let Some(&i) = order.get(head) {
        head += 1;
        for &s in &successors[starts[i as usize] as usize..starts[i as usize + 1] as usize] {
            waiting[s as usize] -= 1;
            if waiting[s as usize] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() < n {
        return Err(ScheduleError::Cycle(cycle(plan, &ends, &waiting)));
    }
    let mut position = vec![0u32; n];
    for (k, &i) in order.iter().enumerate() {
        position[i as usize] = k as u32;
    }
    let link = |d: &Dependency, other: u32| Link {
        other,
        lag: d.lag.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        kind: d.kind,
    };
    let both = || {
        plan.dependencies
            .iter()
            .zip(&ends)
            .map(|(d, &(p, s))| (d, position[p as usize], position[s as usize]))
    };
    let into = Rows::new(n, both().map(|(d, p, s)| (s, link(d, p))));
    let out_of = Rows::new(n, both().map(|(d, p, s)| (p, link(d, s))));
    Ok(Graph {
        order,
        position,
        into,
        out_of,
    })
}

/// One cycle among the tasks Kahn's algorithm could not order, named from its task with the
/// lowest id so the message is the same whatever the input order.
fn cycle(plan: &Plan, ends: &[(u32, u32)], waiting: &[u32]) -> Vec<String> {
    let stuck = |i: usize| waiting[i] > 0;
    let id = |i: usize| plan.tasks[i].id;
    let mut predecessors: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(p, s) in ends {
        if stuck(p as usize) && stuck(s as usize) {
            predecessors.entry(s as usize).or_default().push(p as usize);
        }
    }
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
        at = predecessors[&at]
            .iter()
            .copied()
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
