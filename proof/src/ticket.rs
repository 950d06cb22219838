//! The session ticket: what the server promises about a session before it is played.
//!
//! Layout (all integers little-endian, lengths LEB128; byte by byte in `docs/FORMATS.md`):
//! magic `PPTK`, format version, key id, session id, player id, level id, level hash, seed,
//! rules version, issue time, expiry, session public key, then the server's Ed25519 signature
//! over every byte before it.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{DecodeError, EncodeError, Part};
use crate::keys::KeyId;
use crate::levels::LevelHash;
use crate::limits::{
    LEVEL_ID_BYTES_MAX, PLAYER_ID_BYTES_MAX, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, TICKET_BYTES_MAX,
    TICKET_FORMAT_VERSION, TICKET_MAGIC,
};
use crate::wire::{put_varint, Reader};

/// A random 128-bit session id, chosen by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub [u8; 16]);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// Everything a ticket states, without the key id and signature the issuing key adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketBody {
    pub session_id: SessionId,
    /// 1 to [`PLAYER_ID_BYTES_MAX`] bytes of UTF-8.
    pub player_id: String,
    /// 1 to [`LEVEL_ID_BYTES_MAX`] bytes of UTF-8.
    pub level_id: String,
    /// SHA-256 of the level file's bytes.
    pub level_hash: LevelHash,
    pub seed: u64,
    pub rules_version: u16,
    /// Unix time in milliseconds.
    pub issued_at_ms: u64,
    /// Unix time in milliseconds; strictly after `issued_at_ms`.
    pub expires_at_ms: u64,
    /// The client's Ed25519 session key, which signs the proof.
    pub session_public_key: [u8; PUBLIC_KEY_BYTES],
}

impl TicketBody {
    /// The bytes the server signs under `key_id`: everything but the signature. Decoding a
    /// ticket and encoding its body gives back exactly its signed bytes (the format is canonical).
    pub fn encode_unsigned(&self, key_id: KeyId) -> Result<Vec<u8>, EncodeError> {
        check_id("player_id", &self.player_id, PLAYER_ID_BYTES_MAX)?;
        check_id("level_id", &self.level_id, LEVEL_ID_BYTES_MAX)?;
        if self.expires_at_ms <= self.issued_at_ms {
            return Err(EncodeError::ExpiryNotAfterIssue {
                issued_at_ms: self.issued_at_ms,
                expires_at_ms: self.expires_at_ms,
            });
        }
        let mut out = Vec::with_capacity(TICKET_BYTES_MAX);
        out.extend_from_slice(&TICKET_MAGIC);
        out.push(TICKET_FORMAT_VERSION);
        out.extend_from_slice(&key_id.0.to_le_bytes());
        out.extend_from_slice(&self.session_id.0);
        put_string(&mut out, &self.player_id);
        put_string(&mut out, &self.level_id);
        out.extend_from_slice(&self.level_hash);
        out.extend_from_slice(&self.seed.to_le_bytes());
        out.extend_from_slice(&self.rules_version.to_le_bytes());
        out.extend_from_slice(&self.issued_at_ms.to_le_bytes());
        out.extend_from_slice(&self.expires_at_ms.to_le_bytes());
        out.extend_from_slice(&self.session_public_key);
        debug_assert!(out.len() + SIGNATURE_BYTES <= TICKET_BYTES_MAX);
        Ok(out)
    }
}

fn check_id(field: &'static str, id: &str, max: usize) -> Result<(), EncodeError> {
    if id.is_empty() || id.len() > max {
        return Err(EncodeError::IdLength {
            field,
            bytes: id.len(),
            max,
        });
    }
    Ok(())
}

fn put_string(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u32);
    out.extend_from_slice(text.as_bytes());
}

/// A decoded ticket, still holding the exact bytes it came from so the signature is checked
/// over what was received, never over a re-encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket<'a> {
    pub key_id: KeyId,
    pub body: TicketBody,
    pub signature: [u8; SIGNATURE_BYTES],
    bytes: &'a [u8],
}

impl<'a> Ticket<'a> {
    /// The whole ticket as received.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes the server's signature covers: all but the last 64.
    pub fn signed_bytes(&self) -> &'a [u8] {
        &self.bytes[..self.bytes.len() - SIGNATURE_BYTES]
    }
}

/// Decodes a ticket that must fill `bytes` exactly. Checks the format only: the signature,
/// expiry and level are the verifier's business.
pub fn decode_ticket(bytes: &[u8]) -> Result<Ticket<'_>, DecodeError> {
    const PART: Part = Part::Ticket;
    if bytes.len() > TICKET_BYTES_MAX {
        return Err(DecodeError::TooLarge {
            part: PART,
            bytes: bytes.len(),
            max: TICKET_BYTES_MAX,
        });
    }
    let mut reader = Reader::new(bytes, PART);
    let magic = reader.array::<4>("magic")?;
    if magic != TICKET_MAGIC {
        return Err(DecodeError::BadMagic {
            part: PART,
            found: magic,
        });
    }
    let version = reader.u8("format_version")?;
    if version != TICKET_FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            part: PART,
            version,
            supported: TICKET_FORMAT_VERSION,
        });
    }
    let key_id = KeyId(reader.u32("key_id")?);
    let session_id = SessionId(reader.array("session_id")?);
    let player_id = read_string(&mut reader, "player_id", PLAYER_ID_BYTES_MAX)?;
    let level_id = read_string(&mut reader, "level_id", LEVEL_ID_BYTES_MAX)?;
    let level_hash = reader.array("level_hash")?;
    let seed = reader.u64("seed")?;
    let rules_version = reader.u16("rules_version")?;
    let issued_at_ms = reader.u64("issued_at_ms")?;
    let expires_at_ms = reader.u64("expires_at_ms")?;
    if expires_at_ms <= issued_at_ms {
        return Err(DecodeError::ExpiryNotAfterIssue {
            issued_at_ms,
            expires_at_ms,
        });
    }
    let session_public_key = reader.array("session_public_key")?;
    let signature = reader.array("signature")?;
    reader.finish()?;
    Ok(Ticket {
        key_id,
        body: TicketBody {
            session_id,
            player_id,
            level_id,
            level_hash,
            seed,
            rules_version,
            issued_at_ms,
            expires_at_ms,
            session_public_key,
        },
        signature,
        bytes,
    })
}

fn read_string(
    reader: &mut Reader<'_>,
    field: &'static str,
    max: usize,
) -> Result<String, DecodeError> {
    let length = reader.length(field, 1, max)?;
    let raw = reader.take(length, field)?;
    let text = core::str::from_utf8(raw).map_err(|_| DecodeError::NotUtf8 {
        part: Part::Ticket,
        field,
    })?;
    Ok(String::from(text))
}
