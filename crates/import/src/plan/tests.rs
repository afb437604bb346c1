//! The Microsoft Project XML reader on hand-made files: the two shapes it meets (Microsoft
//! Project's and ProjectLibre's), and every kind of bad input, each named by where it is.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use muster_domain::plan::exchange::{PlanFile, Problems, Target, check};
use muster_domain::plan::{ConstraintKind, DependencyKind};

use super::mspdi;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plan")
        .join(name)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Reads `path` and checks it against its own calendar: the plan, or every problem.
fn import(path: &Path) -> Result<PlanFile, Vec<String>> {
    let mut problems = Problems::default();
    let file = mspdi::read(path, &mut problems).unwrap();
    if let Some(c) = &file.calendar {
        let target = Target {
            project_start: c.project_start,
            calendar: c.calendar(),
        };
        check(&file, &target, &mut problems);
    }
    problems
        .or(file)
        .map_err(|r| r.problems.iter().map(|p| p.to_string()).collect())
}

/// A project starting Monday 1 March 2027 with `tasks`, one element per line: the first
/// task is on line 5.
fn project(tasks: &[String]) -> (tempfile::TempDir, PathBuf) {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n<StartDate>2027-03-01T08:00:00</StartDate>\n<Tasks>\n{}\n</Tasks>\n</Project>\n",
        tasks.join("\n")
    );
    write(&xml)
}

fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.xml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn task(uid: i64, level: i64, duration: &str, more: &str) -> String {
    format!(
        "<Task><UID>{uid}</UID><Name>T{uid}</Name><OutlineLevel>{level}</OutlineLevel><Duration>{duration}</Duration>{more}</Task>"
    )
}

fn after(uid: i64, kind: i64, lag: i64) -> String {
    format!(
        "<PredecessorLink><PredecessorUID>{uid}</PredecessorUID><Type>{kind}</Type><LinkLag>{lag}</LinkLag><LagFormat>7</LagFormat></PredecessorLink>"
    )
}

#[test]
fn a_microsoft_project_file_is_read_with_its_outline_links_and_calendar() {
    let file = import(&fixture("ms_project.xml")).unwrap();
    let keys: Vec<&str> = file.tasks.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        ["1", "2", "3", "7", "5", "6"],
        "UID 0 and the null task are left out"
    );
    let t = |k: &str| file.tasks.iter().find(|t| t.key == k).unwrap();
    assert_eq!(t("1").spec.name.as_str(), "Design & build");
    assert_eq!(t("2").parent.as_deref(), Some("1"));
    assert_eq!(t("5").parent.as_deref(), Some("7"));
    assert_eq!(t("6").parent, None);
    assert_eq!(t("2").spec.duration, 3);
    assert_eq!(
        t("2").spec.duration,
        3,
        "the task's own <Duration>, not its <Baseline>'s"
    );
    assert_eq!(t("5").spec.duration, 2, "12 hours round up to two days");
    assert!(t("6").spec.milestone && t("6").spec.duration == 0);
    assert_eq!(
        (t("2").spec.percent_complete, t("2").spec.actual_start),
        (50, Some(day("2027-03-01")))
    );
    assert_eq!(
        t("2").spec.constraint,
        None,
        "as soon as possible: its date means nothing"
    );
    assert_eq!(
        t("5").spec.constraint,
        Some((ConstraintKind::StartNoEarlierThan, day("2027-03-08")))
    );
    assert_eq!(
        t("3").spec.notes.as_deref(),
        Some("Configure <order sets> \u{2013} see the build book")
    );
    let links: Vec<(&str, &str, DependencyKind, i64)> = file
        .links
        .iter()
        .map(|l| (l.predecessor.as_str(), l.successor.as_str(), l.kind, l.lag))
        .collect();
    assert_eq!(
        links,
        [
            ("2", "3", DependencyKind::FinishToStart, 0),
            ("3", "5", DependencyKind::StartToStart, 2),
            ("5", "6", DependencyKind::FinishToStart, 0),
            ("1", "6", DependencyKind::FinishToFinish, -1),
        ]
    );
    let calendar = file.calendar.as_ref().unwrap();
    assert_eq!(calendar.project_start, day("2027-03-01"));
    assert_eq!(
        calendar.working_weekdays,
        [true, true, true, true, true, false, false],
        "the project's calendar, not the resource's night shift"
    );
    assert_eq!(
        calendar.holidays.iter().collect::<Vec<_>>(),
        [(&day("2027-03-05"), &"Founders' day".to_owned())]
    );
    let notes = file.notes.join(" | ");
    assert!(notes.contains("recurring exception 'Christmas'"), "{notes}");
    assert!(notes.contains("1 duration(s) were not whole"), "{notes}");
}

