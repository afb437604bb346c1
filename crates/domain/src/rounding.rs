//! Rounding: which support staff and champions walk which unit on which shift during go-live.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, overlay};
use crate::placement::{PlacedAt, Placement};
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};

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
    #[serde(flatten)]
    pub placed: PlacedAt,
    pub shift_date: NaiveDate,
    pub duty: Duty,
    pub notes: Option<String>,
}

/// A rounding assignment as submitted by a form or a JSON body. The site is named with the
/// unit so that access (site leads manage their own sites' rounding) is decided before the
/// store is asked; the store checks that the unit belongs to it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoundingDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub unit_id: Option<String>,
    /// YYYY-MM-DD
    pub shift_date: Option<String>,
    /// day, evening or night
    pub shift: Option<String>,
    /// support, champion or vendor
    pub duty: Option<String>,
    pub notes: Option<String>,
}

/// A valid rounding assignment, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundingSpec {
    pub placement: Placement,
    pub shift_date: NaiveDate,
    pub duty: Duty,
    pub notes: Option<String>,
}

impl RoundingDraft {
    pub fn parse(self) -> Result<RoundingSpec, Invalid> {
        let mut v = Validator::new();
        let fields = [self.person_id, self.site_id, self.unit_id, self.shift];
        let placement = Placement::parse(&mut v, fields);
        let shift_date = v.required("shift_date", self.shift_date, |s| date(&s));
        let duty = v.required("duty", self.duty, |s| Duty::parse(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 2_000));
        v.finish(|| RoundingSpec {
            placement: placement.unwrap(),
            shift_date: shift_date.unwrap(),
            duty: duty.unwrap(),
            notes: notes.unwrap().flatten(),
        })
    }

    pub fn over(self, base: RoundingDraft) -> RoundingDraft {
        RoundingDraft {
            person_id: overlay(base.person_id, self.person_id),
            site_id: overlay(base.site_id, self.site_id),
            unit_id: overlay(base.unit_id, self.unit_id),
            shift_date: overlay(base.shift_date, self.shift_date),
            shift: overlay(base.shift, self.shift),
            duty: overlay(base.duty, self.duty),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&Rounding> for RoundingDraft {
    fn from(r: &Rounding) -> Self {
        let [person_id, site_id, unit_id, shift] = r.placed.draft();
        RoundingDraft {
            person_id,
            site_id,
            unit_id,
            shift,
            shift_date: Some(r.shift_date.format("%Y-%m-%d").to_string()),
            duty: Some(r.duty.code().into()),
            notes: Some(r.notes.clone().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rounding_names_who_where_and_when() {
        let spec = RoundingDraft {
            person_id: Some("7".into()),
            site_id: Some("1".into()),
            unit_id: Some("3".into()),
            shift_date: Some("2027-04-03".into()),
            shift: Some("night".into()),
            duty: Some("champion".into()),
            notes: Some(" ".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(spec.placement.shift, Shift::Night);
        assert_eq!(spec.notes, None);
        let err = RoundingDraft::default().parse().unwrap_err();
        for field in [
            "person_id",
            "site_id",
            "unit_id",
            "shift_date",
            "shift",
            "duty",
        ] {
            assert_eq!(err.message_for(field), Some("is required"), "{field}");
        }
    }
}
