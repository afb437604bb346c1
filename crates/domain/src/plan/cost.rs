//! The cost of a day's delay: what the program keeps paying, and the benefits it keeps
//! postponing, for every day go-live slips. Itemized so that nobody has to take the total on
//! faith.

use serde::{Deserialize, Serialize};

use crate::draft::overlay;
use crate::goal::benefits::GoalsPostponed;
use crate::money::Cents;
use crate::person::EmployerKind;
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

choice!(
    /// What a line of the cost of delay is.
    CostKind {
        LegacyRun = ("legacy_run", "Legacy systems kept running"),
        ParallelStaffing = ("parallel_staffing", "Parallel staffing"),
        ConsultantBurn = ("consultant_burn", "Consultants and vendor staff"),
        ProgramTeam = ("program_team", "Program team"),
        BenefitsPostponed = ("benefits_postponed", "Benefits postponed"),
        Other = ("other", "Other"),
    }
);

/// The name of the line the benefit goals add.
pub const GOALS_LINE: &str = "Goals' value postponed";

/// One entered line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostItem {
    pub id: i64,
    pub kind: CostKind,
    pub name: String,
    pub per_day: Cents,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CostItemDraft {
    /// legacy_run, parallel_staffing, consultant_burn, benefits_postponed or other
    pub kind: Option<String>,
    pub name: Option<String>,
    /// Dollars per calendar day of delay, e.g. "12500" or "12,500.00"
    pub per_day: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CostItemSpec {
    pub kind: CostKind,
    pub name: Name,
    pub per_day: Cents,
    pub notes: Option<String>,
}

impl CostItemDraft {
    pub fn over(self, base: CostItemDraft) -> CostItemDraft {
        CostItemDraft {
            kind: overlay(base.kind, self.kind),
            name: overlay(base.name, self.name),
            per_day: overlay(base.per_day, self.per_day),
            notes: overlay(base.notes, self.notes),
        }
    }

    pub fn parse(self) -> Result<CostItemSpec, Invalid> {
        let mut v = Validator::new();
        let kind = v.required("kind", self.kind, |s| CostKind::parse(&s));
        let name = v.optional("name", self.name, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Name::parse(&s).map(Some)
            }
        });
        let per_day = v.required("per_day", self.per_day, |s| Cents::parse_cost(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        let name = match (kind, name.flatten().flatten()) {
            (_, Some(name)) => Some(name),
            (Some(CostKind::Other), None) => {
                v.push("name", "name what this cost is");
                None
            }
            (Some(kind), None) => Name::parse(kind.label()).ok(),
            (None, None) => None,
        };
        v.finish(|| CostItemSpec {
            kind: kind.unwrap(),
            name: name.unwrap(),
            per_day: per_day.unwrap(),
            notes: notes.flatten().flatten(),
        })
    }
}

impl From<&CostItem> for CostItemDraft {
    fn from(i: &CostItem) -> Self {
        CostItemDraft {
            kind: Some(i.kind.code().into()),
            name: Some(i.name.clone()),
            per_day: Some(i.per_day.amount()),
            notes: Some(i.notes.clone().unwrap_or_default()),
        }
    }
}

/// The active people of one employer kind who have a daily rate, and what they cost a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatedPeople {
    pub employer_kind: EmployerKind,
    pub people: i64,
    pub per_day: Cents,
}

/// A line of the itemized cost of delay, entered or computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostLine {
    pub kind: CostKind,
    pub name: String,
    pub per_day: Cents,
    /// Where the figure comes from ("entered", "12 people with a daily rate").
    pub basis: String,
    /// The entered item, when it is one.
    pub item_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostOfDelay {
    pub lines: Vec<CostLine>,
    /// What one day of delay costs.
    pub per_day: Cents,
}

