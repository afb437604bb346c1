//! Waves: groups of sites that go live together on one date, with the modules they take
//! live and two counts of their complexity (interfaces and approved customizations, counted
//! by hand until later capabilities feed them). `scale.rs` turns these into the wave's
//! scale index.

pub mod scale;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_count, overlay};
use crate::module::ModuleId;
use crate::site::SiteId;
use crate::text::{Name, date, optional_text};
use crate::validate::{Invalid, Validator};

pub type WaveId = i64;

/// More interfaces or approved customizations than this in one wave is a typing mistake.
pub const MAX_COUNTED: i64 = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wave {
    pub id: WaveId,
    pub name: String,
    pub go_live: NaiveDate,
    pub notes: Option<String>,
    /// The sites that go live in this wave, by id.
    pub site_ids: Vec<SiteId>,
    /// The modules this wave takes live (its scope), by id.
    pub module_ids: Vec<ModuleId>,
    /// Interfaces going live with the wave (counted by hand for now).
    pub interfaces: i64,
    /// Approved customizations going live with the wave, counted by hand: those approved
    /// before (or outside) Muster's change requests.
    pub approved_customizations: i64,
    /// Change requests of customization kinds approved in Muster for this wave (counted,
    /// not entered). The scale index's complexity adds both counts.
    pub requested_customizations: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WaveDraft {
    pub name: Option<String>,
    /// YYYY-MM-DD
    pub go_live: Option<String>,
    pub notes: Option<String>,
    pub site_ids: Option<Vec<SiteId>>,
    /// The modules going live in this wave.
    pub module_ids: Option<Vec<ModuleId>>,
    /// Interfaces going live, 0 to 100000; blank is 0.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub interfaces: Option<String>,
    /// Approved customizations going live, 0 to 100000; blank is 0.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub approved_customizations: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaveSpec {
    pub name: Name,
    pub go_live: NaiveDate,
    pub notes: Option<String>,
    pub site_ids: Vec<SiteId>,
    pub module_ids: Vec<ModuleId>,
    pub interfaces: i64,
    pub approved_customizations: i64,
}

fn ids<T: Ord>(given: Option<Vec<T>>) -> Vec<T> {
    let mut ids = given.unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl WaveDraft {
    pub fn parse(self) -> Result<WaveSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let go_live = v.required("go_live", self.go_live, |s| date(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        let interfaces = v.optional("interfaces", self.interfaces, |s| {
            optional_count(s, MAX_COUNTED)
        });
        let customizations = v.optional(
            "approved_customizations",
            self.approved_customizations,
            |s| optional_count(s, MAX_COUNTED),
        );
        v.finish(|| WaveSpec {
            name: name.unwrap(),
            go_live: go_live.unwrap(),
            notes: notes.unwrap().flatten(),
            site_ids: ids(self.site_ids),
            module_ids: ids(self.module_ids),
            interfaces: interfaces.flatten().flatten().unwrap_or(0),
            approved_customizations: customizations.flatten().flatten().unwrap_or(0),
        })
    }

    pub fn over(self, base: WaveDraft) -> WaveDraft {
        WaveDraft {
            name: overlay(base.name, self.name),
            go_live: overlay(base.go_live, self.go_live),
            notes: overlay(base.notes, self.notes),
            site_ids: overlay(base.site_ids, self.site_ids),
            module_ids: overlay(base.module_ids, self.module_ids),
            interfaces: overlay(base.interfaces, self.interfaces),
            approved_customizations: overlay(
                base.approved_customizations,
                self.approved_customizations,
            ),
        }
    }
}

impl From<&Wave> for WaveDraft {
    fn from(w: &Wave) -> Self {
        WaveDraft {
            name: Some(w.name.clone()),
            go_live: Some(w.go_live.format("%Y-%m-%d").to_string()),
            notes: Some(w.notes.clone().unwrap_or_default()),
            site_ids: Some(w.site_ids.clone()),
            module_ids: Some(w.module_ids.clone()),
            interfaces: Some(w.interfaces.to_string()),
            approved_customizations: Some(w.approved_customizations.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wave_needs_a_real_go_live_date_and_dedups_its_sites_and_modules() {
        let spec = WaveDraft {
            name: Some("Wave 1".into()),
            go_live: Some("2027-04-03".into()),
            site_ids: Some(vec![3, 1, 3]),
            module_ids: Some(vec![7, 2, 7]),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(spec.site_ids, vec![1, 3]);
        assert_eq!(spec.module_ids, vec![2, 7]);
        assert_eq!(
            (spec.interfaces, spec.approved_customizations),
            (0, 0),
            "counts left out are none yet"
        );
        let err = WaveDraft {
            name: Some("W".into()),
            go_live: Some("soon".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("go_live").is_some());
    }

    #[test]
    fn the_counted_fields_are_whole_numbers_in_range() {
        let err = WaveDraft {
            name: Some("W".into()),
            go_live: Some("2027-04-03".into()),
            interfaces: Some("-2".into()),
            approved_customizations: Some("many".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("interfaces"), Some("must not be negative"));
        assert_eq!(
            err.message_for("approved_customizations"),
            Some("'many' is not a whole number")
        );
        let spec = WaveDraft {
            name: Some("W".into()),
            go_live: Some("2027-04-03".into()),
            interfaces: Some("24".into()),
            approved_customizations: Some(" 9 ".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((spec.interfaces, spec.approved_customizations), (24, 9));
    }
}
