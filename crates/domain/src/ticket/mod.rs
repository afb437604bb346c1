//! Tickets: what a user at the elbow reports during go-live, and the rules that carry it to
//! an honest close. Intake (`TicketDraft`), triage (`triage`), SLA clocks (`sla`), the
//! status workflow (`workflow`) and escalation (`escalation`) are pure functions of a ticket
//! and the program's settings, so the store and the web layer only persist and show them.

pub mod escalation;
pub mod sla;
pub mod triage;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachment::{Kind, Policy, StoredFile};
use crate::draft::{flag, number_as_text, optional_id};
use crate::person::JobRole;
use crate::text::optional_text;
use crate::validate::{Invalid, Validator};

pub use sla::Clock;

pub type TicketId = i64;

choice!(
    Category {
        HowTo = ("how_to", "How-to / training"),
        BreakFix = ("break_fix", "Break-fix"),
        Access = ("access", "Access / security"),
        Hardware = ("hardware", "Hardware / devices"),
        Interface = ("interface", "Interface"),
        BuildChange = ("build_change", "Build change request"),
        DataConversion = ("data_conversion", "Data conversion"),
        Other = ("other", "Other"),
    }
);

choice!(
    /// How many people or how much care is affected.
    Impact {
        High = ("high", "High: a unit or many users, or care is blocked"),
        Medium = ("medium", "Medium: several users or a workaround is hard"),
        Low = ("low", "Low: one user, a workaround exists"),
    }
);

choice!(
    /// How soon it hurts.
    Urgency {
        High = ("high", "High: now"),
        Medium = ("medium", "Medium: this shift"),
        Low = ("low", "Low: can wait"),
    }
);

choice!(
    Priority {
        P1 = ("p1", "P1 critical"),
        P2 = ("p2", "P2 high"),
        P3 = ("p3", "P3 medium"),
        P4 = ("p4", "P4 low"),
    }
);

choice!(
    Status {
        New = ("new", "New"),
        Assigned = ("assigned", "Assigned"),
        InProgress = ("in_progress", "In progress"),
        Waiting = ("waiting", "Waiting on requester"),
        Reopened = ("reopened", "Reopened"),
        Resolved = ("resolved", "Resolved"),
        Closed = ("closed", "Closed"),
        Merged = ("merged", "Merged into another ticket"),
    }
);

choice!(
    ResolutionCode {
        Fixed = ("fixed", "Fixed"),
        Workaround = ("workaround", "Workaround given"),
        Trained = ("trained", "User trained / how-to answered"),
        ChangeRequested = ("change_requested", "Build change requested"),
        VendorFix = ("vendor_fix", "Fixed by vendor"),
        NotReproducible = ("not_reproducible", "Could not reproduce"),
        NoAction = ("no_action", "No action needed"),
    }
);

choice!(
    /// What happened to a ticket, in its history.
    EventKind {
        Created = ("created", "Created"),
        Comment = ("comment", "Comment"),
        Status = ("status", "Status changed"),
        Triage = ("triage", "Triaged"),
        Assigned = ("assigned", "Assigned"),
        Escalated = ("escalated", "Escalated"),
        Breached = ("breached", "SLA breached"),
        Merged = ("merged", "Merged"),
        Joined = ("joined", "Another requester joined"),
        KnownIssue = ("known_issue", "Linked to a known issue"),
        ChangeRequest = ("change_request", "Change request"),
        Attachment = ("attachment", "Attachment"),
    }
);

impl Status {
    /// Still needs the command center's work.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Merged)
    }

    pub const OPEN: &'static [Status] = &[
        Status::New,
        Status::Assigned,
        Status::InProgress,
        Status::Waiting,
        Status::Reopened,
    ];
}

