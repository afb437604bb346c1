//! Benefit goals in the store: goals with their sites, measurements replaced on re-posting
//! (audited with what they replaced), the dashboard's monthly aggregates per program, site
//! and wave, the program dashboard's summary and the goals' value in the cost of delay.

use chrono::NaiveDate;
use muster_domain::access::{AccessRole, Actor};
use muster_domain::audit::{AuditAction, AuditFilter, Via};
use muster_domain::goal::benefits::month_of;
use muster_domain::goal::{GoalDraft, GoalStatus, MeasurementDraft, MeasurementSpec};
use muster_domain::money::Cents;
use muster_domain::plan::cost::GOALS_LINE;
use muster_domain::wave::WaveDraft;
use muster_store::goal::{MeasurementRow, SeriesOf};
use muster_store::{Change, Store, StoreError};

use super::{program, site, support};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn scanning(sites: Vec<i64>, value_per_year: &str) -> GoalDraft {
    GoalDraft {
        name: Some("Medication administration scanning rate".into()),
        unit: Some("percent".into()),
        direction: Some("higher".into()),
        baseline_value: Some("70".into()),
        baseline_date: Some("2026-01-01".into()),
        target_value: Some("95".into()),
        target_date: Some("2030-01-01".into()),
        value_per_year: Some(value_per_year.into()),
        site_ids: Some(sites),
        ..Default::default()
    }
}

fn m(site: Option<i64>, period: &str, value: f64) -> MeasurementSpec {
    MeasurementSpec {
        site_id: site,
        period: day(period),
        value,
    }
}

