//! KPI measurements: one row per goal, site (or program-wide) and period. Writes are
//! upserts; the API's and the form's writes audit each measurement with what it replaced,
//! the import one entry per file (`Store::commit_import`).

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::goal::benefits::month_of;
use muster_domain::goal::{Goal, GoalId, Measurement, MeasurementSpec};
use muster_domain::site::SiteId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::measurement_entity as m;
use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};

const ENTITY: &str = "measurement";
/// Rows per INSERT: SQLite allows at most 32,766 bound values per statement.
pub const MEASUREMENTS_PER_STATEMENT: usize = 32_000 / 9;

/// A measurement ready to write: its goal and what was measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasurementRow {
    pub goal_id: GoalId,
    pub spec: MeasurementSpec,
}

fn to_measurement(r: m::Model) -> Measurement {
    Measurement {
        id: r.id,
        goal_id: r.goal_id,
        site_id: r.site_id,
        period: r.period,
        value: r.value,
    }
}

fn row(program_id: i64, r: &MeasurementRow, now: chrono::DateTime<Utc>) -> m::ActiveModel {
    m::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        goal_id: Set(r.goal_id),
        site_id: Set(r.spec.site_id),
        site_key: Set(r.spec.site_id.unwrap_or(0)),
        period: Set(r.spec.period),
        month: Set(month_of(r.spec.period)),
        value: Set(r.spec.value),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Writes `rows`, replacing the value of any goal, site and period already measured. A key
/// given twice keeps its last row (one statement may not touch a row twice on PostgreSQL).
/// Returns the rows written.
pub(crate) async fn upsert<C: ConnectionTrait>(
    db: &C,
    program_id: i64,
    rows: &[MeasurementRow],
) -> StoreResult<usize> {
    use m::Column as K;
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&MeasurementRow> = rows
        .iter()
        .rev()
        .filter(|r| seen.insert((r.goal_id, r.spec.site_id, r.spec.period)))
        .collect();
    kept.reverse();
    let now = Utc::now();
    for chunk in kept.chunks(MEASUREMENTS_PER_STATEMENT) {
        m::Entity::insert_many(chunk.iter().map(|r| row(program_id, r, now)))
            .on_conflict(
                OnConflict::columns([K::GoalId, K::SiteKey, K::Period])
                    .update_columns([K::Value, K::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(kept.len())
}

/// The stored measurements at the keys of `rows`.
async fn existing<C: ConnectionTrait>(
    db: &C,
    goal_id: GoalId,
    rows: &[MeasurementRow],
) -> StoreResult<Vec<Measurement>> {
    use m::Column as K;
    let mut found = Vec::new();
    for chunk in rows.chunks(300) {
        let mut any = Condition::any();
        for r in chunk {
            any = any.add(
                Condition::all()
                    .add(K::SiteKey.eq(r.spec.site_id.unwrap_or(0)))
                    .add(K::Period.eq(r.spec.period)),
            );
        }
        found.extend(
            m::Entity::find()
                .filter(K::GoalId.eq(goal_id))
                .filter(any)
                .all(db)
                .await?
                .into_iter()
                .map(to_measurement),
        );
    }
    Ok(found)
}

impl Store {
    /// Records `specs` for `goal` all or nothing, each audited with the value it replaced.
    /// The sites must be this program's; the domain has checked the values.
    #[tracing::instrument(skip(self, change, specs), fields(n = specs.len()))]
    pub async fn put_measurements(
        &self,
        change: &Change<'_>,
        goal: &Goal,
        specs: &[MeasurementSpec],
    ) -> StoreResult<Vec<Measurement>> {
        let program_id = change.program_id();
        let mut sites: Vec<SiteId> = specs.iter().filter_map(|s| s.site_id).collect();
        sites.sort_unstable();
        sites.dedup();
        if !sites.is_empty() {
            let known = crate::entity::site::Entity::find()
                .filter(crate::entity::site::Column::ProgramId.eq(program_id))
                .filter(crate::entity::site::Column::Id.is_in(sites.clone()))
                .count(&self.db)
                .await?;
            if known as usize != sites.len() {
                let index = specs
                    .iter()
                    .position(|s| s.site_id.is_some())
                    .unwrap_or_default();
                let field = if specs.len() == 1 {
                    "site_id".to_owned()
                } else {
                    format!("[{index}].site_id")
                };
                return Err(StoreError::invalid(&field, "there is no such site"));
            }
        }
        let rows: Vec<MeasurementRow> = specs
            .iter()
            .map(|&spec| MeasurementRow {
                goal_id: goal.id,
                spec,
            })
            .collect();
        let txn = self.db.begin().await?;
        let before = existing(&txn, goal.id, &rows).await?;
        upsert(&txn, program_id, &rows).await?;
        let after = existing(&txn, goal.id, &rows).await?;
        for a in &after {
            let b = before
                .iter()
                .find(|b| b.site_id == a.site_id && b.period == a.period);
            let action = if b.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            };
            record(&txn, change, ENTITY, a.id, action, b, Some(a)).await?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// Writes measurements in bulk (the demo, loads by script): thousands per statement in
    /// one transaction, one audit entry for the batch (count and goals) rather than one per
    /// row. Sites and values are the caller's to have checked.
    #[tracing::instrument(skip(self, change, rows), fields(n = rows.len()))]
    pub async fn insert_measurements_bulk(
        &self,
        change: &Change<'_>,
        rows: &[MeasurementRow],
    ) -> StoreResult<usize> {
        let Some(first) = rows.first() else {
            return Ok(0);
        };
        let mut goals: Vec<GoalId> = rows.iter().map(|r| r.goal_id).collect();
        goals.sort_unstable();
        goals.dedup();
        let txn = self.db.begin().await?;
        let written = upsert(&txn, change.program_id(), rows).await?;
        let summary = serde_json::json!({ "bulk_insert": written, "goals": goals });
        record(
            &txn,
            change,
            ENTITY,
            first.goal_id,
            AuditAction::Create,
            None,
            Some(&summary),
        )
        .await?;
        txn.commit().await?;
        Ok(written)
    }

    /// A goal's measurements, newest period first (sites by id within a period), at most
    /// `limit`, with how many there are.
    pub async fn goal_measurements(
        &self,
        program_id: i64,
        goal_id: GoalId,
        site_id: Option<SiteId>,
        limit: u64,
    ) -> StoreResult<(Vec<Measurement>, u64)> {
        use m::Column as K;
        let mut q = m::Entity::find()
            .filter(K::ProgramId.eq(program_id))
            .filter(K::GoalId.eq(goal_id));
        if let Some(site) = site_id {
            q = q.filter(K::SiteId.eq(site));
        }
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(K::Period)
            .order_by_asc(K::SiteKey)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok((rows.into_iter().map(to_measurement).collect(), total))
    }

    pub(crate) async fn count_measurements(&self, goal_id: GoalId) -> StoreResult<u64> {
        Ok(m::Entity::find()
            .filter(m::Column::GoalId.eq(goal_id))
            .count(&self.db)
            .await?)
    }

    /// Each site's (and the program-wide) latest measurement of a goal: (site, period, value).
    pub async fn latest_by_site(
        &self,
        program_id: i64,
        goal_id: GoalId,
    ) -> StoreResult<Vec<Measurement>> {
        let sql = "SELECT m.id, m.goal_id, m.site_id, m.period, m.value FROM measurement m \
                   WHERE m.program_id = ? AND m.goal_id = ? AND m.period = (SELECT MAX(x.period) \
                   FROM measurement x WHERE x.goal_id = m.goal_id AND x.site_key = m.site_key) \
                   ORDER BY m.site_key";
        let rows = self
            .db
            .query_all_raw(crate::raw::statement(
                self.backend(),
                sql,
                vec![program_id.into(), goal_id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Measurement {
                    id: r.try_get("", "id")?,
                    goal_id: r.try_get("", "goal_id")?,
                    site_id: r.try_get("", "site_id")?,
                    period: r.try_get("", "period")?,
                    value: r.try_get("", "value")?,
                })
            })
            .collect()
    }
}
