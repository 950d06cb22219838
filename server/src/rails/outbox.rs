//! The outbox worker: carries each open withdrawal on a provider's rail to its outcome.
//!
//! Provider calls happen here, outside every ledger transaction; only their verified answers
//! are written, each as one transition. The bill number is the withdrawal id, so whatever
//! happened before (a crash after the create was sent, an answer lost, a timeout after the
//! provider made the bill) the next pass asks about the same bill:
//!
//! ```text
//!   requested ── record `submitted` (the intent) ── create ──► the answer's state
//!   submitted ── query ──┬─► the bill's state
//!                        └─ no such bill ── create (same number) ──► the answer's state
//!   awaiting_confirmation ── query (every `requery_after`) ──► the bill's state
//! ```
//!
//! A withdrawal the player asked to cancel (`payout_cancel_requests`) is looked at at once:
//!
//! ```text
//!   requested ── no bill was ever asked for ──► cancelled
//!   submitted ── as above, until the bill waits for the player (it may exist: never cancel blind)
//!   awaiting_confirmation ── cancel ──┬─► the answer's state (CANCELING: nothing yet; CANCELLED)
//!                                     └─ refused (the player confirmed first) ── query ──► state
//! ```
//!
//! The provider's answer decides: a bill the player confirmed before the cancel arrived is paid,
//! and `cancelled` (which returns the money) is recorded only when the provider says so.
//!
//! A definite refusal of the create fails the withdrawal (the money returns); an unknown
//! outcome (no answer, 5xx, rate limited, an answer that does not verify) backs off, doubling
//! per withdrawal, and is resolved by a later query. Calls are spent from a token bucket at
//! most the provider's rate limit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use super::provider::{Bill, CallError, Provider, Report};
use super::{Evidence, PayoutState, RailKind, Source};
use crate::clock::Clock;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::store::{AdvanceWrite, Store, WithdrawalRecord};

/// WeChat Pay allows a merchant 100 calls a second to this API; half leaves room for other
/// instances and for the operator's own tools.
pub const CALLS_PER_S_DEFAULT: f64 = 50.0;
/// How often the worker looks for work, in milliseconds.
pub const POLL_INTERVAL_MS_DEFAULT: u64 = 1_000;
/// A bill waiting for the player is queried this often, in milliseconds, in case its
/// notification is lost (notifications are the fast path; this is the safety net).
pub const REQUERY_AFTER_MS_DEFAULT: u64 = 60_000;
/// First and largest pause after an unknown outcome, in milliseconds.
pub const BACKOFF_MIN_MS: u64 = 500;
pub const BACKOFF_MAX_MS: u64 = 60_000;
/// Withdrawals looked at per pass.
pub const PASS_ROWS_MAX: i64 = 100;

#[derive(Clone, Copy, Debug)]
pub struct OutboxConfig {
    pub calls: RateLimit,
    pub poll_interval_ms: u64,
    pub requery_after_ms: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            calls: RateLimit {
                per_s: CALLS_PER_S_DEFAULT,
                burst: CALLS_PER_S_DEFAULT as u32,
            },
            poll_interval_ms: POLL_INTERVAL_MS_DEFAULT,
            requery_after_ms: REQUERY_AFTER_MS_DEFAULT,
        }
    }
}

/// Starts the outbox of the service's rail, if it has a provider, with the default settings.
pub fn spawn_for(service: &crate::Service) -> Result<(), String> {
    let rail = &service.config().payout_rail;
    let provider: Arc<dyn Provider> = match &rail.credentials {
        super::Credentials::Manual => return Ok(()),
        super::Credentials::Wechat(credentials) => Arc::new(
            super::wechat::WechatProvider::new(
                credentials.clone(),
                Arc::new(crate::clock::SystemClock),
                Duration::from_secs(super::wechat::CALL_TIMEOUT_S),
            )
            .map_err(|error| format!("payout rail wechat: HTTP client: {error}"))?,
        ),
        super::Credentials::Alipay(credentials) => Arc::new(
            super::alipay::AlipayProvider::new(
                credentials.clone(),
                Duration::from_secs(super::wechat::CALL_TIMEOUT_S),
            )
            .map_err(|error| format!("payout rail alipay: HTTP client: {error}"))?,
        ),
    };
    let outbox = Outbox::new(
        service.store().clone(),
        rail.kind,
        provider,
        Arc::new(crate::clock::SystemClock),
        OutboxConfig::default(),
    );
    tokio::spawn(outbox.run());
    Ok(())
}

/// What one pass did, for tests and logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassSummary {
    pub calls: u32,
    pub advanced: u32,
    pub unknown: u32,
    pub rate_limited: bool,
}

/// When a withdrawal is next looked at, and the pause after its next unknown outcome.
#[derive(Clone, Copy, Debug)]
struct Schedule {
    due_ms: u64,
    backoff_ms: u64,
}

pub struct Outbox {
    store: Store,
    rail: RailKind,
    provider: Arc<dyn Provider>,
    clock: Arc<dyn Clock>,
    config: OutboxConfig,
    calls: RateLimiter,
    schedule: HashMap<String, Schedule>,
    /// Withdrawals whose cancel this process already sent; after a restart it is sent again
    /// (cancelling is idempotent at the provider).
    cancel_sent: HashSet<String>,
}

impl Outbox {
    pub fn new(
        store: Store,
        rail: RailKind,
        provider: Arc<dyn Provider>,
        clock: Arc<dyn Clock>,
        config: OutboxConfig,
    ) -> Outbox {
        Outbox {
            calls: RateLimiter::new(config.calls),
            store,
            rail,
            provider,
            clock,
            config,
            schedule: HashMap::new(),
            cancel_sent: HashSet::new(),
        }
    }

