//! Muster's file imports. A file is uploaded (or named on the command line), its format
//! told by its bytes, its header mapped to Muster's fields, and its rows streamed through
//! the kind's checks into batched writes in one transaction. Progress is shared while it
//! runs; bad rows go to a rejects CSV with their reasons.
//!
//! The pieces are generic: `source` reads CSV and XLSX, `check` runs any row checker over a
//! file, `rejects` writes the rejects file, `job` opens, previews and runs a job of any
//! kind. The kinds: `people` (the roster) and `completions` (LMS exports). `plan` imports
//! a whole plan (Microsoft Project XML, or a task list) all or nothing, outside the jobs.
#![forbid(unsafe_code)]

pub mod check;
pub mod completions;
pub mod export;
pub mod job;
pub mod measurements;
pub mod people;
pub mod plan;
pub mod rejects;
pub mod source;
pub mod xlsx_write;

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::atomic::{AtomicU64, Ordering};

use muster_domain::import::ImportCounts;

pub use job::{ImportError, Opened, PreviewRow, open, preview, run};
pub use source::{FileError, FileInfo, Row};

/// A running import's tallies, shared with whoever shows its progress.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes_total: AtomicU64,
    pub bytes_done: AtomicU64,
    /// Data rows the file declares (XLSX), for progress before the end.
    pub rows_hint: AtomicU64,
    pub rows_done: AtomicU64,
    pub imported: AtomicU64,
    pub updated: AtomicU64,
    pub unchanged: AtomicU64,
    pub deactivated: AtomicU64,
    pub rejected: AtomicU64,
}

impl Progress {
    pub fn counts(&self) -> ImportCounts {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ImportCounts {
            rows_total: 0,
            rows_done: get(&self.rows_done),
            imported: get(&self.imported),
            updated: get(&self.updated),
            unchanged: get(&self.unchanged),
            deactivated: get(&self.deactivated),
            rejected: get(&self.rejected),
        }
    }

    /// How far the reading is, 0 to 100: by bytes for CSV, by rows for XLSX.
    pub fn percent(&self) -> u8 {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let (done, total) = match get(&self.rows_hint) {
            0 => (get(&self.bytes_done), get(&self.bytes_total)),
            rows => (get(&self.rows_done), rows),
        };
        if total == 0 {
            return 0;
        }
        (done.min(total) * 100 / total) as u8
    }

    /// The data rows the whole file probably has: declared (XLSX), or extrapolated from
    /// the bytes read so far (CSV).
    pub fn rows_expected(&self) -> u64 {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        match (get(&self.rows_hint), get(&self.bytes_done)) {
            (0, 0) => get(&self.rows_done),
            (0, bytes) => {
                let rows = get(&self.rows_done) as u128 * get(&self.bytes_total) as u128;
                (rows / bytes as u128) as u64
            }
            (rows, _) => rows,
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}
