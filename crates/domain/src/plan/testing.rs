//! Test fixtures shared by the plan's unit tests: a small two-wave plan shaped like the
//! demo's, and a way to schedule it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dependency::PlanDependency;
use super::go_live::go_live_milestones;
use super::schedule::{Scheduled, schedule};
use super::task::PlanTask;
use super::tree::{Calendars, Outline, dates, engine_plan, outline};
use super::wave_move::{MoveKind, MoveWaves, WaveMove};
use super::{DependencyKind, TaskId};
use crate::wave::WaveId;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub const PHARMACY: i64 = 7;
pub const LAB: i64 = 8;
pub const SITE_S: i64 = 5;
pub const SITE_T: i64 = 6;

pub fn task(
    id: TaskId,
    parent: Option<TaskId>,
    name: &str,
    wave: Option<WaveId>,
    site: Option<i64>,
    duration: i64,
) -> PlanTask {
    PlanTask {
        id,
        parent_id: parent,
        position: id,
        name: name.into(),
        owner_person_id: None,
        site_id: site,
        wave_id: wave,
        module_id: None,
        duration,
        milestone: duration == 0,
        constraint_kind: None,
        constraint_date: None,
        percent_complete: 0,
        actual_start: None,
        actual_finish: None,
        notes: None,
    }
}

pub fn module(mut t: PlanTask, module: i64) -> PlanTask {
    t.module_id = Some(module);
    t
}

pub fn link(id: i64, p: TaskId, s: TaskId, kind: DependencyKind, lag: i64) -> PlanDependency {
    PlanDependency {
        id,
        predecessor_id: p,
        successor_id: s,
        kind,
        lag,
    }
}

/// Two waves shaped like the demo's. Wave 1 (ids 1xx) builds Pharmacy and Lab, has sites S
/// and T, then cutover and go-live; wave 2 (ids 2xx) builds Pharmacy only. Site S's
/// readiness summary has no wave; its work waits on both builds and feeds wave 1's cutover.
pub fn demo_like() -> (Vec<PlanTask>, Vec<PlanDependency>) {
    use DependencyKind::{FinishToStart as FS, StartToStart as SS};
    let tasks = vec![
        task(100, None, "Wave 1", Some(1), None, 0),
        task(101, Some(100), "Build (Wave 1)", Some(1), None, 0),
        module(
            task(102, Some(101), "Build Pharmacy", Some(1), None, 10),
            PHARMACY,
        ),
        module(task(103, Some(101), "Build Lab", Some(1), None, 8), LAB),
        task(110, Some(100), "Readiness: S", None, Some(SITE_S), 0),
        task(111, Some(110), "Walkthrough", Some(1), Some(SITE_S), 20),
        task(120, Some(100), "Readiness: T", None, Some(SITE_T), 0),
        task(121, Some(120), "Walkthrough", Some(1), Some(SITE_T), 2),
        task(130, Some(100), "Cutover (Wave 1)", Some(1), None, 3),
        task(131, Some(100), "Wave 1 go-live", Some(1), None, 0),
        task(200, None, "Wave 2", Some(2), None, 0),
        task(201, Some(200), "Build (Wave 2)", Some(2), None, 0),
        module(
            task(202, Some(201), "Build Pharmacy", Some(2), None, 10),
            PHARMACY,
        ),
        task(230, Some(200), "Cutover (Wave 2)", Some(2), None, 3),
        task(231, Some(200), "Wave 2 go-live", Some(2), None, 0),
    ];
    let deps = vec![
        link(1, 102, 111, SS, 5),
        link(2, 103, 111, SS, 5),
        link(3, 111, 130, FS, 0),
        link(4, 102, 121, SS, 5),
        link(5, 121, 130, FS, 0),
        link(6, 102, 130, FS, 0),
        link(7, 103, 130, FS, 0),
        link(8, 130, 131, FS, 0),
        link(9, 202, 230, FS, 0),
        link(10, 230, 231, FS, 0),
        // Wave 2 builds once wave 1 has.
        link(11, 101, 201, FS, 0),
    ];
    (tasks, deps)
}

pub fn waves() -> MoveWaves<'static> {
    MoveWaves {
        from_name: "Wave 1",
        to_name: "Wave 2",
        from_go_live: Some(131),
        to_go_live: Some(231),
    }
}

pub fn site_move() -> WaveMove {
    WaveMove {
        kind: MoveKind::Site,
        item_id: SITE_S,
        from_wave_id: 1,
        to_wave_id: 2,
    }
}

/// `tasks` scheduled from Monday 1 March 2027, Monday to Friday.
pub fn scheduled(
    tasks: &[PlanTask],
    deps: &[PlanDependency],
) -> (Outline, Vec<Scheduled>, NaiveDate, HashMap<WaveId, usize>) {
    let calendars = Calendars {
        project_start: Some(d("2027-03-01")),
        ..Default::default()
    };
    let o = outline(tasks);
    let s = schedule(&engine_plan(&calendars, tasks, deps, &o)).unwrap();
    let dated = dates(tasks, &o, &s);
    let found = go_live_milestones(tasks, &o.summary, &dated);
    (o, dated, s.finish, found)
}

/// Waves 1 and 2's go-live dates as scheduled.
pub fn go_live_dates(tasks: &[PlanTask], deps: &[PlanDependency]) -> (NaiveDate, NaiveDate) {
    let (_, dated, _, found) = scheduled(tasks, deps);
    (dated[found[&1]].early_finish, dated[found[&2]].early_finish)
}

/// Monday to Friday, no holidays: working days from `a` to `b`.
pub fn weekdays(a: NaiveDate, b: NaiveDate) -> i64 {
    use chrono::Datelike;
    let count = |from: NaiveDate, to: NaiveDate| {
        from.iter_days()
            .take_while(|x| *x < to)
            .filter(|x| x.weekday().num_days_from_monday() < 5)
            .count() as i64
    };
    if b >= a { count(a, b) } else { -count(b, a) }
}
