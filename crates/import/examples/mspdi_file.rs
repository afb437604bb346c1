//! Writes a large Microsoft Project XML (MSPDI) file for the plan import benchmark
//! (`scripts/bench_mspdi.sh`): phases of 50 deliverables of 19 tasks each (an outline three
//! levels deep), about two links per task, and the elements Microsoft Project writes
//! around each task, so the file is as large as a real one.
//!
//!   cargo run --release -p muster-import --example mspdi_file -- 50000 plan.xml
//!
//! Each task follows the one before it in its deliverable (FS) and starts a day after the
//! task in its place in the deliverable before (SS, one day's lag); every fifth finishes no
//! earlier than its place two deliverables back (FF); each phase starts after the one before
//! has started. The plan runs about two years from Monday 4 January 2027.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

const DELIVERABLES: usize = 50;
const TASKS_PER_DELIVERABLE: usize = 19;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let wanted: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .expect("usage: mspdi_file TASKS OUT.xml");
    let out = args.next().expect("usage: mspdi_file TASKS OUT.xml");
    let per_phase = 1 + DELIVERABLES * (1 + TASKS_PER_DELIVERABLE);
    let phases = wanted.div_ceil(per_phase).max(1);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    write!(
        w,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
	<SaveVersion>14</SaveVersion>
	<Name>benchmark.xml</Name>
	<Title>Benchmark rollout</Title>
	<ScheduleFromStart>1</ScheduleFromStart>
	<StartDate>2027-01-04T08:00:00</StartDate>
	<FinishDate>2029-01-04T17:00:00</FinishDate>
	<CalendarUID>1</CalendarUID>
	<DefaultStartTime>08:00:00</DefaultStartTime>
	<MinutesPerDay>480</MinutesPerDay>
	<MinutesPerWeek>2400</MinutesPerWeek>
	<DaysPerMonth>20</DaysPerMonth>
	<Calendars>
		<Calendar>
			<UID>1</UID>
			<Name>Standard</Name>
			<IsBaseCalendar>1</IsBaseCalendar>
			<BaseCalendarUID>-1</BaseCalendarUID>
			<WeekDays>
"#
    )?;
    for day in 1..=7 {
        let working = u8::from((2..=6).contains(&day));
        write!(
            w,
            "\t\t\t\t<WeekDay>\n\t\t\t\t\t<DayType>{day}</DayType>\n\t\t\t\t\t<DayWorking>{working}</DayWorking>\n"
        )?;
        if working == 1 {
            w.write_all(b"\t\t\t\t\t<WorkingTimes>\n\t\t\t\t\t\t<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>\n\t\t\t\t\t\t<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>\n\t\t\t\t\t</WorkingTimes>\n")?;
        }
        w.write_all(b"\t\t\t\t</WeekDay>\n")?;
    }
    w.write_all(b"\t\t\t</WeekDays>\n\t\t\t<Exceptions>\n")?;
    for year in 2027..2031 {
        for (name, day) in [
            ("New Year", "01-01"),
            ("Independence Day", "07-05"),
            ("Christmas", "12-24"),
        ] {
            write!(
                w,
                "\t\t\t\t<Exception>\n\t\t\t\t\t<EnteredByOccurrences>0</EnteredByOccurrences>\n\t\t\t\t\t<TimePeriod>\n\t\t\t\t\t\t<FromDate>{year}-{day}T00:00:00</FromDate>\n\t\t\t\t\t\t<ToDate>{year}-{day}T23:59:00</ToDate>\n\t\t\t\t\t</TimePeriod>\n\t\t\t\t\t<Occurrences>1</Occurrences>\n\t\t\t\t\t<Name>{name}</Name>\n\t\t\t\t\t<Type>1</Type>\n\t\t\t\t\t<DayWorking>0</DayWorking>\n\t\t\t\t</Exception>\n"
            )?;
        }
    }
    w.write_all(b"\t\t\t</Exceptions>\n\t\t</Calendar>\n\t</Calendars>\n\t<Tasks>\n")?;
    w.write_all(b"\t\t<Task>\n\t\t\t<UID>0</UID>\n\t\t\t<ID>0</ID>\n\t\t\t<Name>Benchmark rollout</Name>\n\t\t\t<OutlineLevel>0</OutlineLevel>\n\t\t\t<Summary>1</Summary>\n\t\t</Task>\n")?;
    let mut uid = 0usize;
    let mut tasks = 0usize;
    let mut links = 0usize;
    let mut buf = String::with_capacity(4096);
    // UIDs of each deliverable's tasks in this phase, for the links back.
    let mut first_of_previous_phase: Option<usize> = None;
    for phase in 0..phases {
        uid += 1;
        buf.clear();
        task(
            &mut buf,
            uid,
            &format!("Phase {}", phase + 1),
            1,
            &format!("{}", phase + 1),
            0,
            true,
            false,
            &[],
        );
        w.write_all(buf.as_bytes())?;
        tasks += 1;
        let mut places: Vec<Vec<usize>> = Vec::with_capacity(DELIVERABLES);
        for d in 0..DELIVERABLES {
            uid += 1;
            buf.clear();
            task(
                &mut buf,
                uid,
                &format!("Deliverable {}.{}", phase + 1, d + 1),
                2,
                &format!("{}.{}", phase + 1, d + 1),
                0,
                true,
                false,
                &[],
            );
            w.write_all(buf.as_bytes())?;
            tasks += 1;
            let mut mine = Vec::with_capacity(TASKS_PER_DELIVERABLE);
            // The same place in the deliverables one and two before.
            let back = |n: usize| d.checked_sub(n).map(|e| places[e].as_slice());
            let (one_back, two_back) = (back(1), back(2));
            for j in 0..TASKS_PER_DELIVERABLE {
                uid += 1;
                let mut preds: Vec<(usize, u8, i64)> = Vec::with_capacity(3);
                if let Some(&before) = mine.last() {
                    preds.push((before, 1, 0));
                } else if d == 0
                    && let Some(first) = first_of_previous_phase
                {
                    preds.push((first, 3, 4800));
                }
                if let Some(before) = one_back {
                    preds.push((before[j], 3, 4800));
                }
                if let Some(before) = two_back.filter(|_| j % 5 == 0) {
                    preds.push((before[j], 0, 0));
                }
                links += preds.len();
                let milestone = j == TASKS_PER_DELIVERABLE - 1;
                let days = if milestone {
                    0
                } else {
                    1 + (uid * 7 + j * 3) % 9
                };
                buf.clear();
                task(
                    &mut buf,
                    uid,
                    &format!(
                        "Task {}.{}.{} (configure &amp; test)",
                        phase + 1,
                        d + 1,
                        j + 1
                    ),
                    3,
                    &format!("{}.{}.{}", phase + 1, d + 1, j + 1),
                    days,
                    false,
                    milestone,
                    &preds,
                );
                w.write_all(buf.as_bytes())?;
                tasks += 1;
                mine.push(uid);
            }
            places.push(mine);
        }
        first_of_previous_phase = Some(places[0][0]);
    }
    w.write_all(b"\t</Tasks>\n\t<Resources>\n\t\t<Resource>\n\t\t\t<UID>0</UID>\n\t\t\t<ID>0</ID>\n\t\t\t<Type>1</Type>\n\t\t\t<IsNull>0</IsNull>\n\t\t</Resource>\n\t</Resources>\n</Project>\n")?;
    w.flush()?;
    eprintln!("{out}: {tasks} tasks (with summaries), {links} links");
    Ok(())
}

