//! The facts that link accounts, as the service keeps them. A payee's real name is personal
//! data the service has no other use for, so only a digest of its normal form is stored: two
//! withdrawals to one name link their players, and the name cannot be read back from the row.

use sha2::{Digest, Sha256};

/// Longest payee name accepted, in characters (Chinese names are 2 to 4; transliterated and
/// foreign names are longer, none this long).
pub const PAYEE_NAME_CHARS_MAX: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayeeNameError {
    #[error("is empty")]
    Empty,
    #[error("is {0} characters; at most {PAYEE_NAME_CHARS_MAX} are allowed")]
    TooLong(usize),
    #[error("has a control character")]
    ControlCharacter,
}

/// The stored form of a payee name: SHA-256 of its normal form (outer spaces trimmed, inner
/// runs of whitespace one space, ASCII letters lower case), in hex.
pub fn payee_name_digest(name: &str) -> Result<String, PayeeNameError> {
    if name.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(PayeeNameError::ControlCharacter);
    }
    let normal = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let chars = normal.chars().count();
    if chars == 0 {
        return Err(PayeeNameError::Empty);
    }
    if chars > PAYEE_NAME_CHARS_MAX {
        return Err(PayeeNameError::TooLong(chars));
    }
    let digest = Sha256::new()
        .chain_update(b"playproof payee name v1\0")
        .chain_update(normal.as_bytes())
        .finalize();
    Ok(crate::hex::encode(&digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_written_two_ways_is_one_payee() {
        let digest = payee_name_digest("张伟").unwrap();
        assert_eq!(payee_name_digest("  张伟 ").unwrap(), digest);
        assert_eq!(
            payee_name_digest("Li  Na").unwrap(),
            payee_name_digest("li na").unwrap()
        );
        assert_ne!(
            payee_name_digest("张伟").unwrap(),
            payee_name_digest("张玮").unwrap()
        );
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains("张"), "only the digest is kept");
    }

    #[test]
    fn a_bad_payee_name_says_why() {
        assert_eq!(payee_name_digest(" \t "), Err(PayeeNameError::Empty));
        assert_eq!(
            payee_name_digest(&"名".repeat(65)),
            Err(PayeeNameError::TooLong(65))
        );
        assert_eq!(
            payee_name_digest("a\u{0}b"),
            Err(PayeeNameError::ControlCharacter)
        );
    }
}
