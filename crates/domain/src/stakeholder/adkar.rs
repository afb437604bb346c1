//! ADKAR change readiness (Prosci's model): a group's awareness of why the EHR changes, its
//! desire to take part, its knowledge of how, its ability to work that way, and the
//! reinforcement that keeps it there, each scored 1 to 5. The barrier point is the first
//! element, in that order, scoring 3 or less: work on a later element is wasted while an
//! earlier one is missing, so the suggested actions are the barrier's.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::StakeholderId;
use crate::draft::{id, number_as_text, optional_id, overlay};
use crate::site::SiteId;
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};

pub type AdkarId = i64;

choice!(
    /// The five elements, in the order a person goes through them.
    Element {
        Awareness = ("awareness", "Awareness"),
        Desire = ("desire", "Desire"),
        Knowledge = ("knowledge", "Knowledge"),
        Ability = ("ability", "Ability"),
        Reinforcement = ("reinforcement", "Reinforcement"),
    }
);

/// A score of 3 or less on an element is a barrier.
pub const BARRIER_AT_OR_BELOW: i64 = 3;

impl Element {
    /// What the program does for a group stuck at this element: the documented table of
    /// suggested actions (docs/architecture.md repeats it).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Element::Awareness => &[
                "Executive sponsor messages on why the EHR changes: patient safety, one chart across sites, retiring unsupported systems",
                "Town halls and unit huddles led by the group's own leaders, with the go-live date and what changes for them",
                "A one-page \"why now\" brief for the group's meetings, with the risks of staying on the old system",
            ],
            Element::Desire => &[
                "The group's leader states \"what's in it for me\" for its own people, with the gains the group asked for",
                "Recruit respected peers as champions and let skeptics see a live demonstration of their workflows",
                "Hear and answer the concessions openly: write down what the program will do about each",
            ],
            Element::Knowledge => &[
                "Role-based training scheduled before go-live, with proficiency checks",
                "Tip sheets and quick-reference guides for the group's top workflows",
                "Practice in the training environment with the group's own order sets and templates",
            ],
            Element::Ability => &[
                "At-the-elbow support and super users (champions) on every shift through go-live",
                "Personalization labs: favourites, preference lists and templates set up with each person",
                "Dress rehearsals and day-in-the-life tests of the group's workflows",
            ],
            Element::Reinforcement => &[
                "Recognition of people and units that adopt the new workflows",
                "Measured adoption: usage and efficiency reports reviewed with the group's leaders",
                "Follow-up optimization sessions and refresher training where adoption lags",
            ],
        }
    }
}

/// The five scores, each 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scores {
    pub awareness: i64,
    pub desire: i64,
    pub knowledge: i64,
    pub ability: i64,
    pub reinforcement: i64,
}

impl Scores {
    pub fn get(&self, element: Element) -> i64 {
        match element {
            Element::Awareness => self.awareness,
            Element::Desire => self.desire,
            Element::Knowledge => self.knowledge,
            Element::Ability => self.ability,
            Element::Reinforcement => self.reinforcement,
        }
    }

    /// The first element in A-D-K-A-R order scoring 3 or less; none when all are 4 or 5.
    pub fn barrier(&self) -> Option<Element> {
        Element::ALL
            .iter()
            .copied()
            .find(|&e| self.get(e) <= BARRIER_AT_OR_BELOW)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdkarAssessment {
    pub id: AdkarId,
    pub group_id: StakeholderId,
    /// The group's name (filled by the store).
    pub group_name: String,
    /// The site assessed; none for the group as a whole.
    pub site_id: Option<SiteId>,
    pub assessed_on: NaiveDate,
    pub scores: Scores,
    /// The barrier point: the first element scoring 3 or less.
    pub barrier: Option<Element>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdkarDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    /// YYYY-MM-DD.
    pub assessed_on: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub awareness: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub desire: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub knowledge: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub ability: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub reinforcement: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdkarSpec {
    pub group_id: StakeholderId,
    pub site_id: Option<SiteId>,
    pub assessed_on: NaiveDate,
    pub scores: Scores,
    pub notes: String,
}

/// A score: a whole number from 1 to 5.
pub fn score(raw: String) -> Result<i64, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("is required".into());
    }
    let n: i64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a whole number from 1 to 5"))?;
    if (1..=5).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is not from 1 to 5"))
    }
}

