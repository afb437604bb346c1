//! The form fields and facts of a placement (a person at a unit of a site on a shift),
//! shared by rounding assignments and champions.

use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::placement::PlacedAt;
use muster_domain::rounding::Shift;
use muster_store::{Store, StoreResult};

use crate::form::{Field, FieldKind};
use crate::resource::{Cell, Fact, Lookup, choice_options, unit_options};

/// Person, site (only those where the actor may create `subject`), unit of the chosen site,
/// and shift, filled from a draft's (person_id, site_id, unit_id, shift).
pub async fn placement_fields(
    store: &Store,
    actor: &Actor,
    subject: Subject,
    draft: [&Option<String>; 4],
    lookup: &Lookup,
) -> StoreResult<Vec<Field>> {
    let [person_id, site_id, unit_id, shift] = draft.map(Option::as_deref);
    let units = unit_options(store, actor.program_id, site_id, "— choose —").await?;
    let sites = lookup
        .sites
        .iter()
        .filter(|s| actor.may_at(Action::Create, subject, Place::Site(Some(s.id))))
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)));
    let sites = std::iter::once((String::new(), "— choose a site —".to_owned()))
        .chain(sites)
        .collect();
    Ok(vec![
        Field::new("person_id", "Person id", FieldKind::Person, person_id)
            .required()
            .help("The number in the person's page address, /people/…"),
        Field::new("site_id", "Site", FieldKind::Select(sites), site_id).required(),
        Field::new("unit_id", "Unit", FieldKind::Select(units), unit_id)
            .required()
            .help("Choose the site and save to be offered its units"),
        Field::new(
            "shift",
            "Shift",
            FieldKind::Select(choice_options(Shift::ALL, Shift::code, Shift::label, None)),
            shift,
        )
        .required(),
    ])
}

/// The person, unit and site of a placed record, linked.
pub fn placement_facts(placed: &PlacedAt, lookup: &Lookup) -> Vec<Fact> {
    let site_id = placed.site_id;
    vec![
        Fact {
            label: "Person",
            value: Cell::link(&placed.person_name, format!("/people/{}", placed.person_id)),
        },
        Fact {
            label: "Unit",
            value: Cell::link(&placed.unit_name, format!("/units/{}", placed.unit_id)),
        },
        Fact {
            label: "Site",
            value: Cell::link(lookup.site_name(Some(site_id)), format!("/sites/{site_id}")),
        },
    ]
}
