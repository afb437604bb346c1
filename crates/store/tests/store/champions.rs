//! Champion coverage targets in the store: a unit's own target changes how many champions
//! its cells need and whether they are below target, leaves other units on the program's,
//! is audited when set, changed and removed, and removing it returns the unit to the
//! program's target.

use chrono::NaiveDate;
use muster_domain::audit::{AuditAction, AuditFilter, Via};
use muster_domain::champion::ChampionDraft;
use muster_domain::champion::coverage::{
    Coverage, CoverageCell, TargetSource, UnitTarget, UnitTargetDraft,
};
use muster_domain::person::PersonDraft;
use muster_domain::unit::UnitDraft;
use muster_store::{Change, StoreError};

use super::{inpatient, program, site, support};

fn cell(cells: &[CoverageCell], unit_id: i64) -> &CoverageCell {
    cells
        .iter()
        .find(|c| c.unit_id == unit_id)
        .unwrap_or_else(|| panic!("no cell for unit {unit_id}: {cells:?}"))
}

#[tokio::test]
async fn a_unit_target_changes_its_required_champions_and_removal_restores_the_default() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let site_id = store.create_site(&change, site("A")).await.unwrap().id;
    let unit = |name: &str| UnitDraft {
        site_id: Some(site_id.to_string()),
        name: Some(name.into()),
        ..Default::default()
    };
    let icu = store
        .create_unit(&change, unit("ICU").parse().unwrap())
        .await
        .unwrap()
        .id;
    let clinic = store
        .create_unit(&change, unit("Clinic").parse().unwrap())
        .await
        .unwrap()
        .id;
    // 12 day end users in each unit; the ICU's first two are its champions.
    let mut icu_people = Vec::new();
    for (unit_id, tag) in [(icu, "icu"), (clinic, "clinic")] {
        for i in 0..12 {
            let spec = PersonDraft {
                name: Some(format!("{tag} {i}")),
                email: Some(format!("{tag}{i}@t.example")),
                job_role: Some("nurse".into()),
                site_id: Some(site_id.to_string()),
                unit_id: Some(unit_id.to_string()),
                shift: Some("day".into()),
                ..Default::default()
            }
            .parse()
            .unwrap();
            let id = store.create_person(&change, spec).await.unwrap().id;
            if unit_id == icu {
                icu_people.push(id);
            }
        }
    }
    let module = inpatient(store, &change).await;
    for person in &icu_people[..2] {
        let spec = ChampionDraft {
            person_id: Some(person.to_string()),
            site_id: Some(site_id.to_string()),
            unit_id: Some(icu.to_string()),
            shift: Some("day".into()),
            module_ids: Some(vec![module]),
            since: Some("2026-01-05".into()),
            notes: None,
        }
        .parse()
        .unwrap();
        store.create_champion(&change, spec).await.unwrap();
    }
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let coverage = || store.champion_coverage_on(pid, None, today);

    // The program's one per 10: 12 end users need 2; the ICU's 2 champions meet it.
    let cells = coverage().await.unwrap();
    let before = cell(&cells, icu);
    assert_eq!(
        (before.required, before.coverage, before.target_source),
        (2, Coverage::Met, TargetSource::Program)
    );

    // The ICU at one per 5: it needs 3 and is below target; the clinic keeps the program's.
    let icu_target = UnitTargetDraft {
        end_users_per_champion: Some("5".into()),
        note: Some("ICU acuity".into()),
    }
    .parse()
    .unwrap();
    let saved = store
        .save_unit_champion_target(&change, icu, icu_target.clone())
        .await
        .unwrap();
    assert_eq!(
        (saved.end_users_per_champion, saved.target_source),
        (5, TargetSource::Unit)
    );
    assert_eq!(saved.program_end_users_per_champion, 10);
    let cells = coverage().await.unwrap();
    let overridden = cell(&cells, icu);
    assert_eq!(
        (
            overridden.end_users_per_champion,
            overridden.target_source,
            overridden.required,
            overridden.missing,
            overridden.coverage
        ),
        (5, TargetSource::Unit, 3, 1, Coverage::Below)
    );
    let other = cell(&cells, clinic);
    assert_eq!(
        (other.end_users_per_champion, other.target_source),
        (10, TargetSource::Program),
        "the clinic keeps the program's target"
    );
    let by_site = store.champion_coverage_by_site(pid).await.unwrap();
    assert_eq!(
        (by_site[0].cells, by_site[0].cells_met),
        (2, 0),
        "the scorecard reads the override too"
    );

    // Changed to one per 6: 2 needed, met again.
    let six = UnitTarget {
        end_users_per_champion: 6,
        note: None,
    };
    store
        .save_unit_champion_target(&change, icu, six)
        .await
        .unwrap();
    assert_eq!(cell(&coverage().await.unwrap(), icu).required, 2);

    // Removed: the program's target again, and a second removal writes nothing.
    let removed = store
        .remove_unit_champion_target(&change, icu)
        .await
        .unwrap();
    assert_eq!(removed.map(|t| t.end_users_per_champion), Some(6));
    assert_eq!(
        store
            .remove_unit_champion_target(&change, icu)
            .await
            .unwrap(),
        None
    );
    let back = store.unit_champion_target(pid, icu).await.unwrap();
    assert_eq!(
        (back.end_users_per_champion, back.target_source, back.note),
        (10, TargetSource::Program, None)
    );
    let cells = coverage().await.unwrap();
    let restored = cell(&cells, icu);
    assert_eq!(
        (restored.required, restored.coverage, restored.target_source),
        (2, Coverage::Met, TargetSource::Program)
    );

    let filter = AuditFilter {
        entity: Some("champion_unit_target".into()),
        ..Default::default()
    };
    let log = store.list_audit(pid, &filter, None, 10).await.unwrap();
    let actions: Vec<_> = log.items.iter().map(|e| (e.action, e.entity_id)).collect();
    assert_eq!(
        actions,
        vec![
            (AuditAction::Delete, icu),
            (AuditAction::Update, icu),
            (AuditAction::Create, icu)
        ]
    );
    assert!(
        log.items[2]
            .after
            .as_deref()
            .unwrap()
            .contains("ICU acuity")
    );

    // No such unit: nothing saved. Another unit's override is one more in the program's set.
    assert!(matches!(
        store
            .save_unit_champion_target(&change, 999_999, icu_target.clone())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    store
        .save_unit_champion_target(&change, clinic, icu_target)
        .await
        .unwrap();
    assert_eq!(store.unit_champion_targets(pid).await.unwrap().len(), 1);
}
