//! The production verifier behind [`ProofCheck`]: Ed25519 tickets signed by the server's key
//! ring and proofs signed by the client's session key, judged by `playproof-proof`'s
//! [`Verifier`] in its two stages. Between them the service makes sure the session is still
//! open; the ledger transaction that records the verdict consumes it.

use std::collections::BTreeMap;

use game_core::RULES_VERSION;
use playproof_proof::{
    check_session_public_key, KeyId, KeyStatus, Keyring, LevelHash, PlausibilityPolicy, Reason,
    Rejection, ServerKey, SessionId, TicketBody, Verifier, PUBLIC_KEY_BYTES,
};

use crate::check::{
    AuthenticProof, CheckRejection, IssuedTicket, Judged, LevelCatalogue, ProofCheck, Scored,
    SessionFacts, TicketRequest, TICKET_TTL_MS,
};
use crate::risk::PlayFacts;

#[derive(Debug, thiserror::Error)]
pub enum SignedCheckError {
    #[error("server key {id}: {problem}")]
    Key { id: u32, problem: String },
    #[error("level {path}: {problem}")]
    Level { path: String, problem: String },
}

/// Session id size, in bytes (`SessionId`, 128 random bits).
const SESSION_ID_BYTES: usize = 16;
/// Game seed size, in bytes (`TicketBody::seed`).
const SEED_BYTES: usize = 8;

pub struct SignedProofCheck {
    verifier: Verifier,
    signing_key: ServerKey,
    /// Level id -> content hash of the file tickets are issued for.
    level_hashes: BTreeMap<String, LevelHash>,
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
            CheckRejection::new(
                Reason::UnknownLevel.code(),
                format!("no level {:?}", request.level_id),
            )
        })?;
        let session_public_key: [u8; PUBLIC_KEY_BYTES] = request
            .session_public_key
            .as_slice()
            .try_into()
            .map_err(|_| {
                CheckRejection::new(
                    Reason::InvalidSessionKey.code(),
                    format!("session_public_key must be {PUBLIC_KEY_BYTES} bytes"),
                )
            })?;
        check_session_public_key(&session_public_key).map_err(|error| {
            CheckRejection::new(Reason::InvalidSessionKey.code(), error.to_string())
        })?;
        // A random 128-bit session id and a random 64-bit seed.
        let mut session_id = [0u8; SESSION_ID_BYTES];
        let mut seed = [0u8; SEED_BYTES];
        for bytes in [&mut session_id[..], &mut seed[..]] {
            getrandom::fill(bytes).map_err(|error| {
                CheckRejection::new("internal", format!("no randomness: {error}"))
            })?;
        }
        let session_id = SessionId(session_id);
        let seed = u64::from_le_bytes(seed);
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
            .map_err(|error| CheckRejection::new("invalid_field", error.to_string()))?;
        Ok(IssuedTicket {
            session_id: session_id.to_string(),
            ticket,
            seed,
            expires_at_ms: body.expires_at_ms,
        })
    }

    fn authenticate(&self, proof_bytes: &[u8]) -> Result<AuthenticProof, Rejection> {
        let proof = self.verifier.authenticate(proof_bytes)?;
        Ok(AuthenticProof {
            session: SessionFacts {
                session_id: proof.session_id().to_string(),
                player_id: proof.ticket.player_id.clone(),
                level_id: proof.ticket.level_id.clone(),
            },
            proof,
        })
    }

    fn judge(
        &self,
        proof: &AuthenticProof,
        now_ms: u64,
        play_quality: bool,
    ) -> Result<Judged, Rejection> {
        let mut quality = crate::risk::signals::PlayQuality::default();
        let accepted = self
            .verifier
            .judge_inspected(&proof.proof, now_ms, |game, input| {
                if play_quality {
                    quality.inspect(game, input)
                }
            })?;
        Ok(Judged {
            scored: Scored {
                score: accepted.score,
                stars: accepted.stars,
                passed: accepted.passed,
            },
            play: PlayFacts {
                reaction_ticks: accepted.reaction_ticks,
                final_tick: accepted.ticks,
                issued_at_ms: proof.proof.ticket.issued_at_ms,
                received_at_ms: now_ms,
                quality: play_quality.then_some(quality),
            },
        })
    }
}
