//! A placement: a person at a unit of a site on a shift. Rounding assignments and champions
//! both name one, and parse, store and show it the same way.

use serde::Serialize;

use crate::draft::id;
use crate::rounding::Shift;
use crate::site::SiteId;
use crate::unit::UnitId;
use crate::validate::Validator;

/// A valid placement, as a spec holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub person_id: i64,
    /// Named with the unit so that access (site leads manage their own sites) is decided
    /// before the store is asked; the store checks that the unit belongs to it.
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub shift: Shift,
}

impl Placement {
    /// Parses a draft's four placement fields, each error under its own name; `None` if
    /// any is wrong.
    pub fn parse(v: &mut Validator, fields: [Option<String>; 4]) -> Option<Placement> {
        let [person_id, site_id, unit_id, shift] = fields;
        let person_id = v.required("person_id", person_id, id);
        let site_id = v.required("site_id", site_id, id);
        let unit_id = v.required("unit_id", unit_id, id);
        let shift = v.required("shift", shift, |s| Shift::parse(&s));
        Some(Placement {
            person_id: person_id?,
            site_id: site_id?,
            unit_id: unit_id?,
            shift: shift?,
        })
    }
}

/// Where a stored record is placed, with the names its pages show. Records flatten it, so
/// their JSON names these fields at the top level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacedAt {
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub site_id: SiteId,
    pub shift: Shift,
}

impl PlacedAt {
    /// The draft's placement fields (person, site, unit, shift) for an edit form.
    pub fn draft(&self) -> [Option<String>; 4] {
        [
            Some(self.person_id.to_string()),
            Some(self.site_id.to_string()),
            Some(self.unit_id.to_string()),
            Some(self.shift.code().into()),
        ]
    }
}
