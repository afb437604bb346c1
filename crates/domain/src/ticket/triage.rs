//! Triage: a priority from impact and urgency (a matrix each program may change; patient
//! safety always wins), and the team a ticket belongs to.

use serde::{Deserialize, Serialize};

use super::{Category, Impact, Priority, Urgency};
use crate::support_team::{SupportTeam, TeamKind};

/// Priority by impact (rows: high, medium, low) and urgency (columns: high, medium, low).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityMatrix(pub [[Priority; 3]; 3]);

impl Default for PriorityMatrix {
    /// The usual ITIL-style grid.
    fn default() -> Self {
        use Priority::*;
        PriorityMatrix([[P1, P2, P3], [P2, P3, P3], [P3, P3, P4]])
    }
}

fn index<T: PartialEq + Copy>(all: &[T], value: T) -> usize {
    all.iter().position(|v| *v == value).expect("listed")
}

impl PriorityMatrix {
    pub fn priority(&self, impact: Impact, urgency: Urgency, patient_safety: bool) -> Priority {
        if patient_safety {
            return Priority::P1;
        }
        self.0[index(Impact::ALL, impact)][index(Urgency::ALL, urgency)]
    }

    /// Nine priority codes, row by row: "p1,p2,p3,p2,p3,p3,p3,p3,p4".
    pub fn code(&self) -> String {
        self.0
            .iter()
            .flatten()
            .map(|p| p.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let cells = raw
            .split(',')
            .map(Priority::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if cells.len() != 9 {
            return Err(format!("needs 9 priorities, found {}", cells.len()));
        }
        let mut grid = [[Priority::P4; 3]; 3];
        for (i, p) in cells.into_iter().enumerate() {
            grid[i / 3][i % 3] = p;
        }
        Ok(PriorityMatrix(grid))
    }

    pub fn set(&mut self, impact: Impact, urgency: Urgency, priority: Priority) {
        self.0[index(Impact::ALL, impact)][index(Urgency::ALL, urgency)] = priority;
    }
}

/// The team for a ticket of `category` about `module`: a team for that module and category
/// first, then one for the category and any module, else the triage queue. `None` only when
/// the program has no triage queue yet.
pub fn route(teams: &[SupportTeam], category: Category, module: Option<i64>) -> Option<i64> {
    let takes = |t: &&SupportTeam| t.kind != TeamKind::Triage && t.categories.contains(&category);
    teams
        .iter()
        .filter(takes)
        .find(|t| module.is_some() && t.module_id == module)
        .or_else(|| teams.iter().filter(takes).find(|t| t.module_id.is_none()))
        .or_else(|| teams.iter().find(|t| t.kind == TeamKind::Triage))
        .map(|t| t.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(id: i64, kind: TeamKind, categories: &[Category], module: Option<i64>) -> SupportTeam {
        SupportTeam {
            id,
            name: format!("team {id}"),
            kind,
            categories: categories.to_vec(),
            module_id: module,
            organization: None,
            lead_account_id: None,
        }
    }

    #[test]
    fn patient_safety_always_yields_the_top_priority() {
        let m = PriorityMatrix::default();
        for &i in Impact::ALL {
            for &u in Urgency::ALL {
                assert_eq!(m.priority(i, u, true), Priority::P1);
            }
        }
        assert_eq!(m.priority(Impact::Low, Urgency::Low, false), Priority::P4);
    }

    #[test]
    fn the_matrix_round_trips_and_refuses_a_short_grid() {
        let mut m = PriorityMatrix::default();
        m.set(Impact::Low, Urgency::Low, Priority::P3);
        assert_eq!(PriorityMatrix::parse(&m.code()), Ok(m));
        assert!(PriorityMatrix::parse("p1,p2").unwrap_err().contains("9"));
        assert!(PriorityMatrix::parse("p1,p2,p3,p4,p5,p1,p1,p1,p1").is_err());
    }

    #[test]
    fn tickets_go_to_the_most_specific_team_else_triage() {
        let teams = [
            team(1, TeamKind::Triage, &[], None),
            team(2, TeamKind::Application, &[Category::BreakFix], Some(10)),
            team(3, TeamKind::Application, &[Category::BreakFix], None),
            team(4, TeamKind::Training, &[Category::HowTo], None),
        ];
        assert_eq!(route(&teams, Category::BreakFix, Some(10)), Some(2));
        assert_eq!(route(&teams, Category::BreakFix, Some(11)), Some(3));
        assert_eq!(route(&teams, Category::HowTo, Some(10)), Some(4));
        assert_eq!(route(&teams, Category::Interface, None), Some(1));
        assert_eq!(route(&teams[1..], Category::Interface, None), None);
    }
}
