//! PlayProof's verification service and exactly-once earnings ledger.
//!
//! - [`service::Service`]: the embeddable core: tickets, proof verdicts and payouts, balances,
//!   history, leaderboards, withdrawals, the level map's prices ([`level_map`]). Any backend
//!   can hold one and call it.
//! - [`http`]: the JSON-over-HTTP front end (axum) and the Prometheus metrics endpoint.
//! - [`store`]: SQLite or PostgreSQL; the double-entry ledger, group commit, `ledger check`.
//! - [`check::ProofCheck`]: the two-stage seam to the proof verifier (authenticate, then judge);
//!   [`reasons`]: every code the service answers with, and its status.
//! - [`secrets`]: key ring files and the checks that refuse exposed or weak secrets;
//!   [`pseudonym`]: public names that never show a player id.
//! - [`auth`]: pluggable login providers (dev, WeChat) and bearer tokens.
//! - [`transport`]: connections under timeouts, a cap and a bounded graceful shutdown;
//!   [`logging`]: the request and error logs.
//! - [`payout`]: payout tables and sponsor campaigns from data files.
//! - [`rails`]: how withdrawals reach players (manual, WeChat Pay, Alipay): the payout state
//!   machine, per-rail limits, credentials.
//! - [`risk`]: signals from the verified replay and the ledger, and the policy file that turns
//!   them into pay, pay-and-flag, hold or refuse.
//!
//! Money is integer fen everywhere; no float touches it.

pub mod auth;
pub mod check;
pub mod clock;
pub mod hex;
pub mod http;
pub mod level_map;
pub mod logging;
pub mod metrics;
pub mod operator;
pub mod play_policy;
/// Payout tables live in their own crate so designer tools can price levels without the service.
pub use playproof_payout as payout;
pub mod pseudonym;
pub mod rails;
pub mod ratelimit;
pub mod reasons;
pub mod risk;
pub mod run;
pub mod secrets;
pub mod service;
pub mod signed;
pub mod static_cache;
pub mod store;
pub mod transport;

pub use service::{ApiError, Service, ServiceConfig};
