//! People: staff, consultants and vendor staff, one team shown alike.

use serde::{Deserialize, Serialize};

use crate::draft::{optional_id, overlay};
use crate::money::Cents;
pub use crate::rounding::Shift;
use crate::site::SiteId;
use crate::text::{Email, Name, optional_text};
use crate::unit::UnitId;
use crate::validate::{Invalid, Validator};

pub type PersonId = i64;

choice!(
    /// The clinical or operational job a person does; training and go-live support follow it.
    JobRole {
        Physician = ("physician", "Physician"),
        App = ("app", "Advanced practice provider"),
        Nurse = ("nurse", "Nurse"),
        Pharmacist = ("pharmacist", "Pharmacist"),
        Therapist = ("therapist", "Therapist"),
        LabTech = ("lab_tech", "Laboratory technologist"),
        RadiologyTech = ("radiology_tech", "Radiology technologist"),
        FrontDesk = ("front_desk", "Front desk"),
        Scheduler = ("scheduler", "Scheduler"),
        Coder = ("coder", "Coder / biller"),
        Manager = ("manager", "Manager"),
        Analyst = ("analyst", "Application analyst"),
        Trainer = ("trainer", "Trainer"),
        Other = ("other", "Other"),
    }
);

choice!(
    /// Who employs a person. Consultants and vendor staff are part of the one team.
    EmployerKind {
        Staff = ("staff", "Staff"),
        Consultant = ("consultant", "Consultant"),
        Vendor = ("vendor", "Vendor"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub employee_id: Option<String>,
    pub job_role: JobRole,
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub employer_kind: EmployerKind,
    /// The employing firm for consultants and vendor staff.
    pub organization: Option<String>,
    /// The shift the person usually works; champions coverage counts people per unit and shift.
    pub shift: Option<Shift>,
    pub active: bool,
    /// What the person costs the program a day (consultants, vendor staff, the program
    /// team); feeds the cost of delay.
    pub daily_rate: Option<Cents>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonDraft {
    pub name: Option<String>,
    pub email: Option<String>,
    pub employee_id: Option<String>,
    pub job_role: Option<String>,
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub unit_id: Option<String>,
    pub employer_kind: Option<String>,
    pub organization: Option<String>,
    /// day, evening or night; blank for none.
    pub shift: Option<String>,
    pub active: Option<bool>,
    /// Dollars a day, e.g. "1800" or "1,800.00"; blank for none.
    pub daily_rate: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonSpec {
    pub name: Name,
    pub email: Email,
    pub employee_id: Option<String>,
    pub job_role: JobRole,
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub employer_kind: EmployerKind,
    pub organization: Option<String>,
    pub shift: Option<Shift>,
    pub active: bool,
    pub daily_rate: Option<Cents>,
}

/// A blank shift is none; otherwise day, evening or night.
fn optional_shift(raw: String) -> Result<Option<Shift>, String> {
    match raw.trim() {
        "" => Ok(None),
        text => Shift::parse(text).map(Some),
    }
}

impl PersonDraft {
    pub fn parse(self) -> Result<PersonSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let email = v.required("email", self.email, |s| Email::parse(&s));
        let employee_id = v.optional("employee_id", self.employee_id, |s| optional_text(&s, 40));
        let job_role = v.required("job_role", self.job_role, |s| JobRole::parse(&s));
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let unit_id = v.optional("unit_id", self.unit_id, optional_id);
        let employer_kind = v.check(
            "employer_kind",
            self.employer_kind
                .map_or(Ok(EmployerKind::Staff), |s| EmployerKind::parse(&s)),
        );
        let organization = v.optional("organization", self.organization, |s| {
            optional_text(&s, 200)
        });
        let shift = v.optional("shift", self.shift, optional_shift);
        let daily_rate = v.optional("daily_rate", self.daily_rate, |s| match s.trim() {
            "" => Ok(None),
            text => Cents::parse_cost(text).map(Some),
        });
        let (site_id, unit_id) = (site_id.flatten().flatten(), unit_id.flatten().flatten());
        if unit_id.is_some() && site_id.is_none() {
            v.push("unit_id", "a unit needs its site chosen too");
        }
        let organization = organization.map(Option::flatten);
        if let (Some(EmployerKind::Consultant | EmployerKind::Vendor), Some(None)) =
            (employer_kind, &organization)
        {
            v.push(
                "organization",
                "is required for consultants and vendor staff",
            );
        }
        v.finish(|| PersonSpec {
            name: name.unwrap(),
            email: email.unwrap(),
            employee_id: employee_id.unwrap().flatten(),
            job_role: job_role.unwrap(),
            site_id,
            unit_id,
            employer_kind: employer_kind.unwrap(),
            organization: organization.unwrap(),
            shift: shift.unwrap().flatten(),
            active: self.active.unwrap_or(true),
            daily_rate: daily_rate.flatten().flatten(),
        })
    }

    pub fn over(self, base: PersonDraft) -> PersonDraft {
        PersonDraft {
            name: overlay(base.name, self.name),
            email: overlay(base.email, self.email),
            employee_id: overlay(base.employee_id, self.employee_id),
            job_role: overlay(base.job_role, self.job_role),
            site_id: overlay(base.site_id, self.site_id),
            unit_id: overlay(base.unit_id, self.unit_id),
            employer_kind: overlay(base.employer_kind, self.employer_kind),
            organization: overlay(base.organization, self.organization),
            shift: overlay(base.shift, self.shift),
            active: overlay(base.active, self.active),
            daily_rate: overlay(base.daily_rate, self.daily_rate),
        }
    }
}

/// A person's fields, borrowed: how a roster import holds the people already in Muster
/// (their text in one buffer, `import::people::Roster`) without a `Person` each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PersonRef<'a> {
    pub id: PersonId,
    pub name: &'a str,
    pub email: &'a str,
    pub employee_id: Option<&'a str>,
    pub job_role: JobRole,
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub employer_kind: EmployerKind,
    pub organization: Option<&'a str>,
    pub shift: Option<Shift>,
    pub active: bool,
    pub daily_rate: Option<Cents>,
}

impl Person {
    pub fn as_ref(&self) -> PersonRef<'_> {
        PersonRef {
            id: self.id,
            name: &self.name,
            email: &self.email,
            employee_id: self.employee_id.as_deref(),
            job_role: self.job_role,
            site_id: self.site_id,
            unit_id: self.unit_id,
            employer_kind: self.employer_kind,
            organization: self.organization.as_deref(),
            shift: self.shift,
            active: self.active,
            daily_rate: self.daily_rate,
        }
    }
}

impl PersonRef<'_> {
    pub fn to_person(self) -> Person {
        Person {
            id: self.id,
            name: self.name.to_owned(),
            email: self.email.to_owned(),
            employee_id: self.employee_id.map(str::to_owned),
            job_role: self.job_role,
            site_id: self.site_id,
            unit_id: self.unit_id,
            employer_kind: self.employer_kind,
            organization: self.organization.map(str::to_owned),
            shift: self.shift,
            active: self.active,
            daily_rate: self.daily_rate,
        }
    }
}

