//! The LMS completions import's rules: the columns a completions export may have, and what
//! makes a row importable. A row names a person by employee id and a course by code (or
//! title); a later completion of the same course replaces an earlier one, in the file as in
//! Muster, so duplicate rows are not errors: the latest date wins.

use chrono::NaiveDate;

use super::Column;
use super::date::{DateOrder, cell_date};
use super::people::{Map, add_name};
use crate::access::{Action, Actor, Place, Subject};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::training::completion::{CompletionSource, CompletionSpec};
use crate::training::course::CourseId;
use crate::validate::FieldError;

/// A completions file longer than this is refused as a whole. The checks keep nothing per
/// row, so this only stops a runaway file.
pub const MAX_ROWS: u64 = 50_000_000;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "employee_id",
        label: "Employee id",
        required: true,
        synonyms: &[
            "employee number",
            "emp id",
            "emp no",
            "user id",
            "learner id",
            "staff id",
            "staff number",
            "person number",
            "username",
            "id",
        ],
        help: "The person's employee id, as on the roster.",
    },
    Column {
        key: "course",
        label: "Course",
        required: true,
        synonyms: &[
            "course code",
            "course id",
            "course number",
            "activity code",
            "learning object id",
            "course title",
            "course name",
            "activity",
            "title",
        ],
        help: "The course's code in Muster (or its title).",
    },
    Column {
        key: "completed_on",
        label: "Completion date",
        required: true,
        synonyms: &[
            "completed",
            "completed on",
            "completion",
            "completed date",
            "date completed",
            "completion date time",
            "date",
        ],
        help: "YYYY-MM-DD, DD.MM.YYYY, month/day/year or an Excel date; not in the future.",
    },
    Column {
        key: "score",
        label: "Score",
        required: false,
        synonyms: &["grade", "result", "percent", "score percent", "test score"],
        help: "0 to 100 (a % sign and decimals are accepted).",
    },
    Column {
        key: "source",
        label: "Source",
        required: false,
        synonyms: &["delivery", "delivery method", "completion method", "method"],
        help: "e-learning / LMS (the default) or classroom / session.",
    },
];

// Indexes into COLUMNS.
const EMPLOYEE_ID: usize = 0;
const COURSE: usize = 1;
const COMPLETED_ON: usize = 2;
const SCORE: usize = 3;
const SOURCE: usize = 4;

/// The people (by employee id) and courses (by code and title) a file may name.
#[derive(Debug, Default)]
pub struct Catalog {
    people: Map<String, (PersonId, Option<SiteId>)>,
    /// `None`: two courses share this title, so the code must be used.
    courses: Map<String, Option<CourseId>>,
}

impl Catalog {
    /// `people`: (id, employee id, site); `courses`: (id, code, title).
    pub fn new(
        people: impl IntoIterator<Item = (PersonId, String, Option<SiteId>)>,
        courses: impl IntoIterator<Item = (CourseId, String, String)>,
    ) -> Catalog {
        let people = people
            .into_iter()
            .map(|(id, employee_id, site)| (employee_id, (id, site)))
            .collect();
        let mut titles = Map::default();
        let mut codes = Map::default();
        for (id, code, title) in courses {
            codes.insert(code.to_lowercase(), Some(id));
            add_name(&mut titles, title.to_lowercase(), id);
        }
        titles.extend(codes);
        Catalog {
            people,
            courses: titles,
        }
    }

    pub fn people(&self) -> usize {
        self.people.len()
    }

    fn course(&self, raw: &str) -> Result<CourseId, String> {
        match self.courses.get(&raw.to_lowercase()) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err(format!(
                "several courses are titled '{raw}'; use the course code"
            )),
            None => Err(format!("there is no course with code or title '{raw}'")),
        }
    }
}

/// Checks a completions file row by row. It remembers nothing between rows, so memory
/// does not grow with the file: duplicates are settled by the writer (the latest wins).
pub struct CompletionCheck<'a> {
    actor: &'a Actor,
    catalog: &'a Catalog,
    resolved: &'a super::Resolved,
    today: NaiveDate,
    order: DateOrder,
    /// The file is a workbook: a bare number in the date column is an Excel date.
    serial_dates: bool,
}