#[test]
fn a_projectlibre_file_with_optional_elements_left_out_is_read_too() {
    let file = import(&fixture("projectlibre.xml")).unwrap();
    let durations: Vec<i64> = file.tasks.iter().map(|t| t.spec.duration).collect();
    assert_eq!(
        durations,
        [2, 3, 0],
        "PT16H, PT20H (rounded up), PT0H at 480 minutes a day"
    );
    assert!(file.tasks.iter().all(|t| t.parent.is_none()));
    let links: Vec<(&str, DependencyKind, i64)> = file
        .links
        .iter()
        .map(|l| (l.predecessor.as_str(), l.kind, l.lag))
        .collect();
    assert_eq!(
        links,
        [
            ("1", DependencyKind::FinishToStart, 1),
            ("2", DependencyKind::FinishToStart, 0)
        ],
        "no <LagFormat> is days, no <Type> is finish-to-start"
    );
    let calendar = file.calendar.unwrap();
    assert_eq!(
        calendar.working_weekdays,
        [true, true, true, true, true, false, false]
    );
    assert_eq!(
        calendar.holidays.keys().copied().collect::<Vec<_>>(),
        [day("2027-04-08"), day("2027-04-09")],
        "an old-style exception (DayType 0) is a range of days off"
    );
}

#[test]
fn malformed_xml_is_refused_at_its_line() {
    let (_dir, path) = write(
        "<?xml version=\"1.0\"?>\n<Project>\n<StartDate>2027-03-01T08:00:00</StartDate>\n<Tasks>\n<Task><UID>1</UID><Name>A</Task>\n</Tasks>\n</Project>\n",
    );
    let problems = import(&path).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("line 5: the XML is malformed") && problems[0].contains("Name"),
        "{problems:?}"
    );
}

#[test]
fn a_truncated_file_says_which_element_it_ends_in() {
    let whole = std::fs::read_to_string(fixture("ms_project.xml")).unwrap();
    let cut = whole.find("<Name>Build</Name>").unwrap() + "<Name>Build</Name>".len();
    let (_dir, path) = write(&whole[..cut]);
    let problems = import(&path).unwrap_err();
    assert_eq!(
        problems,
        ["line 126: the file ends inside <Task> Task UID 3 (line 123) (truncated?)"]
    );
    // Cut inside a tag.
    let (_dir, path) = write(&whole[..cut - 3]);
    let problems = import(&path).unwrap_err();
    assert!(
        problems[0].contains("ends inside a tag") && problems[0].contains("truncated"),
        "{problems:?}"
    );
}

#[test]
fn a_negative_or_unreadable_duration_names_its_task_and_line() {
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", ""),
        task(2, 1, "-PT8H0M0S", ""),
        task(3, 1, "P-3D", ""),
    ]);
    assert_eq!(
        import(&path).unwrap_err(),
        [
            "Task UID 2 (line 6): <Duration> '-PT8H0M0S' is negative: a task cannot take less than no time",
            "Task UID 3 (line 7): <Duration> 'P-3D' is not a duration (such as PT8H0M0S)",
        ]
    );
}

#[test]
fn a_link_to_a_uid_no_task_has_is_named() {
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", ""),
        task(9, 1, "PT8H0M0S", &after(44, 1, 0)),
    ]);
    assert_eq!(
        import(&path).unwrap_err(),
        ["Task UID 9 (line 6): <PredecessorUID> 44 names no task"]
    );
}

#[test]
fn a_loop_of_links_is_refused_with_its_tasks() {
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", &after(3, 1, 0)),
        task(2, 1, "PT8H0M0S", &after(1, 1, 0)),
        task(3, 1, "PT8H0M0S", &after(2, 1, 0)),
    ]);
    let problems = import(&path).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("the file: <PredecessorUID> the links form a loop")
            && problems[0].contains("Task UID 2 (line 6) 'T2'"),
        "{problems:?}"
    );
}

