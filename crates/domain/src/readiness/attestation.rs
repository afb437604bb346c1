//! An owner's attestation of a criterion at a site: met, partly or not met, with evidence,
//! dated. Every attestation is kept; the latest (by date, then by when it was recorded) is
//! the one that rates the criterion. Evidence files come with it or are added later by
//! its author; none is ever replaced or removed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Attestation, CriterionId};
use crate::access::Actor;
use crate::attachment::{Kind, Policy, StoredFile};
use crate::draft::id;
use crate::site::SiteId;
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttestationRecord {
    pub id: i64,
    pub criterion_id: CriterionId,
    pub site_id: SiteId,
    pub status: Attestation,
    pub evidence: String,
    /// A link to the evidence (a document, a ticket, a test report).
    pub evidence_url: Option<String>,
    /// The day the owner vouches for.
    pub attested_on: NaiveDate,
    pub attested_by: String,
    pub attested_by_account_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    /// Evidence files, oldest first.
    pub files: Vec<StoredFile>,
}

/// Evidence files: device spreadsheets, procedure documents, sign-off scans.
pub const EVIDENCE: Policy = Policy {
    what: "evidence files",
    max_bytes: 10 * 1024 * 1024,
    max_files: 5,
    kinds: &[
        Kind::Pdf,
        Kind::Xlsx,
        Kind::Csv,
        Kind::Docx,
        Kind::Pptx,
        Kind::Text,
        Kind::Png,
        Kind::Jpeg,
        Kind::Tiff,
    ],
    described: "a PDF, an Excel workbook, a CSV, a Word or PowerPoint document, a text file \
                or a PNG, JPEG or TIFF scan",
};

impl AttestationRecord {
    /// Only its author adds evidence to an attestation already recorded (whoever else may
    /// attest records a new attestation instead): the record says who vouched for what.
    pub fn may_add_evidence(&self, actor: &Actor) -> Result<(), String> {
        match (self.attested_by_account_id, actor.account_id) {
            (Some(author), Some(me)) if author == me => Ok(()),
            _ => Err(format!(
                "only {}, who recorded this attestation, adds evidence to it; record a new \
                 attestation instead",
                self.attested_by
            )),
        }
    }
}

/// An attestation as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttestationDraft {
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub criterion_id: Option<String>,
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub site_id: Option<String>,
    /// met, partly or not_met
    pub status: Option<String>,
    /// What shows it: required.
    pub evidence: Option<String>,
    /// http or https link to the evidence.
    pub evidence_url: Option<String>,
    /// YYYY-MM-DD; blank: today.
    pub attested_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttestationSpec {
    pub criterion_id: CriterionId,
    pub site_id: SiteId,
    pub status: Attestation,
    pub evidence: String,
    pub evidence_url: Option<String>,
    pub attested_on: NaiveDate,
}

/// An evidence link: http or https only, so that a stored link can never run script.
pub fn evidence_url(raw: String) -> Result<Option<String>, String> {
    let Some(url) = optional_text(&raw, 2_000)? else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.chars().any(char::is_whitespace) => Ok(Some(url)),
        _ => Err(format!("'{url}' is not an http or https link")),
    }
}

impl AttestationDraft {
    /// Parses the draft; a blank date is `today`, and a date after `today` is refused.
    pub fn parse(self, today: NaiveDate) -> Result<AttestationSpec, Invalid> {
        let mut v = Validator::new();
        let criterion_id = v.required("criterion_id", self.criterion_id, id);
        let site_id = v.required("site_id", self.site_id, id);
        let status = v.required("status", self.status, |s| Attestation::parse(&s));
        let evidence = v.required("evidence", self.evidence, |s| {
            optional_text(&s, 8_000)?.ok_or_else(|| "say what shows it".to_owned())
        });
        let url = v.optional("evidence_url", self.evidence_url, evidence_url);
        let on = v.optional("attested_on", self.attested_on, |s| {
            if s.trim().is_empty() {
                return Ok(None);
            }
            let day = date(&s)?;
            if day > today {
                return Err("cannot be in the future".into());
            }
            Ok(Some(day))
        });
        v.finish(|| AttestationSpec {
            criterion_id: criterion_id.unwrap(),
            site_id: site_id.unwrap(),
            status: status.unwrap(),
            evidence: evidence.unwrap(),
            evidence_url: url.unwrap().flatten(),
            attested_on: on.unwrap().flatten().unwrap_or(today),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attestation_needs_evidence_and_a_safe_link() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        let bad = AttestationDraft {
            criterion_id: Some("1".into()),
            site_id: Some("x".into()),
            status: Some("maybe".into()),
            evidence: Some(" ".into()),
            evidence_url: Some("javascript:alert(1)".into()),
            attested_on: Some("2027-02-01".into()),
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "site_id",
                "status",
                "evidence",
                "evidence_url",
                "attested_on"
            ]
        );
        let good = AttestationDraft {
            criterion_id: Some("1".into()),
            site_id: Some("2".into()),
            status: Some("partly".into()),
            evidence: Some("Two of three rooms done".into()),
            evidence_url: Some("https://wiki.example/devices".into()),
            attested_on: None,
        }
        .parse(today)
        .unwrap();
        assert_eq!(
            (good.status, good.attested_on),
            (Attestation::Partly, today)
        );
    }
}