impl<'a> CompletionCheck<'a> {
    pub fn new(
        actor: &'a Actor,
        catalog: &'a Catalog,
        resolved: &'a super::Resolved,
        today: NaiveDate,
    ) -> Self {
        CompletionCheck {
            actor,
            catalog,
            resolved,
            today,
            order: DateOrder::Either,
            serial_dates: false,
        }
    }

    /// Slashed dates in `order`; `serial_dates`: numbers are Excel dates (an XLSX file).
    pub fn dates(mut self, order: DateOrder, serial_dates: bool) -> Self {
        self.order = order;
        self.serial_dates = serial_dates;
        self
    }

    /// Checks one row: the completion it records, or all of its errors.
    pub fn check(&self, cells: &[String]) -> Result<CompletionSpec, Vec<FieldError>> {
        let cell = |c: usize| self.resolved.cell(c, cells).map(str::trim).unwrap_or("");
        let mut errors = Vec::new();
        let employee_id = cell(EMPLOYEE_ID);
        let person = if employee_id.is_empty() {
            errors.push(FieldError::new("employee_id", "is missing"));
            None
        } else {
            match self.catalog.people.get(employee_id) {
                Some(&found) => Some(found),
                None => {
                    errors.push(FieldError::new(
                        "employee_id",
                        format!("there is no person with employee id '{employee_id}'"),
                    ));
                    None
                }
            }
        };
        let course = match cell(COURSE) {
            "" => Err("is missing".to_owned()),
            raw => self.catalog.course(raw),
        }
        .map_err(|m| errors.push(FieldError::new("course", m)))
        .ok();
        let completed_on = self
            .date(cell(COMPLETED_ON))
            .map_err(|m| errors.push(FieldError::new("completed_on", m)))
            .ok();
        let score = score(cell(SCORE))
            .map_err(|m| errors.push(FieldError::new("score", m)))
            .ok();
        let source = source(cell(SOURCE))
            .map_err(|m| errors.push(FieldError::new("source", m)))
            .ok();
        // Only Reach::All writes training records today; an empty email never matches an
        // account, so a narrower reach added later refuses rather than over-permits.
        if let Some((_, site_id)) = person
            && !self.actor.may_at(
                Action::Create,
                Subject::TrainingRecord,
                Place::Trainee { site_id, email: "" },
            )
        {
            errors.push(FieldError::new(
                "employee_id",
                "you may not record this person's training",
            ));
        }
        match (person, course, completed_on, score, source) {
            (
                Some((person_id, _)),
                Some(course_id),
                Some(completed_on),
                Some(score),
                Some(source),
            ) if errors.is_empty() => Ok(CompletionSpec {
                person_id,
                course_id,
                completed_on,
                source,
                score,
            }),
            _ => Err(errors),
        }
    }

    fn date(&self, raw: &str) -> Result<NaiveDate, String> {
        let day = cell_date(raw, self.order, self.serial_dates)?;
        if day > self.today {
            return Err(format!(
                "{day} is in the future; a completion has already happened"
            ));
        }
        Ok(day)
    }
}

/// A course's test score: blank for none, else 0 to 100 ("85", "85%", "92.5" rounds to 93).
fn score(raw: &str) -> Result<Option<i64>, String> {
    let number = raw.trim_end_matches('%').trim();
    if number.is_empty() {
        return Ok(None);
    }
    match number.replace(',', ".").parse::<f64>() {
        Ok(n) if (0.0..=100.0).contains(&n) => Ok(Some(n.round() as i64)),
        Ok(_) => Err(format!("{raw} is out of range: a score is 0 to 100")),
        Err(_) => Err(format!("'{raw}' is not a number from 0 to 100")),
    }
}

/// How the course was done: an LMS export's words for e-learning or a classroom.
fn source(raw: &str) -> Result<CompletionSource, String> {
    match super::normalize_header(raw).as_str() {
        "" | "lms" | "lmsimport" | "elearning" | "online" | "web" | "wbt" | "cbt" | "virtual" => {
            Ok(CompletionSource::LmsImport)
        }
        "classroom" | "session" | "ilt" | "instructorled" | "inperson" | "vilt" => {
            Ok(CompletionSource::Session)
        }
        "muster" => Ok(CompletionSource::Muster),
        _ => Err(format!(
            "'{raw}' is not a source; use e-learning (or LMS) or classroom (or session)"
        )),
    }
}

#[cfg(test)]
mod tests;
