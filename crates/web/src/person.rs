//! People in pages and the API: the directory, scoped by the policy to what each role sees.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Scope, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::person::{
    EmployerKind, JobRole, Person, PersonDraft, PersonFilter, PersonSpec, Shift,
};
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value, given, unit_options,
};

pub struct People;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PersonQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

pub(crate) fn yes_no(v: &str) -> Result<bool, String> {
    match v {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        other => Err(format!("'{other}' is not true or false")),
    }
}

impl Resource for People {
    const SUBJECT: Subject = Subject::Person;
    const PATH: &'static str = "people";
    const SINGULAR: &'static str = "person";
    const TITLE: &'static str = "People";
    type Item = Person;
    type Draft = PersonDraft;
    type Spec = PersonSpec;
    type Query = PersonQuery;

    fn id(item: &Person) -> i64 {
        item.id
    }
    fn label(item: &Person) -> String {
        item.name.clone()
    }
    fn parse(draft: PersonDraft) -> Result<PersonSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: PersonDraft, base: PersonDraft) -> PersonDraft {
        patch.over(base)
    }
    fn place(p: &Person) -> Place<'_> {
        Place::Person {
            site_id: p.site_id,
            organization: p.organization.as_deref(),
        }
    }
    fn spec_place<'a>(p: &'a PersonSpec, _: Option<&'a Person>) -> Place<'a> {
        Place::Person {
            site_id: p.site_id,
            organization: p.organization.as_deref(),
        }
    }
    /// An unticked checkbox sends nothing: on a form that means "inactive".
    fn from_form(mut draft: PersonDraft) -> PersonDraft {
        draft.active.get_or_insert(false);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &PersonQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Person>> {
        let filter = PersonFilter {
            site_id: filter_id("site_id", &q.site_id)?,
            unit_id: filter_id("unit_id", &q.unit_id)?,
            job_role: filter_value("job_role", &q.job_role, JobRole::parse)?,
            employer_kind: filter_value("employer_kind", &q.employer_kind, EmployerKind::parse)?,
            active: filter_value("active", &q.active, yes_no)?,
            search: given(&q.q).map(str::to_owned),
        };
        store
            .list_people(
                actor.program_id,
                &actor.read_scope(Subject::Person),
                &filter,
                cursor,
                limit,
            )
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Person> {
        store.person(program_id, id).await
    }
    async fn create(store: &Store, change: &Change<'_>, spec: PersonSpec) -> StoreResult<Person> {
        store.create_person(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: PersonSpec,
    ) -> StoreResult<Person> {
        store.update_person(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_person(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("site_id", "only people of this site"),
            ("unit_id", "only people of this unit"),
            ("job_role", "physician, app, nurse, pharmacist, ..."),
            ("employer_kind", "staff, consultant or vendor"),
            ("active", "true or false"),
            ("q", "name, email or employee id containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Name", "Job role", "Site", "Email", "Employer", "Status"]
    }
    fn cells(p: &Person, lookup: &Lookup) -> Vec<Cell> {
        let employer = match &p.organization {
            Some(org) => format!("{} ({org})", p.employer_kind.label()),
            None => p.employer_kind.label().to_owned(),
        };
        vec![
            Cell::link(&p.name, format!("/people/{}", p.id)),
            Cell::text(p.job_role.label()),
            Cell::text(lookup.site_name(p.site_id)),
            Cell::text(&p.email),
            Cell::text(employer),
            Cell::text(if p.active { "Active" } else { "Inactive" }),
        ]
    }
    fn facts(p: &Person, lookup: &Lookup) -> Vec<Fact> {
        let site = match p.site_id {
            Some(id) => Cell::link(lookup.site_name(Some(id)), format!("/sites/{id}")),
            None => Cell::text(""),
        };
        let unit = match p.unit_id {
            Some(id) => Cell::link("View unit", format!("/units/{id}")),
            None => Cell::text(""),
        };
        vec![
            Fact {
                label: "Email",
                value: Cell::text(&p.email),
            },
            Fact {
                label: "Employee id",
                value: Cell::text(p.employee_id.clone().unwrap_or_default()),
            },
            Fact {
                label: "Job role",
                value: Cell::text(p.job_role.label()),
            },
            Fact {
                label: "Site",
                value: site,
            },
            Fact {
                label: "Unit",
                value: unit,
            },
            Fact {
                label: "Employer",
                value: Cell::text(p.employer_kind.label()),
            },
            Fact {
                label: "Organization",
                value: Cell::text(p.organization.clone().unwrap_or_default()),
            },
            Fact {
                label: "Shift",
                value: Cell::text(p.shift.map(Shift::label).unwrap_or_default()),
            },
            Fact {
                label: "Status",
                value: Cell::text(if p.active { "Active" } else { "Inactive" }),
            },
            Fact {
                label: "Daily rate",
                value: Cell::text(p.daily_rate.map(|c| c.to_string()).unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &PersonDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let site_id = d.site_id.as_deref();
        let units = unit_options(store, actor.program_id, site_id, "— no unit —").await?;
        let sites = match actor.read_scope(Subject::Person) {
            Scope::Sites(ids) => lookup
                .site_options(None)
                .into_iter()
                .filter(|(id, _)| ids.iter().any(|i| i.to_string() == *id))
                .collect(),
            _ => lookup.site_options(Some("— no site —")),
        };
        let active = d.active.unwrap_or(true);
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new("email", "Email", FieldKind::Email, d.email.as_deref()).required(),
            Field::new(
                "employee_id",
                "Employee id",
                FieldKind::Text,
                d.employee_id.as_deref(),
            ),
            Field::new(
                "job_role",
                "Job role",
                FieldKind::Select(choice_options(
                    JobRole::ALL,
                    JobRole::code,
                    JobRole::label,
                    None,
                )),
                d.job_role.as_deref(),
            )
            .required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(sites),
                d.site_id.as_deref(),
            ),
            Field::new(
                "unit_id",
                "Unit",
                FieldKind::Select(units),
                d.unit_id.as_deref(),
            ),
            Field::new(
                "employer_kind",
                "Employer",
                FieldKind::Select(choice_options(
                    EmployerKind::ALL,
                    EmployerKind::code,
                    EmployerKind::label,
                    None,
                )),
                d.employer_kind.as_deref(),
            ),
            Field::new(
                "organization",
                "Organization",
                FieldKind::Text,
                d.organization.as_deref(),
            )
            .help("The firm, for consultants and vendor staff"),
            Field::new(
                "shift",
                "Shift",
                FieldKind::Select(choice_options(
                    Shift::ALL,
                    Shift::code,
                    Shift::label,
                    Some("— no usual shift —"),
                )),
                d.shift.as_deref(),
            ),
            Field::new(
                "active",
                "Active",
                FieldKind::Check,
                Some(if active { "true" } else { "" }),
            ),
            Field::new(
                "daily_rate",
                "Daily rate (dollars)",
                FieldKind::Text,
                d.daily_rate.as_deref(),
            )
            .help("What a day of this person costs the program; counted in the cost of delay while they are active"),
        ])
    }
    fn actions(actor: &Actor) -> Vec<(&'static str, &'static str)> {
        if actor.may_import(Subject::Person) {
            vec![("Import people", "/people/import")]
        } else {
            Vec::new()
        }
    }
    fn filters(q: &PersonQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "q",
                "Name, email or employee id",
                FieldKind::Text,
                q.q.as_deref(),
            ),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new(
                "job_role",
                "Job role",
                FieldKind::Select(choice_options(
                    JobRole::ALL,
                    JobRole::code,
                    JobRole::label,
                    Some("Any role"),
                )),
                q.job_role.as_deref(),
            ),
            Field::new(
                "employer_kind",
                "Employer",
                FieldKind::Select(choice_options(
                    EmployerKind::ALL,
                    EmployerKind::code,
                    EmployerKind::label,
                    Some("Any employer"),
                )),
                q.employer_kind.as_deref(),
            ),
        ]
    }
}
