//! The KPI measurements import's rules: a row names a goal (by name), where it was
//! measured (a site's code or name; blank is program-wide), the period and the value in
//! the goal's unit. A value that does not fit the unit, a site the goal does not concern,
//! or a site the importer may not report for is an error naming the row and field. A
//! goal, site and period already on record (or earlier in the file) is replaced.

use std::collections::HashMap;

use super::Column;
use super::date::{DateOrder, cell_date};
use crate::access::{Action, Actor, Place, Subject};
use crate::goal::{Goal, GoalId, MeasurementSpec};
use crate::site::SiteId;
use crate::validate::FieldError;

/// A measurements file longer than this is refused as a whole (50 KPIs x 200 sites x 36
/// months is 360,000 rows).
pub const MAX_ROWS: u64 = 10_000_000;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "goal",
        label: "Goal",
        required: true,
        synonyms: &[
            "kpi",
            "measure",
            "metric",
            "goal name",
            "kpi name",
            "indicator",
        ],
        help: "The goal's name in Muster.",
    },
    Column {
        key: "site",
        label: "Site",
        required: false,
        synonyms: &[
            "site code",
            "facility",
            "location",
            "hospital",
            "clinic",
            "site name",
        ],
        help: "The site's code or name; blank for a program-wide figure.",
    },
    Column {
        key: "period",
        label: "Period",
        required: true,
        synonyms: &["month", "date", "as of", "period start", "reporting period"],
        help: "The first day of the period measured: YYYY-MM-DD, month/day/year or an Excel date.",
    },
    Column {
        key: "value",
        label: "Value",
        required: true,
        synonyms: &["result", "actual", "figure", "amount", "measure value"],
        help: "In the goal's unit: a percent 0 to 100, a count as a whole number, dollars like 1250.50.",
    },
];

const GOAL: usize = 0;
const SITE: usize = 1;
const PERIOD: usize = 2;
const VALUE: usize = 3;

/// The goals (by name) and sites (by code and name) a file may name.
#[derive(Debug, Default)]
pub struct GoalCatalog {
    goals: HashMap<String, Goal>,
    sites: HashMap<String, SiteId>,
}

impl GoalCatalog {
    /// `sites`: (id, code, name).
    pub fn new(
        goals: Vec<Goal>,
        sites: impl IntoIterator<Item = (SiteId, String, String)>,
    ) -> Self {
        let goals = goals
            .into_iter()
            .map(|g| (g.name.to_lowercase(), g))
            .collect();
        let mut by = HashMap::new();
        for (id, code, name) in sites {
            by.insert(name.to_lowercase(), id);
            by.insert(code.to_lowercase(), id);
        }
        GoalCatalog { goals, sites: by }
    }
}

/// Checks a measurements file row by row, keeping nothing between rows.
pub struct MeasurementCheck<'a> {
    actor: &'a Actor,
    catalog: &'a GoalCatalog,
    resolved: &'a super::Resolved,
    order: DateOrder,
    serial_dates: bool,
}

impl<'a> MeasurementCheck<'a> {
    pub fn new(actor: &'a Actor, catalog: &'a GoalCatalog, resolved: &'a super::Resolved) -> Self {
        MeasurementCheck {
            actor,
            catalog,
            resolved,
            order: DateOrder::Either,
            serial_dates: false,
        }
    }

    /// Slashed dates in `order`; `serial_dates`: numbers are Excel dates (an XLSX file).
    pub fn dates(mut self, order: DateOrder, serial_dates: bool) -> Self {
        self.order = order;
        self.serial_dates = serial_dates;
        self
    }

