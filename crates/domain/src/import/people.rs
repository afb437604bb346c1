//! The roster import's rules: the columns a people file may have, and what makes a row
//! importable. Rows find their person by employee id, so that HR re-imports update rather
//! than duplicate; a person entered by hand without one is found by email and given the id.

use std::collections::HashMap;

/// The check's look-ups, hashed with foldhash: SipHash was 5% of a 400,000-person
/// import's CPU (docs/performance.md, "Roster import"); foldhash keeps a per-map random
/// seed, so a crafted file cannot aim at its buckets.
pub(super) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use chrono::NaiveDate;

use super::Column;
use super::date::{DateOrder, read_date};
use crate::access::{Action, Actor, Place, Subject};
use crate::person::{Person, PersonDraft, PersonId, PersonRef, PersonSpec};

use crate::site::SiteId;
use crate::unit::UnitId;
use crate::validate::FieldError;

/// A people file longer than this is refused as a whole: the checks keep a few dozen
/// bytes per person in memory, and no program's roster comes near it.
pub const MAX_ROWS: u64 = 2_000_000;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "employee_id",
        label: "Employee id",
        required: true,
        synonyms: &[
            "employee number",
            "emp id",
            "emp no",
            "employee no",
            "staff id",
            "staff number",
            "personnel number",
            "worker id",
            "badge id",
            "hr id",
            "person number",
            "id",
        ],
        help: "How re-imports find the person: unique within the program.",
    },
    Column {
        key: "name",
        label: "Name",
        required: true,
        synonyms: &[
            "full name",
            "employee name",
            "display name",
            "worker name",
            "staff name",
        ],
        help: "",
    },
    Column {
        key: "email",
        label: "Email",
        required: true,
        synonyms: &[
            "e-mail",
            "work email",
            "email address",
            "work email address",
            "business email",
            "mail",
        ],
        help: "",
    },
    Column {
        key: "job_role",
        label: "Job role",
        required: true,
        synonyms: &["role", "job", "job title", "position", "job code"],
        help: "A Muster job role, by code or label (nurse, Physician, ...).",
    },
    Column {
        key: "site",
        label: "Site",
        required: false,
        synonyms: &[
            "site code",
            "site name",
            "facility",
            "location",
            "hospital",
            "campus",
        ],
        help: "The site's code or name.",
    },
    Column {
        key: "unit",
        label: "Unit",
        required: false,
        synonyms: &["unit code", "unit name", "department", "dept", "ward"],
        help: "The unit's code or name within the row's site.",
    },
    Column {
        key: "employer_kind",
        label: "Employer",
        required: false,
        synonyms: &[
            "employer kind",
            "employment type",
            "worker type",
            "employee type",
        ],
        help: "staff, consultant or vendor (blank: staff).",
    },
    Column {
        key: "organization",
        label: "Organization",
        required: false,
        synonyms: &["company", "firm", "vendor", "agency", "employer name"],
        help: "The firm of consultants and vendor staff.",
    },
    Column {
        key: "shift",
        label: "Shift",
        required: false,
        synonyms: &["usual shift", "work shift"],
        help: "day, evening or night.",
    },
    Column {
        key: "active",
        label: "Active",
        required: false,
        synonyms: &["status", "employment status", "is active"],
        help: "active / inactive (also yes/no, terminated).",
    },
    Column {
        key: "termination_date",
        label: "Termination date",
        required: false,
        synonyms: &[
            "term date",
            "end date",
            "leaving date",
            "last day",
            "separation date",
        ],
        help: "A date on or before today makes the person inactive.",
    },
];

/// Mapping rules of this kind beyond required columns: units are named within a site.
pub fn check_mapping(resolved: &super::Resolved) -> Result<(), crate::Invalid> {
    if resolved.index[UNIT].is_some() && resolved.index[SITE].is_none() {
        return Err(crate::Invalid::one(
            "unit",
            "units are named within their site: map the site column too",
        ));
    }
    Ok(())
}

// Indexes into COLUMNS.
const EMPLOYEE_ID: usize = 0;
const NAME: usize = 1;
const EMAIL: usize = 2;
const JOB_ROLE: usize = 3;
const SITE: usize = 4;
const UNIT: usize = 5;
const EMPLOYER_KIND: usize = 6;
const ORGANIZATION: usize = 7;
const SHIFT: usize = 8;
const ACTIVE: usize = 9;
const TERMINATION: usize = 10;

