//! A wave's live scorecard. Each measure is one aggregate query over the wave's sites
//! (training and proficiency from the per-person status rows, open P1/P2 tickets from the
//! ticket index by site and status, the latest attestations; the plan's milestones from
//! the schedule kept in memory), so its cost follows sites and criteria, never the number
//! of completions or tickets behind them.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::plan::outlook::{milestones_by_wave, milestones_on_track, timeline};
use muster_domain::readiness::Measure;
use muster_domain::readiness::scorecard::{Scorecard, SiteFigures, site_card, training_figures};
use muster_domain::site::SiteId;
use muster_domain::ticket::{Priority, Status};
use muster_domain::wave::Wave;
use sea_orm::{FromQueryResult, Value};

use crate::Store;
use crate::error::StoreResult;
use crate::raw::{marks, statement};

#[derive(FromQueryResult)]
struct SiteCount {
    site_id: i64,
    n: i64,
}

/// Champion coverage per site: the percent of its unit x shift cells (those with end
/// users) that meet the program's target. A site with no such cell is not rated.
async fn champion_coverage(store: &Store, program_id: i64) -> StoreResult<HashMap<i64, f64>> {
    Ok(store
        .champion_coverage_by_site(program_id)
        .await?
        .into_iter()
        .filter(|c| c.cells > 0)
        .map(|c| (c.site_id, c.cells_met as f64 * 100.0 / c.cells as f64))
        .collect())
}

/// Each site's plan milestones on track in `wave`, percent (`milestones_on_track`), from
/// the plan as scheduled today (kept in memory: `Store::plan_schedule`). Nothing when the
/// plan cannot be scheduled: its dates mean nothing then.
async fn plan_milestones(
    store: &Store,
    program_id: i64,
    wave: &Wave,
) -> StoreResult<HashMap<SiteId, f64>> {
    let plan = store
        .plan_schedule(program_id, Utc::now().date_naive())
        .await?;
    if plan.error.is_some() {
        return Ok(HashMap::new());
    }
    let by_wave = milestones_by_wave(&plan.tasks, &plan.outline.summary);
    let working = |from, to| plan.working_days(from, to);
    let line = timeline(
        wave,
        &plan.scheduled_plan(&working),
        by_wave.get(&wave.id).map_or(&[], Vec::as_slice),
    );
    Ok(wave
        .site_ids
        .iter()
        .filter_map(|&site| milestones_on_track(&line, site).map(|p| (site, p)))
        .collect())
}

impl Store {
    /// The live scorecard of wave `wave_id`: every site of the wave on every active
    /// criterion.
    #[tracing::instrument(skip(self))]
    pub async fn scorecard(&self, program_id: i64, wave_id: i64) -> StoreResult<Scorecard> {
        let wave = self.wave(program_id, wave_id).await?;
        let criteria = self.active_criteria(program_id).await?;
        let uses = |m: Measure| criteria.iter().any(|c| c.measure == m);
        let site_ids = wave.site_ids.clone();
        let mut figures: HashMap<SiteId, SiteFigures> = site_ids
            .iter()
            .map(|&s| (s, SiteFigures::default()))
            .collect();
        // The training measures count the curricula of the modules this go-live brings
        // live, as its provisioning list does.
        let requirement = self.go_live_requirement(program_id, Some(wave_id)).await?;
        if uses(Measure::TrainingCompletion) || uses(Measure::ProficiencyPassRate) {
            let cells = self
                .completion_by_site_and_role(
                    program_id,
                    &Scope::Sites(site_ids.clone()),
                    &requirement,
                )
                .await?;
            for (site, (training, proficiency)) in training_figures(&cells) {
                if let Some(f) = figures.get_mut(&site) {
                    f.training = training;
                    f.proficiency = proficiency;
                }
            }
        }
        if uses(Measure::OpenCriticalTickets) {
            for (site, n) in self.open_critical_tickets(program_id, &site_ids).await? {
                if let Some(f) = figures.get_mut(&site) {
                    f.open_critical_tickets = n;
                }
            }
        }
        if uses(Measure::ChampionCoverage) {
            for (site, percent) in champion_coverage(self, program_id).await? {
                if let Some(f) = figures.get_mut(&site) {
                    f.champion_coverage = Some(percent);
                }
            }
        }
        if uses(Measure::PlanMilestones) {
            for (site, percent) in plan_milestones(self, program_id, &wave).await? {
                if let Some(f) = figures.get_mut(&site) {
                    f.plan_milestones = Some(percent);
                }
            }
        }
        if uses(Measure::Attested) {
            for (site, attested) in self.latest_attestations(program_id, &site_ids).await? {
                if let Some(f) = figures.get_mut(&site) {
                    f.attested = attested;
                }
            }
        }
        let mut sites = self.all_sites(program_id).await?;
        sites.retain(|s| site_ids.contains(&s.id));
        let cards = sites
            .into_iter()
            .map(|s| {
                let f = figures.remove(&s.id).unwrap_or_default();
                site_card(&criteria, s.id, s.name, &f)
            })
            .collect();
        Ok(Scorecard {
            wave_id: wave.id,
            wave_name: wave.name,
            go_live: wave.go_live,
            computed_at: Utc::now(),
            criteria,
            required_modules: requirement.modules().to_vec(),
            sites: cards,
        })
    }

    /// Open P1 and P2 tickets per site.
    async fn open_critical_tickets(
        &self,
        program_id: i64,
        site_ids: &[SiteId],
    ) -> StoreResult<Vec<(SiteId, i64)>> {
        if site_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT site_id, CAST(COUNT(*) AS BIGINT) AS n FROM ticket \
             WHERE program_id = ? AND site_id IN ({}) AND status IN ({}) AND priority IN (?, ?) \
             GROUP BY site_id",
            marks(site_ids.len()),
            marks(Status::OPEN.len())
        );
        let mut values: Vec<Value> = vec![program_id.into()];
        values.extend(site_ids.iter().map(|&s| Value::from(s)));
        values.extend(Status::OPEN.iter().map(|s| Value::from(s.code())));
        values.extend([Priority::P1.code().into(), Priority::P2.code().into()]);
        let rows = SiteCount::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.site_id, r.n)).collect())
    }
}
