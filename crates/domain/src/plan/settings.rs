//! The plan's settings as submitted: when the project starts and which weekdays are worked.

use chrono::NaiveDate;
use serde::Deserialize;

use super::calendar::parse_weekdays;
use crate::text::date;
use crate::validate::{Invalid, Validator};

/// The weekday codes, Monday first, as forms and the API write them.
pub const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanSettingsDraft {
    /// YYYY-MM-DD: no task starts before it.
    pub project_start: Option<String>,
    /// The days worked, e.g. ["mon", "tue", "wed", "thu", "fri"].
    #[serde(default)]
    pub working_weekdays: Option<Vec<String>>,
}

impl PlanSettingsDraft {
    pub fn parse(self) -> Result<(NaiveDate, [bool; 7]), Invalid> {
        let mut v = Validator::new();
        let start = v.required("project_start", self.project_start, |s| date(&s));
        let days = v.required("working_weekdays", self.working_weekdays, |days| {
            parse_weekdays(&days.join(","))
        });
        v.finish(|| (start.unwrap(), days.unwrap()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_need_a_start_and_a_working_day() {
        let err = PlanSettingsDraft {
            project_start: Some("2027-02-30".into()),
            working_weekdays: Some(vec![]),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["project_start", "working_weekdays"]);
        let (start, days) = PlanSettingsDraft {
            project_start: Some("2027-03-01".into()),
            working_weekdays: Some(vec!["sun".into(), "mon".into()]),
        }
        .parse()
        .unwrap();
        assert_eq!(start.to_string(), "2027-03-01");
        assert_eq!(days, [true, false, false, false, false, false, true]);
    }
}
