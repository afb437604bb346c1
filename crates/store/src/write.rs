//! The one shape of an audited write: the change and its audit entry in one transaction,
//! unique-index clashes turned into field errors. Each capability's create, update and
//! delete call these rather than repeating the transaction dance.

use std::future::Future;
use std::pin::Pin;

use muster_domain::audit::AuditAction;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PrimaryKeyTrait, Statement, TransactionTrait,
};
use serde::Serialize;

use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreResult, UniqueField, map_unique};

type ModelOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::Model;

/// What a write does inside its transaction once the record's own row is stored: convert
/// it, or (a curriculum's courses, a champion's modules) replace its linked rows and read the
/// record back.
pub(crate) type Then<'t, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 't>>;

/// More a create writes in its transaction once the new record's id is known (a lesson's
/// link to the readiness criterion or plan task made from it).
pub(crate) type Also = Box<dyn for<'t> FnOnce(&'t DatabaseTransaction, i64) -> Then<'t, ()> + Send>;

/// `Also` that writes nothing more.
pub(crate) fn nothing_more() -> Also {
    Box::new(|_, _| Box::pin(std::future::ready(Ok(()))))
}

/// `then` for a record that is its row: converted, nothing more written.
fn converted<M, T: Send + 'static>(
    convert: impl FnOnce(M) -> StoreResult<T> + Send,
) -> impl for<'t> FnOnce(&'t DatabaseTransaction, M) -> Then<'t, T> + Send {
    move |_, stored| {
        let result = convert(stored);
        Box::pin(std::future::ready(result))
    }
}

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
        T: Serialize + Send + Sync + 'static,
    {
        self.insert_then(change, entity, row, unique, converted(convert), id_of)
            .await
    }

    /// `insert_audited`, then `also` with the new record's id, in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_audited_also<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        row: A,
        unique: &[UniqueField],
        convert: impl FnOnce(ModelOf<A>) -> StoreResult<T> + Send + 'static,
        id_of: fn(&T) -> i64,
        also: Also,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync + 'static,
    {
        self.insert_then(
            change,
            entity,
            row,
            unique,
            move |txn, stored| {
                Box::pin(async move {
                    let created = convert(stored)?;
                    also(txn, id_of(&created)).await?;
                    Ok(created)
                })
            },
            id_of,
        )
        .await
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
        T: Serialize + Send + Sync + 'static,
    {
        self.update_then(change, entity, id, before, row, unique, converted(convert))
            .await
    }

    /// Inserts `row`, then, in the same transaction, `then` with the stored row, which
    /// returns the record; records the creation of the record `id_of` names and commits.
    pub(crate) async fn insert_then<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        row: A,
        unique: &[UniqueField],
        then: impl for<'t> FnOnce(&'t DatabaseTransaction, ModelOf<A>) -> Then<'t, T> + Send,
        id_of: impl FnOnce(&T) -> i64 + Send,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync,
    {
        let txn = self.db.begin().await?;
        let stored = row.insert(&txn).await.map_err(|e| map_unique(e, unique))?;
        let created = then(&txn, stored).await?;
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

    /// Updates record `id` from `row`, then, in the same transaction, `then` with the stored
    /// row; records `before` and the record it returns, and commits.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn update_then<A, T>(
        &self,
        change: &Change<'_>,
        entity: &'static str,
        id: i64,
        before: &T,
        row: A,
        unique: &[UniqueField],
        then: impl for<'t> FnOnce(&'t DatabaseTransaction, ModelOf<A>) -> Then<'t, T> + Send,
    ) -> StoreResult<T>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        ModelOf<A>: IntoActiveModel<A>,
        T: Serialize + Send + Sync,
    {
        let txn = self.db.begin().await?;
        let stored = row.update(&txn).await.map_err(|e| map_unique(e, unique))?;
        let after = then(&txn, stored).await?;
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
