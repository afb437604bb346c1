//! The provisioning list ("no training, no access"): the people of a site or a wave's
//! sites, each ready for EHR access or not and why. It follows people: each person's one
//! `training_status` row decides the status under the go-live's requirement
//! (`training::requirement`). Only the not-ready people of a page are looked at course by
//! course, so its cost never follows the completion table.

use std::collections::HashMap;

use muster_domain::access::Scope;
use muster_domain::paging::Cursor;
use muster_domain::person::{JobRole, PersonId};
use muster_domain::provisioning::{
    CurriculumStanding, ProvisioningCounts, ProvisioningEntry, ProvisioningStatus, Requirement,
    Scored, blockers,
};
use muster_domain::site::SiteId;
use muster_domain::wave::WaveId;
use sea_orm::{FromQueryResult, Value};

use crate::Store;
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};
use crate::training::progress::people_in_scope;
use crate::training::requirement::Required;

/// Which people the list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvisioningFilter {
    pub site_id: Option<SiteId>,
    /// The sites going live in this wave.
    pub wave_id: Option<WaveId>,
    pub status: Option<ProvisioningStatus>,
    pub job_role: Option<JobRole>,
}

/// A page of the list, by name.
#[derive(Debug, Clone)]
pub struct ProvisioningPage {
    pub items: Vec<ProvisioningEntry>,
    pub next_cursor: Option<Cursor>,
}

/// Whether person `p` is ready under `required`: active, their role requires curricula,
/// and they have completed and passed every one.
fn ready(required: &Required) -> String {
    format!(
        "(p.active = TRUE AND COALESCE(r.n, 0) > 0 AND {})",
        required.proficient
    )
}

/// The people `filter` and `scope` select (aliases p, r and t), leaving out
/// the status filter unless `with_status`; `None` when the scope reaches nobody.
fn people(
    program_id: i64,
    scope: &Scope,
    filter: &ProvisioningFilter,
    required: &Required,
    with_status: bool,
) -> Option<(String, Vec<Value>)> {
    let (scoped, scope_values) = people_in_scope(scope)?;
    let mut sql = format!(
        "FROM person p LEFT JOIN {} ON r.job_role = p.job_role \
         LEFT JOIN training_status t ON t.person_id = p.id WHERE p.program_id = ?{scoped}",
        required.role_curricula
    );
    let mut values: Vec<Value> = vec![program_id.into(), program_id.into()];
    values.extend(scope_values);
    if let Some(site) = filter.site_id {
        sql.push_str(" AND p.site_id = ?");
        values.push(site.into());
    }
    if let Some(wave) = filter.wave_id {
        sql.push_str(
            " AND p.site_id IN (SELECT ws.site_id FROM wave_site ws WHERE ws.wave_id = ? \
             AND ws.program_id = ?)",
        );
        values.extend([wave.into(), program_id.into()]);
    }
    if let Some(role) = filter.job_role {
        sql.push_str(" AND p.job_role = ?");
        values.push(role.code().into());
    }
    let ready = ready(required);
    match filter.status {
        Some(ProvisioningStatus::Ready) if with_status => sql.push_str(&format!(" AND {ready}")),
        Some(ProvisioningStatus::NotReady) if with_status => {
            sql.push_str(&format!(" AND NOT {ready}"))
        }
        _ => {}
    }
    Some((sql, values))
}

#[derive(FromQueryResult)]
struct CountRow {
    people: i64,
    ready: Option<i64>,
    inactive: Option<i64>,
}

#[derive(FromQueryResult)]
struct EntryRow {
    id: i64,
    employee_id: Option<String>,
    name: String,
    email: String,
    site_id: Option<i64>,
    site: Option<String>,
    unit: Option<String>,
    job_role: String,
    active: bool,
    ready: i64,
}

#[derive(FromQueryResult)]
struct StandingRow {
    person_id: i64,
    curriculum_id: i64,
    curriculum: String,
    module_id: i64,
    passed: bool,
    score: Option<i64>,
    pass_mark: Option<i64>,
}

#[derive(FromQueryResult)]
struct MissingRow {
    person_id: i64,
    curriculum_id: i64,
    title: String,
}

