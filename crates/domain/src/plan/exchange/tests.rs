//! Whole-file checks: every problem named by where it is.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::*;
use crate::plan::task::TaskDraft;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn task(uid: i64, parent: Option<i64>, name: &str, duration: i64) -> FileTask {
    FileTask {
        key: uid.to_string(),
        origin: Origin::Task {
            uid,
            line: uid as u64 * 10,
        },
        parent: parent.map(|p| p.to_string()),
        spec: TaskDraft {
            name: Some(name.into()),
            duration: Some(duration.to_string()),
            ..Default::default()
        }
        .parse()
        .unwrap(),
    }
}

fn link(from: i64, to: i64, lag: i64) -> FileLink {
    FileLink {
        predecessor: from.to_string(),
        successor: to.to_string(),
        kind: DependencyKind::FinishToStart,
        lag,
        origin: Origin::Task {
            uid: to,
            line: to as u64 * 10,
        },
    }
}

fn file(tasks: Vec<FileTask>, links: Vec<FileLink>) -> PlanFile {
    PlanFile {
        tasks,
        links,
        fields: HashMap::from([
            ("predecessors", "<PredecessorUID>".to_owned()),
            ("lag", "<LinkLag>".to_owned()),
            ("actual_start", "<ActualStart>".to_owned()),
            ("constraint_date", "<ConstraintDate>".to_owned()),
            ("id", "<UID>".to_owned()),
        ]),
        ..Default::default()
    }
}

/// Monday 1 March 2027, Monday to Friday.
fn target() -> Target {
    Target {
        project_start: day("2027-03-01"),
        calendar: Calendar::default(),
    }
}

fn problems(f: &PlanFile) -> Vec<String> {
    let mut p = Problems::default();
    check(f, &target(), &mut p);
    match p.or(()) {
        Ok(()) => Vec::new(),
        Err(refused) => refused.problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn a_sound_file_has_no_problems() {
    let f = file(
        vec![
            task(1, None, "Build", 0),
            task(2, Some(1), "Design", 3),
            task(3, Some(1), "Configure", 4),
        ],
        vec![link(2, 3, 0)],
    );
    assert_eq!(problems(&f), Vec::<String>::new());
}

#[test]
fn a_link_to_no_task_is_named_by_its_task_and_element() {
    let f = file(
        vec![task(9, None, "Go-live", 1), task(4, None, "Build", 2)],
        vec![link(44, 9, 0), link(4, 9, 0), link(4, 9, 0), link(4, 4, 0)],
    );
    assert_eq!(
        problems(&f),
        [
            "Task UID 9 (line 90): <PredecessorUID> 44 names no task",
            "Task UID 9 (line 90): <PredecessorUID> 4 is linked to this task twice; keep one link",
            "Task UID 4 (line 40): <PredecessorUID> a task cannot depend on itself",
        ]
    );
}

#[test]
fn a_loop_is_refused_naming_its_tasks() {
    let f = file(
        vec![
            task(1, None, "A", 1),
            task(2, None, "B", 1),
            task(3, None, "C", 1),
        ],
        vec![link(1, 2, 0), link(2, 3, 0), link(3, 1, 0)],
    );
    let found = problems(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("the file: <PredecessorUID> the links form a loop: "),
        "{found:?}"
    );
    for name in [
        "Task UID 1 (line 10) 'A'",
        "Task UID 2 (line 20) 'B'",
        "Task UID 3 (line 30) 'C'",
    ] {
        assert!(found[0].contains(name), "{found:?}");
    }
}

#[test]
fn a_task_linked_to_its_own_summary_is_a_loop_too() {
    let f = file(
        vec![task(1, None, "Phase", 0), task(2, Some(1), "Inside", 2)],
        vec![link(2, 1, 0)],
    );
    assert!(problems(&f)[0].contains("the links form a loop"));
}

#[test]
fn a_lead_that_reaches_before_the_project_start_is_refused() {
    // A takes two days from the start; B follows it with a five-day lead.
    let f = file(
        vec![
            task(1, None, "A", 2),
            task(2, None, "B", 1),
            task(3, None, "C", 1),
        ],
        vec![link(1, 2, -5), link(1, 3, -1)],
    );
    assert_eq!(
        problems(&f),
        [
            "Task UID 2 (line 20): <LinkLag> the 5 working days' lead on the link from Task UID 1 (line 10) 'A' would start this task before the project start (2027-03-01)"
        ]
    );
}

#[test]
fn dates_outside_the_calendar_are_refused_each_by_name() {
    let mut early = task(5, None, "Kick-off", 1);
    early.spec.actual_start = Some(day("2027-02-26"));
    let mut late = task(6, None, "Far", 1);
    late.spec.constraint = Some((
        crate::plan::ConstraintKind::StartNoEarlierThan,
        day("2090-01-01"),
    ));
    let f = file(vec![early, late], vec![]);
    assert_eq!(
        problems(&f),
        [
            "Task UID 5 (line 50): <ActualStart> 2027-02-26 is before the project start, 2027-03-01: outside the calendar",
            "Task UID 6 (line 60): <ConstraintDate> 2090-01-01 is outside the calendar, which reaches 40 years from the project start (2027-03-01)",
        ]
    );
}

#[test]
fn keys_given_twice_and_parents_that_loop_are_named() {
    let mut a = task(1, Some(2), "A", 1);
    a.origin = Origin::Row(2);
    let mut b = task(2, Some(1), "B", 1);
    b.origin = Origin::Row(3);
    let mut c = task(2, None, "C", 1);
    c.origin = Origin::Row(4);
    let mut d = task(7, Some(99), "D", 1);
    d.origin = Origin::Row(5);
    let mut f = file(vec![a, b, c, d], vec![]);
    f.fields.insert("id", "Task ID".into());
    f.fields.insert("parent", "Parent".into());
    let found = problems(&f);
    assert_eq!(
        found,
        [
            "row 4, Task ID: '2' is given twice (first at row 3)",
            "row 2, Parent: '1' sits under itself through its parents",
            "row 5, Parent: '99' names no task in the file",
        ]
    );
}

#[test]
fn only_the_first_hundred_problems_are_kept_but_all_are_counted() {
    let tasks = vec![task(1, None, "A", 1)];
    let links = (0..150).map(|k| link(1000 + k, 1, 0)).collect();
    let mut p = Problems::default();
    check(&file(tasks, links), &target(), &mut p);
    let refused = p.or(()).unwrap_err();
    assert_eq!((refused.problems.len(), refused.total), (MAX_PROBLEMS, 150));
    assert!(
        refused
            .summary()
            .contains("150 problems (the first 100 are listed)")
    );
}
