//! ADKAR assessments per stakeholder group and site over time; the barrier point is computed
//! from the scores when read.

use chrono::Utc;
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::adkar::{AdkarAssessment, AdkarSpec, Scores};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::adkar_assessment;
use crate::audit::Change;
use crate::error::{StoreError, StoreResult};
use crate::raw::statement;
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "adkar_assessment";

/// How many assessments a group's history shows.
pub const HISTORY_SHOWN: u64 = 500;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdkarFilter {
    pub group_id: Option<i64>,
    pub site_id: Option<i64>,
}

fn to_assessment(m: adkar_assessment::Model, group_name: String) -> AdkarAssessment {
    let scores = Scores {
        awareness: m.awareness,
        desire: m.desire,
        knowledge: m.knowledge,
        ability: m.ability,
        reinforcement: m.reinforcement,
    };
    AdkarAssessment {
        id: m.id,
        group_id: m.group_id,
        group_name,
        site_id: m.site_id,
        assessed_on: m.assessed_on,
        barrier: scores.barrier(),
        scores,
        notes: m.notes.unwrap_or_default(),
        created_at: m.created_at,
    }
}

fn adkar_row(
    program_id: i64,
    spec: AdkarSpec,
    now: chrono::DateTime<Utc>,
) -> adkar_assessment::ActiveModel {
    let s = spec.scores;
    adkar_assessment::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        group_id: Set(spec.group_id),
        site_id: Set(spec.site_id),
        assessed_on: Set(spec.assessed_on),
        awareness: Set(s.awareness),
        desire: Set(s.desire),
        knowledge: Set(s.knowledge),
        ability: Set(s.ability),
        reinforcement: Set(s.reinforcement),
        notes: Set(Some(spec.notes).filter(|n| !n.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

impl Store {
    async fn assessments_named(
        &self,
        rows: Vec<adkar_assessment::Model>,
    ) -> StoreResult<Vec<AdkarAssessment>> {
        let names = self.group_names_of(rows.iter().map(|m| m.group_id)).await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let name = names.get(&m.group_id).cloned().unwrap_or_default();
                to_assessment(m, name)
            })
            .collect())
    }

    fn adkar_query(
        program_id: i64,
        filter: &AdkarFilter,
    ) -> sea_orm::Select<adkar_assessment::Entity> {
        use adkar_assessment::Column as C;
        let mut query = adkar_assessment::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(group_id) = filter.group_id {
            query = query.filter(C::GroupId.eq(group_id));
        }
        if let Some(site_id) = filter.site_id {
            query = query.filter(C::SiteId.eq(site_id));
        }
        query
    }

    /// Assessments under `filter`, newest first.
    #[tracing::instrument(skip(self))]
    pub async fn list_adkar(
        &self,
        program_id: i64,
        filter: &AdkarFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<AdkarAssessment>> {
        use adkar_assessment::Column as C;
        let query = Self::adkar_query(program_id, filter);
        let total = query.clone().count(&self.db).await?;
        let query = match cursor {
            Some(c) => {
                let day = muster_domain::text::date(&c.key)
                    .map_err(|_| StoreError::invalid("cursor", "is not a cursor of this list"))?;
                query.filter(
                    Condition::any().add(C::AssessedOn.lt(day)).add(
                        Condition::all()
                            .add(C::AssessedOn.eq(day))
                            .add(C::Id.lt(c.id)),
                    ),
                )
            }
            None => query,
        };
        let rows = query
            .order_by_desc(C::AssessedOn)
            .order_by_desc(C::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let items = self.assessments_named(rows).await?;
        Ok(paging::page(items, limit, total, |a: &AdkarAssessment| {
            (a.assessed_on.to_string(), a.id)
        }))
    }

    pub async fn adkar(&self, program_id: i64, id: i64) -> StoreResult<AdkarAssessment> {
        let row = adkar_assessment::Entity::find_by_id(id)
            .filter(adkar_assessment::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        Ok(self.assessments_named(vec![row]).await?.remove(0))
    }

    /// A group's assessments, oldest first within each site (the group as a whole first),
    /// at most `HISTORY_SHOWN`, the newest kept.
    pub async fn adkar_history(
        &self,
        program_id: i64,
        group_id: i64,
    ) -> StoreResult<Vec<AdkarAssessment>> {
        use adkar_assessment::Column as C;
        let filter = AdkarFilter {
            group_id: Some(group_id),
            site_id: None,
        };
        let mut rows = Self::adkar_query(program_id, &filter)
            .order_by_desc(C::AssessedOn)
            .order_by_desc(C::Id)
            .limit(HISTORY_SHOWN)
            .all(&self.db)
            .await?;
        rows.sort_by_key(|m| (m.site_id.is_some(), m.site_id, m.assessed_on, m.id));
        self.assessments_named(rows).await
    }

    /// The latest assessment of each group at each site (and of each group as a whole)
    /// under `filter`: one row per group and site however long the history.
    #[tracing::instrument(skip(self))]
    pub async fn latest_adkar(
        &self,
        program_id: i64,
        filter: &AdkarFilter,
    ) -> StoreResult<Vec<AdkarAssessment>> {
        let mut sql = String::from(
            "SELECT a.id AS id FROM adkar_assessment a WHERE a.program_id = ? \
             AND NOT EXISTS (SELECT 1 FROM adkar_assessment b \
               WHERE b.group_id = a.group_id \
               AND (b.site_id = a.site_id OR (b.site_id IS NULL AND a.site_id IS NULL)) \
               AND (b.assessed_on > a.assessed_on OR (b.assessed_on = a.assessed_on AND b.id > a.id)))",
        );
        let mut values: Vec<sea_orm::Value> = vec![program_id.into()];
        if let Some(group_id) = filter.group_id {
            sql.push_str(" AND a.group_id = ?");
            values.push(group_id.into());
        }
        if let Some(site_id) = filter.site_id {
            sql.push_str(" AND a.site_id = ?");
            values.push(site_id.into());
        }
        let ids: Vec<i64> = IdRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            rows.extend(
                adkar_assessment::Entity::find()
                    .filter(adkar_assessment::Column::Id.is_in(chunk.iter().copied()))
                    .all(&self.db)
                    .await?,
            );
        }
        let mut items = self.assessments_named(rows).await?;
        items.sort_by(|a, b| {
            (&a.group_name, a.site_id.is_some(), a.site_id).cmp(&(
                &b.group_name,
                b.site_id.is_some(),
                b.site_id,
            ))
        });
        Ok(items)
    }

    /// The group and the site exist; returns the group's name.
    async fn check_adkar(&self, program_id: i64, spec: &AdkarSpec) -> StoreResult<String> {
        let group = self
            .check_group_choice(program_id, "group_id", spec.group_id)
            .await?;
        self.check_site_choice(program_id, spec.site_id).await?;
        Ok(group.name)
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_adkar(
        &self,
        change: &Change<'_>,
        spec: AdkarSpec,
    ) -> StoreResult<AdkarAssessment> {
        let group = self.check_adkar(change.program_id(), &spec).await?;
        let row = adkar_row(change.program_id(), spec, Utc::now());
        let convert = move |m| Ok(to_assessment(m, group));
        self.insert_audited(change, ENTITY, row, &[], convert, |a| a.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_adkar(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: AdkarSpec,
    ) -> StoreResult<AdkarAssessment> {
        let before = self.adkar(change.program_id(), id).await?;
        let group = self.check_adkar(change.program_id(), &spec).await?;
        let row = adkar_assessment::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..adkar_row(change.program_id(), spec, Utc::now())
        };
        let convert = move |m| Ok(to_assessment(m, group));
        self.update_audited(change, ENTITY, id, &before, row, &[], convert)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_adkar(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.adkar(change.program_id(), id).await?;
        self.delete_audited::<adkar_assessment::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
