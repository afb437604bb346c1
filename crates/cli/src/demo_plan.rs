//! The demo's rollout plan: for each wave, design, build, test and training of every module
//! the wave takes live (each phase ending in a milestone), each site's readiness work in
//! parallel streams, cutover and the go-live milestone held to the wave's date; waves
//! overlap, each starting its design once the one before has finished design. The project started 30 days ago: wave 1's design is done and its build under way.
//! The small demo has about 600 tasks with one slipped task (integrated testing of wave 1,
//! started late and barely begun) that pushes wave 1's go-live past its date; the large demo
//! has about 50,000 tasks and 100,000 dependencies.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::module::Module;
use muster_domain::plan::calendar::{Calendar, WorkDays};
use muster_domain::plan::cost::CostItemDraft;
use muster_domain::plan::task::TaskDraft;
use muster_domain::plan::{ConstraintKind, DependencyKind};
use muster_store::plan::bulk::{NewDependency, NewTask};
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;

const PHASES: &[&str] = &["Design", "Build", "Test", "Train"];
/// The milestone that ends each phase.
const PHASE_DONE: &[&str] = &[
    "Design complete",
    "Build complete",
    "Testing complete",
    "Training complete",
];
/// Each site's readiness work, in order.
const SITE_WORK: &[&str] = &[
    "Workflow walkthrough",
    "Device inventory",
    "Device install",
    "Printer mapping",
    "Downtime procedures",
    "Super user roster",
    "Dress rehearsal",
    "Go-live staffing plan",
];

struct Builder {
    tasks: Vec<NewTask>,
    links: Vec<NewDependency>,
    rng: SmallRng,
}

impl Builder {
    fn task(&mut self, key: String, parent: Option<&str>, name: String, duration: i64) -> String {
        let spec = TaskDraft {
            name: Some(name),
            duration: Some(duration.to_string()),
            ..Default::default()
        }
        .parse()
        .expect("demo tasks are valid");
        self.tasks.push(NewTask {
            key: key.clone(),
            parent_key: parent.map(str::to_owned),
            spec,
        });
        key
    }

    fn link(&mut self, from: &str, to: &str, kind: DependencyKind, lag: i64) {
        self.links.push(NewDependency {
            predecessor_key: from.to_owned(),
            successor_key: to.to_owned(),
            kind,
            lag,
        });
    }

    fn last_mut(&mut self) -> &mut muster_domain::plan::task::TaskSpec {
        &mut self.tasks.last_mut().expect("a task").spec
    }
}

/// What a day of delay costs besides the consultants' daily rates: believable figures for a
/// regional health system replacing its EHR.
async fn cost_items(store: &Store, change: &Change<'_>) -> anyhow::Result<()> {
    for (kind, name, per_day, notes) in [
        (
            "legacy_run",
            "Legacy EHR licences, hosting and support",
            "41,000",
            "Annual contract of $15M, prorated",
        ),
        (
            "parallel_staffing",
            "Agency nurses and overtime during dual documentation",
            "18,500",
            "Backfill for staff in training and at the elbow",
        ),
        // Benefits postponed come from the benefit goals' value a year (demo_goals.rs:
        // days in A/R, duplicate labs...), not from entered lines.
        (
            "other",
            "Interface engine run twice",
            "3,200",
            "Old and new engines licensed until cutover",
        ),
    ] {
        let draft = CostItemDraft {
            kind: Some(kind.into()),
            name: Some(name.into()),
            per_day: Some(per_day.into()),
            notes: Some(notes.into()),
        };
        let spec = draft.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        store.create_cost_item(change, spec).await?;
    }
    Ok(())
}

