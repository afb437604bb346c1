//! The readiness criteria catalog: listed by name, refused deletion while attestations name
//! a criterion (deactivate it instead).

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::readiness::{Criterion, CriterionId, CriterionSpec, Measure};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::{readiness_attestation, readiness_criterion};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::write::{Also, nothing_more};
use crate::{Store, paging};

const ENTITY: &str = "readiness_criterion";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_readiness_criterion_name",
    column: "readiness_criterion.name",
    field: "name",
    message: "another criterion already has this name",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CriterionFilter {
    pub measure: Option<Measure>,
    pub active: Option<bool>,
}

fn to_criterion(m: readiness_criterion::Model) -> StoreResult<Criterion> {
    Ok(Criterion {
        id: m.id,
        name: m.name,
        description: m.description,
        measure: Measure::parse(&m.measure).map_err(StoreError::Corrupt)?,
        threshold: m.threshold,
        amber_band: m.amber_band,
        weight: m.weight,
        owner: m.owner,
        owner_account_id: m.owner_account_id,
        active: m.active,
    })
}

fn criterion_row(
    program_id: i64,
    spec: CriterionSpec,
    now: chrono::DateTime<Utc>,
) -> readiness_criterion::ActiveModel {
    readiness_criterion::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.into_string()),
        description: Set(spec.description),
        measure: Set(spec.measure.code().into()),
        threshold: Set(spec.threshold),
        amber_band: Set(spec.amber_band),
        weight: Set(spec.weight),
        owner: Set(spec.owner.into_string()),
        owner_account_id: Set(spec.owner_account_id),
        active: Set(spec.active),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_criteria(
        &self,
        program_id: i64,
        filter: &CriterionFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Criterion>> {
        use readiness_criterion::Column as C;
        let mut query = readiness_criterion::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(measure) = filter.measure {
            query = query.filter(C::Measure.eq(measure.code()));
        }
        if let Some(active) = filter.active {
            query = query.filter(C::Active.eq(active));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_criterion)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |c| {
            (c.name.clone(), c.id)
        }))
    }

    /// The active criteria by name: the scorecard's columns.
    pub async fn active_criteria(&self, program_id: i64) -> StoreResult<Vec<Criterion>> {
        use readiness_criterion::Column as C;
        readiness_criterion::Entity::find()
            .filter(C::ProgramId.eq(program_id))
            .filter(C::Active.eq(true))
            .order_by_asc(C::Name)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_criterion)
            .collect()
    }

    pub async fn criterion(&self, program_id: i64, id: CriterionId) -> StoreResult<Criterion> {
        let row = readiness_criterion::Entity::find_by_id(id)
            .filter(readiness_criterion::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("readiness criterion", id))?;
        to_criterion(row)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_criterion(
        &self,
        change: &Change<'_>,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        self.create_criterion_also(change, spec, nothing_more())
            .await
    }

    /// `create_criterion`, writing `also` in its transaction.
    pub(crate) async fn create_criterion_also(
        &self,
        change: &Change<'_>,
        spec: CriterionSpec,
        also: Also,
    ) -> StoreResult<Criterion> {
        self.check_account_choice(
            change.program_id(),
            spec.owner_account_id,
            "owner_account_id",
        )
        .await?;
        let row = criterion_row(change.program_id(), spec, Utc::now());
        self.insert_audited_also(change, ENTITY, row, UNIQUE, to_criterion, |c| c.id, also)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_criterion(
        &self,
        change: &Change<'_>,
        id: CriterionId,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        let before = self.criterion(change.program_id(), id).await?;
        self.check_account_choice(
            change.program_id(),
            spec.owner_account_id,
            "owner_account_id",
        )
        .await?;
        let row = readiness_criterion::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..criterion_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_criterion)
            .await
    }

    /// Deletes a criterion nobody has attested yet; one with attestations is deactivated
    /// instead, so that their history keeps its name.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_criterion(&self, change: &Change<'_>, id: CriterionId) -> StoreResult<()> {
        let before = self.criterion(change.program_id(), id).await?;
        let attestations = readiness_attestation::Entity::find()
            .filter(readiness_attestation::Column::CriterionId.eq(id))
            .count(&self.db)
            .await?;
        if let Some(uses) = describe_uses(&[(attestations, "attestation")]) {
            return Err(StoreError::InUse(format!(
                "the criterion {} is still named by {uses}: deactivate it instead",
                before.name
            )));
        }
        self.delete_audited::<readiness_criterion::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