/// Sites and units by code and by name (without case), to place people named in a file.
#[derive(Debug, Default)]
pub struct Places {
    /// `None`: two sites share this name, so the code must be used.
    sites: Map<String, Option<SiteId>>,
    units: Map<(SiteId, String), Option<UnitId>>,
}

impl Places {
    /// `sites`: (id, code, name); `units`: (id, site, code, name).
    pub fn new(
        sites: impl IntoIterator<Item = (SiteId, String, String)>,
        units: impl IntoIterator<Item = (UnitId, SiteId, Option<String>, String)>,
    ) -> Places {
        let mut places = Places::default();
        let mut codes = Map::default();
        for (id, code, name) in sites {
            codes.insert(code.to_lowercase(), Some(id));
            add_name(&mut places.sites, name.to_lowercase(), id);
        }
        places.sites.extend(codes);
        let mut unit_codes = Map::default();
        for (id, site, code, name) in units {
            if let Some(code) = code {
                unit_codes.insert((site, code.to_lowercase()), Some(id));
            }
            add_name(&mut places.units, (site, name.to_lowercase()), id);
        }
        places.units.extend(unit_codes);
        places
    }

    fn site(&self, raw: &str) -> Result<SiteId, String> {
        match self.sites.get(&raw.trim().to_lowercase()) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err(format!(
                "several sites are named '{}'; use the site code",
                raw.trim()
            )),
            None => Err(format!(
                "there is no site with code or name '{}'",
                raw.trim()
            )),
        }
    }

    fn unit(&self, site: SiteId, raw: &str) -> Result<UnitId, String> {
        match self.units.get(&(site, raw.trim().to_lowercase())) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err(format!(
                "several units are named '{}'; use the unit code",
                raw.trim()
            )),
            None => Err(format!(
                "the row's site has no unit with code or name '{}'",
                raw.trim()
            )),
        }
    }
}

/// Code or code-less name: a name shared by two records becomes ambiguous (`None`).
pub(super) fn add_name<K: std::hash::Hash + Eq>(map: &mut Map<K, Option<i64>>, key: K, id: i64) {
    map.entry(key)
        .and_modify(|v| {
            if *v != Some(id) {
                *v = None
            }
        })
        .or_insert(Some(id));
}

mod roster;
pub use roster::Roster;

/// What a good row does.
#[derive(Debug, Clone, PartialEq)]
pub enum PersonWrite {
    Create(PersonSpec),
    /// An existing person changed. `adopt`: found by email, they get the row's employee id.
    Update {
        before: Box<Person>,
        adopt: bool,
        spec: PersonSpec,
    },
    Unchanged(PersonId),
}

/// Checks a people file row by row, remembering what earlier rows said (duplicate employee
/// ids and emails) and which existing people the file names (for a complete roster).
pub struct RosterCheck<'a> {
    actor: &'a Actor,
    places: &'a Places,
    roster: &'a Roster,
    resolved: &'a super::Resolved,
    today: NaiveDate,
    order: DateOrder,
    /// Employee ids of rows for people not yet in Muster, with the first row of each.
    seen_ids: Map<String, u64>,
    /// Emails of rows no one in Muster with an employee id holds, with the first row and
    /// its employee id.
    seen_emails: Map<String, (u64, String)>,
    /// Per person in Muster, the first row that names them (0: none yet): a second row
    /// with the same employee id is refused, and a complete roster retires the unnamed.
    named_on: Vec<u32>,
}

impl<'a> RosterCheck<'a> {
    pub fn new(
        actor: &'a Actor,
        places: &'a Places,
        roster: &'a Roster,
        resolved: &'a super::Resolved,
        today: NaiveDate,
    ) -> Self {
        RosterCheck {
            actor,
            places,
            roster,
            resolved,
            today,
            order: DateOrder::Either,
            seen_ids: Map::default(),
            seen_emails: Map::default(),
            named_on: vec![0; roster.len()],
        }
    }

    /// Slashed dates (termination dates) read in `order`.
    pub fn dates(mut self, order: DateOrder) -> Self {
        self.order = order;
        self
    }

