//! Classroom sessions as a resource; a session's page shows its roster, and the roster
//! page (`roster.rs`) takes enrollments, cancellations and attendance.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::text::date;
use muster_domain::training::session::{SessionDraft, SessionSpec, TrainingSession};
use muster_store::training::SessionFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::when;
use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, filter_id, filter_value, options_with,
};

pub struct Sessions;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SessionQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer_person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    /// Starting on or after this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

impl SessionQuery {
    pub fn filter(&self) -> StoreResult<SessionFilter> {
        let start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        Ok(SessionFilter {
            site_id: filter_id("site_id", &self.site_id)?,
            course_id: filter_id("course_id", &self.course_id)?,
            trainer_person_id: filter_id("trainer_person_id", &self.trainer_person_id)?,
            person_id: filter_id("person_id", &self.person_id)?,
            from: filter_value("from", &self.from, date)?.map(start),
            until: None,
        })
    }
}

pub fn seats(s: &TrainingSession) -> String {
    let mut text = format!("{} of {}", s.enrolled, s.capacity);
    if s.waitlisted > 0 {
        text.push_str(&format!(", {} waiting", s.waitlisted));
    }
    text
}

impl Resource for Sessions {
    const SUBJECT: Subject = Subject::TrainingSession;
    const PATH: &'static str = "sessions";
    const SINGULAR: &'static str = "session";
    const TITLE: &'static str = "Training sessions";
    type Item = TrainingSession;
    type Draft = SessionDraft;
    type Spec = SessionSpec;
    type Query = SessionQuery;

    fn id(item: &TrainingSession) -> i64 {
        item.id
    }
    fn label(item: &TrainingSession) -> String {
        format!("{}, {}", item.course_title, when(item.starts_at))
    }
    fn parse(draft: SessionDraft) -> Result<SessionSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: SessionDraft, base: SessionDraft) -> SessionDraft {
        patch.over(base)
    }
    fn place(s: &TrainingSession) -> Place<'_> {
        Place::Site(Some(s.site_id))
    }
    fn spec_place<'a>(s: &'a SessionSpec, _: Option<&'a TrainingSession>) -> Place<'a> {
        Place::Site(Some(s.site_id))
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &SessionQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<TrainingSession>> {
        store
            .list_training_sessions(actor.program_id, &q.filter()?, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<TrainingSession> {
        store.training_session(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: SessionSpec,
    ) -> StoreResult<TrainingSession> {
        store.create_training_session(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: SessionSpec,
    ) -> StoreResult<TrainingSession> {
        store.update_training_session(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_training_session(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("site_id", "only sessions at this site"),
            ("course_id", "only sessions of this course"),
            ("trainer_person_id", "only sessions this person teaches"),
            (
                "person_id",
                "only sessions this person is booked on or teaches",
            ),
            ("from", "starting on or after this day (YYYY-MM-DD)"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Starts (UTC)", "Course", "Site", "Room", "Trainer", "Seats"]
    }
    fn cells(s: &TrainingSession, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(when(s.starts_at), format!("/sessions/{}", s.id)),
            Cell::link(&s.course_title, format!("/courses/{}", s.course_id)),
            Cell::text(lookup.site_name(Some(s.site_id))),
            Cell::text(&s.room),
            Cell::text(&s.trainer_name),
            Cell::text(seats(s)),
        ]
    }
    fn facts(s: &TrainingSession, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Course",
                value: Cell::link(&s.course_title, format!("/courses/{}", s.course_id)),
            },
            Fact {
                label: "Starts (UTC)",
                value: Cell::text(when(s.starts_at)),
            },
            Fact {
                label: "Ends (UTC)",
                value: Cell::text(when(s.ends_at)),
            },
            Fact {
                label: "Site",
                value: Cell::link(
                    lookup.site_name(Some(s.site_id)),
                    format!("/sites/{}", s.site_id),
                ),
            },
            Fact {
                label: "Room",
                value: Cell::text(&s.room),
            },
            Fact {
                label: "Trainer",
                value: Cell::link(&s.trainer_name, format!("/people/{}", s.trainer_person_id)),
            },
            Fact {
                label: "Seats",
                value: Cell::text(seats(s)),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &SessionDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let courses = store.all_courses(actor.program_id).await?;
        let courses = options_with(
            None,
            courses
                .into_iter()
                .filter(|c| c.active)
                .map(|c| (c.id.to_string(), format!("{} {}", c.code, c.title))),
        );
        Ok(vec![
            Field::new(
                "course_id",
                "Course",
                FieldKind::Select(courses),
                d.course_id.as_deref(),
            )
            .required(),
            Field::new(
                "starts_at",
                "Starts (UTC)",
                FieldKind::DateTime,
                d.starts_at.as_deref(),
            )
            .required(),
            Field::new(
                "ends_at",
                "Ends (UTC)",
                FieldKind::DateTime,
                d.ends_at.as_deref(),
            )
            .required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(None)),
                d.site_id.as_deref(),
            )
            .required(),
            Field::new("room", "Room", FieldKind::Text, d.room.as_deref()).required(),
            Field::new(
                "trainer_person_id",
                "Trainer's person id",
                FieldKind::Person,
                d.trainer_person_id.as_deref(),
            )
            .required()
            .help("The number in the trainer's page address, /people/…"),
            Field::new(
                "capacity",
                "Seats",
                FieldKind::Number,
                d.capacity.as_deref(),
            )
            .required(),
        ])
    }
    fn filters(q: &SessionQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new("from", "Starting from", FieldKind::Date, q.from.as_deref()),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        s: &TrainingSession,
    ) -> StoreResult<Vec<Section>> {
        let roster = store.roster(actor.program_id, s.id).await?;
        let rows = roster
            .iter()
            .filter(|e| super::roster::visible(actor, e))
            .map(|e| {
                vec![
                    Cell::text(&e.person_name),
                    Cell::text(e.status.label()),
                    Cell::text(
                        e.waitlist_position
                            .map(|p| p.to_string())
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        Ok(vec![Section {
            title: "Roster".into(),
            columns: vec!["Person", "Status", "Waitlist position"],
            rows,
            more: Some((
                "Enroll, cancel and record attendance".into(),
                format!("/sessions/{}/roster", s.id),
            )),
        }])
    }
}
