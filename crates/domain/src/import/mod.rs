//! File imports: a file's columns mapped to Muster's fields, every row checked with each
//! error named by row and field, and the job that records progress and outcome. People
//! (the roster) are the first kind; LMS completions (`completions`) reuse the same
//! mapping, rows and job.

pub mod completions;
pub mod date;
pub mod measurements;
pub mod people;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::Via;
use crate::validate::{FieldError, Invalid};

pub type ImportId = i64;

choice!(
    /// What a file holds.
    ImportKind {
        People = ("people", "People (roster)"),
        Completions = ("completions", "Training completions (LMS export)"),
        Measurements = ("measurements", "KPI measurements (benefit goals)"),
    }
);

impl ImportKind {
    /// The fields a file of this kind may have.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::People => people::COLUMNS,
            ImportKind::Completions => completions::COLUMNS,
            ImportKind::Measurements => measurements::COLUMNS,
        }
    }

    /// What each row writes, for the access policy: importing a kind needs the right to
    /// create its records as well as the right to import.
    pub fn subject(self) -> crate::access::Subject {
        match self {
            ImportKind::People => crate::access::Subject::Person,
            ImportKind::Completions => crate::access::Subject::TrainingRecord,
            ImportKind::Measurements => crate::access::Subject::Measurement,
        }
    }

    /// Mapping rules of this kind beyond required columns.
    pub fn check_mapping(self, resolved: &Resolved) -> Result<(), Invalid> {
        match self {
            ImportKind::People => people::check_mapping(resolved),
            ImportKind::Completions | ImportKind::Measurements => Ok(()),
        }
    }
}

choice!(
    /// Where an import job is.
    ImportStatus {
        Uploaded = ("uploaded", "Waiting for its column mapping"),
        Queued = ("queued", "Queued"),
        Running = ("running", "Running"),
        Done = ("done", "Done"),
        Failed = ("failed", "Failed"),
    }
);

choice!(
    /// What happens to a file with bad rows.
    ImportMode {
        AllOrNothing = ("all_or_nothing", "All or nothing: any bad row and nothing is written"),
        ValidRows = ("valid_rows", "Import the valid rows and give me the rejects"),
    }
);

choice!(
    /// The file's format, told by its bytes rather than its name.
    FileFormat {
        Csv = ("csv", "CSV"),
        Xlsx = ("xlsx", "Excel workbook (XLSX)"),
    }
);

impl ImportStatus {
    /// Still to finish: the progress page keeps refreshing.
    pub fn in_progress(self) -> bool {
        matches!(self, ImportStatus::Queued | ImportStatus::Running)
    }
}

/// One problem with one row, numbered as in the file (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub row: u64,
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn all(row: u64, errors: Vec<FieldError>) -> Vec<RowError> {
        errors
            .into_iter()
            .map(|e| RowError {
                row,
                field: e.field,
                message: e.message,
            })
            .collect()
    }
}

/// A row's errors in one line, for the rejects file's `reason` column.
pub fn reason(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The tallies of a job, kept up to date while it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    /// Data rows in the file (known once it has been read; 0 before).
    pub rows_total: u64,
    /// Data rows read and checked so far.
    pub rows_done: u64,
    /// New records created.
    pub imported: u64,
    /// Existing records changed by a row.
    pub updated: u64,
    /// Existing records a row matched without a change.
    pub unchanged: u64,
    /// People missing from a complete roster, marked inactive.
    pub deactivated: u64,
    /// Rows refused, each with its reasons in the rejects file.
    pub rejected: u64,
}

/// An import job: a file, how its columns map, its progress and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: ImportId,
    pub kind: ImportKind,
    pub file_name: String,
    pub file_bytes: u64,
    pub format: FileFormat,
    pub status: ImportStatus,
    pub mode: ImportMode,
    /// People with an employee id who are not in the file are marked inactive.
    pub complete_roster: bool,
    /// How slashed dates (03/04/2027) are read.
    pub date_order: date::DateOrder,
    /// Muster field -> the file's column header; a blank header leaves the field out.
    pub mapping: BTreeMap<String, String>,
    pub counts: ImportCounts,
    /// The outcome in words, or why the file could not be read.
    pub message: Option<String>,
    /// The first row errors (all of them are in the rejects file).
    pub row_errors: Vec<RowError>,
    /// A rejects CSV can be downloaded.
    pub has_rejects: bool,
    pub actor_account_id: Option<i64>,
    pub actor: String,
    pub via: Via,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How many row errors a job keeps for its page; the rejects file has every one.
