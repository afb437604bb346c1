//! Courses: listed by title, refused deletion while curricula, sessions, completions or
//! follow-ups name them (retire them instead).

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::training::course::{Course, CourseId, CourseKind, CourseSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::{completion, course, follow_up, training_session};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::raw::statement;
use crate::{Store, paging};

const ENTITY: &str = "course";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_course_code",
    column: "course.code",
    field: "code",
    message: "another course already has this code",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseFilter {
    pub module_id: Option<i64>,
    pub kind: Option<CourseKind>,
    pub active: Option<bool>,
    pub advanced: Option<bool>,
    pub search: Option<String>,
}

pub(crate) fn to_course(m: course::Model) -> StoreResult<Course> {
    Ok(Course {
        id: m.id,
        kind: CourseKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        code: m.code,
        title: m.title,
        hours: m.hours,
        module_id: m.module_id,
        advanced: m.advanced,
        active: m.active,
    })
}

fn course_row(
    program_id: i64,
    spec: CourseSpec,
    now: chrono::DateTime<Utc>,
) -> course::ActiveModel {
    course::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        code: Set(spec.code.as_str().into()),
        title: Set(spec.title.into_string()),
        kind: Set(spec.kind.code().into()),
        hours: Set(spec.hours),
        module_id: Set(spec.module_id),
        advanced: Set(spec.advanced),
        active: Set(spec.active),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_courses(
        &self,
        program_id: i64,
        filter: &CourseFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Course>> {
        use course::Column as C;
        let mut query = course::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(module_id) = filter.module_id {
            query = query.filter(C::ModuleId.eq(module_id));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(C::Kind.eq(kind.code()));
        }
        if let Some(active) = filter.active {
            query = query.filter(C::Active.eq(active));
        }
        if let Some(advanced) = filter.advanced {
            query = query.filter(C::Advanced.eq(advanced));
        }
        if let Some(text) = &filter.search {
            query = query.filter(crate::filter::contains(&[C::Title, C::Code], text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Title, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_course)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |c| {
            (c.title.clone(), c.id)
        }))
    }

    /// Every course of the program, by title (curriculum forms, names on pages).
    pub async fn all_courses(&self, program_id: i64) -> StoreResult<Vec<Course>> {
        course::Entity::find()
            .filter(course::Column::ProgramId.eq(program_id))
            .order_by_asc(course::Column::Title)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_course)
            .collect()
    }

    pub async fn course(&self, program_id: i64, id: CourseId) -> StoreResult<Course> {
        let row = course::Entity::find_by_id(id)
            .filter(course::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_course(row)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_course(
        &self,
        change: &Change<'_>,
        spec: CourseSpec,
    ) -> StoreResult<Course> {
        self.check_module_choice(change.program_id(), spec.module_id)
            .await?;
        let row = course_row(change.program_id(), spec, Utc::now());
        self.insert_audited(change, ENTITY, row, UNIQUE, to_course, |c| c.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_course(
        &self,
        change: &Change<'_>,
        id: CourseId,
        spec: CourseSpec,
    ) -> StoreResult<Course> {
        let before = self.course(change.program_id(), id).await?;
        self.check_module_choice(change.program_id(), spec.module_id)
            .await?;
        let row = course::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..course_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_course)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_course(&self, change: &Change<'_>, id: CourseId) -> StoreResult<()> {
        let before = self.course(change.program_id(), id).await?;
        let curricula = self
            .count_sql(
                "SELECT COUNT(*) AS n FROM curriculum_course WHERE course_id = ?",
                id,
            )
            .await?;
        let sessions = training_session::Entity::find()
            .filter(training_session::Column::CourseId.eq(id))
            .count(&self.db)
            .await?;
        let completions = completion::Entity::find()
            .filter(completion::Column::CourseId.eq(id))
            .count(&self.db)
            .await?;
        let follow_ups = follow_up::Entity::find()
            .filter(follow_up::Column::CourseId.eq(id))
            .count(&self.db)
            .await?;
        let uses = [
            (curricula, "curriculum"),
            (sessions, "session"),
            (completions, "completion"),
            (follow_ups, "follow-up"),
        ];
        if let Some(uses) = describe_uses(&uses) {
            return Err(StoreError::InUse(format!(
                "{} is still named by {uses}; retire the course instead",
                before.title
            )));
        }
        self.delete_audited::<course::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// A count from `sql`, which selects one column `n` with one `?` for `id`.
    pub(crate) async fn count_sql(&self, sql: &str, id: i64) -> StoreResult<u64> {
        #[derive(sea_orm::FromQueryResult)]
        struct Count {
            n: i64,
        }
        use sea_orm::FromQueryResult;
        let row = Count::find_by_statement(statement(self.backend(), sql, vec![id.into()]))
            .one(&self.db)
            .await?;
        Ok(row.map_or(0, |r| r.n.max(0) as u64))
    }
}
