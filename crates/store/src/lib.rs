//! Muster's persistence: one codebase for the embedded SQLite database and for PostgreSQL.
//!
//! The `Store` is the one handle; each capability module adds its methods to it and returns
//! domain types, telling "not found" and "conflict" apart from failures. Every write records
//! its audit entry in the same transaction as the change.
#![forbid(unsafe_code)]

pub mod alignment;
mod attachment;
mod audit;
mod bulk;
mod connect;
mod deferred_index;
mod entity;
mod error;
mod filter;
mod migrate;
mod paging;
mod placement;
mod raw;
mod write;

pub mod account;
pub mod champion;
pub mod change_request;
pub mod command_center;
pub mod decision_log;
pub mod decision_right;
pub mod embedding;
pub mod goal;
pub mod governance;
pub mod import;
pub mod known_issue;
pub mod lesson;
pub mod module;
pub mod person;
pub mod plan;
pub mod program;
pub mod provisioning;
pub mod readiness;
pub mod roster;
pub mod rounding;
pub mod site;
pub mod sla_policy;
pub mod stakeholder;
pub mod support_team;
pub mod ticket;
pub mod training;
pub mod unit;
pub mod wave;

#[cfg(feature = "testing")]
pub mod testing;

pub use attachment::NewAttachment;
pub use audit::Change;
pub use connect::{Backend, DatabaseUrl, Store};
pub use error::{StoreError, StoreResult};
pub use migrate::latest_version;