    /// Checks the row numbered `row` in the file: what it does, or all of its errors.
    pub fn check(&mut self, row: u64, cells: &[String]) -> Result<PersonWrite, Vec<FieldError>> {
        let cell = |c: usize| self.resolved.cell(c, cells).map(str::trim);
        let mut errors = Vec::new();
        let employee_id = cell(EMPLOYEE_ID).unwrap_or_default();
        let known = match employee_id {
            "" => None,
            id => self.roster.with_employee_id(id),
        };
        let row_number = u32::try_from(row).unwrap_or(u32::MAX).max(1);
        if employee_id.is_empty() {
            errors.push(FieldError::new(
                "employee_id",
                "is missing (it is how re-imports find the person)",
            ));
        } else if let Some(n) = known {
            // Someone in Muster: their record remembers the row, so a re-import keeps no
            // copy of their id.
            match self.named_on[n] {
                0 => self.named_on[n] = row_number,
                first => errors.push(FieldError::new(
                    "employee_id",
                    format!("'{employee_id}' is also on row {first}"),
                )),
            }
        } else if let Some(first) = self.seen_ids.get(employee_id) {
            errors.push(FieldError::new(
                "employee_id",
                format!("'{employee_id}' is also on row {first}"),
            ));
        } else {
            self.seen_ids.insert(employee_id.to_owned(), row);
        }
        let existing = known.map(|n| (n, false)).or_else(|| {
            let raw_email = cell(EMAIL).unwrap_or_default().to_lowercase();
            let n = self.roster.with_email(&raw_email)?;
            let adopt = self.roster.person(n).employee_id.is_none();
            if adopt && self.named_on[n] == 0 {
                self.named_on[n] = row_number;
            }
            adopt.then_some((n, true))
        });
        let existing = existing.map(|(n, adopt)| (self.roster.person(n), adopt));
        let draft = self.draft(cells, existing.map(|(p, _)| p), &mut errors);
        let spec = match draft.parse() {
            Ok(spec) if errors.is_empty() => spec,
            Ok(_) => return Err(errors),
            Err(invalid) => {
                for e in invalid.0 {
                    let field = match e.field.as_str() {
                        "site_id" => "site".to_owned(),
                        "unit_id" => "unit".to_owned(),
                        _ => e.field,
                    };
                    if !errors.iter().any(|known| known.field == field) {
                        errors.push(FieldError::new(field, e.message));
                    }
                }
                return Err(errors);
            }
        };
        self.check_email(row, &spec, existing.map(|(p, _)| p), &mut errors);
        self.check_reach(&spec, existing.map(|(p, _)| p), &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match existing {
            None => PersonWrite::Create(spec),
            Some((p, false)) if spec.matches(p) => PersonWrite::Unchanged(p.id),
            Some((p, adopt)) => PersonWrite::Update {
                before: Box::new(p.to_person()),
                adopt,
                spec,
            },
        })
    }

    /// The row as a draft over the existing person: a column the file lacks keeps what
    /// Muster has; a blank optional cell clears it.
    fn draft(
        &self,
        cells: &[String],
        existing: Option<PersonRef<'_>>,
        errors: &mut Vec<FieldError>,
    ) -> PersonDraft {
        let cell = |c: usize| self.resolved.cell(c, cells).map(str::trim);
        let mut draft = PersonDraft {
            active: existing.is_none().then_some(true),
            ..Default::default()
        };
        for (c, field) in [(NAME, "name"), (EMAIL, "email"), (JOB_ROLE, "job_role")] {
            match cell(c) {
                Some("") => errors.push(FieldError::new(field, "is missing")),
                Some(text) => {
                    let slot = match c {
                        NAME => &mut draft.name,
                        EMAIL => &mut draft.email,
                        _ => &mut draft.job_role,
                    };
                    *slot = Some(text.to_owned());
                }
                None => {}
            }
        }
        draft.employee_id = cell(EMPLOYEE_ID).map(str::to_owned);
        draft.organization = cell(ORGANIZATION).map(str::to_owned);
        draft.shift = cell(SHIFT).map(str::to_owned);
        draft.employer_kind = cell(EMPLOYER_KIND)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let site = match cell(SITE) {
            Some("") => Some(None),
            Some(text) => match self.places.site(text) {
                Ok(id) => Some(Some(id)),
                Err(message) => {
                    errors.push(FieldError::new("site", message));
                    None
                }
            },
            None => None,
        };
        if let Some(site) = site {
            draft.site_id = Some(site.map(|s| s.to_string()).unwrap_or_default());
        }
        match (cell(UNIT), site) {
            (Some(""), _) => draft.unit_id = Some(String::new()),
            (Some(text), Some(Some(site))) => match self.places.unit(site, text) {
                Ok(id) => draft.unit_id = Some(id.to_string()),
                Err(message) => errors.push(FieldError::new("unit", message)),
            },
            (Some(_), Some(None)) => {
                errors.push(FieldError::new("unit", "a unit needs the row's site"))
            }
            _ => {}
        }
        if let Some(text) = cell(ACTIVE).filter(|t| !t.is_empty()) {
            match status(text) {
                Ok(active) => draft.active = Some(active),
                Err(message) => errors.push(FieldError::new("active", message)),
            }
        }
        if let Some(text) = cell(TERMINATION).filter(|t| !t.is_empty()) {
            match read_date(text, self.order) {
                Ok(day) if day <= self.today => draft.active = Some(false),
                Ok(_) => {}
                Err(message) => errors.push(FieldError::new("termination_date", message)),
            }
        }
        match existing {
            Some(p) => draft.over_person(p),
            None => draft,
        }
    }

