//! The rules version a session is played under.

/// Bumped whenever a change alters any golden replay's hashes (see `docs/DETERMINISM.md`).
/// Proofs name it; the verifier refuses versions it does not know.
pub const RULES_VERSION: u16 = 1;
