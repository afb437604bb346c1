//! Lessons learned (search, follow-ups linked in the transaction that makes them) and
//! embedding assignments (checked against the waves; leaders' coverage per wave).

use muster_domain::access::Actor;
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::embedding::EmbeddingDraft;
use muster_domain::lesson::{FollowUpKind, LessonDraft};
use muster_domain::plan::task::TaskDraft;
use muster_domain::readiness::CriterionDraft;
use muster_domain::wave::WaveDraft;
use muster_store::lesson::LessonFilter;
use muster_store::{Change, Store, StoreError};

use super::{person, program, site, support};

struct Two {
    actor: Actor,
    site_s: i64,
    site_t: i64,
    wave_1: i64,
    wave_2: i64,
}

/// Site S goes live in wave 1 (March), site T in wave 2 (June).
async fn two_sites(store: &Store) -> Two {
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let site_s = store.create_site(&change, site("S")).await.unwrap().id;
    let site_t = store.create_site(&change, site("T")).await.unwrap().id;
    let wave = |name: &str, go_live: &str, site: i64| {
        WaveDraft {
            name: Some(name.into()),
            go_live: Some(go_live.into()),
            site_ids: Some(vec![site]),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    let wave_1 = store
        .create_wave(&change, wave("Wave 1", "2027-03-01", site_s))
        .await
        .unwrap()
        .id;
    let wave_2 = store
        .create_wave(&change, wave("Wave 2", "2027-06-01", site_t))
        .await
        .unwrap()
        .id;
    Two {
        actor,
        site_s,
        site_t,
        wave_1,
        wave_2,
    }
}

fn lesson(title: &str, wave_id: i64) -> muster_domain::lesson::LessonSpec {
    LessonDraft {
        title: Some(title.into()),
        observation: Some("Label printers at 4 West printed to 4 East all morning".into()),
        recommendation: Some("Walk every printer mapping at the dress rehearsal".into()),
        source: Some("retrospective".into()),
        phase: Some("go_live".into()),
        wave_id: Some(wave_id.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn criterion(name: &str) -> muster_domain::readiness::CriterionSpec {
    CriterionDraft {
        name: Some(name.into()),
        measure: Some("attested".into()),
        weight: Some("5".into()),
        owner: Some("Site device lead".into()),
        active: Some(true),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[tokio::test]
async fn lessons_are_found_by_every_word_and_keep_what_they_led_to() {
    let db = support::fresh().await;
    let store = &db.store;
    let two = two_sites(store).await;
    let pid = two.actor.program_id;
    let change = Change::new(&two.actor, Via::Api);
    let printers = store
        .create_lesson(&change, lesson("Printer mappings were wrong", two.wave_1))
        .await
        .unwrap();
    let badges = muster_domain::lesson::LessonSpec {
        observation: "Agency nurses had no badge access on day one".into(),
        recommendation: "Issue badges with the EHR accounts".into(),
        ..lesson("Badge access came late", two.wave_1)
    };
    store.create_lesson(&change, badges).await.unwrap();
    let search = |q: &str| LessonFilter {
        search: Some(q.into()),
        ..Default::default()
    };
    let found = store
        .list_lessons(pid, &search("PRINTER mapping"), None, 10)
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].id, printers.id);
    let none = store
        .list_lessons(pid, &search("printer badge"), None, 10)
        .await
        .unwrap();
    assert!(none.items.is_empty(), "every word must match");

    let made = store
        .criterion_from_lesson(&change, printers.id, criterion("Printer mappings walked"))
        .await
        .unwrap();
    let task = TaskDraft {
        name: Some("Walk printer mappings".into()),
        duration: Some("3".into()),
        wave_id: Some(two.wave_2.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let task = store
        .task_from_lesson(&change, printers.id, task)
        .await
        .unwrap();
    // A refused criterion (its name is taken) leaves no link behind.
    let refused = store
        .criterion_from_lesson(&change, printers.id, criterion("Printer mappings walked"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    let kept = store.lesson(pid, printers.id).await.unwrap();
    let links: Vec<_> = kept
        .follow_ups
        .iter()
        .map(|f| (f.kind, f.target_id, f.name.as_str(), f.wave_id))
        .collect();
    assert_eq!(
        links,
        [
            (
                FollowUpKind::Criterion,
                made.id,
                "Printer mappings walked",
                None
            ),
            (
                FollowUpKind::Task,
                task.id,
                "Walk printer mappings",
                Some(two.wave_2)
            ),
        ]
    );
    let audit = store
        .list_audit(
            pid,
            &AuditFilter {
                entity: Some("lesson_follow_up".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 2);

    // The link outlives its target, and says it is gone.
    store.delete_plan_task(&change, task.id).await.unwrap();
    let kept = store.lesson(pid, printers.id).await.unwrap();
    assert_eq!(kept.follow_ups[1].name, "");
    // Deleting the lesson keeps what it led to.
    store.delete_lesson(&change, printers.id).await.unwrap();
    store.criterion(pid, made.id).await.unwrap();
}

#[tokio::test]
async fn a_lesson_must_name_a_ticket_wave_site_and_module_of_its_own_program() {
    let db = support::fresh().await;
    let store = &db.store;
    let two = two_sites(store).await;
    let change = Change::new(&two.actor, Via::Api);
    let err = store
        .create_lesson(&change, lesson("Stray", two.wave_2 + 100))
        .await
        .unwrap_err();
    let StoreError::Invalid(invalid) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        invalid.message_for("wave_id"),
        Some(format!("no wave has id {}", two.wave_2 + 100).as_str())
    );
}

fn embedding(person: i64, home: i64, host_wave: i64) -> muster_domain::embedding::EmbeddingSpec {
    EmbeddingDraft {
        person_id: Some(person.to_string()),
        home_site_id: Some(home.to_string()),
        host_wave_id: Some(host_wave.to_string()),
        role: Some("observe".into()),
        starts_on: Some("2027-02-27".into()),
        ends_on: Some("2027-03-05".into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[tokio::test]
async fn people_embed_in_an_earlier_go_live_and_leaders_coverage_counts_them() {
    let db = support::fresh().await;
    let store = &db.store;
    let two = two_sites(store).await;
    let pid = two.actor.program_id;
    let change = Change::new(&two.actor, Via::Api);
    let add = |name: &str, site: i64, role: &str| {
        let spec = person(name, &format!("{name}@example.org"), Some(site), role);
        async move { store.create_person(&change, spec).await.unwrap().id }
    };
    let tess = add("tess", two.site_t, "manager").await;
    let _tom = add("tom", two.site_t, "manager").await;
    let nurse = add("nina", two.site_t, "nurse").await;
    let sam = add("sam", two.site_s, "manager").await;

    let made = store
        .create_embedding(&change, embedding(tess, two.site_t, two.wave_1))
        .await
        .unwrap();
    assert_eq!(made.person_name, "tess");
    store
        .create_embedding(&change, embedding(nurse, two.site_t, two.wave_1))
        .await
        .unwrap();

    let refused = |spec| async move {
        match store.create_embedding(&change, spec).await {
            Err(StoreError::Invalid(invalid)) => invalid,
            other => panic!("{other:?}"),
        }
    };
    let own = refused(embedding(sam, two.site_s, two.wave_1)).await;
    assert!(
        own.message_for("host_wave_id")
            .unwrap()
            .starts_with("Wave 1 goes live on 2027-03-01, not before Site S's own go-live"),
        "{own:?}"
    );
    let elsewhere = refused(embedding(sam, two.site_t, two.wave_1)).await;
    assert_eq!(
        elsewhere.message_for("person_id"),
        Some("sam does not work at Site T")
    );

    let coverage = store.embedding_coverage(pid).await.unwrap();
    let ids: Vec<i64> = coverage.iter().map(|w| w.wave_id).collect();
    assert_eq!(ids, [two.wave_1, two.wave_2]);
    assert!(!coverage[0].has_earlier_go_live);
    assert_eq!((coverage[0].leaders, coverage[0].embedded_leaders), (1, 0));
    let second = &coverage[1];
    assert_eq!((second.leaders, second.embedded_leaders), (2, 1));
    assert_eq!(second.sites[0].embedded_people, 2);

    // Wave 1 moved after wave 2: the assignment no longer precedes T's own go-live.
    let wave_1 = store.wave(pid, two.wave_1).await.unwrap();
    let spec = WaveDraft {
        go_live: Some("2027-07-01".into()),
        ..WaveDraft::from(&wave_1)
    }
    .parse()
    .unwrap();
    store.update_wave(&change, two.wave_1, spec).await.unwrap();
    let coverage = store.embedding_coverage(pid).await.unwrap();
    assert_eq!(coverage[0].wave_id, two.wave_2);
    assert_eq!(coverage[0].embedded_leaders, 0);
}
