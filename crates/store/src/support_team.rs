//! Support teams: who answers tickets, and the triage queue every program has.

use chrono::Utc;
use muster_domain::support_team::{SupportTeam, TeamKind};
use muster_domain::ticket::Category;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Store;
use crate::audit::Change;
use crate::entity::support_team;
use crate::error::{StoreError, StoreResult};

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
