//! Decision rights: which role or body decides which kind of build change to which module.

use chrono::{DateTime, Utc};
use muster_domain::Invalid;
use muster_domain::decision::{ChangeKind, DecisionRight, DecisionRightSpec};
use muster_domain::module::ModuleId;
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::{change_request, decision_right};
use crate::error::{StoreError, StoreResult, describe_uses};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "decision_right";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionRightFilter {
    pub module_id: Option<ModuleId>,
    pub change_kind: Option<ChangeKind>,
    pub body_id: Option<i64>,
}

pub(crate) fn to_decision_right(m: decision_right::Model) -> StoreResult<DecisionRight> {
    Ok(DecisionRight {
        id: m.id,
        module_id: m.module_id,
        change_kind: ChangeKind::parse(&m.change_kind).map_err(StoreError::Corrupt)?,
        decider: m.decider,
        decider_account_id: m.decider_account_id,
        body_id: m.body_id,
    })
}

fn decision_right_row(
    program_id: i64,
    spec: DecisionRightSpec,
    decider: String,
    now: DateTime<Utc>,
) -> decision_right::ActiveModel {
    decision_right::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        module_id: Set(spec.module_id),
        change_kind: Set(spec.change_kind.code().into()),
        decider: Set(decider),
        decider_account_id: Set(spec.decider_account_id),
        body_id: Set(spec.body_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// The whole matrix (a program has at most a few hundred rights).
    pub async fn decision_rights(&self, program_id: i64) -> StoreResult<Vec<DecisionRight>> {
        decision_right::Entity::find()
            .filter(decision_right::Column::ProgramId.eq(program_id))
            .order_by_asc(decision_right::Column::ChangeKind)
            .order_by_asc(decision_right::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_decision_right)
            .collect()
    }

    /// The matrix a page at a time, by kind of change.
    #[tracing::instrument(skip(self))]
    pub async fn list_decision_rights(
        &self,
        program_id: i64,
        filter: &DecisionRightFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<DecisionRight>> {
        use decision_right::Column as C;
        let mut query = decision_right::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(module_id) = filter.module_id {
            query = query.filter(C::ModuleId.eq(module_id));
        }
        if let Some(kind) = filter.change_kind {
            query = query.filter(C::ChangeKind.eq(kind.code()));
        }
        if let Some(body) = filter.body_id {
            query = query.filter(C::BodyId.eq(body));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::ChangeKind, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_decision_right)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |r| {
            (r.change_kind.code().to_owned(), r.id)
        }))
    }

    pub async fn decision_right(&self, program_id: i64, id: i64) -> StoreResult<DecisionRight> {
        let row = decision_right::Entity::find_by_id(id)
            .filter(decision_right::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_decision_right(row)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_decision_right(
        &self,
        change: &Change<'_>,
        spec: DecisionRightSpec,
    ) -> StoreResult<DecisionRight> {
        let decider = self
            .check_decision_right(change.program_id(), None, &spec)
            .await?;
        let row = decision_right_row(change.program_id(), spec, decider, Utc::now());
        self.insert_audited(change, ENTITY, row, &[], to_decision_right, |r| r.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_decision_right(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: DecisionRightSpec,
    ) -> StoreResult<DecisionRight> {
        let before = self.decision_right(change.program_id(), id).await?;
        let decider = self
            .check_decision_right(change.program_id(), Some(id), &spec)
            .await?;
        let row = decision_right::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..decision_right_row(change.program_id(), spec, decider, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, &[], to_decision_right)
            .await
    }

    /// Deletes a right no change request was routed by.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_decision_right(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.decision_right(change.program_id(), id).await?;
        let requests = change_request::Entity::find()
            .filter(change_request::Column::DecisionRightId.eq(id))
            .count(&self.db)
            .await?;
        if let Some(uses) = describe_uses(&[(requests, "change request")]) {
            return Err(StoreError::InUse(format!(
                "the decision right for {} changes is still used by {uses}",
                before.change_kind.label().to_lowercase()
            )));
        }
        self.delete_audited::<decision_right::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// The module, account and body exist, and no other right covers the same module (or
    /// all modules) and kind. Checked here because the index cannot see NULL modules as
    /// equal. Returns the decider's words: as given, else the body's name.
    async fn check_decision_right(
        &self,
        program_id: i64,
        id: Option<i64>,
        spec: &DecisionRightSpec,
    ) -> StoreResult<String> {
        use decision_right::Column as C;
        self.check_module_choice(program_id, spec.module_id).await?;
        self.check_account_choice(program_id, spec.decider_account_id, "decider_account_id")
            .await?;
        let body = match spec.body_id {
            Some(body) => Some(self.check_body_choice(program_id, "body_id", body).await?),
            None => None,
        };
        let decider = match (&spec.decider, body) {
            (Some(words), _) => words.as_str().to_owned(),
            (None, Some(body)) => body.name,
            (None, None) => return Err(StoreError::invalid("decider", "is required")),
        };
        let mut same = decision_right::Entity::find()
            .filter(C::ProgramId.eq(program_id))
            .filter(C::ChangeKind.eq(spec.change_kind.code()))
            .filter(match spec.module_id {
                Some(module_id) => C::ModuleId.eq(module_id),
                None => C::ModuleId.is_null(),
            });
        if let Some(id) = id {
            same = same.filter(C::Id.ne(id));
        }
        if same.count(&self.db).await? > 0 {
            let scope = if spec.module_id.is_some() {
                "this module"
            } else {
                "all modules"
            };
            return Err(StoreError::Conflict(Invalid::one(
                "change_kind",
                format!("a decision right for this kind of change to {scope} already exists"),
            )));
        }
        Ok(decider)
    }
}
