//! The embeddable core: every operation of the service as an async method, independent of HTTP.
//! Another backend can hold a [`Service`] and call it directly; [`crate::http`] is one front end.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::auth::{AuthError, Authenticator, TokenSigner};
use crate::check::{ProofCheck, Rejection, TicketRequest};
use crate::clock::{earning_day, Clock};
use crate::metrics::{Metrics, ProofResult};
use crate::payout::PayoutBook;
use crate::pseudonym::Pseudonyms;
use crate::rails::RailConfig;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::risk::{Decision, RiskPolicy};
use crate::store::{
    FundWrite, HoldRecord, HoldReviewWrite, LedgerRejection, LedgerRules, LinkKind, LinkWrite,
    PlatformRankWrite, RiskCheck, SettleWrite, Store, StoreError, TicketWrite, VerdictRecord,
    VerdictWrite, WithdrawWrite, WithdrawalRecord, WithdrawalReviewWrite, WriteError,
};

/// Largest proof body, in bytes: the proof format's own bound.
pub const PROOF_BODY_BYTES_MAX: usize = playproof_proof::PROOF_BYTES_MAX;
/// Largest JSON request body, in bytes: every JSON request is a few short fields.
pub const JSON_BODY_BYTES_MAX: usize = 4 * 1024;
/// Deepest leaderboard rank whose game can be watched: the top of the board is what players
/// look at, and a bound keeps one request from scanning the whole board.
pub const LEADERBOARD_RUN_RANK_MAX: u32 = 100;

/// Default and largest page of history and leaderboard rows.
pub const PAGE_ROWS_DEFAULT: i64 = 20;
pub const PAGE_ROWS_MAX: i64 = crate::store::PAGE_ROWS_MAX;
/// Longest idempotency key, in bytes.
pub const IDEMPOTENCY_KEY_BYTES_MAX: usize = 64;
/// Session public key size, in bytes (Ed25519).
pub const SESSION_PUBLIC_KEY_BYTES: usize = playproof_proof::PUBLIC_KEY_BYTES;
/// Proofs being replayed at once; more wait. Replay is CPU-bound, so a little over the core count.
pub const REPLAYS_IN_FLIGHT_MAX: usize = 64;

/// Per-player rate limit default: a player finishes a game every few seconds at most; a burst
/// covers a client flushing queued proofs after a reconnect.
pub const PLAYER_RATE_DEFAULT: RateLimit = RateLimit {
    per_s: 5.0,
    burst: 30,
};
/// Per-address rate limit default: many players may share one carrier-grade NAT address.
pub const ADDRESS_RATE_DEFAULT: RateLimit = RateLimit {
    per_s: 200.0,
    burst: 400,
};
/// Default daily earning cap per player, in fen (20 CNY).
pub const DAILY_CAP_FEN_DEFAULT: i64 = 2_000;
/// Default smallest withdrawal, in fen: the payout providers' own minimum, 0.1 CNY.
pub const WITHDRAWAL_MIN_FEN_DEFAULT: i64 = crate::rails::limits::PROVIDER_MIN_FEN;
/// Default earning-day offset: China Standard Time, UTC+8.
pub const UTC_OFFSET_MINUTES_DEFAULT: i32 = 8 * 60;

#[derive(Clone, Debug)]
pub struct ServiceConfig {
    pub rules: LedgerRules,
    /// The earning day (daily cap) starts at local midnight this many minutes east of UTC.
    pub utc_offset_minutes: i32,
    pub player_rate: RateLimit,
    pub address_rate: RateLimit,
    /// Accept `X-PlayProof-Dev-Player` as identity (local development only).
    pub dev_identity_header: bool,
    /// Who may use the operator endpoints, each by a bearer token; empty disables them.
    pub operators: crate::operator::roster::Roster,
    /// Secret of the login tokens; instances that share it accept each other's tokens.
    pub token_secret: [u8; 32],
    /// How withdrawals are paid, and their limits (the minimum is `rules.withdrawal_min_fen`).
    pub payout_rail: RailConfig,
    /// How verified games are judged for risk, and whether a player holds one open ticket.
    /// [`RiskPolicy::pay_all`] until one is loaded (`serve` loads `assets/risk/policy.json`).
    pub risk: Arc<RiskPolicy>,
    /// The operator's responsible-play policy: break reminders and quiet hours.
    pub play_policy: crate::play_policy::PlayPolicy,
}

impl ServiceConfig {
    pub fn new(token_secret: [u8; 32]) -> Self {
        ServiceConfig {
            rules: LedgerRules {
                daily_cap_fen: DAILY_CAP_FEN_DEFAULT,
                withdrawal_min_fen: WITHDRAWAL_MIN_FEN_DEFAULT,
            },
            utc_offset_minutes: UTC_OFFSET_MINUTES_DEFAULT,
            player_rate: PLAYER_RATE_DEFAULT,
            address_rate: ADDRESS_RATE_DEFAULT,
            dev_identity_header: false,
            operators: crate::operator::roster::Roster::default(),
            token_secret,
            payout_rail: RailConfig::manual(),
            risk: Arc::new(RiskPolicy::pay_all()),
            play_policy: Default::default(),
        }
    }
}