impl CostOfDelay {
    /// The entered items plus the daily rates of the people on the program (one line per
    /// employer kind) and the goals' value a delay postpones (one line, beside any entered
    /// benefits postponed), in the order of `CostKind`.
    pub fn itemize(
        items: &[CostItem],
        rated: &[RatedPeople],
        goals: GoalsPostponed,
    ) -> CostOfDelay {
        let mut lines: Vec<CostLine> = items
            .iter()
            .map(|i| CostLine {
                kind: i.kind,
                name: i.name.clone(),
                per_day: i.per_day,
                basis: "entered".into(),
                item_id: Some(i.id),
            })
            .collect();
        for r in rated.iter().filter(|r| r.people > 0) {
            let (kind, name) = match r.employer_kind {
                EmployerKind::Consultant => (CostKind::ConsultantBurn, "Consultants' daily rates"),
                EmployerKind::Vendor => (CostKind::ConsultantBurn, "Vendor staff's daily rates"),
                EmployerKind::Staff => (CostKind::ProgramTeam, "Program staff's daily rates"),
            };
            let people = if r.people == 1 { "person" } else { "people" };
            lines.push(CostLine {
                kind,
                name: name.into(),
                per_day: r.per_day,
                basis: format!("{} active {people} with a daily rate", r.people),
                item_id: None,
            });
        }
        if goals.goals > 0 && goals.per_year.0 > 0 {
            let noun = if goals.goals == 1 { "goal" } else { "goals" };
            lines.push(CostLine {
                kind: CostKind::BenefitsPostponed,
                name: GOALS_LINE.into(),
                per_day: goals.per_day(),
                basis: format!(
                    "{} {noun} worth {} a year, / 365",
                    goals.goals, goals.per_year
                ),
                item_id: None,
            });
        }
        lines.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        let per_day = lines.iter().map(|l| l.per_day).sum();
        CostOfDelay { lines, per_day }
    }

    /// What a slip of `days` calendar days costs.
    pub fn of_slip(&self, days: i64) -> Cents {
        self.per_day.times(days.max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_of_a_day_adds_up_its_lines_and_people_burn() {
        let items = [
            CostItem {
                id: 1,
                kind: CostKind::LegacyRun,
                name: "Legacy EHR licences".into(),
                per_day: Cents(4_100_000),
                notes: None,
            },
            CostItem {
                id: 2,
                kind: CostKind::BenefitsPostponed,
                name: "Days in A/R reduction".into(),
                per_day: Cents(2_750_000),
                notes: None,
            },
        ];
        let rated = [
            RatedPeople {
                employer_kind: EmployerKind::Consultant,
                people: 12,
                per_day: Cents(2_160_000),
            },
            RatedPeople {
                employer_kind: EmployerKind::Vendor,
                people: 0,
                per_day: Cents(0),
            },
        ];
        let cost = CostOfDelay::itemize(&items, &rated, GoalsPostponed::default());
        assert_eq!(cost.per_day, Cents(9_010_000));
        assert_eq!(cost.per_day.to_string(), "$90,100.00");
        let kinds: Vec<CostKind> = cost.lines.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                CostKind::LegacyRun,
                CostKind::ConsultantBurn,
                CostKind::BenefitsPostponed
            ]
        );
        assert_eq!(cost.lines.len(), 3, "a kind with nobody rated adds no line");
        assert_eq!(cost.lines[1].basis, "12 active people with a daily rate");
        assert_eq!(cost.of_slip(14), Cents(126_140_000));
        assert_eq!(cost.of_slip(-3), Cents(0));
    }

    #[test]
    fn goals_value_postponed_is_one_line_beside_entered_benefits() {
        let items = [CostItem {
            id: 2,
            kind: CostKind::BenefitsPostponed,
            name: "Days in A/R reduction".into(),
            per_day: Cents(2_750_000),
            notes: None,
        }];
        let goals = GoalsPostponed {
            goals: 3,
            per_year: Cents(365_000_000),
        };
        let cost = CostOfDelay::itemize(&items, &[], goals);
        assert_eq!(cost.lines.len(), 2, "the entered line stays");
        let line = cost.lines.iter().find(|l| l.name == GOALS_LINE).unwrap();
        assert_eq!(line.per_day, Cents(1_000_000));
        assert_eq!(line.basis, "3 goals worth $3,650,000.00 a year, / 365");
        assert_eq!(cost.per_day, Cents(3_750_000));
    }

    #[test]
    fn an_item_needs_a_kind_an_amount_and_for_other_a_name() {
        let err = CostItemDraft {
            kind: Some("other".into()),
            per_day: Some("-5".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["per_day", "name"]);
        let legacy = CostItemDraft {
            kind: Some("legacy_run".into()),
            per_day: Some("$41,000".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(legacy.name.as_str(), "Legacy systems kept running");
        assert_eq!(legacy.per_day, Cents(4_100_000));
    }
}
