//! The verifier: the whole pipeline of `DESIGN.md` §5, mode-agnostic through game-core's replay.
//!
//! ```text
//! authenticate: format and bounds -> ticket key id and signature -> session key and signature
//!   -> (the caller) consume the session
//!   -> judge: expiry, level, rules version -> replay -> claims equal the replay's
//!      -> plausibility -> accepted
//! ```
//! Each step rejects with its own stable [`Reason`], and each reason belongs to one [`Stage`]:
//! a proof refused while authenticating ties nothing to a session the server issued, so nothing
//! is recorded; a proof refused while judging is authentic, and its session is consumed by the
//! verdict. Callers with their own storage run [`Verifier::authenticate`], consume the session,
//! then [`Verifier::judge`]; [`Verifier::verify`] runs the three over a [`SessionStore`]. The
//! current time is a parameter; the verifier stores nothing itself.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use core::convert::Infallible;
use core::fmt;

use alloc::vec::Vec;
use ed25519_dalek::VerifyingKey;
use game_core::kernel::input::InputLogError;
use game_core::{replay_inspected, Input, ReplayError, ReplayOutcome, RULES_VERSION, TICK_HZ};

use crate::error::DecodeError;
use crate::keys::KeyId;
use crate::keys::{check_session_public_key, verify_strict, KeyLookup, Keyring, SessionKeyError};
use crate::levels::LevelCatalogue;
use crate::policy::PlausibilityPolicy;
use crate::proof::decode_proof;
use crate::ticket::{SessionId, TicketBody};

/// Remembers which sessions have had a proof judged. Implemented by the caller over its own
/// storage: a backend consumes the session in the same transaction that records the verdict and
/// writes the ledger, so a proof is never paid twice.
pub trait SessionStore {
    /// Storage failures; they are not verdicts and are passed through unchanged.
    type Error;

    /// Marks `session_id` consumed. Returns `Ok(true)` when this call consumed it and
    /// `Ok(false)` when it had been consumed before.
    fn consume(&mut self, session_id: SessionId) -> Result<bool, Self::Error>;
}

/// An in-memory [`SessionStore`] for tests and the command line.
#[derive(Clone, Debug, Default)]
pub struct MemorySessionStore {
    consumed: BTreeSet<SessionId>,
}

impl MemorySessionStore {
    pub fn new() -> MemorySessionStore {
        MemorySessionStore::default()
    }

    pub fn is_consumed(&self, session_id: SessionId) -> bool {
        self.consumed.contains(&session_id)
    }
}

impl SessionStore for MemorySessionStore {
    type Error = Infallible;

    fn consume(&mut self, session_id: SessionId) -> Result<bool, Infallible> {
        Ok(self.consumed.insert(session_id))
    }
}

/// Where in the pipeline a [`Reason`] arises, which decides what becomes of the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// The bytes are not a proof signed for a ticket this server issued: nothing ties them to
    /// a session, so nothing is recorded and the session (if any) stays open.
    Authenticate,
    /// The session had a proof judged before; the first verdict stands.
    Consume,
    /// The proof is authentic and was judged: the verdict is recorded and consumes the session.
    Judge,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Authenticate => "authenticate",
            Stage::Consume => "consume",
            Stage::Judge => "judge",
        }
    }
}

/// Why a proof was rejected. The [`code`](Reason::code)s are stable and listed in
/// `docs/FORMATS.md`; new reasons get new codes, old codes never change meaning. This is the one
/// table of verification reasons: services derive their codes and statuses from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    // Format and bounds (the decoders' errors).
    TooLarge,
    BadMagic,
    UnsupportedFormatVersion,
    Truncated,
    OverlongInteger,
    OutOfBounds,
    InvalidUtf8,
    ExpiryNotAfterIssue,
    TrailingBytes,
    TooManyInputs,
    InvalidInputLog,
    // The ticket's key and signature.
    UnknownKeyId,
    RetiredKeyId,
    BadTicketSignature,
    // The session key and signature.
    InvalidSessionKey,
    BadSessionSignature,
    // The session, between the stages.
    SessionAlreadyConsumed,
    // What the authentic ticket asks for.
    TicketExpired,
    UnknownLevel,
    LevelIdMismatch,
    UnknownRulesVersion,
    // The replay.
    InputOutOfOrder,
    InputAfterGameOver,
    InputRefused,
    SessionTooLong,
    // The claims.
    ScoreMismatch,
    FinalTickMismatch,
    FinalHashMismatch,
    CheckpointMismatch,
    // Plausibility.
    FasterThanRealTime,
    InputsTooFast,
    SessionOverLevelLimit,
}

