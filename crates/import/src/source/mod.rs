//! Reading an uploaded file as a stream of rows, whatever its format: the format is told
//! by the file's first bytes (a ZIP is an XLSX workbook, text is CSV), never held whole in
//! memory, and every way a file can be unreadable becomes one clear message.

mod csv;
mod xlsx;

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use muster_domain::import::FileFormat;

use crate::Progress;

/// A file that cannot be read (as a whole, not one row of it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

impl FileError {
    pub fn new(message: impl Into<String>) -> Self {
        FileError(message.into())
    }
}

/// One data row: its number as in the file (the header is row 1) and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
    /// Something wrong with the row as a whole (more cells than headers).
    pub problem: Option<String>,
}

/// What the first row and the reading told about a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileInfo {
    pub headers: Vec<String>,
    /// Encoding and layout notes worth showing ("decoded as Windows-1252").
    pub notes: Vec<String>,
}

/// Tells the format of the file at `path` by its first bytes.
pub fn sniff(path: &Path, file_name: &str) -> Result<FileFormat, FileError> {
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| FileError::new(format!("the file could not be opened: {e}")))?;
    let head = &head[..n];
    let named_xlsx = file_name.to_lowercase().ends_with(".xlsx");
    if head.starts_with(b"PK\x03\x04") {
        return Ok(FileFormat::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::new(
            "this is an old-style Excel file (.xls); save it as .xlsx or CSV and upload that",
        ));
    }
    if named_xlsx {
        return Err(FileError::new(
            "the file is named .xlsx but is not an Excel workbook (an XLSX file is a ZIP archive)",
        ));
    }
    if head.starts_with(b"%PDF") {
        return Err(FileError::new("this is a PDF; upload a CSV or XLSX file"));
    }
    if n == 0 {
        return Err(FileError::new("the file is empty"));
    }
    Ok(FileFormat::Csv)
}

/// Reads `path` as `format`: `on_header` sees the header row, `on_row` every data row; either
/// may stop the reading early (a preview). Rows stream: memory does not grow with the file.
pub fn read(
    path: &Path,
    format: FileFormat,
    progress: &Progress,
    on_header: &mut dyn FnMut(&FileInfo) -> ControlFlow<()>,
    on_row: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<FileInfo, FileError> {
    match format {
        FileFormat::Csv => csv::read(path, progress, on_header, on_row),
        FileFormat::Xlsx => xlsx::read(path, progress, on_header, on_row),
    }
}

/// Header cells trimmed; a header row with nothing in it is an error.
fn headers(cells: Vec<String>) -> Result<Vec<String>, FileError> {
    let headers: Vec<String> = cells.into_iter().map(|h| h.trim().to_owned()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(FileError::new(
            "the first row is empty: the file needs a header row naming its columns",
        ));
    }
    Ok(headers)
}

/// A row with more cells than the header names is suspect (a stray delimiter, an unbalanced
/// quote); empty trailing cells are not.
fn row(number: u64, mut cells: Vec<String>, width: usize) -> Row {
    let extra = cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty());
    let problem = extra.then(|| {
        format!(
            "the row has {} cells but the header names {width} (a stray delimiter or an unbalanced quote?)",
            cells.len()
        )
    });
    cells.truncate(width);
    Row {
        number,
        cells,
        problem,
    }
}
