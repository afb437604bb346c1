//! Proficiency assessments: every attempt kept; the pass mark is the curriculum's at the
//! time. Each write rebuilds the person's progress (the latest attempt decides).

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::assessment::{Assessment, AssessmentSpec};
use muster_domain::training::curriculum::passes;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use super::progress::{Target, refresh};
use super::{newest_page, nothing, of_trainees};
use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{assessment, curriculum};
use crate::error::{StoreError, StoreResult};

const ENTITY: &str = "assessment";

impl Store {
    async fn to_assessments(
        &self,
        program_id: i64,
        rows: Vec<assessment::Model>,
    ) -> StoreResult<Vec<Assessment>> {
        let people = self
            .trainees(program_id, rows.iter().map(|r| r.person_id).collect())
            .await?;
        let names: std::collections::HashMap<i64, String> = curriculum::Entity::find()
            .select_only()
            .columns([curriculum::Column::Id, curriculum::Column::Name])
            .filter(curriculum::Column::ProgramId.eq(program_id))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(rows
            .into_iter()
            .map(|m| {
                let who = people.get(&m.person_id).cloned().unwrap_or_default();
                Assessment {
                    id: m.id,
                    person_id: m.person_id,
                    person_name: who.name,
                    person_site_id: who.site_id,
                    person_email: who.email,
                    curriculum_name: names.get(&m.curriculum_id).cloned().unwrap_or_default(),
                    curriculum_id: m.curriculum_id,
                    score: m.score,
                    pass_mark: m.pass_mark,
                    passed: m.passed,
                    assessed_on: m.assessed_on,
                    assessor: m.assessor,
                }
            })
            .collect())
    }

    /// Assessments newest first, for one person or everyone `scope` reaches.
    #[tracing::instrument(skip(self))]
    pub async fn list_assessments(
        &self,
        program_id: i64,
        scope: &Scope,
        person_id: Option<i64>,
        curriculum_id: Option<i64>,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Assessment>> {
        use assessment::Column as A;
        let Some(mut query) =
            of_trainees::<assessment::Entity>(program_id, scope, None, A::ProgramId, A::PersonId)
        else {
            return Ok(nothing());
        };
        if let Some(id) = person_id {
            query = query.filter(A::PersonId.eq(id));
        }
        if let Some(id) = curriculum_id {
            query = query.filter(A::CurriculumId.eq(id));
        }
        let (rows, total) = self.newest_first(query, A::Id, cursor, limit).await?;
        let items = self.to_assessments(program_id, rows).await?;
        Ok(newest_page(items, limit, total, |a| a.id))
    }

    pub async fn assessment(&self, program_id: i64, id: i64) -> StoreResult<Assessment> {
        let row = assessment::Entity::find_by_id(id)
            .filter(assessment::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.to_assessments(program_id, vec![row]).await?.remove(0))
    }

    async fn assessment_row(
        &self,
        program_id: i64,
        spec: &AssessmentSpec,
    ) -> StoreResult<assessment::ActiveModel> {
        self.check_person_choice(program_id, "person_id", spec.person_id)
            .await?;
        let curriculum = self
            .curriculum(program_id, spec.curriculum_id)
            .await
            .map_err(|_| {
                StoreError::invalid(
                    "curriculum_id",
                    format!("there is no curriculum {}", spec.curriculum_id),
                )
            })?;
        Ok(assessment::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            person_id: Set(spec.person_id),
            curriculum_id: Set(spec.curriculum_id),
            score: Set(spec.score),
            pass_mark: Set(curriculum.pass_mark),
            passed: Set(passes(spec.score, curriculum.pass_mark)),
            assessed_on: Set(spec.assessed_on),
            assessor: Set(spec.assessor.as_str().into()),
            recorded_at: Set(Utc::now()),
        })
    }

    /// Records an assessment against the curriculum's current pass mark.
    #[tracing::instrument(skip(self, change))]
    pub async fn record_assessment(
        &self,
        change: &Change<'_>,
        spec: AssessmentSpec,
    ) -> StoreResult<Assessment> {
        let program_id = change.program_id();
        let row = self.assessment_row(program_id, &spec).await?;
        let txn = self.db.begin().await?;
        let saved = row.insert(&txn).await?;
        refresh(&txn, self.backend(), Target::People(&[spec.person_id])).await?;
        let created = self
            .to_assessments(program_id, vec![saved])
            .await?
            .remove(0);
        record(
            &txn,
            change,
            ENTITY,
            created.id,
            AuditAction::Create,
            None,
            Some(&created),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Corrects an assessment (a mistyped score); the pass mark is looked up again.
    #[tracing::instrument(skip(self, change))]
    pub async fn update_assessment(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: AssessmentSpec,
    ) -> StoreResult<Assessment> {
        let program_id = change.program_id();
        let before = self.assessment(program_id, id).await?;
        let row = assessment::ActiveModel {
            id: Set(id),
            ..self.assessment_row(program_id, &spec).await?
        };
        let txn = self.db.begin().await?;
        let saved = row.update(&txn).await?;
        refresh(
            &txn,
            self.backend(),
            Target::People(&[before.person_id, spec.person_id]),
        )
        .await?;
        let after = self
            .to_assessments(program_id, vec![saved])
            .await?
            .remove(0);
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
    pub async fn delete_assessment(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.assessment(change.program_id(), id).await?;
        self.delete_with_progress::<assessment::Entity, _>(
            change,
            ENTITY,
            id,
            before.person_id,
            &before,
        )
        .await
    }
}
