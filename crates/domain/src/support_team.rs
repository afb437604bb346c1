//! Support teams: who answers tickets. Application teams per module, technical, training,
//! vendor teams, and the triage queue that holds whatever no team has claimed yet.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::module::ModuleId;
use crate::text::{Name, optional_text};
use crate::ticket::Category;
use crate::validate::{Invalid, Validator};

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

/// A support team as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupportTeamDraft {
    pub name: Option<String>,
    /// triage, application, technical, training or vendor
    pub kind: Option<String>,
    /// Ticket category codes the team takes, as a JSON array (["how_to", "break_fix"]);
    /// a form sends one `categories` field per ticked box. Empty for the triage queue.
    pub categories: Option<Vec<String>>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// Required for a vendor team: the vendor's company.
    pub organization: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub lead_account_id: Option<String>,
}

/// A valid support team, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportTeamSpec {
    pub name: Name,
    pub kind: TeamKind,
    pub categories: Vec<Category>,
    pub module_id: Option<ModuleId>,
    pub organization: Option<String>,
    pub lead_account_id: Option<i64>,
}

fn categories(raw: Vec<String>) -> Result<Vec<Category>, String> {
    let mut parsed = raw
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| Category::parse(c))
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort_unstable();
    parsed.dedup();
    Ok(parsed)
}

impl SupportTeamDraft {
    pub fn parse(self) -> Result<SupportTeamSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let kind = v.required("kind", self.kind, |s| TeamKind::parse(&s));
        let categories = v.check(
            "categories",
            categories(self.categories.unwrap_or_default()),
        );
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let organization = v
            .optional("organization", self.organization, |s| {
                optional_text(&s, 200)
            })
            .map(Option::flatten);
        let lead = v.optional("lead_account_id", self.lead_account_id, optional_id);
        if kind == Some(TeamKind::Vendor) && organization == Some(None) {
            v.push("organization", "is required for a vendor team");
        }
        if kind == Some(TeamKind::Triage) && categories.as_ref().is_some_and(|c| !c.is_empty()) {
            v.push(
                "categories",
                "the triage queue takes every category; leave them unticked",
            );
        }
        v.finish(|| SupportTeamSpec {
            name: name.unwrap(),
            kind: kind.unwrap(),
            categories: categories.unwrap(),
            module_id: module_id.unwrap().flatten(),
            organization: organization.unwrap(),
            lead_account_id: lead.unwrap().flatten(),
        })
    }

    pub fn over(self, base: SupportTeamDraft) -> SupportTeamDraft {
        SupportTeamDraft {
            name: overlay(base.name, self.name),
            kind: overlay(base.kind, self.kind),
            categories: overlay(base.categories, self.categories),
            module_id: overlay(base.module_id, self.module_id),
            organization: overlay(base.organization, self.organization),
            lead_account_id: overlay(base.lead_account_id, self.lead_account_id),
        }
    }
}

fn id_text(id: Option<i64>) -> Option<String> {
    Some(id.map(|n| n.to_string()).unwrap_or_default())
}

impl From<&SupportTeam> for SupportTeamDraft {
    fn from(t: &SupportTeam) -> Self {
        SupportTeamDraft {
            name: Some(t.name.clone()),
            kind: Some(t.kind.code().into()),
            categories: Some(t.categories.iter().map(|c| c.code().into()).collect()),
            module_id: id_text(t.module_id),
            organization: Some(t.organization.clone().unwrap_or_default()),
            lead_account_id: id_text(t.lead_account_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str) -> SupportTeamDraft {
        SupportTeamDraft {
            name: Some("Pharmacy apps".into()),
            kind: Some(kind.into()),
            categories: Some(vec!["break_fix".into(), "how_to".into(), "how_to".into()]),
            ..Default::default()
        }
    }

    #[test]
    fn categories_are_parsed_once_each() {
        let spec = draft("application").parse().unwrap();
        assert_eq!(spec.categories, vec![Category::HowTo, Category::BreakFix]);
    }

    #[test]
    fn a_vendor_team_names_its_company_and_triage_takes_no_categories() {
        let err = draft("vendor").parse().unwrap_err();
        assert_eq!(
            err.message_for("organization"),
            Some("is required for a vendor team")
        );
        assert!(
            draft("triage")
                .parse()
                .unwrap_err()
                .message_for("categories")
                .is_some()
        );
        let bad = SupportTeamDraft {
            categories: Some(vec!["gossip".into()]),
            ..draft("technical")
        };
        assert!(bad.parse().unwrap_err().message_for("categories").is_some());
    }
}
