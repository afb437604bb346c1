//! Waves against the plan: each wave's go-live forecast, scale index, milestones and driving
//! path, read from the kept schedule (`Store::plan_schedule`), so the waves page costs a
//! pass over the kept plan and two index-only counts of people, never a rescheduling.

use std::collections::HashMap;

use chrono::NaiveDate;
use muster_domain::plan::cost::CostOfDelay;
use muster_domain::plan::outlook::{
    ScheduledPlan, WaveOutlook, WaveOutlooks, milestones_by_wave, outlook,
};
use muster_domain::site::SiteId;
use muster_domain::wave::WaveId;
use muster_domain::wave::scale::SiteHeadcount;
use sea_orm::{FromQueryResult, Value};

use super::schedule::PlanSchedule;
use crate::Store;
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};

#[derive(FromQueryResult)]
struct SiteCount {
    site_id: Option<i64>,
    n: i64,
}

impl Store {
    /// Each site's people as the scale index counts them: active people on the roster (all
    /// people per site from a site-first index (`ix_person_site_role_name` on SQLite,
    /// `ix_person_site_name` on PostgreSQL), less the inactive from
    /// `ix_person_inactive_site`), with the site's expected users. `sites` limits it.
    #[tracing::instrument(skip(self))]
    pub async fn site_headcounts(
        &self,
        program_id: i64,
        sites: Option<&[SiteId]>,
    ) -> StoreResult<HashMap<SiteId, SiteHeadcount>> {
        let mut out: HashMap<SiteId, SiteHeadcount> = self
            .all_sites(program_id)
            .await?
            .into_iter()
            .filter(|s| sites.is_none_or(|only| only.contains(&s.id)))
            .map(|s| {
                (
                    s.id,
                    SiteHeadcount {
                        site_id: s.id,
                        name: s.name,
                        roster: 0,
                        expected_users: s.expected_users,
                    },
                )
            })
            .collect();
        if sites.is_some_and(<[SiteId]>::is_empty) {
            return Ok(out);
        }
        let (only, only_values) = match sites {
            Some(ids) => (
                format!(" AND site_id IN ({})", marks(ids.len())),
                ids.iter().map(|&s| Value::from(s)).collect(),
            ),
            None => (String::new(), Vec::new()),
        };
        for (inactive, sign) in [("", 1), (" AND active = FALSE", -1)] {
            // FALSE written out: the partial index's condition must appear as such.
            let sql = format!(
                "SELECT site_id, CAST(COUNT(*) AS BIGINT) AS n FROM person \
                 WHERE program_id = ?{inactive}{only} GROUP BY site_id"
            );
            let mut values: Vec<Value> = vec![program_id.into()];
            values.extend(only_values.iter().cloned());
            let counts = SiteCount::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?;
            for c in counts {
                if let Some(site) = c.site_id.and_then(|s| out.get_mut(&s)) {
                    site.roster += sign * c.n;
                }
            }
        }
        Ok(out)
    }

    /// Every wave against the plan as scheduled for `today`.
    #[tracing::instrument(skip(self))]
    pub async fn wave_outlooks(
        &self,
        program_id: i64,
        today: NaiveDate,
    ) -> StoreResult<WaveOutlooks> {
        let plan = self.plan_schedule(program_id, today).await?;
        let waves = self.all_waves(program_id).await?;
        let headcounts = self.site_headcounts(program_id, None).await?;
        let milestones = milestones_by_wave(&plan.tasks, &plan.outline.summary);
        let cost = self.cost_of_delay(program_id).await?;
        let out = outlooks_of(&plan, &waves, &milestones, &headcounts)
            .into_iter()
            .map(|o| priced(o, &cost))
            .collect();
        Ok(WaveOutlooks {
            status_date: plan.status_date,
            finish: plan.finish,
            revision: plan.settings.revision,
            error: plan.error.clone(),
            waves: out,
        })
    }

    /// One wave against the plan: its forecast, scale index, milestones and driving path.
    #[tracing::instrument(skip(self))]
    pub async fn wave_outlook(
        &self,
        program_id: i64,
        wave_id: WaveId,
        today: NaiveDate,
    ) -> StoreResult<WaveOutlook> {
        let wave = self.wave(program_id, wave_id).await?;
        let plan = self.plan_schedule(program_id, today).await?;
        let headcounts = self
            .site_headcounts(program_id, Some(&wave.site_ids))
            .await?;
        let milestones = milestones_by_wave(&plan.tasks, &plan.outline.summary);
        let cost = self.cost_of_delay(program_id).await?;
        outlooks_of(&plan, std::slice::from_ref(&wave), &milestones, &headcounts)
            .pop()
            .map(|o| priced(o, &cost))
            .ok_or_else(|| StoreError::not_found("wave", wave_id))
    }
}

/// A late go-live priced at the cost of a day's delay, once that cost is entered.
fn priced(mut outlook: WaveOutlook, cost: &CostOfDelay) -> WaveOutlook {
    if outlook.go_live.slip_calendar_days > 0 && cost.per_day.0 > 0 {
        outlook.go_live = outlook.go_live.with_cost(cost);
    }
    outlook
}

impl PlanSchedule {
    /// The kept plan as the outlook reads it.
    pub fn scheduled_plan<'a>(
        &'a self,
        working_days: &'a dyn Fn(NaiveDate, NaiveDate) -> i64,
    ) -> ScheduledPlan<'a> {
        ScheduledPlan {
            tasks: &self.tasks,
            dates: &self.dates,
            go_lives: self.go_lives(),
            finish: self.finish,
            working_days,
        }
    }
}

fn outlooks_of(
    plan: &PlanSchedule,
    waves: &[muster_domain::wave::Wave],
    milestones: &HashMap<WaveId, Vec<usize>>,
    headcounts: &HashMap<SiteId, SiteHeadcount>,
) -> Vec<WaveOutlook> {
    let working_days = |a, b| plan.working_days(a, b);
    let scheduled = plan.scheduled_plan(&working_days);
    let links = plan.plan_dates();
    waves
        .iter()
        .map(|w| {
            let own = milestones.get(&w.id).map(Vec::as_slice).unwrap_or_default();
            outlook(w, &scheduled, &links, own, headcounts)
        })
        .collect()
}