impl AdkarDraft {
    pub fn parse(self) -> Result<AdkarSpec, Invalid> {
        let mut v = Validator::new();
        let group_id = v.required("group_id", self.group_id, id);
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let assessed_on = v.required("assessed_on", self.assessed_on, |s| date(&s));
        let awareness = v.required("awareness", self.awareness, score);
        let desire = v.required("desire", self.desire, score);
        let knowledge = v.required("knowledge", self.knowledge, score);
        let ability = v.required("ability", self.ability, score);
        let reinforcement = v.required("reinforcement", self.reinforcement, score);
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        v.finish(|| AdkarSpec {
            group_id: group_id.unwrap(),
            site_id: site_id.unwrap().flatten(),
            assessed_on: assessed_on.unwrap(),
            scores: Scores {
                awareness: awareness.unwrap(),
                desire: desire.unwrap(),
                knowledge: knowledge.unwrap(),
                ability: ability.unwrap(),
                reinforcement: reinforcement.unwrap(),
            },
            notes: notes.unwrap().flatten().unwrap_or_default(),
        })
    }

    pub fn over(self, base: AdkarDraft) -> AdkarDraft {
        AdkarDraft {
            group_id: overlay(base.group_id, self.group_id),
            site_id: overlay(base.site_id, self.site_id),
            assessed_on: overlay(base.assessed_on, self.assessed_on),
            awareness: overlay(base.awareness, self.awareness),
            desire: overlay(base.desire, self.desire),
            knowledge: overlay(base.knowledge, self.knowledge),
            ability: overlay(base.ability, self.ability),
            reinforcement: overlay(base.reinforcement, self.reinforcement),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&AdkarAssessment> for AdkarDraft {
    fn from(a: &AdkarAssessment) -> Self {
        let s = a.scores;
        AdkarDraft {
            group_id: Some(a.group_id.to_string()),
            site_id: Some(a.site_id.map(|n| n.to_string()).unwrap_or_default()),
            assessed_on: Some(a.assessed_on.to_string()),
            awareness: Some(s.awareness.to_string()),
            desire: Some(s.desire.to_string()),
            knowledge: Some(s.knowledge.to_string()),
            ability: Some(s.ability.to_string()),
            reinforcement: Some(s.reinforcement.to_string()),
            notes: Some(a.notes.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(a: i64, d: i64, k: i64, ab: i64, r: i64) -> Scores {
        Scores {
            awareness: a,
            desire: d,
            knowledge: k,
            ability: ab,
            reinforcement: r,
        }
    }

    #[test]
    fn the_barrier_is_the_first_element_scoring_three_or_less() {
        assert_eq!(scores(4, 2, 1, 5, 1).barrier(), Some(Element::Desire));
        assert_eq!(scores(3, 5, 5, 5, 5).barrier(), Some(Element::Awareness));
        assert_eq!(
            scores(5, 4, 4, 4, 3).barrier(),
            Some(Element::Reinforcement)
        );
        assert_eq!(scores(4, 4, 4, 4, 4).barrier(), None);
    }

    #[test]
    fn every_element_has_concrete_actions() {
        for e in Element::ALL {
            assert!(e.actions().len() >= 2, "{e:?}");
        }
        assert!(Element::Knowledge.actions()[0].contains("Role-based training"));
        assert!(Element::Ability.actions()[0].contains("At-the-elbow"));
    }

    #[test]
    fn each_score_is_checked_and_named() {
        let draft = AdkarDraft {
            group_id: Some("1".into()),
            assessed_on: Some("2027-01-15".into()),
            awareness: Some("4".into()),
            desire: Some("0".into()),
            knowledge: Some("six".into()),
            ability: Some("6".into()),
            reinforcement: None,
            ..Default::default()
        };
        let err = draft.clone().parse().unwrap_err();
        assert_eq!(err.message_for("desire"), Some("0 is not from 1 to 5"));
        assert!(err.message_for("knowledge").unwrap().contains("'six'"));
        assert_eq!(err.message_for("ability"), Some("6 is not from 1 to 5"));
        assert_eq!(err.message_for("reinforcement"), Some("is required"));
        assert_eq!(err.message_for("awareness"), None);
        let ok = AdkarDraft {
            desire: Some("2".into()),
            knowledge: Some("3".into()),
            ability: Some("1".into()),
            reinforcement: Some("1".into()),
            ..draft
        }
        .parse()
        .unwrap();
        assert_eq!(ok.scores.barrier(), Some(Element::Desire));
    }
}
