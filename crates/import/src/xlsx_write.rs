//! Writing XLSX workbooks as a stream: a ZIP (written forward only, so it can go straight
//! to a socket) with the few parts Excel needs and one sheet of inline strings, the header
//! row bold. Used by the exports and by the tests and benchmarks that need an XLSX input.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use zip::write::{SimpleFileOptions, StreamWriter, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
/// Two cell formats: 0 plain, 1 bold (the header).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// XML text: markup escaped, and characters XML 1.0 cannot hold dropped.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Column letters: 0 -> A, 25 -> Z, 26 -> AA.
fn column(mut c: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII")
}

/// One sheet written row by row to `W`; nothing but the current row is held in memory.
pub struct XlsxWriter<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    rows: usize,
    digits_as_numbers: bool,
    line: String,
}

impl<W: Write> XlsxWriter<W> {
    /// A workbook whose one sheet is named `sheet` (at most 31 characters, no `[]:*?/\`),
    /// starting with `header` in bold.
    pub fn new(out: W, sheet: &str, header: &[&str]) -> io::Result<Self> {
        let mut zip = ZipWriter::new_stream(out);
        let options = SimpleFileOptions::default();
        let mut name = String::new();
        escape(sheet, &mut name);
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        for (part, body) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", workbook.as_str()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ] {
            zip.start_file(part, options).map_err(io::Error::other)?;
            zip.write_all(body.as_bytes())?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .map_err(io::Error::other)?;
        zip.write_all(SHEET_START.as_bytes())?;
        let mut writer = XlsxWriter {
            zip,
            rows: 0,
            digits_as_numbers: false,
            line: String::new(),
        };
        writer.write_row(header, true)?;
        Ok(writer)
    }

    /// Writes cells made only of digits (up to 15) as numbers, the way Excel keeps employee
    /// numbers typed in by hand. Off by default: an export keeps "00123" as text.
    pub fn digits_as_numbers(mut self) -> Self {
        self.digits_as_numbers = true;
        self
    }

    /// Appends a row of cells.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        self.write_row(cells, false)
    }

    fn write_row<S: AsRef<str>>(&mut self, cells: &[S], bold: bool) -> io::Result<()> {
        self.rows += 1;
        let r = self.rows;
        let line = &mut self.line;
        line.clear();
        line.push_str(&format!("<row r=\"{r}\">"));
        for (c, cell) in cells.iter().enumerate() {
            let cell = cell.as_ref();
            if cell.is_empty() {
                continue;
            }
            let at = format!("{}{r}", column(c));
            let style = if bold { " s=\"1\"" } else { "" };
            if self.digits_as_numbers
                && !bold
                && cell.len() < 16
                && cell.bytes().all(|b| b.is_ascii_digit())
            {
                line.push_str(&format!("<c r=\"{at}\"{style}><v>{cell}</v></c>"));
            } else {
                line.push_str(&format!("<c r=\"{at}\"{style} t=\"inlineStr\"><is><t>"));
                escape(cell, line);
                line.push_str("</t></is></c>");
            }
        }
        line.push_str("</row>");
        self.zip.write_all(self.line.as_bytes())
    }

    /// Ends the sheet and the ZIP; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.zip.write_all(SHEET_END.as_bytes())?;
        let mut out = self.zip.finish().map_err(io::Error::other)?.into_inner();
        out.flush()?;
        Ok(out)
    }
}

/// A `Write` whose bytes can be taken out while writing goes on: the chunks of a download
/// streamed as it is made.
#[derive(Debug, Clone, Default)]
pub struct Spool(Arc<Mutex<Vec<u8>>>);

impl Spool {
    /// The bytes written since the last take.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().expect("spool lock"))
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("spool lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn a_workbook_written_in_chunks_reads_back_with_its_header_text_and_numbers() {
        let spool = Spool::default();
        let mut bytes = Vec::new();
        let mut w = XlsxWriter::new(spool.clone(), "People & <roles>", &["id", "name"])
            .unwrap()
            .digits_as_numbers();
        for n in 0..3_000 {
            w.row(&[n.to_string(), format!("Ana \"{n}\" <&> Ødegård\u{1}")])
                .unwrap();
            if n % 500 == 0 {
                bytes.extend(spool.take());
            }
        }
        w.finish().unwrap();
        bytes.extend(spool.take());
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["People & <roles>"]);
        let sheet = book.worksheet_range("People & <roles>").unwrap();
        let rows: Vec<_> = sheet.rows().collect();
        assert_eq!(rows.len(), 3_001);
        assert_eq!(
            rows[0],
            [Data::String("id".into()), Data::String("name".into())]
        );
        assert_eq!(rows[2][0], Data::Float(1.0));
        assert_eq!(rows[2][1], Data::String("Ana \"1\" <&> Ødegård".into()));
    }

    #[test]
    fn leading_zeros_stay_text_unless_asked() {
        let mut w = XlsxWriter::new(Vec::new(), "S", &["id"]).unwrap();
        w.row(&["00123"]).unwrap();
        let bytes = w.finish().unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("S").unwrap();
        assert_eq!(sheet.get((1, 0)), Some(&Data::String("00123".into())));
        assert_eq!(column(26), "AA");
    }
}
