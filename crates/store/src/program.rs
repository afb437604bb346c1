//! Programs: the tenant. One database usually holds one program; it may hold several.

use chrono::Utc;
use muster_domain::access::Actor;
use muster_domain::audit::{AuditAction, Via};
use muster_domain::program::{Program, ProgramId};
use muster_domain::text::Name;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde::Serialize;

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{account, module, person, program, site, unit, wave};
use crate::error::{StoreError, StoreResult};

fn to_program(m: program::Model) -> Program {
    Program {
        id: m.program_id,
        name: m.name,
        created_at: m.created_at,
    }
}

/// Counts for the program overview.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProgramCounts {
    pub sites: u64,
    pub units: u64,
    pub waves: u64,
    pub modules: u64,
    pub people: u64,
    pub accounts: u64,
}

impl Store {
    /// Creates a program; the command-line operator is recorded as its creator.
    pub async fn create_program(&self, name: Name) -> StoreResult<Program> {
        let txn = self.db.begin().await?;
        let row = program::ActiveModel {
            program_id: NotSet,
            name: Set(name.into_string()),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        let created = to_program(row);
        let operator = Actor::operator(created.id);
        let change = Change::new(&operator, Via::Cli);
        record(
            &txn,
            &change,
            "program",
            created.id,
            AuditAction::Create,
            None,
            Some(&created),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    pub async fn program(&self, id: ProgramId) -> StoreResult<Program> {
        program::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_program)
            .ok_or_else(|| StoreError::not_found("program", id))
    }

    pub async fn programs(&self) -> StoreResult<Vec<Program>> {
        Ok(program::Entity::find()
            .order_by_asc(program::Column::ProgramId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_program)
            .collect())
    }

    /// The program the command line works on when none is named: the first one.
    pub async fn default_program(&self) -> StoreResult<Option<Program>> {
        Ok(program::Entity::find()
            .order_by_asc(program::Column::ProgramId)
            .one(&self.db)
            .await?
            .map(to_program))
    }

    pub async fn rename_program(&self, change: &Change<'_>, name: Name) -> StoreResult<Program> {
        let before = self.program(change.program_id()).await?;
        let txn = self.db.begin().await?;
        let row = program::ActiveModel {
            program_id: Set(before.id),
            name: Set(name.into_string()),
            created_at: NotSet,
        }
        .update(&txn)
        .await?;
        let after = to_program(row);
        record(
            &txn,
            change,
            "program",
            after.id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn program_counts(&self, program_id: ProgramId) -> StoreResult<ProgramCounts> {
        Ok(ProgramCounts {
            sites: site::Entity::find()
                .filter(site::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
            units: unit::Entity::find()
                .filter(unit::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
            waves: wave::Entity::find()
                .filter(wave::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
            modules: module::Entity::find()
                .filter(module::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
            people: person::Entity::find()
                .filter(person::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
            accounts: account::Entity::find()
                .filter(account::Column::ProgramId.eq(program_id))
                .count(&self.db)
                .await?,
        })
    }
}
