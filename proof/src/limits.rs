//! Every bound the ticket and proof decoders enforce, with its unit and reason. Decoders check
//! these before allocating; `docs/FORMATS.md` lists the same numbers.

use game_core::{CHECKPOINT_INTERVAL_TICKS, SESSION_TICKS_MAX};

/// Ticket magic, `PPTK`.
pub const TICKET_MAGIC: [u8; 4] = *b"PPTK";
/// Proof magic, `PPPF`.
pub const PROOF_MAGIC: [u8; 4] = *b"PPPF";
/// The ticket format version this build writes and reads.
pub const TICKET_FORMAT_VERSION: u8 = 1;
/// The proof format version this build writes and reads.
pub const PROOF_FORMAT_VERSION: u8 = 1;

/// Longest player id, in bytes of UTF-8. Backends use UUIDs or numeric ids; 64 leaves room.
pub const PLAYER_ID_BYTES_MAX: usize = 64;
/// Longest level id, in bytes; the same bound game-core puts on a level file's `id`.
pub const LEVEL_ID_BYTES_MAX: usize = game_core::level::LEVEL_ID_BYTES_MAX;

/// Ed25519 public key, signature and secret key sizes, in bytes.
pub const PUBLIC_KEY_BYTES: usize = 32;
pub const SIGNATURE_BYTES: usize = 64;
pub const SECRET_KEY_BYTES: usize = 32;

/// Largest ticket, in bytes. The largest valid ticket is 309 bytes (both ids at their maximum,
/// see `docs/FORMATS.md`); the rest is headroom so a bigger id bound in a later version does not
/// move this limit.
pub const TICKET_BYTES_MAX: usize = 512;

/// Most checkpoint hashes a proof may carry: one per checkpoint interval of the longest session.
pub const CHECKPOINTS_MAX: u32 = SESSION_TICKS_MAX / CHECKPOINT_INTERVAL_TICKS;

/// Most game ticks a proof may claim: the longest session the core simulates.
pub const PROOF_TICKS_MAX: u32 = SESSION_TICKS_MAX;

/// Most inputs a proof may carry (game-core's input log bound).
pub const PROOF_INPUTS_MAX: u32 = game_core::kernel::input::INPUTS_MAX;

/// Largest proof, in bytes: checked before anything else is read. The worst case allowed by the
/// other bounds is 512 (ticket) + 81,003 (9,000 drops of 9 bytes) + 16 (claims) + 14,402
/// (1,800 checkpoints) + 64 (signature) + 8 (magic, version, lengths) = 96,005 bytes; a real
/// 3-minute match-3 proof is about 2 KB.
pub const PROOF_BYTES_MAX: usize = 128 * 1024;
