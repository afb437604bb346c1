use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::support_team::TeamKind;
use crate::ticket::Priority;
use crate::ticket::sla::{Timers, targets};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn teams() -> Vec<SupportTeam> {
    let team = |id, kind, categories: &[Category]| SupportTeam {
        id,
        name: format!("team {id}"),
        kind,
        categories: categories.to_vec(),
        module_id: None,
        organization: None,
        lead_account_id: None,
    };
    vec![
        team(1, TeamKind::Triage, &[]),
        team(2, TeamKind::Application, &[Category::BreakFix]),
    ]
}

pub(crate) fn ticket() -> Ticket {
    let timers = Timers::start(t0(), targets(&[], Priority::P3));
    Ticket {
        id: 7,
        number: 1007,
        requester_account_id: Some(50),
        requester_name: "Ann".into(),
        contact: None,
        site_id: 1,
        unit_id: None,
        job_role: None,
        module_id: None,
        workflow: None,
        summary: "Sign button greyed out".into(),
        what_happened: "x".into(),
        expected: None,
        category: Category::Other,
        impact: Impact::Medium,
        urgency: Urgency::Medium,
        priority: Priority::P3,
        patient_safety: false,
        status: Status::New,
        team_id: 1,
        assignee_account_id: None,
        escalation_level: 0,
        known_issue_id: None,
        merged_into_id: None,
        resolution_code: None,
        resolution_note: None,
        reopen_count: 0,
        version: 1,
        opened_at: t0(),
        team_since_at: t0(),
        responded_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: t0(),
        sla: timers.read(t0()),
        timers,
    }
}

fn run(t: &Ticket, change: ChangeSpec, staff: bool, at: Duration) -> Result<Outcome, Refusal> {
    let settings = Settings::default();
    let teams = teams();
    apply(
        t,
        change,
        &Context {
            now: t0() + at,
            settings: &settings,
            policies: &[],
            teams: &teams,
            staff,
        },
    )
}

#[test]
fn a_ticket_cannot_be_resolved_without_a_code_and_a_note() {
    let change = ChangeSpec {
        status: Some(Status::Resolved),
        ..Default::default()
    };
    let Err(Refusal::Invalid(err)) = run(&ticket(), change, true, Duration::minutes(5)) else {
        panic!("resolving without a resolution must be refused");
    };
    assert_eq!(err.message_for("resolution_code"), Some("is required"));
    assert_eq!(err.message_for("resolution_note"), Some("is required"));
}

#[test]
fn resolving_records_the_resolution_and_stops_the_clock() {
    let change = ChangeSpec {
        status: Some(Status::Resolved),
        resolution_code: Some(ResolutionCode::Trained),
        resolution_note: Some("Showed how to co-sign".into()),
        ..Default::default()
    };
    let out = run(&ticket(), change, true, Duration::minutes(5)).unwrap();
    assert_eq!(out.ticket.status, Status::Resolved);
    assert_eq!(out.status_change, Some((Status::New, Status::Resolved)));
    assert_eq!(out.ticket.sla.resolve_left_seconds, None);
    assert!(out.ticket.timers.responded_at.is_some());
    assert_eq!(out.ticket.version, 2);
}

fn resolved() -> Ticket {
    let change = ChangeSpec {
        status: Some(Status::Resolved),
        resolution_code: Some(ResolutionCode::Fixed),
        resolution_note: Some("done".into()),
        ..Default::default()
    };
    run(&ticket(), change, true, Duration::zero())
        .unwrap()
        .ticket
}

#[test]
fn the_requester_may_reopen_within_the_window_only() {
    let reopen = || ChangeSpec {
        status: Some(Status::Reopened),
        comment: Some("still broken".into()),
        ..Default::default()
    };
    let out = run(&resolved(), reopen(), false, Duration::hours(71)).unwrap();
    assert_eq!(out.ticket.status, Status::Reopened);
    assert_eq!(out.ticket.reopen_count, 1);
    let Err(Refusal::Invalid(err)) = run(&resolved(), reopen(), false, Duration::hours(73)) else {
        panic!("reopening after the window must be refused");
    };
    assert!(err.message_for("status").unwrap().contains("72 hours"));
}

