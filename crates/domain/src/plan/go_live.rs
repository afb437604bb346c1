//! Go-live forecasts: which task is a wave's go-live milestone, the date the plan now
//! forecasts for it against the wave's planned go-live, the slip in working and calendar
//! days, the status in words, and the chain of work that sets the date.
//!
//! **Which task is the go-live.** A wave's go-live milestone is a milestone of the plan (no
//! duration, no subtasks: a phase summary is not one) that names the wave and no site. When
//! several do, the one forecast to finish last is the go-live (a wave goes live once all its
//! wave-level milestones are reached); on a tie, the one added last (highest id). A site's
//! own milestones (its cutover) never count: the wave goes live as a whole. A wave with no
//! such milestone has no forecast, and pages say so and how to add one.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::dependency::PlanDependency;
use super::ids::TaskIndex;
use super::schedule::Scheduled;
use super::task::PlanTask;
use super::tree::Outline;
use super::{DependencyKind, TaskId};
use crate::money::Cents;
use crate::plan::cost::CostOfDelay;
use crate::wave::WaveId;

/// Each wave's go-live milestone, by index into `tasks`; `summary` and `dates` are by the
/// same index. One pass over the plan.
pub fn go_live_milestones(
    tasks: &[PlanTask],
    summary: &[bool],
    dates: &[Scheduled],
) -> HashMap<WaveId, usize> {
    let mut found: HashMap<WaveId, usize> = HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        let Some(wave) = t.wave_id else { continue };
        if !t.milestone || t.duration != 0 || summary[i] || t.site_id.is_some() {
            continue;
        }
        let key = |k: usize| (dates[k].early_finish, tasks[k].id);
        found
            .entry(wave)
            .and_modify(|best| {
                if key(i) > key(*best) {
                    *best = i;
                }
            })
            .or_insert(i);
    }
    found
}

choice!(
    /// Where a wave's go-live stands.
    GoLiveStatus {
        OnTrack = ("on_track", "on track"),
        Late = ("late", "late"),
        Live = ("live", "live"),
        NoMilestone = ("no_milestone", "no go-live milestone"),
    }
);

/// A wave's go-live: planned against forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoLiveForecast {
    pub wave_id: WaveId,
    /// The wave's go-live date.
    pub planned: NaiveDate,
    /// The go-live milestone (see the module's rule), if the plan has one.
    pub milestone_id: Option<TaskId>,
    pub milestone: Option<String>,
    /// Its early finish as scheduled now; its actual finish once reached.
    pub forecast: Option<NaiveDate>,
    /// Forecast minus planned in program working days: positive is late, negative early.
    pub slip_working_days: i64,
    /// The same in calendar days.
    pub slip_calendar_days: i64,
    pub status: GoLiveStatus,
    /// The status in words: "forecast 8 working days late: moves from 3 Mar to 13 Mar".
    pub words: String,
    /// What the slip costs, once the cost of delay is known (`with_cost`); `None` until a
    /// page or the API asks with the program's cost of a day.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub cost_of_slip: Option<Cents>,
}

/// "3 Mar", or "3 Mar 2027" when `other` falls in another year.
fn day(d: NaiveDate, other: NaiveDate) -> String {
    if d.year() == other.year() {
        d.format("%-d %b").to_string()
    } else {
        d.format("%-d %b %Y").to_string()
    }
}

fn working(n: i64) -> String {
    format!("{n} working day{}", if n == 1 { "" } else { "s" })
}

impl GoLiveForecast {
    /// The wave's go-live from its milestone as scheduled; `working_days(a, b)` counts the
    /// program's working days from `a` to `b` (negative when `b` is earlier).
    pub fn assess(
        wave_id: WaveId,
        planned: NaiveDate,
        milestone: Option<(&PlanTask, &Scheduled)>,
        working_days: impl Fn(NaiveDate, NaiveDate) -> i64,
    ) -> GoLiveForecast {
        let Some((task, dates)) = milestone else {
            return GoLiveForecast {
                wave_id,
                planned,
                milestone_id: None,
                milestone: None,
                forecast: None,
                slip_working_days: 0,
                slip_calendar_days: 0,
                status: GoLiveStatus::NoMilestone,
                words: "no go-live milestone in the plan: add a milestone with this wave and \
                        no site"
                    .into(),
                cost_of_slip: None,
            };
        };
        let forecast = if dates.done {
            task.actual_finish.unwrap_or(dates.early_finish)
        } else {
            dates.early_finish
        };
        let slip = working_days(planned, forecast);
        let (status, words) = if dates.done {
            let when = if slip > 0 {
                format!(
                    ", {} after the planned {}",
                    working(slip),
                    day(planned, forecast)
                )
            } else {
                String::new()
            };
            (
                GoLiveStatus::Live,
                format!("live since {}{when}", day(forecast, planned)),
            )
        } else if slip > 0 {
            (
                GoLiveStatus::Late,
                format!(
                    "forecast {} late: moves from {} to {}",
                    working(slip),
                    day(planned, forecast),
                    day(forecast, planned)
                ),
            )
        } else if slip < 0 {
            (
                GoLiveStatus::OnTrack,
                format!(
                    "on track: forecast {}, {} before the planned {}",
                    day(forecast, planned),
                    working(-slip),
                    day(planned, forecast)
                ),
            )
        } else {
            (
                GoLiveStatus::OnTrack,
                format!(
                    "on track: forecast {}, the planned date",
                    day(forecast, planned)
                ),
            )
        };
        GoLiveForecast {
            wave_id,
            planned,
            milestone_id: Some(task.id),
            milestone: Some(task.name.clone()),
            forecast: Some(forecast),
            slip_working_days: slip,
            slip_calendar_days: (forecast - planned).num_days(),
            status,
            words,
            cost_of_slip: None,
        }
    }

