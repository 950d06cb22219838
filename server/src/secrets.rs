//! Secrets at rest and in the environment: the ticket key ring file, the login-token secret and
//! the operator token. Everything here refuses rather than guesses: a secret file others can
//! read, a short or all-zero secret, an operator token too short to be random.
//!
//! The key ring file (`playproof keys new|rotate|retire` writes it, `serve --keys` reads it):
//!
//! ```json
//! { "issuing_key_id": 2,
//!   "keys": [ { "id": 1, "status": "active",  "public_key": "<hex>", "secret_key": "<hex>" },
//!             { "id": 2, "status": "active",  "public_key": "<hex>", "secret_key": "<hex>" } ] }
//! ```
//! The issuing key signs new tickets; every other active key still verifies tickets it signed
//! (a rotation in progress); retired keys verify nothing. Verifiers need only the public keys:
//! `secret_key` may be left out of their copy, except the issuing key's on a server that issues.

use std::io::Write;
use std::path::{Path, PathBuf};

use playproof_proof::{KeyId, KeyStatus, ServerKey, PUBLIC_KEY_BYTES, SECRET_KEY_BYTES};
use serde::{Deserialize, Serialize};

/// Shortest operator token, in characters: 32 random bytes in unpadded base64url are 43
/// characters (and 64 in hex), so anything shorter cannot hold 32 random bytes.
pub const OPERATOR_TOKEN_CHARS_MIN: usize = 43;
/// Fewest distinct characters in an operator token. 43 random base64url characters have about
/// 32 distinct ones and 64 random hex digits almost surely all 16; a token with fewer than 10 is
/// a pattern (`aaaa…`, `abab…`), not randomness.
pub const OPERATOR_TOKEN_DISTINCT_MIN: usize = 10;
/// Largest key ring file, in bytes: thousands of keys, far more than any rotation schedule.
pub const KEY_FILE_BYTES_MAX: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: holds secret keys but is readable or writable by others (mode {mode:04o}); \
         run `chmod 600 {path}`"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("{path}: not a key ring file: {problem}")]
    Malformed { path: PathBuf, problem: String },
    #[error("{path}: key {id}: {problem}")]
    Key {
        path: PathBuf,
        id: u32,
        problem: String,
    },
    #[error("{what}: {problem}")]
    Weak { what: String, problem: String },
    #[error("{path}: {problem}")]
    Refused { path: PathBuf, problem: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Retired,
}

