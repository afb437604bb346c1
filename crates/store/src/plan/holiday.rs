//! Holidays of the program and of its sites.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use muster_domain::plan::holiday::{Holiday, HolidaySpec};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::plan_holiday;
use crate::Store;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult, UniqueField};

const ENTITY: &str = "plan_holiday";
const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_plan_holiday",
    column: "plan_holiday.day",
    field: "day",
    message: "this day is already a holiday here",
}];

fn to_holiday(m: plan_holiday::Model) -> StoreResult<Holiday> {
    Ok(Holiday {
        id: m.id,
        site_id: m.site_id,
        day: m.day,
        name: m.name,
    })
}

impl Store {
    /// Every holiday of the program and its sites, by day.
    pub async fn all_holidays(&self, program_id: i64) -> StoreResult<Vec<Holiday>> {
        plan_holiday::Entity::find()
            .filter(plan_holiday::Column::ProgramId.eq(program_id))
            .order_by_asc(plan_holiday::Column::Day)
            .order_by_asc(plan_holiday::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_holiday)
            .collect()
    }

    /// The program's holidays, and each site's own.
    pub(crate) async fn holiday_sets(
        &self,
        program_id: i64,
    ) -> StoreResult<(BTreeSet<NaiveDate>, HashMap<i64, BTreeSet<NaiveDate>>)> {
        let mut program = BTreeSet::new();
        let mut sites: HashMap<i64, BTreeSet<NaiveDate>> = HashMap::new();
        for h in self.all_holidays(program_id).await? {
            match h.site_id {
                None => program.insert(h.day),
                Some(site) => sites.entry(site).or_default().insert(h.day),
            };
        }
        Ok((program, sites))
    }

    pub async fn holiday(&self, program_id: i64, id: i64) -> StoreResult<Holiday> {
        plan_holiday::Entity::find_by_id(id)
            .filter(plan_holiday::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))
            .and_then(to_holiday)
    }

    /// The site exists, and no other holiday (but `id`) is on that day there: the unique
    /// index cannot see two program-wide holidays, whose NULL sites differ.
    async fn check_holiday(
        &self,
        program_id: i64,
        spec: &HolidaySpec,
        id: Option<i64>,
    ) -> StoreResult<()> {
        self.plan_settings(program_id).await?;
        if let Some(site) = spec.site_id
            && let Err(StoreError::NotFound { .. }) = self.site(program_id, site).await
        {
            return Err(StoreError::invalid("site_id", "no such site"));
        }
        let taken = self.all_holidays(program_id).await?;
        if taken
            .iter()
            .any(|h| h.site_id == spec.site_id && h.day == spec.day && Some(h.id) != id)
        {
            return Err(StoreError::invalid("day", UNIQUE[0].message));
        }
        Ok(())
    }

    pub async fn create_holiday(
        &self,
        change: &Change<'_>,
        spec: HolidaySpec,
    ) -> StoreResult<Holiday> {
        let program_id = change.program_id();
        self.check_holiday(program_id, &spec, None).await?;
        let now = Utc::now();
        let row = plan_holiday::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            site_id: Set(spec.site_id),
            day: Set(spec.day),
            name: Set(spec.name.into_string()),
            created_at: Set(now),
            updated_at: Set(now),
        };
        self.insert_audited(change, ENTITY, row, UNIQUE, to_holiday, |h| h.id)
            .await
    }

    pub async fn update_holiday(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: HolidaySpec,
    ) -> StoreResult<Holiday> {
        let before = self.holiday(change.program_id(), id).await?;
        self.check_holiday(change.program_id(), &spec, Some(id))
            .await?;
        let row = plan_holiday::ActiveModel {
            id: Set(id),
            program_id: Set(change.program_id()),
            site_id: Set(spec.site_id),
            day: Set(spec.day),
            name: Set(spec.name.into_string()),
            created_at: NotSet,
            updated_at: Set(Utc::now()),
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_holiday)
            .await
    }

    pub async fn delete_holiday(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.holiday(change.program_id(), id).await?;
        self.delete_audited::<plan_holiday::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