impl Reason {
    /// Every reason, in pipeline order.
    pub const ALL: [Reason; 32] = [
        Reason::TooLarge,
        Reason::BadMagic,
        Reason::UnsupportedFormatVersion,
        Reason::Truncated,
        Reason::OverlongInteger,
        Reason::OutOfBounds,
        Reason::InvalidUtf8,
        Reason::ExpiryNotAfterIssue,
        Reason::TrailingBytes,
        Reason::TooManyInputs,
        Reason::InvalidInputLog,
        Reason::UnknownKeyId,
        Reason::RetiredKeyId,
        Reason::BadTicketSignature,
        Reason::InvalidSessionKey,
        Reason::BadSessionSignature,
        Reason::SessionAlreadyConsumed,
        Reason::TicketExpired,
        Reason::UnknownLevel,
        Reason::LevelIdMismatch,
        Reason::UnknownRulesVersion,
        Reason::InputOutOfOrder,
        Reason::InputAfterGameOver,
        Reason::InputRefused,
        Reason::SessionTooLong,
        Reason::ScoreMismatch,
        Reason::FinalTickMismatch,
        Reason::FinalHashMismatch,
        Reason::CheckpointMismatch,
        Reason::FasterThanRealTime,
        Reason::InputsTooFast,
        Reason::SessionOverLevelLimit,
    ];

