//! The ticket workflow: which status may follow which, what each change requires, and what
//! it does to the SLA clock. `apply` is the one place a ticket changes.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::sla::{self, SlaPolicy};
use super::triage::route;
use super::{
    Category, EventKind, Impact, ResolutionCode, Status, Ticket, TicketId, Urgency, blank_or,
    required_text,
};
use crate::command_center::Settings;
use crate::draft::{flag, number_as_text, optional_id};
use crate::support_team::SupportTeam;
use crate::text::optional_text;
use crate::validate::{Invalid, Validator};

/// Statuses a ticket may move to from `from` by an update (merging and closing after the
/// reopen window are separate operations).
pub fn next_statuses(from: Status) -> &'static [Status] {
    use Status::*;
    match from {
        New => &[Assigned, InProgress, Waiting, Resolved],
        Assigned | InProgress | Reopened => &[Assigned, InProgress, Waiting, Resolved],
        Waiting => &[Assigned, InProgress, Resolved],
        Resolved => &[Reopened, Closed],
        Closed | Merged => &[],
    }
}

/// A change to a ticket as a form or JSON body sends it; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketChange {
    /// The version you read; a different current version means someone else changed it.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub version: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub impact: Option<String>,
    pub urgency: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub patient_safety: Option<bool>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub team_id: Option<String>,
    /// An account id; empty to unassign.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub assignee_account_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    pub resolution_code: Option<String>,
    pub resolution_note: Option<String>,
    /// A known issue id; empty to unlink.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub known_issue_id: Option<String>,
    pub comment: Option<String>,
}

/// A parsed change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSpec {
    pub version: Option<i64>,
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
    pub patient_safety: Option<bool>,
    pub team_id: Option<i64>,
    pub assignee: Option<Option<i64>>,
    pub module_id: Option<Option<i64>>,
    pub resolution_code: Option<ResolutionCode>,
    pub resolution_note: Option<String>,
    pub known_issue_id: Option<Option<i64>>,
    pub comment: Option<String>,
}

impl TicketChange {
    pub fn parse(self) -> Result<ChangeSpec, Invalid> {
        let mut v = Validator::new();
        let version = v.optional("version", self.version, |s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("'{s}' is not a version number"))
        });
        let status = v.optional("status", self.status, |s| blank_or(&s, Status::parse));
        let category = v.optional("category", self.category, |s| blank_or(&s, Category::parse));
        let impact = v.optional("impact", self.impact, |s| blank_or(&s, Impact::parse));
        let urgency = v.optional("urgency", self.urgency, |s| blank_or(&s, Urgency::parse));
        let team = v.optional("team_id", self.team_id, optional_id);
        let assignee = v.optional("assignee_account_id", self.assignee_account_id, optional_id);
        let module = v.optional("module_id", self.module_id, optional_id);
        let code = v.optional("resolution_code", self.resolution_code, |s| {
            blank_or(&s, ResolutionCode::parse)
        });
        let note = v.optional("resolution_note", self.resolution_note, |s| {
            optional_text(&s, super::TEXT_MAX)
        });
        let known = v.optional("known_issue_id", self.known_issue_id, optional_id);
        let comment = v.optional("comment", self.comment, |s| {
            optional_text(&s, super::TEXT_MAX)
        });
        v.finish(|| ChangeSpec {
            version: version.unwrap(),
            status: status.unwrap().flatten(),
            category: category.unwrap().flatten(),
            impact: impact.unwrap().flatten(),
            urgency: urgency.unwrap().flatten(),
            patient_safety: self.patient_safety,
            team_id: team.unwrap().flatten(),
            assignee: assignee.unwrap(),
            module_id: module.unwrap(),
            resolution_code: code.unwrap().flatten(),
            resolution_note: note.unwrap().flatten(),
            known_issue_id: known.unwrap(),
            comment: comment.unwrap().flatten(),
        })
    }
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The caller may not make this change (a requester triaging their own ticket).
    Forbidden(String),
    /// The ticket changed since the caller read it.
    Stale {
        current: i64,
    },
    Invalid(Invalid),
}

impl From<Invalid> for Refusal {
    fn from(i: Invalid) -> Self {
        Refusal::Invalid(i)
    }
}

/// What the change may draw on.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    pub policies: &'a [SlaPolicy],
    pub teams: &'a [SupportTeam],
    /// The caller works tickets (may triage, assign, resolve); else they raised it.
    pub staff: bool,
}

/// The changed ticket and what to record about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub ticket: Ticket,
    pub events: Vec<(EventKind, String)>,
    /// Set when the status changed: the requester is told.
    pub status_change: Option<(Status, Status)>,
}

fn refuse(field: &str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid(Invalid::one(field, message))
}

