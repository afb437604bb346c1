//! Curricula and their ordered courses. Changing a curriculum's courses or role rebuilds
//! its progress rows in the same transaction.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::JobRole;
use muster_domain::training::curriculum::{Curriculum, CurriculumId, CurriculumSpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::progress::{Target, refresh, without_curriculum};
use crate::audit::Change;
use crate::entity::{assessment, curriculum};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::raw::{marks, statement};
use crate::write::Then;
use crate::{Store, paging};

const ENTITY: &str = "curriculum";
const UNIQUE: &[UniqueField] = &[
    UniqueField {
        index: "ux_curriculum_name",
        column: "curriculum.name",
        field: "name",
        message: "another curriculum already has this name",
    },
    UniqueField {
        index: "ux_curriculum_role_module",
        column: "curriculum.module_id",
        field: "module_id",
        message: "this job role already has a curriculum for this module",
    },
];

#[derive(FromQueryResult)]
struct Member {
    curriculum_id: i64,
    course_id: i64,
    hours: f64,
}

fn to_curriculum(m: curriculum::Model, members: &[Member]) -> StoreResult<Curriculum> {
    let mine: Vec<&Member> = members.iter().filter(|c| c.curriculum_id == m.id).collect();
    Ok(Curriculum {
        id: m.id,
        job_role: JobRole::parse(&m.job_role).map_err(StoreError::Corrupt)?,
        module_id: m.module_id,
        course_ids: mine.iter().map(|c| c.course_id).collect(),
        expected_hours: m
            .hours_entered
            .unwrap_or_else(|| mine.iter().map(|c| c.hours).sum()),
        hours_entered: m.hours_entered,
        pass_mark: m.pass_mark,
        name: m.name,
    })
}

fn curriculum_row(
    program_id: i64,
    spec: &CurriculumSpec,
    now: chrono::DateTime<Utc>,
) -> curriculum::ActiveModel {
    curriculum::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.as_str().into()),
        job_role: Set(spec.job_role.code().into()),
        module_id: Set(spec.module_id),
        hours_entered: Set(spec.hours_entered),
        pass_mark: Set(spec.pass_mark),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    /// The courses of `ids`, in curriculum order, with their hours.
    async fn members<C: ConnectionTrait>(&self, db: &C, ids: &[i64]) -> StoreResult<Vec<Member>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT cc.curriculum_id, cc.course_id, c.hours FROM curriculum_course cc \
             JOIN course c ON c.id = cc.course_id WHERE cc.curriculum_id IN ({}) \
             ORDER BY cc.curriculum_id, cc.position",
            marks(ids.len())
        );
        let values = ids.iter().map(|&i| i.into()).collect();
        Ok(
            Member::find_by_statement(statement(self.backend(), &sql, values))
                .all(db)
                .await?,
        )
    }

    #[tracing::instrument(skip(self))]
    pub async fn list_curricula(
        &self,
        program_id: i64,
        job_role: Option<JobRole>,
        module_id: Option<i64>,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Curriculum>> {
        use curriculum::Column as C;
        let mut query = curriculum::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(role) = job_role {
            query = query.filter(C::JobRole.eq(role.code()));
        }
        if let Some(module_id) = module_id {
            query = query.filter(C::ModuleId.eq(module_id));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let members = self.members(&self.db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|m| to_curriculum(m, &members))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |c| {
            (c.name.clone(), c.id)
        }))
    }

    /// Every curriculum of the program, by name.
    pub async fn all_curricula(&self, program_id: i64) -> StoreResult<Vec<Curriculum>> {
        let rows = curriculum::Entity::find()
            .filter(curriculum::Column::ProgramId.eq(program_id))
            .order_by_asc(curriculum::Column::Name)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let members = self.members(&self.db, &ids).await?;
        rows.into_iter()
            .map(|m| to_curriculum(m, &members))
            .collect()
    }

    pub async fn curriculum(&self, program_id: i64, id: CurriculumId) -> StoreResult<Curriculum> {
        self.curriculum_in(&self.db, program_id, id).await
    }

    async fn curriculum_in<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        id: CurriculumId,
    ) -> StoreResult<Curriculum> {
        let row = curriculum::Entity::find_by_id(id)
            .filter(curriculum::Column::ProgramId.eq(program_id))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        let members = self.members(db, &[id]).await?;
        to_curriculum(row, &members)
    }

    /// The module and every course exist in the program.
    async fn check_curriculum(&self, program_id: i64, spec: &CurriculumSpec) -> StoreResult<()> {
        self.check_module_choice(program_id, Some(spec.module_id))
            .await?;
        let known: HashMap<i64, ()> = self
            .all_courses(program_id)
            .await?
            .into_iter()
            .map(|c| (c.id, ()))
            .collect();
        if let Some(missing) = spec.course_ids.iter().find(|id| !known.contains_key(id)) {
            return Err(StoreError::invalid(
                "course_ids",
                format!("there is no course {missing}"),
            ));
        }
        Ok(())
    }

    /// Replaces the curriculum's courses and rebuilds its progress rows.
    async fn set_courses(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        id: CurriculumId,
        course_ids: &[i64],
    ) -> StoreResult<()> {
        txn.execute_raw(statement(
            self.backend(),
            "DELETE FROM curriculum_course WHERE curriculum_id = ?",
            vec![id.into()],
        ))
        .await?;
        for (position, course_id) in course_ids.iter().enumerate() {
            txn.execute_raw(statement(
                self.backend(),
                "INSERT INTO curriculum_course (program_id, curriculum_id, course_id, position) \
                 VALUES (?, ?, ?, ?)",
                vec![
                    program_id.into(),
                    id.into(),
                    (*course_id).into(),
                    (position as i64).into(),
                ],
            ))
            .await?;
        }
        refresh(txn, self.backend(), Target::Curriculum(id)).await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_curriculum(
        &self,
        change: &Change<'_>,
        spec: CurriculumSpec,
    ) -> StoreResult<Curriculum> {
        let program_id = change.program_id();
        self.check_curriculum(program_id, &spec).await?;
        let row = curriculum_row(program_id, &spec, Utc::now());
        let links = self.curriculum_links(program_id, spec.course_ids);
        self.insert_then(change, ENTITY, row, UNIQUE, links, |c| c.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_curriculum(
        &self,
        change: &Change<'_>,
        id: CurriculumId,
        spec: CurriculumSpec,
    ) -> StoreResult<Curriculum> {
        let program_id = change.program_id();
        let before = self.curriculum(program_id, id).await?;
        self.check_curriculum(program_id, &spec).await?;
        let row = curriculum::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..curriculum_row(program_id, &spec, Utc::now())
        };
        let links = self.curriculum_links(program_id, spec.course_ids);
        self.update_then(change, ENTITY, id, &before, row, UNIQUE, links)
            .await
    }

    /// Replaces a curriculum's courses (rebuilding its progress rows) and reads it back, in
    /// the write's transaction.
    fn curriculum_links(
        &self,
        program_id: i64,
        course_ids: Vec<i64>,
    ) -> impl for<'t> FnOnce(&'t DatabaseTransaction, curriculum::Model) -> Then<'t, Curriculum>
    + Send
    + use<> {
        let store = self.clone();
        move |txn, stored| {
            let id = stored.id;
            Box::pin(async move {
                store.set_courses(txn, program_id, id, &course_ids).await?;
                store.curriculum_in(txn, program_id, id).await
            })
        }
    }

    /// Refused while assessments were taken against it; its progress rows go with it, and
    /// its program's status rows are rebuilt without it.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_curriculum(
        &self,
        change: &Change<'_>,
        id: CurriculumId,
    ) -> StoreResult<()> {
        let before = self.curriculum(change.program_id(), id).await?;
        let assessments = assessment::Entity::find()
            .filter(assessment::Column::CurriculumId.eq(id))
            .count(&self.db)
            .await?;
        if let Some(uses) = describe_uses(&[(assessments, "assessment")]) {
            return Err(StoreError::InUse(format!(
                "{} has {uses} on record",
                before.name
            )));
        }
        let first = without_curriculum(self.backend(), change.program_id(), id);
        self.delete_audited_after::<curriculum::Entity, _>(change, ENTITY, id, &before, first)
            .await
    }
}