    /// An email belongs to one person: not to someone else in Muster, not to another row.
    fn check_email(
        &mut self,
        row: u64,
        spec: &PersonSpec,
        existing: Option<PersonRef<'_>>,
        errors: &mut Vec<FieldError>,
    ) {
        let email = spec.email.as_str();
        if let Some(n) = self.roster.with_email(email) {
            let holder = self.roster.person(n);
            if existing.map(|p| p.id) != Some(holder.id) {
                errors.push(FieldError::new(
                    "email",
                    format!(
                        "{email} already belongs to {} (employee id {}) in Muster",
                        holder.name,
                        holder.employee_id.unwrap_or("none")
                    ),
                ));
                return;
            }
            if holder.employee_id.is_some() {
                // Any other row with this email is refused just above, unless it has the
                // holder's employee id (a row refused as a duplicate): nothing to remember.
                return;
            }
        }
        let employee_id = spec.employee_id.clone().unwrap_or_default();
        match self.seen_emails.get(email) {
            Some((first, other)) if *other != employee_id => errors.push(FieldError::new(
                "email",
                format!("{email} is also on row {first} (employee id {other})"),
            )),
            Some(_) => {}
            None => {
                self.seen_emails
                    .insert(email.to_owned(), (row, employee_id));
            }
        }
    }

    /// The access policy, row by row: a site lead imports the people of their own sites.
    fn check_reach(
        &self,
        spec: &PersonSpec,
        existing: Option<PersonRef<'_>>,
        errors: &mut Vec<FieldError>,
    ) {
        let place = |site_id, organization| Place::Person {
            site_id,
            organization,
        };
        let allowed = match existing {
            None => self.actor.may_at(
                Action::Create,
                Subject::Person,
                place(spec.site_id, spec.organization.as_deref()),
            ),
            Some(p) => {
                self.actor.may_at(
                    Action::Update,
                    Subject::Person,
                    place(p.site_id, p.organization),
                ) && self.actor.may_at(
                    Action::Update,
                    Subject::Person,
                    place(spec.site_id, spec.organization.as_deref()),
                )
            }
        };
        if !allowed {
            errors.push(FieldError::new(
                "site",
                "you may import only people of the sites assigned to you",
            ));
        }
    }

    /// People a complete roster leaves out: active, with an employee id, within the
    /// importer's reach, and not named by any row (a rejected row still names its person).
    /// People without an employee id (entered by hand: consultants, vendor staff) are kept.
    pub fn missing(&self) -> Vec<Person> {
        self.roster
            .people()
            .zip(&self.named_on)
            .filter(|(p, named_on)| **named_on == 0 && p.active && p.employee_id.is_some())
            .filter(|(p, _)| {
                self.actor.may_at(
                    Action::Update,
                    Subject::Person,
                    Place::Person {
                        site_id: p.site_id,
                        organization: p.organization,
                    },
                )
            })
            .map(|(p, _)| p.to_person())
            .collect()
    }
}

/// An HR status: active or not.
fn status(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "active" | "a" | "yes" | "y" | "true" | "1" | "current" | "employed" => Ok(true),
        "inactive" | "i" | "no" | "n" | "false" | "0" | "terminated" | "t" | "term" | "left"
        | "leaver" | "separated" | "withdrawn" => Ok(false),
        _ => Err(format!(
            "'{text}' is not active or inactive (or terminated)"
        )),
    }
}

#[cfg(test)]
mod tests;