#[test]
fn a_lead_that_pushes_a_task_before_the_project_start_is_refused() {
    // T1 takes a day; T2 starts three days before T1 finishes.
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", ""),
        task(2, 1, "PT8H0M0S", &after(1, 1, -14_400)),
    ]);
    assert_eq!(
        import(&path).unwrap_err(),
        [
            "Task UID 2 (line 6): <LinkLag> the 3 working days' lead on the link from Task UID 1 (line 5) 'T1' would start this task before the project start (2027-03-01)"
        ]
    );
}

#[test]
fn dates_outside_the_calendar_are_refused() {
    let (_dir, path) = project(&[
        task(
            1,
            1,
            "PT8H0M0S",
            "<ActualStart>2027-02-22T08:00:00</ActualStart>",
        ),
        task(
            2,
            1,
            "PT8H0M0S",
            "<ConstraintType>2</ConstraintType><ConstraintDate>2077-01-04T08:00:00</ConstraintDate>",
        ),
    ]);
    assert_eq!(
        import(&path).unwrap_err(),
        [
            "Task UID 1 (line 5): <ActualStart> 2027-02-22 is before the project start, 2027-03-01: outside the calendar",
            "Task UID 2 (line 6): <ConstraintDate> 2077-01-04 is outside the calendar, which reaches 40 years from the project start (2027-03-01)",
        ]
    );
}

#[test]
fn values_that_are_not_values_are_all_named_at_once() {
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", "<ConstraintType>9</ConstraintType>"),
        task(2, 3, "PT8H0M0S", "<PercentComplete>140</PercentComplete>"),
        task(3, 1, "PT8H0M0S", &after(1, 5, 0)),
        task(
            4,
            1,
            "PT8H0M0S",
            "<PredecessorLink><PredecessorUID>1</PredecessorUID><LinkLag>500</LinkLag><LagFormat>19</LagFormat></PredecessorLink>",
        ),
        "<Task><UID>x</UID><Name>No uid</Name><Duration>PT8H0M0S</Duration></Task>".into(),
    ]);
    assert_eq!(
        import(&path).unwrap_err(),
        [
            "Task UID 1 (line 5): <ConstraintType> 9 is not a constraint type (0 to 7)",
            "Task UID 2 (line 6): <OutlineLevel> 3 follows a task at level 1: a level can go down one at a time",
            "Task UID 2 (line 6): <PercentComplete> '140' is not a percentage from 0 to 100",
            "Task UID 3 (line 7): <Type> 5 is not a link type (0 finish-to-finish, 1 finish-to-start, 2 start-to-finish, 3 start-to-start)",
            "Task UID 4 (line 8): <LagFormat> a lag given as a percentage of the predecessor's duration is not supported; give it in days",
            "line 9: <UID> 'x' is not a whole number",
        ]
    );
}

#[test]
fn files_that_are_not_microsoft_project_xml_say_so() {
    let (_dir, path) = write("<html><body>Not a plan</body></html>");
    let problems = import(&path).unwrap_err();
    assert!(
        problems[0].contains("its root element is <html>"),
        "{problems:?}"
    );
    let (_dir, path) = write("id,name,duration\n1,Design,3\n");
    let problems = import(&path).unwrap_err();
    assert!(
        problems[0].contains("has no <Project> element"),
        "{problems:?}"
    );
    let (_dir, path) = write(
        "<Project><Tasks><Task><UID>1</UID><Name>A</Name><Duration>PT8H</Duration></Task></Tasks></Project>",
    );
    let problems = import(&path).unwrap_err();
    assert_eq!(
        problems,
        ["the file: <StartDate> is missing: the project needs its start date"]
    );
}

#[test]
fn an_elapsed_duration_counts_the_working_share_of_calendar_time() {
    // A week round the clock (7 elapsed days) is five working days Monday to Friday.
    let (_dir, path) = project(&[task(
        1,
        1,
        "PT168H0M0S",
        "<DurationFormat>8</DurationFormat>",
    )]);
    let file = import(&path).unwrap();
    assert_eq!(file.tasks[0].spec.duration, 5);
}

#[test]
fn inactive_tasks_are_left_out_with_their_links() {
    let (_dir, path) = project(&[
        task(1, 1, "PT8H0M0S", "<Active>0</Active>"),
        task(2, 1, "PT8H0M0S", &after(1, 1, 0)),
    ]);
    let file = import(&path).unwrap();
    assert_eq!(file.tasks.len(), 1);
    assert!(file.links.is_empty());
    let notes = file.notes.join(" | ");
    assert!(
        notes.contains("1 inactive task(s) were left out"),
        "{notes}"
    );
}
