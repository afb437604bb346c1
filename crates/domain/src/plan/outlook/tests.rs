use super::*;
use crate::plan::ConstraintKind;
use crate::plan::DependencyKind::FinishToStart;
use crate::plan::go_live::{GoLiveStatus, Predecessors};
use crate::plan::testing::{
    LAB, PHARMACY, SITE_S, SITE_T, d, demo_like, link, scheduled, site_move, task, waves, weekdays,
};
use crate::plan::wave_move::{MoveKind, plan_move};
use crate::wave::scale::ScaleBand;

fn wave(id: WaveId, go_live: &str, sites: Vec<i64>, modules: Vec<i64>) -> Wave {
    Wave {
        requested_customizations: 0,
        id,
        name: format!("Wave {id}"),
        go_live: d(go_live),
        notes: None,
        site_ids: sites,
        module_ids: modules,
        interfaces: 12,
        approved_customizations: 4,
    }
}

fn headcounts() -> HashMap<SiteId, SiteHeadcount> {
    [
        (SITE_S, "Site S", 120, Some(900)),
        (SITE_T, "Site T", 0, Some(300)),
    ]
    .into_iter()
    .map(|(id, name, roster, expected)| {
        (
            id,
            SiteHeadcount {
                site_id: id,
                name: name.into(),
                roster,
                expected_users: expected,
            },
        )
    })
    .collect()
}

/// The two-wave plan, wave 1's go-live held to 31 March and a "Build complete" milestone
/// after its build phase.
fn plan() -> (Vec<PlanTask>, Vec<PlanDependency>) {
    let (mut tasks, mut deps) = demo_like();
    let go_live = tasks.iter_mut().find(|t| t.id == 131).unwrap();
    go_live.constraint_kind = Some(ConstraintKind::FinishNoLaterThan);
    go_live.constraint_date = Some(d("2027-03-31"));
    tasks.push(task(
        140,
        Some(100),
        "Build complete (Wave 1)",
        Some(1),
        None,
        0,
    ));
    deps.push(link(20, 101, 140, FinishToStart, 0));
    (tasks, deps)
}

use crate::plan::dependency::PlanDependency;

#[test]
fn a_waves_outlook_has_its_forecast_timeline_driving_path_and_scale() {
    let (tasks, deps) = plan();
    let (o, dates, finish, go_lives) = scheduled(&tasks, &deps);
    let index = crate::plan::ids::TaskIndex::new(tasks.iter().map(|t| t.id));
    let predecessors = Predecessors::new(&tasks, &deps, &index);
    let links = PlanDates {
        tasks: &tasks,
        outline: &o,
        dates: &dates,
        predecessors: &predecessors,
        index: &index,
    };
    let plan = ScheduledPlan {
        tasks: &tasks,
        dates: &dates,
        go_lives: &go_lives,
        finish,
        working_days: &weekdays,
    };
    let milestones = milestones_by_wave(&tasks, &o.summary);
    let w = wave(1, "2027-03-31", vec![SITE_S, SITE_T], vec![PHARMACY, LAB]);
    let out = outlook(&w, &plan, &links, &milestones[&1], &headcounts());

    assert_eq!(out.go_live.status, GoLiveStatus::Late);
    assert_eq!(
        out.go_live.words,
        "forecast 6 working days late: moves from 31 Mar to 8 Apr"
    );
    let names: Vec<&str> = out.milestones.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["Build complete (Wave 1)", "Wave 1 go-live"],
        "by date; summaries are not milestones"
    );
    let go_live = &out.milestones[1];
    assert!(go_live.go_live && !out.milestones[0].go_live);
    assert_eq!(go_live.deadline, Some(d("2027-03-31")));
    assert_eq!(go_live.forecast, d("2027-04-08"));
    let path: Vec<&str> = out.driving_path.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        path,
        ["Cutover (Wave 1)", "Walkthrough", "Build Lab"],
        "site S's 20 days of work drive the go-live"
    );
    assert_eq!(out.driving_path[1].task_id, 111, "site S's, not site T's");
    assert_eq!(out.scale.formula, "scope 2 x size 2 x complexity 3 = 12");
    assert_eq!(out.scale.band, ScaleBand::Medium);
    assert_eq!(
        out.scale.users, 420,
        "S from its roster, T from its expectation"
    );
}

