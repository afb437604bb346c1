//! Tabular exports (CSV or XLSX) written a batch of rows at a time: each batch's bytes are
//! taken out as soon as they are encoded, so a download of 400,000 rows streams in chunks
//! and memory holds one batch.

use std::io;

use crate::xlsx_write::{Spool, XlsxWriter};

/// The file formats a list can be exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

enum Encoder {
    Csv(Box<csv::Writer<Spool>>),
    Xlsx(Box<XlsxWriter<Spool>>),
}

/// An export being written.
pub struct Export {
    spool: Spool,
    encoder: Encoder,
}

/// A CSV cell that a spreadsheet would run as a formula is kept as text.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl Export {
    /// An export in `format` that starts with `header` (the sheet is named `sheet`).
    pub fn new(format: ExportFormat, sheet: &str, header: &[&str]) -> io::Result<Self> {
        let spool = Spool::default();
        let encoder = match format {
            ExportFormat::Csv => {
                let mut w = csv::Writer::from_writer(spool.clone());
                w.write_record(header)?;
                Encoder::Csv(Box::new(w))
            }
            ExportFormat::Xlsx => {
                Encoder::Xlsx(Box::new(XlsxWriter::new(spool.clone(), sheet, header)?))
            }
        };
        Ok(Export { spool, encoder })
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        match &mut self.encoder {
            Encoder::Csv(w) => {
                Ok(w.write_record(cells.iter().map(|c| defused(c.as_ref()).into_owned()))?)
            }
            Encoder::Xlsx(w) => w.row(cells),
        }
    }

    /// The bytes encoded so far and not yet taken.
    pub fn take(&mut self) -> io::Result<Vec<u8>> {
        if let Encoder::Csv(w) = &mut self.encoder {
            w.flush()?;
        }
        Ok(self.spool.take())
    }

    /// The last bytes: whatever is left, and the end of the file.
    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self.encoder {
            Encoder::Csv(mut w) => w.flush()?,
            Encoder::Xlsx(w) => {
                w.finish()?;
            }
        }
        Ok(self.spool.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_stay_text() {
        let mut e = Export::new(ExportFormat::Csv, "x", &["name", "note"]).unwrap();
        e.row(&["=HYPERLINK(\"http://x\")", "a, b"]).unwrap();
        let mut bytes = e.take().unwrap();
        bytes.extend(e.finish().unwrap());
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "name,note\n\"'=HYPERLINK(\"\"http://x\"\")\",\"a, b\"\n"
        );
    }
}