pub const KEPT_ROW_ERRORS: usize = 100;

/// A field an import fills, with the header names files commonly use for it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    /// Header names that mean this field, compared without case, spaces or punctuation.
    pub synonyms: &'static [&'static str],
    pub help: &'static str,
}

/// "Employee ID", "employee_id" and "EMPLOYEE-ID" alike: letters and digits, lower-case.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which of the file's headers feeds each field. A field absent from the map is suggested
/// from the headers; a field mapped to "" is left out on purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping(pub BTreeMap<String, String>);

impl Mapping {
    /// `field=Header`, as the command line and query strings give it.
    pub fn parse_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Mapping, String> {
        let mut map = BTreeMap::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let (field, header) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not field=Header"))?;
            map.insert(field.trim().to_owned(), header.trim().to_owned());
        }
        Ok(Mapping(map))
    }
}

/// A mapping checked against a file's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// For each of the kind's columns, in order, the index of its header in the file.
    pub index: Vec<Option<usize>>,
    /// Field -> header as used (for the job record and the preview).
    pub used: BTreeMap<String, String>,
    /// Headers no field reads: listed, not an error.
    pub ignored: Vec<String>,
}

impl Resolved {
    /// The mapping as chosen, every field named: "" for a field left out, so that running
    /// it later suggests nothing the user declined.
    pub fn mapping(&self, columns: &[Column]) -> BTreeMap<String, String> {
        columns
            .iter()
            .map(|c| {
                (
                    c.key.to_owned(),
                    self.used.get(c.key).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The cell of `column` (an index into the kind's columns) in `cells`; `None` when the
    /// field is not mapped, "" when the row has no such cell.
    pub fn cell<'a>(&self, column: usize, cells: &'a [String]) -> Option<&'a str> {
        self.index[column].map(|i| cells.get(i).map_or("", |c| c.as_str()))
    }
}

/// Each column's header index: the mapping's choice, else a suggestion from the headers
/// (only for fields the mapping leaves unsaid, only from free headers). Errors: unknown
/// fields, headers the file does not have.
fn assign(
    columns: &[Column],
    headers: &[String],
    mapping: &Mapping,
) -> (Vec<Option<usize>>, Vec<FieldError>) {
    let mut errors = Vec::new();
    for field in mapping.0.keys() {
        if !columns.iter().any(|c| c.key == field) {
            let known: Vec<&str> = columns.iter().map(|c| c.key).collect();
            errors.push(FieldError::new(
                "mapping",
                format!(
                    "'{field}' is not a field of this import; the fields are {}",
                    known.join(", ")
                ),
            ));
        }
    }
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let find = |wanted: &str| {
        let wanted = normalize_header(wanted);
        normalized
            .iter()
            .position(|h| !wanted.is_empty() && *h == wanted)
    };
    let mut index: Vec<Option<usize>> = Vec::with_capacity(columns.len());
    for column in columns {
        let chosen = match mapping.0.get(column.key) {
            Some(header) if header.trim().is_empty() => None,
            Some(header) => find(header).or_else(|| {
                errors.push(FieldError::new(
                    column.key,
                    format!(
                        "the file has no column '{header}'; its columns are: {}",
                        headers.join(", ")
                    ),
                ));
                None
            }),
            None => None,
        };
        index.push(chosen);
    }
    for (c, column) in columns.iter().enumerate() {
        if index[c].is_some() || mapping.0.contains_key(column.key) {
            continue;
        }
        let candidates = std::iter::once(column.key)
            .chain(std::iter::once(column.label))
            .chain(column.synonyms.iter().copied());
        index[c] = candidates
            .filter_map(&find)
            .find(|i| !index.contains(&Some(*i)));
    }
    (index, errors)
}

/// The header each field would read, chosen or suggested, even when the mapping is not yet
/// complete (the mapping form starts from it).
pub fn suggest(
    columns: &[Column],
    headers: &[String],
    mapping: &Mapping,
) -> BTreeMap<String, String> {
    let (index, _) = assign(columns, headers, mapping);
    columns
        .iter()
        .zip(index)
        .filter_map(|(c, i)| Some((c.key.to_owned(), headers[i?].clone())))
        .collect()
}

/// Checks `mapping` against the file's `headers`, suggesting a header for every field the
/// mapping does not mention. All problems at once: unknown fields, headers the file does not
/// have, a header used twice, required fields without a column.
pub fn resolve(
    columns: &[Column],
    headers: &[String],
    mapping: &Mapping,
) -> Result<Resolved, Invalid> {
    let (index, mut errors) = assign(columns, headers, mapping);
    for (c, column) in columns.iter().enumerate() {
        let Some(i) = index[c] else {
            if column.required && !errors.iter().any(|e| e.field == column.key) {
                errors.push(FieldError::new(
                    column.key,
                    format!(
                        "the file has no column for {} (required); map one of its columns to it. Its columns are: {}",
                        column.label,
                        headers.join(", ")
                    ),
                ));
            }
            continue;
        };
        if let Some(other) = index[..c].iter().position(|o| *o == Some(i)) {
            errors.push(FieldError::new(
                column.key,
                format!(
                    "column '{}' is already mapped to {}",
                    headers[i], columns[other].label
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Invalid(errors));
    }
    let used = columns
        .iter()
        .zip(&index)
        .filter_map(|(c, i)| i.map(|i| (c.key.to_owned(), headers[i].clone())))
        .collect();
    let ignored = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !index.contains(&Some(*i)))
        .map(|(_, h)| h.clone())
        .collect();
    Ok(Resolved {
        index,
        used,
        ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_are_matched_without_case_spaces_or_punctuation() {
        assert_eq!(normalize_header(" Employee-ID "), "employeeid");
        let file = headers(&[
            "EmpID",
            "Full Name",
            "Work E-mail",
            "Job Title",
            "Favourite colour",
        ]);
        let r = resolve(people::COLUMNS, &file, &Mapping::default()).unwrap();
        assert_eq!(r.used["employee_id"], "EmpID");
        assert_eq!(r.used["name"], "Full Name");
        assert_eq!(r.used["email"], "Work E-mail");
        assert_eq!(r.used["job_role"], "Job Title");
        assert_eq!(r.ignored, vec!["Favourite colour".to_string()]);
    }

    #[test]
    fn a_missing_required_column_is_one_clear_error_per_field() {
        let file = headers(&["Name", "Role"]);
        let err = resolve(people::COLUMNS, &file, &Mapping::default()).unwrap_err();
        assert!(
            err.message_for("email")
                .unwrap()
                .contains("no column for Email")
        );
        assert!(err.message_for("employee_id").is_some());
        assert!(err.message_for("name").is_none());
    }

    #[test]
    fn a_chosen_mapping_wins_over_suggestions_and_may_leave_a_field_out() {
        let file = headers(&["ID", "Name", "Email", "Personal Email", "Role", "Site"]);
        let mapping =
            Mapping::parse_pairs(&["employee_id=id", "email=Personal Email", "site="]).unwrap();
        let r = resolve(people::COLUMNS, &file, &mapping).unwrap();
        assert_eq!(r.used["email"], "Personal Email");
        assert!(!r.used.contains_key("site"));
        assert!(r.ignored.contains(&"Email".to_string()));
    }

    #[test]
    fn a_mapping_to_a_header_the_file_lacks_or_an_unknown_field_is_refused() {
        let file = headers(&["ID", "Name", "Email", "Role"]);
        let mapping = Mapping::parse_pairs(&["email=Mail", "colour=Name"]).unwrap();
        let err = resolve(people::COLUMNS, &file, &mapping).unwrap_err();
        assert!(
            err.message_for("email")
                .unwrap()
                .contains("no column 'Mail'")
        );
        assert!(err.message_for("mapping").unwrap().contains("colour"));
        assert!(Mapping::parse_pairs(&["email"]).is_err());
    }

    #[test]
    fn one_column_cannot_feed_two_fields() {
        let file = headers(&["ID", "Name", "Email", "Role"]);
        let mapping = Mapping::parse_pairs(&["name=Name", "organization=name"]).unwrap();
        let err = resolve(people::COLUMNS, &file, &mapping).unwrap_err();
        assert!(
            err.message_for("organization")
                .unwrap()
                .contains("already mapped")
        );
    }
}
