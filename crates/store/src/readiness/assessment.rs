//! Assessments: a wave's scorecard frozen as JSON, at a checkpoint (at most one each, the
//! unique index sees to it even when two requests race) or ad hoc. Never updated.

use chrono::{NaiveDate, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::readiness::Checkpoint;
use muster_domain::readiness::assessment::{AssessmentSpec, ReadinessAssessment, due_checkpoint};
use muster_domain::readiness::scorecard::Scorecard;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::Store;
use crate::audit::Change;
use crate::entity::{program, readiness_assessment, wave};
use crate::error::{StoreError, StoreResult, UniqueField};

const ENTITY: &str = "readiness_assessment";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_readiness_assessment_checkpoint",
    column: "readiness_assessment.checkpoint",
    field: "checkpoint",
    message: "this wave's assessment at this checkpoint is already recorded",
}];

/// What the audit log keeps of an assessment: the frozen scorecard itself stays in its row.
#[derive(Serialize)]
struct Audited {
    id: i64,
    wave_id: i64,
    checkpoint: Option<Checkpoint>,
    taken_on: NaiveDate,
    automatic: bool,
    sites: usize,
    criteria: usize,
}

pub(crate) fn frozen(scorecard: &Scorecard) -> StoreResult<String> {
    serde_json::to_string(scorecard).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn thawed(json: &str) -> StoreResult<Scorecard> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("scorecard: {e}")))
}

fn to_assessment(m: readiness_assessment::Model) -> StoreResult<ReadinessAssessment> {
    Ok(ReadinessAssessment {
        id: m.id,
        wave_id: m.wave_id,
        checkpoint: m
            .checkpoint
            .as_deref()
            .map(Checkpoint::parse)
            .transpose()
            .map_err(StoreError::Corrupt)?,
        taken_on: m.taken_on,
        taken_at: m.taken_at,
        taken_by: m.taken_by,
        automatic: m.automatic,
        scorecard: thawed(&m.scorecard)?,
    })
}

impl Store {
    /// Freezes wave `spec.wave_id`'s scorecard now. A checkpoint already recorded is
    /// refused (409), whoever recorded it.
    #[tracing::instrument(skip(self, change))]
    pub async fn record_readiness_assessment(
        &self,
        change: &Change<'_>,
        spec: AssessmentSpec,
        today: NaiveDate,
    ) -> StoreResult<ReadinessAssessment> {
        let program_id = change.program_id();
        let scorecard = self
            .scorecard(program_id, spec.wave_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    StoreError::invalid("wave_id", format!("there is no wave {}", spec.wave_id))
                }
                e => e,
            })?;
        self.insert_assessment(change, spec.checkpoint, today, false, scorecard)
            .await
    }

    async fn insert_assessment(
        &self,
        change: &Change<'_>,
        checkpoint: Option<Checkpoint>,
        today: NaiveDate,
        automatic: bool,
        scorecard: Scorecard,
    ) -> StoreResult<ReadinessAssessment> {
        use sea_orm::{ActiveModelTrait, TransactionTrait};
        let row = readiness_assessment::ActiveModel {
            id: NotSet,
            program_id: Set(change.program_id()),
            wave_id: Set(scorecard.wave_id),
            checkpoint: Set(checkpoint.map(|c| c.code().to_owned())),
            taken_on: Set(today),
            taken_at: Set(Utc::now()),
            taken_by: Set(change.actor.name.clone()),
            automatic: Set(automatic),
            scorecard: Set(frozen(&scorecard)?),
        };
        let txn = self.db.begin().await?;
        let stored = row
            .insert(&txn)
            .await
            .map_err(|e| crate::error::map_unique(e, UNIQUE))?;
        let assessment = to_assessment(stored)?;
        let audited = Audited {
            id: assessment.id,
            wave_id: assessment.wave_id,
            checkpoint,
            taken_on: today,
            automatic,
            sites: scorecard.sites.len(),
            criteria: scorecard.criteria.len(),
        };
        crate::audit::record(
            &txn,
            change,
            ENTITY,
            assessment.id,
            muster_domain::audit::AuditAction::Create,
            None,
            Some(&audited),
        )
        .await?;
        txn.commit().await?;
        Ok(assessment)
    }

    /// Records the assessment each wave of the program is due on `today` (the latest
    /// checkpoint passed, up to go-live) unless it is already recorded. Idempotent: running
    /// it again, or from two processes at once, records nothing more.
    #[tracing::instrument(skip(self))]
    pub async fn record_due_assessments(
        &self,
        program_id: i64,
        today: NaiveDate,
    ) -> StoreResult<Vec<ReadinessAssessment>> {
        let waves = wave::Entity::find()
            .filter(wave::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?;
        let recorded: Vec<(i64, Option<String>)> = readiness_assessment::Entity::find()
            .filter(readiness_assessment::Column::ProgramId.eq(program_id))
            .filter(readiness_assessment::Column::Checkpoint.is_not_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| (a.wave_id, a.checkpoint))
            .collect();
        let actor = Actor {
            name: "readiness checkpoints".into(),
            ..Actor::operator(program_id)
        };
        let change = Change::new(&actor, Via::Rule);
        let mut taken = Vec::new();
        for w in waves {
            let Some(checkpoint) = due_checkpoint(w.go_live, today) else {
                continue;
            };
            let key = (w.id, Some(checkpoint.code().to_owned()));
            if recorded.contains(&key) {
                continue;
            }
            let scorecard = self.scorecard(program_id, w.id).await?;
            match self
                .insert_assessment(&change, Some(checkpoint), today, true, scorecard)
                .await
            {
                Ok(a) => taken.push(a),
                // Another process recorded it first: nothing to do.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(taken)
    }

    /// `record_due_assessments` for every program (the background tick and the CLI).
    pub async fn record_due_assessments_all(&self, today: NaiveDate) -> StoreResult<usize> {
        let mut n = 0;
        for p in program::Entity::find().all(&self.db).await? {
            n += self
                .record_due_assessments(p.program_id, today)
                .await?
                .len();
        }
        Ok(n)
    }

    /// A wave's assessments, oldest first (the trend's order).
    #[tracing::instrument(skip(self))]
    pub async fn list_readiness_assessments(
        &self,
        program_id: i64,
        wave_id: Option<i64>,
    ) -> StoreResult<Vec<ReadinessAssessment>> {
        use readiness_assessment::Column as C;
        let mut query = readiness_assessment::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(wave_id) = wave_id {
            query = query.filter(C::WaveId.eq(wave_id));
        }
        query
            .order_by_asc(C::TakenAt)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_assessment)
            .collect()
    }

    pub async fn readiness_assessment(
        &self,
        program_id: i64,
        id: i64,
    ) -> StoreResult<ReadinessAssessment> {
        let row = readiness_assessment::Entity::find_by_id(id)
            .filter(readiness_assessment::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("readiness assessment", id))?;
        to_assessment(row)
    }
}
