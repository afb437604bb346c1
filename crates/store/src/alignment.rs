//! The alignment matrix: one row per stakeholder group and goal that has been discussed.

use chrono::Utc;
use muster_domain::alignment::{
    AlignmentCell, AlignmentCellSpec, AlignmentMatrix, Effect, Heading,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::Store;
use crate::audit::Change;
use crate::entity::Ts;
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;

pub mod entity {
    use super::Ts;
    crate::entity::entity!("alignment_cell" {
        stakeholder_id: i64, goal_id: i64, effect: String, note: Option<String>,
        created_at: Ts, updated_at: Ts,
    });
}
use entity as alignment_cell;

const ENTITY: &str = "alignment_cell";

fn to_cell(m: alignment_cell::Model) -> StoreResult<AlignmentCell> {
    Ok(AlignmentCell {
        id: m.id,
        stakeholder_id: m.stakeholder_id,
        goal_id: m.goal_id,
        effect: Effect::parse(&m.effect).map_err(StoreError::Corrupt)?,
        note: m.note,
    })
}

impl Store {
    async fn headings(&self, sql: &str, program_id: i64) -> StoreResult<Vec<Heading>> {
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), sql, vec![program_id.into()]))
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Heading {
                    id: r.try_get_by_index(0)?,
                    name: r.try_get_by_index(1)?,
                })
            })
            .collect()
    }

    /// Every group against every goal, by name; the cells that have been discussed.
    pub async fn alignment_matrix(&self, program_id: i64) -> StoreResult<AlignmentMatrix> {
        let groups = self
            .headings(
                "SELECT id, name FROM stakeholder_group WHERE program_id = ? ORDER BY name, id",
                program_id,
            )
            .await?;
        let goals = self
            .headings(
                "SELECT id, name FROM goal WHERE program_id = ? ORDER BY name, id",
                program_id,
            )
            .await?;
        let cells = alignment_cell::Entity::find()
            .filter(alignment_cell::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_cell)
            .collect::<StoreResult<_>>()?;
        Ok(AlignmentMatrix {
            groups,
            goals,
            cells,
        })
    }

    /// Records what goal `goal_id` means for group `stakeholder_id`, replacing what was
    /// there; audited as the cell's creation or change.
    pub async fn set_alignment_cell(
        &self,
        change: &Change<'_>,
        stakeholder_id: i64,
        goal_id: i64,
        spec: AlignmentCellSpec,
    ) -> StoreResult<AlignmentCell> {
        let program_id = change.program_id();
        self.stakeholder(program_id, stakeholder_id).await?;
        self.goal(program_id, goal_id).await?;
        let existing = alignment_cell::Entity::find()
            .filter(alignment_cell::Column::StakeholderId.eq(stakeholder_id))
            .filter(alignment_cell::Column::GoalId.eq(goal_id))
            .one(&self.db)
            .await?;
        let now = Utc::now();
        let row = alignment_cell::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            stakeholder_id: Set(stakeholder_id),
            goal_id: Set(goal_id),
            effect: Set(spec.effect.code().into()),
            note: Set(spec.note),
            created_at: Set(now),
            updated_at: Set(now),
        };
        match existing {
            Some(before) => {
                let id = before.id;
                let before = to_cell(before)?;
                let row = alignment_cell::ActiveModel {
                    id: Set(id),
                    created_at: NotSet,
                    ..row
                };
                self.update_audited(change, ENTITY, id, &before, row, &[], to_cell)
                    .await
            }
            None => {
                self.insert_audited(change, ENTITY, row, &[], to_cell, |c| c.id)
                    .await
            }
        }
    }
}