/// Applies `change` to `ticket`.
pub fn apply(ticket: &Ticket, change: ChangeSpec, ctx: &Context<'_>) -> Result<Outcome, Refusal> {
    if let Some(version) = change.version
        && version != ticket.version
    {
        return Err(Refusal::Stale {
            current: ticket.version,
        });
    }
    if !ticket.status.is_open() && ticket.status != Status::Resolved {
        return Err(refuse(
            "status",
            format!(
                "ticket {} is {} and can no longer change",
                ticket.number,
                ticket.status.label().to_lowercase()
            ),
        ));
    }
    let triage_given = change.category.is_some()
        || change.impact.is_some()
        || change.urgency.is_some()
        || change.patient_safety.is_some()
        || change.module_id.is_some();
    if !ctx.staff {
        let allowed_status = matches!(change.status, None | Some(Status::Reopened));
        if triage_given
            || change.team_id.is_some()
            || change.assignee.is_some()
            || !allowed_status
            || change.resolution_code.is_some()
            || change.known_issue_id.is_some()
        {
            return Err(Refusal::Forbidden(
                "the requester may comment on and reopen a ticket; the support team triages, assigns and resolves it".into(),
            ));
        }
    }
    let now = ctx.now;
    let mut t = ticket.clone();
    let mut events = Vec::new();
    let before_status = t.status;

    if let Some(comment) = &change.comment {
        events.push((EventKind::Comment, comment.clone()));
        if !ctx.staff && t.status == Status::Waiting {
            let back = if t.assignee_account_id.is_some() {
                Status::InProgress
            } else {
                Status::New
            };
            set_status(&mut t, back, now);
        }
    }

    if triage_given {
        let old_targets = sla::targets(ctx.policies, t.priority);
        t.category = change.category.unwrap_or(t.category);
        t.impact = change.impact.unwrap_or(t.impact);
        t.urgency = change.urgency.unwrap_or(t.urgency);
        t.patient_safety = change.patient_safety.unwrap_or(t.patient_safety);
        t.module_id = change.module_id.unwrap_or(t.module_id);
        let priority = ctx
            .settings
            .priority_matrix
            .priority(t.impact, t.urgency, t.patient_safety);
        if priority != t.priority {
            t.timers.retarget(
                t.opened_at,
                old_targets,
                sla::targets(ctx.policies, priority),
            );
            t.priority = priority;
        }
        events.push((
            EventKind::Triage,
            format!(
                "{}, impact {}, urgency {}, {}{}",
                t.category.label(),
                t.impact.code(),
                t.urgency.code(),
                t.priority.label(),
                if t.patient_safety {
                    ", patient safety"
                } else {
                    ""
                }
            ),
        ));
        let in_triage = ctx
            .teams
            .iter()
            .any(|x| x.id == t.team_id && x.kind == crate::support_team::TeamKind::Triage);
        if change.team_id.is_none()
            && in_triage
            && let Some(team) = route(ctx.teams, t.category, t.module_id)
            && team != t.team_id
        {
            move_to_team(&mut t, team, ctx, &mut events)?;
        }
    }

    if let Some(team) = change.team_id
        && team != t.team_id
    {
        move_to_team(&mut t, team, ctx, &mut events)?;
    }

    if let Some(assignee) = change.assignee
        && assignee != t.assignee_account_id
    {
        t.assignee_account_id = assignee;
        events.push((
            EventKind::Assigned,
            assignee.map_or("unassigned".into(), |a| format!("assigned to account {a}")),
        ));
        if assignee.is_some()
            && matches!(t.status, Status::New | Status::Reopened)
            && change.status.is_none()
        {
            set_status(&mut t, Status::Assigned, now);
        }
    }

    if let Some(known) = change.known_issue_id
        && known != t.known_issue_id
    {
        t.known_issue_id = known;
        events.push((
            EventKind::KnownIssue,
            known.map_or("unlinked from its known issue".into(), |k| {
                format!("linked to known issue {k}")
            }),
        ));
    }

    if let Some(to) = change.status
        && to != t.status
    {
        transition(&mut t, to, &change, ctx)?;
    }

    if ctx.staff && (!events.is_empty() || t.status != before_status) {
        t.timers.respond(now);
    }
    let status_change = (t.status != before_status).then_some((before_status, t.status));
    if let Some((from, to)) = status_change {
        let mut detail = format!("{} → {}", from.label(), to.label());
        if to == Status::Resolved {
            detail.push_str(&format!(
                ": {} — {}",
                t.resolution_code.map(|c| c.label()).unwrap_or_default(),
                t.resolution_note.clone().unwrap_or_default()
            ));
        }
        events.push((EventKind::Status, detail));
    }
    if events.is_empty() {
        return Err(refuse(
            "body",
            "nothing to change: send a field to update or a comment",
        ));
    }
    t.version += 1;
    t.updated_at = now;
    t.sla = t.timers.read(now);
    Ok(Outcome {
        ticket: t,
        events,
        status_change,
    })
}

