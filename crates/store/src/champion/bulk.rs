//! Champions in bulk, for the large demo: many rows per statement, one audit entry per
//! batch, as `insert_people_bulk` does for people.

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::champion::ChampionSpec;
use muster_domain::rounding::Shift;
use muster_domain::site::SiteId;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, Value,
};

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::person;
use crate::error::{StoreError, StoreResult, map_unique};
use crate::raw::{marks, statement};

/// Champions per INSERT (8 values each), well under SQLite's 32,766 bound values.
const ROWS_PER_STATEMENT: usize = 2_000;

#[derive(FromQueryResult)]
struct Made {
    id: i64,
    person_id: i64,
}

/// A person as read for designating champions: id, site, unit, shift.
type CandidateRow = (i64, Option<i64>, Option<i64>, Option<String>);

impl Store {
    /// Every active person with a unit and a shift: (person, site, unit, shift), by unit,
    /// shift and id; for designating champions in bulk.
    pub async fn champion_candidates(
        &self,
        program_id: i64,
    ) -> StoreResult<Vec<(i64, SiteId, i64, Shift)>> {
        let rows: Vec<CandidateRow> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::SiteId,
                person::Column::UnitId,
                person::Column::Shift,
            ])
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Active.eq(true))
            .filter(person::Column::UnitId.is_not_null())
            .filter(person::Column::Shift.is_not_null())
            .order_by_asc(person::Column::UnitId)
            .order_by_asc(person::Column::Shift)
            .order_by_asc(person::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .filter_map(|(id, site, unit, shift)| Some((id, site?, unit?, shift?)))
            .map(|(id, site, unit, shift)| {
                Ok((
                    id,
                    site,
                    unit,
                    Shift::parse(&shift).map_err(StoreError::Corrupt)?,
                ))
            })
            .collect()
    }

    /// Inserts `champions` and their modules in one transaction with one audit entry;
    /// returns how many. Callers check placement (active people of the unit's site).
    #[tracing::instrument(skip(self, change, champions), fields(rows = champions.len()))]
    pub async fn insert_champions_bulk(
        &self,
        change: &Change<'_>,
        champions: Vec<ChampionSpec>,
    ) -> StoreResult<usize> {
        let count = champions.len();
        if count == 0 {
            return Ok(0);
        }
        let program_id = change.program_id();
        let now = Utc::now();
        let backend = self.backend();
        let txn = self.db.begin().await?;
        for chunk in champions.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO champion (program_id, person_id, unit_id, shift, since, notes, \
                 created_at, updated_at) VALUES {}",
                vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            );
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|c| {
                    [
                        program_id.into(),
                        c.placement.person_id.into(),
                        c.placement.unit_id.into(),
                        c.placement.shift.code().into(),
                        c.since.into(),
                        c.notes.clone().into(),
                        now.into(),
                        now.into(),
                    ]
                })
                .collect();
            txn.execute_raw(statement(backend, &sql, values))
                .await
                .map_err(|e| map_unique(e, super::UNIQUE))?;
            let sql = format!(
                "SELECT id, person_id FROM champion WHERE program_id = ? AND person_id IN ({})",
                marks(chunk.len())
            );
            let mut values: Vec<Value> = vec![program_id.into()];
            values.extend(chunk.iter().map(|c| Value::from(c.placement.person_id)));
            let made: std::collections::HashMap<i64, i64> =
                Made::find_by_statement(statement(backend, &sql, values))
                    .all(&txn)
                    .await?
                    .into_iter()
                    .map(|m| (m.person_id, m.id))
                    .collect();
            let mut links: Vec<(i64, i64)> = Vec::new();
            for c in chunk {
                let person = c.placement.person_id;
                let id = made.get(&person).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!("champion of person {person} not stored"))
                })?;
                links.extend(c.module_ids.iter().map(|&m| (id, m)));
            }
            for links in links.chunks(ROWS_PER_STATEMENT * 2) {
                let sql = format!(
                    "INSERT INTO champion_module (program_id, champion_id, module_id) VALUES {}",
                    vec!["(?, ?, ?)"; links.len()].join(", ")
                );
                let values = links
                    .iter()
                    .flat_map(|&(c, m)| [program_id.into(), c.into(), m.into()])
                    .collect();
                txn.execute_raw(statement(backend, &sql, values)).await?;
            }
        }
        let summary = serde_json::json!({ "bulk_insert": count });
        record(
            &txn,
            change,
            super::ENTITY,
            0,
            AuditAction::Create,
            None,
            Some(&summary),
        )
        .await?;
        txn.commit().await?;
        Ok(count)
    }
}
