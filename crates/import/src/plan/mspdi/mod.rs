//! Microsoft Project XML (MSPDI), as Microsoft Project and ProjectLibre save it, read as a
//! stream of elements (quick-xml's pull reader): only the values of the elements below are
//! kept, per task, so memory follows the number of tasks, not the size of the file (which
//! also carries resources, assignments and time-phased data).
//!
//! Read: `<Project>`'s `StartDate`, `MinutesPerDay` (480 if absent) and `CalendarUID`; that
//! calendar's `WeekDays` (`DayType` 1 Sunday to 7 Saturday, `DayWorking`) and its
//! non-working `Exceptions` (and the older `DayType` 0 week days) as holidays; each
//! `<Task>`'s `UID`, `Name`, `OutlineLevel`, `Duration` (and `DurationFormat`: elapsed time
//! counts by the share of the week worked), `Milestone`, `Summary`, `IsNull`, `Active`,
//! `ConstraintType`/`ConstraintDate`, `PercentComplete`, `ActualStart`/`ActualFinish`,
//! `Notes` and `PredecessorLink`s (`PredecessorUID`, `Type`, `LinkLag`, `LagFormat`,
//! `CrossProject`). Only direct children count: a `<Baseline>`'s `<Duration>` is not the
//! task's.

mod build;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use muster_domain::plan::exchange::ms_project::{self, Span};
use muster_domain::plan::exchange::{Origin, PlanFile, Problems};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Counts the lines the XML reader has consumed, so that problems can say where.
struct Lines<R> {
    inner: BufReader<R>,
    newlines: u64,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.inner.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        let consumed = &self.inner.buffer()[..amount.min(self.inner.buffer().len())];
        self.newlines += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
        self.inner.consume(amount);
    }
}

#[derive(Debug, Default)]
struct RawLink {
    predecessor: Option<i64>,
    kind: Option<i64>,
    lag: Option<i64>,
    format: Option<i64>,
    cross_project: bool,
}

#[derive(Debug, Default)]
struct RawTask {
    line: u64,
    uid: Option<i64>,
    name: Option<String>,
    level: Option<i64>,
    duration: Option<Span>,
    /// `<DurationFormat>`: an elapsed one counts calendar time.
    duration_format: Option<i64>,
    milestone: bool,
    summary: bool,
    null: bool,
    /// `<Active>0`: an inactive task, which Microsoft Project leaves out of the schedule.
    inactive: bool,
    constraint: Option<i64>,
    constraint_date: Option<NaiveDate>,
    percent: Option<i64>,
    actual_start: Option<NaiveDate>,
    actual_finish: Option<NaiveDate>,
    notes: Option<String>,
    links: Vec<RawLink>,
    /// (element, problem) found while reading it; named by the task once its UID is known.
    problems: Vec<(&'static str, String)>,
}

impl RawTask {
    fn origin(&self) -> Origin {
        match self.uid {
            Some(uid) => Origin::Task {
                uid,
                line: self.line,
            },
            None => Origin::Line(self.line),
        }
    }
}

/// A time period of a calendar exception (or an old-style exceptional week day).
#[derive(Debug, Default)]
struct RawException {
    line: u64,
    name: Option<String>,
    working: bool,
    /// `<Type>`: 1 is a plain range of days; others recur (yearly, monthly...).
    recurrence: Option<i64>,
    occurrences: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// For a `<WeekDay>`: its `<DayType>`.
    day_type: Option<i64>,
}

#[derive(Debug, Default)]
struct RawCalendar {
    line: u64,
    uid: Option<i64>,
    name: Option<String>,
    base: Option<i64>,
    /// Its `<WeekDay>`s and `<Exception>`s.
    exceptions: Vec<RawException>,
}

/// What the `<Project>` element says of itself.
#[derive(Debug, Default)]
struct RawProject {
    start: Option<(NaiveDate, u64)>,
    minutes_per_day: Option<(i64, u64)>,
    calendar: Option<(i64, u64)>,
}

/// The reader's state between events.
#[derive(Default)]
struct State {
    stack: Vec<String>,
    text: String,
    project: RawProject,
    calendars: Vec<RawCalendar>,
    calendar: Option<RawCalendar>,
    exception: Option<RawException>,
    tasks: Vec<RawTask>,
    task: Option<RawTask>,
    link: Option<RawLink>,
    saw_root: bool,
}

fn tail(stack: &[String], parents: &[&str]) -> bool {
    stack.len() >= parents.len()
        && stack[stack.len() - parents.len()..]
            .iter()
            .zip(parents)
            .all(|(a, b)| a == b)
}

impl State {
    fn start(&mut self, name: &str, line: u64, problems: &mut Problems) -> Result<(), ()> {
        if self.stack.is_empty() {
            if self.saw_root || name != "Project" {
                problems.push(
                    Origin::Line(line),
                    "",
                    format!(
                        "this is XML but not a Microsoft Project file (MSPDI): its root element is <{name}>, not <Project>"
                    ),
                );
                return Err(());
            }
            self.saw_root = true;
        }
        let s = &self.stack;
        match name {
            "Task" if tail(s, &["Project", "Tasks"]) => {
                self.task = Some(RawTask {
                    line,
                    ..Default::default()
                });
            }
            "PredecessorLink" if self.task.is_some() && tail(s, &["Tasks", "Task"]) => {
                self.link = Some(RawLink::default());
            }
            "Calendar" if tail(s, &["Project", "Calendars"]) => {
                self.calendar = Some(RawCalendar {
                    line,
                    ..Default::default()
                });
            }
            "WeekDay" if tail(s, &["Calendar", "WeekDays"]) => {
                self.exception = Some(RawException {
                    line,
                    recurrence: Some(1),
                    ..Default::default()
                });
            }
            "Exception" if tail(s, &["Calendar", "Exceptions"]) => {
                self.exception = Some(RawException {
                    line,
                    ..Default::default()
                });
            }
            _ => {}
        }
        self.stack.push(name.to_owned());
        self.text.clear();
        Ok(())
    }