/// One `<Task>` with the elements Microsoft Project writes for it.
#[allow(clippy::too_many_arguments)]
fn task(
    out: &mut String,
    uid: usize,
    name: &str,
    level: u8,
    outline: &str,
    days: usize,
    summary: bool,
    milestone: bool,
    preds: &[(usize, u8, i64)],
) {
    let hours = days * 8;
    let _ = write!(
        out,
        "\t\t<Task>
\t\t\t<UID>{uid}</UID>
\t\t\t<ID>{uid}</ID>
\t\t\t<Name>{name}</Name>
\t\t\t<Active>1</Active>
\t\t\t<Manual>0</Manual>
\t\t\t<Type>0</Type>
\t\t\t<IsNull>0</IsNull>
\t\t\t<CreateDate>2026-11-02T09:00:00</CreateDate>
\t\t\t<WBS>{outline}</WBS>
\t\t\t<OutlineNumber>{outline}</OutlineNumber>
\t\t\t<OutlineLevel>{level}</OutlineLevel>
\t\t\t<Priority>500</Priority>
\t\t\t<Start>2027-01-04T08:00:00</Start>
\t\t\t<Finish>2027-01-04T17:00:00</Finish>
\t\t\t<Duration>PT{hours}H0M0S</Duration>
\t\t\t<DurationFormat>7</DurationFormat>
\t\t\t<Work>PT0H0M0S</Work>
\t\t\t<ResumeValid>0</ResumeValid>
\t\t\t<EffortDriven>0</EffortDriven>
\t\t\t<Recurring>0</Recurring>
\t\t\t<OverAllocated>0</OverAllocated>
\t\t\t<Estimated>0</Estimated>
\t\t\t<Milestone>{}</Milestone>
\t\t\t<Summary>{}</Summary>
\t\t\t<Critical>0</Critical>
\t\t\t<IsSubproject>0</IsSubproject>
\t\t\t<ExternalTask>0</ExternalTask>
\t\t\t<FixedCostAccrual>3</FixedCostAccrual>
\t\t\t<PercentComplete>0</PercentComplete>
\t\t\t<PercentWorkComplete>0</PercentWorkComplete>
\t\t\t<Cost>0</Cost>
\t\t\t<RemainingDuration>PT{hours}H0M0S</RemainingDuration>
\t\t\t<ConstraintType>0</ConstraintType>
\t\t\t<CalendarUID>-1</CalendarUID>
\t\t\t<LevelAssignments>1</LevelAssignments>
\t\t\t<IgnoreResourceCalendar>0</IgnoreResourceCalendar>
",
        u8::from(milestone),
        u8::from(summary),
    );
    for &(pred, kind, lag) in preds {
        let _ = write!(
            out,
            "\t\t\t<PredecessorLink>
\t\t\t\t<PredecessorUID>{pred}</PredecessorUID>
\t\t\t\t<Type>{kind}</Type>
\t\t\t\t<CrossProject>0</CrossProject>
\t\t\t\t<LinkLag>{lag}</LinkLag>
\t\t\t\t<LagFormat>7</LagFormat>
\t\t\t</PredecessorLink>
"
        );
    }
    let _ = write!(
        out,
        "\t\t\t<Baseline>
\t\t\t\t<Number>0</Number>
\t\t\t\t<Start>2027-01-04T08:00:00</Start>
\t\t\t\t<Finish>2027-01-04T17:00:00</Finish>
\t\t\t\t<Duration>PT{hours}H0M0S</Duration>
\t\t\t</Baseline>
\t\t</Task>
"
    );
}
