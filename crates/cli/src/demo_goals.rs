//! The demo's benefit goals. Small: eight KPIs an EHR program promises its board (scanning,
//! A/R days, CPOE, portal activation, duplicate labs, note signing, discharge before noon,
//! clinician satisfaction), measured per site every month from 12 months before wave 1 to
//! now. Large: 50 KPIs (ten measures across five service lines) x every site x 36 months,
//! the benefits dashboard's benchmark (docs/performance.md).
//!
//! Each site's series follows its own go-live: near the baseline before it (with noise), a
//! dip in the go-live month and the one after, then recovery towards the target over 18
//! months. One goal is off track on purpose: days in accounts receivable creep up ahead of
//! go-live while billers are in training. Baselines are dated this month (the last figure
//! from the legacy system) and targets 24 months after the last wave's go-live.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::goal::benefits::{first_day, month_of};
use muster_domain::goal::{Direction, GoalDraft, KpiUnit, MeasurementSpec};
use muster_domain::site::SiteKind;
use muster_store::goal::{MEASUREMENTS_PER_STATEMENT, MeasurementRow};
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;

/// Which sites a goal concerns.
#[derive(Clone, Copy, PartialEq)]
enum Where {
    Everywhere,
    Hospitals,
    Clinics,
}

struct Kpi {
    name: &'static str,
    definition: &'static str,
    unit: KpiUnit,
    direction: Direction,
    baseline: f64,
    target: f64,
    /// Dollars a year once met.
    value: i64,
    at: Where,
    /// How deep the go-live dip goes, as a share of the baseline-to-target distance.
    dip: f64,
    /// The month-on-month drift before go-live, in the unit (the off-track goal's creep).
    drift: f64,
}

const SMALL: &[Kpi] = &[
    Kpi {
        name: "Medication administration scanning rate",
        definition: "Doses given with both patient and medication barcodes scanned / all doses given (eMAR scanning report).",
        unit: KpiUnit::Percent,
        direction: Direction::Higher,
        baseline: 78.0,
        target: 96.0,
        value: 2_400_000,
        at: Where::Hospitals,
        dip: 0.4,
        drift: 0.0,
    },
    Kpi {
        name: "Days in accounts receivable",
        definition: "Gross A/R / average daily charges over the last 90 days (revenue cycle dashboard). Three fewer days on $3.3B net revenue.",
        unit: KpiUnit::Days,
        direction: Direction::Lower,
        baseline: 44.0,
        target: 38.0,
        value: 10_037_500,
        at: Where::Everywhere,
        dip: 0.8,
        drift: 0.35,
    },
    Kpi {
        name: "CPOE adoption",
        definition: "Orders entered by the ordering provider / all orders, excluding protocol and verbal orders.",
        unit: KpiUnit::Percent,
        direction: Direction::Higher,
        baseline: 62.0,
        target: 90.0,
        value: 1_200_000,
        at: Where::Everywhere,
        dip: 0.3,
        drift: 0.0,
    },
    Kpi {
        name: "Patient portal activation",
        definition: "Patients seen in the last 12 months with an active portal account / patients seen.",
        unit: KpiUnit::Percent,
        direction: Direction::Higher,
        baseline: 31.0,
        target: 60.0,
        value: 650_000,
        at: Where::Clinics,
        dip: 0.05,
        drift: 0.0,
    },
    Kpi {
        name: "Duplicate lab orders",
        definition: "Lab tests re-ordered for the same patient within the test's minimum retest interval, per month.",
        unit: KpiUnit::Count,
        direction: Direction::Lower,
        baseline: 420.0,
        target: 250.0,
        value: 2_500_000,
        at: Where::Hospitals,
        dip: 0.35,
        drift: 0.0,
    },
    Kpi {
        name: "Time to note sign",
        definition: "Median minutes from the end of the encounter to the signed progress note.",
        unit: KpiUnit::Minutes,
        direction: Direction::Lower,
        baseline: 310.0,
        target: 180.0,
        value: 900_000,
        at: Where::Everywhere,
        dip: 0.5,
        drift: 0.0,
    },
    Kpi {
        name: "Discharge before noon",
        definition: "Inpatient discharges with the discharge order signed and the patient out before 12:00 / all discharges.",
        unit: KpiUnit::Percent,
        direction: Direction::Higher,
        baseline: 18.0,
        target: 35.0,
        value: 3_100_000,
        at: Where::Hospitals,
        dip: 0.2,
        drift: 0.0,
    },
    Kpi {
        name: "Clinician EHR satisfaction",
        definition: "Mean answer to 'The EHR helps me deliver care' on the quarterly clinician pulse survey (1 to 5).",
        unit: KpiUnit::Score,
        direction: Direction::Higher,
        baseline: 2.9,
        target: 3.8,
        value: 0,
        at: Where::Everywhere,
        dip: 0.6,
        drift: 0.0,
    },
];

/// The large demo's ten measures, each run in five service lines: 50 KPIs.
const LINES: &[&str] = &[
    "Emergency",
    "Inpatient",
    "Ambulatory",
    "Surgical",
    "Oncology",
];

