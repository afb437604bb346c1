//! The people a roster import checks a file against: everyone already in the program,
//! held compactly. A re-import of 400,000 people kept a `Person` each (four owned strings)
//! and two maps keyed by copies of their employee ids and emails: about 400 bytes a
//! person. Here a person is one fixed-size record, their text lies in one buffer shared
//! by all, and the two look-ups hold only the record's number (docs/performance.md,
//! "Roster import"). A row is compared with the record as it is; a `Person` is made only
//! for someone a row changes or a complete roster leaves out (their audit's before image).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use crate::money::Cents;
use crate::person::{EmployerKind, JobRole, Person, PersonId, PersonRef, Shift};
use crate::site::SiteId;
use crate::unit::UnitId;

/// One person: numbers and choices as they are, text as where it ends in the buffer.
#[derive(Debug)]
struct Known {
    id: PersonId,
    site_id: Option<SiteId>,
    unit_id: Option<UnitId>,
    daily_rate: Option<Cents>,
    /// Where the person's text starts in `Roster::text`: their name, email, employee id
    /// and organization, one after the other.
    start: usize,
    /// Where each of the four ends, counted from `start`.
    ends: [u32; 4],
    job_role: JobRole,
    employer_kind: EmployerKind,
    shift: Option<Shift>,
    active: bool,
    has_employee_id: bool,
    has_organization: bool,
}

/// The four texts of a person, in the order they are kept.
const NAME: usize = 0;
const EMAIL: usize = 1;
const EMPLOYEE_ID: usize = 2;
const ORGANIZATION: usize = 3;

/// The people Muster already has, indexed by employee id and by email for matching.
#[derive(Default)]
pub struct Roster {
    people: Vec<Known>,
    text: String,
    by_employee_id: HashTable<u32>,
    by_email: HashTable<u32>,
    /// foldhash, with a random seed per roster: a crafted file cannot aim at the buckets
    /// (SipHash cost 5% of an import's CPU, docs/performance.md).
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for Roster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roster")
            .field("people", &self.people.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

impl Roster {
    pub fn new(people: impl IntoIterator<Item = Person>) -> Roster {
        let mut roster = Roster::default();
        for p in people {
            roster.add(p.as_ref());
        }
        roster
    }

    /// Adds someone already in Muster. An employee id or email given twice finds the
    /// later person (the database holds each once per program).
    pub fn add(&mut self, p: PersonRef<'_>) {
        let start = self.text.len();
        let mut ends = [0; 4];
        let texts = [
            p.name,
            p.email,
            p.employee_id.unwrap_or_default(),
            p.organization.unwrap_or_default(),
        ];
        for (end, text) in ends.iter_mut().zip(texts) {
            self.text.push_str(text);
            *end = u32::try_from(self.text.len() - start).expect("a person's text under 4 GiB");
        }
        let n = u32::try_from(self.people.len()).expect("under 4 billion people");
        self.people.push(Known {
            id: p.id,
            site_id: p.site_id,
            unit_id: p.unit_id,
            daily_rate: p.daily_rate,
            start,
            ends,
            job_role: p.job_role,
            employer_kind: p.employer_kind,
            shift: p.shift,
            active: p.active,
            has_employee_id: p.employee_id.is_some(),
            has_organization: p.organization.is_some(),
        });
        if let Some(employee_id) = p.employee_id {
            self.index(EMPLOYEE_ID, employee_id, n);
        }
        self.index(EMAIL, p.email, n);
    }

    /// Files person `n` under `key`, their text number `part`.
    fn index(&mut self, part: usize, key: &str, n: u32) {
        let Roster {
            people,
            text,
            by_employee_id,
            by_email,
            hasher,
        } = self;
        let table = if part == EMAIL {
            by_email
        } else {
            by_employee_id
        };
        let key_of = |&m: &u32| part_of(text, &people[m as usize], part);
        match table.entry(
            hasher.hash_one(key),
            |m| key_of(m) == key,
            |m| hasher.hash_one(key_of(m)),
        ) {
            Entry::Occupied(mut found) => *found.get_mut() = n,
            Entry::Vacant(slot) => {
                slot.insert(n);
            }
        }
    }

    fn find(&self, part: usize, key: &str) -> Option<usize> {
        let table = if part == EMAIL {
            &self.by_email
        } else {
            &self.by_employee_id
        };
        table
            .find(self.hasher.hash_one(key), |&m| {
                part_of(&self.text, &self.people[m as usize], part) == key
            })
            .map(|&m| m as usize)
    }

    /// The number of the person with this employee id.
    pub(super) fn with_employee_id(&self, employee_id: &str) -> Option<usize> {
        self.find(EMPLOYEE_ID, employee_id)
    }

    /// The number of the person with this email.
    pub(super) fn with_email(&self, email: &str) -> Option<usize> {
        self.find(EMAIL, email)
    }

    /// Person number `n`.
    pub(super) fn person(&self, n: usize) -> PersonRef<'_> {
        let k = &self.people[n];
        let part = |i| part_of(&self.text, k, i);
        PersonRef {
            id: k.id,
            name: part(NAME),
            email: part(EMAIL),
            employee_id: k.has_employee_id.then(|| part(EMPLOYEE_ID)),
            job_role: k.job_role,
            site_id: k.site_id,
            unit_id: k.unit_id,
            employer_kind: k.employer_kind,
            organization: k.has_organization.then(|| part(ORGANIZATION)),
            shift: k.shift,
            active: k.active,
            daily_rate: k.daily_rate,
        }
    }

    /// Everyone, by number.
    pub(super) fn people(&self) -> impl Iterator<Item = PersonRef<'_>> {
        (0..self.people.len()).map(|n| self.person(n))
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

/// Text number `part` of person `k`.
fn part_of<'t>(text: &'t str, k: &Known, part: usize) -> &'t str {
    let from = if part == 0 { 0 } else { k.ends[part - 1] };
    &text[k.start + from as usize..k.start + k.ends[part] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, employee_id: Option<&str>, email: &str, org: Option<&str>) -> Person {
        Person {
            id,
            name: format!("Person {id} é"),
            email: email.into(),
            employee_id: employee_id.map(str::to_owned),
            job_role: JobRole::Pharmacist,
            site_id: Some(3),
            unit_id: (id % 2 == 0).then_some(30),
            employer_kind: EmployerKind::Vendor,
            organization: org.map(str::to_owned),
            shift: Some(Shift::Night),
            active: id != 2,
            daily_rate: Some(Cents(id * 100)),
        }
    }

