//! The production verifier behind [`ProofCheck`]: Ed25519 tickets signed by the server and proofs
//! signed by the client's session key, judged by `playproof-proof`'s [`Verifier`] (format, both
//! signatures, expiry, level hash, rules version, replay, claims, plausibility).
//!
//! The verifier consumes a session through its `SessionStore` once the signatures hold. Here the
//! store only *notes* the session: consumption itself happens in the ledger transaction that
//! records the verdict and pays, under the session id's primary key.

use std::collections::BTreeMap;
use std::convert::Infallible;

use game_core::RULES_VERSION;
use playproof_proof::{
    decode_proof, KeyId, KeyStatus, Keyring, LevelHash, PlausibilityPolicy, ServerKey, SessionId,
    SessionStore, TicketBody, Verdict, Verifier, PUBLIC_KEY_BYTES,
};

use crate::check::{
    CheckRejection, Checked, IssuedTicket, LevelCatalogue, ProofCheck, Scored, SessionFacts,
    TicketRequest, TICKET_TTL_MS,
};

#[derive(Debug, thiserror::Error)]
pub enum SignedCheckError {
    #[error("server key {id}: {problem}")]
    Key { id: u32, problem: String },
    #[error("level {path}: {problem}")]
    Level { path: String, problem: String },
}

pub struct SignedProofCheck {
    verifier: Verifier,
    signing_key: ServerKey,
    /// Level id -> content hash of the file tickets are issued for.
    level_hashes: BTreeMap<String, LevelHash>,
}

/// Notes the session the verifier would consume; never refuses (the ledger decides).
#[derive(Default)]
struct NoteSession(Option<SessionId>);

impl SessionStore for NoteSession {
    type Error = Infallible;

    fn consume(&mut self, session_id: SessionId) -> Result<bool, Infallible> {
        self.0 = Some(session_id);
        Ok(true)
    }
}

impl SignedProofCheck {
    /// `signing_key` signs new tickets; `other_keys` are still accepted (a rotation in progress)
    /// or retired.
    pub fn new(
        signing_key: ServerKey,
        other_keys: &[(KeyId, [u8; PUBLIC_KEY_BYTES], KeyStatus)],
        levels: &LevelCatalogue,
        policy: PlausibilityPolicy,
    ) -> Result<Self, SignedCheckError> {
        let mut keyring = Keyring::new();
        let key_error = |id: KeyId, error: playproof_proof::KeyError| SignedCheckError::Key {
            id: id.0,
            problem: error.to_string(),
        };
        keyring
            .add(
                signing_key.id(),
                signing_key.public_key(),
                KeyStatus::Active,
            )
            .map_err(|error| key_error(signing_key.id(), error))?;
        for (id, public_key, status) in other_keys {
            keyring
                .add(*id, *public_key, *status)
                .map_err(|error| key_error(*id, error))?;
        }
        let mut catalogue = playproof_proof::LevelCatalogue::new();
        let mut level_hashes = BTreeMap::new();
        for id in levels.ids() {
            let bytes = levels
                .file(id)
                .expect("an id the catalogue lists has a file");
            let hash = catalogue
                .insert(bytes)
                .map_err(|error| SignedCheckError::Level {
                    path: id.to_string(),
                    problem: error.to_string(),
                })?;
            level_hashes.insert(id.to_string(), hash);
        }
        Ok(SignedProofCheck {
            verifier: Verifier::new(keyring, catalogue, policy),
            signing_key,
            level_hashes,
        })
    }
}

impl ProofCheck for SignedProofCheck {
    fn has_level(&self, level_id: &str) -> bool {
        self.level_hashes.contains_key(level_id)
    }

    fn issue(&self, request: &TicketRequest, now_ms: u64) -> Result<IssuedTicket, CheckRejection> {
        let level_hash = *self.level_hashes.get(&request.level_id).ok_or_else(|| {
            CheckRejection::new("unknown_level", format!("no level {:?}", request.level_id))
        })?;
        let session_public_key: [u8; PUBLIC_KEY_BYTES] = request
            .session_public_key
            .as_slice()
            .try_into()
            .map_err(|_| {
                CheckRejection::new(
                    "invalid_session_key",
                    format!("session_public_key must be {PUBLIC_KEY_BYTES} bytes"),
                )
            })?;
        let mut random = [0u8; 24];
        getrandom::fill(&mut random)
            .map_err(|error| CheckRejection::new("internal", format!("no randomness: {error}")))?;
        let session_id = SessionId(random[..16].try_into().expect("16 of 24 bytes"));
        let seed = u64::from_le_bytes(random[16..].try_into().expect("8 of 24 bytes"));
        let body = TicketBody {
            session_id,
            player_id: request.player_id.clone(),
            level_id: request.level_id.clone(),
            level_hash,
            seed,
            rules_version: RULES_VERSION,
            issued_at_ms: now_ms,
            expires_at_ms: now_ms.saturating_add(TICKET_TTL_MS),
            session_public_key,
        };
        let ticket = self
            .signing_key
            .issue_ticket(&body)
            .map_err(|error| CheckRejection::new("out_of_bounds", error.to_string()))?;
        Ok(IssuedTicket {
            session_id: session_id.to_string(),
            ticket,
            seed,
            expires_at_ms: body.expires_at_ms,
        })
    }

    fn check(&self, proof_bytes: &[u8], now_ms: u64) -> Checked {
        let mut noted = NoteSession::default();
        let verdict = match self.verifier.verify(proof_bytes, now_ms, &mut noted) {
            Ok(verdict) => verdict,
            Err(never) => match never {},
        };
        let rejection = |rejection: playproof_proof::Rejection| {
            CheckRejection::new(rejection.reason.code(), rejection.message)
        };
        let Some(session_id) = noted.0 else {
            // The signatures did not hold: nothing ties these bytes to a session.
            return match verdict {
                Verdict::Rejected(refused) => Checked::Unusable(rejection(refused)),
                Verdict::Accepted(_) => Checked::Unusable(CheckRejection::new(
                    "internal",
                    "the verifier accepted a proof without consuming its session",
                )),
            };
        };
        let (player_id, level_id) = match decode_proof(proof_bytes) {
            Ok(decoded) => (decoded.ticket.body.player_id, decoded.ticket.body.level_id),
            Err(error) => {
                return Checked::Unusable(CheckRejection::new("internal", error.to_string()))
            }
        };
        let session = SessionFacts {
            session_id: session_id.to_string(),
            player_id,
            level_id,
        };
        let verdict = match verdict {
            Verdict::Accepted(accepted) => Ok(Scored {
                score: accepted.score,
                stars: accepted.stars,
                passed: accepted.passed,
            }),
            Verdict::Rejected(refused) => Err(rejection(refused)),
        };
        Checked::Authentic { session, verdict }
    }
}
