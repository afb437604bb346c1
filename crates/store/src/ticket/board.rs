//! The command center's figures: the live board's summary, the daily huddle report and the
//! vendor scorecard. Aggregates run in the database over indexed columns.

use chrono::{DateTime, NaiveDate, Utc};
use muster_domain::support_team::TeamKind;
use muster_domain::ticket::{Priority, Status};
use sea_orm::{FromQueryResult, Value};
use serde::Serialize;

use super::secs;
use crate::Store;
use crate::error::StoreResult;
use crate::raw::{marks, statement};

/// A count under a label.
#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
pub struct Tally {
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourFigures {
    pub hour: DateTime<Utc>,
    pub arrivals: i64,
    pub resolutions: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitingTicket {
    pub id: i64,
    pub number: i64,
    pub summary: String,
    pub priority: String,
    pub site: String,
    pub waited_minutes: i64,
}

/// The live board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub generated_at: DateTime<Utc>,
    pub open: i64,
    pub by_priority: Vec<Tally>,
    pub by_site: Vec<Tally>,
    pub by_team: Vec<Tally>,
    pub by_module: Vec<Tally>,
    /// Open tickets past a response or resolution target right now.
    pub breaching: i64,
    /// Open patient-safety tickets.
    pub patient_safety: i64,
    pub triage_waiting: i64,
    /// Tickets in the triage queue longer than the alarm time.
    pub triage_alarm: i64,
    pub triage_alarm_minutes: i64,
    /// The last 24 hours, oldest first.
    pub hours: Vec<HourFigures>,
    pub oldest: Vec<WaitingTicket>,
    /// Known issues with the most tickets in the last 7 days.
    pub recurring_known_issues: Vec<Tally>,
    /// Workflows or screens named most in the last 7 days.
    pub recurring_workflows: Vec<Tally>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub arrivals: i64,
    pub resolutions: i64,
    /// Open at the end of the day.
    pub backlog: i64,
    pub breaches: i64,
}

/// The daily huddle report: the board now, and each day since go-live.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Huddle {
    pub summary: Summary,
    pub days: Vec<DayFigures>,
}

/// How well a vendor team answers its tickets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorScore {
    pub team_id: i64,
    pub team: String,
    pub organization: String,
    pub tickets: i64,
    pub open: i64,
    pub avg_response_minutes: Option<f64>,
    /// Share of responded tickets answered within target, 0–100.
    pub response_within_sla: Option<f64>,
    pub avg_resolve_minutes: Option<f64>,
    pub resolve_within_sla: Option<f64>,
    /// Share of resolved tickets that were reopened, 0–100.
    pub reopen_rate: Option<f64>,
}

#[derive(FromQueryResult)]
struct Bucket {
    bucket: i64,
    count: i64,
}

#[derive(FromQueryResult)]
struct Count {
    count: i64,
}

fn open_codes() -> Vec<Value> {
    Status::OPEN.iter().map(|s| Value::from(s.code())).collect()
}

impl Store {
    async fn tallies(&self, sql: &str, values: Vec<Value>) -> StoreResult<Vec<Tally>> {
        Ok(
            Tally::find_by_statement(statement(self.backend(), sql, values))
                .all(&self.db)
                .await?,
        )
    }

    async fn count(&self, sql: &str, values: Vec<Value>) -> StoreResult<i64> {
        Ok(
            Count::find_by_statement(statement(self.backend(), sql, values))
                .one(&self.db)
                .await?
                .map_or(0, |c| c.count),
        )
    }