async fn wave(
    store: &Store,
    change: &Change<'_>,
    name: &str,
    go_live: &str,
    sites: Vec<i64>,
) -> i64 {
    store
        .create_wave(
            change,
            WaveDraft {
                name: Some(name.into()),
                go_live: Some(go_live.into()),
                site_ids: Some(sites),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_goal_keeps_its_sites_and_refuses_unknown_ones_and_duplicate_names() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let goal = store
        .create_goal(&change, scanning(vec![a], "365000").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(goal.site_ids, vec![a]);
    assert_eq!(store.goal(actor.program_id, goal.id).await.unwrap(), goal);
    match store
        .create_goal(&change, scanning(vec![], "0").parse().unwrap())
        .await
    {
        Err(StoreError::Conflict(e)) => assert!(e.message_for("name").is_some()),
        other => panic!("expected a name conflict, got {other:?}"),
    }
    let mut other = scanning(vec![a + 100], "0");
    other.name = Some("CPOE adoption".into());
    match store.create_goal(&change, other.parse().unwrap()).await {
        Err(StoreError::Invalid(e)) => assert!(e.message_for("site_ids").is_some()),
        other => panic!("expected an invalid site, got {other:?}"),
    }
    let mut owned = scanning(vec![], "0");
    owned.name = Some("Time to note sign".into());
    owned.owner_person_id = Some("99999".into());
    match store.create_goal(&change, owned.parse().unwrap()).await {
        Err(StoreError::Invalid(e)) => assert!(e.message_for("owner_person_id").is_some()),
        other => panic!("expected an invalid owner, got {other:?}"),
    }
}

#[tokio::test]
async fn re_posting_a_measurement_replaces_it_and_the_audit_keeps_the_old_value() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let goal = store
        .create_goal(&change, scanning(vec![], "0").parse().unwrap())
        .await
        .unwrap();
    store
        .put_measurements(
            &change,
            &goal,
            &[m(Some(a), "2026-05-01", 80.0), m(None, "2026-05-01", 82.0)],
        )
        .await
        .unwrap();
    let again = store
        .put_measurements(&change, &goal, &[m(Some(a), "2026-05-01", 84.0)])
        .await
        .unwrap();
    assert_eq!(again[0].value, 84.0);
    let (list, total) = store
        .goal_measurements(actor.program_id, goal.id, None, 10)
        .await
        .unwrap();
    assert_eq!(total, 2, "one per goal, site and period: {list:?}");
    let log = store
        .list_audit(
            actor.program_id,
            &AuditFilter {
                entity: Some("measurement".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    let actions: Vec<_> = log.items.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Update,
            AuditAction::Create,
            AuditAction::Create
        ]
    );
    assert!(log.items[0].before.as_deref().unwrap().contains("80"));
    assert!(log.items[0].after.as_deref().unwrap().contains("84"));
    match store
        .put_measurements(&change, &goal, &[m(Some(a + 50), "2026-06-01", 1.0)])
        .await
    {
        Err(StoreError::Invalid(e)) => assert!(e.message_for("site_id").is_some()),
        other => panic!("expected an unknown site, got {other:?}"),
    }
    // The unit cannot change under recorded measurements.
    let mut days = scanning(vec![], "0");
    days.unit = Some("days".into());
    match store
        .update_goal(&change, goal.id, days.parse().unwrap())
        .await
    {
        Err(StoreError::Invalid(e)) => assert!(e.message_for("unit").is_some()),
        other => panic!("expected the unit kept, got {other:?}"),
    }
    store.delete_goal(&change, goal.id).await.unwrap();
    assert_eq!(
        support::count(store, "SELECT COUNT(*) AS n FROM measurement").await,
        0,
        "measurements go with their goal"
    );
}

#[tokio::test]
async fn the_dashboard_averages_sites_per_month_and_splits_before_and_after_each_go_live() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let b = store.create_site(&change, site("B")).await.unwrap().id;
    let w1 = wave(store, &change, "Wave 1", "2026-06-01", vec![a]).await;
    wave(store, &change, "Wave 2", "2026-09-01", vec![b]).await;
    let goal = store
        .create_goal(&change, scanning(vec![], "0").parse().unwrap())
        .await
        .unwrap();
    store
        .put_measurements(
            &change,
            &goal,
            &[
                m(Some(a), "2026-04-01", 70.0),
                m(Some(b), "2026-04-01", 74.0),
                m(Some(a), "2026-07-01", 90.0),
                m(Some(b), "2026-07-01", 76.0),
                m(None, "2026-07-01", 81.0),
            ],
        )
        .await
        .unwrap();
    let months = store
        .goal_months(actor.program_id, SeriesOf::Program, None)
        .await
        .unwrap();
    let points = &months[&goal.id];
    assert_eq!(points.len(), 2);
    assert_eq!(
        (points[0].month, points[0].value),
        (month_of(day("2026-04-01")), 72.0)
    );
    assert_eq!(points[1].value, 81.0, "the program-wide figure wins");
    let at_a = store
        .goal_months(actor.program_id, SeriesOf::Site(a), Some(goal.id))
        .await
        .unwrap();
    assert_eq!(at_a[&goal.id][1].value, 90.0);
    let in_w1 = store
        .goal_months(actor.program_id, SeriesOf::Wave(w1), None)
        .await
        .unwrap();
    assert_eq!(in_w1[&goal.id][0].value, 70.0);

    let view = store
        .benefits(&actor, SeriesOf::Program, day("2026-08-01"))
        .await
        .unwrap();
    let kpi = &view.kpis[0];
    assert_eq!(kpi.before_after.len(), 2);
    let first = &kpi.before_after[0];
    assert_eq!(
        (first.wave.as_str(), first.before, first.after),
        ("Wave 1", Some(70.0), Some(90.0))
    );
    assert_eq!(kpi.last_month, month_of(day("2030-01-01")));
    let only_a = store
        .benefits(&actor, SeriesOf::Site(a), day("2026-08-01"))
        .await
        .unwrap();
    assert_eq!(only_a.waves.len(), 1, "only the site's wave is marked");
}

#[tokio::test]
async fn the_summary_flags_goals_behind_their_line_and_counts_those_without_data() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let good = store
        .create_goal(&change, scanning(vec![], "0").parse().unwrap())
        .await
        .unwrap();
    let mut late = scanning(vec![], "0");
    late.name = Some("CPOE adoption".into());
    let late = store
        .create_goal(&change, late.parse().unwrap())
        .await
        .unwrap();
    let mut empty = scanning(vec![], "0");
    empty.name = Some("Patient portal activation".into());
    store
        .create_goal(&change, empty.parse().unwrap())
        .await
        .unwrap();
    store
        .put_measurements(&change, &good, &[m(Some(a), "2026-02-01", 71.0)])
        .await
        .unwrap();
    store
        .put_measurements(
            &change,
            &late,
            &[
                m(Some(a), "2026-01-01", 90.0),
                m(Some(a), "2028-01-01", 60.0),
            ],
        )
        .await
        .unwrap();
    let summary = store.goal_summary(&actor).await.unwrap();
    assert_eq!(
        (summary.on_track, summary.off_track, summary.no_data),
        (1, 1, 1),
        "{summary:?}"
    );
    let off = &summary.off_track_goals[0];
    assert_eq!(
        (off.name.as_str(), off.latest.as_str()),
        ("CPOE adoption", "60%")
    );
    assert_eq!(off.status, GoalStatus::OffTrack);

    let vendor = Actor {
        role: AccessRole::Vendor,
        ..actor.clone()
    };
    let none = store.goal_summary(&vendor).await.unwrap();
    assert_eq!(none.on_track + none.off_track + none.no_data, 0);
}

#[tokio::test]
async fn goals_of_sites_not_yet_live_add_their_value_to_the_cost_of_delay() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let live = store.create_site(&change, site("A")).await.unwrap().id;
    let pending = store.create_site(&change, site("B")).await.unwrap().id;
    wave(store, &change, "Wave 1", "2020-01-01", vec![live]).await;
    wave(store, &change, "Wave 2", "2099-01-01", vec![pending]).await;
    store
        .create_goal(&change, scanning(vec![pending], "365000").parse().unwrap())
        .await
        .unwrap();
    let mut done = scanning(vec![live], "730000");
    done.name = Some("Duplicate lab orders".into());
    store
        .create_goal(&change, done.parse().unwrap())
        .await
        .unwrap();
    let mut wide = scanning(vec![], "36500");
    wide.name = Some("Clinician EHR satisfaction".into());
    store
        .create_goal(&change, wide.parse().unwrap())
        .await
        .unwrap();

    let postponed = store.goals_postponed(pid, day("2026-11-22")).await.unwrap();
    assert_eq!(
        postponed.goals, 2,
        "the goal of the live site is not postponed"
    );
    assert_eq!(postponed.per_year, Cents(40_150_000));
    let cost = store.cost_of_delay(pid).await.unwrap();
    let line = cost.lines.iter().find(|l| l.name == GOALS_LINE).unwrap();
    assert_eq!(line.per_day, Cents(110_000));
    assert_eq!(cost.per_day, Cents(110_000));
    let after_all = store.goals_postponed(pid, day("2099-01-02")).await.unwrap();
    assert_eq!(after_all.goals, 0);
    // An entered "benefits postponed" item stays beside it.
    use muster_domain::plan::cost::CostItemDraft;
    store
        .create_cost_item(
            &change,
            CostItemDraft {
                kind: Some("benefits_postponed".into()),
                per_day: Some("500".into()),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.cost_of_delay(pid).await.unwrap().per_day,
        Cents(160_000)
    );
}

#[tokio::test]
async fn a_measurement_draft_names_the_goal_sites_it_may_be_taken_at() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let goal = store
        .create_goal(&change, scanning(vec![a], "0").parse().unwrap())
        .await
        .unwrap();
    let err = MeasurementDraft {
        site_id: Some((a + 1).to_string()),
        period: Some("2026-01-01".into()),
        value: Some("50".into()),
    }
    .parse(&goal)
    .unwrap_err();
    assert!(err.message_for("site_id").is_some());
}

