//! Champions' own advanced training: the active advanced courses of their modules (and
//! those of no module), each with the champion's completion, if any.

use std::collections::HashMap;

use muster_domain::champion::{AdvancedCourse, Champion, all_completed};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Store;
use crate::entity::{completion, course};
use crate::error::StoreResult;

impl Store {
    /// Fills in each champion's advanced courses: two queries however many champions.
    pub(super) async fn add_advanced_training<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        champions: &mut [Champion],
    ) -> StoreResult<()> {
        let courses = course::Entity::find()
            .filter(course::Column::ProgramId.eq(program_id))
            .filter(course::Column::Advanced.eq(true))
            .filter(course::Column::Active.eq(true))
            .order_by_asc(course::Column::Code)
            .all(db)
            .await?;
        if courses.is_empty() {
            return Ok(());
        }
        let people: Vec<i64> = champions.iter().map(|c| c.placed.person_id).collect();
        let done: HashMap<(i64, i64), chrono::NaiveDate> = completion::Entity::find()
            .select_only()
            .columns([
                completion::Column::PersonId,
                completion::Column::CourseId,
                completion::Column::CompletedOn,
            ])
            .filter(completion::Column::PersonId.is_in(people))
            .filter(completion::Column::CourseId.is_in(courses.iter().map(|c| c.id)))
            .into_tuple::<(i64, i64, chrono::NaiveDate)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(person, course, on)| ((person, course), on))
            .collect();
        for champion in champions.iter_mut() {
            champion.advanced_training = courses
                .iter()
                .filter(|c| AdvancedCourse::applies_to(c.module_id, &champion.module_ids))
                .map(|c| AdvancedCourse {
                    course_id: c.id,
                    code: c.code.clone(),
                    title: c.title.clone(),
                    module_id: c.module_id,
                    completed_on: done.get(&(champion.placed.person_id, c.id)).copied(),
                })
                .collect();
            champion.advanced_training_complete = all_completed(&champion.advanced_training);
        }
        Ok(())
    }
}
