//! A placement: a person at a unit of a site on a shift. Rounding assignments and champions
//! both name one, and parse and check it the same way.

use crate::draft::id;
use crate::rounding::Shift;
use crate::site::SiteId;
use crate::unit::UnitId;
use crate::validate::Validator;

/// A valid placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub person_id: i64,
    /// Named with the unit so that access (site leads manage their own sites) is decided
    /// before the store is asked; the store checks that the unit belongs to it.
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub shift: Shift,
}

/// The placement fields of a draft, as submitted.
pub struct PlacementFields {
    pub person_id: Option<String>,
    pub site_id: Option<String>,
    pub unit_id: Option<String>,
    pub shift: Option<String>,
}

impl PlacementFields {
    /// Parses the four fields, each error under its own name; `None` if any is wrong.
    pub fn parse(self, v: &mut Validator) -> Option<Placement> {
        let person_id = v.required("person_id", self.person_id, id);
        let site_id = v.required("site_id", self.site_id, id);
        let unit_id = v.required("unit_id", self.unit_id, id);
        let shift = v.required("shift", self.shift, |s| Shift::parse(&s));
        Some(Placement {
            person_id: person_id?,
            site_id: site_id?,
            unit_id: unit_id?,
            shift: shift?,
        })
    }
}
