//! Classroom sessions: a course taught at a place and time by a trainer to at most
//! `capacity` people. Enrollment beyond capacity joins the waitlist; when an enrolled
//! person cancels, the first on the waitlist takes the seat.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::course::CourseId;
use crate::draft::{id, number_as_text, overlay};
use crate::person::PersonId;
use crate::site::SiteId;
use crate::text::{Name, date_time};
use crate::validate::{Invalid, Validator};

pub type SessionId = i64;

/// The most seats a session may have.
pub const MAX_CAPACITY: i64 = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingSession {
    pub id: SessionId,
    pub course_id: CourseId,
    pub course_title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub site_id: SiteId,
    pub room: String,
    /// The person who teaches it.
    pub trainer_person_id: PersonId,
    pub trainer_name: String,
    pub capacity: i64,
    /// Seats taken (enrolled, attended or no-show).
    pub enrolled: i64,
    pub waitlisted: i64,
}

/// A session as submitted by a form or a JSON body. Times are UTC.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub course_id: Option<String>,
    /// YYYY-MM-DDTHH:MM (UTC) or RFC 3339
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    pub room: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub trainer_person_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub capacity: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionSpec {
    pub course_id: CourseId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub site_id: SiteId,
    pub room: Name,
    pub trainer_person_id: PersonId,
    pub capacity: i64,
}

impl SessionDraft {
    pub fn parse(self) -> Result<SessionSpec, Invalid> {
        let mut v = Validator::new();
        let course_id = v.required("course_id", self.course_id, id);
        let starts_at = v.required("starts_at", self.starts_at, |s| date_time(&s));
        let ends_at = v.required("ends_at", self.ends_at, |s| date_time(&s));
        let site_id = v.required("site_id", self.site_id, id);
        let room = v.required("room", self.room, |s| Name::parse(&s));
        let trainer = v.required("trainer_person_id", self.trainer_person_id, id);
        let capacity = v.required(
            "capacity",
            self.capacity,
            |s| match crate::draft::optional_count(s, MAX_CAPACITY)? {
                Some(0) | None => Err("must be at least 1".to_string()),
                Some(n) => Ok(n),
            },
        );
        if let (Some(start), Some(end)) = (starts_at, ends_at) {
            if end <= start {
                v.push("ends_at", "must be after the start");
            } else if end - start > chrono::Duration::hours(24) {
                v.push("ends_at", "a session lasts at most 24 hours");
            }
        }
        v.finish(|| SessionSpec {
            course_id: course_id.unwrap(),
            starts_at: starts_at.unwrap(),
            ends_at: ends_at.unwrap(),
            site_id: site_id.unwrap(),
            room: room.unwrap(),
            trainer_person_id: trainer.unwrap(),
            capacity: capacity.unwrap(),
        })
    }

    pub fn over(self, base: SessionDraft) -> SessionDraft {
        SessionDraft {
            course_id: overlay(base.course_id, self.course_id),
            starts_at: overlay(base.starts_at, self.starts_at),
            ends_at: overlay(base.ends_at, self.ends_at),
            site_id: overlay(base.site_id, self.site_id),
            room: overlay(base.room, self.room),
            trainer_person_id: overlay(base.trainer_person_id, self.trainer_person_id),
            capacity: overlay(base.capacity, self.capacity),
        }
    }
}

impl From<&TrainingSession> for SessionDraft {
    fn from(s: &TrainingSession) -> Self {
        let at = |t: DateTime<Utc>| Some(t.format("%Y-%m-%dT%H:%M").to_string());
        SessionDraft {
            course_id: Some(s.course_id.to_string()),
            starts_at: at(s.starts_at),
            ends_at: at(s.ends_at),
            site_id: Some(s.site_id.to_string()),
            room: Some(s.room.clone()),
            trainer_person_id: Some(s.trainer_person_id.to_string()),
            capacity: Some(s.capacity.to_string()),
        }
    }
}

