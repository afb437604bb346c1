//! Placements: a person at a unit of a site, as rounding assignments and champions name
//! them. The checks that the person and unit exist and agree with the named site, and the
//! names a page of such records shows, are written once here.

use std::collections::HashMap;

use muster_domain::person::Person;
use muster_domain::placement::{PlacedAt, Placement};
use muster_domain::rounding::Shift;
use muster_domain::site::SiteId;
use muster_domain::unit::Unit;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::Store;
use crate::entity::{person, unit};
use crate::error::{StoreError, StoreResult};

/// The names and places a page of placed records shows: people by id (name, active),
/// units by id (name, site).
#[derive(Default)]
pub(crate) struct Names {
    pub people: HashMap<i64, (String, bool)>,
    pub units: HashMap<i64, (String, SiteId)>,
}

impl Names {
    /// Record `id`'s placement with its names; a record whose unit is gone is corrupt.
    pub fn placed(
        &self,
        entity: &str,
        id: i64,
        person_id: i64,
        unit_id: i64,
        shift: &str,
    ) -> StoreResult<PlacedAt> {
        let (unit_name, site_id) = self
            .units
            .get(&unit_id)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("{entity} {id} has no unit")))?;
        Ok(PlacedAt {
            person_id,
            person_name: self.person(person_id).0,
            unit_id,
            unit_name,
            site_id,
            shift: Shift::parse(shift).map_err(StoreError::Corrupt)?,
        })
    }

    /// The person's name and whether they are active.
    pub fn person(&self, person_id: i64) -> (String, bool) {
        self.people.get(&person_id).cloned().unwrap_or_default()
    }
}

/// Units of `site_id`, as a subquery for `unit_id IN (...)` filters.
pub(crate) fn units_of_sites(site_ids: Vec<SiteId>) -> sea_orm::sea_query::SelectStatement {
    unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(unit::Column::SiteId.is_in(site_ids))
        .into_query()
}

impl Store {
    /// The person exists and the unit belongs to the named site.
    pub(crate) async fn placement(
        &self,
        program_id: i64,
        placement: &Placement,
    ) -> StoreResult<(Person, Unit)> {
        let Placement {
            person_id,
            site_id,
            unit_id,
            ..
        } = *placement;
        let person = self.person(program_id, person_id).await.map_err(|_| {
            StoreError::invalid("person_id", format!("there is no person {person_id}"))
        })?;
        let unit = self
            .unit(program_id, unit_id)
            .await
            .map_err(|_| StoreError::invalid("unit_id", format!("there is no unit {unit_id}")))?;
        if unit.site_id != site_id {
            return Err(StoreError::invalid(
                "unit_id",
                format!("unit {} belongs to another site", unit.name),
            ));
        }
        Ok((person, unit))
    }

    /// The people and units named, in two queries.
    pub(crate) async fn placement_names<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        person_ids: Vec<i64>,
        unit_ids: Vec<i64>,
    ) -> StoreResult<Names> {
        if person_ids.is_empty() && unit_ids.is_empty() {
            return Ok(Names::default());
        }
        let people: Vec<(i64, String, bool)> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::Name,
                person::Column::Active,
            ])
            .filter(person::Column::ProgramId.eq(program_id))
            .filter(person::Column::Id.is_in(person_ids))
            .into_tuple()
            .all(db)
            .await?;
        let units: Vec<(i64, String, i64)> = unit::Entity::find()
            .select_only()
            .columns([unit::Column::Id, unit::Column::Name, unit::Column::SiteId])
            .filter(unit::Column::ProgramId.eq(program_id))
            .filter(unit::Column::Id.is_in(unit_ids))
            .into_tuple()
            .all(db)
            .await?;
        Ok(Names {
            people: people
                .into_iter()
                .map(|(id, name, active)| (id, (name, active)))
                .collect(),
            units: units
                .into_iter()
                .map(|(id, name, site)| (id, (name, site)))
                .collect(),
        })
    }

    /// The names of one placement just checked.
    pub(crate) fn names_of(person: &Person, unit: &Unit) -> Names {
        Names {
            people: [(person.id, (person.name.clone(), person.active))].into(),
            units: [(unit.id, (unit.name.clone(), unit.site_id))].into(),
        }
    }
}
