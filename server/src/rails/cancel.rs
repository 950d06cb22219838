//! The player's cancellation of a withdrawal the provider has not paid.
//!
//! ```text
//!   manual rail, requested ──────────────────────────────► cancelled (now; the money returns)
//!   wechat, before its outcome ── record the request ──► the outbox cancels the bill ──►
//!                                 the provider's answer: cancelled, or paid if confirmed first
//!   alipay (no confirmation step), or any outcome but cancelled ──► withdrawal_not_cancellable
//!   already cancelled ──────────────────────────────────────────► the same answer again
//! ```
//!
//! The request itself moves no money: only the `cancelled` transition does, once, whoever
//! records it first (the outbox's cancel or query, or WeChat Pay's notification).

use super::{Evidence, PayoutState, RailKind, Source};
use crate::service::ApiError;
use crate::store::{AdvanceWrite, LedgerRejection, Store, WithdrawalRecord, WriteError};

/// The refusal of a withdrawal that is paid, already returned, or on a rail that cannot cancel.
pub const NOT_CANCELLABLE: &str = "withdrawal_not_cancellable";

/// What a cancel request does to a withdrawal in `state` on `rail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Cancelled before: answer it again, change nothing.
    AlreadyCancelled,
    /// No provider is involved: record `cancelled` now.
    CancelNow,
    /// Record the request; the outbox asks the provider.
    Request,
    /// Paid, failed or expired, or a rail whose transfers cannot be cancelled.
    Refuse,
}

/// The one rule of cancellation.
pub fn decide(rail: RailKind, state: PayoutState) -> Decision {
    match (rail, state) {
        (_, PayoutState::Cancelled) => Decision::AlreadyCancelled,
        (_, state) if state.is_terminal() => Decision::Refuse,
        (RailKind::Manual, _) => Decision::CancelNow,
        (RailKind::Wechat, _) => Decision::Request,
        (RailKind::Alipay, _) => Decision::Refuse,
    }
}

/// What the player is told: the withdrawal, and whether its cancellation is settled
/// (`true`) or waits for the provider.
pub struct Cancelled {
    pub record: WithdrawalRecord,
    pub settled: bool,
}

/// Cancels the player's withdrawal `id` (someone else's is "not found").
pub async fn cancel(
    store: &Store,
    player_id: &str,
    id: &str,
    now_ms: i64,
) -> Result<Cancelled, ApiError> {
    let not_found = || ApiError::coded("withdrawal_not_found", format!("no withdrawal {id:?}"));
    let record = match store.withdrawal(id).await? {
        Some(record) if record.player_id == player_id => record,
        _ => return Err(not_found()),
    };
    let rail = RailKind::parse(&record.rail).ok_or_else(not_found)?;
    let state = PayoutState::parse(&record.state).ok_or_else(not_found)?;
    let refuse = |state: &str| {
        ApiError::coded(
            NOT_CANCELLABLE,
            format!("withdrawal {id} is {state} on the {rail} rail and cannot be cancelled"),
        )
    };
    match decide(rail, state) {
        Decision::AlreadyCancelled => Ok(Cancelled {
            record,
            settled: true,
        }),
        Decision::Refuse => Err(refuse(state.as_str())),
        Decision::Request => {
            if store.request_cancel(id, now_ms).await? {
                tracing::info!(withdrawal = %id, "cancellation requested");
            }
            Ok(Cancelled {
                record,
                settled: false,
            })
        }
        Decision::CancelNow => {
            let write = AdvanceWrite {
                withdrawal_id: id.to_string(),
                to: PayoutState::Cancelled,
                evidence: Evidence::bare(Source::Cancel),
                now_ms,
            };
            match store.advance_withdrawal(write).await {
                Ok(record) => Ok(Cancelled {
                    record,
                    settled: true,
                }),
                // The operator settled it in the meantime.
                Err(WriteError::Rejected(LedgerRejection::TransitionRefused {
                    refused, ..
                })) => Err(refuse(refused.from.as_str())),
                Err(error) => Err(error.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unsettled_withdrawal_on_a_cancellable_rail_is_cancelled() {
        use PayoutState::*;
        for rail in RailKind::ALL {
            assert_eq!(decide(rail, Cancelled), Decision::AlreadyCancelled);
            for done in [Succeeded, Failed, Expired] {
                assert_eq!(decide(rail, done), Decision::Refuse, "{rail} {done}");
            }
        }
        assert_eq!(decide(RailKind::Manual, Requested), Decision::CancelNow);
        for open in [Requested, Submitted, AwaitingConfirmation] {
            assert_eq!(decide(RailKind::Wechat, open), Decision::Request);
            assert_eq!(decide(RailKind::Alipay, open), Decision::Refuse);
        }
    }
}