choice!(
    /// Where a person stands on a session's roster.
    EnrollmentStatus {
        Enrolled = ("enrolled", "Enrolled"),
        Waitlisted = ("waitlisted", "Waitlisted"),
        Cancelled = ("cancelled", "Cancelled"),
        Attended = ("attended", "Attended"),
        NoShow = ("no_show", "No-show"),
    }
);

impl EnrollmentStatus {
    /// Holds one of the session's seats.
    pub fn holds_seat(self) -> bool {
        matches!(self, Self::Enrolled | Self::Attended | Self::NoShow)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrollment {
    pub id: i64,
    pub session_id: SessionId,
    pub person_id: PersonId,
    pub person_name: String,
    pub person_site_id: Option<SiteId>,
    /// For the access policy (a person's own records); not sent.
    #[serde(skip)]
    pub person_email: String,
    pub status: EnrollmentStatus,
    /// 1 for the first in line; only while waitlisted.
    pub waitlist_position: Option<i64>,
    pub enrolled_at: DateTime<Utc>,
}

/// One person on a roster, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub person_id: PersonId,
    pub status: EnrollmentStatus,
    pub waitlist_position: Option<i64>,
}

/// Where a new enrollment lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub status: EnrollmentStatus,
    pub waitlist_position: Option<i64>,
}

/// What a cancellation changes besides the cancelled seat: who is promoted to the freed
/// seat, and the waitlist positions that move up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shuffle {
    pub promoted: Vec<PersonId>,
    /// (person, new position) for everyone still waiting whose position changed.
    pub renumbered: Vec<(PersonId, i64)>,
}

/// A session's roster (cancelled enrollments left out) and its capacity.
#[derive(Debug, Clone)]
pub struct Roster {
    pub capacity: i64,
    pub seats: Vec<Seat>,
}

impl Roster {
    fn taken(&self) -> i64 {
        self.seats.iter().filter(|s| s.status.holds_seat()).count() as i64
    }

    /// The waiting, first in line first.
    fn waiting(&self) -> Vec<Seat> {
        let mut w: Vec<Seat> = self
            .seats
            .iter()
            .filter(|s| s.status == EnrollmentStatus::Waitlisted)
            .copied()
            .collect();
        w.sort_by_key(|s| s.waitlist_position.unwrap_or(i64::MAX));
        w
    }

    /// Where `person` lands: a seat while one is free and nobody waits, else the end of
    /// the waitlist.
    pub fn place(&self, person: PersonId) -> Result<Placement, String> {
        if self.seats.iter().any(|s| s.person_id == person) {
            return Err("is already on this session's roster".into());
        }
        let waiting = self.waiting();
        if waiting.is_empty() && self.taken() < self.capacity {
            return Ok(Placement {
                status: EnrollmentStatus::Enrolled,
                waitlist_position: None,
            });
        }
        Ok(Placement {
            status: EnrollmentStatus::Waitlisted,
            waitlist_position: Some(waiting.len() as i64 + 1),
        })
    }

    /// Cancels `person`'s place: their seat goes to the first in line; the line moves up.
    pub fn cancel(&self, person: PersonId) -> Result<Shuffle, String> {
        let seat = self
            .seats
            .iter()
            .find(|s| s.person_id == person)
            .ok_or("is not on this session's roster")?;
        if matches!(
            seat.status,
            EnrollmentStatus::Attended | EnrollmentStatus::NoShow
        ) {
            return Err(
                "has attendance recorded; the enrollment can no longer be cancelled".into(),
            );
        }
        let rest = Roster {
            capacity: self.capacity,
            seats: self
                .seats
                .iter()
                .filter(|s| s.person_id != person)
                .copied()
                .collect(),
        };
        Ok(rest.fill())
    }

