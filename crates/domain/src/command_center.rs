//! The command center's settings: who leads it, the priority matrix and the thresholds that
//! raise alarms and escalations.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_count, optional_id};
use crate::ticket::triage::PriorityMatrix;
use crate::ticket::{Impact, Priority, Urgency};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// The command center lead: the last step of every escalation.
    pub lead_account_id: Option<i64>,
    pub priority_matrix: PriorityMatrix,
    /// A ticket waiting in the triage queue longer than this raises the alarm.
    pub triage_alarm_minutes: i64,
    /// A ticket nobody has taken for this long is escalated.
    pub unassigned_minutes: i64,
    /// Escalate when less than this share of the resolution time is left.
    pub breach_warning_percent: i64,
    /// How long after resolution the requester may reopen.
    pub reopen_window_hours: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lead_account_id: None,
            priority_matrix: PriorityMatrix::default(),
            triage_alarm_minutes: 15,
            unassigned_minutes: 30,
            breach_warning_percent: 25,
            reopen_window_hours: 72,
        }
    }
}

/// The settings form: the thresholds, and one field per matrix cell named
/// `p_<impact>_<urgency>` (for example `p_high_low`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub lead_account_id: Option<String>,
    /// Nine priority codes row by row (impact high, medium, low × urgency high, medium, low).
    pub priority_matrix: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub triage_alarm_minutes: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub unassigned_minutes: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub breach_warning_percent: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub reopen_window_hours: Option<String>,
    pub p_high_high: Option<String>,
    pub p_high_medium: Option<String>,
    pub p_high_low: Option<String>,
    pub p_medium_high: Option<String>,
    pub p_medium_medium: Option<String>,
    pub p_medium_low: Option<String>,
    pub p_low_high: Option<String>,
    pub p_low_medium: Option<String>,
    pub p_low_low: Option<String>,
}

/// The name of a matrix cell's form field.
pub fn cell_name(impact: Impact, urgency: Urgency) -> String {
    format!("p_{}_{}", impact.code(), urgency.code())
}

impl SettingsDraft {
    /// Parses this draft over `current`: absent fields keep their value.
    pub fn parse(self, current: &Settings) -> Result<Settings, Invalid> {
        let mut v = Validator::new();
        let minutes = |v: &mut Validator, field: &str, raw: Option<String>, max: i64, keep: i64| {
            v.optional(field, raw, |s| {
                optional_count(s, max)?
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("must be a whole number from 1 to {max}"))
            })
            .map(|o| o.unwrap_or(keep))
        };
        let lead = v.optional("lead_account_id", self.lead_account_id, optional_id);
        let triage = minutes(
            &mut v,
            "triage_alarm_minutes",
            self.triage_alarm_minutes,
            24 * 60,
            current.triage_alarm_minutes,
        );
        let unassigned = minutes(
            &mut v,
            "unassigned_minutes",
            self.unassigned_minutes,
            24 * 60,
            current.unassigned_minutes,
        );
        let warning = minutes(
            &mut v,
            "breach_warning_percent",
            self.breach_warning_percent,
            99,
            current.breach_warning_percent,
        );
        let reopen = minutes(
            &mut v,
            "reopen_window_hours",
            self.reopen_window_hours,
            24 * 30,
            current.reopen_window_hours,
        );
        let mut matrix = v
            .optional("priority_matrix", self.priority_matrix, |s| {
                PriorityMatrix::parse(&s)
            })
            .flatten()
            .unwrap_or(current.priority_matrix);
        let cells = [
            (Impact::High, Urgency::High, self.p_high_high),
            (Impact::High, Urgency::Medium, self.p_high_medium),
            (Impact::High, Urgency::Low, self.p_high_low),
            (Impact::Medium, Urgency::High, self.p_medium_high),
            (Impact::Medium, Urgency::Medium, self.p_medium_medium),
            (Impact::Medium, Urgency::Low, self.p_medium_low),
            (Impact::Low, Urgency::High, self.p_low_high),
            (Impact::Low, Urgency::Medium, self.p_low_medium),
            (Impact::Low, Urgency::Low, self.p_low_low),
        ];
        for (impact, urgency, raw) in cells {
            if let Some(p) = v
                .optional(&cell_name(impact, urgency), raw, |s| Priority::parse(&s))
                .flatten()
            {
                matrix.set(impact, urgency, p);
            }
        }
        v.finish(|| Settings {
            lead_account_id: lead.unwrap().unwrap_or(current.lead_account_id),
            priority_matrix: matrix,
            triage_alarm_minutes: triage.unwrap(),
            unassigned_minutes: unassigned.unwrap(),
            breach_warning_percent: warning.unwrap(),
            reopen_window_hours: reopen.unwrap(),
        })
    }
}
