//! Rounding: which support staff and champions walk which unit on which shift during go-live.

use chrono::NaiveDate;
use serde::Serialize;

choice!(
    Shift {
        Day = ("day", "Day (07:00–15:00)"),
        Evening = ("evening", "Evening (15:00–23:00)"),
        Night = ("night", "Night (23:00–07:00)"),
    }
);

choice!(
    /// Why the person is on the unit.
    Duty {
        Support = ("support", "At-the-elbow support"),
        Champion = ("champion", "Champion (super user)"),
        Vendor = ("vendor", "Vendor support"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rounding {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub site_id: i64,
    pub shift_date: NaiveDate,
    pub shift: Shift,
    pub duty: Duty,
    pub notes: Option<String>,
}