    /// Runs passes forever, `poll_interval_ms` apart.
    pub async fn run(mut self) {
        loop {
            if let Err(error) = self.pass().await {
                tracing::warn!(rail = %self.rail, %error, "payout outbox pass failed");
            }
            tokio::time::sleep(Duration::from_millis(self.config.poll_interval_ms)).await;
        }
    }

    /// One pass over the open withdrawals that are due.
    pub async fn pass(&mut self) -> Result<PassSummary, crate::store::StoreError> {
        let open = self
            .store
            .open_withdrawals(self.rail, PASS_ROWS_MAX)
            .await?;
        self.schedule
            .retain(|id, _| open.iter().any(|record| &record.id == id));
        self.cancel_sent
            .retain(|id| open.iter().any(|record| &record.id == id));
        let mut summary = PassSummary::default();
        for record in open {
            let now_ms = self.clock.now_ms();
            let cancel = self.store.cancel_requested(&record.id).await?;
            // A new cancel request does not wait for the next scheduled query.
            let cancel_pending = cancel && !self.cancel_sent.contains(&record.id);
            if !cancel_pending
                && self
                    .schedule
                    .get(&record.id)
                    .is_some_and(|schedule| schedule.due_ms > now_ms)
            {
                continue;
            }
            if self.calls.take(self.rail.as_str(), now_ms).is_err() {
                summary.rate_limited = true;
                break;
            }
            summary.calls += 1;
            match self.advance(&record, cancel).await {
                Ok(true) => summary.advanced += 1,
                Ok(false) => {}
                Err(error) => {
                    summary.unknown += 1;
                    tracing::warn!(withdrawal = %record.id, rail = %self.rail, %error,
                        "payout outcome unknown; will query");
                    self.back_off(&record.id);
                }
            }
        }
        Ok(summary)
    }

    /// One withdrawal's step; `Ok(true)` when a transition was recorded.
    async fn advance(
        &mut self,
        record: &WithdrawalRecord,
        cancel: bool,
    ) -> Result<bool, CallError> {
        let bill = Bill {
            withdrawal_id: record.id.clone(),
            player_id: record.player_id.clone(),
            amount_fen: record.amount_fen,
        };
        let state = PayoutState::parse(&record.state)
            .ok_or_else(|| CallError::Unverified(format!("stored state {:?}", record.state)))?;
        let answer = match state {
            PayoutState::Requested if cancel => {
                // `submitted` is recorded before any create is sent: no bill exists.
                let mut fields = serde_json::Map::new();
                fields.insert("cancelled".into(), "before the bill was created".into());
                let evidence = Evidence {
                    fields,
                    ..Evidence::bare(Source::Cancel)
                };
                return self.record(&bill, PayoutState::Cancelled, evidence).await;
            }
            PayoutState::AwaitingConfirmation if cancel => {
                self.cancel_sent.insert(bill.withdrawal_id.clone());
                match self.provider.cancel(&bill).await {
                    // Confirmed (or finished) before the cancel arrived: the bill's state decides.
                    Err(CallError::Refused(_)) => self.provider.query(&bill, true).await,
                    other => other,
                }
            }
            PayoutState::Requested => {
                // The intent first: after a crash from here on, the bill is queried before any
                // create is sent again.
                self.record(
                    &bill,
                    PayoutState::Submitted,
                    Evidence::bare(Source::Create),
                )
                .await?;
                self.provider.create(&bill).await
            }
            PayoutState::Submitted => match self.provider.query(&bill, cancel).await {
                Err(CallError::NotFound) => self.provider.create(&bill).await,
                other => other,
            },
            _ => self.provider.query(&bill, cancel).await,
        };
        let report = match answer {
            Ok(report) => report,
            Err(CallError::Refused(reason)) if state != PayoutState::AwaitingConfirmation => {
                let mut fields = serde_json::Map::new();
                fields.insert("refused".into(), reason.into());
                Report {
                    to: Some(PayoutState::Failed),
                    evidence: Evidence {
                        source: Source::Create,
                        provider_state: None,
                        payload_sha256: None,
                        fields,
                    },
                }
            }
            Err(error) => return Err(error),
        };
        self.settle_schedule(&bill.withdrawal_id);
        match report.to {
            Some(to) if to != state => self.record(&bill, to, report.evidence).await,
            _ => Ok(false),
        }
    }

    async fn record(
        &self,
        bill: &Bill,
        to: PayoutState,
        evidence: Evidence,
    ) -> Result<bool, CallError> {
        let write = AdvanceWrite {
            withdrawal_id: bill.withdrawal_id.clone(),
            to,
            evidence,
            now_ms: self.clock.now_ms() as i64,
        };
        match self.store.advance_withdrawal(write).await {
            Ok(record) => Ok(record.created),
            Err(error) => Err(CallError::Transient(format!("recording {to}: {error}"))),
        }
    }

    fn back_off(&mut self, withdrawal_id: &str) {
        let now_ms = self.clock.now_ms();
        let schedule = self
            .schedule
            .entry(withdrawal_id.to_string())
            .or_insert(Schedule {
                due_ms: now_ms,
                backoff_ms: BACKOFF_MIN_MS,
            });
        schedule.due_ms = now_ms + schedule.backoff_ms;
        schedule.backoff_ms = (schedule.backoff_ms * 2).min(BACKOFF_MAX_MS);
    }

    /// After a verified answer: look again after `requery_after_ms`, with the backoff reset.
    fn settle_schedule(&mut self, withdrawal_id: &str) {
        self.schedule.insert(
            withdrawal_id.to_string(),
            Schedule {
                due_ms: self.clock.now_ms() + self.config.requery_after_ms,
                backoff_ms: BACKOFF_MIN_MS,
            },
        );
    }
}