    /// Promotes the first in line into every free seat and renumbers the line from 1:
    /// after a cancellation, or when the capacity grows.
    pub fn fill(&self) -> Shuffle {
        let free = (self.capacity - self.taken()).max(0) as usize;
        let waiting = self.waiting();
        let promoted: Vec<PersonId> = waiting.iter().take(free).map(|s| s.person_id).collect();
        let renumbered = waiting
            .iter()
            .skip(promoted.len())
            .zip(1..)
            .filter(|(s, n)| s.waitlist_position != Some(*n))
            .map(|(s, n)| (s.person_id, n))
            .collect();
        Shuffle {
            promoted,
            renumbered,
        }
    }
}

/// The status attendance sets: only a person holding a seat attends or misses it.
pub fn attendance(current: EnrollmentStatus, attended: bool) -> Result<EnrollmentStatus, String> {
    if !current.holds_seat() {
        return Err(format!(
            "is {}; only enrolled people attend",
            current.label().to_lowercase()
        ));
    }
    Ok(if attended {
        EnrollmentStatus::Attended
    } else {
        EnrollmentStatus::NoShow
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrollmentStatus::*;

    fn seat(person_id: i64, status: EnrollmentStatus, position: Option<i64>) -> Seat {
        Seat {
            person_id,
            status,
            waitlist_position: position,
        }
    }

    fn full_roster() -> Roster {
        Roster {
            capacity: 2,
            seats: vec![
                seat(1, Enrolled, None),
                seat(2, Enrolled, None),
                seat(3, Waitlisted, Some(1)),
                seat(4, Waitlisted, Some(2)),
            ],
        }
    }

    #[test]
    fn enrollment_takes_a_seat_until_the_session_is_full_then_waits_in_line() {
        let mut roster = Roster {
            capacity: 1,
            seats: vec![],
        };
        let first = roster.place(1).unwrap();
        assert_eq!(first.status, Enrolled);
        roster
            .seats
            .push(seat(1, first.status, first.waitlist_position));
        let second = roster.place(2).unwrap();
        assert_eq!(
            (second.status, second.waitlist_position),
            (Waitlisted, Some(1))
        );
        assert_eq!(full_roster().place(9).unwrap().waitlist_position, Some(3));
        assert!(full_roster().place(3).is_err(), "nobody enrolls twice");
    }

    #[test]
    fn a_cancelled_seat_goes_to_the_first_in_line_and_the_line_moves_up() {
        let shuffle = full_roster().cancel(2).unwrap();
        assert_eq!(shuffle.promoted, vec![3]);
        assert_eq!(shuffle.renumbered, vec![(4, 1)]);
    }

    #[test]
    fn leaving_the_waitlist_promotes_nobody_but_renumbers_those_behind() {
        let shuffle = full_roster().cancel(3).unwrap();
        assert!(shuffle.promoted.is_empty());
        assert_eq!(shuffle.renumbered, vec![(4, 1)]);
    }

    #[test]
    fn attended_seats_are_not_cancelled_and_waitlisted_people_do_not_attend() {
        let mut roster = full_roster();
        roster.seats[0].status = Attended;
        assert!(roster.cancel(1).unwrap_err().contains("attendance"));
        assert!(attendance(Waitlisted, true).is_err());
        assert_eq!(attendance(Enrolled, false), Ok(NoShow));
        assert_eq!(attendance(NoShow, true), Ok(Attended));
    }

    #[test]
    fn a_larger_room_seats_the_waiting_in_order() {
        let mut roster = full_roster();
        roster.capacity = 10;
        assert_eq!(roster.fill().promoted, vec![3, 4]);
    }

    #[test]
    fn a_session_must_end_after_it_starts_and_seat_someone() {
        let err = SessionDraft {
            course_id: Some("1".into()),
            starts_at: Some("2027-03-01T09:00".into()),
            ends_at: Some("2027-03-01T08:00".into()),
            site_id: Some("1".into()),
            room: Some("Room 1".into()),
            trainer_person_id: Some("1".into()),
            capacity: Some("0".into()),
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("ends_at").is_some());
        assert!(err.message_for("capacity").is_some());
    }
}
