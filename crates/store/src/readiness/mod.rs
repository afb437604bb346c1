//! Go-live readiness: the criteria catalog, attestations, the live scorecard of a wave,
//! assessments (scorecards frozen at checkpoints) and go/no-go decisions.

pub mod assessment;
pub mod attestation;
pub mod criterion;
pub mod gate;
pub mod scorecard;
