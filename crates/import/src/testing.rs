//! Writing small XLSX workbooks for tests and the benchmark's input: a ZIP with the few
//! parts Excel needs and one sheet of inline strings (numbers as numbers). No dependency on
//! a spreadsheet writer.

use std::io::{Seek, Write};
use std::path::Path;

use zip::write::{SimpleFileOptions, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

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

/// Writes `rows` (the first is the header) as the one sheet of an XLSX workbook. Cells that
/// are whole numbers are written as numbers, the way Excel stores employee numbers.
pub fn write_xlsx<I, R>(path: &Path, rows: I) -> std::io::Result<()>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    let file = std::fs::File::create(path)?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default();
    let part = |zip: &mut ZipWriter<_>, name: &str, body: &str| -> std::io::Result<()> {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
    part(&mut zip, "_rels/.rels", RELS)?;
    part(&mut zip, "xl/workbook.xml", WORKBOOK)?;
    part(&mut zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS)?;
    zip.start_file("xl/worksheets/sheet1.xml", options)?;
    sheet(&mut zip, rows)?;
    zip.finish()?.flush()
}

fn sheet<W: Write + Seek, I, R>(out: &mut ZipWriter<W>, rows: I) -> std::io::Result<()>
where
    I: IntoIterator<Item = R>,
    R: AsRef<[String]>,
{
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#)?;
    let mut line = String::new();
    for (r, row) in rows.into_iter().enumerate() {
        line.clear();
        line.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.as_ref().iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            if r > 0
                && !cell.is_empty()
                && cell.len() < 15
                && cell.bytes().all(|b| b.is_ascii_digit())
            {
                line.push_str(&format!("<c r=\"{at}\"><v>{cell}</v></c>"));
            } else if !cell.is_empty() {
                line.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape(cell)
                ));
            }
        }
        line.push_str("</row>");
        out.write_all(line.as_bytes())?;
    }
    out.write_all(b"</sheetData></worksheet>")
}
