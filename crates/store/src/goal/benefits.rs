//! The benefits dashboard's figures, read from the rollups per goal and month and per goal,
//! wave and month that the database keeps on every write (migrations 0024 and 0025); the
//! program dashboard's goal summary; and the goals' value a day's delay postpones, read for
//! every page header (one small query).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use muster_domain::access::{Actor, Scope, Subject};
use muster_domain::goal::benefits::{GoalSummary, GoalsPostponed, KpiView, MonthPoint};
use muster_domain::goal::{Goal, GoalId};
use muster_domain::money::Cents;
use muster_domain::site::SiteId;
use muster_domain::wave::{Wave, WaveId};
use sea_orm::{ConnectionTrait, QueryResult, Value};

use crate::Store;
use crate::error::StoreResult;
use crate::raw::statement;

/// Which measurements a series averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesOf {
    /// The program-wide measurement, else the mean of every site's.
    Program,
    Site(SiteId),
    Wave(WaveId),
}

/// What the benefits dashboard shows.
#[derive(Debug, Clone)]
pub struct Benefits {
    /// Off-track goals first, then by name.
    pub kpis: Vec<KpiView>,
    /// The waves whose go-live is marked.
    pub waves: Vec<Wave>,
}

fn point(r: &QueryResult) -> StoreResult<(GoalId, Option<MonthPoint>)> {
    let goal_id: i64 = r.try_get("", "goal_id")?;
    let month: i64 = r.try_get("", "month")?;
    let program: Option<f64> = r.try_get("", "program")?;
    let sites: Option<f64> = r.try_get("", "sites")?;
    let n: i64 = r.try_get("", "n")?;
    Ok((goal_id, MonthPoint::from_means(month, program, sites, n)))
}

/// Each goal's figures per month straight from the measurements: for one site's series.
const MONTHLY: &str = "SELECT m.goal_id, m.month, \
     AVG(CASE WHEN m.site_id IS NULL THEN m.value END) AS program, \
     AVG(CASE WHEN m.site_id IS NOT NULL THEN m.value END) AS sites, \
     CAST(COUNT(m.site_id) AS BIGINT) AS n FROM measurement m";

/// The same figures from the `goal_month` rollup, which the database keeps on every write:
/// the program's series without reading a measurement.
const MONTHLY_ROLLUP: &str = "SELECT goal_id, month, \
     CASE WHEN program_n > 0 THEN program_total / program_n END AS program, \
     CASE WHEN sites_n > 0 THEN sites_total / sites_n END AS sites, \
     sites_n AS n FROM goal_month";

/// Each goal's figures per wave and month from the `goal_wave_month` rollup.
const WAVE_ROLLUP: &str = "SELECT goal_id, wave_id, month, \
     CAST(NULL AS DOUBLE PRECISION) AS program, total / n AS sites, n FROM goal_wave_month";

/// The same straight from the measurements, joined to their sites' waves.
const WAVE_MONTHLY: &str = "SELECT m.goal_id, ws.wave_id, m.month, \
     CAST(NULL AS DOUBLE PRECISION) AS program, AVG(m.value) AS sites, \
     CAST(COUNT(*) AS BIGINT) AS n FROM measurement m \
     JOIN wave_site ws ON ws.site_id = m.site_id";

/// The query of a series of `of` (of `goal` alone if given), and its values: a site's
/// series reads its measurements (one index range), the program's and a wave's read the
/// rollups. `per_wave` adds the wave to the grouping.
fn series_query(
    program_id: i64,
    of: SeriesOf,
    goal: Option<GoalId>,
    per_wave: bool,
) -> (String, Vec<Value>) {
    let mut values: Vec<Value> = vec![program_id.into()];
    let (source, raw) = match (of, per_wave) {
        (SeriesOf::Site(_), false) => (MONTHLY, true),
        (SeriesOf::Site(_), true) => (WAVE_MONTHLY, true),
        (SeriesOf::Program, false) => (MONTHLY_ROLLUP, false),
        (SeriesOf::Wave(_), _) | (SeriesOf::Program, true) => (WAVE_ROLLUP, false),
    };
    let prefix = if raw { "m." } else { "" };
    let mut sql = format!("{source} WHERE {prefix}program_id = ?");
    if let Some(id) = goal {
        sql.push_str(&format!(" AND {prefix}goal_id = ?"));
        values.push(id.into());
    }
    match of {
        SeriesOf::Program => {}
        SeriesOf::Site(site) => {
            sql.push_str(" AND m.site_id = ?");
            values.push(site.into());
        }
        SeriesOf::Wave(wave) => {
            sql.push_str(" AND wave_id = ?");
            values.push(wave.into());
        }
    }
    let wave = if per_wave { "wave_id, " } else { "" };
    if raw {
        let grouped = if per_wave { "ws.wave_id, " } else { "" };
        sql.push_str(&format!(" GROUP BY m.goal_id, {grouped}m.month"));
    }
    sql.push_str(&format!(" ORDER BY goal_id, {wave}month"));
    (sql, values)
}