    /// The end of element `name`, whose text is in `self.text`.
    fn end(&mut self, name: &str, line: u64) {
        self.stack.pop();
        let text = std::mem::take(&mut self.text);
        let s = &self.stack;
        // Ends of the elements that gather values first: they sit where values also do.
        if tail(s, &["Project", "Tasks"]) && name == "Task" {
            if let Some(task) = self.task.take() {
                self.tasks.push(task);
            }
        } else if tail(s, &["Tasks", "Task"]) && name == "PredecessorLink" {
            if let (Some(task), Some(link)) = (self.task.as_mut(), self.link.take()) {
                task.links.push(link);
            }
        } else if tail(s, &["Tasks", "Task", "PredecessorLink"]) {
            if let (Some(task), Some(link)) = (self.task.as_mut(), self.link.as_mut()) {
                link_value(task, link, name, &text);
            }
        } else if tail(s, &["Project", "Tasks", "Task"]) {
            if let Some(task) = self.task.as_mut() {
                task_value(task, name, text);
            }
        } else if tail(s, &["WeekDay", "TimePeriod"]) || tail(s, &["Exception", "TimePeriod"]) {
            if let Some(e) = self.exception.as_mut() {
                period_value(e, name, &text);
            }
        } else if (tail(s, &["Calendar", "WeekDays"]) && name == "WeekDay")
            || (tail(s, &["Calendar", "Exceptions"]) && name == "Exception")
        {
            if let (Some(c), Some(e)) = (self.calendar.as_mut(), self.exception.take()) {
                c.exceptions.push(e);
            }
        } else if tail(s, &["Calendar", "WeekDays", "WeekDay"])
            || tail(s, &["Calendar", "Exceptions", "Exception"])
        {
            if let Some(e) = self.exception.as_mut() {
                exception_value(e, name, text);
            }
        } else if tail(s, &["Project", "Calendars"]) && name == "Calendar" {
            if let Some(c) = self.calendar.take() {
                self.calendars.push(c);
            }
        } else if tail(s, &["Project", "Calendars", "Calendar"]) {
            if let Some(c) = self.calendar.as_mut() {
                match name {
                    "UID" => c.uid = text.trim().parse().ok(),
                    "Name" => c.name = Some(text.trim().to_owned()),
                    "BaseCalendarUID" => c.base = text.trim().parse().ok().filter(|b| *b >= 0),
                    _ => {}
                }
            }
        } else if s.len() == 1 {
            let value = text.trim();
            match name {
                // A start that is not a date is kept as `MIN`, for its problem.
                "StartDate" => {
                    let day = ms_project::date(value).unwrap_or(NaiveDate::MIN);
                    self.project.start = Some((day, line));
                }
                "MinutesPerDay" => {
                    self.project.minutes_per_day = Some((value.parse().unwrap_or(-1), line));
                }
                "CalendarUID" => {
                    self.project.calendar = Some((value.parse().unwrap_or(-1), line));
                }
                _ => {}
            }
        }
    }
}

fn value<T>(task: &mut RawTask, element: &'static str, parsed: Result<T, String>) -> Option<T> {
    parsed.map_err(|e| task.problems.push((element, e))).ok()
}

fn task_value(task: &mut RawTask, name: &str, text: String) {
    let v = text.trim();
    match name {
        "UID" => task.uid = value(task, "<UID>", ms_project::integer(v)),
        "Name" => task.name = Some(v.to_owned()),
        "OutlineLevel" => task.level = value(task, "<OutlineLevel>", ms_project::integer(v)),
        "Duration" => task.duration = value(task, "<Duration>", ms_project::duration(v)),
        "DurationFormat" => task.duration_format = v.parse().ok(),
        "Milestone" => {
            task.milestone = value(task, "<Milestone>", ms_project::flag(v)).unwrap_or(false)
        }
        "Summary" => task.summary = ms_project::flag(v).unwrap_or(false),
        "IsNull" => task.null = ms_project::flag(v).unwrap_or(false),
        "Active" => task.inactive = v == "0",
        "ConstraintType" => {
            task.constraint = value(task, "<ConstraintType>", ms_project::integer(v));
        }
        "ConstraintDate" if !v.is_empty() => {
            task.constraint_date = value(task, "<ConstraintDate>", ms_project::date(v));
        }
        "PercentComplete" => {
            task.percent = value(task, "<PercentComplete>", ms_project::integer(v));
        }
        "ActualStart" if !v.is_empty() => {
            task.actual_start = value(task, "<ActualStart>", ms_project::date(v));
        }
        "ActualFinish" if !v.is_empty() => {
            task.actual_finish = value(task, "<ActualFinish>", ms_project::date(v));
        }
        "Notes" => task.notes = Some(text),
        _ => {}
    }
}

fn link_value(task: &mut RawTask, link: &mut RawLink, name: &str, text: &str) {
    let v = text.trim();
    match name {
        "PredecessorUID" => {
            link.predecessor = value(task, "<PredecessorUID>", ms_project::integer(v))
        }
        "Type" => link.kind = value(task, "<Type>", ms_project::integer(v)),
        "LinkLag" => link.lag = value(task, "<LinkLag>", ms_project::integer(v)),
        "LagFormat" => link.format = value(task, "<LagFormat>", ms_project::integer(v)),
        "CrossProject" => link.cross_project = ms_project::flag(v).unwrap_or(false),
        _ => {}
    }
}

fn exception_value(e: &mut RawException, name: &str, text: String) {
    let v = text.trim();
    match name {
        "DayType" => e.day_type = v.parse().ok(),
        "DayWorking" => e.working = ms_project::flag(v).unwrap_or(false),
        "Name" => e.name = Some(v.to_owned()),
        "Type" => e.recurrence = v.parse().ok(),
        "Occurrences" => e.occurrences = v.parse().ok(),
        _ => {}
    }
}

fn period_value(e: &mut RawException, name: &str, text: &str) {
    match name {
        "FromDate" => e.from = ms_project::date(text).ok(),
        "ToDate" => e.to = ms_project::date(text).ok(),
        _ => {}
    }
}

/// The text of an entity reference (`&amp;`, `&#233;`).
fn reference(name: &str) -> Option<String> {
    if let Some(code) = name.strip_prefix('#') {
        let n = match code.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => code.parse().ok()?,
        };
        return char::from_u32(n).map(String::from);
    }
    quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
}

