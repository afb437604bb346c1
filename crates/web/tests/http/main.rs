//! HTTP tests: the real router on a real database, for the authorization matrix, error
//! bodies, CSRF, sessions, forms and the audit log.

mod support;

mod alignment;
mod audit;
mod authorization;
mod champions;
mod csrf_and_sessions;
mod forms;
mod goals;
mod governance;
mod imports;
mod lessons;
mod plan;
mod plan_files;
mod problems;
mod provisioning;
mod readiness;
mod reference;
mod stakeholders;
mod tickets;
mod training;
mod waves;
