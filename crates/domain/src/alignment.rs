//! The alignment matrix: for each stakeholder group and benefit goal, whether reaching the
//! goal is a gain for the group, a concession it makes, or neutral, with a note saying what.
//! A goal "concerns" the groups whose cell is not neutral.

use serde::{Deserialize, Serialize};

use crate::text::optional_text;
use crate::validate::{Invalid, Validator};

choice!(
    /// What reaching a goal means for a group.
    Effect {
        Gain = ("gain", "Gain"),
        Concession = ("concession", "Concession"),
        Neutral = ("neutral", "Neutral"),
    }
);

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlignmentCell {
    pub id: i64,
    pub stakeholder_id: i64,
    pub goal_id: i64,
    pub effect: Effect,
    /// What the group gains or concedes.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlignmentCellDraft {
    /// gain, concession or neutral
    pub effect: Option<String>,
    /// Required for a gain or a concession: what the group gains or gives up.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentCellSpec {
    pub effect: Effect,
    pub note: Option<String>,
}

impl AlignmentCellDraft {
    pub fn parse(self) -> Result<AlignmentCellSpec, Invalid> {
        let mut v = Validator::new();
        let effect = v.required("effect", self.effect, |s| Effect::parse(&s));
        let note = v.optional("note", self.note, |s| optional_text(&s, 2_000));
        let note = note.flatten().flatten();
        match (effect, &note) {
            (Some(Effect::Gain), None) => v.push("note", "say what the group gains"),
            (Some(Effect::Concession), None) => v.push(
                "note",
                "say what the group gives up or would not choose alone",
            ),
            _ => {}
        }
        v.finish(|| AlignmentCellSpec {
            effect: effect.unwrap(),
            note,
        })
    }
}

impl From<&AlignmentCell> for AlignmentCellDraft {
    fn from(c: &AlignmentCell) -> Self {
        AlignmentCellDraft {
            effect: Some(c.effect.code().into()),
            note: Some(c.note.clone().unwrap_or_default()),
        }
    }
}

/// A row or column heading of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heading {
    pub id: i64,
    pub name: String,
}

/// Groups down, goals across; a missing cell is neutral, not yet discussed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlignmentMatrix {
    pub groups: Vec<Heading>,
    pub goals: Vec<Heading>,
    pub cells: Vec<AlignmentCell>,
}

impl AlignmentMatrix {
    pub fn cell(&self, stakeholder_id: i64, goal_id: i64) -> Option<&AlignmentCell> {
        self.cells
            .iter()
            .find(|c| c.stakeholder_id == stakeholder_id && c.goal_id == goal_id)
    }

    /// Per group: how many goals it gains from and concedes to. A group that concedes more
    /// than it gains is where the joint strategy needs work.
    pub fn balance(&self, stakeholder_id: i64) -> (usize, usize) {
        let of = |effect| {
            self.cells
                .iter()
                .filter(|c| c.stakeholder_id == stakeholder_id && c.effect == effect)
                .count()
        };
        (of(Effect::Gain), of(Effect::Concession))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gain_or_a_concession_says_what_it_is() {
        let draft = |effect: &str, note: &str| AlignmentCellDraft {
            effect: Some(effect.into()),
            note: Some(note.into()),
        };
        assert_eq!(
            draft("gain", " ").parse().unwrap_err().message_for("note"),
            Some("say what the group gains")
        );
        assert!(draft("concession", "").parse().is_err());
        assert_eq!(draft("neutral", "").parse().unwrap().note, None);
        let spec = draft("concession", "Gives up its own order sets")
            .parse()
            .unwrap();
        assert_eq!(spec.effect, Effect::Concession);
        assert!(
            draft("maybe", "x")
                .parse()
                .unwrap_err()
                .message_for("effect")
                .is_some()
        );
    }

    #[test]
    fn a_groups_balance_counts_its_gains_and_concessions() {
        let cell = |g, goal, effect| AlignmentCell {
            id: g * 100 + goal,
            stakeholder_id: g,
            goal_id: goal,
            effect,
            note: None,
        };
        let m = AlignmentMatrix {
            groups: Vec::new(),
            goals: Vec::new(),
            cells: vec![
                cell(1, 1, Effect::Gain),
                cell(1, 2, Effect::Concession),
                cell(1, 3, Effect::Concession),
                cell(2, 1, Effect::Gain),
            ],
        };
        assert_eq!(m.balance(1), (1, 2));
        assert_eq!(m.balance(2), (1, 0));
        assert_eq!(m.cell(1, 3).unwrap().effect, Effect::Concession);
        assert!(m.cell(2, 3).is_none());
    }
}
