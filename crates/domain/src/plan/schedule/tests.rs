use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 2027-03-01 is a Monday.
fn plan(tasks: Vec<Task>, dependencies: Vec<Dependency>) -> Plan {
    Plan {
        start: d("2027-03-01"),
        status_date: None,
        calendar: Calendar::default(),
        site_holidays: Vec::new(),
        tasks,
        dependencies,
    }
}

fn link(predecessor: TaskId, successor: TaskId, kind: DependencyKind, lag: i64) -> Dependency {
    Dependency {
        predecessor,
        successor,
        kind,
        lag,
    }
}

fn fs(p: TaskId, s: TaskId) -> Dependency {
    link(p, s, DependencyKind::FinishToStart, 0)
}

#[test]
fn a_chain_runs_over_weekends_and_the_critical_path_has_no_float() {
    // 1 (3 days) -> 2 (4 days) -> 4 (milestone); 1 -> 3 (2 days) -> 4.
    let p = plan(
        vec![
            Task::new(1, "Build", 3),
            Task::new(2, "Test", 4),
            Task::new(3, "Train", 2),
            Task::new(4, "Go-live", 0),
        ],
        vec![fs(1, 2), fs(2, 4), fs(1, 3), fs(3, 4)],
    );
    let s = schedule(&p).unwrap();
    let t = |id| s.get(id).unwrap();
    assert_eq!(
        (t(1).early_start, t(1).early_finish),
        (d("2027-03-01"), d("2027-03-03"))
    );
    assert_eq!(
        (t(2).early_start, t(2).early_finish),
        (d("2027-03-04"), d("2027-03-09"))
    );
    assert_eq!(t(4).early_start, d("2027-03-10"));
    assert_eq!(
        t(4).early_finish,
        d("2027-03-10"),
        "a milestone finishes on its day"
    );
    assert_eq!(
        s.finish,
        d("2027-03-10"),
        "the go-live milestone ends the plan"
    );
    assert_eq!(t(3).total_float, 2);
    assert_eq!(t(3).free_float, 2);
    assert_eq!(t(3).late_start, d("2027-03-08"));
    let critical: Vec<_> = s
        .tasks
        .iter()
        .filter(|t| t.critical)
        .map(|t| t.id)
        .collect();
    assert_eq!(critical, [1, 2, 4]);
}

#[test]
fn each_kind_of_dependency_and_lag_is_honoured() {
    let base = Task::new(1, "A", 5); // Mon 1 .. Fri 5 March
    let cases = [
        (DependencyKind::FinishToStart, 2, "2027-03-10", "2027-03-10"),
        (
            DependencyKind::FinishToStart,
            -2,
            "2027-03-04",
            "2027-03-04",
        ),
        (DependencyKind::StartToStart, 1, "2027-03-02", "2027-03-02"),
        (
            DependencyKind::FinishToFinish,
            0,
            "2027-03-05",
            "2027-03-05",
        ),
        (DependencyKind::StartToFinish, 3, "2027-03-03", "2027-03-03"),
    ];
    for (kind, lag, start, finish) in cases {
        let p = plan(
            vec![base.clone(), Task::new(2, "B", 1)],
            vec![link(1, 2, kind, lag)],
        );
        let b = schedule(&p).unwrap().get(2).unwrap().clone();
        assert_eq!(
            (b.early_start, b.early_finish),
            (d(start), d(finish)),
            "{kind:?} lag {lag}"
        );
    }
}

#[test]
fn a_site_holiday_stretches_only_that_sites_task() {
    let mut p = plan(
        vec![
            Task::new(1, "Program task", 3),
            Task::new(2, "Site task", 3),
        ],
        vec![],
    );
    p.site_holidays = vec![BTreeSet::from([d("2027-03-02")])];
    p.tasks[1].calendar = Some(0);
    let s = schedule(&p).unwrap();
    assert_eq!(s.get(1).unwrap().early_finish, d("2027-03-03"));
    assert_eq!(s.get(2).unwrap().early_finish, d("2027-03-04"));
    p.tasks[0].calendar = Some(7);
    assert!(matches!(schedule(&p), Err(ScheduleError::Task { .. })));
}

#[test]
fn constraints_push_and_deadlines_show_negative_float() {
    let mut p = plan(
        vec![Task::new(1, "Build", 10), Task::new(2, "Go-live", 0)],
        vec![fs(1, 2)],
    );
    p.tasks[0].constraint = Some((ConstraintKind::StartNoEarlierThan, d("2027-03-06")));
    let s = schedule(&p).unwrap();
    assert_eq!(
        s.get(1).unwrap().early_start,
        d("2027-03-08"),
        "Saturday: next Monday"
    );
    p.tasks[1].constraint = Some((ConstraintKind::FinishNoLaterThan, d("2027-03-12")));
    let s = schedule(&p).unwrap();
    let late = s.get(2).unwrap();
    assert_eq!(late.early_start, d("2027-03-22"));
    assert_eq!(late.total_float, -6);
    assert!(late.critical);
    assert_eq!(s.get(1).unwrap().total_float, -6);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("'Go-live' is 6 working days late"))
    );
}