/// A ticket as stored, with its SLA clock read at the time it was loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: TicketId,
    /// The number people quote ("ticket 1042"), sequential per program.
    pub number: i64,
    pub requester_account_id: Option<i64>,
    pub requester_name: String,
    /// How to reach the requester (extension, pager, mobile).
    pub contact: Option<String>,
    pub site_id: i64,
    pub unit_id: Option<i64>,
    pub job_role: Option<JobRole>,
    pub module_id: Option<i64>,
    /// The workflow or screen concerned.
    pub workflow: Option<String>,
    pub summary: String,
    pub what_happened: String,
    pub expected: Option<String>,
    pub category: Category,
    pub impact: Impact,
    pub urgency: Urgency,
    pub priority: Priority,
    pub patient_safety: bool,
    pub status: Status,
    pub team_id: i64,
    pub assignee_account_id: Option<i64>,
    /// 0: with the team; 1: raised to the team lead; 2: raised to the command center lead.
    pub escalation_level: i64,
    pub known_issue_id: Option<i64>,
    pub merged_into_id: Option<i64>,
    pub resolution_code: Option<ResolutionCode>,
    pub resolution_note: Option<String>,
    pub reopen_count: i64,
    /// Increases with every change; send it back to update without losing another's edit.
    pub version: i64,
    pub opened_at: DateTime<Utc>,
    /// When the ticket reached its current team.
    pub team_since_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub sla: Clock,
    /// The stored clock behind `sla`.
    #[serde(skip)]
    pub timers: sla::Timers,
}

/// A ticket as a form or an integration submits it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub unit_id: Option<String>,
    pub job_role: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    pub workflow: Option<String>,
    pub summary: Option<String>,
    pub what_happened: Option<String>,
    pub expected: Option<String>,
    /// how_to, break_fix, access, hardware, interface, build_change, data_conversion, other
    pub category: Option<String>,
    /// high, medium or low (default medium)
    pub impact: Option<String>,
    /// high, medium or low (default medium)
    pub urgency: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub patient_safety: Option<bool>,
    pub contact: Option<String>,
    /// For integrations filing on someone's behalf: the person's name.
    pub requester_name: Option<String>,
}

/// A valid new ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketSpec {
    pub site_id: i64,
    pub unit_id: Option<i64>,
    pub job_role: Option<JobRole>,
    pub module_id: Option<i64>,
    pub workflow: Option<String>,
    pub summary: String,
    pub what_happened: String,
    pub expected: Option<String>,
    pub category: Category,
    pub impact: Impact,
    pub urgency: Urgency,
    pub patient_safety: bool,
    pub contact: Option<String>,
    pub requester_name: Option<String>,
}

pub const SUMMARY_MAX: usize = 200;
pub const TEXT_MAX: usize = 8_000;

/// Required free text: trimmed, not blank, at most `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, String> {
    optional_text(raw, max)?.ok_or_else(|| "must not be empty".to_string())
}

impl TicketDraft {
    pub fn parse(self) -> Result<TicketSpec, Invalid> {
        let mut v = Validator::new();
        let site_id = v.required("site_id", self.site_id, crate::draft::id);
        let unit_id = v.optional("unit_id", self.unit_id, optional_id);
        let job_role = v.optional("job_role", self.job_role, |s| {
            optional_text(&s, 40)?
                .map(|s| JobRole::parse(&s))
                .transpose()
        });
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let workflow = v.optional("workflow", self.workflow, |s| optional_text(&s, 200));
        let summary = v.required("summary", self.summary, |s| required_text(&s, SUMMARY_MAX));
        let what = v.required("what_happened", self.what_happened, |s| {
            required_text(&s, TEXT_MAX)
        });
        let expected = v.optional("expected", self.expected, |s| optional_text(&s, TEXT_MAX));
        let category = v.optional("category", self.category, |s| blank_or(&s, Category::parse));
        let impact = v.optional("impact", self.impact, |s| blank_or(&s, Impact::parse));
        let urgency = v.optional("urgency", self.urgency, |s| blank_or(&s, Urgency::parse));
        let contact = v.optional("contact", self.contact, |s| optional_text(&s, 200));
        let requester = v.optional("requester_name", self.requester_name, |s| {
            optional_text(&s, 200)
        });
        v.finish(|| TicketSpec {
            site_id: site_id.unwrap(),
            unit_id: unit_id.unwrap().flatten(),
            job_role: job_role.unwrap().flatten(),
            module_id: module_id.unwrap().flatten(),
            workflow: workflow.unwrap().flatten(),
            summary: summary.unwrap(),
            what_happened: what.unwrap(),
            expected: expected.unwrap().flatten(),
            category: category.unwrap().flatten().unwrap_or(Category::Other),
            impact: impact.unwrap().flatten().unwrap_or(Impact::Medium),
            urgency: urgency.unwrap().flatten().unwrap_or(Urgency::Medium),
            patient_safety: self.patient_safety.unwrap_or(false),
            contact: contact.unwrap().flatten(),
            requester_name: requester.unwrap().flatten(),
        })
    }
}