impl From<&Person> for PersonDraft {
    fn from(p: &Person) -> Self {
        PersonDraft::from(p.as_ref())
    }
}

impl From<PersonRef<'_>> for PersonDraft {
    fn from(p: PersonRef<'_>) -> Self {
        PersonDraft::default().over_person(p)
    }
}

impl PersonDraft {
    /// This draft over `p`: `self.over(PersonDraft::from(p))`, making only the fields this
    /// draft leaves out (a roster row over the person it names: most rows give most
    /// fields, and making the rest cost an import's check a dozen allocations a row).
    pub fn over_person(self, p: PersonRef<'_>) -> PersonDraft {
        let id_text = |id: Option<i64>| Some(id.map(|i| i.to_string()).unwrap_or_default());
        PersonDraft {
            name: self.name.or_else(|| Some(p.name.to_owned())),
            email: self.email.or_else(|| Some(p.email.to_owned())),
            employee_id: self
                .employee_id
                .or_else(|| Some(p.employee_id.unwrap_or_default().to_owned())),
            job_role: self.job_role.or_else(|| Some(p.job_role.code().into())),
            site_id: self.site_id.or_else(|| id_text(p.site_id)),
            unit_id: self.unit_id.or_else(|| id_text(p.unit_id)),
            employer_kind: self
                .employer_kind
                .or_else(|| Some(p.employer_kind.code().into())),
            organization: self
                .organization
                .or_else(|| Some(p.organization.unwrap_or_default().to_owned())),
            shift: self
                .shift
                .or_else(|| Some(p.shift.map(|s| s.code().to_owned()).unwrap_or_default())),
            active: self.active.or(Some(p.active)),
            daily_rate: self
                .daily_rate
                .or_else(|| Some(p.daily_rate.map(|c| c.amount()).unwrap_or_default())),
        }
    }
}

