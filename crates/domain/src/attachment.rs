//! Files people upload beside a record: a ticket's screenshots, a readiness attestation's
//! evidence. One set of rules for all of them: what kinds a use accepts (told by the bytes,
//! never by the name or the browser's word alone), how large, how many, and a name safe to
//! store and to send back in a header.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A stored file's description; its bytes are fetched separately.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFile {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Who uploaded it (absent for files stored before uploads were signed).
    pub uploaded_by: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

/// A kind of file, recognised by its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Tiff,
    Pdf,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// Word document (Office Open XML).
    Docx,
    /// PowerPoint presentation (Office Open XML).
    Pptx,
    /// Comma-separated values: UTF-8 text named `.csv`.
    Csv,
    /// Plain UTF-8 text named `.txt`.
    Text,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Tiff => "image/tiff",
            Kind::Pdf => "application/pdf",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Csv => "text/csv",
            Kind::Text => "text/plain",
        }
    }

    /// What a file input's `accept` names for this kind.
    pub fn accept(self) -> &'static str {
        match self {
            Kind::Csv => ".csv",
            Kind::Text => ".txt",
            other => other.content_type(),
        }
    }
}

/// What a file of `name` holds, judged by its bytes: images, PDF and Office documents by
/// their signatures (an Office document is a ZIP holding its main part), text by being
/// UTF-8 without control characters and named for it.
pub fn sniff(name: &str, bytes: &[u8]) -> Option<Kind> {
    const MAGIC: &[(&[u8], Kind)] = &[
        (b"\x89PNG\r\n\x1a\n", Kind::Png),
        (b"\xff\xd8\xff", Kind::Jpeg),
        (b"GIF87a", Kind::Gif),
        (b"GIF89a", Kind::Gif),
        (b"II*\x00", Kind::Tiff),
        (b"MM\x00*", Kind::Tiff),
        (b"%PDF-", Kind::Pdf),
    ];
    if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(Kind::Webp);
    }
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(*kind);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // The part names are in the archive's directory, at its end.
        let holds = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        return [
            (&b"xl/workbook.xml"[..], Kind::Xlsx),
            (&b"word/document.xml"[..], Kind::Docx),
            (&b"ppt/presentation.xml"[..], Kind::Pptx),
        ]
        .into_iter()
        .find(|(part, _)| holds(part))
        .map(|(_, kind)| kind);
    }
    let lower = name.to_ascii_lowercase();
    let text = || {
        std::str::from_utf8(bytes).is_ok_and(|s| {
            !s.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        })
    };
    if lower.ends_with(".csv") && text() {
        Some(Kind::Csv)
    } else if lower.ends_with(".txt") && text() {
        Some(Kind::Text)
    } else {
        None
    }
}

/// What one use of files accepts.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// What the files are called in messages: "attachments", "evidence files".
    pub what: &'static str,
    pub max_bytes: usize,
    pub max_files: usize,
    pub kinds: &'static [Kind],
    /// The accepted kinds in words, for messages and help text.
    pub described: &'static str,
}

impl Policy {
    /// Checks one file; the error says what is wrong with which file. Gives the content type.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Result<&'static str, String> {
        if bytes.is_empty() {
            return Err(format!("{name} is empty"));
        }
        if bytes.len() > self.max_bytes {
            return Err(self.too_large(name));
        }
        sniff(name, bytes)
            .filter(|kind| self.kinds.contains(kind))
            .map(Kind::content_type)
            .ok_or_else(|| format!("{name} is not {}", self.described))
    }

    /// The refusal of a file of `name` that is larger than `max_bytes`.
    pub fn too_large(&self, name: &str) -> String {
        format!(
            "{name} is too large: {} may be at most {} each",
            self.what,
            size_label(self.max_bytes as i64)
        )
    }

    /// The refusal of the file after the last one allowed.
    pub fn too_many(&self, name: &str) -> String {
        format!(
            "{name} is one file too many: at most {} {} at a time",
            self.max_files, self.what
        )
    }

    /// The largest request that carries a form with this many files of this size.
    pub const fn upload_limit(&self) -> usize {
        self.max_files * self.max_bytes + 256 * 1024
    }

    /// A file input's `accept` attribute.
    pub fn accept(&self) -> String {
        self.kinds
            .iter()
            .map(|k| k.accept())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A size in words: "812 bytes", "14 KiB", "2.5 MiB".
pub fn size_label(bytes: i64) -> String {
    const KIB: i64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} bytes"),
        b if b < KIB * KIB => format!("{} KiB", b / KIB),
        b if b % (KIB * KIB) == 0 => format!("{} MiB", b / KIB / KIB),
        b => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
    }
}

