//! Payout rails: how money that left a player's balance reaches them.
//!
//! A withdrawal walks one state machine whatever its rail; each step is a row appended to
//! `payout_transitions` (never updated), recording what the provider said:
//!
//! ```text
//!   requested ──► submitted ──► awaiting_confirmation ──► succeeded
//!       │             │                  │           ├──► failed
//!       │             │                  │           ├──► cancelled
//!       │             │                  │           └──► expired
//!       └─────────────┴──────────────────┴──► (any terminal state)
//! ```
//!
//! States only move forward ([`PayoutState::rank`]); the same state again is a repeat that
//! changes nothing (a duplicated callback, a query after a crash). The ledger moves with the
//! terminal state, in the same transaction that appends it: `succeeded` moves the amount from
//! `pending:<player>` to `settled`; `failed`, `cancelled` and `expired` return it to the player.
//! Each of those is one transfer whose id derives from the withdrawal id, so it happens once.
//!
//! Rails ([`RailKind`]): `manual` (an operator pays by hand and says so), `wechat` (WeChat Pay's
//! merchant transfer with the player's confirmation), `alipay` (Alipay's transfer to an
//! account). Each has its [`RailLimits`] as data, checked when the player asks.

pub mod alipay;
pub mod cancel;
pub mod config;
pub mod failpoint;
pub mod keys;
pub mod limits;
pub mod manual;
pub mod notify;
pub mod outbox;
pub mod provider;
pub mod reconcile;
pub mod wechat;

use std::path::PathBuf;

pub use config::RailArgs;
pub use limits::{LimitRejection, RailLimits};

/// Which rail pays withdrawals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RailKind {
    Manual,
    Wechat,
    Alipay,
}

impl RailKind {
    pub const ALL: [RailKind; 3] = [RailKind::Manual, RailKind::Wechat, RailKind::Alipay];

    /// The name stored with each withdrawal and taken by `--payout-rail`.
    pub fn as_str(self) -> &'static str {
        match self {
            RailKind::Manual => "manual",
            RailKind::Wechat => "wechat",
            RailKind::Alipay => "alipay",
        }
    }

    pub fn parse(name: &str) -> Option<RailKind> {
        RailKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether a provider reports this rail's outcomes (and the operator must not).
    pub fn has_provider(self) -> bool {
        self != RailKind::Manual
    }
}

impl std::fmt::Display for RailKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A withdrawal's state on its rail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PayoutState {
    /// Money moved to pending; no provider has heard of it yet.
    Requested,
    /// The provider was asked to create the bill; its answer may not be known.
    Submitted,
    /// WeChat: the bill waits for the player to confirm it in the client.
    AwaitingConfirmation,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
}

impl PayoutState {
    pub const ALL: [PayoutState; 7] = [
        PayoutState::Requested,
        PayoutState::Submitted,
        PayoutState::AwaitingConfirmation,
        PayoutState::Succeeded,
        PayoutState::Failed,
        PayoutState::Cancelled,
        PayoutState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PayoutState::Requested => "requested",
            PayoutState::Submitted => "submitted",
            PayoutState::AwaitingConfirmation => "awaiting_confirmation",
            PayoutState::Succeeded => "succeeded",
            PayoutState::Failed => "failed",
            PayoutState::Cancelled => "cancelled",
            PayoutState::Expired => "expired",
        }
    }

    pub fn parse(name: &str) -> Option<PayoutState> {
        PayoutState::ALL
            .into_iter()
            .find(|state| state.as_str() == name)
    }

    /// Position along the machine; a transition must increase it.
    fn rank(self) -> u8 {
        match self {
            PayoutState::Requested => 0,
            PayoutState::Submitted => 1,
            PayoutState::AwaitingConfirmation => 2,
            PayoutState::Succeeded
            | PayoutState::Failed
            | PayoutState::Cancelled
            | PayoutState::Expired => 3,
        }
    }

    pub fn is_terminal(self) -> bool {
        self.rank() == 3
    }

    /// What the ledger does on entering this state: `Some(true)` pays out, `Some(false)` returns
    /// the money, `None` moves nothing.
    pub fn settles_as_paid(self) -> Option<bool> {
        match self {
            PayoutState::Succeeded => Some(true),
            PayoutState::Failed | PayoutState::Cancelled | PayoutState::Expired => Some(false),
            _ => None,
        }
    }

    /// The state of a withdrawal stored before payout transitions existed (schema 1): its
    /// ledger status says all that is known.
    pub fn from_ledger_status(status: &str) -> Option<PayoutState> {
        match status {
            "pending" => Some(PayoutState::Requested),
            "paid" => Some(PayoutState::Succeeded),
            "failed" => Some(PayoutState::Failed),
            _ => None,
        }
    }
}

