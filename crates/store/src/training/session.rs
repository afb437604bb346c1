//! Classroom sessions, listed by start time with their course, trainer and seat counts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::session::{SessionId, SessionSpec, TrainingSession};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryFilter,
    QuerySelect, QueryTrait,
};

use crate::audit::Change;
use crate::entity::{course, enrollment, person, training_session};
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};
use crate::{Store, paging};

const ENTITY: &str = "training_session";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionFilter {
    pub site_id: Option<i64>,
    pub course_id: Option<i64>,
    pub trainer_person_id: Option<i64>,
    /// Sessions this person is on the roster of (not cancelled) or teaches.
    pub person_id: Option<i64>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub until: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct Seats {
    session_id: i64,
    status: String,
    n: i64,
}

fn session_row(
    program_id: i64,
    spec: &SessionSpec,
    now: DateTime<Utc>,
) -> training_session::ActiveModel {
    training_session::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        course_id: Set(spec.course_id),
        starts_at: Set(spec.starts_at),
        ends_at: Set(spec.ends_at),
        site_id: Set(spec.site_id),
        room: Set(spec.room.as_str().into()),
        trainer_person_id: Set(spec.trainer_person_id),
        capacity: Set(spec.capacity),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// Sessions with their course titles, trainer names and seat counts.
    pub(crate) async fn to_sessions<C: ConnectionTrait>(
        &self,
        db: &C,
        rows: Vec<training_session::Model>,
    ) -> StoreResult<Vec<TrainingSession>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let titles: HashMap<i64, String> = course::Entity::find()
            .select_only()
            .columns([course::Column::Id, course::Column::Title])
            .filter(course::Column::Id.is_in(rows.iter().map(|r| r.course_id)))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let trainers: HashMap<i64, String> = person::Entity::find()
            .select_only()
            .columns([person::Column::Id, person::Column::Name])
            .filter(person::Column::Id.is_in(rows.iter().map(|r| r.trainer_person_id)))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let sql = format!(
            "SELECT session_id, status, CAST(COUNT(*) AS BIGINT) AS n FROM enrollment \
             WHERE session_id IN ({}) GROUP BY session_id, status",
            marks(ids.len())
        );
        let values = ids.iter().map(|&i| i.into()).collect();
        let seats = Seats::find_by_statement(statement(self.backend(), &sql, values))
            .all(db)
            .await?;
        let count = |id: i64, statuses: &[&str]| {
            seats
                .iter()
                .filter(|s| s.session_id == id && statuses.contains(&s.status.as_str()))
                .map(|s| s.n)
                .sum()
        };
        Ok(rows
            .into_iter()
            .map(|m| TrainingSession {
                id: m.id,
                course_id: m.course_id,
                course_title: titles.get(&m.course_id).cloned().unwrap_or_default(),
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                site_id: m.site_id,
                room: m.room,
                trainer_person_id: m.trainer_person_id,
                trainer_name: trainers
                    .get(&m.trainer_person_id)
                    .cloned()
                    .unwrap_or_default(),
                capacity: m.capacity,
                enrolled: count(m.id, &["enrolled", "attended", "no_show"]),
                waitlisted: count(m.id, &["waitlisted"]),
            })
            .collect())
    }

    /// Sessions by start time, earliest first.
    #[tracing::instrument(skip(self))]
    pub async fn list_training_sessions(
        &self,
        program_id: i64,
        filter: &SessionFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<TrainingSession>> {
        use training_session::Column as S;
        let mut query = training_session::Entity::find().filter(S::ProgramId.eq(program_id));
        if let Some(id) = filter.site_id {
            query = query.filter(S::SiteId.eq(id));
        }
        if let Some(id) = filter.course_id {
            query = query.filter(S::CourseId.eq(id));
        }
        if let Some(id) = filter.trainer_person_id {
            query = query.filter(S::TrainerPersonId.eq(id));
        }
        if let Some(id) = filter.person_id {
            let booked = enrollment::Entity::find()
                .select_only()
                .column(enrollment::Column::SessionId)
                .filter(enrollment::Column::PersonId.eq(id))
                .filter(enrollment::Column::Status.ne("cancelled"))
                .into_query();
            query = query.filter(
                sea_orm::Condition::any()
                    .add(S::Id.in_subquery(booked))
                    .add(S::TrainerPersonId.eq(id)),
            );
        }
        if let Some(from) = filter.from {
            query = query.filter(S::StartsAt.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(S::StartsAt.lt(until));
        }
        let total = query.clone().count(&self.db).await?;
        let start = cursor
            .map(|c| {
                DateTime::parse_from_rfc3339(&c.key)
                    .map(|at| (at.with_timezone(&Utc), c.id))
                    .map_err(|_| StoreError::invalid("cursor", "is not a cursor of this list"))
            })
            .transpose()?;
        let rows = paging::after_key(query, S::StartsAt, S::Id, start, Order::Asc, limit)
            .all(&self.db)
            .await?;
        let items = self.to_sessions(&self.db, rows).await?;
        Ok(paging::page(items, limit, total, |s| {
            (s.starts_at.to_rfc3339(), s.id)
        }))
    }

    pub async fn training_session(
        &self,
        program_id: i64,
        id: SessionId,
    ) -> StoreResult<TrainingSession> {
        self.training_session_in(&self.db, program_id, id).await
    }

    pub(crate) async fn training_session_in<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        id: SessionId,
    ) -> StoreResult<TrainingSession> {
        let row = training_session::Entity::find_by_id(id)
            .filter(training_session::Column::ProgramId.eq(program_id))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.to_sessions(db, vec![row]).await?.remove(0))
    }

    /// The course, site and trainer exist.
    async fn check_session(&self, program_id: i64, spec: &SessionSpec) -> StoreResult<()> {
        self.course(program_id, spec.course_id).await.map_err(|_| {
            StoreError::invalid(
                "course_id",
                format!("there is no course {}", spec.course_id),
            )
        })?;
        self.site(program_id, spec.site_id).await.map_err(|_| {
            StoreError::invalid("site_id", format!("there is no site {}", spec.site_id))
        })?;
        self.check_person_choice(program_id, "trainer_person_id", spec.trainer_person_id)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_training_session(
        &self,
        change: &Change<'_>,
        spec: SessionSpec,
    ) -> StoreResult<TrainingSession> {
        self.check_session(change.program_id(), &spec).await?;
        let row = session_row(change.program_id(), &spec, Utc::now());
        let created = self
            .insert_audited(change, ENTITY, row, &[], |m| Ok(m.id), |id| *id)
            .await?;
        self.training_session(change.program_id(), created).await
    }

    /// Saves the session; a larger capacity seats the first in line at once.
    #[tracing::instrument(skip(self, change))]
    pub async fn update_training_session(
        &self,
        change: &Change<'_>,
        id: SessionId,
        spec: SessionSpec,
    ) -> StoreResult<TrainingSession> {
        let program_id = change.program_id();
        self.training_session(program_id, id).await?;
        self.check_session(program_id, &spec).await?;
        let row = training_session::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..session_row(program_id, &spec, Utc::now())
        };
        self.save_training_session(change, id, row).await
    }

    /// Refused while anyone is on the roster: cancel them first.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_training_session(
        &self,
        change: &Change<'_>,
        id: SessionId,
    ) -> StoreResult<()> {
        let before = self.training_session(change.program_id(), id).await?;
        let on_roster = enrollment::Entity::find()
            .filter(enrollment::Column::SessionId.eq(id))
            .filter(enrollment::Column::Status.ne("cancelled"))
            .count(&self.db)
            .await?;
        if on_roster > 0 {
            return Err(StoreError::InUse(format!(
                "{} people are on this session's roster; cancel their places first",
                on_roster
            )));
        }
        self.delete_audited::<training_session::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
