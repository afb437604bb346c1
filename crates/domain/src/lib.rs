//! Muster's domain: the types and rules of an EHR deployment program.
//!
//! Pure code only: no I/O, no web or database framework. Everything the other layers accept
//! from the outside world is parsed into these types once, at the edge.
#![forbid(unsafe_code)]

#[macro_use]
pub mod choice;
pub mod access;
pub mod account;
pub mod alignment;
pub mod attachment;
pub mod audit;
pub mod champion;
pub mod command_center;
pub mod decision;
pub mod decision_log;
pub mod draft;
pub mod embedding;
pub mod goal;
pub mod governance;
pub mod ical;
pub mod import;
pub mod known_issue;
pub mod lesson;
pub mod module;
pub mod money;
pub mod paging;
pub mod person;
pub mod placement;
pub mod plan;
pub mod program;
pub mod provisioning;
pub mod readiness;
pub mod rounding;
pub mod site;
pub mod stakeholder;
pub mod support_team;
pub mod text;
pub mod ticket;
pub mod training;
pub mod unit;
pub mod validate;
pub mod wave;

pub use validate::{FieldError, Invalid};