/// Reads the MSPDI file at `path`. Problems of the file's own making (a value that is not
/// one, malformed or truncated XML) go to `problems`, each with where it is.
pub fn read(path: &Path, problems: &mut Problems) -> io::Result<PlanFile> {
    let file = File::open(path)?;
    let mut reader = Reader::from_reader(Lines {
        inner: BufReader::with_capacity(256 * 1024, file),
        newlines: 0,
    });
    let mut state = State::default();
    let mut buf = Vec::with_capacity(4096);
    loop {
        let event = reader.read_event_into(&mut buf);
        let line = reader.get_ref().newlines + 1;
        match event {
            Err(e) => {
                let message = match &e {
                    quick_xml::Error::Syntax(_) => format!(
                        "the file ends inside a tag, comment or declaration ({e}): it is truncated or not XML"
                    ),
                    quick_xml::Error::Io(io) => return Err(io::Error::other(io.to_string())),
                    other => format!("the XML is malformed: {other}"),
                };
                problems.push(Origin::Line(line), "", message);
                return Ok(PlanFile::default());
            }
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_owned();
                if state.start(&name, line, problems).is_err() {
                    return Ok(PlanFile::default());
                }
            }
            Ok(Event::Empty(e)) => {
                let name = e.local_name().as_ref().to_owned();
                if state.start(&name, line, problems).is_err() {
                    return Ok(PlanFile::default());
                }
                state.end(&name, line);
            }
            Ok(Event::End(e)) => {
                let name = e.local_name().as_ref().to_owned();
                state.end(&name, line);
            }
            Ok(Event::Text(t)) => state.text.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) => state.text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => match reference(&r) {
                Some(text) => state.text.push_str(&text),
                None => {
                    problems.push(
                        Origin::Line(line),
                        "",
                        format!("the XML is malformed: &{}; is not an entity XML knows", &*r),
                    );
                    return Ok(PlanFile::default());
                }
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    let line = reader.get_ref().newlines + 1;
    if !state.saw_root {
        problems.push(
            Origin::File,
            "",
            "this is not a Microsoft Project XML file (MSPDI): it has no <Project> element",
        );
        return Ok(PlanFile::default());
    }
    if let Some(open) = state.stack.last() {
        let inside = match (&state.task, open.as_str()) {
            (Some(task), "Task") => format!("<Task> {}", task.origin()),
            (Some(task), other) => format!("<{other}> of {}", task.origin()),
            (None, other) => format!("<{other}>"),
        };
        problems.push(
            Origin::Line(line),
            "",
            format!("the file ends inside {inside} (truncated?)"),
        );
        return Ok(PlanFile::default());
    }
    Ok(build::build(state, problems))
}
