//! Writes a roster file for the benchmark (scripts/bench_roster.sh): N people spread over
//! the site and unit codes given one pair a line on standard input, as CSV and XLSX.
//!
//!   roster_file ROWS OUT.csv [OUT.xlsx] < site-unit-codes.txt

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

const ROLES: [&str; 6] = [
    "nurse",
    "Physician",
    "pharmacist",
    "front_desk",
    "scheduler",
    "therapist",
];
const SHIFTS: [&str; 4] = ["day", "day", "evening", "night"];
const FIRST: [&str; 8] = [
    "Ana", "Ben", "Chloé", "Dev", "Eun-ji", "Farah", "Gus", "Hana",
];
const LAST: [&str; 8] = [
    "Ruiz", "Okafor", "Nguyen", "Smith", "O'Neil", "Kowalski", "Haddad", "Lee",
];

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).and_then(|n| n.parse().ok()).expect("ROWS");
    let places: Vec<(String, String)> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| {
            let (s, u) = l.split_once('|')?;
            Some((s.to_owned(), u.to_owned()))
        })
        .collect();
    assert!(!places.is_empty(), "site|unit codes on standard input");
    let header = [
        "Employee ID",
        "Full Name",
        "Work Email",
        "Job Title",
        "Site Code",
        "Unit Code",
        "Shift",
        "Status",
        "Cost Center",
    ];
    let row = |i: usize| -> Vec<String> {
        let (site, unit) = &places[i % places.len()];
        let (first, last) = (FIRST[i % 8], LAST[(i / 8) % 8]);
        vec![
            format!("{}", 10_000_000 + i),
            format!("{first} {last} {i}"),
            format!(
                "{}.{}.{i}@riverbend.example",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', "")
            ),
            ROLES[i % ROLES.len()].to_owned(),
            site.clone(),
            unit.clone(),
            SHIFTS[i % 4].to_owned(),
            if i.is_multiple_of(50) {
                "Terminated"
            } else {
                "Active"
            }
            .to_owned(),
            format!("CC{}", i % 900),
        ]
    };
    let mut csv = BufWriter::new(std::fs::File::create(&args[2])?);
    writeln!(csv, "{}", header.join(","))?;
    for i in 0..rows {
        let cells = row(i);
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.contains(',') || c.contains('"') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        writeln!(csv, "{}", quoted.join(","))?;
    }
    csv.flush()?;
    if let Some(xlsx) = args.get(3) {
        let head = std::iter::once(header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
        muster_import::testing::write_xlsx(Path::new(xlsx), head.chain((0..rows).map(row)))?;
    }
    Ok(())
}