    async fn buckets(&self, sql: &str, values: Vec<Value>) -> StoreResult<Vec<(i64, i64)>> {
        Ok(
            Bucket::find_by_statement(statement(self.backend(), sql, values))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|b| (b.bucket, b.count))
                .collect(),
        )
    }

    /// The live board at `now`.
    #[tracing::instrument(skip(self))]
    pub async fn command_center_summary(
        &self,
        program_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Summary> {
        let settings = self.command_center_settings(program_id).await?;
        let open = marks(Status::OPEN.len());
        let with = |extra: Vec<Value>| {
            let mut v: Vec<Value> = vec![program_id.into()];
            v.extend(open_codes());
            v.extend(extra);
            v
        };
        let where_open = format!("t.program_id = ? AND t.status IN ({open})");
        let by = |join: &str, label: &str| {
            format!(
                "SELECT {label} AS label, COUNT(*) AS count FROM ticket t {join} WHERE {where_open} GROUP BY {label} ORDER BY count DESC, label LIMIT 12"
            )
        };
        let mut by_priority = self.tallies(&by("", "t.priority"), with(vec![])).await?;
        for t in &mut by_priority {
            t.label = Priority::parse(&t.label)
                .map(|p| p.label().to_owned())
                .unwrap_or_else(|_| t.label.clone());
        }
        by_priority.sort_by(|a, b| a.label.cmp(&b.label));
        let by_site = self
            .tallies(
                &by("JOIN site s ON s.id = t.site_id", "s.name"),
                with(vec![]),
            )
            .await?;
        let by_team = self
            .tallies(
                &by("JOIN support_team g ON g.id = t.team_id", "g.name"),
                with(vec![]),
            )
            .await?;
        let by_module = self
            .tallies(
                &by(
                    "LEFT JOIN module m ON m.id = t.module_id",
                    "COALESCE(m.name, 'No module')",
                ),
                with(vec![]),
            )
            .await?;
        let n = secs(now);
        let total = self
            .count(
                &format!("SELECT COUNT(*) AS count FROM ticket t WHERE {where_open}"),
                with(vec![]),
            )
            .await?;
        let breaching = self
            .count(
                &format!("SELECT COUNT(*) AS count FROM ticket t WHERE {where_open} AND t.paused_at IS NULL \
                          AND (t.resolve_due_at < ? OR (t.responded_at IS NULL AND t.response_due_at < ?))"),
                with(vec![n.into(), n.into()]),
            )
            .await?;
        let safety = self
            .count(&format!("SELECT COUNT(*) AS count FROM ticket t WHERE {where_open} AND t.patient_safety = ?"), with(vec![true.into()]))
            .await?;
        let triage_sql = format!(
            "SELECT COUNT(*) AS count FROM ticket t JOIN support_team g ON g.id = t.team_id \
             WHERE {where_open} AND g.kind = ? AND t.team_since_at < ?"
        );
        let triage_kind: Value = TeamKind::Triage.code().into();
        let triage_waiting = self
            .count(&triage_sql, with(vec![triage_kind.clone(), (n + 1).into()]))
            .await?;
        let alarm_since = n - settings.triage_alarm_minutes * 60;
        let triage_alarm = self
            .count(&triage_sql, with(vec![triage_kind, alarm_since.into()]))
            .await?;

        let since = (n / 3600 - 23) * 3600;
        let arrivals = self
            .buckets("SELECT opened_at / 3600 AS bucket, COUNT(*) AS count FROM ticket WHERE program_id = ? AND opened_at >= ? GROUP BY opened_at / 3600", vec![program_id.into(), since.into()])
            .await?;
        let resolutions = self
            .buckets("SELECT resolved_at / 3600 AS bucket, COUNT(*) AS count FROM ticket WHERE program_id = ? AND resolved_at >= ? GROUP BY resolved_at / 3600", vec![program_id.into(), since.into()])
            .await?;
        let find =
            |list: &[(i64, i64)], b: i64| list.iter().find(|(k, _)| *k == b).map_or(0, |(_, c)| *c);
        let hours = (0..24)
            .map(|i| {
                let b = since / 3600 + i;
                HourFigures {
                    hour: super::at(b * 3600),
                    arrivals: find(&arrivals, b),
                    resolutions: find(&resolutions, b),
                }
            })
            .collect();

        #[derive(FromQueryResult)]
        struct Oldest {
            id: i64,
            number: i64,
            summary: String,
            priority: String,
            site: String,
            opened_at: i64,
        }
        let oldest = Oldest::find_by_statement(statement(
            self.backend(),
            &format!("SELECT t.id AS id, t.number AS number, t.summary AS summary, t.priority AS priority, s.name AS site, t.opened_at AS opened_at \
                      FROM ticket t JOIN site s ON s.id = t.site_id WHERE {where_open} AND t.paused_at IS NULL ORDER BY t.opened_at, t.id LIMIT 5"),
            with(vec![]),
        ))
        .all(&self.db)
        .await?
        .into_iter()
        .map(|o| WaitingTicket {
            id: o.id,
            number: o.number,
            summary: o.summary,
            priority: Priority::parse(&o.priority).map(|p| p.label().to_owned()).unwrap_or(o.priority),
            site: o.site,
            waited_minutes: (n - o.opened_at) / 60,
        })
        .collect();

        let week: Value = (n - 7 * 86_400).into();
        let recurring_known_issues = self
            .tallies(
                "SELECT k.title AS label, COUNT(*) AS count FROM ticket t JOIN known_issue k ON k.id = t.known_issue_id \
                 WHERE t.program_id = ? AND t.opened_at >= ? GROUP BY k.title ORDER BY count DESC, label LIMIT 5",
                vec![program_id.into(), week.clone()],
            )
            .await?;
        let recurring_workflows = self
            .tallies(
                "SELECT LOWER(t.workflow) AS label, COUNT(*) AS count FROM ticket t \
                 WHERE t.program_id = ? AND t.opened_at >= ? AND t.workflow IS NOT NULL AND t.status <> 'merged' \
                 GROUP BY LOWER(t.workflow) ORDER BY count DESC, label LIMIT 5",
                vec![program_id.into(), week],
            )
            .await?;
        Ok(Summary {
            generated_at: now,
            open: total,
            by_priority,
            by_site,
            by_team,
            by_module,
            breaching,
            patient_safety: safety,
            triage_waiting,
            triage_alarm,
            triage_alarm_minutes: settings.triage_alarm_minutes,
            hours,
            oldest,
            recurring_known_issues,
            recurring_workflows,
        })
    }

    /// The huddle report: the board now and one row per day since the first ticket.
    #[tracing::instrument(skip(self))]
    pub async fn huddle(&self, program_id: i64, now: DateTime<Utc>) -> StoreResult<Huddle> {
        let summary = self.command_center_summary(program_id, now).await?;
        let per_day = |column: &str, extra: &str| {
            format!(
                "SELECT {column} / 86400 AS bucket, COUNT(*) AS count FROM ticket WHERE program_id = ? AND {column} IS NOT NULL {extra} GROUP BY {column} / 86400"
            )
        };
        let p: Vec<Value> = vec![program_id.into()];
        let arrivals = self.buckets(&per_day("opened_at", ""), p.clone()).await?;
        let resolutions = self.buckets(&per_day("resolved_at", ""), p.clone()).await?;
        let merged = self
            .buckets(&per_day("closed_at", "AND status = 'merged'"), p.clone())
            .await?;
        let breaches = self
            .buckets(&per_day("resolve_due_at", "AND resolve_breached = TRUE"), p)
            .await?;
        let Some(first) = arrivals.iter().map(|(d, _)| *d).min() else {
            return Ok(Huddle {
                summary,
                days: Vec::new(),
            });
        };
        let last = secs(now) / 86_400;
        let find =
            |list: &[(i64, i64)], d: i64| list.iter().find(|(k, _)| *k == d).map_or(0, |(_, c)| *c);
        let mut backlog = 0;
        let days = (first..=last)
            .map(|d| {
                let arrived = find(&arrivals, d);
                let resolved = find(&resolutions, d);
                backlog += arrived - resolved - find(&merged, d);
                DayFigures {
                    day: super::at(d * 86_400).date_naive(),
                    arrivals: arrived,
                    resolutions: resolved,
                    backlog: backlog.max(0),
                    breaches: find(&breaches, d),
                }
            })
            .collect();
        Ok(Huddle { summary, days })
    }

    /// One row per vendor team: response and resolution times against the SLA, reopen rate.
    #[tracing::instrument(skip(self))]
    pub async fn vendor_scorecard(&self, program_id: i64) -> StoreResult<Vec<VendorScore>> {
        #[derive(FromQueryResult)]
        struct Row {
            team_id: i64,
            team: String,
            organization: Option<String>,
            tickets: i64,
            open: i64,
            responded: i64,
            response_met: i64,
            avg_response: Option<f64>,
            resolved: i64,
            resolve_met: i64,
            avg_resolve: Option<f64>,
            reopened: i64,
        }
        let open = marks(Status::OPEN.len());
        let sql = format!(
            "SELECT g.id AS team_id, g.name AS team, g.organization AS organization, COUNT(t.id) AS tickets, \
             SUM(CASE WHEN t.status IN ({open}) THEN 1 ELSE 0 END) AS open, \
             SUM(CASE WHEN t.responded_at IS NOT NULL THEN 1 ELSE 0 END) AS responded, \
             SUM(CASE WHEN t.responded_at IS NOT NULL AND t.response_breached = FALSE THEN 1 ELSE 0 END) AS response_met, \
             CAST(AVG(t.responded_at - t.opened_at) AS DOUBLE PRECISION) / 60.0 AS avg_response, \
             SUM(CASE WHEN t.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved, \
             SUM(CASE WHEN t.resolved_at IS NOT NULL AND t.resolve_breached = FALSE THEN 1 ELSE 0 END) AS resolve_met, \
             CAST(AVG(t.resolved_at - t.opened_at) AS DOUBLE PRECISION) / 60.0 AS avg_resolve, \
             SUM(CASE WHEN t.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened \
             FROM support_team g LEFT JOIN ticket t ON t.team_id = g.id \
             WHERE g.program_id = ? AND g.kind = ? GROUP BY g.id, g.name, g.organization ORDER BY g.name"
        );
        let mut values = open_codes();
        values.push(program_id.into());
        values.push(TeamKind::Vendor.code().into());
        let rows = Row::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let share = |part: i64, whole: i64| (whole > 0).then(|| part as f64 * 100.0 / whole as f64);
        Ok(rows
            .into_iter()
            .map(|r| VendorScore {
                team_id: r.team_id,
                team: r.team,
                organization: r.organization.unwrap_or_default(),
                tickets: r.tickets,
                open: r.open,
                avg_response_minutes: r.avg_response,
                response_within_sla: share(r.response_met, r.responded),
                avg_resolve_minutes: r.avg_resolve,
                resolve_within_sla: share(r.resolve_met, r.resolved),
                reopen_rate: share(r.reopened, r.resolved),
            })
            .collect())
    }
}