/// A file name safe to store and to send back in a header: the last path segment, ASCII
/// letters, digits, dot, dash, underscore and space only, at most 100 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// The `Content-Disposition` value that offers `name` as a download (`inline` lets a
/// browser show it). The name is quoted with `"` and `\` escaped and anything outside
/// printable ASCII dropped, whatever was stored.
pub fn disposition(name: &str, inline: bool) -> String {
    let mut quoted = String::with_capacity(name.len());
    for c in name
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
    {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{quoted}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVIDENCE: Policy = Policy {
        what: "evidence files",
        max_bytes: 1024,
        max_files: 2,
        kinds: &[Kind::Pdf, Kind::Xlsx, Kind::Csv],
        described: "a PDF, a workbook or a CSV",
    };

    #[test]
    fn files_are_told_by_their_bytes_not_their_names() {
        assert_eq!(sniff("x.pdf", b"%PDF-1.7 ..."), Some(Kind::Pdf));
        assert_eq!(sniff("x.pdf", b"<script>"), None);
        let workbook = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml....";
        assert_eq!(sniff("devices.bin", workbook), Some(Kind::Xlsx));
        assert_eq!(sniff("a.zip", b"PK\x03\x04....payload.exe"), None);
        assert_eq!(
            sniff("devices.csv", b"room,device\n1,WOW\n"),
            Some(Kind::Csv)
        );
        assert_eq!(sniff("devices.csv", b"MZ\x90\x00\x03"), None, "binary");
        assert_eq!(
            sniff("devices.exe", b"room,device\n"),
            None,
            "named as text"
        );
        assert_eq!(sniff("scan.tif", b"II*\x00rest"), Some(Kind::Tiff));
    }

    #[test]
    fn a_policy_names_the_file_it_refuses() {
        assert_eq!(EVIDENCE.check("a.csv", b"a,b\n"), Ok("text/csv"));
        let big = vec![b'a'; 1025];
        let err = EVIDENCE.check("big.csv", &big).unwrap_err();
        assert_eq!(
            err,
            "big.csv is too large: evidence files may be at most 1 KiB each"
        );
        let err = EVIDENCE
            .check("shot.png", b"\x89PNG\r\n\x1a\n0")
            .unwrap_err();
        assert_eq!(err, "shot.png is not a PDF, a workbook or a CSV");
        assert_eq!(EVIDENCE.check("e.csv", b"").unwrap_err(), "e.csv is empty");
        assert_eq!(
            EVIDENCE.accept(),
            "application/pdf,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,.csv"
        );
    }

    #[test]
    fn names_are_cleaned_and_quoted_for_headers() {
        assert_eq!(clean_name("C:\\x\\shot<1>.png"), "shot1.png");
        assert_eq!(
            [812, 14 * 1024 + 9, 10 << 20, 5 << 19].map(size_label),
            ["812 bytes", "14 KiB", "10 MiB", "2.5 MiB"]
        );
        assert_eq!(clean_name("../../\u{202e}"), "attachment");
        assert_eq!(
            disposition("a\"b\\c\u{e9}.pdf", false),
            "attachment; filename=\"a\\\"b\\\\c.pdf\""
        );
        assert_eq!(disposition("s.png", true), "inline; filename=\"s.png\"");
    }
}