/// A site's value of `kpi` in month `m`, given its go-live month (if any).
fn value(kpi: &Kpi, m: i64, live: Option<i64>, rng: &mut SmallRng, since: i64) -> f64 {
    let span = kpi.target - kpi.baseline;
    let noise = rng.gen_range(-0.04..0.04) * span.abs();
    let base = match live {
        Some(g) if m >= g => {
            let k = (m - g) as f64;
            if k < 2.0 {
                kpi.baseline - span * kpi.dip
            } else {
                kpi.baseline + span * ((k - 1.0) / 18.0).min(1.0)
            }
        }
        _ => kpi.baseline + kpi.drift * (m - since) as f64 / 2.0,
    };
    let v = base + noise;
    match kpi.unit {
        KpiUnit::Percent => (v.clamp(0.0, 100.0) * 10.0).round() / 10.0,
        KpiUnit::Count => v.max(0.0).round(),
        KpiUnit::Score => (v * 100.0).round() / 100.0,
        _ => (v.max(0.0) * 10.0).round() / 10.0,
    }
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let today = Utc::now().date_naive();
    let this_month = month_of(today);
    let sites = store.all_sites(program).await?;
    let waves = store.all_waves(program).await?;
    let first_go_live = waves.iter().map(|w| w.go_live).min().unwrap_or(today);
    let last_go_live = waves.iter().map(|w| w.go_live).max().unwrap_or(today);
    let live_month = |site: i64| {
        waves
            .iter()
            .filter(|w| w.site_ids.contains(&site))
            .map(|w| month_of(w.go_live))
            .min()
    };
    let (since, kpis): (i64, Vec<(String, &Kpi)>) = match scale {
        Scale::Small => (
            month_of(first_go_live) - 12,
            SMALL.iter().map(|k| (k.name.to_owned(), k)).collect(),
        ),
        Scale::Large => (
            this_month - 35,
            LINES
                .iter()
                .flat_map(|line| {
                    SMALL
                        .iter()
                        .chain(SMALL.iter().take(2))
                        .enumerate()
                        .map(move |(i, k)| {
                            let extra = if i >= SMALL.len() { " (quarterly)" } else { "" };
                            (format!("{} - {line}{extra}", k.name), k)
                        })
                })
                .collect(),
        ),
    };
    let target_date = NaiveDate::from_ymd_opt(last_go_live.year() + 2, last_go_live.month(), 1)
        .unwrap_or(last_go_live + Duration::days(730));
    let mut rng = SmallRng::seed_from_u64(6);
    let mut rows: Vec<MeasurementRow> = Vec::new();
    let mut written = 0;
    for (name, kpi) in &kpis {
        let concerned: Vec<i64> = sites
            .iter()
            .filter(|s| match (scale, kpi.at) {
                (Scale::Large, _) | (_, Where::Everywhere) => true,
                (_, Where::Hospitals) => s.kind == SiteKind::Hospital,
                (_, Where::Clinics) => s.kind != SiteKind::Hospital,
            })
            .map(|s| s.id)
            .collect();
        let draft = GoalDraft {
            name: Some(name.clone()),
            definition: Some(kpi.definition.into()),
            unit: Some(kpi.unit.code().into()),
            direction: Some(kpi.direction.code().into()),
            baseline_value: Some(kpi.unit.plain(kpi.baseline)),
            baseline_date: Some(first_day(this_month).to_string()),
            target_value: Some(kpi.unit.plain(kpi.target)),
            target_date: Some(target_date.to_string()),
            owner_person_id: None,
            value_per_year: Some(kpi.value.to_string()),
            site_ids: Some(if kpi.at == Where::Everywhere || scale == Scale::Large {
                Vec::new()
            } else {
                concerned.clone()
            }),
        };
        let goal = store
            .create_goal(&change, draft.parse().map_err(anyhow::Error::msg)?)
            .await?;
        for &site in &concerned {
            let live = live_month(site);
            for m in since..=this_month {
                rows.push(MeasurementRow {
                    goal_id: goal.id,
                    spec: MeasurementSpec {
                        site_id: Some(site),
                        period: first_day(m),
                        value: value(kpi, m, live, &mut rng, since),
                    },
                });
            }
        }
        if rows.len() >= MEASUREMENTS_PER_STATEMENT * 20 {
            written += store.insert_measurements_bulk(&change, &rows).await?;
            rows.clear();
        }
    }
    written += store.insert_measurements_bulk(&change, &rows).await?;
    eprintln!(
        "Loaded {} goals and {written} measurements in {:.1?}.",
        kpis.len(),
        started.elapsed()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_dips_at_go_live_then_recovers_to_its_target() {
        let kpi = &SMALL[0];
        let mut rng = SmallRng::seed_from_u64(1);
        let g = 100;
        let before = value(kpi, g - 1, Some(g), &mut rng, g - 12);
        let dip = value(kpi, g, Some(g), &mut rng, g - 12);
        let later = value(kpi, g + 20, Some(g), &mut rng, g - 12);
        assert!(dip < before - 3.0, "dip {dip} below {before}");
        assert!((later - kpi.target).abs() < 1.0, "recovered to {later}");
        let ar = &SMALL[1];
        let creep = value(ar, g - 1, Some(g), &mut rng, g - 13);
        assert!(
            creep > ar.baseline + 1.0,
            "A/R days creep up before go-live: {creep}"
        );
    }
}
