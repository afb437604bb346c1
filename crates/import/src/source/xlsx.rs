//! XLSX workbooks: the first sheet, read cell by cell from the ZIP as it streams (calamine's
//! cell reader), so a large workbook is never held whole. Only the shared-strings table is
//! in memory, as the format requires.

use std::fs::File;
use std::io::BufReader;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::Ordering;

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use muster_domain::import::date::excel_serial;

use super::{FileError, FileInfo, Row, headers, row};
use crate::Progress;

fn unreadable(e: XlsxError) -> FileError {
    match e {
        XlsxError::Zip(_) => FileError::new(format!(
            "the file is not a readable Excel workbook (XLSX): the ZIP archive is damaged ({e})"
        )),
        XlsxError::Password => FileError::new(
            "the workbook is password-protected; remove the password or save it as CSV",
        ),
        other => FileError::new(format!(
            "the file is a ZIP archive but not an Excel workbook (XLSX): {other}"
        )),
    }
}

/// A cell as the text a person would have typed: whole numbers without ".0" (employee ids),
/// dates as YYYY-MM-DD.
fn text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) if d.is_datetime() => excel_serial(d.as_f64())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

pub(super) fn read(
    path: &Path,
    progress: &Progress,
    on_header: &mut dyn FnMut(&FileInfo) -> ControlFlow<()>,
    on_row: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<FileInfo, FileError> {
    let file = File::open(path)
        .map_err(|e| FileError::new(format!("the file could not be opened: {e}")))?;
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(unreadable)?;
    let sheets = workbook.sheet_names();
    let first = sheets
        .first()
        .ok_or_else(|| FileError::new("the workbook has no sheets"))?
        .clone();
    let mut info = FileInfo::default();
    if sheets.len() > 1 {
        info.notes.push(format!(
            "read the first sheet, '{first}', of {}",
            sheets.len()
        ));
    }
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(unreadable)?;
    let dimensions = cells.dimensions();
    progress.rows_hint.store(
        u64::from(dimensions.end.0.saturating_sub(dimensions.start.0)),
        Ordering::Relaxed,
    );
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut width: Option<usize> = None;
    // Hands a finished sheet row to the header or row callback.
    let mut emit = |number: u32,
                    values: Vec<String>,
                    info: &mut FileInfo|
     -> Result<ControlFlow<()>, FileError> {
        if values.iter().all(|v| v.trim().is_empty()) {
            return Ok(ControlFlow::Continue(()));
        }
        match width {
            None => {
                info.headers = headers(values)?;
                width = Some(info.headers.len());
                Ok(on_header(info))
            }
            Some(w) => Ok(on_row(row(u64::from(number) + 1, values, w))),
        }
    };
    loop {
        let cell = cells.next_cell().map_err(unreadable)?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        if current.as_ref().is_some_and(|(row, _)| *row != r) {
            let (number, values) = current.take().expect("a row in progress");
            if emit(number, values, &mut info)?.is_break() {
                return Ok(info);
            }
        }
        let (_, values) = current.get_or_insert_with(|| (r, Vec::new()));
        let c = c as usize;
        if values.len() <= c {
            values.resize(c + 1, String::new());
        }
        values[c] = text(cell.get_value());
    }
    if let Some((number, values)) = current.take() {
        let _ = emit(number, values, &mut info)?;
    }
    if width.is_none() {
        return Err(FileError::new(
            "the first sheet is empty: it needs a header row and rows",
        ));
    }
    Ok(info)
}
