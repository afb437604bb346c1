//! The training forecast's figures: per site of a wave, how many active people need
//! training for its go-live (its modules' curricula, `training::requirement`), how many have
//! completed it, and how many had by the start of the pace window. One grouped query per
//! wave over people and their `training_status` row (and, for a go-live's modules, the
//! complete people's progress rows for the day they completed the set), so its cost follows
//! sites and people, never the completion rows; the projection is the domain's `forecast`.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use muster_domain::access::Scope;
use muster_domain::readiness::forecast::{Progress, SiteForecast, WINDOW_DAYS, forecast};
use muster_domain::wave::WaveId;
use sea_orm::{FromQueryResult, Value};

use super::progress::people_in_scope;
use super::requirement::Required;
use crate::Store;
use crate::error::StoreResult;
use crate::raw::statement;

#[derive(FromQueryResult)]
struct Going {
    wave_id: i64,
    wave: String,
    go_live: NaiveDate,
    site_id: i64,
    site: String,
}

#[derive(FromQueryResult)]
struct Tally {
    site_id: i64,
    required: i64,
    complete: Option<i64>,
    complete_before: Option<i64>,
}

impl Store {
    /// Each site of `wave_id` (or of every wave) that `scope` reaches, by go-live then
    /// site name, with its completion projected to go-live at the pace of the last
    /// `WINDOW_DAYS` days, against `threshold_percent`.
    #[tracing::instrument(skip(self))]
    pub async fn training_forecast(
        &self,
        program_id: i64,
        scope: &Scope,
        wave_id: Option<WaveId>,
        today: NaiveDate,
        threshold_percent: f64,
    ) -> StoreResult<Vec<SiteForecast>> {
        // Figures per site: a scope of one's own records reaches none.
        if matches!(scope, Scope::Own(_)) {
            return Ok(Vec::new());
        }
        let Some((scoped, scope_values)) = people_in_scope(scope) else {
            return Ok(Vec::new());
        };
        let scoped_sites = scoped.replace("p.site_id", "ws.site_id");
        let wave = if wave_id.is_some() {
            " AND w.id = ?"
        } else {
            ""
        };
        let mut values: Vec<Value> = vec![program_id.into()];
        values.extend(wave_id.map(Value::from));
        values.extend(scope_values.clone());
        let sql = format!(
            "SELECT w.id AS wave_id, w.name AS wave, w.go_live AS go_live, s.id AS site_id, \
             s.name AS site FROM wave w JOIN wave_site ws ON ws.wave_id = w.id \
             JOIN site s ON s.id = ws.site_id WHERE w.program_id = ?{wave}{scoped_sites} \
             ORDER BY w.go_live, w.name, s.name, s.id"
        );
        let going = Going::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        if going.is_empty() {
            return Ok(Vec::new());
        }
        let window_start = today - Days::new(WINDOW_DAYS);
        // Each wave's sites under its own go-live's requirement, as its scorecard counts.
        let mut waves: Vec<WaveId> = going.iter().map(|g| g.wave_id).collect();
        waves.sort_unstable();
        waves.dedup();
        let mut tallies: HashMap<(WaveId, i64), Tally> = HashMap::new();
        for wave in waves {
            let requirement = self.go_live_requirement(program_id, Some(wave)).await?;
            let required = Required::of(&requirement);
            let (complete, completed_on) = (&required.complete, &required.completed_on);
            let mut values: Vec<Value> = vec![
                window_start.into(),
                program_id.into(),
                program_id.into(),
                true.into(),
                wave.into(),
            ];
            values.extend(scope_values.clone());
            let sql = format!(
                "SELECT p.site_id AS site_id, CAST(COUNT(*) AS BIGINT) AS required, \
                 CAST(SUM(CASE WHEN {complete} THEN 1 ELSE 0 END) AS BIGINT) AS complete, \
                 CAST(SUM(CASE WHEN {complete} AND {completed_on} <= ? \
                   THEN 1 ELSE 0 END) AS BIGINT) AS complete_before \
                 FROM person p JOIN {} ON r.job_role = p.job_role \
                 LEFT JOIN training_status t ON t.person_id = p.id \
                 WHERE p.program_id = ? AND p.active = ? AND p.site_id IN (SELECT ws.site_id \
                   FROM wave_site ws WHERE ws.wave_id = ?){scoped} \
                 GROUP BY p.site_id",
                required.role_curricula
            );
            // The window's start comes first in the SQL, before the role table's program.
            for tally in Tally::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
            {
                tallies.insert((wave, tally.site_id), tally);
            }
        }
        Ok(going
            .into_iter()
            .map(|g| {
                let t = tallies.get(&(g.wave_id, g.site_id));
                let (required, complete, before) = t.map_or((0, 0, 0), |t| {
                    (
                        t.required,
                        t.complete.unwrap_or(0),
                        t.complete_before.unwrap_or(0),
                    )
                });
                let history = [
                    Progress {
                        day: window_start,
                        complete: before,
                    },
                    Progress {
                        day: today,
                        complete,
                    },
                ];
                SiteForecast {
                    wave_id: g.wave_id,
                    wave: g.wave,
                    go_live: g.go_live,
                    site_id: g.site_id,
                    site: g.site,
                    forecast: forecast(&history, required, today, g.go_live, threshold_percent),
                }
            })
            .collect())
    }
}
