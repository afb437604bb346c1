//! Writing small XLSX workbooks for tests and the benchmark's input, through the one
//! XLSX writer (`xlsx_write`).

use std::path::Path;

use crate::xlsx_write::XlsxWriter;

/// Writes `rows` (the first is the header) as the one sheet of an XLSX workbook. Cells that
/// are whole numbers are written as numbers, the way Excel stores employee numbers.
pub fn write_xlsx<I, R>(path: &Path, rows: I) -> std::io::Result<()>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut rows = rows.into_iter();
    let header = rows.next();
    let header: Vec<&str> = header
        .as_ref()
        .map(|h| h.as_ref().iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut sheet = XlsxWriter::new(file, "Roster", &header)?.digits_as_numbers();
    for row in rows {
        sheet.row(row.as_ref())?;
    }
    sheet.finish()?;
    Ok(())
}
