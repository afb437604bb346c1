//! The cost of a day's delay: what the program keeps paying, and the benefits it keeps
//! postponing, for every day go-live slips. Itemized so that nobody has to take the total on
//! faith.

use serde::{Deserialize, Serialize};

use crate::money::{Cents, MAX};
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

choice!(
    /// What a line of the cost of delay is.
    CostKind {
        LegacyRun = ("legacy_run", "Legacy systems kept running"),
        ParallelStaffing = ("parallel_staffing", "Parallel staffing"),
        ConsultantBurn = ("consultant_burn", "Consultants and vendor staff"),
        BenefitsPostponed = ("benefits_postponed", "Benefits postponed"),
        Other = ("other", "Other"),
    }
);

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
        let per_day = v.required("per_day", self.per_day, |s| {
            let cents = Cents::parse(&s)?;
            if cents.0 < 0 {
                Err("cannot be negative: a delay that saves money is not a cost".into())
            } else if cents > MAX {
                Err("is too large an amount".into())
            } else {
                Ok(cents)
            }
        });
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
    /// The entered items plus the burn of the people who have a daily rate (consultants and
    /// vendor staff), in the order of `CostKind`.
    pub fn itemize(items: &[CostItem], rated_people: i64, rated_burn: Cents) -> CostOfDelay {
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
        if rated_people > 0 {
            lines.push(CostLine {
                kind: CostKind::ConsultantBurn,
                name: "Daily rates of people on the program".into(),
                per_day: rated_burn,
                basis: format!(
                    "{rated_people} {} with a daily rate",
                    if rated_people == 1 {
                        "person"
                    } else {
                        "people"
                    }
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
        let cost = CostOfDelay::itemize(&items, 12, Cents(2_160_000));
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
        assert_eq!(cost.lines[1].basis, "12 people with a daily rate");
        assert_eq!(cost.of_slip(14), Cents(126_140_000));
        assert_eq!(cost.of_slip(-3), Cents(0));
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