impl PersonSpec {
    /// Would saving this roster spec leave `person` as it is? The daily rate is not the
    /// roster's to say (HR files do not carry it), so it is not compared.
    pub fn matches(&self, person: PersonRef<'_>) -> bool {
        self.name.as_str() == person.name
            && self.email.as_str() == person.email
            && self.employee_id.as_deref() == person.employee_id
            && self.job_role == person.job_role
            && self.site_id == person.site_id
            && self.unit_id == person.unit_id
            && self.employer_kind == person.employer_kind
            && self.organization.as_deref() == person.organization
            && self.shift == person.shift
            && self.active == person.active
    }
}

/// Filters for listing people.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonFilter {
    pub site_id: Option<SiteId>,
    pub unit_id: Option<UnitId>,
    pub job_role: Option<JobRole>,
    pub employer_kind: Option<EmployerKind>,
    /// Name, email or employee id starting with this text.
    pub search: Option<String>,
    pub active: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nurse() -> PersonDraft {
        PersonDraft {
            name: Some("Ana Ruiz".into()),
            email: Some("ana@riverbend.example".into()),
            job_role: Some("nurse".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_over_a_person_is_the_draft_over_the_persons_draft() {
        let p = Person {
            id: 4,
            name: "Bo Lin".into(),
            email: "bo@x.example".into(),
            employee_id: Some("E4".into()),
            job_role: JobRole::Pharmacist,
            site_id: Some(2),
            unit_id: None,
            employer_kind: EmployerKind::Vendor,
            organization: Some("Acme".into()),
            shift: Some(Shift::Night),
            active: false,
            daily_rate: Some(Cents(180_000)),
        };
        let full = PersonDraft {
            employee_id: Some("E9".into()),
            site_id: Some(String::new()),
            unit_id: Some("7".into()),
            employer_kind: Some("staff".into()),
            organization: Some(String::new()),
            shift: Some("day".into()),
            active: Some(true),
            daily_rate: Some("10".into()),
            ..nurse()
        };
        for (n, draft) in [PersonDraft::default(), nurse(), full]
            .into_iter()
            .enumerate()
        {
            assert_eq!(
                format!("{:?}", draft.clone().over_person(p.as_ref())),
                format!("{:?}", draft.over(PersonDraft::from(&p))),
                "draft {n}"
            );
        }
    }

    #[test]
    fn a_person_defaults_to_active_staff() {
        let spec = nurse().parse().unwrap();
        assert_eq!(spec.employer_kind, EmployerKind::Staff);
        assert!(spec.active);
        assert_eq!(spec.job_role, JobRole::Nurse);
    }

    #[test]
    fn job_roles_accept_their_label_too() {
        assert_eq!(
            JobRole::parse("Advanced practice provider"),
            Ok(JobRole::App)
        );
        assert!(JobRole::parse("wizard").unwrap_err().contains("physician"));
    }

    #[test]
    fn consultants_name_their_firm() {
        let err = PersonDraft {
            employer_kind: Some("consultant".into()),
            organization: Some(" ".into()),
            ..nurse()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("organization").is_some());
    }

    #[test]
    fn a_shift_is_optional_and_named() {
        assert_eq!(nurse().parse().unwrap().shift, None);
        let night = PersonDraft {
            shift: Some("Night".into()),
            ..nurse()
        };
        assert_eq!(night.parse().unwrap().shift, Some(Shift::Night));
        let err = PersonDraft {
            shift: Some("weekend".into()),
            ..nurse()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("shift").unwrap().contains("evening"));
    }

    #[test]
    fn a_unit_without_a_site_is_refused() {
        let err = PersonDraft {
            unit_id: Some("4".into()),
            ..nurse()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("unit_id").is_some());
    }
}
