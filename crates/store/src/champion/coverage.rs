//! Champion coverage per unit x shift: active people per unit and shift (one GROUP BY over
//! `ix_person_unit_shift`, which covers it), active champions per unit and shift (over
//! `ix_champion_unit`, one probe per champion for the person's active flag), and the
//! target: the unit's own where it has one (all of a program's overrides in one query),
//! else the program's. The scorecard's per-site figure sums the same cells.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use muster_domain::audit::AuditAction;
use muster_domain::champion::coverage::{
    ChampionTarget, CoverageCell, DEFAULT_END_USERS_PER_CHAMPION, SiteCoverage, TargetSource,
    by_site,
};
use muster_domain::rounding::Shift;
use muster_domain::site::SiteId;
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value};

use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};

#[derive(FromQueryResult)]
struct EndUsers {
    site_id: i64,
    unit_id: i64,
    unit_name: String,
    shift: String,
    end_users: i64,
}

#[derive(FromQueryResult)]
struct Champions {
    unit_id: i64,
    shift: String,
    champions: i64,
}

#[derive(FromQueryResult)]
struct Target {
    end_users_per_champion: i64,
}

/// `AND u.site_id IN (...)` when only some sites are asked for.
fn site_clause(sites: Option<&[SiteId]>, values: &mut Vec<Value>) -> String {
    match sites {
        None => String::new(),
        Some(ids) => {
            values.extend(ids.iter().map(|&i| Value::from(i)));
            format!(" AND u.site_id IN ({})", marks(ids.len()))
        }
    }
}

impl Store {
    /// The program's target; one champion per 10 end users until it is set.
    pub async fn champion_target(&self, program_id: i64) -> StoreResult<ChampionTarget> {
        let row = Target::find_by_statement(statement(
            self.backend(),
            "SELECT end_users_per_champion FROM champion_target WHERE program_id = ?",
            vec![program_id.into()],
        ))
        .one(&self.db)
        .await?;
        Ok(ChampionTarget {
            end_users_per_champion: row
                .map_or(DEFAULT_END_USERS_PER_CHAMPION, |t| t.end_users_per_champion),
        })
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn save_champion_target(
        &self,
        change: &Change<'_>,
        target: ChampionTarget,
    ) -> StoreResult<ChampionTarget> {
        let program_id = change.program_id();
        let before = self.champion_target(program_id).await?;
        let txn = self.db.begin().await?;
        txn.execute_raw(statement(
            self.backend(),
            "INSERT INTO champion_target (program_id, end_users_per_champion, updated_at) \
             VALUES (?, ?, ?) ON CONFLICT (program_id) DO UPDATE SET \
             end_users_per_champion = excluded.end_users_per_champion, \
             updated_at = excluded.updated_at",
            vec![
                program_id.into(),
                target.end_users_per_champion.into(),
                Utc::now().into(),
            ],
        ))
        .await?;
        record(
            &txn,
            change,
            "champion_target",
            program_id,
            AuditAction::Update,
            Some(&before),
            Some(&target),
        )
        .await?;
        txn.commit().await?;
        Ok(target)
    }

    /// Coverage of every unit x shift with end users, of `sites` (all when `None`), by
    /// site, unit name and shift. Champions count from their start date (UTC today).
    #[tracing::instrument(skip(self))]
    pub async fn champion_coverage(
        &self,
        program_id: i64,
        sites: Option<&[SiteId]>,
    ) -> StoreResult<Vec<CoverageCell>> {
        self.champion_coverage_on(program_id, sites, Utc::now().date_naive())
            .await
    }

    /// Per site, how many unit x shift cells have end users and how many meet the target:
    /// the readiness scorecard's champion-coverage measure.
    #[tracing::instrument(skip(self))]
    pub async fn champion_coverage_by_site(
        &self,
        program_id: i64,
    ) -> Result<Vec<SiteCoverage>, StoreError> {
        Ok(by_site(&self.champion_coverage(program_id, None).await?))
    }

    pub async fn champion_coverage_on(
        &self,
        program_id: i64,
        sites: Option<&[SiteId]>,
        today: NaiveDate,
    ) -> StoreResult<Vec<CoverageCell>> {
        if sites.is_some_and(|s| s.is_empty()) {
            return Ok(Vec::new());
        }
        let ratio = self
            .champion_target(program_id)
            .await?
            .end_users_per_champion;
        let overrides = self.unit_champion_targets(program_id).await?;
        let target_of = |unit_id: i64| match overrides.get(&unit_id) {
            Some(own) => (own.end_users_per_champion, TargetSource::Unit),
            None => (ratio, TargetSource::Program),
        };
        let mut values: Vec<Value> = vec![program_id.into()];
        let sql = format!(
            "SELECT u.site_id, u.id AS unit_id, u.name AS unit_name, p.shift, \
             COUNT(*) AS end_users FROM unit u JOIN person p ON p.unit_id = u.id \
             WHERE u.program_id = ? AND p.shift IS NOT NULL AND p.active{} \
             GROUP BY u.site_id, u.id, u.name, p.shift",
            site_clause(sites, &mut values)
        );
        let people = EndUsers::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let mut values: Vec<Value> = vec![program_id.into(), today.into()];
        let sql = format!(
            "SELECT c.unit_id, c.shift, COUNT(*) AS champions FROM unit u \
             JOIN champion c ON c.unit_id = u.id JOIN person p ON p.id = c.person_id \
             WHERE u.program_id = ? AND c.since <= ? AND p.active{} \
             GROUP BY c.unit_id, c.shift",
            site_clause(sites, &mut values)
        );
        let champions: HashMap<(i64, String), i64> =
            Champions::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|c| ((c.unit_id, c.shift), c.champions))
                .collect();
        let mut cells = people
            .into_iter()
            .map(|row| {
                let shift = Shift::parse(&row.shift).map_err(StoreError::Corrupt)?;
                let champions = champions
                    .get(&(row.unit_id, row.shift))
                    .copied()
                    .unwrap_or(0);
                Ok(CoverageCell::new(
                    row.site_id,
                    row.unit_id,
                    row.unit_name,
                    shift,
                    row.end_users,
                    target_of(row.unit_id),
                    champions,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        cells.sort_by(|a, b| {
            (a.site_id, &a.unit_name, a.unit_id, a.shift).cmp(&(
                b.site_id,
                &b.unit_name,
                b.unit_id,
                b.shift,
            ))
        });
        Ok(cells)
    }
}
