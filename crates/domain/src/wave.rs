//! Waves: groups of sites that go live together on one date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::overlay;
use crate::site::SiteId;
use crate::text::{Name, date, optional_text};
use crate::validate::{Invalid, Validator};

pub type WaveId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wave {
    pub id: WaveId,
    pub name: String,
    pub go_live: NaiveDate,
    pub notes: Option<String>,
    /// The sites that go live in this wave, by id.
    pub site_ids: Vec<SiteId>,
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaveSpec {
    pub name: Name,
    pub go_live: NaiveDate,
    pub notes: Option<String>,
    pub site_ids: Vec<SiteId>,
}

impl WaveDraft {
    pub fn parse(self) -> Result<WaveSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let go_live = v.required("go_live", self.go_live, |s| date(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        let mut site_ids = self.site_ids.unwrap_or_default();
        site_ids.sort_unstable();
        site_ids.dedup();
        v.finish(|| WaveSpec {
            name: name.unwrap(),
            go_live: go_live.unwrap(),
            notes: notes.unwrap().flatten(),
            site_ids,
        })
    }

    pub fn over(self, base: WaveDraft) -> WaveDraft {
        WaveDraft {
            name: overlay(base.name, self.name),
            go_live: overlay(base.go_live, self.go_live),
            notes: overlay(base.notes, self.notes),
            site_ids: overlay(base.site_ids, self.site_ids),
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wave_needs_a_real_go_live_date_and_dedups_its_sites() {
        let spec = WaveDraft {
            name: Some("Wave 1".into()),
            go_live: Some("2027-04-03".into()),
            site_ids: Some(vec![3, 1, 3]),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(spec.site_ids, vec![1, 3]);
        let err = WaveDraft {
            name: Some("W".into()),
            go_live: Some("soon".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("go_live").is_some());
    }
}
