//! People: the staff directory, paged by name at national scale (400,000 people).

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::money::Cents;
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::{
    EmployerKind, JobRole, Person, PersonFilter, PersonId, PersonSpec, Shift,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Select,
};

use crate::audit::Change;
use crate::champion::ChampionRef;
use crate::entity::{person, rounding};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::{Store, paging};

const ENTITY: &str = "person";
pub(crate) const UNIQUE: &[UniqueField] = &[
    UniqueField {
        index: "ux_person_email",
        column: "person.email",
        field: "email",
        message: "another person already has this email",
    },
    UniqueField {
        index: "ux_person_employee_id",
        column: "person.employee_id",
        field: "employee_id",
        message: "another person already has this employee id",
    },
];

/// After a person's insert, in its transaction: their training status row.
fn with_status(
    status: sea_orm::Statement,
) -> impl for<'t> FnOnce(&'t DatabaseTransaction, person::Model) -> crate::write::Then<'t, Person> + Send
{
    move |txn, m| {
        Box::pin(async move {
            txn.execute_raw(status).await?;
            to_person(m)
        })
    }
}

pub(crate) fn to_person(m: person::Model) -> StoreResult<Person> {
    Ok(Person {
        id: m.id,
        job_role: JobRole::parse(&m.job_role).map_err(StoreError::Corrupt)?,
        employer_kind: EmployerKind::parse(&m.employer_kind).map_err(StoreError::Corrupt)?,
        name: m.name,
        email: m.email,
        employee_id: m.employee_id,
        site_id: m.site_id,
        unit_id: m.unit_id,
        organization: m.organization,
        shift: m
            .shift
            .as_deref()
            .map(Shift::parse)
            .transpose()
            .map_err(StoreError::Corrupt)?,
        active: m.active,
        daily_rate: m.daily_rate_cents.map(Cents),
    })
}

pub(crate) fn person_row(
    program_id: i64,
    spec: PersonSpec,
    now: chrono::DateTime<Utc>,
) -> person::ActiveModel {
    person::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.into_string()),
        email: Set(spec.email.as_str().into()),
        employee_id: Set(spec.employee_id),
        job_role: Set(spec.job_role.code().into()),
        site_id: Set(spec.site_id),
        unit_id: Set(spec.unit_id),
        employer_kind: Set(spec.employer_kind.code().into()),
        organization: Set(spec.organization),
        shift: Set(spec.shift.map(|s| s.code().to_owned())),
        active: Set(spec.active),
        daily_rate_cents: Set(spec.daily_rate.map(|c| c.0)),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The rows an actor may see under `scope`, filtered.
