//! Follow-up training: assigned by hand, or suggested for a site from failed proficiency
//! and how-to tickets since go-live. Suggestions carry a source key, unique per person, so
//! suggesting again creates nothing twice.

use chrono::{NaiveDate, Utc};
use muster_domain::access::Scope;
use muster_domain::audit::AuditAction;
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::follow_up::{
    FailedAssessment, FollowUp, FollowUpReason, FollowUpSpec, FollowUpStatus, HowToTickets,
    Suggested, suggest,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::{nothing, of_trainees};
use crate::audit::{Change, record};
use crate::entity::follow_up;
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;
use crate::{Store, paging};

const ENTITY: &str = "follow_up";
const DATE: &str = "%Y-%m-%d";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpFilter {
    pub person_id: Option<i64>,
    pub site_id: Option<i64>,
    pub status: Option<FollowUpStatus>,
}

fn follow_up_row(
    program_id: i64,
    spec: &FollowUpSpec,
    key: Option<String>,
) -> follow_up::ActiveModel {
    let now = Utc::now();
    follow_up::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        person_id: Set(spec.person_id),
        course_id: Set(spec.course_id),
        topic: Set(spec.topic.as_str().into()),
        reason: Set(spec.reason.code().into()),
        due_on: Set(spec.due_on),
        status: Set(spec.status.code().into()),
        notes: Set(spec.notes.clone()),
        source_key: Set(key),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

#[derive(FromQueryResult)]
struct FailedRow {
    person_id: i64,
    assessment_id: i64,
    curriculum_name: String,
}

#[derive(FromQueryResult)]
struct HowToRow {
    person_id: i64,
    module_id: Option<i64>,
    module_name: Option<String>,
    tickets: i64,
}

#[derive(FromQueryResult)]
struct GoLive {
    go_live: Option<NaiveDate>,
}

impl Store {
    async fn to_follow_ups(
        &self,
        program_id: i64,
        rows: Vec<follow_up::Model>,
    ) -> StoreResult<Vec<FollowUp>> {
        let people = self
            .trainees(program_id, rows.iter().map(|r| r.person_id).collect())
            .await?;
        rows.into_iter()
            .map(|m| {
                let who = people.get(&m.person_id).cloned().unwrap_or_default();
                Ok(FollowUp {
                    id: m.id,
                    person_id: m.person_id,
                    person_name: who.name,
                    person_site_id: who.site_id,
                    person_email: who.email,
                    course_id: m.course_id,
                    topic: m.topic,
                    reason: FollowUpReason::parse(&m.reason).map_err(StoreError::Corrupt)?,
                    due_on: m.due_on,
                    status: FollowUpStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
                    notes: m.notes,
                })
            })
            .collect()
    }

    /// Follow-ups by due date, soonest first.
    #[tracing::instrument(skip(self))]
    pub async fn list_follow_ups(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &FollowUpFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<FollowUp>> {
        use follow_up::Column as F;
        let Some(mut query) = of_trainees::<follow_up::Entity>(
            program_id,
            scope,
            filter.site_id,
            F::ProgramId,
            F::PersonId,
        ) else {
            return Ok(nothing());
        };
        if let Some(id) = filter.person_id {
            query = query.filter(F::PersonId.eq(id));
        }
        if let Some(status) = filter.status {
            query = query.filter(F::Status.eq(status.code()));
        }
        let total = query.clone().count(&self.db).await?;
        let start = cursor
            .map(|c| {
                NaiveDate::parse_from_str(&c.key, DATE)
                    .map(|day| (day, c.id))
                    .map_err(|_| StoreError::invalid("cursor", "is not a cursor of this list"))
            })
            .transpose()?;
        let rows = paging::after_key(query, F::DueOn, F::Id, start, Order::Asc, limit)
            .all(&self.db)
            .await?;
        let items = self.to_follow_ups(program_id, rows).await?;
        Ok(paging::page(items, limit, total, |f| {
            (f.due_on.format(DATE).to_string(), f.id)
        }))
    }

    pub async fn follow_up(&self, program_id: i64, id: i64) -> StoreResult<FollowUp> {
        let row = follow_up::Entity::find_by_id(id)
            .filter(follow_up::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.to_follow_ups(program_id, vec![row]).await?.remove(0))
    }

    async fn check_follow_up(&self, program_id: i64, spec: &FollowUpSpec) -> StoreResult<()> {
        self.check_person_choice(program_id, "person_id", spec.person_id)
            .await?;
        if let Some(course) = spec.course_id {
            self.course(program_id, course).await.map_err(|_| {
                StoreError::invalid("course_id", format!("there is no course {course}"))
            })?;
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_follow_up(
        &self,
        change: &Change<'_>,
        spec: FollowUpSpec,
    ) -> StoreResult<FollowUp> {
        let program_id = change.program_id();
        self.check_follow_up(program_id, &spec).await?;
        let row = follow_up_row(program_id, &spec, None);
        let id = self
            .insert_audited(change, ENTITY, row, &[], |m| Ok(m.id), |id| *id)
            .await?;
        self.follow_up(program_id, id).await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_follow_up(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: FollowUpSpec,
    ) -> StoreResult<FollowUp> {
        let program_id = change.program_id();
        let before = self.follow_up(program_id, id).await?;
        self.check_follow_up(program_id, &spec).await?;
        let row = follow_up::ActiveModel {
            id: Set(id),
            source_key: NotSet,
            created_at: NotSet,
            ..follow_up_row(program_id, &spec, None)
        };
        self.update_audited(change, ENTITY, id, &before, row, &[], |m| {
            let who = (
                before.person_name.clone(),
                before.person_site_id,
                before.person_email.clone(),
            );
            Ok(FollowUp {
                id: m.id,
                person_id: m.person_id,
                person_name: who.0,
                person_site_id: who.1,
                person_email: who.2,
                course_id: m.course_id,
                topic: m.topic,
                reason: FollowUpReason::parse(&m.reason).map_err(StoreError::Corrupt)?,
                due_on: m.due_on,
                status: FollowUpStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
                notes: m.notes,
            })
        })
        .await?;
        self.follow_up(program_id, id).await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_follow_up(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.follow_up(change.program_id(), id).await?;
        self.delete_audited::<follow_up::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// Suggests follow-ups for the people of `site_id` (failed latest assessments; how-to
    /// tickets since the site's go-live) and creates those not made before.
    #[tracing::instrument(skip(self, change))]
    pub async fn suggest_follow_ups(
        &self,
        change: &Change<'_>,
        site_id: i64,
        today: NaiveDate,
    ) -> StoreResult<Suggested> {
        let program_id = change.program_id();
        let backend = self.backend();
        let failed = FailedRow::find_by_statement(statement(
            backend,
            "SELECT a.person_id AS person_id, a.id AS assessment_id, c.name AS curriculum_name \
             FROM assessment a JOIN person p ON p.id = a.person_id \
             JOIN curriculum c ON c.id = a.curriculum_id \
             WHERE p.program_id = ? AND p.site_id = ? AND a.passed = ? AND NOT EXISTS ( \
               SELECT 1 FROM assessment b WHERE b.person_id = a.person_id \
               AND b.curriculum_id = a.curriculum_id AND (b.assessed_on > a.assessed_on \
               OR (b.assessed_on = a.assessed_on AND b.id > a.id))) ORDER BY a.id",
            vec![program_id.into(), site_id.into(), false.into()],
        ))
        .all(&self.db)
        .await?;
        let go_live = GoLive::find_by_statement(statement(
            backend,
            "SELECT MIN(w.go_live) AS go_live FROM wave w JOIN wave_site ws ON ws.wave_id = w.id \
             WHERE ws.site_id = ?",
            vec![site_id.into()],
        ))
        .one(&self.db)
        .await?
        .and_then(|g| g.go_live)
        .map_or(0, |d| {
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp()
        });
        let how_to = HowToRow::find_by_statement(statement(
            backend,
            "SELECT p.id AS person_id, t.module_id AS module_id, m.name AS module_name, \
             CAST(COUNT(*) AS BIGINT) AS tickets FROM ticket t \
             JOIN account ac ON ac.id = t.requester_account_id \
             JOIN person p ON p.program_id = t.program_id AND p.email = ac.email \
             LEFT JOIN module m ON m.id = t.module_id \
             WHERE t.program_id = ? AND t.site_id = ? AND t.category = ? AND t.opened_at >= ? \
             GROUP BY p.id, t.module_id, m.name ORDER BY p.id",
            vec![
                program_id.into(),
                site_id.into(),
                "how_to".into(),
                go_live.into(),
            ],
        ))
        .all(&self.db)
        .await?;
        let failed: Vec<FailedAssessment> = failed
            .into_iter()
            .map(|r| FailedAssessment {
                person_id: r.person_id,
                assessment_id: r.assessment_id,
                curriculum_name: r.curriculum_name,
            })
            .collect();
        let how_to: Vec<HowToTickets> = how_to
            .into_iter()
            .map(|r| HowToTickets {
                person_id: r.person_id,
                module_id: r.module_id,
                module_name: r.module_name,
                tickets: r.tickets,
            })
            .collect();
        let suggestions = suggest(&failed, &how_to, today);
        let txn = self.db.begin().await?;
        let mut created = 0;
        for s in &suggestions {
            use follow_up::Column as F;
            created += follow_up::Entity::insert(follow_up_row(
                program_id,
                &s.spec,
                Some(s.source_key.clone()),
            ))
            .on_conflict(
                OnConflict::columns([F::ProgramId, F::PersonId, F::SourceKey])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await? as usize;
        }
        let outcome = Suggested {
            suggested: suggestions.len(),
            created,
        };
        if created > 0 {
            let summary = serde_json::json!({ "suggested_for_site": site_id, "created": created });
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
        }
        txn.commit().await?;
        Ok(outcome)
    }
}