    /// The hook for the cost of delay: what this slip costs at the program's cost of a day
    /// (calendar days late; nothing when on track or early).
    pub fn with_cost(mut self, cost: &CostOfDelay) -> GoLiveForecast {
        self.cost_of_slip = Some(cost.of_slip(self.slip_calendar_days));
        self
    }

    /// How far the forecast moved between two assessments of the same wave, in working days
    /// (positive: later).
    pub fn moved_by(&self, before: &GoLiveForecast) -> i64 {
        self.slip_working_days - before.slip_working_days
    }
}

/// The dependencies into each task, by task index (compressed rows), with the index of the
/// predecessor: what the driving path walks back along.
#[derive(Debug, Clone, Default)]
pub struct Predecessors {
    starts: Vec<u32>,
    /// (predecessor index, kind, lag)
    items: Vec<(u32, DependencyKind, i64)>,
}

impl Predecessors {
    /// `index` gives each task's index by id.
    pub fn new(
        tasks: &[PlanTask],
        dependencies: &[PlanDependency],
        index: &TaskIndex,
    ) -> Predecessors {
        let links: Vec<(u32, u32, DependencyKind, i64)> = dependencies
            .iter()
            .filter_map(|d| {
                let p = index.get(d.predecessor_id)? as u32;
                let s = index.get(d.successor_id)? as u32;
                Some((s, p, d.kind, d.lag))
            })
            .collect();
        let mut starts = vec![0u32; tasks.len() + 1];
        for l in &links {
            starts[l.0 as usize + 1] += 1;
        }
        for i in 0..tasks.len() {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut items = vec![(0, DependencyKind::FinishToStart, 0); links.len()];
        for (s, p, kind, lag) in links {
            items[next[s as usize] as usize] = (p, kind, lag);
            next[s as usize] += 1;
        }
        Predecessors { starts, items }
    }

    fn of(&self, i: usize) -> &[(u32, DependencyKind, i64)] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The plan as the driving path reads it: tasks, their places in the outline and their
/// computed dates, all by the same index.
pub struct PlanDates<'a> {
    pub tasks: &'a [PlanTask],
    pub outline: &'a Outline,
    pub dates: &'a [Scheduled],
    pub predecessors: &'a Predecessors,
    /// Each task's index by id.
    pub index: &'a TaskIndex,
}

impl PlanDates<'_> {
    /// The subtask of summary `i` that a link from it ties to, down to a task with no
    /// subtasks: the one finishing last for a link from its finish, the one starting first
    /// for a link from its start.
    fn leaf(&self, mut i: usize, from_finish: bool) -> usize {
        while let Some(next) = if from_finish {
            self.outline.children[i]
                .iter()
                .copied()
                .max_by_key(|&c| (self.dates[c].early_finish, self.tasks[c].id))
        } else {
            self.outline.children[i]
                .iter()
                .copied()
                .min_by_key(|&c| (self.dates[c].early_start, self.tasks[c].id))
        } {
            i = next;
        }
        i
    }

