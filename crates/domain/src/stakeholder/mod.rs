//! Stakeholder groups: who the EHR program changes things for (physician groups, nursing,
//! revenue cycle, the vendor, the board...), what each wants, gains and concedes, how much it
//! sways the program and where it stands now. Their commitments, change readiness (ADKAR)
//! and RACI roles on deliverables live beside them.

pub mod adkar;
pub mod commitment;
pub mod raci;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::text::{Name, optional_text};
pub(crate) use crate::ticket::required_text;
use crate::validate::{Invalid, Validator};

pub type StakeholderId = i64;

choice!(
    GroupKind {
        PhysicianGroup = ("physician_group", "Physician group"),
        Nursing = ("nursing", "Nursing"),
        Department = ("department", "Department"),
        It = ("it", "IT"),
        RevenueCycle = ("revenue_cycle", "Revenue cycle"),
        Vendor = ("vendor", "Vendor"),
        Consultants = ("consultants", "Consultants"),
        Board = ("board", "Board"),
        PatientRepresentatives = ("patient_representatives", "Patients' representatives"),
        Other = ("other", "Other"),
    }
);

choice!(
    Influence {
        Low = ("low", "Low"),
        Medium = ("medium", "Medium"),
        High = ("high", "High"),
    }
);

choice!(
    /// Where a group stands on the program, from most to least supportive.
    Stance {
        Champion = ("champion", "Champion"),
        Supporter = ("supporter", "Supporter"),
        Neutral = ("neutral", "Neutral"),
        Skeptic = ("skeptic", "Skeptic"),
        Opposed = ("opposed", "Opposed"),
    }
);

impl Stance {
    /// Whether the program must work on this group: skeptics and opponents.
    pub fn at_risk(self) -> bool {
        matches!(self, Stance::Skeptic | Stance::Opposed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StakeholderGroup {
    pub id: StakeholderId,
    pub kind: GroupKind,
    pub name: String,
    /// The site the group belongs to; none for a program-wide group.
    pub site_id: Option<SiteId>,
    /// What the group cares about.
    pub interests: String,
    /// What it gains from the new EHR: "what's in it for me".
    pub gains: String,
    /// What it concedes: changes it would not choose alone.
    pub concessions: String,
    pub influence: Influence,
    pub stance: Stance,
    pub leader_person_id: Option<PersonId>,
    /// The leader's name (filled by the store).
    pub leader_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A stakeholder group as a form or a JSON body gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StakeholderDraft {
    /// physician_group, nursing, department, it, revenue_cycle, vendor, consultants, board,
    /// patient_representatives or other.
    pub kind: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    pub interests: Option<String>,
    pub gains: Option<String>,
    pub concessions: Option<String>,
    /// low, medium or high.
    pub influence: Option<String>,
    /// champion, supporter, neutral, skeptic or opposed.
    pub stance: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub leader_person_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StakeholderSpec {
    pub kind: GroupKind,
    pub name: Name,
    pub site_id: Option<SiteId>,
    pub interests: String,
    pub gains: String,
    pub concessions: String,
    pub influence: Influence,
    pub stance: Stance,
    pub leader_person_id: Option<PersonId>,
}

const LONG_TEXT: usize = 4_000;

impl StakeholderDraft {
    pub fn parse(self) -> Result<StakeholderSpec, Invalid> {
        let mut v = Validator::new();
        let kind = v.required("kind", self.kind, |s| GroupKind::parse(&s));
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let interests = v.required("interests", self.interests, |s| {
            required_text(&s, LONG_TEXT)
        });
        let gains = v.required("gains", self.gains, |s| required_text(&s, LONG_TEXT));
        let concessions = v.optional("concessions", self.concessions, |s| {
            optional_text(&s, LONG_TEXT)
        });
        let influence = v.required("influence", self.influence, |s| Influence::parse(&s));
        let stance = v.required("stance", self.stance, |s| Stance::parse(&s));
        let leader = v.optional("leader_person_id", self.leader_person_id, optional_id);
        v.finish(|| StakeholderSpec {
            kind: kind.unwrap(),
            name: name.unwrap(),
            site_id: site_id.unwrap().flatten(),
            interests: interests.unwrap(),
            gains: gains.unwrap(),
            concessions: concessions.unwrap().flatten().unwrap_or_default(),
            influence: influence.unwrap(),
            stance: stance.unwrap(),
            leader_person_id: leader.unwrap().flatten(),
        })
    }

    pub fn over(self, base: StakeholderDraft) -> StakeholderDraft {
        StakeholderDraft {
            kind: overlay(base.kind, self.kind),
            name: overlay(base.name, self.name),
            site_id: overlay(base.site_id, self.site_id),
            interests: overlay(base.interests, self.interests),
            gains: overlay(base.gains, self.gains),
            concessions: overlay(base.concessions, self.concessions),
            influence: overlay(base.influence, self.influence),
            stance: overlay(base.stance, self.stance),
            leader_person_id: overlay(base.leader_person_id, self.leader_person_id),
        }
    }
}

fn id_text(id: Option<i64>) -> Option<String> {
    Some(id.map(|n| n.to_string()).unwrap_or_default())
}

impl From<&StakeholderGroup> for StakeholderDraft {
    fn from(g: &StakeholderGroup) -> Self {
        StakeholderDraft {
            kind: Some(g.kind.code().into()),
            name: Some(g.name.clone()),
            site_id: id_text(g.site_id),
            interests: Some(g.interests.clone()),
            gains: Some(g.gains.clone()),
            concessions: Some(g.concessions.clone()),
            influence: Some(g.influence.code().into()),
            stance: Some(g.stance.code().into()),
            leader_person_id: id_text(g.leader_person_id),
        }
    }
}

/// A stance a group held from `changed_at` on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StanceChange {
    pub stance: Stance,
    pub changed_at: DateTime<Utc>,
    /// Who recorded it.
    pub changed_by: String,
}

/// One group's line on the program dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StakeholderStance {
    pub group_id: StakeholderId,
    pub name: String,
    pub kind: GroupKind,
    pub influence: Influence,
    pub stance: Stance,
    /// Its commitments that are open and past due.
    pub overdue_commitments: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> StakeholderDraft {
        StakeholderDraft {
            kind: Some("nursing".into()),
            name: Some("Nursing".into()),
            interests: Some("Safe staffing during go-live".into()),
            gains: Some("Barcode medication administration".into()),
            influence: Some("high".into()),
            stance: Some("supporter".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_group_needs_kind_interests_gains_influence_and_stance() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.kind, GroupKind::Nursing);
        assert_eq!(spec.stance, Stance::Supporter);
        assert_eq!(spec.concessions, "");
        let err = StakeholderDraft {
            kind: Some("cardiology".into()),
            stance: Some("lukewarm".into()),
            gains: Some(" ".into()),
            leader_person_id: Some("x".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("kind").unwrap().contains("physician_group"));
        assert!(err.message_for("stance").unwrap().contains("opposed"));
        assert_eq!(err.message_for("gains"), Some("must not be empty"));
        assert!(err.message_for("leader_person_id").is_some());
        assert_eq!(
            StakeholderDraft::default()
                .parse()
                .unwrap_err()
                .message_for("influence"),
            Some("is required")
        );
    }

    #[test]
    fn skeptics_and_opponents_are_at_risk() {
        let at_risk: Vec<Stance> = Stance::ALL
            .iter()
            .copied()
            .filter(|s| s.at_risk())
            .collect();
        assert_eq!(at_risk, vec![Stance::Skeptic, Stance::Opposed]);
    }
}
