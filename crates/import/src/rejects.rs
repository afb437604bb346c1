//! The rejects file: the rows an import refused, with the file's own columns and a `reason`
//! column, so that a person can fix them in a spreadsheet and import that file again.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::FileError;

pub struct Rejects {
    path: PathBuf,
    headers: Vec<String>,
    writer: Option<csv::Writer<BufWriter<File>>>,
}

impl Rejects {
    /// Rejects of a file with `headers`, written to `path` once there is a first one.
    pub fn new(path: &Path, headers: &[String]) -> Self {
        Rejects {
            path: path.to_owned(),
            headers: headers.to_vec(),
            writer: None,
        }
    }

    pub fn push(&mut self, cells: &[String], reason: &str) -> Result<(), FileError> {
        let failed =
            |e: csv::Error| FileError::new(format!("the rejects file could not be written: {e}"));
        if self.writer.is_none() {
            let file = File::create(&self.path).map_err(|e| {
                FileError::new(format!("the rejects file could not be created: {e}"))
            })?;
            let mut writer = csv::Writer::from_writer(BufWriter::new(file));
            let mut header = self.headers.clone();
            header.push("reason".into());
            writer.write_record(&header).map_err(failed)?;
            self.writer = Some(writer);
        }
        let writer = self.writer.as_mut().expect("opened above");
        let width = self.headers.len();
        let padded = cells
            .iter()
            .map(String::as_str)
            .chain(std::iter::repeat(""))
            .take(width)
            .chain(std::iter::once(reason));
        writer.write_record(padded).map_err(failed)
    }

    /// Flushes the file; the path when there were rejects.
    pub fn finish(self) -> Result<Option<PathBuf>, FileError> {
        match self.writer {
            Some(mut writer) => {
                writer.flush().map_err(|e| {
                    FileError::new(format!("the rejects file could not be written: {e}"))
                })?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}