    /// Stable machine-readable reason code (snake_case).
    pub fn code(self) -> &'static str {
        match self {
            Reason::TooLarge => "too_large",
            Reason::BadMagic => "bad_magic",
            Reason::UnsupportedFormatVersion => "unsupported_format_version",
            Reason::Truncated => "truncated",
            Reason::OverlongInteger => "overlong_integer",
            Reason::OutOfBounds => "out_of_bounds",
            Reason::InvalidUtf8 => "invalid_utf8",
            Reason::ExpiryNotAfterIssue => "expiry_not_after_issue",
            Reason::TrailingBytes => "trailing_bytes",
            Reason::TooManyInputs => "too_many_inputs",
            Reason::InvalidInputLog => "invalid_input_log",
            Reason::UnknownKeyId => "unknown_key_id",
            Reason::RetiredKeyId => "retired_key_id",
            Reason::BadTicketSignature => "bad_ticket_signature",
            Reason::InvalidSessionKey => "invalid_session_key",
            Reason::BadSessionSignature => "bad_session_signature",
            Reason::SessionAlreadyConsumed => "session_already_consumed",
            Reason::TicketExpired => "ticket_expired",
            Reason::UnknownLevel => "unknown_level",
            Reason::LevelIdMismatch => "level_id_mismatch",
            Reason::UnknownRulesVersion => "unknown_rules_version",
            Reason::InputOutOfOrder => "input_out_of_order",
            Reason::InputAfterGameOver => "input_after_game_over",
            Reason::InputRefused => "input_refused",
            Reason::SessionTooLong => "session_too_long",
            Reason::ScoreMismatch => "score_mismatch",
            Reason::FinalTickMismatch => "final_tick_mismatch",
            Reason::FinalHashMismatch => "final_hash_mismatch",
            Reason::CheckpointMismatch => "checkpoint_mismatch",
            Reason::FasterThanRealTime => "faster_than_real_time",
            Reason::InputsTooFast => "inputs_too_fast",
            Reason::SessionOverLevelLimit => "session_over_level_limit",
        }
    }

    /// The step of the pipeline that gives this reason, as named in `docs/FORMATS.md`.
    pub fn step(self) -> &'static str {
        match self {
            Reason::TooLarge
            | Reason::BadMagic
            | Reason::UnsupportedFormatVersion
            | Reason::Truncated
            | Reason::OverlongInteger
            | Reason::OutOfBounds
            | Reason::InvalidUtf8
            | Reason::ExpiryNotAfterIssue
            | Reason::TrailingBytes
            | Reason::TooManyInputs
            | Reason::InvalidInputLog => "format",
            Reason::UnknownKeyId | Reason::RetiredKeyId | Reason::BadTicketSignature => "ticket",
            Reason::InvalidSessionKey | Reason::BadSessionSignature => "session",
            Reason::SessionAlreadyConsumed => "consume",
            Reason::TicketExpired
            | Reason::UnknownLevel
            | Reason::LevelIdMismatch
            | Reason::UnknownRulesVersion => "admission",
            Reason::InputOutOfOrder
            | Reason::InputAfterGameOver
            | Reason::InputRefused
            | Reason::SessionTooLong => "replay",
            Reason::ScoreMismatch
            | Reason::FinalTickMismatch
            | Reason::FinalHashMismatch
            | Reason::CheckpointMismatch => "claims",
            Reason::FasterThanRealTime | Reason::InputsTooFast | Reason::SessionOverLevelLimit => {
                "plausibility"
            }
        }
    }

    /// The stage that gives this reason.
    pub fn stage(self) -> Stage {
        match self {
            Reason::TooLarge
            | Reason::BadMagic
            | Reason::UnsupportedFormatVersion
            | Reason::Truncated
            | Reason::OverlongInteger
            | Reason::OutOfBounds
            | Reason::InvalidUtf8
            | Reason::ExpiryNotAfterIssue
            | Reason::TrailingBytes
            | Reason::TooManyInputs
            | Reason::InvalidInputLog
            | Reason::UnknownKeyId
            | Reason::RetiredKeyId
            | Reason::BadTicketSignature
            | Reason::InvalidSessionKey
            | Reason::BadSessionSignature => Stage::Authenticate,
            Reason::SessionAlreadyConsumed => Stage::Consume,
            Reason::TicketExpired
            | Reason::UnknownLevel
            | Reason::LevelIdMismatch
            | Reason::UnknownRulesVersion
            | Reason::InputOutOfOrder
            | Reason::InputAfterGameOver
            | Reason::InputRefused
            | Reason::SessionTooLong
            | Reason::ScoreMismatch
            | Reason::FinalTickMismatch
            | Reason::FinalHashMismatch
            | Reason::CheckpointMismatch
            | Reason::FasterThanRealTime
            | Reason::InputsTooFast
            | Reason::SessionOverLevelLimit => Stage::Judge,
        }
    }

    pub(crate) fn of_decode(error: &DecodeError) -> Reason {
        match error {
            DecodeError::TooLarge { .. } => Reason::TooLarge,
            DecodeError::BadMagic { .. } => Reason::BadMagic,
            DecodeError::UnsupportedVersion { .. } => Reason::UnsupportedFormatVersion,
            DecodeError::Truncated { .. } => Reason::Truncated,
            DecodeError::OverlongInteger { .. } => Reason::OverlongInteger,
            DecodeError::OutOfBounds { .. } => Reason::OutOfBounds,
            DecodeError::NotUtf8 { .. } => Reason::InvalidUtf8,
            DecodeError::ExpiryNotAfterIssue { .. } => Reason::ExpiryNotAfterIssue,
            DecodeError::TrailingBytes { .. } => Reason::TrailingBytes,
            DecodeError::InputLog(error) => match error {
                InputLogError::Truncated { .. } => Reason::Truncated,
                InputLogError::BadVarint { .. } => Reason::OverlongInteger,
                InputLogError::TooManyInputs { .. } => Reason::TooManyInputs,
                InputLogError::TickTooLate { .. } => Reason::OutOfBounds,
                InputLogError::TrailingBytes { .. } => Reason::TrailingBytes,
                InputLogError::UnknownTag { .. }
                | InputLogError::UnknownDirection { .. }
                | InputLogError::SameTick { .. } => Reason::InvalidInputLog,
            },
        }
    }

    fn of_replay(error: &ReplayError) -> Reason {
        match error {
            ReplayError::InputOutOfOrder { .. } => Reason::InputOutOfOrder,
            ReplayError::InputAfterGameOver { .. } => Reason::InputAfterGameOver,
            ReplayError::Refused { .. } => Reason::InputRefused,
            ReplayError::TooLong => Reason::SessionTooLong,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A rejected proof: a stable reason and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    pub message: String,
}

impl Rejection {
    pub fn new(reason: Reason, message: impl Into<String>) -> Rejection {
        Rejection {
            reason,
            message: message.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason.code(), self.message)
    }
}

/// What an accepted proof established, as recomputed by the replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub session_id: SessionId,
    pub player_id: String,
    pub level_id: String,
    pub score: u32,
    pub stars: u8,
    /// Ticks simulated in all.
    pub ticks: u32,
    /// The game reached its end (rather than the log stopping on a resting board).
    pub finished: bool,
    /// The level's objectives were met.
    pub passed: bool,
    /// Per input, in log order: ticks the game had been accepting input before it arrived
    /// (from the same replay; for the server's risk signals).
    pub reaction_ticks: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted(Accepted),
    Rejected(Rejection),
}

