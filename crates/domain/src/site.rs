//! Sites: the hospitals, clinics and ambulatory centers that go live.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_count, overlay};
use crate::text::{Code, Name, optional_text};
use crate::validate::{Invalid, Validator};

pub type SiteId = i64;

choice!(
    /// What kind of care a site delivers; drives its scale and its go-live support.
    SiteKind {
        Hospital = ("hospital", "Hospital"),
        Clinic = ("clinic", "Clinic"),
        AmbulatoryCenter = ("ambulatory_center", "Ambulatory center"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub code: String,
    pub kind: SiteKind,
    pub region: Option<String>,
    pub beds: Option<i64>,
    pub expected_users: Option<i64>,
}

/// A site as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteDraft {
    pub name: Option<String>,
    pub code: Option<String>,
    /// hospital, clinic or ambulatory_center
    pub kind: Option<String>,
    pub region: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub beds: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub expected_users: Option<String>,
}

/// A valid site, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSpec {
    pub name: Name,
    pub code: Code,
    pub kind: SiteKind,
    pub region: Option<String>,
    pub beds: Option<i64>,
    pub expected_users: Option<i64>,
}

impl SiteDraft {
    pub fn parse(self) -> Result<SiteSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let code = v.required("code", self.code, |s| Code::parse(&s));
        let kind = v.required("kind", self.kind, |s| SiteKind::parse(&s));
        let region = v.optional("region", self.region, |s| optional_text(&s, 100));
        let beds = v.optional("beds", self.beds, |s| optional_count(s, 10_000));
        let users = v.optional("expected_users", self.expected_users, |s| {
            optional_count(s, 1_000_000)
        });
        v.finish(|| SiteSpec {
            name: name.unwrap(),
            code: code.unwrap(),
            kind: kind.unwrap(),
            region: region.unwrap().flatten(),
            beds: beds.unwrap().flatten(),
            expected_users: users.unwrap().flatten(),
        })
    }

    /// This draft's fields over `base`'s: a partial update.
    pub fn over(self, base: SiteDraft) -> SiteDraft {
        SiteDraft {
            name: overlay(base.name, self.name),
            code: overlay(base.code, self.code),
            kind: overlay(base.kind, self.kind),
            region: overlay(base.region, self.region),
            beds: overlay(base.beds, self.beds),
            expected_users: overlay(base.expected_users, self.expected_users),
        }
    }
}

impl From<&Site> for SiteDraft {
    fn from(s: &Site) -> Self {
        SiteDraft {
            name: Some(s.name.clone()),
            code: Some(s.code.clone()),
            kind: Some(s.kind.code().into()),
            region: Some(s.region.clone().unwrap_or_default()),
            beds: Some(s.beds.map(|n| n.to_string()).unwrap_or_default()),
            expected_users: Some(s.expected_users.map(|n| n.to_string()).unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SiteDraft {
        SiteDraft {
            name: Some("Riverbend Main".into()),
            code: Some("rbm".into()),
            kind: Some("hospital".into()),
            beds: Some("420".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_draft_parses() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.code.as_str(), "RBM");
        assert_eq!(spec.beds, Some(420));
        assert_eq!(spec.expected_users, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = SiteDraft {
            name: None,
            kind: Some("castle".into()),
            beds: Some("many".into()),
            ..draft()
        };
        let err = bad.parse().unwrap_err();
        assert_eq!(err.message_for("name"), Some("is required"));
        assert!(
            err.message_for("kind")
                .unwrap()
                .contains("hospital, clinic")
        );
        assert!(err.message_for("beds").unwrap().contains("whole number"));
    }

    #[test]
    fn a_patch_keeps_fields_it_does_not_name() {
        let base = SiteDraft::from(&Site {
            id: 1,
            name: "A".into(),
            code: "A".into(),
            kind: SiteKind::Clinic,
            region: Some("North".into()),
            beds: None,
            expected_users: Some(50),
        });
        let spec = SiteDraft {
            name: Some("B".into()),
            ..Default::default()
        }
        .over(base)
        .parse()
        .unwrap();
        assert_eq!(spec.name.as_str(), "B");
        assert_eq!(spec.region.as_deref(), Some("North"));
        assert_eq!(spec.expected_users, Some(50));
    }
}