impl Store {
    /// Each goal's monthly figures (or only `goal`'s), oldest first.
    #[tracing::instrument(skip(self))]
    pub async fn goal_months(
        &self,
        program_id: i64,
        of: SeriesOf,
        goal: Option<GoalId>,
    ) -> StoreResult<HashMap<GoalId, Vec<MonthPoint>>> {
        let (sql, values) = series_query(program_id, of, goal, false);
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), &sql, values))
            .await?;
        let mut by_goal: HashMap<GoalId, Vec<MonthPoint>> = HashMap::new();
        for r in &rows {
            if let (goal, Some(p)) = point(r)? {
                by_goal.entry(goal).or_default().push(p);
            }
        }
        Ok(by_goal)
    }

    /// Each goal's monthly figures over each wave's sites: (goal, wave) -> months.
    #[tracing::instrument(skip(self))]
    pub async fn goal_wave_months(
        &self,
        program_id: i64,
        of: SeriesOf,
        goal: Option<GoalId>,
    ) -> StoreResult<HashMap<(GoalId, WaveId), Vec<MonthPoint>>> {
        let (sql, values) = series_query(program_id, of, goal, true);
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), &sql, values))
            .await?;
        let mut out: HashMap<(GoalId, WaveId), Vec<MonthPoint>> = HashMap::new();
        for r in &rows {
            let wave: i64 = r.try_get("", "wave_id")?;
            if let (goal, Some(p)) = point(r)? {
                out.entry((goal, wave)).or_default().push(p);
            }
        }
        Ok(out)
    }

    /// The benefits dashboard: every goal's series (of `of`) against its baseline and
    /// target, with the before and after averages of each wave's go-live. Goals off track
    /// come first. Empty for an actor who may not read goals.
    #[tracing::instrument(skip(self, actor))]
    pub async fn benefits(
        &self,
        actor: &Actor,
        of: SeriesOf,
        today: NaiveDate,
    ) -> StoreResult<Benefits> {
        if actor.read_scope(Subject::Goal) == Scope::Nothing
            || actor.read_scope(Subject::Measurement) == Scope::Nothing
        {
            return Ok(Benefits {
                kpis: Vec::new(),
                waves: Vec::new(),
            });
        }
        let program_id = actor.program_id;
        let goals = self.all_goals(program_id).await?;
        let (mut kpis, waves) = self.views(program_id, goals, of, None, today).await?;
        kpis.sort_by_key(|k| !k.status.is_off_track());
        Ok(Benefits { kpis, waves })
    }

    /// One goal's view, program-wide: its monthly series, status and each wave's before
    /// and after (the goal's page).
    pub async fn goal_view(
        &self,
        program_id: i64,
        goal: Goal,
        today: NaiveDate,
    ) -> StoreResult<KpiView> {
        let id = goal.id;
        let (mut views, _) = self
            .views(program_id, vec![goal], SeriesOf::Program, Some(id), today)
            .await?;
        Ok(views.remove(0))
    }

    async fn views(
        &self,
        program_id: i64,
        goals: Vec<Goal>,
        of: SeriesOf,
        one: Option<GoalId>,
        today: NaiveDate,
    ) -> StoreResult<(Vec<KpiView>, Vec<Wave>)> {
        let all_waves = self.all_waves(program_id).await?;
        let waves: Vec<Wave> = match of {
            SeriesOf::Program => all_waves,
            SeriesOf::Site(site) => all_waves
                .into_iter()
                .filter(|w| w.site_ids.contains(&site))
                .collect(),
            SeriesOf::Wave(id) => all_waves.into_iter().filter(|w| w.id == id).collect(),
        };
        // Two reads of the rollups (or of one site's measurements), side by side.
        let per_wave = async {
            if waves.is_empty() {
                Ok(HashMap::new())
            } else {
                self.goal_wave_months(program_id, of, one).await
            }
        };
        let (mut months, per_wave) =
            tokio::try_join!(self.goal_months(program_id, of, one), per_wave)?;
        let kpis: Vec<KpiView> = goals
            .into_iter()
            .map(|goal| {
                let points = months.remove(&goal.id).unwrap_or_default();
                let marks: Vec<(i64, String, NaiveDate)> = waves
                    .iter()
                    .filter(|w| {
                        goal.site_ids.is_empty()
                            || w.site_ids.iter().any(|s| goal.site_ids.contains(s))
                    })
                    .map(|w| (w.id, w.name.clone(), w.go_live))
                    .collect();
                let id = goal.id;
                let of_wave = |w: WaveId| per_wave.get(&(id, w)).cloned().unwrap_or_default();
                KpiView::build(goal, points, &marks, &of_wave, today)
            })
            .collect();
        Ok((kpis, waves))
    }

    /// The program dashboard's goal panel: goals on track, off track and without data, and
    /// the off-track goals with their latest program-wide figure and target, from each
    /// goal's latest month in the rollup.
    #[tracing::instrument(skip(self, actor))]
    pub async fn goal_summary(&self, actor: &Actor) -> StoreResult<GoalSummary> {
        if actor.read_scope(Subject::Goal) == Scope::Nothing {
            return Ok(GoalSummary::default());
        }
        let program_id = actor.program_id;
        let goals: Vec<Goal> = self.all_goals(program_id).await?;
        // Each goal's latest month in the rollup: 1,800 rows at the large demo's shape.
        let sql = format!(
            "{MONTHLY_ROLLUP} WHERE program_id = ? AND (goal_id, month) IN \
             (SELECT goal_id, MAX(month) FROM goal_month WHERE program_id = ? GROUP BY goal_id)"
        );
        let values = vec![program_id.into(), program_id.into()];
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), &sql, values))
            .await?;
        let mut latest: HashMap<GoalId, (i64, f64)> = HashMap::new();
        for r in &rows {
            if let (goal, Some(p)) = point(r)? {
                latest.insert(goal, (p.month, p.value));
            }
        }
        let with_latest: Vec<(Goal, Option<(i64, f64)>)> = goals
            .into_iter()
            .map(|g| {
                let l = latest.get(&g.id).copied();
                (g, l)
            })
            .collect();
        Ok(GoalSummary::of(&with_latest))
    }

    /// The goals' value a delay postpones on `today` (rule in docs/architecture.md, "Benefit
    /// goals"): goals worth something that concern a site of a wave going live today or
    /// later, or that are program-wide while such a wave remains.
    pub async fn goals_postponed(
        &self,
        program_id: i64,
        today: NaiveDate,
    ) -> StoreResult<GoalsPostponed> {
        let sql = "SELECT CAST(COUNT(*) AS BIGINT) AS goals, \
                   CAST(SUM(g.value_per_year_cents) AS BIGINT) AS per_year FROM goal g \
                   WHERE g.program_id = ? AND g.value_per_year_cents > 0 AND (EXISTS \
                   (SELECT 1 FROM goal_site gs JOIN wave_site ws ON ws.site_id = gs.site_id \
                   JOIN wave w ON w.id = ws.wave_id WHERE gs.goal_id = g.id AND w.go_live >= ?) \
                   OR (NOT EXISTS (SELECT 1 FROM goal_site gs WHERE gs.goal_id = g.id) AND \
                   EXISTS (SELECT 1 FROM wave w WHERE w.program_id = g.program_id AND \
                   w.go_live >= ?)))";
        let row = self
            .db
            .query_one_raw(statement(
                self.backend(),
                sql,
                vec![program_id.into(), today.into(), today.into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(GoalsPostponed::default());
        };
        Ok(GoalsPostponed {
            goals: row.try_get("", "goals")?,
            per_year: Cents(row.try_get::<Option<i64>>("", "per_year")?.unwrap_or(0)),
        })
    }

    /// `goals_postponed` as of today (UTC).
    pub async fn goals_postponed_today(&self, program_id: i64) -> StoreResult<GoalsPostponed> {
        self.goals_postponed(program_id, Utc::now().date_naive())
            .await
    }
}
