//! Why bytes failed to decode or a value failed to encode. Every decode error has a stable
//! reason code (see `docs/FORMATS.md`), which the verifier reports as its rejection reason.

use core::fmt;

use game_core::kernel::input::InputLogError;

/// Which container an error is about: a ticket (also when embedded in a proof) or a proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Ticket,
    Proof,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Ticket => "ticket",
            Part::Proof => "proof",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{part} is {bytes} bytes; at most {max} are allowed")]
    TooLarge {
        part: Part,
        bytes: usize,
        max: usize,
    },
    #[error("{part} does not start with its magic (found {found:02x?})")]
    BadMagic { part: Part, found: [u8; 4] },
    #[error(
        "{part} format version {version} is not supported; this build reads version {supported}"
    )]
    UnsupportedVersion {
        part: Part,
        version: u8,
        supported: u8,
    },
    #[error("{part} ends inside field `{field}`")]
    Truncated { part: Part, field: &'static str },
    #[error("{part} field `{field}` is an over-long or overflowing integer")]
    OverlongInteger { part: Part, field: &'static str },
    #[error("{part} field `{field}` is {value}; allowed {min} to {max}")]
    OutOfBounds {
        part: Part,
        field: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    #[error("{part} field `{field}` is not UTF-8")]
    NotUtf8 { part: Part, field: &'static str },
    #[error("ticket expires at {expires_at_ms} ms, not after it is issued at {issued_at_ms} ms")]
    ExpiryNotAfterIssue {
        issued_at_ms: u64,
        expires_at_ms: u64,
    },
    #[error("{part} has {count} trailing bytes")]
    TrailingBytes { part: Part, count: usize },
    #[error("proof input log: {0}")]
    InputLog(InputLogError),
}

impl DecodeError {
    /// Stable machine-readable reason code; the same code names the same problem in every
    /// version. It is the code of the verifier's [`Reason`](crate::Reason) for this error: the
    /// reason table in `verify.rs` is the only place codes are spelled.
    pub fn code(&self) -> &'static str {
        crate::verify::Reason::of_decode(self).code()
    }
}

/// A value that cannot be encoded because it breaks a format bound. Encoders check the same
/// bounds as decoders, so whatever encodes also decodes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("`{field}` is {bytes} bytes; allowed 1 to {max}")]
    IdLength {
        field: &'static str,
        bytes: usize,
        max: usize,
    },
    #[error(
        "the ticket expires at {expires_at_ms} ms, not after it is issued at {issued_at_ms} ms"
    )]
    ExpiryNotAfterIssue {
        issued_at_ms: u64,
        expires_at_ms: u64,
    },
    #[error("the embedded ticket is {bytes} bytes; at most {max} are allowed", max = crate::TICKET_BYTES_MAX)]
    TicketTooLarge { bytes: usize },
    #[error("{count} inputs; at most {max} are allowed", max = crate::PROOF_INPUTS_MAX)]
    TooManyInputs { count: usize },
    #[error(
        "input {index} is not at a later tick than the one before it, or is past the session limit"
    )]
    BadInputTick { index: usize },
    #[error("final tick {tick} is past the session limit of {max}", max = crate::PROOF_TICKS_MAX)]
    FinalTickTooLate { tick: u32 },
    #[error("{count} checkpoint hashes; at most {max} are allowed", max = crate::CHECKPOINTS_MAX)]
    TooManyCheckpoints { count: usize },
}
