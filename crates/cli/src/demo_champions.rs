//! The demo's champions: for each unit and shift with end users, champions among its own
//! people, with one or two modules and a start date. Small scale: most units and shifts
//! meet the target, the lagging site (Riverbend North) is short on more than half its units and shifts and a few night
//! shifts elsewhere have none; most champions have done their advanced course. Large scale:
//! about one champion per 12 end users, so the larger units fall short, written in bulk.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::champion::ChampionSpec;
use muster_domain::champion::coverage::{DEFAULT_END_USERS_PER_CHAMPION, required};
use muster_domain::placement::Placement;
use muster_domain::rounding::Shift;
use muster_domain::training::completion::{CompletionSource, CompletionSpec};
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;

/// Champions per bulk insert at large scale.
const BATCH: usize = 10_000;
/// The large demo's champions: one per this many end users, rounded up.
const LARGE_END_USERS_PER_CHAMPION: usize = 12;

/// How many of a cell's `end_users` the demo makes champions.
fn champions_for(
    rng: &mut SmallRng,
    scale: Scale,
    end_users: usize,
    lagging: bool,
    shift: Shift,
) -> usize {
    if scale == Scale::Large {
        return end_users.div_ceil(LARGE_END_USERS_PER_CHAMPION);
    }
    let needed = required(end_users as i64, DEFAULT_END_USERS_PER_CHAMPION) as usize;
    let roll: f64 = rng.r#gen();
    if lagging {
        if roll < 0.45 { needed } else { needed / 2 }
    } else if shift == Shift::Night && roll < 0.12 {
        0
    } else if roll < 0.2 {
        needed.saturating_sub(1)
    } else {
        needed
    }
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let today = Utc::now().date_naive();
    let mut rng = SmallRng::seed_from_u64(12);
    let lagging = sites.get(1).copied();
    let modules: Vec<i64> = store
        .all_modules(program)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let mut advanced: HashMap<i64, Vec<i64>> = HashMap::new();
    for course in store.all_courses(program).await? {
        if let (true, true, Some(module)) = (course.advanced, course.active, course.module_id) {
            advanced.entry(module).or_default().push(course.id);
        }
    }
    // People arrive ordered by unit and shift: each run of equal (unit, shift) is a cell.
    let candidates = store.champion_candidates(program).await?;
    let mut champions: Vec<ChampionSpec> = Vec::new();
    for cell in candidates.chunk_by(|a, b| (a.2, a.3) == (b.2, b.3)) {
        let (_, site, unit, shift) = cell[0];
        let want = champions_for(&mut rng, scale, cell.len(), Some(site) == lagging, shift);
        let step = (cell.len() / want.max(1)).max(1);
        for &(person, ..) in cell.iter().step_by(step).take(want) {
            let first = rng.gen_range(0..modules.len());
            let count = if rng.gen_bool(0.3) { 2 } else { 1 };
            let started_on = if rng.gen_bool(0.04) {
                today + Duration::days(14)
            } else {
                today - Duration::days(rng.gen_range(14..240))
            };
            champions.push(ChampionSpec {
                placement: Placement {
                    person_id: person,
                    site_id: site,
                    unit_id: unit,
                    shift,
                },
                module_ids: (0..count)
                    .map(|k| modules[(first + k) % modules.len()])
                    .collect(),
                since: started_on,
                notes: None,
            });
        }
    }
    let mut completions = Vec::new();
    for c in &champions {
        if c.since > today
            || !rng.gen_bool(if Some(c.placement.site_id) == lagging {
                0.3
            } else {
                0.7
            })
        {
            continue;
        }
        for course in c.module_ids.iter().flat_map(|m| advanced.get(m)).flatten() {
            completions.push(CompletionSpec {
                person_id: c.placement.person_id,
                course_id: *course,
                completed_on: (c.since + Duration::days(rng.gen_range(0..30))).min(today),
                source: CompletionSource::Session,
                score: None,
            });
        }
    }
    let total = champions.len();
    match scale {
        Scale::Small => {
            for spec in champions {
                store.create_champion(&change, spec).await?;
            }
        }
        Scale::Large => {
            let bar = crate::demo::spinner(total as u64, "champions");
            while !champions.is_empty() {
                let rest = champions.split_off(champions.len().min(BATCH));
                let batch = std::mem::replace(&mut champions, rest);
                bar.inc(batch.len() as u64);
                store.insert_champions_bulk(&change, batch).await?;
            }
            bar.finish();
        }
    }
    let trained = completions.len();
    store.insert_completions_bulk(&change, completions).await?;
    eprintln!(
        "Champions: {total} designated, {trained} advanced course completions, in {:.1?}.",
        started.elapsed()
    );
    Ok(())
}
