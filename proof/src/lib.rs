//! Signed session tickets, score proofs and the replay verifier.
//!
//! The server issues a [`ticket`] before play; the client returns a [`proof`] after it; the
//! [`verify`] pipeline decides, by replaying the inputs with game-core, whether the claimed score
//! is real. Byte layouts are in `docs/FORMATS.md`.
//!
//! Like game-core, this crate reads no clock (the current time is a parameter of
//! [`Verifier::judge`]) and keeps no state (consumed sessions live behind [`SessionStore`], or
//! with the caller between [`Verifier::authenticate`] and [`Verifier::judge`]).
//! Encoding, signing and verification build for `wasm32v1-none` (no_std + alloc). The `std`
//! feature only adds `std` error impls to dependencies; OS randomness needs the default
//! `getrandom` feature. On `wasm32-unknown-unknown` the final crate (game-wasm) enables
//! getrandom's `wasm_js` backend, or the host hands in entropy through
//! [`SessionKey::from_entropy`].
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod error;
pub mod keys;
pub mod levels;
pub mod limits;
pub mod policy;
pub mod proof;
pub mod ticket;
pub mod verify;
mod wire;

pub use error::{DecodeError, EncodeError, Part};
pub use keys::{
    check_session_public_key, KeyError, KeyId, KeyStatus, Keyring, ServerKey, SessionKey,
    SessionKeyError,
};
pub use levels::{level_hash, LevelCatalogue, LevelHash};
pub use limits::*;
pub use policy::{Plausibility, PlausibilityOverride, PlausibilityPolicy};
pub use proof::{decode_proof, Proof, ProofBody};
pub use ticket::{decode_ticket, SessionId, Ticket, TicketBody};
pub use verify::{
    already_consumed, Accepted, Authentic, MemorySessionStore, Reason, Rejection, SessionStore,
    Stage, Verdict, Verifier,
};
