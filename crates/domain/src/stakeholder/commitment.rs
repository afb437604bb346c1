//! Commitments: what a stakeholder group has promised the program (attend training, sign off
//! order sets, staff the command center), by when, and whether it was kept. Overdue is
//! computed from the status and the due date, never stored.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{StakeholderId, required_text};
use crate::draft::{id, number_as_text, optional_id, overlay};
use crate::person::PersonId;
use crate::plan::task::optional_date;
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};

pub type CommitmentId = i64;

choice!(
    CommitmentStatus {
        Planned = ("planned", "Planned"),
        InProgress = ("in_progress", "In progress"),
        Done = ("done", "Done"),
        Missed = ("missed", "Missed"),
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
);

impl CommitmentStatus {
    /// Still to be delivered: planned or in progress. Done, missed and withdrawn are
    /// outcomes; a missed commitment is shown as missed, not as overdue.
    pub fn open(self) -> bool {
        matches!(
            self,
            CommitmentStatus::Planned | CommitmentStatus::InProgress
        )
    }

    /// The statuses that count as open, for queries.
    pub const OPEN: &'static [CommitmentStatus] =
        &[CommitmentStatus::Planned, CommitmentStatus::InProgress];
}

/// Open and past its due date on `today`.
pub fn is_overdue(status: CommitmentStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status.open() && due_on < today
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    pub id: CommitmentId,
    pub group_id: StakeholderId,
    /// The group's name (filled by the store for lists and pages).
    pub group_name: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub status: CommitmentStatus,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
    /// What shows it was done: a note or a link.
    pub evidence: String,
    pub owner_person_id: Option<PersonId>,
    /// The owner's name (filled by the store).
    pub owner_name: Option<String>,
    /// Open and past due today (computed when read).
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommitmentDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub group_id: Option<String>,
    pub what: Option<String>,
    /// YYYY-MM-DD.
    pub due_on: Option<String>,
    /// planned, in_progress, done, missed or withdrawn (planned when not given).
    pub status: Option<String>,
    /// YYYY-MM-DD; only with status done (today when done and not given).
    pub done_on: Option<String>,
    pub evidence: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_person_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentSpec {
    pub group_id: StakeholderId,
    pub what: String,
    pub due_on: NaiveDate,
    pub status: CommitmentStatus,
    /// Given with status done; the store stamps today when it is missing.
    pub done_on: Option<NaiveDate>,
    pub evidence: String,
    pub owner_person_id: Option<PersonId>,
}

impl CommitmentDraft {
    pub fn parse(self) -> Result<CommitmentSpec, Invalid> {
        let mut v = Validator::new();
        let group_id = v.required("group_id", self.group_id, id);
        let what = v.required("what", self.what, |s| required_text(&s, 2_000));
        let due_on = v.required("due_on", self.due_on, |s| date(&s));
        let status = v.optional("status", self.status, |s| CommitmentStatus::parse(&s));
        let done_on = v.optional("done_on", self.done_on, optional_date);
        let evidence = v.optional("evidence", self.evidence, |s| optional_text(&s, 4_000));
        let owner = v.optional("owner_person_id", self.owner_person_id, optional_id);
        let status = status.map(|s| s.unwrap_or(CommitmentStatus::Planned));
        let done_on = done_on.map(Option::flatten);
        if let (Some(status), Some(Some(_))) = (status, done_on)
            && status != CommitmentStatus::Done
        {
            v.push("done_on", "is only given for a done commitment");
        }
        v.finish(|| CommitmentSpec {
            group_id: group_id.unwrap(),
            what: what.unwrap(),
            due_on: due_on.unwrap(),
            status: status.unwrap(),
            done_on: done_on.unwrap(),
            evidence: evidence.unwrap().flatten().unwrap_or_default(),
            owner_person_id: owner.unwrap().flatten(),
        })
    }

    pub fn over(self, base: CommitmentDraft) -> CommitmentDraft {
        // A status change away from done drops the old done date unless one is given.
        let done_on = match (&self.status, &self.done_on) {
            (Some(s), None) if CommitmentStatus::parse(s) != Ok(CommitmentStatus::Done) => {
                Some(String::new())
            }
            _ => overlay(base.done_on, self.done_on),
        };
        CommitmentDraft {
            group_id: overlay(base.group_id, self.group_id),
            what: overlay(base.what, self.what),
            due_on: overlay(base.due_on, self.due_on),
            status: overlay(base.status, self.status),
            done_on,
            evidence: overlay(base.evidence, self.evidence),
            owner_person_id: overlay(base.owner_person_id, self.owner_person_id),
        }
    }
}

impl From<&Commitment> for CommitmentDraft {
    fn from(c: &Commitment) -> Self {
        CommitmentDraft {
            group_id: Some(c.group_id.to_string()),
            what: Some(c.what.clone()),
            due_on: Some(c.due_on.to_string()),
            status: Some(c.status.code().into()),
            done_on: Some(c.done_on.map(|d| d.to_string()).unwrap_or_default()),
            evidence: Some(c.evidence.clone()),
            owner_person_id: Some(c.owner_person_id.map(|n| n.to_string()).unwrap_or_default()),
        }
    }
}

/// A group's commitment progress at the end of one month: of the commitments due by then,
/// how many were done by then.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthProgress {
    /// The month, YYYY-MM.
    pub month: String,
    pub due: i64,
    pub done: i64,
}

impl MonthProgress {
    /// Done as a share of due, 0 to 100 (100 when nothing was due yet).
    pub fn percent(&self) -> i64 {
        if self.due == 0 {
            100
        } else {
            self.done * 100 / self.due
        }
    }
}

fn month_end(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Progress month by month, from the month of the earliest due date to `today`'s month (at
/// most `max_months`, the latest kept): for each month end, the commitments due by then
/// (withdrawn ones left out) and those of them done by then. `items` are (due, done_on,
/// status).
pub fn progress_by_month(
    items: &[(NaiveDate, Option<NaiveDate>, CommitmentStatus)],
    today: NaiveDate,
    max_months: usize,
) -> Vec<MonthProgress> {
    let counted: Vec<_> = items
        .iter()
        .filter(|(_, _, s)| *s != CommitmentStatus::Withdrawn)
        .collect();
    let Some(first) = counted.iter().map(|(due, ..)| *due).min() else {
        return Vec::new();
    };
    let (mut year, mut month) = (first.year(), first.month());
    let mut out = Vec::new();
    while (year, month) <= (today.year(), today.month()) {
        let end = month_end(year, month).min(today);
        let due: Vec<_> = counted.iter().filter(|(d, ..)| *d <= end).collect();
        let done = due
            .iter()
            .filter(|(_, done_on, s)| {
                *s == CommitmentStatus::Done && done_on.is_none_or(|d| d <= end)
            })
            .count();
        out.push(MonthProgress {
            month: format!("{year:04}-{month:02}"),
            due: due.len() as i64,
            done: done as i64,
        });
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    let skip = out.len().saturating_sub(max_months);
    out.split_off(skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        date(s).unwrap()
    }

    fn draft() -> CommitmentDraft {
        CommitmentDraft {
            group_id: Some("4".into()),
            what: Some("Sign off the ED order sets".into()),
            due_on: Some("2027-03-01".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_commitment_starts_planned_and_names_each_bad_field() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.status, CommitmentStatus::Planned);
        assert_eq!(spec.done_on, None);
        let err = CommitmentDraft {
            group_id: None,
            due_on: Some("03/01/2027".into()),
            status: Some("finished".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("group_id"), Some("is required"));
        assert!(err.message_for("due_on").unwrap().contains("YYYY-MM-DD"));
        assert!(err.message_for("status").unwrap().contains("in_progress"));
    }

    #[test]
    fn only_a_done_commitment_has_a_done_date() {
        let err = CommitmentDraft {
            status: Some("planned".into()),
            done_on: Some("2027-02-01".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.message_for("done_on"),
            Some("is only given for a done commitment")
        );
        let reopened = CommitmentDraft {
            status: Some("in_progress".into()),
            ..Default::default()
        }
        .over(CommitmentDraft {
            status: Some("done".into()),
            done_on: Some("2027-02-01".into()),
            ..draft()
        });
        assert_eq!(reopened.parse().unwrap().done_on, None);
    }

    #[test]
    fn overdue_is_open_and_past_due() {
        let today = d("2027-03-02");
        assert!(is_overdue(
            CommitmentStatus::Planned,
            d("2027-03-01"),
            today
        ));
        assert!(is_overdue(
            CommitmentStatus::InProgress,
            d("2027-03-01"),
            today
        ));
        assert!(!is_overdue(
            CommitmentStatus::Planned,
            d("2027-03-02"),
            today
        ));
        for closed in [
            CommitmentStatus::Done,
            CommitmentStatus::Missed,
            CommitmentStatus::Withdrawn,
        ] {
            assert!(!is_overdue(closed, d("2027-01-01"), today), "{closed:?}");
        }
    }

    #[test]
    fn progress_counts_what_was_due_and_done_at_each_month_end() {
        use CommitmentStatus::*;
        let items = [
            (d("2027-01-10"), Some(d("2027-01-09")), Done),
            (d("2027-01-20"), Some(d("2027-02-03")), Done),
            (d("2027-02-15"), None, Planned),
            (d("2027-02-20"), None, Withdrawn),
        ];
        let months = progress_by_month(&items, d("2027-03-05"), 24);
        let got: Vec<(&str, i64, i64)> = months
            .iter()
            .map(|m| (m.month.as_str(), m.due, m.done))
            .collect();
        assert_eq!(
            got,
            vec![("2027-01", 2, 1), ("2027-02", 3, 2), ("2027-03", 3, 2)]
        );
        assert_eq!(months[0].percent(), 50);
        assert_eq!(progress_by_month(&items, d("2027-03-05"), 2).len(), 2);
        assert!(progress_by_month(&[], d("2027-03-05"), 24).is_empty());
    }
}
