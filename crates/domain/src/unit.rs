//! Units: departments within a site (an ICU, a clinic suite, the pharmacy).

use serde::{Deserialize, Serialize};

use crate::draft::{id, overlay};
use crate::site::SiteId;
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

pub type UnitId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: UnitId,
    pub site_id: SiteId,
    pub site_name: String,
    pub name: String,
    /// The department code HR systems use, if any.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitDraft {
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    pub name: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitSpec {
    pub site_id: SiteId,
    pub name: Name,
    pub code: Option<String>,
}

impl UnitDraft {
    pub fn parse(self) -> Result<UnitSpec, Invalid> {
        let mut v = Validator::new();
        let site_id = v.required("site_id", self.site_id, id);
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let code = v.optional("code", self.code, |s| optional_text(&s, 40));
        v.finish(|| UnitSpec {
            site_id: site_id.unwrap(),
            name: name.unwrap(),
            code: code.unwrap().flatten(),
        })
    }

    pub fn over(self, base: UnitDraft) -> UnitDraft {
        UnitDraft {
            site_id: overlay(base.site_id, self.site_id),
            name: overlay(base.name, self.name),
            code: overlay(base.code, self.code),
        }
    }
}

impl From<&Unit> for UnitDraft {
    fn from(u: &Unit) -> Self {
        UnitDraft {
            site_id: Some(u.site_id.to_string()),
            name: Some(u.name.clone()),
            code: Some(u.code.clone().unwrap_or_default()),
        }
    }
}
