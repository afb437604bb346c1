//! Escalation: rules that raise a ticket to its team lead (level 1) and then to the command
//! center lead (level 2). Evaluated by the sweeper; a ticket only ever climbs.

use chrono::{DateTime, Duration, Utc};

use super::{Status, Ticket};
use crate::command_center::Settings;

/// The level `ticket` should be at by `now`, with the reasons; `in_triage` says whether it
/// still sits in the triage queue.
pub fn level(
    ticket: &Ticket,
    now: DateTime<Utc>,
    settings: &Settings,
    in_triage: bool,
) -> (i64, Vec<String>) {
    let mut reasons: Vec<(i64, String)> = Vec::new();
    if !ticket.status.is_open() {
        return (ticket.escalation_level, Vec::new());
    }
    let waited = now - ticket.team_since_at;
    if in_triage && waited > Duration::minutes(settings.triage_alarm_minutes) {
        reasons.push((
            1,
            format!(
                "waiting in the triage queue for {} min",
                waited.num_minutes()
            ),
        ));
    }
    if ticket.assignee_account_id.is_none()
        && waited > Duration::minutes(settings.unassigned_minutes)
    {
        let level = if ticket.patient_safety { 2 } else { 1 };
        reasons.push((
            level,
            format!("unassigned for {} min", waited.num_minutes()),
        ));
    }
    let clock = ticket.timers.read(now);
    if !clock.paused && ticket.status != Status::Waiting {
        let total = (ticket.timers.resolve_due_at - ticket.opened_at)
            .num_seconds()
            .max(1);
        if let Some(left) = clock.resolve_left_seconds {
            if left < 0 {
                reasons.push((2, "resolution SLA breached".into()));
            } else if left * 100 < total * settings.breach_warning_percent {
                reasons.push((1, format!("resolution SLA due in {} min", left / 60)));
            }
        }
    }
    if ticket.reopen_count >= 2 {
        let level = if ticket.reopen_count >= 3 { 2 } else { 1 };
        reasons.push((level, format!("reopened {} times", ticket.reopen_count)));
    }
    let target = reasons.iter().map(|(l, _)| *l).max().unwrap_or(0);
    (
        target.max(ticket.escalation_level),
        reasons.into_iter().map(|(_, r)| r).collect(),
    )
}
