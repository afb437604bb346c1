//! Support teams: who answers tickets, and the triage queue every program has.

use chrono::{DateTime, Utc};
use muster_domain::Invalid;
use muster_domain::paging::{Cursor, Page};
use muster_domain::support_team::{SupportTeam, SupportTeamSpec, TeamKind};
use muster_domain::ticket::Category;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::{support_team, ticket};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::{Store, paging};

pub(crate) const ENTITY: &str = "support_team";

pub(crate) fn to_support_team(m: support_team::Model) -> StoreResult<SupportTeam> {
    let categories = m
        .categories
        .split(',')
        .filter(|c| !c.is_empty())
        .map(Category::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::Corrupt)?;
    Ok(SupportTeam {
        id: m.id,
        kind: TeamKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        name: m.name,
        categories,
        module_id: m.module_id,
        organization: m.organization,
        lead_account_id: m.lead_account_id,
    })
}

/// How categories are stored: comma-separated codes.
pub(crate) fn categories_code(categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(",")
}

impl Store {
    /// Every support team of the program, by name (a program has tens, not thousands).
    pub async fn all_support_teams(&self, program_id: i64) -> StoreResult<Vec<SupportTeam>> {
        support_team::Entity::find()
            .filter(support_team::Column::ProgramId.eq(program_id))
            .order_by_asc(support_team::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_support_team)
            .collect()
    }

    pub async fn support_team(&self, program_id: i64, id: i64) -> StoreResult<SupportTeam> {
        let row = support_team::Entity::find_by_id(id)
            .filter(support_team::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(ENTITY, id))?;
        to_support_team(row)
    }

    /// The program's teams, creating the triage queue first if the program has none: every
    /// ticket must belong to a team.
    pub async fn support_teams_with_triage(
        &self,
        change: &Change<'_>,
    ) -> StoreResult<Vec<SupportTeam>> {
        let teams = self.all_support_teams(change.program_id()).await?;
        if teams.iter().any(|t| t.kind == TeamKind::Triage) {
            return Ok(teams);
        }
        let now = Utc::now();
        let row = support_team::ActiveModel {
            id: NotSet,
            program_id: Set(change.program_id()),
            name: Set("Triage queue".into()),
            kind: Set(TeamKind::Triage.code().into()),
            categories: Set(String::new()),
            module_id: Set(None),
            organization: Set(None),
            lead_account_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        self.insert_audited(change, ENTITY, row, &[], to_support_team, |t| t.id)
            .await?;
        self.all_support_teams(change.program_id()).await
    }
}

const UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_support_team_name",
    column: "support_team.name",
    field: "name",
    message: "another support team already has this name",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupportTeamFilter {
    pub kind: Option<TeamKind>,
    /// Name containing this text.
    pub search: Option<String>,
}

fn support_team_row(
    program_id: i64,
    spec: SupportTeamSpec,
    now: DateTime<Utc>,
) -> support_team::ActiveModel {
    support_team::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.into_string()),
        kind: Set(spec.kind.code().into()),
        categories: Set(categories_code(&spec.categories)),
        module_id: Set(spec.module_id),
        organization: Set(spec.organization),
        lead_account_id: Set(spec.lead_account_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_support_teams(
        &self,
        program_id: i64,
        filter: &SupportTeamFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<SupportTeam>> {
        use support_team::Column as C;
        let mut query = support_team::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(kind) = filter.kind {
            query = query.filter(C::Kind.eq(kind.code()));
        }
        if let Some(text) = &filter.search {
            query = query.filter(crate::filter::contains(&[C::Name], text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_support_team)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |t| {
            (t.name.clone(), t.id)
        }))
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_support_team(
        &self,
        change: &Change<'_>,
        spec: SupportTeamSpec,
    ) -> StoreResult<SupportTeam> {
        self.check_support_team(change.program_id(), None, &spec)
            .await?;
        let row = support_team_row(change.program_id(), spec, Utc::now());
        self.insert_audited(change, ENTITY, row, UNIQUE, to_support_team, |t| t.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_support_team(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: SupportTeamSpec,
    ) -> StoreResult<SupportTeam> {
        let before = self.support_team(change.program_id(), id).await?;
        self.check_support_team(change.program_id(), Some(&before), &spec)
            .await?;
        let row = support_team::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..support_team_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, to_support_team)
            .await
    }

    /// Deletes a team that holds no tickets and is not the program's triage queue.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_support_team(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.support_team(change.program_id(), id).await?;
        if before.kind == TeamKind::Triage {
            return Err(StoreError::InUse(format!(
                "{} is the program's triage queue, where new tickets wait; it cannot be deleted",
                before.name
            )));
        }
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::TeamId.eq(id))
            .count(&self.db)
            .await?;
        if let Some(uses) = describe_uses(&[(tickets, "ticket")]) {
            return Err(StoreError::InUse(format!(
                "support team {} still holds {uses}; move them to another team first",
                before.name
            )));
        }
        self.delete_audited::<support_team::Entity, _>(change, ENTITY, id, &before)
            .await
    }

    /// The chosen module and lead exist; the program keeps exactly one triage queue.
    async fn check_support_team(
        &self,
        program_id: i64,
        before: Option<&SupportTeam>,
        spec: &SupportTeamSpec,
    ) -> StoreResult<()> {
        self.check_module_choice(program_id, spec.module_id).await?;
        self.check_account_choice(program_id, spec.lead_account_id, "lead_account_id")
            .await?;
        let was_triage = before.is_some_and(|t| t.kind == TeamKind::Triage);
        if was_triage && spec.kind != TeamKind::Triage {
            return Err(StoreError::invalid(
                "kind",
                "this is the program's only triage queue; it stays one",
            ));
        }
        if spec.kind == TeamKind::Triage && !was_triage {
            let triage = support_team::Entity::find()
                .filter(support_team::Column::ProgramId.eq(program_id))
                .filter(support_team::Column::Kind.eq(TeamKind::Triage.code()))
                .count(&self.db)
                .await?;
            if triage > 0 {
                return Err(StoreError::Conflict(Invalid::one(
                    "kind",
                    "the program already has a triage queue",
                )));
            }
        }
        Ok(())
    }
}
