//! Lessons learned, and the readiness criteria and plan tasks made from them, linked in the
//! same transaction as they are made.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::lesson::{
    FollowUp, FollowUpKind, Lesson, LessonId, LessonSource, LessonSpec, Phase, search_terms,
};
use muster_domain::module::ModuleId;
use muster_domain::paging::{Cursor, Page};
use muster_domain::plan::task::{PlanTask, TaskSpec};
use muster_domain::readiness::{Criterion, CriterionSpec};
use muster_domain::site::SiteId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::Ts;
use crate::error::{StoreError, StoreResult};
use crate::raw::{backend_of, marks, statement};
use crate::write::Also;

pub mod entity {
    use super::Ts;
    crate::entity::entity!("lesson" {
        title: String, observation: String, recommendation: String, source: String,
        ticket_id: Option<i64>, wave_id: Option<i64>, site_id: Option<i64>,
        module_id: Option<i64>, phase: String, recorded_by: String, created_at: Ts,
        updated_at: Ts,
    });
}
use entity as lesson;

const ENTITY: &str = "lesson";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonFilter {
    /// Every word in the title, observation or recommendation.
    pub search: Option<String>,
    pub module_id: Option<ModuleId>,
    pub site_id: Option<SiteId>,
    pub wave_id: Option<i64>,
    pub phase: Option<Phase>,
    pub source: Option<LessonSource>,
}

fn to_lesson(m: lesson::Model, follow_ups: Vec<FollowUp>) -> StoreResult<Lesson> {
    Ok(Lesson {
        id: m.id,
        title: m.title,
        observation: m.observation,
        recommendation: m.recommendation,
        source: LessonSource::parse(&m.source).map_err(StoreError::Corrupt)?,
        ticket_id: m.ticket_id,
        wave_id: m.wave_id,
        site_id: m.site_id,
        module_id: m.module_id,
        phase: Phase::parse(&m.phase).map_err(StoreError::Corrupt)?,
        recorded_by: m.recorded_by,
        recorded_at: m.created_at,
        follow_ups,
    })
}