    /// Checks one row: its goal and measurement, or all of its errors.
    pub fn check(&self, cells: &[String]) -> Result<(GoalId, MeasurementSpec), Vec<FieldError>> {
        let cell = |c: usize| self.resolved.cell(c, cells).map(str::trim).unwrap_or("");
        let mut errors = Vec::new();
        let goal = match cell(GOAL) {
            "" => {
                errors.push(FieldError::new("goal", "is missing"));
                None
            }
            name => {
                let found = self.catalog.goals.get(&name.to_lowercase());
                if found.is_none() {
                    errors.push(FieldError::new(
                        "goal",
                        format!("there is no goal named '{name}'"),
                    ));
                }
                found
            }
        };
        let site = match cell(SITE) {
            "" => Some(None),
            raw => match self.catalog.sites.get(&raw.to_lowercase()) {
                Some(&id) => Some(Some(id)),
                None => {
                    errors.push(FieldError::new(
                        "site",
                        format!("there is no site with code or name '{raw}'"),
                    ));
                    None
                }
            },
        };
        let period = match cell(PERIOD) {
            "" => Err("is missing".to_owned()),
            raw => cell_date(raw, self.order, self.serial_dates),
        }
        .map_err(|m| errors.push(FieldError::new("period", m)))
        .ok();
        let value = goal.and_then(|g| {
            g.unit
                .parse_value(cell(VALUE))
                .map_err(|m| errors.push(FieldError::new("value", m)))
                .ok()
        });
        if let (Some(g), Some(Some(s))) = (goal, site)
            && !g.concerns(s)
        {
            errors.push(FieldError::new(
                "site",
                "the goal does not concern this site",
            ));
        }
        if let Some(site) = site
            && !self
                .actor
                .may_at(Action::Create, Subject::Measurement, Place::Site(site))
        {
            errors.push(FieldError::new(
                "site",
                match site {
                    Some(_) => "you may not report measurements for this site",
                    None => "you may not report program-wide measurements",
                },
            ));
        }
        match (goal, site, period, value) {
            (Some(g), Some(site_id), Some(period), Some(value)) if errors.is_empty() => Ok((
                g.id,
                MeasurementSpec {
                    site_id,
                    period,
                    value,
                },
            )),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::AccessRole;
    use crate::goal::testing;
    use crate::import::{Mapping, resolve};

    fn check(
        actor: &Actor,
        rows: &[[&str; 4]],
    ) -> Vec<Result<(GoalId, MeasurementSpec), Vec<FieldError>>> {
        let mut goal = testing::goal();
        goal.site_ids = vec![1, 2];
        let catalog = GoalCatalog::new(
            vec![goal],
            [
                (1, "RMC".into(), "Riverbend Medical Center".into()),
                (2, "LCH".into(), "Lakeside".into()),
                (3, "OSC".into(), "Oak Street Clinic".into()),
            ],
        );
        let headers: Vec<String> = ["KPI", "Site code", "Month", "Value"]
            .map(String::from)
            .to_vec();
        let resolved = resolve(COLUMNS, &headers, &Mapping::default()).unwrap();
        let checker =
            MeasurementCheck::new(actor, &catalog, &resolved).dates(DateOrder::MonthFirst, false);
        rows.iter()
            .map(|r| checker.check(&r.map(String::from)))
            .collect()
    }

    fn fields(r: &Result<(GoalId, MeasurementSpec), Vec<FieldError>>) -> Vec<&str> {
        r.as_ref()
            .unwrap_err()
            .iter()
            .map(|e| e.field.as_str())
            .collect()
    }

    #[test]
    fn a_row_names_its_goal_site_period_and_a_value_in_the_goals_unit() {
        let lead = Actor {
            role: AccessRole::ProgramLead,
            ..Actor::operator(1)
        };
        let out = check(
            &lead,
            &[
                [
                    "Medication administration scanning rate",
                    "rmc",
                    "04/01/2026",
                    "91.5%",
                ],
                [
                    "medication administration scanning rate",
                    "",
                    "2026-04-01",
                    "90",
                ],
                [
                    "Medication administration scanning rate",
                    "RMC",
                    "2026-04-01",
                    "140",
                ],
                ["Sepsis bundle", "OSC", "April", "3 days"],
                [
                    "Medication administration scanning rate",
                    "OSC",
                    "2026-04-01",
                    "80",
                ],
            ],
        );
        let (goal, spec) = out[0].as_ref().unwrap();
        assert_eq!((*goal, spec.site_id, spec.value), (1, Some(1), 91.5));
        assert_eq!(spec.period.to_string(), "2026-04-01");
        assert_eq!(
            out[1].as_ref().unwrap().1.site_id,
            None,
            "blank site: program-wide"
        );
        assert_eq!(fields(&out[2]), ["value"]);
        assert_eq!(
            out[2].as_ref().unwrap_err()[0].message,
            "140 is not a percent between 0 and 100"
        );
        assert_eq!(fields(&out[3]), ["goal", "period"]);
        assert_eq!(
            fields(&out[4]),
            ["site"],
            "the goal does not concern Oak Street"
        );
    }

    #[test]
    fn a_site_lead_imports_only_their_own_sites() {
        let lead = Actor {
            role: AccessRole::SiteLead,
            site_ids: vec![1],
            ..Actor::operator(1)
        };
        let out = check(
            &lead,
            &[
                [
                    "Medication administration scanning rate",
                    "RMC",
                    "2026-04-01",
                    "90",
                ],
                [
                    "Medication administration scanning rate",
                    "LCH",
                    "2026-04-01",
                    "90",
                ],
                [
                    "Medication administration scanning rate",
                    "",
                    "2026-04-01",
                    "90",
                ],
            ],
        );
        assert!(out[0].is_ok());
        assert_eq!(fields(&out[1]), ["site"]);
        assert_eq!(fields(&out[2]), ["site"]);
    }
}