#[test]
fn the_what_if_shows_both_waves_before_and_after_and_the_links_it_changes() {
    let (tasks, deps) = plan();
    let (_, dates, finish, go_lives) = scheduled(&tasks, &deps);
    let change = site_move();
    let m = plan_move(&tasks, &deps, &change, &waves());
    let (moved_tasks, moved_deps) = m.apply(&tasks, &deps, 2);
    let (_, moved_dates, moved_finish, moved_go_lives) = scheduled(&moved_tasks, &moved_deps);
    let w1 = wave(1, "2027-03-31", vec![SITE_S, SITE_T], vec![PHARMACY, LAB]);
    let w2 = wave(2, "2027-04-30", vec![], vec![PHARMACY]);
    let (w1_after, w2_after) = change.moved_waves(&w1, &w2);
    assert_eq!(
        (w1_after.site_ids.clone(), w2_after.site_ids.clone()),
        (vec![SITE_T], vec![SITE_S])
    );
    let all = [w1.clone(), w2.clone()];
    let counts = headcounts();
    let what_if = WhatIf {
        change: &change,
        item: "Site S".into(),
        from: (&w1, &w1_after),
        to: (&w2, &w2_after),
        waves: &all,
        headcounts: &counts,
        before: ScheduledPlan {
            tasks: &tasks,
            dates: &dates,
            go_lives: &go_lives,
            finish,
            working_days: &weekdays,
        },
        after: ScheduledPlan {
            tasks: &moved_tasks,
            dates: &moved_dates,
            go_lives: &moved_go_lives,
            finish: moved_finish,
            working_days: &weekdays,
        },
        plan_move: &m,
        error: None,
        revision: 7,
    };
    let out = what_if.outcome();
    assert_eq!(out.from.scale_before.users, 420);
    assert_eq!(out.from.scale_after.users, 300, "site S leaves wave 1");
    assert_eq!(out.to.scale_after.users, 120);
    assert_eq!(out.to.scale_before.size.measure, "no sites");
    assert!(
        out.from.go_live.moved_working_days < 0,
        "wave 1 no longer waits for site S: {:?}",
        out.from.go_live
    );
    assert_eq!(out.from.go_live.after.status, GoLiveStatus::OnTrack);
    assert!(
        out.to.go_live.moved_working_days > 0,
        "{:?}",
        out.to.go_live
    );
    assert_eq!(out.finish_before, d("2027-04-08"));
    assert!(out.finish_after > out.finish_before);
    assert!(out.finish_moved_working_days > 0);
    assert_eq!((out.tasks_moved, out.tasks_reparented), (1, 1));
    let rewired: Vec<(&str, &str)> = out
        .links_rewired
        .iter()
        .map(|l| (l.was.as_str(), l.now.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        rewired[1],
        (
            "Walkthrough (Wave 1) -> Cutover (Wave 1)",
            "Walkthrough (Wave 2) -> Cutover (Wave 2)"
        )
    );
    assert_eq!(out.links_dropped.len(), 1);
    assert_eq!(
        out.links_dropped[0].was,
        "Build Lab (Wave 1) -> Walkthrough (Wave 1)"
    );
    assert!(out.other_waves.is_empty());
    assert!(out.notes.iter().any(|n| n.contains("do not move")));
    assert_eq!((out.revision, out.applied), (7, false));
}

#[test]
fn a_module_already_in_the_other_wave_keeps_its_scope_and_says_so() {
    let (tasks, deps) = plan();
    let (_, dates, finish, go_lives) = scheduled(&tasks, &deps);
    let change = WaveMove {
        kind: MoveKind::Module,
        item_id: PHARMACY,
        from_wave_id: 1,
        to_wave_id: 2,
    };
    let w1 = wave(1, "2027-03-31", vec![SITE_S, SITE_T], vec![PHARMACY, LAB]);
    let w2 = wave(2, "2027-04-30", vec![], vec![PHARMACY]);
    assert!(change.check(&w1, &w2, "Pharmacy").is_ok());
    let (a, b) = change.moved_waves(&w1, &w2);
    assert_eq!(
        (a.module_ids, b.module_ids.clone()),
        (vec![LAB], vec![PHARMACY])
    );
    let all = [w1.clone(), w2.clone()];
    let counts = headcounts();
    let m = plan_move(&tasks, &deps, &change, &waves());
    let same = |t| ScheduledPlan {
        tasks: t,
        dates: &dates,
        go_lives: &go_lives,
        finish,
        working_days: &weekdays,
    };
    let (w1_after, w2_after) = change.moved_waves(&w1, &w2);
    let out = WhatIf {
        change: &change,
        item: "Pharmacy".into(),
        from: (&w1, &w1_after),
        to: (&w2, &w2_after),
        waves: &all,
        headcounts: &counts,
        before: same(&tasks),
        after: same(&tasks),
        plan_move: &m,
        error: None,
        revision: 1,
    }
    .outcome();
    assert_eq!(out.from.scale_after.modules, 1);
    assert_eq!(out.to.scale_after.modules, 1);
    assert!(
        out.notes[0].starts_with("Pharmacy already goes live in Wave 2"),
        "{:?}",
        out.notes
    );
}

#[test]
fn a_move_must_fit_the_waves_as_they_are() {
    let w1 = wave(1, "2027-03-31", vec![SITE_S], vec![PHARMACY]);
    let w2 = wave(2, "2027-04-30", vec![SITE_T], vec![]);
    let not_there = WaveMove {
        item_id: SITE_T,
        ..site_move()
    };
    let err = not_there.check(&w1, &w2, "Site T").unwrap_err();
    assert_eq!(
        err.message_for("site_id"),
        Some("Site T does not go live in Wave 1")
    );
    let back = WaveMove {
        from_wave_id: 2,
        to_wave_id: 1,
        ..not_there
    };
    assert!(back.check(&w2, &w1, "Site T").is_ok());
    let both = Wave {
        site_ids: vec![SITE_S],
        ..w2.clone()
    };
    let err = site_move().check(&w1, &both, "Site S").unwrap_err();
    assert_eq!(
        err.message_for("site_id"),
        Some("Site S already goes live in Wave 2")
    );
    let lab = WaveMove {
        kind: MoveKind::Module,
        item_id: LAB,
        ..site_move()
    };
    let err = lab.check(&w1, &w2, "Laboratory").unwrap_err();
    assert_eq!(
        err.message_for("module_id"),
        Some("Laboratory is not in Wave 1's scope")
    );
}

fn mark(
    site_id: Option<SiteId>,
    forecast: &str,
    deadline: Option<&str>,
    done: bool,
) -> TimelineMilestone {
    TimelineMilestone {
        task_id: 1,
        name: "M".into(),
        site_id,
        forecast: forecast.parse().unwrap(),
        deadline: deadline.map(|d| d.parse().unwrap()),
        done,
        critical: false,
        go_live: false,
    }
}

#[test]
fn a_sites_milestones_on_track_are_the_wave_s_and_its_own_held_to_a_date() {
    let line = [
        // The wave's: on time, and late.
        mark(None, "2027-03-01", Some("2027-03-05"), false),
        mark(None, "2027-03-09", Some("2027-03-05"), false),
        // Site 1's: reached after its date (reached is on track), and with no date.
        mark(Some(1), "2027-03-09", Some("2027-03-05"), true),
        mark(Some(1), "2027-04-01", None, false),
        // Site 2's: late.
        mark(Some(2), "2027-03-09", Some("2027-03-08"), false),
    ];
    assert!(line[1].late() && line[4].late());
    assert!(!line[0].late() && !line[2].late() && !line[3].late());
    assert_eq!(milestones_on_track(&line, 1), Some(200.0 / 3.0));
    assert_eq!(milestones_on_track(&line, 2), Some(100.0 / 3.0));
    assert_eq!(milestones_on_track(&line, 3), Some(50.0), "the wave's only");
    assert_eq!(
        milestones_on_track(&line[3..4], 1),
        None,
        "nothing held to a date: nothing to be on track for"
    );
}