#[test]
fn requesters_do_not_triage_their_own_tickets() {
    let change = ChangeSpec {
        impact: Some(Impact::High),
        ..Default::default()
    };
    assert!(matches!(
        run(&ticket(), change, false, Duration::zero()),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn a_stale_version_is_refused() {
    let change = ChangeSpec {
        version: Some(0),
        comment: Some("hi".into()),
        ..Default::default()
    };
    assert_eq!(
        run(&ticket(), change, true, Duration::zero()),
        Err(Refusal::Stale { current: 1 })
    );
}

#[test]
fn triage_sets_priority_from_the_matrix_and_routes_out_of_the_queue() {
    let change = ChangeSpec {
        category: Some(Category::BreakFix),
        patient_safety: Some(true),
        ..Default::default()
    };
    let out = run(&ticket(), change, true, Duration::minutes(1)).unwrap();
    assert_eq!(out.ticket.priority, Priority::P1);
    assert_eq!(out.ticket.team_id, 2);
    assert_eq!(out.ticket.sla.resolve_due_at, t0() + Duration::hours(4));
}

#[test]
fn waiting_on_the_requester_pauses_and_their_reply_resumes() {
    let wait = ChangeSpec {
        status: Some(Status::Waiting),
        comment: Some("which printer?".into()),
        ..Default::default()
    };
    let waiting = run(&ticket(), wait, true, Duration::minutes(10))
        .unwrap()
        .ticket;
    assert!(waiting.sla.paused);
    let reply = ChangeSpec {
        comment: Some("the one on 4 West".into()),
        ..Default::default()
    };
    let back = run(&waiting, reply, false, Duration::hours(5)).unwrap();
    assert_eq!(back.ticket.status, Status::New);
    assert!(!back.ticket.sla.paused);
    assert_eq!(
        back.ticket.timers.resolve_due_at,
        t0() + Duration::hours(48) + Duration::minutes(290)
    );
}

#[test]
fn closed_tickets_do_not_change_and_transitions_are_checked() {
    let close = ChangeSpec {
        status: Some(Status::Closed),
        ..Default::default()
    };
    let closed = run(&resolved(), close, true, Duration::hours(1))
        .unwrap()
        .ticket;
    let comment = ChangeSpec {
        comment: Some("hello".into()),
        ..Default::default()
    };
    assert!(run(&closed, comment, true, Duration::hours(2)).is_err());
    let close_new = ChangeSpec {
        status: Some(Status::Closed),
        ..Default::default()
    };
    let Err(Refusal::Invalid(err)) = run(&ticket(), close_new, true, Duration::zero()) else {
        panic!()
    };
    assert!(
        err.message_for("status")
            .unwrap()
            .contains("cannot become closed")
    );
}

#[test]
fn merging_checks_both_tickets() {
    let a = ticket();
    let mut b = ticket();
    b.id = 8;
    assert!(check_merge(&a, &a).is_err());
    assert!(check_merge(&a, &b).is_ok());
    let m = merged(&a, b.id, t0());
    assert_eq!(m.status, Status::Merged);
    assert!(check_merge(&m, &b).is_err());
}

#[test]
fn escalation_climbs_to_the_lead_then_the_command_center() {
    use crate::ticket::escalation::level;
    let settings = Settings::default();
    let t = ticket();
    assert_eq!(level(&t, t0() + Duration::minutes(5), &settings, true).0, 0);
    assert_eq!(
        level(&t, t0() + Duration::minutes(20), &settings, true).0,
        1
    );
    let (lvl, reasons) = level(&t, t0() + Duration::hours(49), &settings, false);
    assert_eq!(lvl, 2);
    assert!(reasons.iter().any(|r| r.contains("breached")));
    let mut twice = ticket();
    twice.assignee_account_id = Some(3);
    twice.reopen_count = 2;
    assert_eq!(level(&twice, t0(), &settings, false).0, 1);
}
