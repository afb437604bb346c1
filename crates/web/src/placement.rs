//! The form fields and facts of a placement (a person at a unit of a site on a shift),
//! shared by rounding assignments and champions.

use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::rounding::Shift;
use muster_domain::site::SiteId;
use muster_store::{Store, StoreResult};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, choice_options, unit_options};

/// A placement as a form shows it.
pub struct PlacementValues<'a> {
    pub person_id: Option<&'a str>,
    pub site_id: Option<&'a str>,
    pub unit_id: Option<&'a str>,
    pub shift: Option<&'a str>,
}

/// Person, site (only those where the actor may create `subject`), unit of the chosen site,
/// and shift.
pub async fn placement_fields(
    store: &Store,
    actor: &Actor,
    subject: Subject,
    values: PlacementValues<'_>,
    lookup: &Lookup,
) -> StoreResult<Vec<Field>> {
    let units = unit_options(store, actor.program_id, values.site_id, "— choose —").await?;
    let sites = lookup
        .sites
        .iter()
        .filter(|s| actor.may_at(Action::Create, subject, Place::Site(Some(s.id))))
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)));
    let sites = std::iter::once((String::new(), "— choose a site —".to_owned()))
        .chain(sites)
        .collect();
    Ok(vec![
        Field::new("person_id", "Person id", FieldKind::Number, values.person_id)
            .required()
            .help("The number in the person's page address, /people/…"),
        Field::new("site_id", "Site", FieldKind::Select(sites), values.site_id).required(),
        Field::new("unit_id", "Unit", FieldKind::Select(units), values.unit_id)
            .required()
            .help("Choose the site and save to be offered its units"),
        Field::new(
            "shift",
            "Shift",
            FieldKind::Select(choice_options(Shift::ALL, Shift::code, Shift::label, None)),
            values.shift,
        )
        .required(),
    ])
}

/// The person, unit and site of a placed record, linked.
pub fn placement_facts(
    person: (i64, &str),
    unit: (i64, &str),
    site_id: SiteId,
    lookup: &Lookup,
) -> Vec<Fact> {
    vec![
        Fact {
            label: "Person",
            value: Cell::link(person.1, format!("/people/{}", person.0)),
        },
        Fact {
            label: "Unit",
            value: Cell::link(unit.1, format!("/units/{}", unit.0)),
        },
        Fact {
            label: "Site",
            value: Cell::link(lookup.site_name(Some(site_id)), format!("/sites/{site_id}")),
        },
    ]
}