impl std::fmt::Display for PayoutState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What moving a withdrawal from one state to another does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Already there: record nothing, move nothing.
    Repeat,
    /// Append the transition (and settle the ledger if `to` is terminal).
    Advance,
}

/// A transition the machine refuses: backwards, or out of a terminal state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a withdrawal cannot go from {from} to {to}")]
pub struct TransitionRefused {
    pub from: PayoutState,
    pub to: PayoutState,
}

/// The machine's one rule: forward only, terminal states are final, the same state repeats.
pub fn step(from: PayoutState, to: PayoutState) -> Result<Step, TransitionRefused> {
    if from == to {
        Ok(Step::Repeat)
    } else if !from.is_terminal() && to.rank() > from.rank() {
        Ok(Step::Advance)
    } else {
        Err(TransitionRefused { from, to })
    }
}

/// Where a transition's evidence came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The player's request (the first state).
    Request,
    /// The operator, on the manual rail.
    Operator,
    /// The provider's answer to creating the bill.
    Create,
    /// The provider's answer to a query by bill number.
    Query,
    /// A verified provider notification.
    Callback,
    /// The provider's answer to cancelling the bill.
    Cancel,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Request => "request",
            Source::Operator => "operator",
            Source::Create => "create",
            Source::Query => "query",
            Source::Callback => "callback",
            Source::Cancel => "cancel",
        }
    }
}

/// What a provider said, as recorded with a transition: the SHA-256 of the exact bytes it sent
/// (so a dispute can be settled against the provider's own records) and the fields read from
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub source: Source,
    /// The provider's own name of the state (`WAIT_USER_CONFIRM`, `SUCCESS`, …), if any.
    pub provider_state: Option<String>,
    /// Lowercase hex SHA-256 of the payload, if there was one.
    pub payload_sha256: Option<String>,
    /// The fields read from the payload, as a JSON object (compact, keys sorted).
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl Evidence {
    /// Evidence with no provider payload (the request, the operator's word).
    pub fn bare(source: Source) -> Self {
        Evidence {
            source,
            provider_state: None,
            payload_sha256: None,
            fields: serde_json::Map::new(),
        }
    }

    /// Evidence of a provider payload: its hash and the fields read from it.
    pub fn of_payload(
        source: Source,
        payload: &[u8],
        provider_state: Option<&str>,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(payload);
        Evidence {
            source,
            provider_state: provider_state.map(str::to_string),
            payload_sha256: Some(crate::hex::encode(&digest)),
            fields,
        }
    }
}

/// 128 random bits as 32 hex digits: request nonces.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 16];
    // Without the OS's random source nothing can be signed safely; a nonce only needs to be
    // unique, which the clock still gives.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = crate::clock::unix_ms_now().to_le_bytes().repeat(2)[..16]
            .try_into()
            .unwrap_or([0; 16]);
    }
    crate::hex::encode(&bytes)
}

/// The configured rail with its limits and, for provider rails, its loaded credentials.
#[derive(Clone, Debug)]
pub struct RailConfig {
    pub kind: RailKind,
    pub limits: RailLimits,
    pub credentials: Credentials,
}

