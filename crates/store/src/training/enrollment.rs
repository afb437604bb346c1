//! Rosters: enrollment with waitlist, cancellation that promotes the first in line, and
//! attendance that records the course completion. Each change locks the session row first
//! (an UPDATE that changes nothing), so two people never take the same last seat; the
//! shuffle and its audit entries commit together.

use chrono::Utc;
use muster_domain::audit::AuditAction;
use muster_domain::training::completion::{CompletionSource, CompletionSpec};
use muster_domain::training::session::{
    Enrollment, EnrollmentStatus, Roster, Seat, SessionId, Shuffle, TrainingSession, attendance,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

use super::completion::{completion_row, upsert};
use super::progress::{Target, refresh};
use crate::Store;
use crate::audit::{Change, record};
use crate::entity::{completion, enrollment, training_session};
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;

const ENTITY: &str = "enrollment";

impl Store {
    /// Locks session `id` for the rest of `txn`.
    async fn lock_session(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        id: SessionId,
    ) -> StoreResult<()> {
        let locked = txn
            .execute_raw(statement(
                self.backend(),
                "UPDATE training_session SET capacity = capacity WHERE id = ? AND program_id = ?",
                vec![id.into(), program_id.into()],
            ))
            .await?
            .rows_affected();
        if locked == 0 {
            return Err(StoreError::not_found("training_session", id));
        }
        Ok(())
    }

    async fn roster_rows<C: ConnectionTrait>(
        db: &C,
        session_id: SessionId,
    ) -> StoreResult<Vec<enrollment::Model>> {
        Ok(enrollment::Entity::find()
            .filter(enrollment::Column::SessionId.eq(session_id))
            .order_by_asc(enrollment::Column::Id)
            .all(db)
            .await?)
    }

    async fn to_enrollments(
        &self,
        program_id: i64,
        rows: Vec<enrollment::Model>,
    ) -> StoreResult<Vec<Enrollment>> {
        let people = self
            .trainees(program_id, rows.iter().map(|r| r.person_id).collect())
            .await?;
        rows.into_iter()
            .map(|m| {
                let who = people.get(&m.person_id).cloned().unwrap_or_default();
                Ok(Enrollment {
                    id: m.id,
                    session_id: m.session_id,
                    person_id: m.person_id,
                    person_name: who.name,
                    person_site_id: who.site_id,
                    person_email: who.email,
                    status: EnrollmentStatus::parse(&m.status).map_err(StoreError::Corrupt)?,
                    waitlist_position: m.waitlist_position,
                    enrolled_at: m.enrolled_at,
                })
            })
            .collect()
    }

    /// The session's roster: seats first, then the waitlist in order, then cancellations.
    pub async fn roster(
        &self,
        program_id: i64,
        session_id: SessionId,
    ) -> StoreResult<Vec<Enrollment>> {
        self.training_session(program_id, session_id).await?;
        let mut all = self
            .to_enrollments(program_id, Self::roster_rows(&self.db, session_id).await?)
            .await?;
        all.sort_by_key(|e| match e.status {
            EnrollmentStatus::Waitlisted => (1, e.waitlist_position.unwrap_or(0), e.id),
            EnrollmentStatus::Cancelled => (2, 0, e.id),
            _ => (0, 0, e.id),
        });
        Ok(all)
    }

    /// One person's enrollments across sessions, newest first.
    pub async fn enrollments_of(
        &self,
        program_id: i64,
        person_id: i64,
    ) -> StoreResult<Vec<Enrollment>> {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::ProgramId.eq(program_id))
            .filter(enrollment::Column::PersonId.eq(person_id))
            .order_by_desc(enrollment::Column::Id)
            .all(&self.db)
            .await?;
        self.to_enrollments(program_id, rows).await
    }

    fn seats(rows: &[enrollment::Model], capacity: i64) -> StoreResult<Roster> {
        let seats = rows
            .iter()
            .filter(|r| r.status != EnrollmentStatus::Cancelled.code())
            .map(|r| {
                Ok(Seat {
                    person_id: r.person_id,
                    status: EnrollmentStatus::parse(&r.status).map_err(StoreError::Corrupt)?,
                    waitlist_position: r.waitlist_position,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Roster { capacity, seats })
    }

    /// Writes one enrollment's new status and position, with its audit entry.
    async fn set_place(
        &self,
        txn: &DatabaseTransaction,
        change: &Change<'_>,
        row: &enrollment::Model,
        status: EnrollmentStatus,
        position: Option<i64>,
    ) -> StoreResult<enrollment::Model> {
        let program_id = change.program_id();
        let before = self
            .to_enrollments(program_id, vec![row.clone()])
            .await?
            .remove(0);
        let saved = enrollment::ActiveModel {
            id: Set(row.id),
            status: Set(status.code().into()),
            waitlist_position: Set(position),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(txn)
        .await?;
        let after = self
            .to_enrollments(program_id, vec![saved.clone()])
            .await?
            .remove(0);
        record(
            txn,
            change,
            ENTITY,
            row.id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(saved)
    }

    /// Applies a shuffle: the promoted take seats, the rest of the line moves up.
    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        change: &Change<'_>,
        rows: &[enrollment::Model],
        shuffle: &Shuffle,
    ) -> StoreResult<()> {
        let row_of = |person| {
            rows.iter()
                .find(|r| r.person_id == person)
                .expect("on the roster")
        };
        for &person in &shuffle.promoted {
            self.set_place(
                txn,
                change,
                row_of(person),
                EnrollmentStatus::Enrolled,
                None,
            )
            .await?;
        }
        for &(person, position) in &shuffle.renumbered {
            self.set_place(
                txn,
                change,
                row_of(person),
                EnrollmentStatus::Waitlisted,
                Some(position),
            )
            .await?;
        }
        Ok(())
    }

    /// Saves a session's changed row and, in the same transaction, seats the waiting if
    /// the capacity grew.
    pub(crate) async fn save_training_session(
        &self,
        change: &Change<'_>,
        id: SessionId,
        row: training_session::ActiveModel,
    ) -> StoreResult<TrainingSession> {
        let program_id = change.program_id();
        let txn = self.db.begin().await?;
        self.lock_session(&txn, program_id, id).await?;
        let before = self.training_session_in(&txn, program_id, id).await?;
        let saved = row.update(&txn).await?;
        let rows = Self::roster_rows(&txn, id).await?;
        let shuffle = Self::seats(&rows, saved.capacity)?.fill();
        self.apply(&txn, change, &rows, &shuffle).await?;
        let after = self.training_session_in(&txn, program_id, id).await?;
        record(
            &txn,
            change,
            "training_session",
            id,
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// A transaction holding the session's lock, with the session and its roster rows.
    async fn open_roster(
        &self,
        program_id: i64,
        session_id: SessionId,
    ) -> StoreResult<(DatabaseTransaction, TrainingSession, Vec<enrollment::Model>)> {
        let txn = self.db.begin().await?;
        self.lock_session(&txn, program_id, session_id).await?;
        let session = self
            .training_session_in(&txn, program_id, session_id)
            .await?;
        let rows = Self::roster_rows(&txn, session_id).await?;
        Ok((txn, session, rows))
    }

    /// Enrolls `person_id`: a seat if one is free, else the end of the waitlist.
    #[tracing::instrument(skip(self, change))]
    pub async fn enroll(
        &self,
        change: &Change<'_>,
        session_id: SessionId,
        person_id: i64,
    ) -> StoreResult<Enrollment> {
        let program_id = change.program_id();
        self.check_person_choice(program_id, "person_id", person_id)
            .await?;
        let (txn, session, rows) = self.open_roster(program_id, session_id).await?;
        let place = Self::seats(&rows, session.capacity)?
            .place(person_id)
            .map_err(|m| StoreError::Conflict(muster_domain::Invalid::one("person_id", m)))?;
        let saved = match rows.iter().find(|r| r.person_id == person_id) {
            // Enrolling again after a cancellation reuses the row.
            Some(cancelled) => {
                self.set_place(
                    &txn,
                    change,
                    cancelled,
                    place.status,
                    place.waitlist_position,
                )
                .await?
            }
            None => {
                let now = Utc::now();
                let saved = enrollment::ActiveModel {
                    id: NotSet,
                    program_id: Set(program_id),
                    session_id: Set(session_id),
                    person_id: Set(person_id),
                    status: Set(place.status.code().into()),
                    waitlist_position: Set(place.waitlist_position),
                    enrolled_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                let created = self
                    .to_enrollments(program_id, vec![saved.clone()])
                    .await?
                    .remove(0);
                record(
                    &txn,
                    change,
                    ENTITY,
                    saved.id,
                    AuditAction::Create,
                    None,
                    Some(&created),
                )
                .await?;
                saved
            }
        };
        txn.commit().await?;
        Ok(self
            .to_enrollments(program_id, vec![saved])
            .await?
            .remove(0))
    }

    /// Cancels `person_id`'s place; the first in line takes a freed seat.
    #[tracing::instrument(skip(self, change))]
    pub async fn cancel_enrollment(
        &self,
        change: &Change<'_>,
        session_id: SessionId,
        person_id: i64,
    ) -> StoreResult<Enrollment> {
        let program_id = change.program_id();
        let (txn, session, rows) = self.open_roster(program_id, session_id).await?;
        let shuffle = Self::seats(&rows, session.capacity)?
            .cancel(person_id)
            .map_err(|m| StoreError::Conflict(muster_domain::Invalid::one("person_id", m)))?;
        let row = rows
            .iter()
            .find(|r| r.person_id == person_id)
            .expect("on the roster");
        let saved = self
            .set_place(&txn, change, row, EnrollmentStatus::Cancelled, None)
            .await?;
        self.apply(&txn, change, &rows, &shuffle).await?;
        txn.commit().await?;
        Ok(self
            .to_enrollments(program_id, vec![saved])
            .await?
            .remove(0))
    }

    /// Records attendance. Attending completes the session's course on the session's day;
    /// a no-show after all withdraws a completion that attendance had recorded.
    #[tracing::instrument(skip(self, change))]
    pub async fn record_attendance(
        &self,
        change: &Change<'_>,
        session_id: SessionId,
        person_id: i64,
        attended: bool,
    ) -> StoreResult<Enrollment> {
        let program_id = change.program_id();
        let (txn, session, rows) = self.open_roster(program_id, session_id).await?;
        let row = rows
            .iter()
            .find(|r| r.person_id == person_id && r.status != EnrollmentStatus::Cancelled.code())
            .ok_or_else(|| StoreError::invalid("person_id", "is not on this session's roster"))?;
        let current = EnrollmentStatus::parse(&row.status).map_err(StoreError::Corrupt)?;
        let status = attendance(current, attended)
            .map_err(|m| StoreError::Conflict(muster_domain::Invalid::one("person_id", m)))?;
        let saved = self.set_place(&txn, change, row, status, None).await?;
        let spec = CompletionSpec {
            person_id,
            course_id: session.course_id,
            completed_on: session.starts_at.date_naive(),
            source: CompletionSource::Session,
            score: None,
        };
        if attended {
            let row = completion_row(program_id, &spec, Utc::now());
            upsert(&txn, vec![row]).await?;
        } else if current == EnrollmentStatus::Attended {
            completion::Entity::delete_many()
                .filter(completion::Column::PersonId.eq(person_id))
                .filter(completion::Column::CourseId.eq(spec.course_id))
                .filter(completion::Column::Source.eq(CompletionSource::Session.code()))
                .filter(completion::Column::CompletedOn.eq(spec.completed_on))
                .exec(&txn)
                .await?;
        }
        refresh(&txn, self.backend(), Target::People(&[person_id])).await?;
        let summary = serde_json::json!({ "attendance": status.code(), "session_id": session_id, "course_id": spec.course_id });
        record(
            &txn,
            change,
            "completion",
            person_id,
            AuditAction::Update,
            None,
            Some(&summary),
        )
        .await?;
        txn.commit().await?;
        Ok(self
            .to_enrollments(program_id, vec![saved])
            .await?
            .remove(0))
    }
}
