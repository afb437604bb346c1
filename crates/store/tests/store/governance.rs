//! Governance in the store: bodies and members, rights held by bodies, change requests
//! routed to them and counted per wave into the scale index, the decision log (who may
//! decide, links, search, filters) and what awaits a decision.

use muster_domain::access::{AccessRole, Actor};
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::decision::{ChangeKind, ChangeRequestDraft, ChangeStatus, DecisionRightDraft};
use muster_domain::decision_log::{DecisionEntryDraft, DecisionStatus, LinkKind};
use muster_domain::governance::{GovernanceBodyDraft, GovernanceMemberDraft};
use muster_store::decision_log::DecisionFilter;
use muster_store::testing::{TwoWaves, two_waves};
use muster_store::{Change, StoreError};

use super::{person, program, site, support};

struct World {
    db: support::TestDb,
    admin: Actor,
    plan: TwoWaves,
    steering: i64,
    pac: i64,
    /// The steering committee's right over timeline, and the council's over order sets.
    timeline_right: i64,
    order_set_right: i64,
}

fn body(name: &str, kind: &str) -> muster_domain::governance::GovernanceBodySpec {
    GovernanceBodyDraft {
        name: Some(name.into()),
        kind: Some(kind.into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

async fn world() -> World {
    let db = support::fresh().await;
    let admin = program(&db.store).await;
    let change = Change::new(&admin, Via::Api);
    let s = db.store.create_site(&change, site("S")).await.unwrap().id;
    let t = db.store.create_site(&change, site("T")).await.unwrap().id;
    let plan = two_waves(&db.store, &change, s, t).await;
    let steering = db
        .store
        .create_governance_body(
            &change,
            body("Executive steering committee", "steering_committee"),
        )
        .await
        .unwrap()
        .id;
    let pac = db
        .store
        .create_governance_body(
            &change,
            body("Physician advisory council", "physician_advisory_council"),
        )
        .await
        .unwrap()
        .id;
    let chair = db
        .store
        .create_person(
            &change,
            person("Dana Whitfield", "dana@rb.example", Some(s), "physician"),
        )
        .await
        .unwrap()
        .id;
    db.store
        .create_governance_member(
            &change,
            GovernanceMemberDraft {
                body_id: Some(steering.to_string()),
                person_id: Some(chair.to_string()),
                role: Some("chair".into()),
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    let right = |kind: &str, body: i64| {
        DecisionRightDraft {
            change_kind: Some(kind.into()),
            body_id: Some(body.to_string()),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    let timeline_right = db
        .store
        .create_decision_right(&change, right("timeline", steering))
        .await
        .unwrap();
    assert_eq!(timeline_right.decider, "Executive steering committee");
    let order_set_right = db
        .store
        .create_decision_right(&change, right("order_set", pac))
        .await
        .unwrap()
        .id;
    World {
        db,
        admin,
        plan,
        steering,
        pac,
        timeline_right: timeline_right.id,
        order_set_right,
    }
}

fn executive(program_id: i64, email: &str) -> Actor {
    Actor {
        account_id: Some(99),
        name: "An executive".into(),
        email: email.into(),
        role: AccessRole::Executive,
        ..Actor::operator(program_id)
    }
}

fn request(kind: &str, wave: i64, body: Option<i64>) -> muster_domain::decision::ChangeRequestSpec {
    ChangeRequestDraft {
        change_kind: Some(kind.into()),
        title: Some("Custom sepsis order set for the ED".into()),
        justification: Some("The standard sepsis panel lacks the lactate repeat at 2 hours".into()),
        wave_id: Some(wave.to_string()),
        body_id: body.map(|b| b.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn delay_decision(w: &World) -> DecisionEntryDraft {
    DecisionEntryDraft {
        question: Some("Delay wave 2 go-live by 4 weeks?".into()),
        options: Some("Hold the date\nDelay 4 weeks".into()),
        decision: Some("Delay 4 weeks".into()),
        rationale: Some("Pharmacy build is behind and the interface testing is not done".into()),
        patient_impact: Some(
            "Patients want a safe medication process more than an early date".into(),
        ),
        body_id: Some(w.steering.to_string()),
        decision_right_id: Some(w.timeline_right.to_string()),
        decided_on: Some("2027-01-15".into()),
        dissent: Some("The CFO dissented: the delay costs $1.2M".into()),
        wave_ids: Some(vec![w.plan.wave_2]),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_change_request_goes_to_the_body_holding_the_right_and_is_refused_elsewhere() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let routed =
        w.db.store
            .create_change_request(&change, None, request("order_set", w.plan.wave_1, None))
            .await
            .unwrap();
    assert_eq!(routed.body_id, Some(w.pac), "routed to the council");
    assert_eq!(routed.decider, "Physician advisory council");
    assert_eq!(routed.decision_right_id, Some(w.order_set_right));
    let refused =
        w.db.store
            .create_change_request(
                &change,
                None,
                request("order_set", w.plan.wave_1, Some(w.steering)),
            )
            .await
            .unwrap_err();
    match refused {
        StoreError::Invalid(invalid) => assert_eq!(
            invalid.message_for("body_id"),
            Some(
                "Executive steering committee does not hold the decision right for order set \
                 changes to this module: Physician advisory council does"
            )
        ),
        other => panic!("expected a field error on body_id, got {other:?}"),
    }
}

#[tokio::test]
async fn approving_a_customization_raises_its_waves_complexity_and_the_dashboard_counts() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let store = &w.db.store;
    let before = store.wave(w.admin.program_id, w.plan.wave_1).await.unwrap();
    assert_eq!(
        (
            before.approved_customizations,
            before.requested_customizations
        ),
        (4, 0)
    );
    // 12 interfaces + 4 by hand = 16: complexity 3 (15-39). Approving 24 more reaches 40: 4.
    let today = "2026-11-22".parse().unwrap();
    let scale_before = store
        .wave_outlook(w.admin.program_id, w.plan.wave_1, today)
        .await
        .unwrap()
        .scale;
    assert_eq!(scale_before.complexity.points, 3);
    for _ in 0..24 {
        let cr = store
            .create_change_request(&change, None, request("order_set", w.plan.wave_1, None))
            .await
            .unwrap();
        store
            .decide_change_request(
                &change,
                cr.id,
                ChangeStatus::Approved,
                "Approved".into(),
                None,
            )
            .await
            .unwrap();
    }
    // Neither a pending request nor a scope decision counts as a customization.
    store
        .create_change_request(&change, None, request("order_set", w.plan.wave_1, None))
        .await
        .unwrap();
    let scope = store
        .create_change_request(&change, None, request("scope", w.plan.wave_1, None))
        .await
        .unwrap();
    store
        .decide_change_request(
            &change,
            scope.id,
            ChangeStatus::Approved,
            "Yes".into(),
            None,
        )
        .await
        .unwrap();
    let after = store.wave(w.admin.program_id, w.plan.wave_1).await.unwrap();
    assert_eq!(after.requested_customizations, 24);
    let scale_after = store
        .wave_outlook(w.admin.program_id, w.plan.wave_1, today)
        .await
        .unwrap()
        .scale;
    assert_eq!(scale_after.approved_customizations, 28);
    assert_eq!(scale_after.complexity.points, 4, "{}", scale_after.formula);
    assert!(scale_after.index > scale_before.index);

    let by_wave = store.customizations_by_wave(&w.admin).await.unwrap();
    let wave_1 = by_wave.iter().find(|c| c.wave_id == w.plan.wave_1).unwrap();
    assert_eq!(
        (wave_1.approved, wave_1.pending, wave_1.counted_by_hand),
        (24, 1, 4)
    );
    let wave_2 = by_wave.iter().find(|c| c.wave_id == w.plan.wave_2).unwrap();
    assert_eq!((wave_2.approved, wave_2.pending), (0, 0));
    let end_user = Actor {
        role: AccessRole::EndUser,
        ..w.admin.clone()
    };
    assert!(
        store
            .customizations_by_wave(&end_user)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_decision_under_a_right_its_body_does_not_hold_is_refused_naming_the_field() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let draft = DecisionEntryDraft {
        decision_right_id: Some(w.order_set_right.to_string()),
        ..delay_decision(&w)
    };
    let err =
        w.db.store
            .create_decision(&change, draft.parse().unwrap())
            .await
            .unwrap_err();
    match err {
        StoreError::Invalid(invalid) => assert_eq!(
            invalid.message_for("decision_right_id"),
            Some(
                "Executive steering committee does not hold this right (order set changes): \
                 Physician advisory council does"
            )
        ),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn members_decide_for_their_body_and_other_executives_do_not() {
    let w = world().await;
    let program_id = w.admin.program_id;
    let member = executive(program_id, "DANA@rb.example");
    let outsider = executive(program_id, "someone@rb.example");
    let spec = delay_decision(&w).parse().unwrap();
    let refused =
        w.db.store
            .create_decision(&Change::new(&outsider, Via::Api), spec.clone())
            .await
            .unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.contains("Executive steering committee")),
        "{refused:?}"
    );
    let made =
        w.db.store
            .create_decision(&Change::new(&member, Via::Api), spec)
            .await
            .unwrap();
    assert_eq!(
        made.body_name.as_deref(),
        Some("Executive steering committee")
    );
    assert_eq!(made.right_kind, Some(ChangeKind::Timeline));
    assert_eq!(made.status, DecisionStatus::Decided);
    let audit =
        w.db.store
            .list_audit(
                program_id,
                &AuditFilter {
                    entity: Some("decision".into()),
                    entity_id: Some(made.id),
                    ..Default::default()
                },
                None,
                5,
            )
            .await
            .unwrap();
    assert_eq!(audit.items.len(), 1, "one audit entry for the decision");
}

#[tokio::test]
async fn decisions_are_found_by_words_filters_and_what_they_affect() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let store = &w.db.store;
    let program_id = w.admin.program_id;
    let delay = store
        .create_decision(&change, delay_decision(&w).parse().unwrap())
        .await
        .unwrap();
    let open = store
        .create_decision(
            &change,
            DecisionEntryDraft {
                question: Some(
                    "Standardize on one barcode scanning workflow for all med-surg units?".into(),
                ),
                patient_impact: Some(
                    "Patients want the right drug, every time: 100% scanning".into(),
                ),
                body_id: Some(w.pac.to_string()),
                module_ids: Some(vec![w.plan.pharmacy]),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(open.status, DecisionStatus::Open);
    let find = |filter: DecisionFilter| async move {
        store
            .list_decisions(program_id, &filter, None, 50)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|d| d.id)
            .collect::<Vec<_>>()
    };
    let text = |t: &str| DecisionFilter {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(
        find(text("MEDICATION safe")).await,
        vec![delay.id],
        "patient impact, any case"
    );
    assert_eq!(find(text("barcode")).await, vec![open.id]);
    assert_eq!(
        find(text("100%")).await,
        vec![open.id],
        "a % is a character, not a wildcard"
    );
    assert!(find(text("lactate")).await.is_empty());
    let by = |f: DecisionFilter| f;
    assert_eq!(
        find(by(DecisionFilter {
            status: Some(DecisionStatus::Open),
            ..Default::default()
        }))
        .await,
        vec![open.id]
    );
    assert_eq!(
        find(by(DecisionFilter {
            body_id: Some(w.steering),
            ..Default::default()
        }))
        .await,
        vec![delay.id]
    );
    assert_eq!(
        find(by(DecisionFilter {
            right_kind: Some(ChangeKind::Timeline),
            ..Default::default()
        }))
        .await,
        vec![delay.id]
    );
    let jan = |d: &str| Some(d.parse().unwrap());
    assert_eq!(
        find(by(DecisionFilter {
            decided_from: jan("2027-01-01"),
            decided_to: jan("2027-01-31"),
            ..Default::default()
        }))
        .await,
        vec![delay.id]
    );
    assert!(
        find(by(DecisionFilter {
            decided_from: jan("2027-02-01"),
            ..Default::default()
        }))
        .await
        .is_empty()
    );
    let on_wave = store
        .decisions_linked_to(program_id, LinkKind::Wave, w.plan.wave_2)
        .await
        .unwrap();
    assert_eq!(
        on_wave.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![delay.id]
    );
    let err = store
        .create_decision(
            &change,
            DecisionEntryDraft {
                task_ids: Some("999999".into()),
                ..delay_decision(&w)
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(i) if i.message_for("task_ids") == Some("there is no plan task 999999")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_decided_request_enters_the_log_and_pending_items_come_oldest_first() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let store = &w.db.store;
    let program_id = w.admin.program_id;
    let first = store
        .create_change_request(&change, None, request("order_set", w.plan.wave_1, None))
        .await
        .unwrap();
    let question = store
        .create_decision(
            &change,
            DecisionEntryDraft {
                question: Some("Allow a custom sepsis order set for the ED?".into()),
                patient_impact: Some("Septic patients want antibiotics within the hour".into()),
                body_id: Some(w.pac.to_string()),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    let second = store
        .create_change_request(&change, None, request("order_set", w.plan.wave_2, None))
        .await
        .unwrap();
    let pending = store.pending_decisions(&w.admin, 10).await.unwrap();
    let seen: Vec<(&str, i64)> = pending.iter().map(|p| (p.kind, p.id)).collect();
    assert_eq!(
        seen,
        vec![
            ("change_request", first.id),
            ("decision", question.id),
            ("change_request", second.id)
        ]
    );
    assert!(
        pending
            .iter()
            .all(|p| p.body == "Physician advisory council")
    );
    assert_eq!(store.pending_decisions(&w.admin, 2).await.unwrap().len(), 2);
    let vendor = Actor {
        role: AccessRole::Vendor,
        ..w.admin.clone()
    };
    assert!(
        store
            .pending_decisions(&vendor, 10)
            .await
            .unwrap()
            .is_empty(),
        "vendors see none"
    );

    store
        .decide_change_request(
            &change,
            first.id,
            ChangeStatus::Rejected,
            "Vanilla first: the standard sepsis panel serves".into(),
            Some("Patients want the evidence-based standard".into()),
        )
        .await
        .unwrap();
    let logged = store
        .decisions_linked_to(program_id, LinkKind::ChangeRequest, first.id)
        .await
        .unwrap();
    assert_eq!(logged.len(), 1, "the decision entered the log");
    assert_eq!(logged[0].body_id, Some(w.pac));
    assert_eq!(logged[0].decision_right_id, Some(w.order_set_right));
    assert!(logged[0].linked(LinkKind::Wave).eq([w.plan.wave_1]));
    let still = store.pending_decisions(&w.admin, 10).await.unwrap();
    assert!(
        !still
            .iter()
            .any(|p| p.kind == "change_request" && p.id == first.id)
    );
}

#[tokio::test]
async fn a_body_with_members_is_not_deleted_and_a_rename_follows_to_its_rights() {
    let w = world().await;
    let change = Change::new(&w.admin, Via::Api);
    let store = &w.db.store;
    let err = store
        .delete_governance_body(&change, w.steering)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::InUse(m) if m.contains("1 member") && m.contains("1 decision right")),
        "{err:?}"
    );
    store
        .update_governance_body(
            &change,
            w.steering,
            body("Steering committee", "steering_committee"),
        )
        .await
        .unwrap();
    let right = store
        .decision_right(w.admin.program_id, w.timeline_right)
        .await
        .unwrap();
    assert_eq!(right.decider, "Steering committee");
    let members = store
        .governance_members(w.admin.program_id, Some(w.steering))
        .await
        .unwrap();
    assert_eq!(members[0].person_name, "Dana Whitfield");
    assert_eq!(members[0].body_name, "Steering committee");
    assert_eq!(
        store
            .bodies_of_email(w.admin.program_id, "Dana@RB.example")
            .await
            .unwrap(),
        vec![w.steering]
    );
}

/// LIKE search over 10,000 decisions, timed (docs/performance.md). Run with
/// `cargo test -p muster-store --test store -- --ignored --nocapture decision_search`.
#[tokio::test]
#[ignore]
async fn decision_search_at_ten_thousand_decisions() {
    let w = world().await;
    let store = &w.db.store;
    let program_id = w.admin.program_id;
    let words = [
        "barcode",
        "scanning",
        "sepsis",
        "order",
        "set",
        "wave",
        "delay",
        "budget",
        "pharmacy",
        "interface",
        "downtime",
        "portal",
        "allergy",
        "discharge",
        "template",
        "night",
        "shift",
    ];
    let text = |i: usize| {
        let pick = |k: usize| words[(i * 7 + k * 13) % words.len()];
        format!(
            "Question {i}: should we {} the {} {} for unit {}? Rationale: the {} {} review found \
             variation. Patients want a safe {} and {} every time.",
            pick(0),
            pick(1),
            pick(2),
            i % 97,
            pick(3),
            pick(4),
            pick(5),
            pick(6)
        )
    };
    for chunk in (0..10_000).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|&i| {
                let t = text(i).replace('\'', "''");
                format!(
                    "({program_id}, '{t}', '', NULL, NULL, 'Patients want it safe', {}, NULL, \
                     NULL, NULL, NULL, 'open', '{}', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')",
                    w.steering,
                    t.to_lowercase()
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO decision (program_id, question, options, decision, rationale, \
             patient_impact, body_id, decision_right_id, right_kind, decided_on, dissent, status, \
             search_text, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        store.execute_raw(&sql).await.unwrap();
    }
    store.analyze().await.unwrap();
    for query in [
        "sepsis",
        "barcode pharmacy",
        "unit 42?",
        "nothing-matches-this",
    ] {
        let filter = DecisionFilter {
            text: Some(query.into()),
            ..Default::default()
        };
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let started = std::time::Instant::now();
            total = store
                .list_decisions(program_id, &filter, None, 50)
                .await
                .unwrap()
                .total;
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "search {query:?}: {total} of 10,000; median {:?}, max {:?}",
            times[2], times[4]
        );
    }
}