#[derive(Clone, Debug)]
pub enum Credentials {
    Manual,
    Wechat(wechat::WechatCredentials),
    Alipay(alipay::AlipayCredentials),
}

impl RailConfig {
    /// The manual rail with its default limits: the behaviour of a service configured with no
    /// provider.
    pub fn manual() -> Self {
        RailConfig {
            kind: RailKind::Manual,
            limits: RailLimits::default_for(RailKind::Manual),
            credentials: Credentials::Manual,
        }
    }
}

/// A problem with a rail's configuration or credentials, found at start-up.
#[derive(Debug, thiserror::Error)]
pub enum RailConfigError {
    #[error("unknown payout rail {0:?}: expected manual, wechat or alipay")]
    UnknownRail(String),
    #[error("payout rail {rail}: {field} is missing: {hint}")]
    Missing {
        rail: RailKind,
        field: &'static str,
        hint: &'static str,
    },
    #[error("payout rail {rail}: {field}: {reason}")]
    Invalid {
        rail: RailKind,
        field: &'static str,
        reason: String,
    },
    #[error("payout rail {rail}: {field} ({path}): {source}")]
    Read {
        rail: RailKind,
        field: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "payout rail {rail}: {field} ({path}) holds a private key but is readable or writable by \
         others (mode {mode:04o}); run `chmod 600 {path}`"
    )]
    Exposed {
        rail: RailKind,
        field: &'static str,
        path: PathBuf,
        mode: u32,
    },
    #[error("payout rail {rail}: {field} ({path}): {reason}")]
    BadKey {
        rail: RailKind,
        field: &'static str,
        path: PathBuf,
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_move_forward_only_and_terminal_states_are_final() {
        use PayoutState::*;
        assert_eq!(step(Requested, Submitted), Ok(Step::Advance));
        assert_eq!(step(Submitted, AwaitingConfirmation), Ok(Step::Advance));
        assert_eq!(step(AwaitingConfirmation, Succeeded), Ok(Step::Advance));
        // A query after a crash may find a bill already paid that was never marked submitted.
        assert_eq!(step(Requested, Succeeded), Ok(Step::Advance));
        assert_eq!(step(Submitted, Expired), Ok(Step::Advance));
        // A duplicated callback repeats.
        assert_eq!(step(Succeeded, Succeeded), Ok(Step::Repeat));
        assert_eq!(
            step(Succeeded, Failed),
            Err(TransitionRefused {
                from: Succeeded,
                to: Failed
            })
        );
        // A late, reordered "waiting" after the outcome changes nothing.
        assert!(step(Cancelled, AwaitingConfirmation).is_err());
        assert!(step(AwaitingConfirmation, Submitted).is_err());
    }

    #[test]
    fn only_terminal_states_move_money_and_only_success_pays_out() {
        let settling: Vec<(PayoutState, Option<bool>)> = PayoutState::ALL
            .into_iter()
            .map(|state| (state, state.settles_as_paid()))
            .collect();
        assert_eq!(
            settling,
            vec![
                (PayoutState::Requested, None),
                (PayoutState::Submitted, None),
                (PayoutState::AwaitingConfirmation, None),
                (PayoutState::Succeeded, Some(true)),
                (PayoutState::Failed, Some(false)),
                (PayoutState::Cancelled, Some(false)),
                (PayoutState::Expired, Some(false)),
            ]
        );
        for state in PayoutState::ALL {
            assert_eq!(state.is_terminal(), state.settles_as_paid().is_some());
            assert_eq!(PayoutState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn rails_are_named_as_configured_and_stored() {
        for kind in RailKind::ALL {
            assert_eq!(RailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RailKind::parse("douyin"), None);
        assert!(!RailKind::Manual.has_provider());
        assert!(RailKind::Wechat.has_provider());
    }

    #[test]
    fn evidence_records_the_payloads_hash() {
        let evidence =
            Evidence::of_payload(Source::Query, b"abc", Some("SUCCESS"), Default::default());
        assert_eq!(
            evidence.payload_sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
    }
}
