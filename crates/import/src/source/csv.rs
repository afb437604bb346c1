//! CSV as HR systems write it: UTF-8 with or without a byte-order mark, or Windows-1252
//! (Latin-1) where the bytes are not UTF-8; comma, semicolon or tab, told from the header.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{FileError, FileInfo, Row, headers, row};
use crate::Progress;

/// A record longer than this is an unbalanced quote swallowing the rest of the file.
const MAX_RECORD_BYTES: u64 = 1 << 20;

/// Counts the bytes read, and refuses to read on inside one record for too long.
struct Guarded {
    inner: File,
    read: Arc<AtomicU64>,
    record_start: Arc<AtomicU64>,
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.record_start.load(Ordering::Relaxed);
        let at = self.read.load(Ordering::Relaxed);
        if at.saturating_sub(start) > MAX_RECORD_BYTES + 256 * 1024 {
            return Err(std::io::Error::other(RunawayRecord));
        }
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[derive(Debug)]
struct RunawayRecord;

impl std::fmt::Display for RunawayRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("runaway record")
    }
}

impl std::error::Error for RunawayRecord {}

/// UTF-8 as is; otherwise Windows-1252, the superset of Latin-1 that Excel writes.
fn decode(bytes: &[u8], fallback_used: &mut bool) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            *fallback_used = true;
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()
        }
    }
}

/// The delimiter the header line uses most, outside quotes.
fn delimiter(first_line: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in first_line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

pub(super) fn read(
    path: &Path,
    progress: &Progress,
    on_header: &mut dyn FnMut(&FileInfo) -> ControlFlow<()>,
    on_row: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<FileInfo, FileError> {
    let open = || {
        File::open(path).map_err(|e| FileError::new(format!("the file could not be opened: {e}")))
    };
    let mut info = FileInfo::default();
    // The first line, for the byte-order mark and the delimiter.
    let mut first = Vec::new();
    BufReader::new(open()?)
        .take(64 * 1024)
        .read_until(b'\n', &mut first)
        .map_err(|e| FileError::new(format!("the file could not be read: {e}")))?;
    if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::new(
            "the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" and upload that",
        ));
    }
    let bom = first.starts_with(&[0xEF, 0xBB, 0xBF]);
    if bom {
        info.notes.push("UTF-8 with a byte-order mark".into());
    }
    let delimiter = delimiter(&first);
    if delimiter != b',' {
        info.notes.push(format!(
            "columns separated by {}",
            if delimiter == b';' {
                "semicolons"
            } else {
                "tabs"
            }
        ));
    }
    let mut file = open()?;
    if bom {
        file.read_exact(&mut [0u8; 3])
            .map_err(|e| FileError::new(e.to_string()))?;
    }
    let read = Arc::new(AtomicU64::new(if bom { 3 } else { 0 }));
    let record_start = Arc::new(AtomicU64::new(0));
    let guarded = Guarded {
        inner: file,
        read: read.clone(),
        record_start: record_start.clone(),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(256 * 1024)
        .from_reader(guarded);
    let mut record = ::csv::ByteRecord::new();
    let mut fallback = false;
    let mut width = None;
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e, line, reader.position().line())),
        }
        record_start.store(read.load(Ordering::Relaxed), Ordering::Relaxed);
        progress
            .bytes_done
            .store(reader.position().byte(), Ordering::Relaxed);
        let cells: Vec<String> = record.iter().map(|c| decode(c, &mut fallback)).collect();
        match width {
            None => {
                info.headers = headers(cells)?;
                width = Some(info.headers.len());
                if on_header(&info).is_break() {
                    break;
                }
            }
            Some(width) => {
                let number = record.position().map_or(line, |p| p.line());
                if cells.iter().all(|c| c.is_empty()) {
                    continue;
                }
                if on_row(row(number, cells, width)).is_break() {
                    break;
                }
            }
        }
    }
    if width.is_none() {
        return Err(FileError::new("the file has no rows, not even a header"));
    }
    if fallback {
        info.notes
            .push("not valid UTF-8: read as Windows-1252 (Latin-1)".into());
    }
    Ok(info)
}

fn csv_error(e: ::csv::Error, from_line: u64, at_line: u64) -> FileError {
    let runaway = matches!(e.kind(), ::csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|i| i.is::<RunawayRecord>()));
    if runaway {
        return FileError::new(format!(
            "row {from_line} never ends: a quote (\") opened there is not closed, so the rest of the file reads as one cell. Nothing was imported."
        ));
    }
    FileError::new(format!("the file could not be read at line {at_line}: {e}"))
}