fn filtered(
    program_id: i64,
    scope: &Scope,
    filter: &PersonFilter,
) -> Option<Select<person::Entity>> {
    use person::Column as C;
    let mut query = person::Entity::find().filter(C::ProgramId.eq(program_id));
    match scope {
        Scope::Nothing | Scope::Own(_) => return None,
        Scope::Everything => {}
        Scope::Sites(ids) => query = query.filter(C::SiteId.is_in(ids.clone())),
        Scope::Organization(org) => query = query.filter(C::Organization.eq(org.as_str())),
    }
    if let Some(site_id) = filter.site_id {
        query = query.filter(C::SiteId.eq(site_id));
    }
    if let Some(unit_id) = filter.unit_id {
        query = query.filter(C::UnitId.eq(unit_id));
    }
    if let Some(role) = filter.job_role {
        query = query.filter(C::JobRole.eq(role.code()));
    }
    if let Some(kind) = filter.employer_kind {
        query = query.filter(C::EmployerKind.eq(kind.code()));
    }
    if let Some(active) = filter.active {
        query = query.filter(C::Active.eq(active));
    }
    if let Some(text) = &filter.search {
        query = query.filter(crate::filter::contains(
            &[C::Name, C::Email, C::EmployeeId],
            text,
        ));
    }
    Some(query)
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_people(
        &self,
        program_id: i64,
        scope: &Scope,
        filter: &PersonFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Person>> {
        let Some(query) = filtered(program_id, scope, filter) else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
                total: 0,
            });
        };
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(
            query,
            person::Column::Name,
            person::Column::Id,
            cursor,
            limit,
        )
        .all(&self.db)
        .await?;
        let items = rows
            .into_iter()
            .map(to_person)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |p| {
            (p.name.clone(), p.id)
        }))
    }

    pub async fn person(&self, program_id: i64, id: PersonId) -> StoreResult<Person> {
        let row = person::Entity::find_by_id(id)
            .filter(person::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_person(row)
    }

    /// The person with this email (an account's own profile), if the roster has one.
    pub async fn person_by_email(
        &self,
        program_id: i64,
        email: &str,
    ) -> StoreResult<Option<Person>> {
        person::Entity::find()
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Email.eq(email.to_lowercase()))
            .one(&self.db)
            .await?
            .map(to_person)
            .transpose()
    }

    /// The chosen site exists and the chosen unit belongs to it.
    async fn check_placement(&self, program_id: i64, spec: &PersonSpec) -> StoreResult<()> {
        if let Some(site_id) = spec.site_id {
            self.site(program_id, site_id).await.map_err(|_| {
                StoreError::invalid("site_id", format!("there is no site {site_id}"))
            })?;
        }
        if let Some(unit_id) = spec.unit_id {
            let unit = self.unit(program_id, unit_id).await.map_err(|_| {
                StoreError::invalid("unit_id", format!("there is no unit {unit_id}"))
            })?;
            if Some(unit.site_id) != spec.site_id {
                return Err(StoreError::invalid(
                    "unit_id",
                    format!("unit {} belongs to another site", unit.name),
                ));
            }
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, change, spec))]
    pub async fn create_person(
        &self,
        change: &Change<'_>,
        spec: PersonSpec,
    ) -> StoreResult<Person> {
        self.check_placement(change.program_id(), &spec).await?;
        let row = person_row(change.program_id(), spec, Utc::now());
        let last = crate::training::last_person_id(&self.db, self.backend()).await?;
        let status = crate::training::status_rows(self.backend(), change.program_id(), last);
        self.insert_then(change, ENTITY, row, UNIQUE, with_status(status), |p| p.id)
            .await
    }

    #[tracing::instrument(skip(self, change, spec))]
    pub async fn update_person(
        &self,
        change: &Change<'_>,
        id: PersonId,
        spec: PersonSpec,
    ) -> StoreResult<Person> {
        let before = self.person(change.program_id(), id).await?;
        self.check_placement(change.program_id(), &spec).await?;
        let row = person::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..person_row(change.program_id(), spec, Utc::now())
        };
        let after = self
            .update_audited(change, ENTITY, id, &before, row, UNIQUE, to_person)
            .await?;
        // Another job role means other curricula: their progress rows are rebuilt.
        if after.job_role != before.job_role {
            self.refresh_training_progress(change.program_id(), Some(&[id]))
                .await?;
        }
        Ok(after)
    }

    /// People are usually made inactive rather than deleted; deleting is for mistakes.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_person(&self, change: &Change<'_>, id: PersonId) -> StoreResult<()> {
        let before = self.person(change.program_id(), id).await?;
        let rounding = self.roundings_of(rounding::Column::PersonId, id).await?;
        let champions = self.champions_of(ChampionRef::Person, id).await?;
        if let Some(uses) = describe_uses(&[
            (rounding, "rounding assignment"),
            (champions, "champion designation"),
        ]) {
            return Err(StoreError::InUse(format!(
                "{} is still on {uses}; remove them first, or make the person inactive",
                before.name
            )));
        }
        // Their status row (every person has one) goes with them.
        let status = crate::raw::statement(
            self.backend(),
            "DELETE FROM training_status WHERE person_id = ?",
            vec![id.into()],
        );
        self.delete_audited_after::<person::Entity, _>(change, ENTITY, id, &before, vec![status])
            .await
    }
}
