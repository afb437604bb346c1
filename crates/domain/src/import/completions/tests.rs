use chrono::NaiveDate;

use super::*;
use crate::access::AccessRole;
use crate::import::{Mapping, Resolved, resolve};

fn resolved(headers: &[&str]) -> Resolved {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    resolve(COLUMNS, &headers, &Mapping::default()).unwrap()
}

fn catalog() -> Catalog {
    Catalog::new(
        [(1, "E1".into(), Some(10)), (2, "E2".into(), None)],
        [
            (100, "EHR-101".into(), "Ambulatory basics".into()),
            (101, "EHR-102".into(), "Orders".into()),
            (102, "EHR-103".into(), "Orders".into()),
        ],
    )
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 4, 30).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, m, d).unwrap()
}

fn actor(role: AccessRole) -> Actor {
    Actor {
        role,
        ..Actor::operator(1)
    }
}

const HEADERS: &[&str] = &[
    "User ID",
    "Course Code",
    "Date Completed",
    "Score",
    "Delivery",
];

#[test]
fn an_lms_exports_headers_are_recognised() {
    let r = resolved(&[
        "Learner ID",
        "Course Title",
        "Completion Date",
        "Grade",
        "Extra",
    ]);
    assert_eq!(r.used["employee_id"], "Learner ID");
    assert_eq!(r.used["course"], "Course Title");
    assert_eq!(r.used["completed_on"], "Completion Date");
    assert_eq!(r.used["score"], "Grade");
    assert_eq!(r.ignored, vec!["Extra".to_string()]);
}

#[test]
fn a_good_row_names_person_course_date_score_and_source() {
    let (r, c, a) = (resolved(HEADERS), catalog(), actor(AccessRole::Trainer));
    let check = CompletionCheck::new(&a, &c, &r, today());
    let spec = check
        .check(&row(&["E1", "ehr-101", "2027-04-13", "92.5%", "Classroom"]))
        .unwrap();
    assert_eq!(
        spec,
        CompletionSpec {
            person_id: 1,
            course_id: 100,
            completed_on: day(4, 13),
            source: CompletionSource::Session,
            score: Some(93),
        }
    );
    let by_title = check
        .check(&row(&["E2", "Ambulatory Basics", "13.04.2027", "", ""]))
        .unwrap();
    assert_eq!(
        (by_title.course_id, by_title.source, by_title.score),
        (100, CompletionSource::LmsImport, None)
    );
}

#[test]
fn every_problem_of_a_row_is_named_by_its_field() {
    let (r, c, a) = (resolved(HEADERS), catalog(), actor(AccessRole::ProgramLead));
    let check = CompletionCheck::new(&a, &c, &r, today());
    let errors = check
        .check(&row(&[
            "E9",
            "Orders",
            "2027-05-01",
            "140",
            "carrier pigeon",
        ]))
        .unwrap_err();
    let message = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert!(message("employee_id").contains("no person with employee id 'E9'"));
    assert!(message("course").contains("use the course code"));
    assert!(message("completed_on").contains("in the future"));
    assert!(message("score").contains("0 to 100"));
    assert!(message("source").contains("not a source"));
    let missing = check.check(&row(&["", "", "", "", ""])).unwrap_err();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        check
            .check(&row(&["E1", "EHR-101", "31/02/2027", "", ""]))
            .unwrap_err()[0]
            .message
            .contains("not a date")
    );
}

#[test]
fn dates_come_in_the_formats_lms_exports_use() {
    let (r, c, a) = (resolved(HEADERS), catalog(), actor(AccessRole::Admin));
    let plain = CompletionCheck::new(&a, &c, &r, today());
    let on = |check: &CompletionCheck<'_>, raw: &str| {
        check
            .check(&row(&["E1", "EHR-101", raw, "", ""]))
            .map(|s| s.completed_on)
            .map_err(|e| e[0].message.clone())
    };
    assert_eq!(on(&plain, "2027-04-13"), Ok(day(4, 13)));
    assert_eq!(on(&plain, "04/13/2027"), Ok(day(4, 13)));
    assert_eq!(on(&plain, "13.04.2027"), Ok(day(4, 13)));
    assert!(on(&plain, "03/04/2027").unwrap_err().contains("day/month"));
    assert!(on(&plain, "46490").is_err(), "a number is no date in a CSV");
    let us = CompletionCheck::new(&a, &c, &r, today()).dates(DateOrder::MonthFirst, false);
    assert_eq!(on(&us, "03/04/2027"), Ok(day(3, 4)));
    let workbook = CompletionCheck::new(&a, &c, &r, today()).dates(DateOrder::Either, true);
    assert_eq!(on(&workbook, "46490"), Ok(day(4, 13)));
    assert_eq!(on(&workbook, "46490.5"), Ok(day(4, 13)));
    assert_eq!(on(&workbook, "20270413"), Ok(day(4, 13)));
    assert!(on(&workbook, "99999").unwrap_err().contains("future"));
}

#[test]
fn only_those_who_write_training_records_may_import_them() {
    let (r, c) = (resolved(HEADERS), catalog());
    let good = row(&["E1", "EHR-101", "2027-04-13", "", ""]);
    for role in [
        AccessRole::Admin,
        AccessRole::ProgramLead,
        AccessRole::Trainer,
    ] {
        let a = actor(role);
        assert!(
            CompletionCheck::new(&a, &c, &r, today())
                .check(&good)
                .is_ok()
        );
    }
    for role in [
        AccessRole::SiteLead,
        AccessRole::Analyst,
        AccessRole::EndUser,
    ] {
        let a = Actor {
            site_ids: vec![10],
            email: "p1@test.example".into(),
            ..actor(role)
        };
        let errors = CompletionCheck::new(&a, &c, &r, today())
            .check(&good)
            .unwrap_err();
        assert!(errors[0].message.contains("may not record"), "{role:?}");
    }
}