#[tokio::test]
async fn the_rollups_follow_every_write_of_measurements_and_of_waves_sites() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let differ = || support::benefit_rollups_differ(store);
    let a = store.create_site(&change, site("A")).await.unwrap().id;
    let b = store.create_site(&change, site("B")).await.unwrap().id;
    let c = store.create_site(&change, site("C")).await.unwrap().id;
    let w1 = wave(store, &change, "Wave 1", "2026-06-01", vec![a]).await;
    let w2 = wave(store, &change, "Wave 2", "2026-09-01", vec![b, c]).await;
    let goal = store
        .create_goal(&change, scanning(vec![], "0").parse().unwrap())
        .await
        .unwrap();
    let mut other = scanning(vec![a, b], "0");
    other.name = Some("Days in accounts receivable".into());
    let other = store
        .create_goal(&change, other.parse().unwrap())
        .await
        .unwrap();

    // New measurements, two periods in one month at site A, and a program-wide figure.
    store
        .put_measurements(
            &change,
            &goal,
            &[
                m(Some(a), "2026-04-01", 70.0),
                m(Some(a), "2026-04-15", 71.5),
                m(Some(b), "2026-04-01", 74.25),
                m(Some(c), "2026-05-01", 60.0),
                m(None, "2026-05-01", 81.0),
            ],
        )
        .await
        .unwrap();
    assert!(
        support::count(
            store,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM goal_wave_month"
        )
        .await
            > 0,
        "the waves' rollup has rows to compare"
    );
    assert_eq!(differ().await, 0, "after new measurements");

    // Replacing values (an upsert's update) and bulk rows of both goals.
    store
        .put_measurements(
            &change,
            &goal,
            &[m(Some(a), "2026-04-01", 90.0), m(None, "2026-05-01", 80.0)],
        )
        .await
        .unwrap();
    let bulk: Vec<MeasurementRow> = [(goal.id, a), (other.id, b), (other.id, c)]
        .into_iter()
        .flat_map(|(goal_id, s)| {
            ["2026-04-01", "2026-06-01", "2026-07-01"]
                .into_iter()
                .map(move |p| MeasurementRow {
                    goal_id,
                    spec: m(Some(s), p, 33.5),
                })
        })
        .collect();
    store
        .insert_measurements_bulk(&change, &bulk)
        .await
        .unwrap();
    assert_eq!(differ().await, 0, "after replaced and bulk measurements");

    // Site C moves from wave 2 to wave 1 (its sites are rewritten), then wave 2 goes.
    let moved = WaveDraft {
        name: Some("Wave 1".into()),
        go_live: Some("2026-06-01".into()),
        site_ids: Some(vec![a, c]),
        ..Default::default()
    };
    store
        .update_wave(&change, w1, moved.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(differ().await, 0, "after a site joined a wave");
    store.delete_wave(&change, w2).await.unwrap();
    assert_eq!(differ().await, 0, "after a wave was deleted");
    assert_eq!(
        support::count(
            store,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM goal_wave_month WHERE wave_id = {w2}"
            )
        )
        .await,
        0,
        "a deleted wave leaves no rows"
    );

    // A goal's deletion takes its measurements and their rollup rows.
    store.delete_goal(&change, other.id).await.unwrap();
    assert_eq!(differ().await, 0, "after a goal was deleted");
    assert_eq!(
        support::count(
            store,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM goal_month WHERE goal_id = {}",
                other.id
            )
        )
        .await,
        0
    );

    // The dashboard reads the rollups: site A's two April periods (the first replaced by the
    // bulk rows) and site B's figure.
    let months = store
        .goal_months(actor.program_id, SeriesOf::Program, Some(goal.id))
        .await
        .unwrap();
    assert_eq!(months[&goal.id][0].value, (33.5 + 71.5 + 74.25) / 3.0);
}
