use super::*;
use crate::plan::DependencyKind;
use crate::plan::testing::{PHARMACY, demo_like, go_live_dates, link, site_move, waves};

#[test]
fn a_wave_name_is_swapped_only_where_it_stands_alone() {
    assert_eq!(
        swap_wave_name("Cutover (Wave 1)", "Wave 1", "Wave 2"),
        "Cutover (Wave 2)"
    );
    assert_eq!(
        swap_wave_name("Wave 1 go-live", "Wave 1", "Wave 2"),
        "Wave 2 go-live"
    );
    assert_eq!(
        swap_wave_name("Wave 10 go-live", "Wave 1", "Wave 2"),
        "Wave 10 go-live",
        "not inside another wave's name"
    );
    assert_eq!(
        swap_wave_name("Build Pharmacy", "Wave 1", "Wave 2"),
        "Build Pharmacy"
    );
    assert_eq!(
        swap_wave_name("Wave 1 / Wave 1 review", "Wave 1", "Spring"),
        "Spring / Spring review"
    );
}

#[test]
fn a_moved_sites_work_follows_the_new_waves_go_live_chain() {
    let (tasks, deps) = demo_like();
    let m = plan_move(&tasks, &deps, &site_move(), &waves());
    assert_eq!(
        m.rewaved,
        [111],
        "site S's work, not site T's nor its summary"
    );
    assert_eq!(
        m.reparented,
        [Reparent {
            task_id: 110,
            from_parent_id: Some(100),
            to_parent_id: 200
        }],
        "the site's summary moves under wave 2"
    );
    let rewired: Vec<(i64, (TaskId, TaskId))> =
        m.rewired.iter().map(|r| (r.dependency_id, r.now)).collect();
    assert_eq!(
        rewired,
        [(1, (202, 111)), (3, (111, 230))],
        "Build Pharmacy and the cutover are wave 2's now"
    );
    assert_eq!(
        m.dropped,
        [Dropped {
            dependency_id: 2,
            predecessor_id: 103,
            successor_id: 111,
            reason: DropReason::NoEquivalent
        }],
        "wave 2 builds no Lab: the wait on wave 1's Lab build goes"
    );
}

#[test]
fn a_moved_module_takes_its_wave_tasks_and_leaves_the_sites_it_no_longer_serves() {
    let (tasks, mut deps) = demo_like();
    // The moved build already feeds wave 2's cutover: rewiring its wave-1 link would
    // repeat that link.
    deps.push(link(12, 102, 230, DependencyKind::FinishToStart, 0));
    let change = WaveMove {
        kind: MoveKind::Module,
        item_id: PHARMACY,
        from_wave_id: 1,
        to_wave_id: 2,
    };
    let m = plan_move(&tasks, &deps, &change, &waves());
    assert_eq!(m.rewaved, [102]);
    assert_eq!(m.reparented[0].to_parent_id, 201, "under Build (Wave 2)");
    assert!(m.rewired.is_empty(), "{m:?}");
    let dropped: Vec<(i64, DropReason)> = m
        .dropped
        .iter()
        .map(|d| (d.dependency_id, d.reason))
        .collect();
    assert_eq!(
        dropped,
        [
            (1, DropReason::NoEquivalent),
            (4, DropReason::NoEquivalent),
            (6, DropReason::Repeats)
        ],
        "the sites of wave 1 stop waiting for it; wave 2 already waits"
    );
}

#[test]
fn the_go_live_milestones_are_equivalent_whatever_their_names() {
    let (mut tasks, mut deps) = demo_like();
    tasks[9].name = "Riverbend goes live".into();
    deps.push(link(12, 111, 131, DependencyKind::FinishToStart, 0));
    let m = plan_move(&tasks, &deps, &site_move(), &waves());
    assert!(
        m.rewired.iter().any(|r| r.now == (111, 231)),
        "a link into wave 1's go-live goes to wave 2's: {m:?}"
    );
}

#[test]
fn the_moved_plan_schedules_and_moves_both_go_lives() {
    let (tasks, deps) = demo_like();
    let before = go_live_dates(&tasks, &deps);
    let m = plan_move(&tasks, &deps, &site_move(), &waves());
    let (moved_tasks, moved_deps) = m.apply(&tasks, &deps, 2);
    assert_eq!(moved_tasks.len(), tasks.len());
    assert_eq!(moved_deps.len(), deps.len() - 1, "one link dropped");
    let s = moved_tasks.iter().find(|t| t.id == 111).unwrap();
    assert_eq!(s.wave_id, Some(2));
    let summary = moved_tasks.iter().find(|t| t.id == 110).unwrap();
    assert_eq!(summary.parent_id, Some(200));
    let after = go_live_dates(&moved_tasks, &moved_deps);
    // Site S's 20 days of work drove wave 1; without it wave 1 goes live earlier and
    // wave 2, which now waits for it after its own build, later.
    assert!(after.0 < before.0, "wave 1: {before:?} -> {after:?}");
    assert!(after.1 > before.1, "wave 2: {before:?} -> {after:?}");
}

fn draft(kind: &str, site: &str, module: &str, from: &str, to: &str) -> WaveMoveDraft {
    WaveMoveDraft {
        kind: Some(kind.into()),
        site_id: Some(site.into()),
        module_id: Some(module.into()),
        from_wave_id: Some(from.into()),
        to_wave_id: Some(to.into()),
        revision: None,
    }
}

#[test]
fn a_move_request_names_what_moves_and_two_different_waves() {
    let spec = draft("site", "5", "7", "1", "2").parse().unwrap();
    assert_eq!(
        spec.change,
        site_move(),
        "the kind picks the site, not the module"
    );
    let spec = draft("module", "", "7", "1", "2").parse().unwrap();
    assert_eq!(spec.change.kind, MoveKind::Module);
    assert_eq!(spec.change.item_id, 7);
    let inferred = WaveMoveDraft {
        kind: None,
        site_id: Some("5".into()),
        revision: Some("12".into()),
        ..draft("", "", "", "1", "2")
    }
    .parse()
    .unwrap();
    assert_eq!(inferred.change.kind, MoveKind::Site);
    assert_eq!(inferred.revision, Some(12));

    let same = draft("site", "5", "", "1", "1").parse().unwrap_err();
    assert!(
        same.message_for("to_wave_id")
            .is_some_and(|m| m.contains("the wave it leaves"))
    );
    let nothing = draft("site", "", "", "", "x").parse().unwrap_err();
    let fields: Vec<&str> = nothing.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["site_id", "from_wave_id", "to_wave_id"]);
    assert_eq!(
        nothing.message_for("from_wave_id"),
        Some("choose the wave it leaves")
    );
    let both = WaveMoveDraft {
        kind: None,
        ..draft("", "5", "7", "1", "2")
    }
    .parse()
    .unwrap_err();
    assert!(both.message_for("kind").is_some());
    let odd = draft("unit", "5", "", "1", "2").parse().unwrap_err();
    assert!(
        odd.message_for("kind")
            .is_some_and(|m| m.contains("site, module"))
    );
}
