//! Times the scheduling engine on generated plans: `cargo run --release -p muster-domain
//! --example schedule_scale -- 50000 500000` (task counts; about two dependencies per task,
//! of all four kinds, with lags and leads, in tracks of 200 tasks tied across tracks).
//! Runs every size in turn `--runs` times (15 by default) and prints each size's median
//! (with the fastest and slowest run) and the ratio between the last size's median and the
//! first's.

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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(at) => {
            let runs = args
                .get(at + 1)
                .expect("--runs N")
                .parse()
                .expect("--runs N");
            args.drain(at..at + 2);
            runs
        }
        None => 15,
    };
    let sizes: Vec<usize> = args
        .iter()
        .map(|a| a.parse().expect("task counts"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![50_000, 500_000]
    } else {
        sizes
    };
    let plans: Vec<Plan> = sizes.iter().map(|&n| plan(n)).collect();
    // One warm-up each, then the sizes in turn, so that a busy spell on the machine falls
    // on all of them alike.
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); sizes.len()];
    let mut summary = Vec::new();
    for p in &plans {
        let s = schedule(p).expect("a generated plan schedules");
        summary.push((s.finish, s.tasks.iter().filter(|t| t.critical).count()));
    }
    for _ in 0..runs {
        for (k, p) in plans.iter().enumerate() {
            let t = Instant::now();
            let s = schedule(p).expect("a generated plan schedules");
            times[k].push(t.elapsed());
            drop(s);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut medians = Vec::new();
    for (k, &n) in sizes.iter().enumerate() {
        let mut t = times[k].clone();
        t.sort();
        let median = if runs % 2 == 1 {
            ms(t[runs / 2])
        } else {
            (ms(t[runs / 2 - 1]) + ms(t[runs / 2])) / 2.0
        };
        let (finish, critical) = summary[k];
        println!(
            "{n} tasks, {} dependencies: median {median:.1} ms of {runs} runs (fastest {:.1}, slowest {:.1}); finish {finish}, {critical} critical",
            plans[k].dependencies.len(),
            ms(t[0]),
            ms(t[runs - 1]),
        );
        medians.push(median);
    }
    if medians.len() > 1 {
        println!(
            "ratio of medians last/first: {:.2}",
            medians[medians.len() - 1] / medians[0]
        );
    }
}