impl Verdict {
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted(_))
    }

    /// The rejection reason, if rejected.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Verdict::Accepted(_) => None,
            Verdict::Rejected(rejection) => Some(rejection.reason),
        }
    }
}

/// Judges proofs against a key ring, a level catalogue and a plausibility policy.
#[derive(Clone, Debug)]
pub struct Verifier {
    keyring: Keyring,
    levels: LevelCatalogue,
    policy: PlausibilityPolicy,
}

impl Verifier {
    pub fn new(keyring: Keyring, levels: LevelCatalogue, policy: PlausibilityPolicy) -> Verifier {
        Verifier {
            keyring,
            levels,
            policy,
        }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    pub fn levels(&self) -> &LevelCatalogue {
        &self.levels
    }

    pub fn policy(&self) -> &PlausibilityPolicy {
        &self.policy
    }

    /// Judges `proof_bytes` as received at `now_ms`: [`authenticate`](Verifier::authenticate),
    /// consume the session in `sessions`, [`judge`](Verifier::judge). An authentic proof
    /// consumes its session whatever the judgement: a session gets one judged proof. Only a
    /// storage failure is an `Err`.
    pub fn verify<S: SessionStore + ?Sized>(
        &self,
        proof_bytes: &[u8],
        now_ms: u64,
        sessions: &mut S,
    ) -> Result<Verdict, S::Error> {
        let authentic = match self.authenticate(proof_bytes) {
            Ok(authentic) => authentic,
            Err(rejection) => return Ok(Verdict::Rejected(rejection)),
        };
        let session_id = authentic.session_id();
        if !sessions.consume(session_id)? {
            return Ok(Verdict::Rejected(already_consumed(session_id)));
        }
        Ok(match self.judge(&authentic, now_ms) {
            Ok(accepted) => Verdict::Accepted(accepted),
            Err(rejection) => Verdict::Rejected(rejection),
        })
    }

    /// The first stage: the format and its bounds, the ticket's key and signature, the session
    /// key and the proof's signature over the bytes received. Cheap (no replay); needs no clock.
    /// A rejection here has [`Stage::Authenticate`].
    pub fn authenticate(&self, proof_bytes: &[u8]) -> Result<Authentic, Rejection> {
        let proof = decode_proof(proof_bytes)
            .map_err(|error| Rejection::new(Reason::of_decode(&error), error.to_string()))?;
        let ticket = &proof.ticket;
        let server_key = self
            .keyring
            .active(ticket.key_id)
            .map_err(|lookup| match lookup {
                KeyLookup::Unknown => Rejection::new(
                    Reason::UnknownKeyId,
                    format!("ticket key id {} is not in the key ring", ticket.key_id),
                ),
                KeyLookup::Retired => Rejection::new(
                    Reason::RetiredKeyId,
                    format!("ticket key id {} is retired", ticket.key_id),
                ),
            })?;
        if !verify_strict(server_key, ticket.signed_bytes(), &ticket.signature) {
            return Err(Rejection::new(
                Reason::BadTicketSignature,
                format!(
                    "the ticket signature does not verify under key {}",
                    ticket.key_id
                ),
            ));
        }
        let public_key = &ticket.body.session_public_key;
        check_session_public_key(public_key)
            .map_err(|error| Rejection::new(Reason::InvalidSessionKey, error.to_string()))?;
        let session_key = VerifyingKey::from_bytes(public_key).map_err(|_| {
            Rejection::new(
                Reason::InvalidSessionKey,
                SessionKeyError::NotAPoint.to_string(),
            )
        })?;
        if !verify_strict(&session_key, proof.signed_bytes(), &proof.signature) {
            return Err(Rejection::new(
                Reason::BadSessionSignature,
                "the proof signature does not verify under the ticket's session key",
            ));
        }
        Ok(Authentic {
            key_id: proof.ticket.key_id,
            ticket: proof.ticket.body,
            inputs: proof.inputs,
            claimed_score: proof.claimed_score,
            final_tick: proof.final_tick,
            final_hash: proof.final_hash,
            checkpoint_hashes: proof.checkpoint_hashes,
        })
    }

    /// The second stage, after the caller consumed the session: what the ticket asks for
    /// (expiry, level, rules version), the replay, the claims, plausibility. A rejection here
    /// has [`Stage::Judge`].
    pub fn judge(&self, authentic: &Authentic, now_ms: u64) -> Result<Accepted, Rejection> {
        self.judge_inspected(authentic, now_ms, |_, _| {})
    }

    /// [`Verifier::judge`], showing `inspect` the game before each input of the replay (the
    /// same replay: a reader of play quality needs no second one).
    pub fn judge_inspected(
        &self,
        authentic: &Authentic,
        now_ms: u64,
        inspect: impl FnMut(&game_core::Game, &Input),
    ) -> Result<Accepted, Rejection> {
        let body = &authentic.ticket;
        if now_ms > body.expires_at_ms {
            return Err(Rejection::new(
                Reason::TicketExpired,
                format!(
                    "the ticket expired at {} ms, {} ms before submission",
                    body.expires_at_ms,
                    now_ms - body.expires_at_ms
                ),
            ));
        }
        let level = self.levels.get(&body.level_hash).ok_or_else(|| {
            Rejection::new(
                Reason::UnknownLevel,
                format!(
                    "no known level has content hash {} (ticket level id {:?})",
                    Hex(&body.level_hash),
                    body.level_id
                ),
            )
        })?;
        if level.id != body.level_id {
            return Err(Rejection::new(
                Reason::LevelIdMismatch,
                format!(
                    "the ticket names level {:?} but its hash is level {:?}",
                    body.level_id, level.id
                ),
            ));
        }
        if body.rules_version != RULES_VERSION {
            return Err(Rejection::new(
                Reason::UnknownRulesVersion,
                format!(
                    "rules version {} is not known; this verifier replays version {RULES_VERSION}",
                    body.rules_version
                ),
            ));
        }
        let (outcome, reaction_ticks) =
            replay_inspected(level, body.seed, &authentic.inputs, inspect)
                .map_err(|error| Rejection::new(Reason::of_replay(&error), error.to_string()))?;
        check_claims(authentic, &outcome)?;
        self.check_plausible(authentic, &outcome, now_ms)?;
        Ok(Accepted {
            session_id: body.session_id,
            player_id: body.player_id.clone(),
            level_id: body.level_id.clone(),
            score: outcome.score,
            stars: outcome.stars,
            ticks: outcome.ticks,
            finished: outcome.finished,
            passed: outcome.passed,
            reaction_ticks,
        })
    }

    fn check_plausible(
        &self,
        proof: &Authentic,
        outcome: &ReplayOutcome,
        now_ms: u64,
    ) -> Result<(), Rejection> {
        let body = &proof.ticket;
        let limits = self.policy.for_level(&body.level_id);
        let game_ms = u64::from(outcome.ticks) * 1000 / u64::from(TICK_HZ);
        let wall_ms = now_ms.saturating_sub(body.issued_at_ms);
        if game_ms > wall_ms.saturating_add(limits.clock_slack_ms) {
            return Err(Rejection::new(
                Reason::FasterThanRealTime,
                format!(
                    "the game ran {game_ms} ms but only {wall_ms} ms passed between ticket issue \
                     and submission (slack {} ms)",
                    limits.clock_slack_ms
                ),
            ));
        }
        for (index, pair) in proof.inputs.windows(2).enumerate() {
            let interval = pair[1].tick - pair[0].tick;
            if interval < limits.input_interval_ticks_min {
                return Err(Rejection::new(
                    Reason::InputsTooFast,
                    format!(
                        "input {} came {interval} ticks after the one before; at least {} are required",
                        index + 1,
                        limits.input_interval_ticks_min
                    ),
                ));
            }
        }
        if outcome.ticks > limits.session_ticks_max {
            return Err(Rejection::new(
                Reason::SessionOverLevelLimit,
                format!(
                    "the session ran {} ticks; level {:?} allows {}",
                    outcome.ticks, body.level_id, limits.session_ticks_max
                ),
            ));
        }
        Ok(())
    }
}

/// A proof whose format and both signatures hold: the holder of the session key the server
/// put in this ticket signed exactly these claims. Owns what judging needs (the received bytes
/// are no longer needed once the signatures are checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authentic {
    /// The key that signed the ticket.
    pub key_id: KeyId,
    pub ticket: TicketBody,
    pub inputs: Vec<Input>,
    pub claimed_score: u32,
    pub final_tick: u32,
    pub final_hash: u64,
    pub checkpoint_hashes: Vec<u64>,
}