#[test]
fn done_work_is_fixed_and_remaining_work_starts_from_the_status_date() {
    let mut p = plan(
        vec![
            Task::new(1, "Done", 5),
            Task::new(2, "Half done", 4),
            Task::new(3, "Not started", 2),
            Task::new(4, "Unrelated", 1),
        ],
        vec![fs(1, 2), fs(2, 3)],
    );
    p.status_date = Some(d("2027-03-15"));
    p.tasks[0].actual_start = Some(d("2027-03-01"));
    p.tasks[0].actual_finish = Some(d("2027-03-04"));
    p.tasks[1].actual_start = Some(d("2027-03-05"));
    p.tasks[1].percent_complete = 50;
    let s = schedule(&p).unwrap();
    let t = |id| s.get(id).unwrap();
    assert!(t(1).done && !t(1).critical);
    assert_eq!(t(1).early_finish, d("2027-03-04"), "finished early: kept");
    assert_eq!(t(2).early_start, d("2027-03-05"), "actual start kept");
    assert_eq!(
        t(2).early_finish,
        d("2027-03-16"),
        "two days left from Monday 15th"
    );
    assert_eq!(t(3).early_start, d("2027-03-17"));
    assert_eq!(
        t(4).early_start,
        d("2027-03-15"),
        "nothing new before the status date"
    );
    p.tasks[2].actual_finish = Some(d("2027-03-20"));
    assert!(
        schedule(&p)
            .unwrap_err()
            .to_string()
            .contains("no actual start")
    );
}

