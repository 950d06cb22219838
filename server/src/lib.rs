//! PlayProof's verification service and exactly-once earnings ledger.
//!
//! - [`service::Service`]: the embeddable core: tickets, proof verdicts and payouts, balances,
//!   history, leaderboards, withdrawals. Any backend can hold one and call it.
//! - [`http`]: the JSON-over-HTTP front end (axum) and the Prometheus metrics endpoint.
//! - [`store`]: SQLite or PostgreSQL; the double-entry ledger, group commit, `ledger check`.
//! - [`check::ProofCheck`]: the seam to the proof verifier.
//! - [`auth`]: pluggable login providers (dev, WeChat) and bearer tokens.
//! - [`payout`]: payout tables and sponsor campaigns from data files.
//!
//! Money is integer fen everywhere; no float touches it.

pub mod auth;
pub mod check;
pub mod clock;
pub mod hex;
pub mod http;
pub mod metrics;
/// Payout tables live in their own crate so designer tools can price levels without the service.
pub use playproof_payout as payout;
pub mod ratelimit;
pub mod reasons;
pub mod run;
pub mod service;
pub mod signed;
pub mod static_cache;
pub mod store;

pub use service::{ApiError, Service, ServiceConfig};
