//! Waves against the plan in the store: a wave's modules and counts, people per site for
//! the scale index, the go-live forecasts read from the kept plan, and moving a site or
//! module to another wave (the what-if writes nothing; the save writes everything in one
//! audited transaction and moves the plan's revision).

use chrono::NaiveDate;
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::plan::go_live::GoLiveStatus;
use muster_domain::plan::wave_move::{MoveKind, WaveMove, WaveMoveSpec};
use muster_domain::wave::WaveDraft;
use muster_domain::wave::scale::UsersBasis;
use muster_store::testing::{TwoWaves, two_waves};
use muster_store::{Change, StoreError};

use super::{person, program, site, support};

fn today() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

/// A fresh database with the store's two-wave plan on sites S and T.
async fn planned() -> (
    muster_store::testing::TestDb,
    muster_domain::access::Actor,
    i64,
    i64,
    TwoWaves,
) {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Api);
    let s = db.store.create_site(&change, site("S")).await.unwrap().id;
    let t = db.store.create_site(&change, site("T")).await.unwrap().id;
    let plan = two_waves(&db.store, &change, s, t).await;
    (db, actor, s, t, plan)
}

fn site_move(from: i64, to: i64, site: i64) -> WaveMoveSpec {
    WaveMoveSpec {
        change: WaveMove {
            kind: MoveKind::Site,
            item_id: site,
            from_wave_id: from,
            to_wave_id: to,
        },
        revision: None,
    }
}

#[tokio::test]
async fn a_wave_keeps_its_modules_and_counts_and_a_module_in_a_wave_stays() {
    let (db, actor, _, _, plan) = planned().await;
    let store = &db.store;
    let change = Change::new(&actor, Via::Api);
    let w1 = store.wave(actor.program_id, plan.wave_1).await.unwrap();
    let mut both = vec![plan.pharmacy, plan.lab];
    both.sort_unstable();
    assert_eq!(w1.module_ids, both);
    assert_eq!((w1.interfaces, w1.approved_customizations), (12, 4));
    let listed = store
        .list_waves(actor.program_id, None, None, 10)
        .await
        .unwrap();
    let w2 = listed.items.iter().find(|w| w.id == plan.wave_2).unwrap();
    assert_eq!(w2.module_ids, [plan.pharmacy]);
    assert!(w2.site_ids.is_empty());

    let edited = WaveDraft {
        module_ids: Some(vec![plan.lab]),
        interfaces: Some("30".into()),
        ..Default::default()
    }
    .over((&w1).into())
    .parse()
    .unwrap();
    let after = store
        .update_wave(&change, plan.wave_1, edited)
        .await
        .unwrap();
    assert_eq!(
        (after.module_ids.clone(), after.interfaces),
        (vec![plan.lab], 30)
    );
    let bad = WaveDraft {
        module_ids: Some(vec![plan.lab, 999_999]),
        ..Default::default()
    }
    .over((&after).into())
    .parse()
    .unwrap();
    match store.update_wave(&change, plan.wave_1, bad).await {
        Err(StoreError::Invalid(i)) => assert!(i.message_for("module_ids").is_some(), "{i}"),
        other => panic!("expected an unknown module refused, got {other:?}"),
    }
    match store.delete_module(&change, plan.lab).await {
        Err(StoreError::InUse(m)) => assert!(m.contains("1 wave"), "{m}"),
        other => panic!("expected the module kept, got {other:?}"),
    }
}