impl Store {
    /// How many people the filter selects, and how many are ready under `requirement` (the
    /// filter's wave's, `go_live_requirement`), not ready and inactive (the status
    /// filter does not apply: the figures are the list's context).
    #[tracing::instrument(skip(self))]
    pub async fn provisioning_counts(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &ProvisioningFilter,
        requirement: &Requirement,
    ) -> StoreResult<ProvisioningCounts> {
        let required = Required::of(requirement);
        let Some((from, values)) = people(program_id, scope, filter, &required, false) else {
            return Ok(ProvisioningCounts::default());
        };
        let ready = ready(&required);
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS people, \
             CAST(SUM(CASE WHEN {ready} THEN 1 ELSE 0 END) AS BIGINT) AS ready, \
             CAST(SUM(CASE WHEN p.active = TRUE THEN 0 ELSE 1 END) AS BIGINT) AS inactive {from}"
        );
        let row = CountRow::find_by_statement(statement(self.backend(), &sql, values))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a count returned no row".into()))?;
        let people = row.people as u64;
        let ready = row.ready.unwrap_or(0) as u64;
        Ok(ProvisioningCounts {
            people,
            ready,
            not_ready: people - ready,
            inactive: row.inactive.unwrap_or(0) as u64,
        })
    }

    /// A page of the list by name after `after`, each not-ready person under `requirement`
    /// (the filter's wave's) with their reasons.
    /// Costs an index probe or two per person, and per required course of the not-ready
    /// ones.
    #[tracing::instrument(skip(self))]
    pub async fn provisioning_page(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &ProvisioningFilter,
        requirement: &Requirement,
        after: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<ProvisioningPage> {
        let required = Required::of(requirement);
        let Some((from, mut values)) = people(program_id, scope, filter, &required, true) else {
            return Ok(ProvisioningPage {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let mut sql = format!(
            "SELECT p.id AS id, p.employee_id AS employee_id, p.name AS name, p.email AS email, \
             p.site_id AS site_id, (SELECT s.name FROM site s WHERE s.id = p.site_id) AS site, \
             (SELECT u.name FROM unit u WHERE u.id = p.unit_id) AS unit, \
             p.job_role AS job_role, p.active AS active, \
             CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS ready {from}",
            ready(&required)
        );
        if let Some(c) = after {
            sql.push_str(" AND (p.name > ? OR (p.name = ? AND p.id > ?))");
            values.extend([c.key.clone().into(), c.key.clone().into(), c.id.into()]);
        }
        sql.push_str(&format!(" ORDER BY p.name, p.id LIMIT {}", limit + 1));
        let mut rows = EntryRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let next_cursor = (rows.len() as u64 > limit).then(|| {
            rows.truncate(limit as usize);
            let last = rows.last().expect("a full page");
            Cursor {
                key: last.name.clone(),
                id: last.id,
            }
        });
        let behind: Vec<PersonId> = rows
            .iter()
            .filter(|r| r.active && r.ready == 0)
            .map(|r| r.id)
            .collect();
        let mut standings = self.standings(&behind).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let job_role = JobRole::parse(&r.job_role).map_err(StoreError::Corrupt)?;
                let curricula = standings.remove(&r.id).unwrap_or_default();
                let reasons: Vec<String> = if r.ready == 1 {
                    Vec::new()
                } else {
                    blockers(r.active, job_role, requirement, &curricula)
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                };
                Ok(ProvisioningEntry {
                    person_id: r.id,
                    employee_id: r.employee_id,
                    name: r.name,
                    email: r.email,
                    site_id: r.site_id,
                    site: r.site,
                    unit: r.unit,
                    job_role,
                    active: r.active,
                    status: if r.ready == 1 {
                        ProvisioningStatus::Ready
                    } else {
                        ProvisioningStatus::NotReady
                    },
                    reasons,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ProvisioningPage { items, next_cursor })
    }

    /// Each person's standing in every curriculum of their role, by curriculum name: the
    /// latest assessment and the required courses they have not completed. Which of them
    /// a list requires is the domain's `blockers` to say.
    async fn standings(
        &self,
        ids: &[PersonId],
    ) -> StoreResult<HashMap<PersonId, Vec<CurriculumStanding>>> {
        let mut out: HashMap<PersonId, Vec<CurriculumStanding>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let list = marks(chunk.len());
            let values: Vec<Value> = chunk.iter().map(|&i| i.into()).collect();
            let sql = format!(
                "SELECT p.id AS person_id, c.id AS curriculum_id, c.name AS curriculum, \
                 c.module_id AS module_id, COALESCE(cp.proficiency_passed, FALSE) AS passed, a.score AS score, \
                 a.pass_mark AS pass_mark \
                 FROM person p JOIN curriculum c ON c.program_id = p.program_id \
                   AND c.job_role = p.job_role \
                 LEFT JOIN curriculum_progress cp ON cp.person_id = p.id \
                   AND cp.curriculum_id = c.id \
                 LEFT JOIN assessment a ON a.id = (SELECT x.id FROM assessment x \
                   WHERE x.person_id = p.id AND x.curriculum_id = c.id \
                   ORDER BY x.assessed_on DESC, x.id DESC LIMIT 1) \
                 WHERE p.id IN ({list}) ORDER BY p.id, c.name"
            );
            let rows =
                StandingRow::find_by_statement(statement(self.backend(), &sql, values.clone()))
                    .all(&self.db)
                    .await?;
            let sql = format!(
                "SELECT p.id AS person_id, c.id AS curriculum_id, k.title AS title \
                 FROM person p JOIN curriculum c ON c.program_id = p.program_id \
                   AND c.job_role = p.job_role \
                 JOIN curriculum_course cc ON cc.curriculum_id = c.id \
                 JOIN course k ON k.id = cc.course_id \
                 WHERE p.id IN ({list}) AND NOT EXISTS (SELECT 1 FROM completion m \
                   WHERE m.person_id = p.id AND m.course_id = cc.course_id) \
                 ORDER BY p.id, c.name, cc.position"
            );
            let mut missing: HashMap<(i64, i64), Vec<String>> = HashMap::new();
            for row in MissingRow::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
            {
                missing
                    .entry((row.person_id, row.curriculum_id))
                    .or_default()
                    .push(row.title);
            }
            for r in rows {
                let latest = match (r.score, r.pass_mark) {
                    (Some(score), Some(pass_mark)) => Some(Scored { score, pass_mark }),
                    _ => None,
                };
                out.entry(r.person_id)
                    .or_default()
                    .push(CurriculumStanding {
                        curriculum: r.curriculum,
                        module_id: r.module_id,
                        missing: missing
                            .remove(&(r.person_id, r.curriculum_id))
                            .unwrap_or_default(),
                        passed: r.passed,
                        latest,
                    });
            }
        }
        Ok(out)
    }
}
