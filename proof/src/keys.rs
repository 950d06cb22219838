//! Ed25519 keys: the server's ticket keys (with ids, so keys can rotate) and the client's
//! per-session keys.
//!
//! Signatures are checked with `verify_strict` (no small-order keys or `R`, canonical `S`), over
//! the exact bytes received.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::error::EncodeError;
use crate::limits::{PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES};
use crate::proof::ProofBody;
use crate::ticket::TicketBody;

/// Names one server ticket key. Ids are never reused for a different key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub u32);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("public key {id} is not a valid Ed25519 point")]
    InvalidPublicKey { id: KeyId },
    #[error("public key {id} has small order and would accept forged signatures")]
    WeakPublicKey { id: KeyId },
    #[error("key id {id} is already in the key ring")]
    DuplicateKeyId { id: KeyId },
    #[cfg(feature = "getrandom")]
    #[error("the system random source failed: {0}")]
    Random(getrandom::Error),
}

/// Fills 32 bytes from the operating system (or, on the web, `crypto.getRandomValues`).
#[cfg(feature = "getrandom")]
fn os_entropy() -> Result<[u8; SECRET_KEY_BYTES], KeyError> {
    let mut bytes = [0u8; SECRET_KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(KeyError::Random)?;
    Ok(bytes)
}

/// A server key that signs tickets.
#[derive(Clone)]
pub struct ServerKey {
    id: KeyId,
    signing: SigningKey,
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret half never reaches a log line.
        f.debug_struct("ServerKey")
            .field("id", &self.id)
            .field("public_key", &self.signing.verifying_key())
            .finish_non_exhaustive()
    }
}

impl ServerKey {
    /// A key from its 32-byte Ed25519 secret (seed).
    pub fn from_secret(id: KeyId, secret: [u8; SECRET_KEY_BYTES]) -> ServerKey {
        ServerKey {
            id,
            signing: SigningKey::from_bytes(&secret),
        }
    }

    /// A fresh key from the system random source.
    #[cfg(feature = "getrandom")]
    pub fn generate(id: KeyId) -> Result<ServerKey, KeyError> {
        Ok(ServerKey::from_secret(id, os_entropy()?))
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn public_key(&self) -> [u8; PUBLIC_KEY_BYTES] {
        self.signing.verifying_key().to_bytes()
    }

    /// The 32-byte secret, for storing the key.
    pub fn secret(&self) -> [u8; SECRET_KEY_BYTES] {
        self.signing.to_bytes()
    }

    /// Encodes `body` under this key's id and signs it: the ticket bytes to send to the client.
    pub fn issue_ticket(&self, body: &TicketBody) -> Result<Vec<u8>, EncodeError> {
        let mut bytes = body.encode_unsigned(self.id)?;
        let signature: Signature = self.signing.sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        Ok(bytes)
    }
}

/// A client's per-session key, which signs the proof.
#[derive(Clone)]
pub struct SessionKey {
    signing: SigningKey,
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKey")
            .field("public_key", &self.signing.verifying_key())
            .finish_non_exhaustive()
    }
}

impl SessionKey {
    /// A session key from 32 bytes of caller-supplied entropy, for runtimes without
    /// `crypto.getRandomValues` whose host supplies randomness from its own platform API. The
    /// bytes must be uniformly random and used once.
    pub fn from_entropy(entropy: [u8; SECRET_KEY_BYTES]) -> SessionKey {
        SessionKey {
            signing: SigningKey::from_bytes(&entropy),
        }
    }

    /// A fresh session key from the system random source.
    #[cfg(feature = "getrandom")]
    pub fn generate() -> Result<SessionKey, KeyError> {
        Ok(SessionKey::from_entropy(os_entropy()?))
    }

    /// The public half, sent to the server when asking for a ticket.
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_BYTES] {
        self.signing.verifying_key().to_bytes()
    }

    /// Encodes `body` and signs it: the proof bytes to submit.
    pub fn sign_proof(&self, body: &ProofBody) -> Result<Vec<u8>, EncodeError> {
        let mut bytes = body.encode_unsigned()?;
        let signature: Signature = self.signing.sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        Ok(bytes)
    }
}

/// Why bytes cannot be a client's session public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionKeyError {
    #[error("the session public key is not a valid Ed25519 point")]
    NotAPoint,
    #[error("the session public key has small order (such as the identity) and would accept forged signatures")]
    SmallOrder,
}

/// Checks that `public_key` can be a session key: an Ed25519 point (it decompresses) of large order.
/// The server checks this before issuing a ticket, and the verifier again before trusting a
/// signature, so a ticket never carries a key that `verify_strict` would refuse anyway.
pub fn check_session_public_key(
    public_key: &[u8; PUBLIC_KEY_BYTES],
) -> Result<(), SessionKeyError> {
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| SessionKeyError::NotAPoint)?;
    if key.is_weak() {
        return Err(SessionKeyError::SmallOrder);
    }
    Ok(())
}

/// Whether a ticket key still vouches for tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// Tickets signed with it are accepted (several keys may be active during a rotation).
    Active,
    /// Tickets signed with it are refused, e.g. after the key leaked or its rotation ended.
    Retired,
}

/// The server's public ticket keys by id.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    keys: BTreeMap<KeyId, (VerifyingKey, KeyStatus)>,
}

/// Why a key id did not resolve to a usable key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyLookup {
    Unknown,
    Retired,
}

impl Keyring {
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Adds a public key; refuses invalid or small-order points and reused ids.
    pub fn add(
        &mut self,
        id: KeyId,
        public_key: [u8; PUBLIC_KEY_BYTES],
        status: KeyStatus,
    ) -> Result<(), KeyError> {
        let key =
            VerifyingKey::from_bytes(&public_key).map_err(|_| KeyError::InvalidPublicKey { id })?;
        if key.is_weak() {
            return Err(KeyError::WeakPublicKey { id });
        }
        if self.keys.contains_key(&id) {
            return Err(KeyError::DuplicateKeyId { id });
        }
        self.keys.insert(id, (key, status));
        Ok(())
    }

    /// Marks a key retired; returns false when the id is unknown.
    pub fn retire(&mut self, id: KeyId) -> bool {
        match self.keys.get_mut(&id) {
            Some((_, status)) => {
                *status = KeyStatus::Retired;
                true
            }
            None => false,
        }
    }

    pub fn status(&self, id: KeyId) -> Option<KeyStatus> {
        self.keys.get(&id).map(|(_, status)| *status)
    }

    /// The active key with `id`.
    pub(crate) fn active(&self, id: KeyId) -> Result<&VerifyingKey, KeyLookup> {
        match self.keys.get(&id) {
            None => Err(KeyLookup::Unknown),
            Some((_, KeyStatus::Retired)) => Err(KeyLookup::Retired),
            Some((key, KeyStatus::Active)) => Ok(key),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Checks `signature` over exactly `message` with `verify_strict`.
pub(crate) fn verify_strict(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; SIGNATURE_BYTES],
) -> bool {
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}
