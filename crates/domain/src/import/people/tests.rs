use chrono::NaiveDate;

use super::*;
use crate::access::AccessRole;
use crate::import::{Mapping, Resolved, resolve};
use crate::person::{EmployerKind, JobRole, Shift};

const HEADERS: &[&str] = &[
    "Employee ID",
    "Name",
    "Work Email",
    "Job Role",
    "Site",
    "Unit",
    "Shift",
    "Status",
    "Termination Date",
];

fn resolved(headers: &[&str]) -> Resolved {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    resolve(COLUMNS, &headers, &Mapping::default()).unwrap()
}

fn places() -> Places {
    Places::new(
        [
            (1, "RBH".into(), "Riverbend Hospital".into()),
            (2, "NCL".into(), "North Clinic".into()),
        ],
        [
            (10, 1, Some("ICU1".into()), "ICU".into()),
            (20, 2, None, "Front office".into()),
        ],
    )
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn person(id: i64, employee_id: Option<&str>, email: &str, site: i64) -> Person {
    Person {
        id,
        name: format!("Person {id}"),
        email: email.into(),
        employee_id: employee_id.map(str::to_owned),
        job_role: JobRole::Nurse,
        site_id: Some(site),
        unit_id: None,
        employer_kind: EmployerKind::Staff,
        organization: None,
        shift: None,
        active: true,
        // The roster does not carry rates: a rate set in Muster never makes a row "changed".
        daily_rate: Some(crate::money::Cents(150_000)),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_good_row_creates_a_placed_person() {
    let (actor, places, roster, r) = (
        Actor::operator(1),
        places(),
        Roster::default(),
        resolved(HEADERS),
    );
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let write = check
        .check(
            2,
            &row(&[
                "E1",
                "Ana Ruiz",
                "Ana@X.example",
                "nurse",
                "rbh",
                "icu1",
                "Night",
                "active",
                "",
            ]),
        )
        .unwrap();
    let PersonWrite::Create(spec) = write else {
        panic!("{write:?}")
    };
    assert_eq!((spec.site_id, spec.unit_id), (Some(1), Some(10)));
    assert_eq!(spec.email.as_str(), "ana@x.example");
    assert_eq!(spec.shift, Some(Shift::Night));
    assert!(spec.active);
}

#[test]
fn every_error_of_a_row_is_reported_at_once() {
    let (actor, places, roster, r) = (
        Actor::operator(1),
        places(),
        Roster::default(),
        resolved(HEADERS),
    );
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let errors = check
        .check(
            7,
            &row(&[
                "E1",
                "Ana",
                "not-an-email",
                "wizard",
                "Nowhere",
                "ICU",
                "weekend",
                "maybe",
                "31/31/2027",
            ]),
        )
        .unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "site",
            "active",
            "termination_date",
            "email",
            "job_role",
            "shift"
        ],
        "{errors:?}"
    );
    let errors = check
        .check(
            8,
            &row(&["E2", "", "", "nurse", "RBH", "Kitchen", "", "", ""]),
        )
        .unwrap_err();
    assert_eq!(fields(&errors), ["name", "email", "unit"], "{errors:?}");
}

#[test]
fn duplicate_employee_ids_and_emails_in_the_file_name_the_first_row() {
    let (actor, places, roster, r) = (
        Actor::operator(1),
        places(),
        Roster::default(),
        resolved(HEADERS),
    );
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let good = row(&["E1", "Ana", "ana@x.example", "nurse", "", "", "", "", ""]);
    check.check(2, &good).unwrap();
    let again = check.check(3, &good).unwrap_err();
    assert!(again[0].message.contains("also on row 2"), "{again:?}");
    let other = check
        .check(
            4,
            &row(&["E2", "Ann", "ana@x.example", "nurse", "", "", "", "", ""]),
        )
        .unwrap_err();
    assert_eq!(fields(&other), ["email"]);
    assert!(other[0].message.contains("row 2 (employee id E1)"));
    let missing = check
        .check(
            5,
            &row(&["", "Al", "al@x.example", "nurse", "", "", "", "", ""]),
        )
        .unwrap_err();
    assert_eq!(fields(&missing), ["employee_id"]);
}

#[test]
fn re_imports_update_by_employee_id_and_leave_the_unchanged_alone() {
    let roster = Roster::new(vec![person(5, Some("E5"), "p5@x.example", 1)]);
    let (actor, places) = (Actor::operator(1), places());
    let r = resolved(&["Employee ID", "Name", "Email", "Role"]);
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let same = check
        .check(2, &row(&["E5", "Person 5", "p5@x.example", "nurse"]))
        .unwrap();
    assert_eq!(same, PersonWrite::Unchanged(5));
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let renamed = check
        .check(2, &row(&["E5", "Person Five", "p5@x.example", "nurse"]))
        .unwrap();
    let PersonWrite::Update {
        before,
        adopt: false,
        spec,
    } = renamed
    else {
        panic!("{renamed:?}")
    };
    assert_eq!(before.id, 5);
    // Columns the file lacks keep what Muster has.
    assert_eq!(spec.site_id, Some(1));
    assert_eq!(spec.name.as_str(), "Person Five");
}

#[test]
fn a_person_entered_by_hand_is_found_by_email_and_given_the_id() {
    let roster = Roster::new(vec![
        person(5, None, "p5@x.example", 1),
        person(6, Some("E6"), "p6@x.example", 1),
    ]);
    let (actor, places) = (Actor::operator(1), places());
    let r = resolved(&["Employee ID", "Name", "Email", "Role"]);
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let adopted = check
        .check(2, &row(&["E5", "Person 5", "P5@x.example", "nurse"]))
        .unwrap();
    assert!(
        matches!(&adopted, PersonWrite::Update { before, adopt: true, .. } if before.id == 5),
        "{adopted:?}"
    );
    let clash = check
        .check(3, &row(&["E7", "Someone", "p6@x.example", "nurse"]))
        .unwrap_err();
    assert!(
        clash[0]
            .message
            .contains("already belongs to Person 6 (employee id E6)"),
        "{clash:?}"
    );
}

#[test]
fn people_already_in_muster_named_twice_or_by_a_taken_email_are_refused_by_row() {
    let roster = Roster::new(vec![
        person(5, Some("E5"), "p5@x.example", 1),
        person(6, None, "p6@x.example", 1),
    ]);
    let (actor, places) = (Actor::operator(1), places());
    let r = resolved(&["Employee ID", "Name", "Email", "Role"]);
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let five = row(&["E5", "Person 5", "p5@x.example", "nurse"]);
    assert_eq!(check.check(2, &five).unwrap(), PersonWrite::Unchanged(5));
    let again = check.check(3, &five).unwrap_err();
    assert_eq!(fields(&again), ["employee_id"]);
    assert!(
        again[0].message.contains("'E5' is also on row 2"),
        "{again:?}"
    );
    // E5's email under another id belongs to person 5.
    let taken = check
        .check(4, &row(&["E9", "Nine", "p5@x.example", "nurse"]))
        .unwrap_err();
    assert!(
        taken[0]
            .message
            .contains("already belongs to Person 5 (employee id E5)"),
        "{taken:?}"
    );
    // The person entered by hand is adopted by the first id; a second id for the same
    // email names that row.
    let adopted = check
        .check(5, &row(&["E6", "Person 6", "p6@x.example", "nurse"]))
        .unwrap();
    assert!(
        matches!(adopted, PersonWrite::Update { adopt: true, .. }),
        "{adopted:?}"
    );
    let second = check
        .check(6, &row(&["E7", "Person 6", "p6@x.example", "nurse"]))
        .unwrap_err();
    assert!(
        second[0]
            .message
            .contains("is also on row 5 (employee id E6)"),
        "{second:?}"
    );
    // Everyone was named: a complete roster retires no one.
    assert!(check.missing().is_empty(), "{:?}", check.missing());
}

#[test]
fn a_changed_row_carries_the_whole_before_image_and_the_left_out_are_retired_whole() {
    let mut kept = person(5, Some("E5"), "p5@x.example", 1);
    kept.organization = Some("Acme".into());
    kept.shift = Some(Shift::Night);
    let left = person(8, Some("E8"), "p8@x.example", 2);
    let roster = Roster::new(vec![kept.clone(), left.clone()]);
    let (actor, places) = (Actor::operator(1), places());
    let r = resolved(&["Employee ID", "Name", "Email", "Role"]);
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let PersonWrite::Update { before, spec, .. } = check
        .check(2, &row(&["E5", "Person Five", "p5@x.example", "nurse"]))
        .unwrap()
    else {
        panic!("a renamed person is an update")
    };
    assert_eq!(*before, kept, "the before image, daily rate included");
    assert_eq!(
        spec.organization.as_deref(),
        Some("Acme"),
        "kept: not in the file"
    );
    assert_eq!(check.missing(), vec![left]);
}

#[test]
fn a_status_or_past_termination_date_makes_a_person_inactive() {
    let (actor, places, roster, r) = (
        Actor::operator(1),
        places(),
        Roster::default(),
        resolved(HEADERS),
    );
    let mut check = RosterCheck::new(&actor, &places, &roster, &r, today());
    let mut active = |n: u64, status: &str, date: &str| {
        let email = format!("p{n}@x.example");
        match check
            .check(
                n,
                &row(&[
                    &format!("E{n}"),
                    "P",
                    &email,
                    "nurse",
                    "",
                    "",
                    "",
                    status,
                    date,
                ]),
            )
            .unwrap()
        {
            PersonWrite::Create(spec) => spec.active,
            other => panic!("{other:?}"),
        }
    };
    assert!(!active(2, "Terminated", ""));
    assert!(!active(3, "", "2027-03-31"));
    assert!(!active(4, "active", "31.03.2027"));
    assert!(active(5, "", "2027-12-31"));
    assert!(active(6, "A", ""));
}

#[test]
fn a_site_lead_imports_and_retires_only_their_own_sites_people() {
    let roster = Roster::new(vec![
        person(5, Some("E5"), "p5@x.example", 1),
        person(6, Some("E6"), "p6@x.example", 2),
        person(7, None, "p7@x.example", 1),
        person(8, Some("E8"), "p8@x.example", 1),
    ]);
    let lead = Actor {
        role: AccessRole::SiteLead,
        site_ids: vec![1],
        account_id: Some(3),
        ..Actor::operator(1)
    };
    let places = places();
    let r = resolved(&["Employee ID", "Name", "Email", "Role", "Site"]);
    let mut check = RosterCheck::new(&lead, &places, &roster, &r, today());
    assert!(
        check
            .check(2, &row(&["E9", "New", "n@x.example", "nurse", "RBH"]))
            .is_ok()
    );
    let elsewhere = check
        .check(3, &row(&["E10", "Other", "o@x.example", "nurse", "NCL"]))
        .unwrap_err();
    assert_eq!(fields(&elsewhere), ["site"]);
    // E5 is named by a row with an error: still on the roster, not retired.
    assert!(
        check
            .check(4, &row(&["E5", "P5", "bad", "nurse", "RBH"]))
            .is_err()
    );
    // E6 is another site's, 7 has no employee id, E8 is missing: only E8 goes.
    assert_eq!(
        check.missing().iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![8]
    );
}

#[test]
fn a_unit_column_needs_a_site_column() {
    let r = resolved(&["Employee ID", "Name", "Email", "Role", "Unit"]);
    assert!(check_mapping(&r).unwrap_err().message_for("unit").is_some());
    assert!(check_mapping(&resolved(HEADERS)).is_ok());
}
