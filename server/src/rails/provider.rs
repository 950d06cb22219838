//! What the outbox asks of a provider's rail: create a bill, query it, cancel it. Each answer is
//! verified before it becomes a [`Report`]; anything unverified is an error, never a state.

use std::future::Future;
use std::pin::Pin;

use super::{Evidence, PayoutState};

/// One bill: its number is the withdrawal id, so every call about a withdrawal names the same
/// bill and a retry can never pay twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bill {
    pub withdrawal_id: String,
    pub player_id: String,
    pub amount_fen: i64,
}

/// A verified answer: the state it moves the withdrawal to (`None`: nothing to record, e.g.
/// `CANCELING`) and the evidence recorded with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub to: Option<PayoutState>,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// No answer, an answer we cannot read, rate limiting or a server error: the outcome is
    /// unknown. The outbox backs off and then queries; it never makes a new bill.
    #[error("{0}")]
    Transient(String),
    /// The provider has no such bill (a query before the create arrived).
    #[error("no such bill")]
    NotFound,
    /// A definite refusal (bad parameters, no permission, insufficient merchant funds): the
    /// bill was not made and will not be.
    #[error("refused: {0}")]
    Refused(String),
    /// An answer whose signature, key id, timestamp or content did not check out: treated as
    /// unknown, logged.
    #[error("unverified answer: {0}")]
    Unverified(String),
}

pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Report, CallError>> + Send + 'a>>;

/// A payment provider's API, as the outbox uses it.
pub trait Provider: Send + Sync {
    /// Asks the provider to create `bill` (idempotent by its number at the provider).
    fn create<'a>(&'a self, bill: &'a Bill) -> CallFuture<'a>;
    /// The bill's state at the provider. `cancel_requested` says whether we asked to cancel
    /// it, which tells a cancellation from an expiry where the provider does not.
    fn query<'a>(&'a self, bill: &'a Bill, cancel_requested: bool) -> CallFuture<'a>;
    /// Asks the provider to cancel a bill the player has not confirmed.
    fn cancel<'a>(&'a self, bill: &'a Bill) -> CallFuture<'a>;
}
