//! Holidays: days nobody works, for the whole program or at one site.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::text::{Name, date};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    pub id: i64,
    /// `None`: the whole program.
    pub site_id: Option<i64>,
    pub day: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidayDraft {
    /// Blank: a holiday of the whole program.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    /// YYYY-MM-DD
    pub day: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HolidaySpec {
    pub site_id: Option<i64>,
    pub day: NaiveDate,
    pub name: Name,
}

impl HolidayDraft {
    pub fn parse(self) -> Result<HolidaySpec, Invalid> {
        let mut v = Validator::new();
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let day = v.required("day", self.day, |s| date(&s));
        let name = v.required("name", self.name, |s| Name::parse(&s));
        v.finish(|| HolidaySpec {
            site_id: site_id.flatten().flatten(),
            day: day.unwrap(),
            name: name.unwrap(),
        })
    }
}

impl HolidayDraft {
    pub fn over(self, base: HolidayDraft) -> HolidayDraft {
        HolidayDraft {
            site_id: overlay(base.site_id, self.site_id),
            day: overlay(base.day, self.day),
            name: overlay(base.name, self.name),
        }
    }
}

impl From<&Holiday> for HolidayDraft {
    fn from(h: &Holiday) -> Self {
        HolidayDraft {
            site_id: Some(h.site_id.map(|s| s.to_string()).unwrap_or_default()),
            day: Some(h.day.to_string()),
            name: Some(h.name.clone()),
        }
    }
}
