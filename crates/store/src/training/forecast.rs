//! The training forecast's figures: per site of a wave, how many active people need
//! training, how many have completed it, and how many had by the start of the pace window.
//! One grouped query over people and their `training_status` row, so its cost follows
//! sites and people, never the completion rows; the projection is the domain's `forecast`.

use chrono::{Days, NaiveDate};
use muster_domain::access::Scope;
use muster_domain::readiness::forecast::{Progress, SiteForecast, WINDOW_DAYS, forecast};
use muster_domain::wave::WaveId;
use sea_orm::{FromQueryResult, Value};

use super::progress::{ROLE_CURRICULA, people_in_scope};
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
        let mut values: Vec<Value> = vec![
            window_start.into(),
            program_id.into(),
            program_id.into(),
            true.into(),
            program_id.into(),
        ];
        values.extend(wave_id.map(Value::from));
        values.extend(scope_values);
        let wave = if wave_id.is_some() {
            " AND ws.wave_id = ?"
        } else {
            ""
        };
        let sql = format!(
            "SELECT p.site_id AS site_id, CAST(COUNT(*) AS BIGINT) AS required, \
             CAST(SUM(CASE WHEN COALESCE(t.complete, 0) >= r.n THEN 1 ELSE 0 END) AS BIGINT) \
               AS complete, \
             CAST(SUM(CASE WHEN COALESCE(t.complete, 0) >= r.n AND t.last_completed_on <= ? \
               THEN 1 ELSE 0 END) AS BIGINT) AS complete_before \
             FROM person p JOIN {ROLE_CURRICULA} ON r.job_role = p.job_role \
             LEFT JOIN training_status t ON t.person_id = p.id \
             WHERE p.program_id = ? AND p.active = ? AND p.site_id IN (SELECT ws.site_id \
               FROM wave_site ws WHERE ws.program_id = ?{wave}){scoped} \
             GROUP BY p.site_id"
        );
        // The window's start comes first in the SQL, before ROLE_CURRICULA's program.
        let tallies = Tally::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        Ok(going
            .into_iter()
            .map(|g| {
                let t = tallies.iter().find(|t| t.site_id == g.site_id);
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