    /// The work that sets task `from`'s date, walked back from it: at each step the
    /// predecessor whose link holds the task latest (links to a summary hold every task in
    /// it), as long as that link really binds (the task starts or finishes within the link's
    /// lag of it; otherwise a constraint or the status date holds it). The walk stops at a
    /// task already under way or done (its own progress sets its dates), or after `limit`
    /// steps. Indexes, nearest first.
    pub fn driving_path(
        &self,
        from: usize,
        limit: usize,
        working_days: impl Fn(NaiveDate, NaiveDate) -> i64,
    ) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = from;
        while path.len() < limit && self.tasks[at].actual_start.is_none() {
            let here = &self.dates[at];
            // The links into the task, and the start-side links into its summaries.
            let mut links: Vec<(u32, DependencyKind, i64)> = self.predecessors.of(at).to_vec();
            let mut up = self.tasks[at].parent_id;
            let mut guard = 0;
            while let Some(parent) = up.and_then(|p| self.index.get(p)) {
                links.extend(self.predecessors.of(parent).iter().filter(|(_, k, _)| {
                    matches!(
                        k,
                        DependencyKind::FinishToStart | DependencyKind::StartToStart
                    )
                }));
                up = self.tasks[parent].parent_id;
                guard += 1;
                if guard > 64 {
                    break;
                }
            }
            let binding = links
                .iter()
                .filter_map(|&(p, kind, lag)| {
                    let from_finish = matches!(
                        kind,
                        DependencyKind::FinishToStart | DependencyKind::FinishToFinish
                    );
                    let p = self.leaf(p as usize, from_finish);
                    let pred = &self.dates[p];
                    let (theirs, ours, gap) = match kind {
                        DependencyKind::FinishToStart => (pred.early_finish, here.early_start, 1),
                        DependencyKind::StartToStart => (pred.early_start, here.early_start, 0),
                        DependencyKind::FinishToFinish => (pred.early_finish, here.early_finish, 0),
                        DependencyKind::StartToFinish => (pred.early_start, here.early_finish, 0),
                    };
                    (working_days(theirs, ours) <= gap + lag.max(0)).then_some((theirs, p))
                })
                .max_by_key(|&(theirs, p)| (theirs, self.tasks[p].id));
            let Some((_, next)) = binding else { break };
            if path.contains(&next) || next == from {
                break;
            }
            path.push(next);
            at = next;
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::cost::{CostItem, CostKind};
    use crate::plan::testing::{self, d, weekdays};
    use crate::plan::tree::outline;

    /// A task of wave `wave` (and site `site`), named "T<id>".
    fn task(id: TaskId, wave: Option<WaveId>, site: Option<i64>, duration: i64) -> PlanTask {
        testing::task(id, None, &format!("T{id}"), wave, site, duration)
    }

    fn on(id: TaskId, start: &str, finish: &str) -> Scheduled {
        Scheduled {
            id,
            early_start: d(start),
            early_finish: d(finish),
            late_start: d(finish),
            late_finish: d(finish),
            total_float: 0,
            free_float: 0,
            critical: true,
            done: false,
        }
    }

    #[test]
    fn the_go_live_is_the_waves_last_wave_level_milestone() {
        let mut tasks = vec![
            task(1, Some(10), None, 0),    // wave 10's go-live
            task(2, Some(10), None, 0),    // an earlier wave-level milestone
            task(3, Some(10), Some(5), 0), // a site's cutover milestone: not the wave's
            task(4, Some(10), None, 0),    // a phase summary (has a subtask)
            task(5, Some(10), None, 3),    // work, not a milestone
            task(6, Some(20), None, 0),
        ];
        tasks[4].parent_id = Some(4);
        let o = outline(&tasks);
        let dates = [
            on(1, "2027-03-15", "2027-03-15"),
            on(2, "2027-03-01", "2027-03-01"),
            on(3, "2027-04-01", "2027-04-01"),
            on(4, "2027-04-05", "2027-05-01"),
            on(5, "2027-04-05", "2027-05-01"),
            on(6, "2027-06-01", "2027-06-01"),
        ];
        let found = go_live_milestones(&tasks, &o.summary, &dates);
        assert_eq!(
            found.get(&10),
            Some(&0),
            "task 1, not the site's or the summary"
        );
        assert_eq!(found.get(&20), Some(&5));
        assert_eq!(found.get(&30), None, "a wave with no milestone has none");
        // On a tie the one added last wins.
        let tied = [dates[0].clone(), on(2, "2027-03-15", "2027-03-15")];
        let found = go_live_milestones(&tasks[..2], &[false, false], &tied);
        assert_eq!(found.get(&10), Some(&1));
    }

    #[test]
    fn a_late_go_live_says_by_how_much_and_where_it_moves() {
        let m = task(1, Some(10), None, 0);
        let planned = d("2027-03-03");
        let late = on(1, "2027-03-15", "2027-03-15");
        let g = GoLiveForecast::assess(10, planned, Some((&m, &late)), weekdays);
        assert_eq!(g.status, GoLiveStatus::Late);
        assert_eq!((g.slip_working_days, g.slip_calendar_days), (8, 12));
        assert_eq!(
            g.words,
            "forecast 8 working days late: moves from 3 Mar to 15 Mar"
        );
        assert_eq!(g.milestone_id, Some(1));

        let early = on(1, "2027-03-01", "2027-03-01");
        let g = GoLiveForecast::assess(10, planned, Some((&m, &early)), weekdays);
        assert_eq!(g.status, GoLiveStatus::OnTrack);
        assert_eq!(
            g.words,
            "on track: forecast 1 Mar, 2 working days before the planned 3 Mar"
        );
        let exact = on(1, "2027-03-03", "2027-03-03");
        let g = GoLiveForecast::assess(10, planned, Some((&m, &exact)), weekdays);
        assert_eq!(g.words, "on track: forecast 3 Mar, the planned date");
        assert_eq!(g.slip_working_days, 0);

        let across = on(1, "2028-01-04", "2028-01-04");
        let g = GoLiveForecast::assess(10, d("2027-12-30"), Some((&m, &across)), weekdays);
        assert_eq!(
            g.words,
            "forecast 3 working days late: moves from 30 Dec 2027 to 4 Jan 2028"
        );
    }

    #[test]
    fn a_reached_go_live_is_live_and_a_missing_one_says_how_to_add_it() {
        let mut m = task(1, Some(10), None, 0);
        m.actual_start = Some(d("2027-03-05"));
        m.actual_finish = Some(d("2027-03-05"));
        let mut done = on(1, "2027-03-05", "2027-03-05");
        done.done = true;
        let g = GoLiveForecast::assess(10, d("2027-03-03"), Some((&m, &done)), weekdays);
        assert_eq!(g.status, GoLiveStatus::Live);
        assert_eq!(
            g.words,
            "live since 5 Mar, 2 working days after the planned 3 Mar"
        );
        let none = GoLiveForecast::assess(10, d("2027-03-03"), None, weekdays);
        assert_eq!(none.status, GoLiveStatus::NoMilestone);
        assert!(
            none.words
                .contains("add a milestone with this wave and no site")
        );
        assert_eq!(none.forecast, None);
    }

    #[test]
    fn the_cost_hook_prices_calendar_days_late_and_nothing_when_on_track() {
        let m = task(1, Some(10), None, 0);
        let cost = CostOfDelay::itemize(
            &[CostItem {
                id: 1,
                kind: CostKind::LegacyRun,
                name: "Legacy licences".into(),
                per_day: Cents(100_000),
                notes: None,
            }],
            &[],
            Default::default(),
        );
        let late = on(1, "2027-03-15", "2027-03-15");
        let g = GoLiveForecast::assess(10, d("2027-03-03"), Some((&m, &late)), weekdays)
            .with_cost(&cost);
        assert_eq!(g.cost_of_slip, Some(Cents(1_200_000)));
        let early = on(1, "2027-03-01", "2027-03-01");
        let g = GoLiveForecast::assess(10, d("2027-03-03"), Some((&m, &early)), weekdays)
            .with_cost(&cost);
        assert_eq!(g.cost_of_slip, Some(Cents(0)));
    }

    #[test]
    fn the_driving_path_walks_back_the_binding_links_to_work_under_way() {
        // 1 (under way) -> 2 -> 4 (go-live); 3 finishes early and does not drive 4.
        let mut tasks = vec![
            task(1, Some(10), None, 10),
            task(2, Some(10), None, 3),
            task(3, Some(10), None, 2),
            task(4, Some(10), None, 0),
        ];
        tasks[0].actual_start = Some(d("2027-03-01"));
        let deps: Vec<PlanDependency> = [(1, 2), (2, 4), (3, 4)]
            .iter()
            .enumerate()
            .map(|(k, &(p, s))| PlanDependency {
                id: k as i64,
                predecessor_id: p,
                successor_id: s,
                kind: DependencyKind::FinishToStart,
                lag: 0,
            })
            .collect();
        let o = outline(&tasks);
        let dates = [
            on(1, "2027-03-01", "2027-03-12"),
            on(2, "2027-03-15", "2027-03-17"),
            on(3, "2027-03-01", "2027-03-02"),
            on(4, "2027-03-18", "2027-03-18"),
        ];
        let index = TaskIndex::new(tasks.iter().map(|t| t.id));
        let predecessors = Predecessors::new(&tasks, &deps, &index);
        let plan = PlanDates {
            tasks: &tasks,
            outline: &o,
            dates: &dates,
            predecessors: &predecessors,
            index: &index,
        };
        assert_eq!(plan.driving_path(3, 6, weekdays), [1, 0]);
        assert_eq!(
            plan.driving_path(3, 1, weekdays),
            [1],
            "at most `limit` steps"
        );
        // Held by something else (its start is later than any link needs): no path.
        let mut held = dates.clone();
        held[3] = on(4, "2027-04-01", "2027-04-01");
        let plan = PlanDates {
            dates: &held,
            ..plan
        };
        assert!(plan.driving_path(3, 6, weekdays).is_empty());
    }
}
