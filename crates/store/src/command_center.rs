//! The command center's settings, one row per program (defaults until first saved).

use chrono::Utc;
use muster_domain::command_center::Settings;
use muster_domain::ticket::triage::PriorityMatrix;
use sea_orm::ActiveValue::Set;
use sea_orm::{EntityTrait, TransactionTrait};

use crate::Store;
use crate::audit::{Change, record};
use crate::entity::command_center;
use crate::error::{StoreError, StoreResult};

fn to_settings(m: command_center::Model) -> StoreResult<Settings> {
    Ok(Settings {
        lead_account_id: m.lead_account_id,
        priority_matrix: PriorityMatrix::parse(&m.priority_matrix).map_err(StoreError::Corrupt)?,
        triage_alarm_minutes: m.triage_alarm_minutes,
        unassigned_minutes: m.unassigned_minutes,
        breach_warning_percent: m.breach_warning_percent,
        reopen_window_hours: m.reopen_window_hours,
    })
}

impl Store {
    pub async fn command_center_settings(&self, program_id: i64) -> StoreResult<Settings> {
        match command_center::Entity::find_by_id(program_id)
            .one(&self.db)
            .await?
        {
            Some(row) => to_settings(row),
            None => Ok(Settings::default()),
        }
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn save_command_center_settings(
        &self,
        change: &Change<'_>,
        settings: Settings,
    ) -> StoreResult<Settings> {
        let program_id = change.program_id();
        let before = self.command_center_settings(program_id).await?;
        if let Some(lead) = settings.lead_account_id {
            self.account_in_program(program_id, lead, "lead_account_id")
                .await?;
        }
        let row = command_center::ActiveModel {
            program_id: Set(program_id),
            lead_account_id: Set(settings.lead_account_id),
            priority_matrix: Set(settings.priority_matrix.code()),
            triage_alarm_minutes: Set(settings.triage_alarm_minutes),
            unassigned_minutes: Set(settings.unassigned_minutes),
            breach_warning_percent: Set(settings.breach_warning_percent),
            reopen_window_hours: Set(settings.reopen_window_hours),
            updated_at: Set(Utc::now()),
        };
        let txn = self.db.begin().await?;
        command_center::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(command_center::Column::ProgramId)
                    .update_columns([
                        command_center::Column::LeadAccountId,
                        command_center::Column::PriorityMatrix,
                        command_center::Column::TriageAlarmMinutes,
                        command_center::Column::UnassignedMinutes,
                        command_center::Column::BreachWarningPercent,
                        command_center::Column::ReopenWindowHours,
                        command_center::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        record(
            &txn,
            change,
            "command_center",
            program_id,
            muster_domain::audit::AuditAction::Update,
            Some(&before),
            Some(&settings),
        )
        .await?;
        txn.commit().await?;
        Ok(settings)
    }

    /// Checks that `account_id` is an account of the program; the error names `field`.
    pub async fn account_in_program(
        &self,
        program_id: i64,
        account_id: i64,
        field: &str,
    ) -> StoreResult<()> {
        use crate::entity::account;
        use sea_orm::{ColumnTrait, QueryFilter};
        let found = account::Entity::find_by_id(account_id)
            .filter(account::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::invalid(
                field,
                format!("there is no account {account_id}"),
            )),
        }
    }
}
