//! EHR modules: the applications that go live (ambulatory, inpatient, ED, pharmacy...).

use serde::{Deserialize, Serialize};

use crate::draft::overlay;
use crate::text::{Code, Name, optional_text};
use crate::validate::{Invalid, Validator};

pub type ModuleId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Module {
    pub id: ModuleId,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModuleDraft {
    pub code: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModuleSpec {
    pub code: Code,
    pub name: Name,
    pub description: Option<String>,
}

impl ModuleDraft {
    pub fn parse(self) -> Result<ModuleSpec, Invalid> {
        let mut v = Validator::new();
        let code = v.required("code", self.code, |s| Code::parse(&s));
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let description = v.optional("description", self.description, |s| {
            optional_text(&s, 2_000)
        });
        v.finish(|| ModuleSpec {
            code: code.unwrap(),
            name: name.unwrap(),
            description: description.unwrap().flatten(),
        })
    }

    pub fn over(self, base: ModuleDraft) -> ModuleDraft {
        ModuleDraft {
            code: overlay(base.code, self.code),
            name: overlay(base.name, self.name),
            description: overlay(base.description, self.description),
        }
    }
}

impl From<&Module> for ModuleDraft {
    fn from(m: &Module) -> Self {
        ModuleDraft {
            code: Some(m.code.clone()),
            name: Some(m.name.clone()),
            description: Some(m.description.clone().unwrap_or_default()),
        }
    }
}