fn lesson_row(program_id: i64, spec: LessonSpec, recorded_by: &str) -> lesson::ActiveModel {
    let now = Utc::now();
    lesson::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        title: Set(spec.title.into_string()),
        observation: Set(spec.observation),
        recommendation: Set(spec.recommendation),
        source: Set(spec.source.code().into()),
        ticket_id: Set(spec.ticket_id),
        wave_id: Set(spec.wave_id),
        site_id: Set(spec.site_id),
        module_id: Set(spec.module_id),
        phase: Set(spec.phase.code().into()),
        recorded_by: Set(recorded_by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The audit entry of a follow-up link.
#[derive(Serialize)]
struct FollowUpMade {
    lesson_id: LessonId,
    kind: &'static str,
    target_id: i64,
}

impl Store {
    /// Lessons, newest first, filtered; search needs every word somewhere in the text.
    pub async fn list_lessons(
        &self,
        program_id: i64,
        filter: &LessonFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Lesson>> {
        use lesson::Column as C;
        let mut query = lesson::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(text) = &filter.search {
            let columns = [C::Title, C::Observation, C::Recommendation];
            let all = search_terms(text)
                .iter()
                .fold(Condition::all(), |all, word| {
                    all.add(crate::filter::contains(&columns, word))
                });
            query = query.filter(all);
        }
        if let Some(id) = filter.module_id {
            query = query.filter(C::ModuleId.eq(id));
        }
        if let Some(id) = filter.site_id {
            query = query.filter(C::SiteId.eq(id));
        }
        if let Some(id) = filter.wave_id {
            query = query.filter(C::WaveId.eq(id));
        }
        if let Some(phase) = filter.phase {
            query = query.filter(C::Phase.eq(phase.code()));
        }
        if let Some(source) = filter.source {
            query = query.filter(C::Source.eq(source.code()));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(c) = cursor {
            query = query.filter(C::Id.lt(c.id));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut follow_ups = self.follow_ups(program_id, &ids).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let links = follow_ups.remove(&m.id).unwrap_or_default();
                to_lesson(m, links)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(crate::paging::page(items, limit, total, |l| {
            (String::new(), l.id)
        }))
    }

    pub async fn lesson(&self, program_id: i64, id: LessonId) -> StoreResult<Lesson> {
        let row = lesson::Entity::find_by_id(id)
            .filter(lesson::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let links = self
            .follow_ups(program_id, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        to_lesson(row, links)
    }

    /// The follow-ups of these lessons, with their targets' names now (one query a kind).
    async fn follow_ups(
        &self,
        program_id: i64,
        lessons: &[LessonId],
    ) -> StoreResult<HashMap<LessonId, Vec<FollowUp>>> {
        let mut out: HashMap<LessonId, Vec<FollowUp>> = HashMap::new();
        if lessons.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT f.lesson_id, f.kind, f.target_id, \
                    COALESCE(c.name, t.name, ''), t.wave_id \
             FROM lesson_follow_up f \
             LEFT JOIN readiness_criterion c ON f.kind = 'criterion' AND c.id = f.target_id \
             LEFT JOIN plan_task t ON f.kind = 'task' AND t.id = f.target_id \
             WHERE f.program_id = ? AND f.lesson_id IN ({}) \
             ORDER BY f.lesson_id, f.created_at, f.target_id",
            marks(lessons.len())
        );
        let mut values = vec![program_id.into()];
        values.extend(lessons.iter().map(|&id| id.into()));
        let rows = self
            .db
            .query_all_raw(statement(self.backend(), &sql, values))
            .await?;
        for row in rows {
            let lesson_id: i64 = row.try_get_by_index(0)?;
            let kind: String = row.try_get_by_index(1)?;
            out.entry(lesson_id).or_default().push(FollowUp {
                kind: FollowUpKind::parse(&kind).map_err(StoreError::Corrupt)?,
                target_id: row.try_get_by_index(2)?,
                name: row.try_get_by_index(3)?,
                wave_id: row.try_get_by_index(4)?,
            });
        }
        Ok(out)
    }

    pub async fn create_lesson(
        &self,
        change: &Change<'_>,
        spec: LessonSpec,
    ) -> StoreResult<Lesson> {
        self.check_lesson_refs(change.program_id(), &spec).await?;
        let row = lesson_row(change.program_id(), spec, &change.actor.name);
        self.insert_audited(
            change,
            ENTITY,
            row,
            &[],
            |m| to_lesson(m, Vec::new()),
            |l| l.id,
        )
        .await
    }

    pub async fn update_lesson(
        &self,
        change: &Change<'_>,
        id: LessonId,
        spec: LessonSpec,
    ) -> StoreResult<Lesson> {
        let before = self.lesson(change.program_id(), id).await?;
        self.check_lesson_refs(change.program_id(), &spec).await?;
        let row = lesson::ActiveModel {
            id: Set(id),
            recorded_by: NotSet,
            created_at: NotSet,
            ..lesson_row(change.program_id(), spec, "")
        };
        let links = before.follow_ups.clone();
        self.update_audited(change, ENTITY, id, &before, row, &[], |m| {
            to_lesson(m, links)
        })
        .await
    }

    /// Deletes a lesson and its links; what it led to stays.
    pub async fn delete_lesson(&self, change: &Change<'_>, id: LessonId) -> StoreResult<()> {
        let before = self.lesson(change.program_id(), id).await?;
        let unlink = statement(
            self.backend(),
            "DELETE FROM lesson_follow_up WHERE lesson_id = ?",
            vec![id.into()],
        );
        self.delete_audited_after::<lesson::Entity, _>(change, ENTITY, id, &before, vec![unlink])
            .await
    }

    /// The ticket, wave, site and module a lesson names must be the program's.
    async fn check_lesson_refs(&self, program_id: i64, spec: &LessonSpec) -> StoreResult<()> {
        let refs = [
            ("ticket_id", "ticket", spec.ticket_id),
            ("wave_id", "wave", spec.wave_id),
            ("site_id", "site", spec.site_id),
            ("module_id", "module", spec.module_id),
        ];
        for (field, table, id) in refs {
            let Some(id) = id else { continue };
            let sql = format!("SELECT 1 FROM {table} WHERE id = ? AND program_id = ?");
            let found = self
                .db
                .query_one_raw(statement(
                    self.backend(),
                    &sql,
                    vec![id.into(), program_id.into()],
                ))
                .await?;
            if found.is_none() {
                return Err(StoreError::invalid(
                    field,
                    format!("no {table} has id {id}"),
                ));
            }
        }
        Ok(())
    }

    /// Makes a readiness criterion from lesson `id` and keeps the link, in one transaction.
    pub async fn criterion_from_lesson(
        &self,
        change: &Change<'_>,
        id: LessonId,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        self.lesson(change.program_id(), id).await?;
        let also = follow_up(change, id, FollowUpKind::Criterion);
        self.create_criterion_also(change, spec, also).await
    }

    /// Makes a plan task from lesson `id` (for a later wave) and keeps the link.
    pub async fn task_from_lesson(
        &self,
        change: &Change<'_>,
        id: LessonId,
        spec: TaskSpec,
    ) -> StoreResult<PlanTask> {
        self.lesson(change.program_id(), id).await?;
        let also = follow_up(change, id, FollowUpKind::Task);
        self.create_plan_task_also(change, spec, also).await
    }

    /// The newest lessons, for the program dashboard.
    pub async fn recent_lessons(&self, program_id: i64, limit: u64) -> StoreResult<Vec<Lesson>> {
        let page = self
            .list_lessons(program_id, &LessonFilter::default(), None, limit)
            .await?;
        Ok(page.items)
    }
}

/// Writes the link from lesson `lesson_id` to the record just made, and its audit entry.
fn follow_up(change: &Change<'_>, lesson_id: LessonId, kind: FollowUpKind) -> Also {
    let (actor, via) = (change.actor.clone(), change.via);
    Box::new(move |txn, target_id| {
        Box::pin(async move {
            let change = Change::new(&actor, via);
            let sql = "INSERT INTO lesson_follow_up \
                       (program_id, lesson_id, kind, target_id, created_at) \
                       VALUES (?, ?, ?, ?, ?)";
            let values = vec![
                change.program_id().into(),
                lesson_id.into(),
                kind.code().into(),
                target_id.into(),
                Utc::now().into(),
            ];
            txn.execute_raw(statement(backend_of(txn), sql, values))
                .await?;
            let made = FollowUpMade {
                lesson_id,
                kind: kind.code(),
                target_id,
            };
            record(
                txn,
                &change,
                "lesson_follow_up",
                lesson_id,
                AuditAction::Create,
                None,
                Some(&made),
            )
            .await
        })
    })
}
