//! The one shape of an audited write: the change and its audit entry in one transaction,
//! unique-index clashes turned into field errors. Each capability's create, update and
//! delete call these rather than repeating the transaction dance.

use muster_domain::audit::AuditAction;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PrimaryKeyTrait, Statement, TransactionTrait,
};
use serde::Serialize;

use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreResult, UniqueField, map_unique};

type ModelOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::Model;

impl Store {
    /// Inserts `row`, converts the stored row with `convert`, and records the creation of
    /// the record `id_of` names.
    pub(crate) async fn insert_audited<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        row: A,
        unique: &[UniqueField],
        convert: impl FnOnce(ModelOf<A>) -> StoreResult<T> + Send,
        id_of: impl FnOnce(&T) -> i64 + Send,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync,
    {
        self.insert_audited_then(change, entity, row, unique, convert, id_of, Vec::new())
            .await
    }

    /// `insert_audited`, running `then` (rows that go with the new record) in the same
    /// transaction after the insert.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_audited_then<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        row: A,
        unique: &[UniqueField],
        convert: impl FnOnce(ModelOf<A>) -> StoreResult<T> + Send,
        id_of: impl FnOnce(&T) -> i64 + Send,
        then: Vec<Statement>,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync,
    {
        let txn = self.db.begin().await?;
        let stored = row.insert(&txn).await.map_err(|e| map_unique(e, unique))?;
        for s in then {
            txn.execute_raw(s).await?;
        }
        let created = convert(stored)?;
        let id = id_of(&created);
        record(
            &txn,
            change,
            entity,
            id,
            AuditAction::Create,
            None,
            Some(&created),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Updates record `id` from `row` and records `before` and the converted result.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn update_audited<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        id: i64,
        before: &T,
        row: A,
        unique: &[UniqueField],
        convert: impl FnOnce(ModelOf<A>) -> StoreResult<T> + Send,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync,
    {
        let txn = self.db.begin().await?;
        let stored = row.update(&txn).await.map_err(|e| map_unique(e, unique))?;
        let after = convert(stored)?;
        record(
            &txn,
            change,
            entity,
            id,
            AuditAction::Update,
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes record `id` of `E` and records what it held. Callers check references first
    /// to say what still uses it; the foreign keys remain the guarantee.
    pub(crate) async fn delete_audited<E, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        id: i64,
        before: &T,
    ) -> StoreResult<()>
    where
        E: EntityTrait,
        i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
        T: Serialize + Send + Sync,
    {
        self.delete_audited_after::<E, T>(change, entity, id, before, Vec::new())
            .await
    }

    /// `delete_audited`, running `first` (rows that hang off the record) in the same
    /// transaction before the delete.
    pub(crate) async fn delete_audited_after<E, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        id: i64,
        before: &T,
        first: Vec<Statement>,
    ) -> StoreResult<()>
    where
        E: EntityTrait,
        i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
        T: Serialize + Send + Sync,
    {
        let txn = self.db.begin().await?;
        for s in first {
            txn.execute_raw(s).await?;
        }
        E::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(|e| map_unique(e, &[]))?;
        record(
            &txn,
            change,
            entity,
            id,
            AuditAction::Delete,
            Some(before),
            None::<&T>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
