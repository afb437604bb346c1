//! An MSPDI file's values as the plan's: the project calendar (with its base calendar's
//! week and the exceptions that are days off), tasks with durations in whole working days
//! and parents from their outline levels, links with lags in working days.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use muster_domain::plan::calendar::Calendar;
use muster_domain::plan::exchange::ms_project::{self, DEFAULT_MINUTES_PER_DAY};
use muster_domain::plan::exchange::{FileCalendar, FileLink, FileTask, Origin, PlanFile, Problems};
use muster_domain::plan::task::{MAX_DURATION, TaskDraft};

use super::{RawCalendar, RawException, RawProject, State};

/// A calendar exception longer than this is a typing mistake (or a recurrence we do not
/// expand), not a holiday.
const MAX_EXCEPTION_DAYS: i64 = 366;
/// Notes beyond this are cut (the plan keeps 8,000 characters).
const MAX_NOTES: usize = 8_000;

/// The project's calendar: the one `<CalendarUID>` names (with what its base calendar
/// adds), else the first, else Monday to Friday.
fn calendar(
    project: &RawProject,
    calendars: &[RawCalendar],
    start: NaiveDate,
    problems: &mut Problems,
    notes: &mut Vec<String>,
) -> FileCalendar {
    let chosen = match project.calendar {
        Some((uid, line)) => {
            let found = calendars.iter().position(|c| c.uid == Some(uid));
            if found.is_none() {
                problems.push(
                    Origin::Line(line),
                    "<CalendarUID>",
                    format!("{uid} names no calendar in the file"),
                );
            }
            found
        }
        None => (!calendars.is_empty()).then_some(0),
    };
    let mut weekdays: [Option<bool>; 7] = [None; 7];
    let mut holidays = BTreeMap::new();
    // The calendar, then its base calendars (at most a few levels; a loop stops).
    let mut at = chosen;
    let mut seen = Vec::new();
    while let Some(i) = at {
        if seen.contains(&i) {
            break;
        }
        seen.push(i);
        let c = &calendars[i];
        // What this calendar says wins over what its base says.
        let mut own: [Option<bool>; 7] = [None; 7];
        for e in &c.exceptions {
            match e.day_type {
                Some(t) if t != 0 => match ms_project::weekday(t) {
                    Ok(day) => own[day] = Some(e.working),
                    Err(problem) => problems.push(Origin::Line(e.line), "<DayType>", problem),
                },
                _ => exception_days(c, e, &mut holidays, problems, notes),
            }
        }
        for (day, working) in own.iter().enumerate() {
            weekdays[day] = weekdays[day].or(*working);
        }
        at = c
            .base
            .and_then(|b| calendars.iter().position(|c| c.uid == Some(b)));
    }
    let default = Calendar::default().working_weekdays;
    let working_weekdays: [bool; 7] = std::array::from_fn(|d| weekdays[d].unwrap_or(default[d]));
    if chosen.is_none() && project.calendar.is_none() {
        notes.push("the file has no calendar: Monday to Friday was used".into());
    }
    if !working_weekdays.iter().any(|w| *w) {
        problems.push(
            Origin::Line(chosen.map_or(0, |i| calendars[i].line)),
            "<WeekDays>",
            "the project calendar has no working day in the week",
        );
    }
    FileCalendar {
        project_start: start,
        working_weekdays,
        holidays,
    }
}

/// The days off an exception (or an old-style exceptional week day) gives.
fn exception_days(
    calendar: &RawCalendar,
    e: &RawException,
    holidays: &mut BTreeMap<NaiveDate, String>,
    problems: &mut Problems,
    notes: &mut Vec<String>,
) {
    let name = e
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Holiday".to_owned());
    let owner = calendar.name.as_deref().unwrap_or("the project calendar");
    if e.working {
        notes.push(format!(
            "the working exception '{name}' of {owner} was left out: the plan's calendar has holidays, not extra working days"
        ));
        return;
    }
    let recurring = e.recurrence.is_some_and(|t| t != 1) && e.occurrences.is_none_or(|n| n > 1);
    if recurring {
        notes.push(format!(
            "the recurring exception '{name}' of {owner} was left out; add its days as holidays"
        ));
        return;
    }
    let (Some(from), Some(to)) = (e.from, e.to.or(e.from)) else {
        problems.push(
            Origin::Line(e.line),
            "<TimePeriod>",
            format!("the exception '{name}' has no <FromDate> and <ToDate>"),
        );
        return;
    };
    let days = (to - from).num_days();
    if !(0..MAX_EXCEPTION_DAYS).contains(&days) {
        problems.push(
            Origin::Line(e.line),
            "<TimePeriod>",
            format!(
                "the exception '{name}' runs from {from} to {to}: not a period of days off (at most a year)"
            ),
        );
        return;
    }
    for d in 0..=days {
        if let Some(day) = from.checked_add_days(Days::new(d as u64)) {
            holidays
                .entry(day)
                .or_insert_with(|| name.chars().take(200).collect());
        }
    }
}

