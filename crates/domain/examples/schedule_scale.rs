//! Times the scheduling engine on generated plans: `cargo run --release -p muster-domain
//! --example schedule_scale -- 50000 500000` (task counts; about two dependencies per task,
//! of all four kinds, with lags and leads, in tracks of 200 tasks tied across tracks).
//! Prints the best of three runs per size and the ratio between the last and the first.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use muster_domain::plan::DependencyKind;
use muster_domain::plan::calendar::Calendar;
use muster_domain::plan::schedule::{Dependency, Plan, Task, schedule};
use rand::{Rng, SeedableRng, rngs::StdRng};

const TRACK: usize = 200;

fn plan(tasks: usize) -> Plan {
    let mut rng = StdRng::seed_from_u64(7);
    let mut calendar = Calendar::default();
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    for year in 2027..2035 {
        calendar
            .holidays
            .insert(NaiveDate::from_ymd_opt(year, 12, 25).unwrap());
        calendar
            .holidays
            .insert(NaiveDate::from_ymd_opt(year, 7, 5).unwrap());
    }
    let site_holidays = (0..170)
        .map(|s| {
            (2027..2035)
                .map(|y| NaiveDate::from_ymd_opt(y, 3, 1 + s % 28).unwrap())
                .collect()
        })
        .collect();
    let tasks_list = (0..tasks)
        .map(|i| {
            let mut t = Task::new(i as i64 + 1, format!("Task {i}"), rng.gen_range(0..10));
            t.calendar = (i % 3 == 0).then_some(i % 170);
            t
        })
        .collect();
    // Tracks of 200 tasks (a site's or a team's work): each task follows one of the three
    // before it in its track and one task a little earlier in another track.
    let mut dependencies = Vec::with_capacity(tasks * 2);
    let link = |rng: &mut StdRng, p: usize, s: usize| Dependency {
        predecessor: p as i64 + 1,
        successor: s as i64 + 1,
        kind: DependencyKind::ALL[rng.gen_range(0..4)],
        lag: rng.gen_range(-2..4),
    };
    for i in 0..tasks {
        let (track, pos) = (i / TRACK, i % TRACK);
        if pos > 0 {
            let back = rng.gen_range(1..=3.min(pos));
            dependencies.push(link(&mut rng, i - back, i));
        }
        if track > 0 && pos > 1 {
            let other = rng.gen_range(0..track);
            let p = other * TRACK + pos - rng.gen_range(1..=2);
            dependencies.push(link(&mut rng, p, i));
        }
    }
    Plan {
        start,
        status_date: None,
        calendar,
        site_holidays,
        tasks: tasks_list,
        dependencies,
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("task counts"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![50_000, 500_000]
    } else {
        sizes
    };
    let mut times = Vec::new();
    for &n in &sizes {
        let p = plan(n);
        let mut best = Duration::MAX;
        let mut finish = None;
        for _ in 0..3 {
            let t = Instant::now();
            let s = schedule(&p).expect("a generated plan schedules");
            best = best.min(t.elapsed());
            finish = Some((s.finish, s.tasks.iter().filter(|t| t.critical).count()));
        }
        let (finish, critical) = finish.unwrap();
        println!(
            "{n} tasks, {} dependencies: {:.1} ms (best of 3); finish {finish}, {critical} critical",
            p.dependencies.len(),
            best.as_secs_f64() * 1e3
        );
        times.push(best);
    }
    if times.len() > 1 {
        println!(
            "ratio last/first: {:.2}",
            times[times.len() - 1].as_secs_f64() / times[0].as_secs_f64()
        );
    }
}