impl Authentic {
    pub fn session_id(&self) -> SessionId {
        self.ticket.session_id
    }
}

/// The rejection of a proof for a session that had one judged before.
pub fn already_consumed(session_id: SessionId) -> Rejection {
    Rejection::new(
        Reason::SessionAlreadyConsumed,
        format!("session {session_id} already had a proof judged"),
    )
}

fn check_claims(proof: &Authentic, outcome: &ReplayOutcome) -> Result<(), Rejection> {
    if proof.claimed_score != outcome.score {
        return Err(Rejection::new(
            Reason::ScoreMismatch,
            format!(
                "claimed score {} but the replay scores {}",
                proof.claimed_score, outcome.score
            ),
        ));
    }
    if proof.final_tick != outcome.ticks {
        return Err(Rejection::new(
            Reason::FinalTickMismatch,
            format!(
                "claimed final tick {} but the replay ends at tick {}",
                proof.final_tick, outcome.ticks
            ),
        ));
    }
    if proof.final_hash != outcome.final_hash {
        return Err(Rejection::new(
            Reason::FinalHashMismatch,
            format!(
                "claimed final state hash {:016x} but the replay ends at {:016x}",
                proof.final_hash, outcome.final_hash
            ),
        ));
    }
    if !proof.checkpoint_hashes.is_empty() {
        if proof.checkpoint_hashes.len() != outcome.checkpoints.len() {
            return Err(Rejection::new(
                Reason::CheckpointMismatch,
                format!(
                    "{} checkpoint hashes claimed but the replay passes {} checkpoints",
                    proof.checkpoint_hashes.len(),
                    outcome.checkpoints.len()
                ),
            ));
        }
        let diverged = proof
            .checkpoint_hashes
            .iter()
            .zip(&outcome.checkpoints)
            .find(|(claimed, checkpoint)| **claimed != checkpoint.hash);
        if let Some((claimed, checkpoint)) = diverged {
            return Err(Rejection::new(
                Reason::CheckpointMismatch,
                format!(
                    "at tick {} the claimed hash is {claimed:016x} but the replay's is {:016x}",
                    checkpoint.tick, checkpoint.hash
                ),
            ));
        }
    }
    Ok(())
}

struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_unique_snake_case() {
        let mut seen = BTreeSet::new();
        for reason in Reason::ALL {
            let code = reason.code();
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{code}"
            );
        }
    }
}