/// The tasks, links and calendar, as the plan's: durations and lags in working days,
/// parents from outline levels.
pub(super) fn build(state: State, problems: &mut Problems) -> PlanFile {
    let mut notes = Vec::new();
    let project = &state.project;
    let minutes_per_day = match project.minutes_per_day {
        None => DEFAULT_MINUTES_PER_DAY,
        Some((m, _)) if m > 0 && m <= 24 * 60 => m,
        Some((_, line)) => {
            problems.push(
                Origin::Line(line),
                "<MinutesPerDay>",
                "is not a number of minutes from 1 to 1440",
            );
            DEFAULT_MINUTES_PER_DAY
        }
    };
    let start = match project.start {
        Some((d, _)) if d != NaiveDate::MIN => d,
        Some((_, line)) => {
            problems.push(
                Origin::Line(line),
                "<StartDate>",
                "is not a date and time (YYYY-MM-DDThh:mm:ss)",
            );
            NaiveDate::MIN
        }
        None => {
            problems.push(
                Origin::File,
                "<StartDate>",
                "is missing: the project needs its start date",
            );
            NaiveDate::MIN
        }
    };
    let calendar = calendar(project, &state.calendars, start, problems, &mut notes);
    let working_weekdays = calendar.working_weekdays.iter().filter(|w| **w).count();
    let mut fields = HashMap::new();
    for (key, element) in [
        ("id", "<UID>"),
        ("name", "<Name>"),
        ("parent", "<OutlineLevel>"),
        ("duration", "<Duration>"),
        ("milestone", "<Milestone>"),
        ("constraint_kind", "<ConstraintType>"),
        ("constraint_date", "<ConstraintDate>"),
        ("percent_complete", "<PercentComplete>"),
        ("actual_start", "<ActualStart>"),
        ("actual_finish", "<ActualFinish>"),
        ("notes", "<Notes>"),
        ("predecessors", "<PredecessorUID>"),
        ("lag", "<LinkLag>"),
    ] {
        fields.insert(key, element.to_owned());
    }
    let mut tasks = Vec::with_capacity(state.tasks.len());
    let mut links = Vec::new();
    // The open summaries, by level: a task sits under the nearest with a lower level.
    let mut open: Vec<(i64, String)> = Vec::new();
    let mut previous_level = 0;
    let (mut rounded, mut unnamed, mut late, mut flagged, mut cut, mut cross, mut rounded_lags) =
        (0, 0, 0, 0, 0, 0, 0);
    // Inactive tasks are left out with their links, as Microsoft Project schedules them.
    let inactive: HashSet<i64> = state
        .tasks
        .iter()
        .filter(|t| t.inactive)
        .filter_map(|t| t.uid)
        .collect();
    let mut dropped_links = 0;
    for mut raw in state.tasks {
        if raw.null || raw.inactive || raw.uid == Some(0) || raw.level == Some(0) {
            continue;
        }
        let origin = raw.origin();
        // An element whose value could not be read is not also "missing".
        let unreadable = |element: &str| raw.problems.iter().any(|(e, _)| *e == element);
        let (uid_unreadable, duration_unreadable) = (unreadable("<UID>"), unreadable("<Duration>"));
        for (element, problem) in raw.problems.drain(..) {
            problems.push(origin, element, problem);
        }
        let Some(uid) = raw.uid else {
            if !uid_unreadable {
                problems.push(origin, "<UID>", "is missing: every task needs its UID");
            }
            continue;
        };
        let key = uid.to_string();
        let level = raw.level.unwrap_or(1);
        if level < 1 {
            problems.push(
                origin,
                "<OutlineLevel>",
                format!("{level} is not an outline level"),
            );
        } else if level > previous_level + 1 {
            problems.push(
                origin,
                "<OutlineLevel>",
                format!("{level} follows a task at level {previous_level}: a level can go down one at a time"),
            );
        }
        while open.last().is_some_and(|(l, _)| *l >= level) {
            open.pop();
        }
        let parent = open.last().map(|(_, k)| k.clone());
        open.push((level, key.clone()));
        previous_level = level;

        let elapsed = raw.duration_format.is_some_and(ms_project::is_elapsed);
        let days = raw.duration.map(|d| {
            if elapsed {
                d.elapsed_working_days(working_weekdays)
            } else {
                d.working_days(minutes_per_day)
            }
        });
        let duration = match days {
            Some(days) if raw.summary => ms_project::whole_days_up(days).0.min(MAX_DURATION),
            Some(days) => {
                let (whole, was_rounded) = ms_project::whole_days_up(days);
                rounded += usize::from(was_rounded);
                whole
            }
            None if raw.milestone || raw.summary || duration_unreadable => 0,
            None => {
                problems.push(origin, "<Duration>", "is missing");
                0
            }
        };
        let milestone = raw.milestone && duration == 0;
        flagged += usize::from(raw.milestone && duration > 0 && !raw.summary);
        let constraint = match raw.constraint {
            None => None,
            Some(code) => match ms_project::constraint_kind(code) {
                Ok(kind) => {
                    late += usize::from(code == 1);
                    kind
                }
                Err(e) => {
                    problems.push(origin, "<ConstraintType>", e);
                    None
                }
            },
        };
        let name = match raw.name.take().filter(|n| !n.trim().is_empty()) {
            Some(n) => n,
            None => {
                unnamed += 1;
                format!("Task UID {uid}")
            }
        };
        let notes_text = raw.notes.take().map(|n| {
            if n.chars().count() > MAX_NOTES {
                cut += 1;
                n.chars().take(MAX_NOTES).collect()
            } else {
                n
            }
        });
        let draft = TaskDraft {
            name: Some(name),
            duration: Some(duration.to_string()),
            milestone: Some(milestone),
            constraint_kind: constraint.map(|k| k.code().to_owned()),
            constraint_date: constraint.and(raw.constraint_date).map(|d| d.to_string()),
            percent_complete: raw.percent.map(|p| p.to_string()),
            actual_start: raw.actual_start.map(|d| d.to_string()),
            actual_finish: raw.actual_finish.map(|d| d.to_string()),
            notes: notes_text,
            ..Default::default()
        };
        let spec = match draft.parse() {
            Ok(spec) => spec,
            Err(invalid) => {
                for e in invalid.0 {
                    let element = fields.get(e.field.as_str()).cloned().unwrap_or(e.field);
                    problems.push(origin, element, e.message);
                }
                FileTask::placeholder(key.clone(), origin, None).spec
            }
        };
        for link in raw.links {
            if link.cross_project {
                cross += 1;
                continue;
            }
            let Some(predecessor) = link.predecessor else {
                problems.push(
                    origin,
                    "<PredecessorUID>",
                    "is missing from a <PredecessorLink>",
                );
                continue;
            };
            if inactive.contains(&predecessor) {
                dropped_links += 1;
                continue;
            }
            let kind = match ms_project::link_kind(link.kind.unwrap_or(1)) {
                Ok(k) => k,
                Err(e) => {
                    problems.push(origin, "<Type>", e);
                    continue;
                }
            };
            let lag = match ms_project::lag_days(
                link.lag.unwrap_or(0),
                link.format.unwrap_or(7),
                minutes_per_day,
                working_weekdays.max(1),
            ) {
                Ok((days, was_rounded)) => {
                    rounded_lags += usize::from(was_rounded);
                    days
                }
                Err(e) => {
                    let element = if e.contains("format") || e.contains("percentage") {
                        "<LagFormat>"
                    } else {
                        "<LinkLag>"
                    };
                    problems.push(origin, element, e);
                    continue;
                }
            };
            links.push(FileLink {
                predecessor: predecessor.to_string(),
                successor: key.clone(),
                kind,
                lag,
                origin,
            });
        }
        tasks.push(FileTask {
            key,
            origin,
            parent,
            spec,
        });
    }
    for (n, what) in [
        (
            rounded,
            "duration(s) were not whole working days and were rounded up",
        ),
        (
            rounded_lags,
            "lag(s) were not whole working days and were rounded to the nearest day",
        ),
        (unnamed, "task(s) had no name and are named by their UID"),
        (
            late,
            "task(s) were to start as late as possible; the plan schedules them as soon as possible",
        ),
        (
            flagged,
            "task(s) marked as milestones take time; they were imported as tasks (a milestone takes none)",
        ),
        (
            cut,
            "note(s) were longer than 8,000 characters and were cut",
        ),
        (cross, "link(s) to tasks of other projects were left out"),
        (inactive.len(), "inactive task(s) were left out"),
        (dropped_links, "link(s) from inactive tasks were left out"),
    ] {
        if n > 0 {
            notes.push(format!("{n} {what}"));
        }
    }
    PlanFile {
        calendar: (start != NaiveDate::MIN).then_some(calendar),
        tasks,
        links,
        fields,
        notes,
    }
}