/// A refusal: HTTP status, stable reason code, readable message and optional details.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub retry_after_ms: Option<u64>,
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after_ms: None,
            details: None,
        }
    }

    /// A refusal with a service code; its status comes from [`crate::reasons::SERVICE`].
    pub fn coded(code: &'static str, message: impl Into<String>) -> Self {
        let status = crate::reasons::service_status(code);
        debug_assert!(status.is_some(), "{code} is not in reasons::SERVICE");
        ApiError::new(status.unwrap_or(500), code, message)
    }

    /// A proof refused by the verifier; its status follows from the reason's stage.
    pub fn verification(rejection: Rejection) -> Self {
        ApiError::new(
            crate::reasons::verification_status(rejection.reason),
            rejection.reason.code(),
            rejection.message,
        )
    }

    /// A bug. The detail goes to the server's log, never to the client.
    pub(crate) fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal");
        ApiError::coded("internal", "internal error; nothing was acknowledged")
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // Database errors name tables, constraints and hosts: the client gets the code only.
        tracing::error!(%error, "storage");
        match error {
            StoreError::WriteTimedOut { .. } | StoreError::ReadTimedOut { .. } => ApiError::coded(
                "storage_timeout",
                "the database did not answer in time; the outcome is unknown and a retry is safe",
            ),
            _ => ApiError::coded(
                "storage_unavailable",
                "the database is unavailable; nothing was acknowledged",
            ),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let status = match error {
            AuthError::InvalidCredential { .. } | AuthError::BadToken(_) => 401,
            AuthError::ProviderRateLimited(_) => 429,
            AuthError::Upstream(_) => 502,
            AuthError::UnknownProvider(_) => 404,
            AuthError::HighRiskUser => 403,
        };
        ApiError::new(status, error.code(), error.to_string())
    }
}