impl From<Status> for KeyStatus {
    fn from(status: Status) -> KeyStatus {
        match status {
            Status::Active => KeyStatus::Active,
            Status::Retired => KeyStatus::Retired,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub id: u32,
    pub status: Status,
    pub public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
}

impl KeyEntry {
    fn of(key: &ServerKey, status: Status) -> KeyEntry {
        KeyEntry {
            id: key.id().0,
            status,
            public_key: crate::hex::encode(&key.public_key()),
            secret_key: Some(crate::hex::encode(&key.secret())),
        }
    }
}

/// A verify-only key of the ring: id, public key, status.
pub type VerifyKey = (KeyId, [u8; PUBLIC_KEY_BYTES], KeyStatus);

/// The key ring as `serve` uses it: one key that signs new tickets, and the others that still
/// verify (or are retired).
#[derive(Clone, Debug)]
pub struct LoadedRing {
    pub signing_key: ServerKey,
    pub other_keys: Vec<VerifyKey>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub issuing_key_id: u32,
    pub keys: Vec<KeyEntry>,
}

impl KeyFile {
    /// A ring with one fresh active key, id 1.
    pub fn generate() -> Result<KeyFile, SecretError> {
        let key = fresh_key(1)?;
        Ok(KeyFile {
            issuing_key_id: 1,
            keys: vec![KeyEntry::of(&key, Status::Active)],
        })
    }

    /// Adds a fresh active key that issues from now on; older keys stay active, so tickets they
    /// signed still verify. Returns the new id.
    pub fn rotate(&mut self) -> Result<u32, SecretError> {
        let id = self.keys.iter().map(|key| key.id).max().unwrap_or(0) + 1;
        let key = fresh_key(id)?;
        self.keys.push(KeyEntry::of(&key, Status::Active));
        self.issuing_key_id = id;
        Ok(id)
    }

    /// Retires key `id`: tickets it signed are refused from now on. Its secret is dropped from
    /// the file, since it will never sign again.
    pub fn retire(&mut self, path: &Path, id: u32) -> Result<(), SecretError> {
        if id == self.issuing_key_id {
            return Err(SecretError::Refused {
                path: path.to_path_buf(),
                problem: format!("key {id} issues tickets; rotate to a new key before retiring it"),
            });
        }
        let entry = self
            .keys
            .iter_mut()
            .find(|key| key.id == id)
            .ok_or_else(|| SecretError::Refused {
                path: path.to_path_buf(),
                problem: format!("no key with id {id}"),
            })?;
        entry.status = Status::Retired;
        entry.secret_key = None;
        Ok(())
    }

    /// Reads a key ring file. A file holding any secret key must be private to its owner.
    pub fn load(path: &Path) -> Result<KeyFile, SecretError> {
        let io = |source| SecretError::Io {
            path: path.to_path_buf(),
            source,
        };
        let metadata = std::fs::metadata(path).map_err(io)?;
        if metadata.len() > KEY_FILE_BYTES_MAX {
            return Err(SecretError::Malformed {
                path: path.to_path_buf(),
                problem: format!("{} bytes; at most {KEY_FILE_BYTES_MAX}", metadata.len()),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let file: KeyFile =
            serde_json::from_slice(&bytes).map_err(|error| SecretError::Malformed {
                path: path.to_path_buf(),
                problem: error.to_string(),
            })?;
        if file.keys.iter().any(|key| key.secret_key.is_some()) {
            check_private(path, &metadata)?;
        }
        Ok(file)
    }

    /// Writes the file with [`replace_file`]: never half of it, never readable by others.
    pub fn save(&self, path: &Path) -> Result<(), SecretError> {
        let io = |source| SecretError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut text =
            serde_json::to_string_pretty(self).map_err(|error| SecretError::Malformed {
                path: path.to_path_buf(),
                problem: error.to_string(),
            })?;
        text.push('\n');
        replace_file(path, text.as_bytes()).map_err(io)
    }

    /// The ring `serve` runs on: the issuing key with its secret (checked against its public
    /// key), and every other key verify-only.
    pub fn ring(&self, path: &Path) -> Result<LoadedRing, SecretError> {
        let key_error = |id: u32, problem: String| SecretError::Key {
            path: path.to_path_buf(),
            id,
            problem,
        };
        let id = self.issuing_key_id;
        let entry = self
            .keys
            .iter()
            .find(|key| key.id == id)
            .ok_or_else(|| key_error(id, "the issuing key is not in the file".into()))?;
        if entry.status != Status::Active {
            return Err(key_error(id, "the issuing key is retired".into()));
        }
        let secret_hex = entry
            .secret_key
            .as_deref()
            .ok_or_else(|| key_error(id, "the issuing key has no secret_key".into()))?;
        let secret = parse_secret(secret_hex)
            .map_err(|problem| key_error(id, format!("secret_key: {problem}")))?;
        let signing_key = ServerKey::from_secret(KeyId(id), secret);
        if crate::hex::encode(&signing_key.public_key()) != entry.public_key {
            return Err(key_error(id, "secret_key does not match public_key".into()));
        }
        let mut other_keys = Vec::new();
        for entry in self.keys.iter().filter(|key| key.id != id) {
            let public = crate::hex::decode_lowercase(&entry.public_key)
                .and_then(|bytes| <[u8; PUBLIC_KEY_BYTES]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    key_error(
                        entry.id,
                        format!(
                            "public_key must be {} lowercase hex digits",
                            2 * PUBLIC_KEY_BYTES
                        ),
                    )
                })?;
            other_keys.push((KeyId(entry.id), public, entry.status.into()));
        }
        Ok(LoadedRing {
            signing_key,
            other_keys,
        })
    }
}

/// Replaces `path` with `bytes` so that no reader ever sees half of it and nobody but the owner
/// can read it: a new file created with mode 0600 beside `path`, written, flushed to disk, then
/// renamed over `path` (atomic), and the directory flushed so the rename survives a crash.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|error| std::io::Error::other(error.to_string()))?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        crate::hex::encode(&random)
    ));
    let written = write_private(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    sync_directory(&directory)
}

fn fresh_key(id: u32) -> Result<ServerKey, SecretError> {
    ServerKey::generate(KeyId(id)).map_err(|error| SecretError::Weak {
        what: "generating a server key".into(),
        problem: error.to_string(),
    })
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    std::fs::File::open(directory)?.sync_all()
}

#[cfg(not(unix))]
fn sync_directory(_directory: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::Exposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), SecretError> {
    Ok(())
}

/// Parses a 32-byte secret from exactly 64 hex digits and refuses a weak one.
pub fn parse_secret(text: &str) -> Result<[u8; SECRET_KEY_BYTES], String> {
    let text = text.trim();
    let bytes = crate::hex::decode(text).ok_or_else(|| "not hex digits".to_string())?;
    let secret: [u8; SECRET_KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
        format!(
            "{} bytes; a secret is exactly {SECRET_KEY_BYTES} ({} hex digits)",
            bytes.len(),
            2 * SECRET_KEY_BYTES
        )
    })?;
    check_secret_bytes(&secret)?;
    Ok(secret)
}

/// Refuses secrets that are certainly not random: all one byte value (all zero included).
pub fn check_secret_bytes(secret: &[u8; SECRET_KEY_BYTES]) -> Result<(), String> {
    if secret.iter().all(|byte| *byte == secret[0]) {
        return Err(format!(
            "every byte is {:#04x}; use 32 random bytes (e.g. `openssl rand -hex 32`)",
            secret[0]
        ));
    }
    Ok(())
}

/// Refuses an operator token that cannot hold 32 random bytes.
pub fn check_operator_token(token: &str) -> Result<(), String> {
    let length = token.chars().count();
    if length < OPERATOR_TOKEN_CHARS_MIN {
        return Err(format!(
            "{length} characters; at least {OPERATOR_TOKEN_CHARS_MIN} are needed to hold 32 \
             random bytes (e.g. `openssl rand -hex 32`)"
        ));
    }
    let mut distinct: Vec<char> = token.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < OPERATOR_TOKEN_DISTINCT_MIN {
        return Err(format!(
            "only {} distinct characters; a random token has many more",
            distinct.len()
        ));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace or control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_secrets_are_refused_with_the_reason() {
        assert!(parse_secret(&"00".repeat(32))
            .unwrap_err()
            .contains("every byte is 0x00"));
        assert!(parse_secret(&"ab".repeat(32))
            .unwrap_err()
            .contains("every byte"));
        assert!(parse_secret(&"01".repeat(16))
            .unwrap_err()
            .contains("16 bytes"));
        assert!(parse_secret("xyz").unwrap_err().contains("not hex"));
        let mut good = [0u8; 32];
        good[31] = 1;
        assert_eq!(parse_secret(&crate::hex::encode(&good)), Ok(good));
    }

    #[test]
    fn operator_tokens_must_hold_32_random_bytes() {
        assert!(check_operator_token("operator-secret-for-tests")
            .unwrap_err()
            .contains("25 characters"));
        assert!(check_operator_token(&"ab".repeat(32))
            .unwrap_err()
            .contains("2 distinct"));
        assert_eq!(
            check_operator_token(
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            ),
            Ok(())
        );
    }
}
