//! Training in the store: courses and curricula, sessions and their rosters, completions
//! (one per person and course, bulk-loadable by the million), assessments, follow-ups,
//! and the per-person curriculum progress that the dashboard and readiness read.

mod assessment;
mod completion;
mod course;
mod curriculum;
mod enrollment;
mod feed;
mod follow_up;
mod progress;
mod session;

use std::collections::HashMap;

use muster_domain::access::Scope;
use muster_domain::site::SiteId;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

pub use completion::COMPLETIONS_PER_STATEMENT;
pub use course::CourseFilter;
pub use follow_up::FollowUpFilter;
pub use progress::BehindPage;
pub use session::SessionFilter;

use crate::Store;
use crate::entity::{account, person};
use crate::error::StoreResult;

/// What training records show of the person they belong to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trainee {
    pub name: String,
    pub site_id: Option<SiteId>,
    pub email: String,
}

/// The person ids whose training `scope` may see: `None` for nobody, `Some(None)` for
/// everybody, else a subquery.
pub(crate) fn trainee_ids(program_id: i64, scope: &Scope) -> Option<Option<SelectStatement>> {
    use person::Column as P;
    let people = person::Entity::find()
        .select_only()
        .column(P::Id)
        .filter(P::ProgramId.eq(program_id));
    match scope {
        Scope::Nothing | Scope::Organization(_) => None,
        Scope::Everything => Some(None),
        Scope::Sites(ids) => Some(Some(
            people.filter(P::SiteId.is_in(ids.clone())).into_query(),
        )),
        Scope::Own(account_id) => {
            let email = account::Entity::find()
                .select_only()
                .column(account::Column::Email)
                .filter(account::Column::Id.eq(*account_id))
                .into_query();
            Some(Some(
                people.filter(P::Email.in_subquery(email)).into_query(),
            ))
        }
    }
}

impl Store {
    /// Names, sites and emails of `ids`, in one query.
    pub(crate) async fn trainees(
        &self,
        program_id: i64,
        mut ids: Vec<i64>,
    ) -> StoreResult<HashMap<i64, Trainee>> {
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, String, Option<i64>, String)> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::Name,
                person::Column::SiteId,
                person::Column::Email,
            ])
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Id.is_in(ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, site_id, email)| {
                (
                    id,
                    Trainee {
                        name,
                        site_id,
                        email,
                    },
                )
            })
            .collect())
    }

    /// The person `id` exists in the program: else a field error on `field`.
    pub(crate) async fn check_person_choice(
        &self,
        program_id: i64,
        field: &str,
        id: i64,
    ) -> StoreResult<muster_domain::person::Person> {
        self.person(program_id, id)
            .await
            .map_err(|_| crate::StoreError::invalid(field, format!("there is no person {id}")))
    }
}
