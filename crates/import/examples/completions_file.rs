//! Writes an LMS completions export for the benchmark (scripts/bench_completions.sh): ROWS
//! rows over the employee ids and course codes given on standard input (`E|id` and `C|code`
//! lines), each person and course at most once, dates in the formats LMS exports mix (ISO,
//! US month/day/year with the day over 12, day.month.year), scores on e-learning rows.
//!
//!   completions_file ROWS OUT.csv < ids-and-codes.txt

use std::io::{BufRead, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).and_then(|n| n.parse().ok()).expect("ROWS");
    let (mut people, mut courses) = (Vec::new(), Vec::new());
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        match line.split_once('|') {
            Some(("E", id)) => people.push(id.to_owned()),
            Some(("C", code)) => courses.push(code.to_owned()),
            _ => {}
        }
    }
    assert!(
        !people.is_empty() && !courses.is_empty(),
        "E|id and C|code lines on stdin"
    );
    assert!(
        rows <= people.len() * courses.len(),
        "more rows than people x courses"
    );
    let mut out = BufWriter::new(std::fs::File::create(&args[1 + 1])?);
    writeln!(
        out,
        "User ID,Course Code,Completion Date,Score,Delivery,Region"
    )?;
    for r in 0..rows {
        let p = r % people.len();
        // Each person's courses start at their own offset: never the same one twice.
        let course = &courses[(r / people.len() + p) % courses.len()];
        let person = &people[p];
        // Days 13 to 28 of January to October 2026: unambiguous in every format.
        let (month, day) = (1 + r % 10, 13 + r % 16);
        let date = match r % 10 {
            0..=5 => format!("2026-{month:02}-{day:02}"),
            6 | 7 => format!("{month:02}/{day:02}/2026"),
            _ => format!("{day:02}.{month:02}.2026"),
        };
        let (score, delivery) = if r % 4 == 0 {
            (String::new(), "Classroom")
        } else {
            ((60 + r % 41).to_string(), "e-learning")
        };
        writeln!(
            out,
            "{person},{course},{date},{score},{delivery},R{}",
            r % 12
        )?;
    }
    out.flush()
}
