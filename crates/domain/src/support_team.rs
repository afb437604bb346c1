//! Support teams: who answers tickets. Application teams per module, technical, training,
//! vendor teams, and the triage queue that holds whatever no team has claimed yet.

use serde::Serialize;

use crate::module::ModuleId;
use crate::ticket::Category;

pub type SupportTeamId = i64;

choice!(
    /// What a team does; the triage queue is where unrouted tickets wait.
    TeamKind {
        Triage = ("triage", "Triage queue"),
        Application = ("application", "Application team"),
        Technical = ("technical", "Technical team"),
        Training = ("training", "Training team"),
        Vendor = ("vendor", "Vendor team"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportTeam {
    pub id: SupportTeamId,
    pub name: String,
    pub kind: TeamKind,
    /// The ticket categories this team takes (none for the triage queue).
    pub categories: Vec<Category>,
    /// The module an application team answers for; `None` takes any module.
    pub module_id: Option<ModuleId>,
    /// A vendor team's company: its vendor accounts see only this team's tickets.
    pub organization: Option<String>,
    /// The account escalations go to first.
    pub lead_account_id: Option<i64>,
}