impl From<LedgerRejection> for ApiError {
    fn from(rejection: LedgerRejection) -> Self {
        let code = match &rejection {
            LedgerRejection::InsufficientBalance { .. } => "insufficient_balance",
            LedgerRejection::BelowWithdrawalMin { .. } => "below_withdrawal_minimum",
            LedgerRejection::IdempotencyKeyReused { .. } => "idempotency_key_reused",
            LedgerRejection::WithdrawalNotFound(_) => "withdrawal_not_found",
            LedgerRejection::WithdrawalSettled { .. } => "withdrawal_already_settled",
            LedgerRejection::NonPositiveAmount(_) => "invalid_amount",
            LedgerRejection::Limit(limit) => limit.code(),
            LedgerRejection::WrongRail { .. } => "withdrawal_on_provider_rail",
            // Only provider reports are refused this way; the outcome was decided before.
            LedgerRejection::TransitionRefused { .. } => "withdrawal_already_settled",
            LedgerRejection::HoldNotFound(_) => "hold_not_found",
            LedgerRejection::HoldReviewed { .. } => "hold_already_reviewed",
            LedgerRejection::WithdrawalReviewNotFound(_) => "withdrawal_review_not_found",
            LedgerRejection::WithdrawalReviewDecided { .. } => "withdrawal_review_decided",
        };
        ApiError::coded(code, rejection.to_string())
    }
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Rejected(rejection) => rejection.into(),
            WriteError::Store(error) => error.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoginResponse {
    pub token: String,
    pub player_id: String,
    pub expires_at_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketResponse {
    pub session_id: String,
    /// The signed ticket, hex-encoded; the client embeds it in its proof unchanged.
    pub ticket_hex: String,
    pub level_id: String,
    /// Decimal string: JSON numbers lose precision past 2^53.
    pub seed: String,
    pub expires_at_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProofReceipt {
    pub verdict: String,
    pub session_id: String,
    pub level_id: String,
    pub score: i64,
    pub stars: i64,
    /// What reached the player's balance (0 when held or refused).
    pub payout_fen: i64,
    pub boost_fen: i64,
    /// The daily cap or the campaign budget paid less than the table says.
    pub capped: bool,
    pub balance_fen: i64,
    /// `paid`, `held` (waiting for review, in `held_fen`) or `refused` (nothing paid).
    pub payment: &'static str,
    pub held_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceResponse {
    pub player_id: String,
    pub balance_fen: i64,
    pub pending_withdrawal_fen: i64,
    pub earned_today_fen: i64,
    pub daily_cap_fen: i64,
    pub withdrawal_min_fen: i64,
    /// Seconds played today, from the ticket records (0 where tickets are not recorded).
    pub played_today_s: i64,
    /// The operator's daily play limit in minutes, if any.
    pub daily_play_minutes: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TransferItem {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub amount_fen: i64,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryResponse {
    pub transfers: Vec<TransferItem>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderboardEntry {
    pub rank: u32,
    /// The player's public pseudonym (see [`crate::pseudonym`]); never a platform id.
    pub name: String,
    pub score: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderboardResponse {
    pub level_id: String,
    pub entries: Vec<LeaderboardEntry>,
    /// The asking player's own place, present when the request carried the player's
    /// credentials and the player has a ranked game on the level (wherever it ranks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub you: Option<LeaderboardEntry>,
}

/// A leaderboard entry's game, for a ghost replay: with the level file whose SHA-256 is
/// `level_hash`, `seed` and the input log replay it exactly (the core is deterministic), so any
/// client can watch it with its own core and renderer and end on `score`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderboardRun {
    pub level_id: String,
    pub rank: u32,
    /// The player's public pseudonym, as on the board.
    pub name: String,
    pub score: i64,
    pub level_hash: String,
    /// Decimal: a u64 does not fit a JavaScript number.
    pub seed: String,
    pub rules_version: u16,
    /// The canonical input log codec (`docs/FORMATS.md`), hex.
    pub input_log_hex: String,
    /// The game's last tick, verified.
    pub ticks: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WithdrawalResponse {
    pub withdrawal_id: String,
    pub player_id: String,
    pub amount_fen: i64,
    pub status: String,
    pub requested_at_ms: i64,
    /// The rail that pays it: `manual`, `wechat` or `alipay`.
    pub rail: String,
    /// Its payout state: `requested`, `submitted`, `awaiting_confirmation`, `succeeded`,
    /// `failed`, `cancelled` or `expired`.
    pub state: String,
    /// While a WeChat bill waits for the player: what the client passes to
    /// `wx.requestMerchantTransfer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
}

/// Open withdrawals listed at most: a player has one or two in flight; the daily maximum
/// bounds them anyway.
pub const OPEN_WITHDRAWALS_MAX: i64 = 20;

/// `GET /v1/withdrawals`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenWithdrawalsResponse {
    pub withdrawals: Vec<WithdrawalResponse>,
}

/// The arguments of `wx.requestMerchantTransfer({mchId, appId, package})`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Confirmation {
    pub mch_id: String,
    pub app_id: String,
    pub package: String,
}

impl From<WithdrawalRecord> for WithdrawalResponse {
    fn from(record: WithdrawalRecord) -> Self {
        WithdrawalResponse {
            withdrawal_id: record.id,
            player_id: record.player_id,
            amount_fen: record.amount_fen,
            status: record.status,
            requested_at_ms: record.requested_at_ms,
            rail: record.rail,
            state: record.state,
            confirmation: None,
        }
    }
}

pub struct Service {
    store: Store,
    check: Arc<dyn ProofCheck>,
    payouts: Arc<PayoutBook>,
    config: ServiceConfig,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    authenticators: BTreeMap<&'static str, Arc<dyn Authenticator>>,
    tokens: TokenSigner,
    pseudonyms: Pseudonyms,
    player_limiter: RateLimiter,
    address_limiter: RateLimiter,
    replays: tokio::sync::Semaphore,
}

impl Service {
    pub fn new(
        store: Store,
        check: Arc<dyn ProofCheck>,
        payouts: Arc<PayoutBook>,
        config: ServiceConfig,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
        authenticators: Vec<Arc<dyn Authenticator>>,
    ) -> Self {
        Service {
            tokens: TokenSigner::new(config.token_secret),
            pseudonyms: Pseudonyms::new(&config.token_secret),
            player_limiter: RateLimiter::new(config.player_rate),
            address_limiter: RateLimiter::new(config.address_rate),
            authenticators: authenticators
                .into_iter()
                .map(|authenticator| (authenticator.provider(), authenticator))
                .collect(),
            replays: tokio::sync::Semaphore::new(REPLAYS_IN_FLIGHT_MAX),
            store,
            check,
            payouts,
            config,
            clock,
            metrics,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    pub fn payouts(&self) -> &PayoutBook {
        &self.payouts
    }

    fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// When the earning day holding `now_ms` began, for the daily withdrawal maximum.
    fn earning_day_start_ms(&self, now_ms: u64) -> i64 {
        let day = earning_day(now_ms, self.config.utc_offset_minutes);
        day * crate::clock::DAY_MS as i64 - i64::from(self.config.utc_offset_minutes) * 60_000
    }

    /// The service's clock, for its parts in other files.
    pub(crate) fn clock_now_ms(&self) -> u64 {
        self.now_ms()
    }

    /// Funds each campaign listed in the payout book with its initial budget, once ever.
    pub async fn fund_initial_campaigns(&self) -> Result<(), ApiError> {
        let campaigns: Vec<_> = self.payouts.campaigns().cloned().collect();
        for campaign in campaigns {
            if campaign.initial_budget_fen > 0 {
                let funded = self
                    .store
                    .fund_campaign(FundWrite {
                        campaign_id: campaign.id.clone(),
                        key: "initial".into(),
                        amount_fen: campaign.initial_budget_fen,
                        now_ms: self.now_ms() as i64,
                        operator: crate::operator::roster::PAYOUT_BOOK.into(),
                    })
                    .await;
                match funded {
                    // The budget in the file changed after the first start: the first funding
                    // stands; more money goes in through the operator endpoint.
                    Err(WriteError::Rejected(
                        rejection @ LedgerRejection::IdempotencyKeyReused { .. },
                    )) => {
                        tracing::warn!(campaign = %campaign.id, %rejection,
                            "initial campaign budget differs from the one funded first; kept the first");
                    }
                    funded => {
                        funded?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Counts a request from `address`; `Err` (429) when over the per-address limit.
    pub fn limit_address(&self, address: &str) -> Result<(), ApiError> {
        limit(
            &self.address_limiter,
            address,
            self.now_ms(),
            &self.metrics,
            "address",
        )
    }

    fn limit_player(&self, player_id: &str) -> Result<(), ApiError> {
        limit(
            &self.player_limiter,
            player_id,
            self.now_ms(),
            &self.metrics,
            "player",
        )
    }

    pub async fn login(&self, provider: &str, credential: &str) -> Result<LoginResponse, ApiError> {
        self.login_from(provider, credential, None).await
    }

    /// [`Service::login`] from `client_ip`: the platform is asked for the player's risk rank.
    pub async fn login_from(
        &self,
        provider: &str,
        credential: &str,
        client_ip: Option<&str>,
    ) -> Result<LoginResponse, ApiError> {
        let authenticator = self
            .authenticators
            .get(provider)
            .ok_or_else(|| AuthError::UnknownProvider(provider.to_string()))?;
        let crate::auth::Login {
            player_id,
            union_id,
        } = authenticator.login(credential).await?;
        if let Some(union_id) = union_id {
            self.link(&player_id, LinkKind::UnionId, union_id).await?;
        }
        if let Some(client_ip) = client_ip {
            self.ask_platform(authenticator.as_ref(), &player_id, client_ip)
                .await?;
        }
        let (token, expires_at_ms) = self.tokens.issue(&player_id, self.now_ms());
        Ok(LoginResponse {
            token,
            player_id,
            expires_at_ms,
        })
    }

    /// The calling player from a bearer token (or the dev header when enabled), after the
    /// per-player rate limit.
    pub fn authenticate(
        &self,
        bearer: Option<&str>,
        dev_player: Option<&str>,
    ) -> Result<String, ApiError> {
        let player_id = match (bearer, dev_player) {
            (Some(token), _) => self.tokens.verify(token, self.now_ms())?,
            (None, Some(name)) if self.config.dev_identity_header => {
                crate::auth::check_dev_player(name)?
            }
            _ => return Err(AuthError::BadToken("no Authorization: Bearer token").into()),
        };
        self.limit_player(&player_id)?;
        Ok(player_id)
    }

    /// The operator holding the bearer token: their name, for the record of what they decide.
    pub fn authenticate_operator(&self, bearer: Option<&str>) -> Result<String, ApiError> {
        if self.config.operators.is_empty() {
            return Err(ApiError::coded(
                "operator_disabled",
                "no operator token is configured",
            ));
        }
        bearer
            .and_then(|token| self.config.operators.identify(token))
            .map(str::to_string)
            .ok_or_else(|| ApiError::coded("unauthenticated", "operator token required"))
    }

    pub async fn issue_ticket(
        &self,
        player_id: &str,
        level_id: &str,
        session_public_key_hex: &str,
        address: Option<&str>,
    ) -> Result<TicketResponse, ApiError> {
        self.check_quiet_hours()?;
        self.check_daily_play(player_id).await?;
        if !self.check.has_level(level_id) {
            return Err(ApiError::coded(
                "unknown_level",
                format!("no level {level_id:?}"),
            ));
        }
        // The one spelling FORMATS.md gives: lowercase hex, so one key has one text.
        let session_public_key = crate::hex::decode_lowercase(session_public_key_hex)
            .filter(|bytes| bytes.len() == SESSION_PUBLIC_KEY_BYTES)
            .ok_or_else(|| {
                ApiError::coded(
                    "invalid_session_key",
                    format!(
                        "session_public_key must be {} lowercase hex digits",
                        2 * SESSION_PUBLIC_KEY_BYTES
                    ),
                )
            })?;
        let request = TicketRequest {
            player_id: player_id.to_string(),
            level_id: level_id.to_string(),
            session_public_key,
        };
        let now_ms = self.now_ms();
        let issued = self
            .check
            .issue(&request, now_ms)
            .map_err(|rejection| ApiError::coded(rejection.code, rejection.message))?;
        if self.config.risk.tickets.one_open_per_player {
            // Written before the ticket is handed out: an unrecorded ticket is never playable
            // beside another.
            self.store
                .open_ticket(TicketWrite {
                    session_id: issued.session_id.clone(),
                    player_id: player_id.to_string(),
                    level_id: level_id.to_string(),
                    earning_day: earning_day(now_ms, self.config.utc_offset_minutes),
                    now_ms: now_ms as i64,
                    address: address.map(str::to_string),
                })
                .await?;
        }
        self.metrics.record_ticket();
        Ok(TicketResponse {
            session_id: issued.session_id,
            ticket_hex: crate::hex::encode(&issued.ticket),
            level_id: level_id.to_string(),
            seed: issued.seed.to_string(),
            expires_at_ms: issued.expires_at_ms,
        })
    }

    /// Verifies a proof and, once per session, records the verdict and pays for it.
    pub async fn submit_proof(
        &self,
        player_id: &str,
        proof: Vec<u8>,
        address: Option<&str>,
    ) -> Result<ProofReceipt, ApiError> {
        let started = Instant::now();
        let result = self.submit_proof_timed(player_id, proof, address).await;
        let outcome = match &result {
            Ok(receipt) => ProofResult::Accepted {
                paid_fen: receipt.payout_fen + receipt.boost_fen,
            },
            Err(error) if error.code == "session_already_consumed" => ProofResult::Duplicate,
            Err(error) if error.status == 422 => ProofResult::Rejected,
            Err(_) => ProofResult::Unusable,
        };
        self.metrics.record_proof(outcome, started.elapsed());
        result
    }

    async fn submit_proof_timed(
        &self,
        player_id: &str,
        proof: Vec<u8>,
        address: Option<&str>,
    ) -> Result<ProofReceipt, ApiError> {
        if proof.len() > PROOF_BODY_BYTES_MAX {
            return Err(ApiError::coded(
                "body_too_large",
                format!(
                    "the proof is {} bytes; at most {PROOF_BODY_BYTES_MAX}",
                    proof.len()
                ),
            ));
        }
        let now_ms = self.now_ms();
        // Stage one: format and signatures. Bytes that tie to no issued session record nothing.
        let permit = self.replays.acquire().await.map_err(ApiError::internal)?;
        let check = Arc::clone(&self.check);
        // The bytes come back to be kept with an accepted verdict (the operator's replay).
        let (authentic, proof) =
            tokio::task::spawn_blocking(move || (check.authenticate(&proof), proof))
                .await
                .map_err(ApiError::internal)?;
        let authentic = authentic.map_err(ApiError::verification)?;
        drop(permit);
        let session = authentic.session.clone();
        if session.player_id != player_id {
            return Err(ApiError::coded(
                "player_mismatch",
                "the proof's ticket was issued to another player",
            ));
        }
        // Between the stages: a session decided before is answered with its first verdict,
        // without replaying. (The ledger's primary key still decides a race between the two.)
        if let Some(first) = self.store.decided(&session.session_id).await? {
            return receipt(first);
        }
        // Stage two: expiry, level, replay, claims, plausibility.
        let permit = self.replays.acquire().await.map_err(ApiError::internal)?;
        let check = Arc::clone(&self.check);
        let policy = Arc::clone(&self.config.risk);
        let gate = self.play_quality_gate(&authentic).await?;
        let judged = tokio::task::spawn_blocking(move || {
            // Cheap quality (merge-drop) is measured with the first replay; costly quality
            // (match-3's bots) only where it can move the money, with a second one.
            let cheap = gate
                .as_ref()
                .is_some_and(|(.., kinds)| crate::risk::signals::play_quality_is_cheap(kinds));
            let judged = check.judge(&authentic, now_ms, cheap)?;
            let mut signals = crate::risk::signals::of_play(&judged.play);
            if !cheap
                && gate.is_some_and(|(policy, player, kinds)| {
                    let known = [signals.as_slice(), player.as_slice()].concat();
                    policy.play_quality_decides(&known, kinds)
                })
            {
                let measured = check.judge(&authentic, now_ms, true)?;
                signals = crate::risk::signals::of_play(&measured.play);
            }
            Ok((judged.scored, signals))
        })
        .await
        .map_err(ApiError::internal)?;
        drop(permit);
        let (verdict, risk) = match judged {
            // A policy that changes nothing writes nothing: no risk verdict, no counters.
            Ok((scored, _)) if policy.is_off() => (Ok(scored), None),
            Ok((scored, play_signals)) => (
                Ok(scored),
                Some(RiskCheck {
                    play_signals,
                    policy,
                }),
            ),
            Err(rejection) => (Err(rejection), None),
        };
        let owed = match &verdict {
            Ok(scored) => self.payouts.owed(
                &session.level_id,
                crate::payout::Finish {
                    score: scored.score,
                    stars: scored.stars,
                    passed: scored.passed,
                },
            ),
            Err(_) => crate::payout::Owed {
                base_fen: 0,
                boost: None,
            },
        };
        let record = self
            .store
            .record_verdict(VerdictWrite {
                session,
                verdict,
                owed,
                earning_day: earning_day(now_ms, self.config.utc_offset_minutes),
                now_ms: now_ms as i64,
                risk,
                address: address.map(str::to_string),
                proof: Some(proof),
            })
            .await?;
        receipt(record)
    }

    pub async fn balance(&self, player_id: &str) -> Result<BalanceResponse, ApiError> {
        let day = earning_day(self.now_ms(), self.config.utc_offset_minutes);
        let balance = self.store.balance(player_id, day).await?;
        Ok(BalanceResponse {
            player_id: player_id.to_string(),
            balance_fen: balance.balance_fen,
            pending_withdrawal_fen: balance.pending_withdrawal_fen,
            earned_today_fen: balance.earned_today_fen,
            daily_cap_fen: self.config.rules.daily_cap_fen,
            withdrawal_min_fen: self.config.rules.withdrawal_min_fen,
            played_today_s: self.played_today_ms(player_id).await? / 1000,
            daily_play_minutes: self.config.play_policy.daily_play_minutes,
        })
    }

    pub async fn history(
        &self,
        player_id: &str,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> Result<HistoryResponse, ApiError> {
        let limit = check_limit(limit)?;
        let rows = self.store.history(player_id, before, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|row| row.seq))
            .flatten();
        Ok(HistoryResponse {
            transfers: rows
                .into_iter()
                .map(|row| TransferItem {
                    seq: row.seq,
                    id: row.id,
                    kind: row.kind,
                    from: row.debit_account,
                    to: row.credit_account,
                    amount_fen: row.amount_fen,
                    created_at_ms: row.created_at_ms,
                })
                .collect(),
            next_before,
        })
    }

    /// A level's top ranked scores by pseudonym; with `viewer` (an authenticated player), that
    /// player's own rank too.
    pub async fn leaderboard(
        &self,
        level_id: &str,
        limit: Option<i64>,
        viewer: Option<&str>,
    ) -> Result<LeaderboardResponse, ApiError> {
        if !self.check.has_level(level_id) {
            return Err(ApiError::coded(
                "unknown_level",
                format!("no level {level_id:?}"),
            ));
        }
        let rows = self
            .store
            .leaderboard(level_id, check_limit(limit)?)
            .await?;
        let you = match viewer {
            Some(player_id) => {
                self.store
                    .leaderboard_rank(level_id, player_id)
                    .await?
                    .map(|(rank, score)| LeaderboardEntry {
                        rank: u32::try_from(rank).unwrap_or(u32::MAX),
                        name: self.pseudonyms.name(player_id),
                        score,
                    })
            }
            None => None,
        };
        Ok(LeaderboardResponse {
            level_id: level_id.to_string(),
            entries: rows
                .into_iter()
                .enumerate()
                .map(|(index, row)| LeaderboardEntry {
                    rank: index as u32 + 1,
                    name: self.pseudonyms.name(&row.player_id),
                    score: row.score,
                })
                .collect(),
            you,
        })
    }

    /// The game behind a level's leaderboard entry at `rank` (1 is the top), for a ghost
    /// replay. Only the top of the board is watchable ([`LEADERBOARD_RUN_RANK_MAX`]).
    pub async fn leaderboard_run(
        &self,
        level_id: &str,
        rank: u32,
    ) -> Result<LeaderboardRun, ApiError> {
        if !self.check.has_level(level_id) {
            return Err(ApiError::coded(
                "unknown_level",
                format!("no level {level_id:?}"),
            ));
        }
        if !(1..=LEADERBOARD_RUN_RANK_MAX).contains(&rank) {
            return Err(ApiError::coded(
                "invalid_field",
                format!("rank {rank} is not in 1..={LEADERBOARD_RUN_RANK_MAX}"),
            ));
        }
        let rows = self.store.leaderboard(level_id, i64::from(rank)).await?;
        let Some(row) = rows.into_iter().nth(rank as usize - 1) else {
            return Err(ApiError::coded(
                "leaderboard_rank_not_found",
                format!("the board of {level_id} has no rank {rank}"),
            ));
        };
        let proof = self
            .store
            .ranked_proof(level_id, &row.player_id, row.score)
            .await?
            .ok_or_else(|| {
                ApiError::coded(
                    "run_not_kept",
                    format!("rank {rank} of {level_id} was played before games were kept"),
                )
            })?;
        let proof = playproof_proof::decode_proof(&proof).map_err(ApiError::internal)?;
        let mut log = Vec::new();
        game_core::kernel::input::encode_input_log(&proof.inputs, &mut log);
        let ticket = &proof.ticket.body;
        Ok(LeaderboardRun {
            level_id: level_id.to_string(),
            rank,
            name: self.pseudonyms.name(&row.player_id),
            score: row.score,
            level_hash: crate::hex::encode(&ticket.level_hash),
            seed: ticket.seed.to_string(),
            rules_version: ticket.rules_version,
            input_log_hex: crate::hex::encode(&log),
            ticks: proof.final_tick,
        })
    }

    /// What deciding whether to measure a game's play quality takes: the policy, the player's
    /// signals as the ledger has them now, and the quality signals of the game's mode. `None`
    /// when no quality signal of that mode counts.
    async fn play_quality_gate(
        &self,
        authentic: &crate::check::AuthenticProof,
    ) -> Result<
        Option<(
            Arc<RiskPolicy>,
            Vec<crate::risk::Signal>,
            &'static [crate::risk::SignalKind],
        )>,
        ApiError,
    > {
        let policy = &self.config.risk;
        let kinds = crate::risk::signals::play_quality_kinds(&authentic.proof.inputs);
        if policy.is_off() || !kinds.iter().any(|kind| policy.weighs(*kind)) {
            return Ok(None);
        }
        let facts = self
            .store
            .player_facts(&authentic.session.player_id, self.now_ms() as i64, policy)
            .await?;
        let player = crate::risk::signals::of_player(&facts);
        Ok(Some((Arc::clone(policy), player, kinds)))
    }

    /// Asks the player's platform for its risk rank and stores it; a rank the policy weighs
    /// at or over its flag threshold flags the player (withdrawals wait for review). The
    /// platform's word is advice: when it cannot be had, play goes on (the failure is logged).
    async fn ask_platform(
        &self,
        authenticator: &dyn crate::auth::Authenticator,
        player_id: &str,
        client_ip: &str,
    ) -> Result<(), ApiError> {
        let Ok(Some(rank)) = authenticator.risk_rank(player_id, client_ip).await else {
            return Ok(());
        };
        let facts = crate::risk::PlayerFacts {
            platform_risk_rank: rank,
            ..Default::default()
        };
        let flag = self
            .config
            .risk
            .assess(crate::risk::signals::of_player(&facts))
            .decision
            .flags_player();
        self.store
            .platform_rank(PlatformRankWrite {
                player_id: player_id.to_string(),
                rank,
                flag,
                now_ms: self.now_ms() as i64,
            })
            .await?;
        Ok(())
    }

    /// Links `player_id` to the payee's real name given with a withdrawal, kept as a digest
    /// only: accounts paying out to one person are one cluster (`docs/RISK.md`).
    pub async fn link_payee_name(&self, player_id: &str, payee_name: &str) -> Result<(), ApiError> {
        let digest = crate::risk::links::payee_name_digest(payee_name).map_err(|problem| {
            ApiError::coded("invalid_field", format!("payee_name: {problem}"))
        })?;
        self.link(player_id, LinkKind::PayeeName, digest).await
    }

    /// Records a link for the risk check's account clusters; nothing while the policy is off.
    async fn link(&self, player_id: &str, kind: LinkKind, value: String) -> Result<(), ApiError> {
        if self.config.risk.is_off() {
            return Ok(());
        }
        let write = LinkWrite {
            player_id: player_id.to_string(),
            kind,
            value,
            now_ms: self.now_ms() as i64,
        };
        self.store.link_account(write).await?;
        Ok(())
    }

    /// [`Service::request_withdrawal`] from `client_ip`: the platform is asked first.
    pub async fn request_withdrawal_from(
        &self,
        player_id: &str,
        amount_fen: i64,
        idempotency_key: &str,
        client_ip: Option<&str>,
    ) -> Result<(WithdrawalResponse, bool), ApiError> {
        check_idempotency_key(idempotency_key)?;
        let platform = self.authenticators.values().find(|authenticator| {
            player_id.starts_with(&format!("{}-", platform_prefix(authenticator.provider())))
        });
        if let (Some(authenticator), Some(client_ip)) = (platform, client_ip) {
            self.ask_platform(authenticator.as_ref(), player_id, client_ip)
                .await?;
        }
        self.request_withdrawal(player_id, amount_fen, idempotency_key)
            .await
    }

    pub async fn request_withdrawal(
        &self,
        player_id: &str,
        amount_fen: i64,
        idempotency_key: &str,
    ) -> Result<(WithdrawalResponse, bool), ApiError> {
        check_idempotency_key(idempotency_key)?;
        let now_ms = self.now_ms();
        let day_start_ms = self.earning_day_start_ms(now_ms);
        let record = self
            .store
            .request_withdrawal(WithdrawWrite {
                player_id: player_id.to_string(),
                idempotency_key: idempotency_key.to_string(),
                amount_fen,
                now_ms: now_ms as i64,
                rail: self.config.payout_rail.kind,
                limits: self.config.payout_rail.limits,
                day_start_ms,
            })
            .await?;
        if record.created {
            self.metrics.record_withdrawal();
        }
        let created = record.created;
        Ok((record.into(), created))
    }

    /// The player cancels their withdrawal (`rails::cancel`); `true` when the cancellation is
    /// settled, `false` while it waits for the provider.
    pub async fn cancel_withdrawal(
        &self,
        player_id: &str,
        withdrawal_id: &str,
    ) -> Result<(WithdrawalResponse, bool), ApiError> {
        let now_ms = self.now_ms() as i64;
        let done =
            crate::rails::cancel::cancel(&self.store, player_id, withdrawal_id, now_ms).await?;
        Ok((done.record.into(), done.settled))
    }

    /// A player's open withdrawals (not yet paid or returned), newest first, each as
    /// [`Service::withdrawal`] answers it.
    pub async fn open_withdrawals(
        &self,
        player_id: &str,
    ) -> Result<OpenWithdrawalsResponse, ApiError> {
        let ids = self
            .store
            .player_open_withdrawals(player_id, OPEN_WITHDRAWALS_MAX)
            .await?;
        let mut withdrawals = Vec::with_capacity(ids.len());
        for id in ids {
            withdrawals.push(self.withdrawal(player_id, &id).await?);
        }
        Ok(OpenWithdrawalsResponse { withdrawals })
    }

    /// A player's own withdrawal with its payout state; another player's is "not found".
    pub async fn withdrawal(
        &self,
        player_id: &str,
        withdrawal_id: &str,
    ) -> Result<WithdrawalResponse, ApiError> {
        let record = match self.store.withdrawal(withdrawal_id).await? {
            Some(record) if record.player_id == player_id => record,
            _ => {
                return Err(ApiError::coded(
                    "withdrawal_not_found",
                    format!("no withdrawal {withdrawal_id:?}"),
                ))
            }
        };
        let waiting = record.state == crate::rails::PayoutState::AwaitingConfirmation.as_str();
        let mut response = WithdrawalResponse::from(record);
        if let (true, crate::rails::Credentials::Wechat(credentials)) =
            (waiting, &self.config.payout_rail.credentials)
        {
            let transitions = self.store.withdrawal_transitions(withdrawal_id).await?;
            let package = transitions
                .iter()
                .rev()
                .find_map(|transition| transition.fields.get("package_info")?.as_str());
            response.confirmation = package.map(|package| Confirmation {
                mch_id: credentials.mchid.clone(),
                app_id: credentials.app_id.clone(),
                package: package.to_string(),
            });
        }
        Ok(response)
    }

    /// A payout provider's notification, answered in the provider's format (`rails::notify`).
    pub async fn payout_notification(
        &self,
        rail: crate::rails::RailKind,
        headers: &axum::http::HeaderMap,
        body: &[u8],
    ) -> crate::rails::notify::NotifyAnswer {
        crate::rails::notify::handle(
            &self.store,
            &self.config.payout_rail,
            self.now_ms(),
            rail,
            headers,
            body,
        )
        .await
    }

    /// Operator: the withdrawal was paid out (money leaves the ledger) or failed (money returns
    /// to the player). Repeating the same settlement is a no-op; the other one is refused.
    pub async fn settle_withdrawal(
        &self,
        withdrawal_id: &str,
        paid: bool,
        operator: &str,
    ) -> Result<WithdrawalResponse, ApiError> {
        let record = self
            .store
            .settle_withdrawal(SettleWrite {
                withdrawal_id: withdrawal_id.to_string(),
                paid,
                now_ms: self.now_ms() as i64,
                operator: operator.into(),
            })
            .await?;
        Ok(record.into())
    }

    /// Operator: adds to a campaign's budget, once per idempotency key. Returns the budget left.
    pub async fn fund_campaign(
        &self,
        campaign_id: &str,
        amount_fen: i64,
        idempotency_key: &str,
        operator: &str,
    ) -> Result<i64, ApiError> {
        check_idempotency_key(idempotency_key)?;
        if !self
            .payouts
            .campaigns()
            .any(|campaign| campaign.id == campaign_id)
        {
            return Err(ApiError::coded(
                "unknown_campaign",
                format!("no campaign {campaign_id:?}"),
            ));
        }
        let balance = self
            .store
            .fund_campaign(FundWrite {
                campaign_id: campaign_id.to_string(),
                key: idempotency_key.to_string(),
                amount_fen,
                now_ms: self.now_ms() as i64,
                operator: operator.into(),
            })
            .await?;
        Ok(balance)
    }

    /// Operator: releases a held game's winnings to the player (`release`) or confiscates
    /// them back to the house and the campaign they came from. Once: the same review repeated
    /// answers the record, the other one is refused (409).
    pub async fn review_hold(
        &self,
        session_id: &str,
        release: bool,
        operator: &str,
    ) -> Result<HoldRecord, ApiError> {
        Ok(self
            .store
            .review_hold(HoldReviewWrite {
                session_id: session_id.to_string(),
                release,
                now_ms: self.now_ms() as i64,
                operator: operator.into(),
            })
            .await?)
    }

    /// Operator: approves a withdrawal parked for review (it then takes the ordinary path) or
    /// rejects it (the money stays in the player's balance). Once, like a settlement.
    pub async fn review_withdrawal(
        &self,
        review_id: &str,
        approve: bool,
        operator: &str,
    ) -> Result<WithdrawalResponse, ApiError> {
        let now_ms = self.now_ms();
        let record = self
            .store
            .review_withdrawal(WithdrawalReviewWrite {
                review_id: review_id.to_string(),
                approve,
                now_ms: now_ms as i64,
                operator: operator.into(),
                rail: self.config.payout_rail.kind,
                limits: self.config.payout_rail.limits,
                day_start_ms: self.earning_day_start_ms(now_ms),
            })
            .await?;
        Ok(record.into())
    }

    pub async fn health(&self) -> Result<(), ApiError> {
        self.store.ping().await.map_err(ApiError::from)
    }
}

/// The player id prefix of a login provider's players (`wx-<openid>` for WeChat).
fn platform_prefix(provider: &str) -> &str {
    match provider {
        "wechat" => "wx",
        other => other,
    }
}

fn receipt(record: VerdictRecord) -> Result<ProofReceipt, ApiError> {
    // A held game's winnings are not the player's yet: the receipt says so, and its payout
    // fields keep meaning "what reached the balance".
    let held = record.decision == Some(Decision::Hold);
    let (payout_fen, boost_fen, held_fen) = if held {
        (0, 0, record.payout_fen + record.boost_fen)
    } else {
        (record.payout_fen, record.boost_fen, 0)
    };
    let payment = match record.decision {
        Some(Decision::Hold) => "held",
        Some(Decision::Refuse) => "refused",
        _ => "paid",
    };
    let receipt = ProofReceipt {
        verdict: record.verdict.clone(),
        session_id: record.session_id.clone(),
        level_id: record.level_id.clone(),
        score: record.score,
        stars: record.stars,
        payout_fen,
        boost_fen,
        capped: record.capped,
        balance_fen: record.balance_fen,
        payment,
        held_fen,
    };
    if !record.first {
        let mut error = ApiError::verification(Rejection::new(
            playproof_proof::Reason::SessionAlreadyConsumed,
            "this session's proof was already decided; nothing more is paid",
        ));
        error.details = serde_json::to_value(&receipt).ok();
        return Err(error);
    }
    if record.verdict != "accepted" {
        let mut error = match crate::reasons::verification_reason(&record.verdict) {
            Some(reason) => ApiError::verification(Rejection::new(reason, record.message)),
            // A first verdict was written by this build, from its own reason table.
            None => ApiError::internal(format!("recorded verdict {:?}", record.verdict)),
        };
        error.details = serde_json::to_value(&receipt).ok();
        return Err(error);
    }
    Ok(receipt)
}

fn limit(
    limiter: &RateLimiter,
    key: &str,
    now_ms: u64,
    metrics: &Metrics,
    what: &str,
) -> Result<(), ApiError> {
    limiter.take(key, now_ms).map_err(|retry_after_ms| {
        metrics.record_rate_limited();
        let mut error = ApiError::coded(
            "rate_limited",
            format!("too many requests for this {what}; retry in {retry_after_ms} ms"),
        );
        error.retry_after_ms = Some(retry_after_ms);
        error
    })
}

pub(crate) fn check_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(PAGE_ROWS_DEFAULT);
    if !(1..=PAGE_ROWS_MAX).contains(&limit) {
        return Err(ApiError::coded(
            "invalid_field",
            format!("limit is {limit}; allowed 1 to {PAGE_ROWS_MAX}"),
        ));
    }
    Ok(limit)
}

fn check_idempotency_key(key: &str) -> Result<(), ApiError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if key.is_empty() || key.len() > IDEMPOTENCY_KEY_BYTES_MAX || !key.chars().all(allowed) {
        return Err(ApiError::coded("invalid_idempotency_key",
            format!(
                "Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_BYTES_MAX} of A-Z, a-z, 0-9, '-' or '_'"
            ),
        ));
    }
    Ok(())
}
