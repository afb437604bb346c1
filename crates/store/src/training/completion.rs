//! Completions: one row per person and course, the later completion date winning. Writes
//! rebuild the touched people's progress in the same transaction. `insert_completions_bulk`
//! serves the LMS import and the demo: many rows per statement, one audit entry per batch.

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::completion::{
    Completion, CompletionFilter, CompletionSource, CompletionSpec, latest_per_course,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use super::progress::{Target, refresh};
use super::{newest_page, nothing, of_trainees};
use crate::Store;
use crate::audit::{Change, record, record_saved};
use crate::entity::{completion, course};
use crate::error::{StoreError, StoreResult};

const ENTITY: &str = "completion";
/// Rows per INSERT: SQLite allows at most 32,766 bound values per statement.
pub const COMPLETIONS_PER_STATEMENT: usize = 32_000 / 7;

pub(crate) fn completion_row(
    program_id: i64,
    spec: &CompletionSpec,
    now: chrono::DateTime<Utc>,
) -> completion::ActiveModel {
    completion::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        person_id: Set(spec.person_id),
        course_id: Set(spec.course_id),
        completed_on: Set(spec.completed_on),
        source: Set(spec.source.code().into()),
        score: Set(spec.score),
        recorded_at: Set(now),
    }
}

/// Inserts `rows`; where the person already completed the course, the later date wins.
pub(crate) async fn upsert<C: ConnectionTrait>(
    db: &C,
    rows: Vec<completion::ActiveModel>,
) -> StoreResult<()> {
    use completion::Column as K;
    let later = Expr::col((completion::Entity, K::CompletedOn))
        .lte(Expr::col((Alias::new("excluded"), K::CompletedOn)));
    completion::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([K::PersonId, K::CourseId])
                .update_columns([K::CompletedOn, K::Source, K::Score, K::RecordedAt])
                .action_and_where(later)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

impl Store {
    async fn to_completions(
        &self,
        program_id: i64,
        rows: Vec<completion::Model>,
    ) -> StoreResult<Vec<Completion>> {
        let people = self
            .trainees(program_id, rows.iter().map(|r| r.person_id).collect())
            .await?;
        let mut course_ids: Vec<i64> = rows.iter().map(|r| r.course_id).collect();
        course_ids.dedup();
        let titles: std::collections::HashMap<i64, String> = course::Entity::find()
            .select_only()
            .columns([course::Column::Id, course::Column::Title])
            .filter(course::Column::Id.is_in(course_ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        rows.into_iter()
            .map(|m| {
                let who = people.get(&m.person_id).cloned().unwrap_or_default();
                Ok(Completion {
                    id: m.id,
                    person_id: m.person_id,
                    person_name: who.name,
                    person_site_id: who.site_id,
                    person_email: who.email,
                    course_title: titles.get(&m.course_id).cloned().unwrap_or_default(),
                    course_id: m.course_id,
                    completed_on: m.completed_on,
                    source: CompletionSource::parse(&m.source).map_err(StoreError::Corrupt)?,
                    score: m.score,
                })
            })
            .collect()
    }

    /// Completions newest first, under `scope` and `filter`, a page at a time.
    #[tracing::instrument(skip(self))]
    pub async fn list_completions(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &CompletionFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Completion>> {
        use completion::Column as K;
        let Some(mut query) = of_trainees::<completion::Entity>(
            program_id,
            scope,
            filter.site_id,
            K::ProgramId,
            K::PersonId,
        ) else {
            return Ok(nothing());
        };
        if let Some(id) = filter.person_id {
            query = query.filter(K::PersonId.eq(id));
        }
        if let Some(id) = filter.course_id {
            query = query.filter(K::CourseId.eq(id));
        }
        if let Some(source) = filter.source {
            query = query.filter(K::Source.eq(source.code()));
        }
        if let Some(day) = filter.since {
            query = query.filter(K::CompletedOn.gte(day));
        }
        if let Some(day) = filter.until {
            query = query.filter(K::CompletedOn.lt(day));
        }
        let (rows, total) = self.newest_first(query, K::Id, cursor, limit).await?;
        let items = self.to_completions(program_id, rows).await?;
        Ok(newest_page(items, limit, total, |c| c.id))
    }

    pub async fn completion(&self, program_id: i64, id: i64) -> StoreResult<Completion> {
        let row = completion::Entity::find_by_id(id)
            .filter(completion::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.to_completions(program_id, vec![row]).await?.remove(0))
    }

    async fn completion_of<C: ConnectionTrait>(
        db: &C,
        person_id: i64,
        course_id: i64,
    ) -> StoreResult<Option<completion::Model>> {
        Ok(completion::Entity::find()
            .filter(completion::Column::PersonId.eq(person_id))
            .filter(completion::Column::CourseId.eq(course_id))
            .one(db)
            .await?)
    }

    /// Records a completion (latest date wins) and returns the one now on record.
    #[tracing::instrument(skip(self, change))]
    pub async fn record_completion(
        &self,
        change: &Change<'_>,
        spec: CompletionSpec,
    ) -> StoreResult<Completion> {
        let program_id = change.program_id();
        self.check_person_choice(program_id, "person_id", spec.person_id)
            .await?;
        self.course(program_id, spec.course_id).await.map_err(|_| {
            StoreError::invalid(
                "course_id",
                format!("there is no course {}", spec.course_id),
            )
        })?;
        let txn = self.db.begin().await?;
        let before = match Self::completion_of(&txn, spec.person_id, spec.course_id).await? {
            Some(row) => Some(self.to_completions(program_id, vec![row]).await?.remove(0)),
            None => None,
        };
        upsert(&txn, vec![completion_row(program_id, &spec, Utc::now())]).await?;
        refresh(&txn, self.backend(), Target::People(&[spec.person_id])).await?;
        let row = Self::completion_of(&txn, spec.person_id, spec.course_id)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, spec.person_id))?;
        let after = self.to_completions(program_id, vec![row]).await?.remove(0);
        if before.as_ref() != Some(&after) {
            record_saved(&txn, change, ENTITY, after.id, before.as_ref(), &after).await?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// Changes a completion in place (its date, score, or which course or person).
    #[tracing::instrument(skip(self, change))]
    pub async fn update_completion(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: CompletionSpec,
    ) -> StoreResult<Completion> {
        let program_id = change.program_id();
        let before = self.completion(program_id, id).await?;
        self.check_person_choice(program_id, "person_id", spec.person_id)
            .await?;
        let txn = self.db.begin().await?;
        let row = completion::Entity::update(completion::ActiveModel {
            id: Set(id),
            ..completion_row(program_id, &spec, Utc::now())
        })
        .exec(&txn)
        .await
        .map_err(|e| {
            crate::error::map_unique(
                e,
                &[crate::error::UniqueField {
                    index: "ux_completion",
                    column: "completion.course_id",
                    field: "course_id",
                    message: "this person already has a completion of this course",
                }],
            )
        })?;
        refresh(
            &txn,
            self.backend(),
            Target::People(&[before.person_id, spec.person_id]),
        )
        .await?;
        let after = self.to_completions(program_id, vec![row]).await?.remove(0);
        record(
            &txn,
            change,
            ENTITY,
            id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_completion(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.completion(change.program_id(), id).await?;
        self.delete_with_progress::<completion::Entity, _>(
            change,
            ENTITY,
            id,
            before.person_id,
            &before,
        )
        .await
    }

    /// Inserts completions in one transaction (latest date wins per person and course),
    /// rebuilds the progress of the people they name, and records one audit entry.
    /// Callers check that people and courses exist; the foreign keys refuse otherwise.
    #[tracing::instrument(skip(self, change, completions), fields(rows = completions.len()))]
    pub async fn insert_completions_bulk(
        &self,
        change: &Change<'_>,
        completions: Vec<CompletionSpec>,
    ) -> StoreResult<usize> {
        let count = completions.len();
        let completions = latest_per_course(completions);
        if count == 0 {
            return Ok(0);
        }
        let program_id = change.program_id();
        let now = Utc::now();
        let mut people: Vec<i64> = completions.iter().map(|c| c.person_id).collect();
        people.sort_unstable();
        people.dedup();
        let txn = self.db.begin().await?;
        for chunk in completions.chunks(COMPLETIONS_PER_STATEMENT) {
            let rows = chunk
                .iter()
                .map(|c| completion_row(program_id, c, now))
                .collect();
            upsert(&txn, rows).await?;
        }
        refresh(&txn, self.backend(), Target::People(&people)).await?;
        let summary = serde_json::json!({ "bulk_insert": count, "people": people.len() });
        record(
            &txn,
            change,
            ENTITY,
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