#[test]
fn a_successor_under_way_sets_no_deadline_for_what_should_have_come_before() {
    // Integration testing started although one build is not finished: the build is late
    // for nothing but the project finish.
    let mut p = plan(
        vec![
            Task::new(1, "Build", 10),
            Task::new(2, "Integration test", 20),
        ],
        vec![fs(1, 2)],
    );
    p.status_date = Some(d("2027-03-08"));
    p.tasks[0].actual_start = Some(d("2027-03-01"));
    p.tasks[0].percent_complete = 10;
    p.tasks[1].actual_start = Some(d("2027-03-02"));
    let s = schedule(&p).unwrap();
    let build = s.get(1).unwrap();
    assert!(build.total_float >= 0, "{build:?}");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn bad_plans_are_refused_naming_what_is_wrong() {
    let cyclic = plan(
        vec![
            Task::new(5, "Upstream", 1),
            Task::new(3, "Design", 1),
            Task::new(9, "Build", 1),
            Task::new(4, "Test", 1),
        ],
        vec![fs(5, 3), fs(3, 9), fs(9, 4), fs(4, 3)],
    );
    assert_eq!(
        schedule(&cyclic).unwrap_err().to_string(),
        "the dependencies form a cycle: Design -> Build -> Test -> Design"
    );
    let dangling = plan(vec![Task::new(1, "A", 1)], vec![fs(1, 42)]);
    assert_eq!(
        schedule(&dangling).unwrap_err(),
        ScheduleError::UnknownTask(42)
    );
    let negative = plan(vec![Task::new(1, "A", -2)], vec![]);
    assert!(schedule(&negative).unwrap_err().to_string().contains("'A'"));
    let lead = plan(
        vec![Task::new(1, "A", 2), Task::new(2, "B", 1)],
        vec![link(1, 2, DependencyKind::StartToStart, -3)],
    );
    let s = schedule(&lead).unwrap();
    assert_eq!(s.get(2).unwrap().early_start, d("2027-03-01"));
    assert!(
        s.warnings[0].contains("before the project start"),
        "{:?}",
        s.warnings
    );
}

// ---- properties -----------------------------------------------------------------------

/// Random acyclic plans: links only run from a lower to a higher position, then the tasks
/// are given the ids of a shuffled permutation so that ids say nothing about order.
fn plans() -> impl Strategy<Value = Plan> {
    (2usize..40)
        .prop_flat_map(|n| {
            let durations = prop::collection::vec(0i64..8, n);
            let links = prop::collection::vec((0..n, 0..n, 0usize..4, -3i64..5), 0..n * 2);
            let ids = Just((1..=n as i64).collect::<Vec<_>>()).prop_shuffle();
            (durations, links, ids)
        })
        .prop_map(|(durations, links, ids)| {
            let tasks = durations
                .iter()
                .enumerate()
                .map(|(i, &dur)| Task::new(ids[i], format!("T{}", ids[i]), dur))
                .collect();
            let dependencies = links
                .into_iter()
                .filter(|(a, b, _, _)| a < b)
                .map(|(a, b, k, lag)| link(ids[a], ids[b], DependencyKind::ALL[k], lag))
                .collect();
            plan(tasks, dependencies)
        })
}

/// Program day numbers of a scheduled task: (start, finish as the day after its last).
fn numbers(days: &WorkDays, task: &Task, s: &Scheduled, late: bool) -> (i64, i64) {
    let (start, finish) = if late {
        (s.late_start, s.late_finish)
    } else {
        (s.early_start, s.early_finish)
    };
    let start = days.on_or_after(start).unwrap();
    let finish = if task.duration == 0 {
        start
    } else {
        days.on_or_after(finish).unwrap() + 1
    };
    (start, finish)
}

fn required(kind: DependencyKind, pred: (i64, i64), succ: (i64, i64), lag: i64) -> i64 {
    match kind {
        DependencyKind::FinishToStart => succ.0 - (pred.1 + lag),
        DependencyKind::StartToStart => succ.0 - (pred.0 + lag),
        DependencyKind::FinishToFinish => succ.1 - (pred.1 + lag),
        DependencyKind::StartToFinish => succ.1 - (pred.0 + lag),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_task_starts_before_its_predecessors_allow(p in plans()) {
        let s = schedule(&p).unwrap();
        let days = WorkDays::new(&p.calendar, p.start).unwrap();
        let at = |id| p.tasks.iter().position(|t| t.id == id).unwrap();
        for dep in &p.dependencies {
            let (a, b) = (at(dep.predecessor), at(dep.successor));
            let pred = numbers(&days, &p.tasks[a], &s.tasks[a], false);
            let succ = numbers(&days, &p.tasks[b], &s.tasks[b], false);
            let slack = required(dep.kind, pred, succ, dep.lag);
            prop_assert!(slack >= 0 || succ.0 == 0, "{dep:?} broken: {pred:?} {succ:?}");
            // Late dates honour the dependencies too.
            let pred = numbers(&days, &p.tasks[a], &s.tasks[a], true);
            let succ = numbers(&days, &p.tasks[b], &s.tasks[b], true);
            prop_assert!(required(dep.kind, pred, succ, dep.lag) >= 0, "late {dep:?}");
        }
    }

    #[test]
    fn float_is_zero_exactly_on_the_critical_path(p in plans()) {
        let s = schedule(&p).unwrap();
        let days = WorkDays::new(&p.calendar, p.start).unwrap();
        let n = p.tasks.len();
        let at = |id| p.tasks.iter().position(|t| t.id == id).unwrap();
        let early: Vec<_> = (0..n).map(|i| numbers(&days, &p.tasks[i], &s.tasks[i], false)).collect();
        let end = early.iter().map(|e| e.1.max(e.0)).max().unwrap();
        // Driving chains back from the project finish, traced without the engine's floats:
        // a task is critical if it ends the project or drives a critical task through a
        // dependency with no slack. (With fixed durations a task's start cannot slip
        // without its finish, so one flag serves both ends.)
        let mut critical: Vec<bool> = early.iter().map(|e| e.1.max(e.0) == end).collect();
        loop {
            let mut changed = false;
            for dep in &p.dependencies {
                let (a, b) = (at(dep.predecessor), at(dep.successor));
                if critical[b] && !critical[a] && required(dep.kind, early[a], early[b], dep.lag) == 0 {
                    critical[a] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (t, critical) in s.tasks.iter().zip(critical) {
            prop_assert!(t.total_float >= 0, "{t:?}");
            prop_assert!(t.free_float >= 0 && t.free_float <= t.total_float, "{t:?}");
            prop_assert_eq!(t.critical, t.total_float == 0);
            prop_assert_eq!(t.critical, critical, "{:?}", t);
        }
    }

    #[test]
    fn results_do_not_depend_on_the_order_tasks_were_entered_in(
        p in plans(),
        seed in any::<u64>(),
    ) {
        let first = schedule(&p).unwrap();
        let mut shuffled = p.clone();
        let mut rng = rand::rngs::mock::StepRng::new(seed, 0x9E37_79B9_7F4A_7C15);
        use rand::seq::SliceRandom;
        shuffled.tasks.shuffle(&mut rng);
        shuffled.dependencies.shuffle(&mut rng);
        shuffled.dependencies.reverse();
        let second = schedule(&shuffled).unwrap();
        for t in &first.tasks {
            prop_assert_eq!(Some(t), second.get(t.id));
        }
        prop_assert_eq!(first.finish, second.finish);
        prop_assert_eq!(first.warnings, second.warnings);
    }
}
