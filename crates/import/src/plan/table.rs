//! A task list (CSV or XLSX) read with the imports' own readers (`source`): the header
//! matched to the task list's columns, every row checked, all of its problems named by row
//! and column.

use std::ops::ControlFlow;
use std::path::Path;

use muster_domain::import::{FileFormat, Mapping, resolve};
use muster_domain::plan::exchange::table::{COLUMNS, MAX_ROWS, TableReader};
use muster_domain::plan::exchange::{Origin, Problems};

use crate::Progress;
use crate::source::{self, FileError};

/// Reads every row of the task list at `path`; `None` when its columns do not fit (the
/// problems say which are missing).
pub fn read(
    path: &Path,
    format: FileFormat,
    problems: &mut Problems,
) -> Result<Option<TableReader>, FileError> {
    // Both callbacks reach the reader: the header makes it, rows feed it.
    let reader: std::cell::RefCell<Option<TableReader>> = std::cell::RefCell::new(None);
    let mut rows = 0u64;
    let mut too_long = false;
    let mut header_problems = Problems::default();
    source::read(
        path,
        format,
        &Progress::default(),
        &mut |info| match resolve(COLUMNS, &info.headers, &Mapping::default()) {
            Ok(resolved) => {
                *reader.borrow_mut() = Some(TableReader::new(resolved));
                ControlFlow::Continue(())
            }
            Err(invalid) => {
                for e in invalid.0 {
                    match COLUMNS.iter().find(|c| c.key == e.field && c.required) {
                        Some(column) => header_problems.push(
                            Origin::File,
                            column.label,
                            format!(
                                "the file has no such column, and every task needs one (name a column '{}'); its columns are: {}",
                                column.key,
                                info.headers.join(", ")
                            ),
                        ),
                        None => header_problems.push(Origin::File, e.field, e.message),
                    }
                }
                ControlFlow::Break(())
            }
        },
        &mut |row| {
            rows += 1;
            if rows > MAX_ROWS {
                too_long = true;
                return ControlFlow::Break(());
            }
            let mut reader = reader.borrow_mut();
            let Some(reader) = reader.as_mut() else {
                return ControlFlow::Break(());
            };
            if let Some(problem) = &row.problem {
                problems.push(Origin::Row(row.number), "", problem.clone());
            }
            reader.row(row.number, &row.cells, problems);
            ControlFlow::Continue(())
        },
    )?;
    if !header_problems.is_empty() {
        *problems = header_problems;
        return Ok(None);
    }
    if too_long {
        return Err(FileError::new(format!(
            "the file has more than {MAX_ROWS} rows; split it into smaller files"
        )));
    }
    Ok(reader.into_inner())
}