fn move_to_team(
    t: &mut Ticket,
    team: i64,
    ctx: &Context<'_>,
    events: &mut Vec<(EventKind, String)>,
) -> Result<(), Refusal> {
    let found = ctx
        .teams
        .iter()
        .find(|x| x.id == team)
        .ok_or_else(|| refuse("team_id", format!("there is no support team {team}")))?;
    t.team_id = team;
    t.team_since_at = ctx.now;
    t.escalation_level = 0;
    events.push((EventKind::Assigned, format!("routed to {}", found.name)));
    Ok(())
}

fn set_status(t: &mut Ticket, to: Status, now: DateTime<Utc>) {
    if t.status == Status::Waiting && to != Status::Waiting {
        t.timers.resume(now);
    }
    if to == Status::Waiting {
        t.timers.pause(now);
    }
    t.status = to;
}

fn transition(
    t: &mut Ticket,
    to: Status,
    change: &ChangeSpec,
    ctx: &Context<'_>,
) -> Result<(), Refusal> {
    let now = ctx.now;
    if !next_statuses(t.status).contains(&to) {
        let allowed: Vec<_> = next_statuses(t.status).iter().map(|s| s.code()).collect();
        return Err(refuse(
            "status",
            format!(
                "a {} ticket cannot become {}{}",
                t.status.label().to_lowercase(),
                to.label().to_lowercase(),
                if allowed.is_empty() {
                    String::new()
                } else {
                    format!("; it may become: {}", allowed.join(", "))
                }
            ),
        ));
    }
    match to {
        Status::Resolved => {
            let mut v = Validator::new();
            let code = v.required("resolution_code", change.resolution_code, Ok::<_, String>);
            let note = v.required("resolution_note", change.resolution_note.clone(), |s| {
                required_text(&s, super::TEXT_MAX)
            });
            v.finish(|| ())?;
            t.resolution_code = code;
            t.resolution_note = note;
            set_status(t, to, now);
            t.timers.resolve(now);
            t.resolved_at = Some(now);
        }
        Status::Reopened => {
            let window = Duration::hours(ctx.settings.reopen_window_hours);
            let resolved = t.resolved_at.unwrap_or(t.updated_at);
            if now > resolved + window {
                return Err(refuse(
                    "status",
                    format!(
                        "ticket {} was resolved more than {} hours ago and can no longer be reopened; file a new ticket",
                        t.number, ctx.settings.reopen_window_hours
                    ),
                ));
            }
            if change.comment.is_none() {
                return Err(refuse("comment", "say why the ticket is reopened"));
            }
            t.reopen_count += 1;
            t.resolved_at = None;
            t.resolution_code = None;
            t.resolution_note = None;
            t.timers.resolved_at = None;
            t.timers.resolve_due_at = now + sla::targets(ctx.policies, t.priority).1;
            t.escalation_level = 0;
            set_status(t, to, now);
        }
        Status::Assigned if t.assignee_account_id.is_none() => {
            return Err(refuse(
                "assignee_account_id",
                "choose whom to assign the ticket to",
            ));
        }
        Status::Closed => {
            t.closed_at = Some(now);
            set_status(t, to, now);
        }
        _ => set_status(t, to, now),
    }
    Ok(())
}

/// Merging `duplicate` into `keeper`: both must be open (or the keeper resolved) and differ.
pub fn check_merge(duplicate: &Ticket, keeper: &Ticket) -> Result<(), Refusal> {
    if duplicate.id == keeper.id {
        return Err(refuse("into", "a ticket cannot be merged into itself"));
    }
    if !duplicate.status.is_open() {
        return Err(refuse(
            "into",
            format!(
                "ticket {} is {} and cannot be merged",
                duplicate.number,
                duplicate.status.label().to_lowercase()
            ),
        ));
    }
    if matches!(keeper.status, Status::Closed | Status::Merged) {
        return Err(refuse(
            "into",
            format!(
                "ticket {} is {}; merge into an open ticket",
                keeper.number,
                keeper.status.label().to_lowercase()
            ),
        ));
    }
    Ok(())
}

/// The ticket a merge leaves behind.
pub fn merged(duplicate: &Ticket, keeper_id: TicketId, now: DateTime<Utc>) -> Ticket {
    let mut t = duplicate.clone();
    t.status = Status::Merged;
    t.merged_into_id = Some(keeper_id);
    t.closed_at = Some(now);
    t.timers.resume(now);
    t.version += 1;
    t.updated_at = now;
    t.sla = t.timers.read(now);
    t
}

#[cfg(test)]
mod tests;