#[tokio::test]
async fn people_per_site_count_the_active_roster_else_the_expected_users() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let mut expecting = site("B");
    expecting.expected_users = Some(300);
    let b = store.create_site(&change, expecting).await.unwrap().id;
    for (n, active) in [(1, true), (2, true), (3, false)] {
        let mut p = person(
            &format!("P{n}"),
            &format!("p{n}@t.example"),
            Some(a),
            "nurse",
        );
        p.active = active;
        store.create_person(&change, p).await.unwrap();
    }
    let counts = store.site_headcounts(actor.program_id, None).await.unwrap();
    assert_eq!(counts[&a].roster, 2, "the inactive person is not counted");
    assert_eq!(counts[&a].users().basis, UsersBasis::Roster);
    assert_eq!(counts[&b].roster, 0);
    assert_eq!(counts[&b].users().users, 300);
    assert_eq!(counts[&b].users().basis, UsersBasis::Expected);
    let only = store
        .site_headcounts(actor.program_id, Some(&[b]))
        .await
        .unwrap();
    assert_eq!(only.keys().collect::<Vec<_>>(), [&b]);
    assert!(
        store
            .site_headcounts(actor.program_id, Some(&[]))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_waves_outlook_reads_each_go_live_from_the_kept_plan() {
    let (db, actor, _, _, plan) = planned().await;
    let store = &db.store;
    let all = store
        .wave_outlooks(actor.program_id, today())
        .await
        .unwrap();
    assert_eq!(all.waves.len(), 2);
    let w1 = &all.waves[0];
    assert_eq!(w1.wave.id, plan.wave_1, "by go-live date");
    assert_eq!(w1.go_live.status, GoLiveStatus::Late);
    assert_eq!(
        w1.go_live.words,
        "forecast 6 working days late: moves from 31 Mar to 8 Apr"
    );
    assert_eq!(w1.go_live.slip_calendar_days, 8);
    let path: Vec<&str> = w1.driving_path.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(path[..2], ["Cutover (Wave 1)", "Walkthrough S"]);
    assert_eq!(w1.milestones.len(), 1);
    assert_eq!(w1.scale.formula, "scope 2 x size 2 x complexity 3 = 12");
    let w2 = &all.waves[1];
    assert_eq!(
        w2.go_live.words,
        "on track: forecast 1 Apr, 21 working days before the planned 30 Apr"
    );
    let one = store
        .wave_outlook(actor.program_id, plan.wave_2, today())
        .await
        .unwrap();
    assert_eq!(&one, w2);
    assert!(matches!(
        store.wave_outlook(actor.program_id, 999_999, today()).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn a_site_move_is_previewed_without_writing_and_saved_in_one_audited_transaction() {
    let (db, actor, s, t, plan) = planned().await;
    let store = &db.store;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let revision = store.plan_settings(pid).await.unwrap().revision;
    let spec = site_move(plan.wave_1, plan.wave_2, s);

    let preview = store
        .preview_wave_move(pid, today(), &spec.change)
        .await
        .unwrap();
    assert_eq!(preview.item, "Site S");
    assert_eq!(preview.from.go_live.moved_working_days, -15);
    assert_eq!(preview.to.go_live.moved_working_days, 15);
    assert_eq!(
        preview.to.go_live.after.words,
        "on track: forecast 22 Apr, 6 working days before the planned 30 Apr"
    );
    assert_eq!(preview.from.scale_after.sites.len(), 1);
    assert_eq!(preview.to.scale_after.sites.len(), 1);
    assert_eq!((preview.tasks_moved, preview.tasks_reparented), (1, 1));
    assert_eq!(preview.links_rewired.len(), 2);
    assert_eq!(preview.links_dropped.len(), 1);
    assert_eq!(preview.revision, revision);
    assert!(!preview.applied && preview.error.is_none());
    assert_eq!(
        store.plan_settings(pid).await.unwrap().revision,
        revision,
        "a what-if writes nothing"
    );
    assert_eq!(
        store.wave(pid, plan.wave_1).await.unwrap().site_ids.len(),
        2
    );

    // A save against an older revision is refused; against the one seen, it is made.
    let stale = WaveMoveSpec {
        revision: Some(revision - 1),
        ..spec
    };
    match store.apply_wave_move(&change, today(), &stale).await {
        Err(StoreError::Conflict(i)) => assert!(i.message_for("revision").is_some(), "{i}"),
        other => panic!("expected a stale revision refused, got {other:?}"),
    }
    let seen = WaveMoveSpec {
        revision: Some(revision),
        ..spec
    };
    let saved = store
        .apply_wave_move(&change, today(), &seen)
        .await
        .unwrap();
    assert!(saved.applied);
    assert!(saved.revision > revision, "the plan's revision moves");
    assert_eq!(store.wave(pid, plan.wave_1).await.unwrap().site_ids, [t]);
    assert_eq!(store.wave(pid, plan.wave_2).await.unwrap().site_ids, [s]);
    let walk = store
        .plan_task(pid, plan.task("Walkthrough S", Some(plan.wave_1)))
        .await
        .unwrap();
    assert_eq!(walk.wave_id, Some(plan.wave_2));
    let readiness = store
        .plan_task(pid, plan.task("Readiness: S", None))
        .await
        .unwrap();
    assert_eq!(
        readiness.parent_id,
        Some(plan.task("Wave 2", Some(plan.wave_2)))
    );
    let links = store.all_plan_dependencies(pid).await.unwrap();
    let linked = |p: i64, s: i64| {
        links
            .iter()
            .any(|d| d.predecessor_id == p && d.successor_id == s)
    };
    let build_2 = plan.task("Build Pharmacy", Some(plan.wave_2));
    let cutover_2 = plan.task("Cutover (Wave 2)", Some(plan.wave_2));
    let lab_1 = plan.task("Build Laboratory", Some(plan.wave_1));
    assert!(linked(build_2, walk.id) && linked(walk.id, cutover_2));
    assert!(!linked(lab_1, walk.id), "wave 2 builds no laboratory");
    // The kept schedule follows: wave 2's forecast is what the what-if said.
    let after = store.wave_outlook(pid, plan.wave_2, today()).await.unwrap();
    assert_eq!(after.go_live, preview.to.go_live.after);
    // The audit log has both waves' changes and the move.
    let entries = store
        .list_audit(pid, &AuditFilter::default(), None, 20)
        .await
        .unwrap()
        .items;
    let entities: Vec<&str> = entries.iter().take(3).map(|e| e.entity.as_str()).collect();
    assert_eq!(entities, ["wave_move", "wave", "wave"], "newest first");
    let moved = entries[0].after.as_deref().unwrap();
    assert!(
        moved.contains("\"rewired\"") && moved.contains("Site S"),
        "{moved}"
    );

    // The same move again: site S no longer goes live in wave 1.
    match store.apply_wave_move(&change, today(), &spec).await {
        Err(StoreError::Invalid(i)) => assert_eq!(
            i.message_for("site_id"),
            Some("Site S does not go live in Wave 1")
        ),
        other => panic!("expected the move refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_module_move_changes_both_scopes_and_moves_the_modules_wave_tasks() {
    let (db, actor, _, _, plan) = planned().await;
    let store = &db.store;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let spec = WaveMoveSpec {
        change: WaveMove {
            kind: MoveKind::Module,
            item_id: plan.lab,
            from_wave_id: plan.wave_1,
            to_wave_id: plan.wave_2,
        },
        revision: None,
    };
    let saved = store
        .apply_wave_move(&change, today(), &spec)
        .await
        .unwrap();
    assert_eq!(
        (saved.from.scale_after.modules, saved.to.scale_after.modules),
        (1, 2)
    );
    assert_eq!(
        store.wave(pid, plan.wave_1).await.unwrap().module_ids,
        [plan.pharmacy]
    );
    let mut both = vec![plan.pharmacy, plan.lab];
    both.sort_unstable();
    assert_eq!(store.wave(pid, plan.wave_2).await.unwrap().module_ids, both);
    let lab = store
        .plan_task(pid, plan.task("Build Laboratory", Some(plan.wave_1)))
        .await
        .unwrap();
    assert_eq!(lab.wave_id, Some(plan.wave_2));
    assert_eq!(
        lab.parent_id,
        Some(plan.task("Build (Wave 2)", Some(plan.wave_2)))
    );
}

#[tokio::test]
async fn a_move_names_what_it_cannot_find() {
    let (db, actor, _, _, plan) = planned().await;
    let store = &db.store;
    let unknown = site_move(999_998, plan.wave_2, 999_999);
    match store
        .preview_wave_move(actor.program_id, today(), &unknown.change)
        .await
    {
        Err(StoreError::Invalid(i)) => {
            let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["site_id", "from_wave_id"], "{i}");
            assert_eq!(i.message_for("from_wave_id"), Some("no such wave"));
        }
        other => panic!("expected unknown ids refused, got {other:?}"),
    }
}