/// The Monday on or before `day`.
fn monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday() as i64)
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let today = Utc::now().date_naive();
    let project_start = monday(today - Duration::days(30));
    let days = WorkDays::new(&Calendar::default(), project_start).map_err(anyhow::Error::msg)?;
    let elapsed = days.on_or_after(today).map_err(anyhow::Error::msg)?;
    store
        .update_plan_settings(
            &change,
            project_start,
            [true, true, true, true, true, false, false],
        )
        .await?;
    let modules = store.all_modules(program).await?;
    let waves = store.list_waves(program, None, None, 500).await?.items;
    let sites: std::collections::HashMap<i64, String> = store
        .all_sites(program)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    // Each site's readiness tasks, run in parallel streams.
    let (per_site, streams) = match scale {
        Scale::Small => (80, 4),
        Scale::Large => (250, 12),
    };
    let mut b = Builder {
        tasks: Vec::new(),
        links: Vec::new(),
        rng: SmallRng::seed_from_u64(11),
    };
    let mut previous_design: Option<String> = None;
    for (w, wave) in waves.iter().enumerate() {
        let wave_key = b.task(format!("w{w}"), None, wave.name.clone(), 0);
        b.last_mut().wave_id = Some(wave.id);
        // Design, build, test, train: one task per module per phase, chained by module.
        let mut phase_keys = Vec::new();
        for phase in PHASES {
            let key = b.task(
                format!("w{w}-{phase}"),
                Some(&wave_key),
                format!("{phase} ({})", wave.name),
                0,
            );
            b.last_mut().wave_id = Some(wave.id);
            phase_keys.push(key);
        }
        // The modules this wave takes live (all of them if its scope is not recorded).
        let scope: Vec<&Module> = modules
            .iter()
            .filter(|m| wave.module_ids.is_empty() || wave.module_ids.contains(&m.id))
            .collect();
        let mut last_of_module = Vec::new();
        for (m, module) in scope.iter().enumerate() {
            let mut before: Option<String> = None;
            // Where this module's chain stands, in working days from the project start, for
            // wave 1's history.
            let mut at = 0;
            for (p, phase) in PHASES.iter().enumerate() {
                let duration = match *phase {
                    "Design" => b.rng.gen_range(5..10),
                    "Build" => b.rng.gen_range(15..25),
                    "Test" => b.rng.gen_range(8..12),
                    _ => b.rng.gen_range(5..8),
                };
                let name = format!("{phase} {}", module.name);
                let key = b.task(
                    format!("w{w}-{phase}-{m}"),
                    Some(&phase_keys[p]),
                    name,
                    duration,
                );
                let spec = b.last_mut();
                spec.module_id = Some(module.id);
                spec.wave_id = Some(wave.id);
                if w == 0 && at < elapsed {
                    spec.actual_start = days.date(at);
                    if at + duration <= elapsed {
                        spec.actual_finish = days.date(at + duration - 1);
                        spec.percent_complete = 100;
                    } else {
                        spec.percent_complete = (elapsed - at) * 100 / duration;
                    }
                }
                at += duration;
                if let Some(before) = &before {
                    b.link(before, &key, DependencyKind::FinishToStart, 0);
                }
                before = Some(key);
            }
            last_of_module.push(before.expect("phases"));
        }
        // Integrated testing needs every module built; in wave 1 it started late and is
        // barely begun: the demo's slipped task.
        let integrated = b.task(
            format!("w{w}-integrated"),
            Some(&phase_keys[2]),
            format!("Integrated testing ({})", wave.name),
            if w == 0 { 50 } else { 15 },
        );
        b.last_mut().wave_id = Some(wave.id);
        if w == 0 {
            let spec = b.last_mut();
            spec.actual_start = Some(today - Duration::days(10));
            spec.percent_complete = 5;
            spec.notes = Some(
                "Started early against the built modules and stalled: the interface engine is \
                 not ready, so most scripts wait."
                    .into(),
            );
        }
        for m in 0..scope.len() {
            b.link(
                &format!("w{w}-Build-{m}"),
                &integrated,
                DependencyKind::FinishToStart,
                0,
            );
        }
        // Each phase ends in a milestone of the wave.
        for (p, done) in PHASE_DONE.iter().enumerate() {
            let key = b.task(
                format!("w{w}-{}-done", PHASES[p]),
                Some(&wave_key),
                format!("{done} ({})", wave.name),
                0,
            );
            b.last_mut().wave_id = Some(wave.id);
            b.link(&phase_keys[p], &key, DependencyKind::FinishToStart, 0);
        }
        // Each site's readiness work runs alongside the build.
        let mut site_ends = Vec::new();
        for &site in &wave.site_ids {
            let site_key = b.task(
                format!("w{w}-s{site}"),
                Some(&wave_key),
                format!("Readiness: {}", sites[&site]),
                0,
            );
            b.last_mut().site_id = Some(site);
            let mut last: Vec<Option<String>> = vec![None; streams];
            for k in 0..per_site {
                let name = format!(
                    "{} {}",
                    SITE_WORK[k % SITE_WORK.len()],
                    k / SITE_WORK.len() + 1
                );
                let duration = b.rng.gen_range(1..3);
                let key = b.task(format!("w{w}-s{site}-{k}"), Some(&site_key), name, duration);
                let spec = b.last_mut();
                spec.site_id = Some(site);
                spec.wave_id = Some(wave.id);
                let stream = k % streams;
                match &last[stream] {
                    Some(before) if k % 7 != 0 => {
                        b.link(before, &key, DependencyKind::FinishToStart, 0)
                    }
                    Some(before) => b.link(before, &key, DependencyKind::StartToStart, 1),
                    None => {}
                }
                // Site work waits on the build of a module, with a lag.
                if !scope.is_empty() {
                    let m = k % scope.len();
                    b.link(
                        &format!("w{w}-Build-{m}"),
                        &key,
                        DependencyKind::StartToStart,
                        5,
                    );
                }
                last[stream] = Some(key);
            }
            site_ends.extend(last.into_iter().flatten());
        }
        let cutover = b.task(
            format!("w{w}-cutover"),
            Some(&wave_key),
            format!("Cutover ({})", wave.name),
            3,
        );
        b.last_mut().wave_id = Some(wave.id);
        b.link(&integrated, &cutover, DependencyKind::FinishToStart, 0);
        for end in last_of_module.iter().chain(&site_ends) {
            b.link(end, &cutover, DependencyKind::FinishToStart, 0);
        }
        let go_live = b.task(
            format!("w{w}-go-live"),
            Some(&wave_key),
            format!("{} go-live", wave.name),
            0,
        );
        let spec = b.last_mut();
        spec.wave_id = Some(wave.id);
        spec.constraint = Some((ConstraintKind::FinishNoLaterThan, wave.go_live));
        b.link(&cutover, &go_live, DependencyKind::FinishToStart, 0);
        // Waves overlap: design starts once the wave before has finished its design.
        if let Some(prev) = &previous_design {
            b.link(prev, &phase_keys[0], DependencyKind::FinishToStart, 0);
        }
        previous_design = Some(phase_keys[0].clone());
    }
    let loaded = store.insert_plan_bulk(&change, b.tasks, b.links).await?;
    cost_items(store, &change).await?;
    eprintln!(
        "Loaded the plan: {} tasks and {} dependencies in {:.1?}.",
        loaded.tasks,
        loaded.dependencies,
        started.elapsed()
    );
    Ok(())
}