    #[test]
    fn each_person_comes_back_whole_and_is_found_by_employee_id_and_email() {
        let people = vec![
            person(1, Some("E1"), "one@x.example", Some("Acme")),
            person(2, None, "two@x.example", None),
            person(3, Some(""), "three@x.example", Some("")),
        ];
        let roster = Roster::new(people.clone());
        assert_eq!(roster.len(), 3);
        for (n, p) in people.iter().enumerate() {
            assert_eq!(roster.person(n).to_person(), *p, "person number {n}");
            assert_eq!(roster.with_email(&p.email), Some(n), "{}", p.email);
        }
        assert_eq!(roster.with_employee_id("E1"), Some(0));
        // An empty employee id is still an id (the database turns blanks into none).
        assert_eq!(roster.with_employee_id(""), Some(2));
        assert_eq!(roster.with_employee_id("E2"), None);
        assert_eq!(
            roster.with_email("ONE@x.example"),
            None,
            "emails are kept lowercased"
        );
        assert_eq!(roster.people().count(), 3);
    }

    #[test]
    fn thousands_of_people_are_all_found() {
        let roster = Roster::new(
            (1..=5_000)
                .map(|i| person(i, Some(&format!("E{i}")), &format!("p{i}@x.example"), None)),
        );
        for i in 1..=5_000_i64 {
            let n = roster
                .with_employee_id(&format!("E{i}"))
                .expect("by employee id");
            assert_eq!(roster.person(n).id, i);
            assert_eq!(
                roster.with_email(&format!("p{i}@x.example")),
                Some(n),
                "p{i}"
            );
        }
    }

    #[test]
    fn a_key_given_twice_finds_the_later_person() {
        let roster = Roster::new([
            person(1, Some("E1"), "same@x.example", None),
            person(2, Some("E1"), "same@x.example", None),
        ]);
        assert_eq!(roster.with_employee_id("E1"), Some(1));
        assert_eq!(roster.with_email("same@x.example"), Some(1));
    }
}