/// A blank choice is "not given"; anything else must parse.
pub fn blank_or<T>(raw: &str, parse: fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// One entry of a ticket's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    pub id: i64,
    pub ticket_id: TicketId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
    pub detail: String,
}

/// A ticket or known issue that looks like what the user is typing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Similar {
    /// "ticket" or "known_issue"
    pub kind: &'static str,
    pub id: i64,
    /// The ticket number (0 for a known issue).
    pub number: i64,
    pub title: String,
    pub status: String,
    /// The known issue's workaround.
    pub workaround: Option<String>,
}

/// A file attached to a ticket (its bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub ticket_id: TicketId,
    #[serde(flatten)]
    pub file: StoredFile,
}

/// Attachments: screenshots and scanned documents only, checked by their bytes.
pub const ATTACHMENTS: Policy = Policy {
    what: "attachments",
    max_bytes: 5 * 1024 * 1024,
    max_files: 5,
    kinds: &[Kind::Png, Kind::Jpeg, Kind::Gif, Kind::Webp, Kind::Pdf],
    described: "a PNG, JPEG, GIF or WebP screenshot or a PDF",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> TicketDraft {
        TicketDraft {
            site_id: Some("3".into()),
            summary: Some("Cannot sign orders".into()),
            what_happened: Some("The sign button is greyed out".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_ticket_takes_sensible_defaults() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.site_id, 3);
        assert_eq!(spec.category, Category::Other);
        assert_eq!(spec.impact, Impact::Medium);
        assert!(!spec.patient_safety);
    }

    #[test]
    fn empty_and_oversize_fields_are_named() {
        let err = TicketDraft {
            summary: Some("   ".into()),
            what_happened: Some("x".repeat(TEXT_MAX + 1)),
            category: Some("gossip".into()),
            site_id: None,
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("summary"), Some("must not be empty"));
        assert!(
            err.message_for("what_happened")
                .unwrap()
                .contains("at most")
        );
        assert!(err.message_for("category").unwrap().contains("how_to"));
        assert_eq!(err.message_for("site_id"), Some("is required"));
    }

    #[test]
    fn attachments_are_checked_by_their_bytes() {
        let png = b"\x89PNG\r\n\x1a\n0000";
        assert_eq!(ATTACHMENTS.check("a.png", png), Ok("image/png"));
        assert!(
            ATTACHMENTS
                .check("evil.png", b"<script>")
                .unwrap_err()
                .contains("evil.png")
        );
        let big = vec![0xff; ATTACHMENTS.max_bytes + 1];
        assert!(
            ATTACHMENTS
                .check("big.jpg", &big)
                .unwrap_err()
                .contains("at most 5 MiB")
        );
        let sheet = b"PK\x03\x04....xl/workbook.xml";
        assert!(ATTACHMENTS.check("d.xlsx", sheet).is_err(), "no workbooks");
    }
}
