//! `playproof keys`: the server's ticket key ring as a JSON file.
//!
//! ```json
//! { "issuing_key_id": 2,
//!   "keys": [ { "id": 1, "status": "retired", "public_key": "<hex>", "secret_key": "<hex>" },
//!             { "id": 2, "status": "active",  "public_key": "<hex>", "secret_key": "<hex>" } ] }
//! ```
//! Verifiers need only the public keys; `secret_key` may be left out of their copy.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use playproof_proof::{KeyId, KeyStatus, Keyring, ServerKey};
use serde::{Deserialize, Serialize};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create a key ring with one fresh active key.
    New {
        /// Where to write the key ring (refuses to overwrite).
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a fresh active key and issue tickets with it; older keys stay active.
    Rotate {
        #[arg(long)]
        keys: PathBuf,
    },
    /// Retire a key: tickets it signed are refused from now on.
    Retire {
        #[arg(long)]
        keys: PathBuf,
        #[arg(long)]
        id: u32,
    },
}

pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::New { out } => {
            if out.exists() {
                bail!(
                    "{} already exists; not overwriting a key ring",
                    out.display()
                );
            }
            let key = ServerKey::generate(KeyId(1)).context("generating a server key")?;
            let file = KeyFile {
                issuing_key_id: 1,
                keys: vec![KeyEntry::of(&key, Status::Active)],
            };
            file.save(&out)?;
            println!("wrote {} with active key 1", out.display());
        }
        Command::Rotate { keys } => {
            let mut file = KeyFile::load(&keys)?;
            let id = file.keys.iter().map(|key| key.id).max().unwrap_or(0) + 1;
            let key = ServerKey::generate(KeyId(id)).context("generating a server key")?;
            file.keys.push(KeyEntry::of(&key, Status::Active));
            file.issuing_key_id = id;
            file.save(&keys)?;
            println!(
                "added active key {id} to {}; it now issues tickets",
                keys.display()
            );
        }
        Command::Retire { keys, id } => {
            let mut file = KeyFile::load(&keys)?;
            if id == file.issuing_key_id {
                bail!("key {id} issues tickets; rotate to a new key before retiring it");
            }
            let Some(entry) = file.keys.iter_mut().find(|key| key.id == id) else {
                bail!("{}: no key with id {id}", keys.display());
            };
            entry.status = Status::Retired;
            file.save(&keys)?;
            println!("retired key {id} in {}", keys.display());
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Retired,
}

#[derive(Debug, Serialize, Deserialize)]
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
            public_key: hex(&key.public_key()),
            secret_key: Some(hex(&key.secret())),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub issuing_key_id: u32,
    pub keys: Vec<KeyEntry>,
}

impl KeyFile {
    pub fn load(path: &Path) -> Result<KeyFile> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a key ring file", path.display()))
    }

    fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The public key ring a verifier uses.
    pub fn keyring(&self, path: &Path) -> Result<Keyring> {
        let mut keyring = Keyring::new();
        for entry in &self.keys {
            let public = unhex32(&entry.public_key)
                .with_context(|| format!("{}: key {}: public_key", path.display(), entry.id))?;
            let status = match entry.status {
                Status::Active => KeyStatus::Active,
                Status::Retired => KeyStatus::Retired,
            };
            keyring
                .add(KeyId(entry.id), public, status)
                .with_context(|| format!("{}: key {}", path.display(), entry.id))?;
        }
        Ok(keyring)
    }

    /// The key that issues tickets, with its secret.
    pub fn issuing_key(&self, path: &Path) -> Result<ServerKey> {
        let id = self.issuing_key_id;
        let entry =
            self.keys.iter().find(|key| key.id == id).with_context(|| {
                format!("{}: issuing key {id} is not in the file", path.display())
            })?;
        if entry.status != Status::Active {
            bail!("{}: issuing key {id} is retired", path.display());
        }
        let secret = entry
            .secret_key
            .as_deref()
            .with_context(|| format!("{}: key {id} has no secret_key", path.display()))?;
        let secret =
            unhex32(secret).with_context(|| format!("{}: key {id}: secret_key", path.display()))?;
        let key = ServerKey::from_secret(KeyId(id), secret);
        if hex(&key.public_key()) != entry.public_key {
            bail!(
                "{}: key {id}: secret_key does not match public_key",
                path.display()
            );
        }
        Ok(key)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Parses exactly 64 hex digits.
pub fn unhex32(text: &str) -> Result<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        bail!("expected 64 hex digits, found {} characters", bytes.len());
    }
    let mut out = [0u8; 32];
    for (index, pair) in bytes.chunks_exact(2).enumerate() {
        let digits = std::str::from_utf8(pair).ok();
        out[index] = digits
            .and_then(|digits| u8::from_str_radix(digits, 16).ok())
            .with_context(|| format!("not a hex digit pair at character {}", index * 2))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_through_json_and_hex() {
        let key = ServerKey::from_secret(KeyId(3), [7; 32]);
        let file = KeyFile {
            issuing_key_id: 3,
            keys: vec![KeyEntry::of(&key, Status::Active)],
        };
        let text = serde_json::to_string(&file).unwrap();
        let again: KeyFile = serde_json::from_str(&text).unwrap();
        let path = Path::new("keys.json");
        assert_eq!(
            again.issuing_key(path).unwrap().public_key(),
            key.public_key()
        );
        assert_eq!(
            again.keyring(path).unwrap().status(KeyId(3)),
            Some(KeyStatus::Active)
        );
    }

    #[test]
    fn malformed_hex_is_an_error_not_a_panic() {
        assert!(unhex32("zz").is_err());
        assert!(unhex32(&"é".repeat(32)).is_err());
        assert!(unhex32(&"0g".repeat(32)).is_err());
        assert_eq!(unhex32(&"ff".repeat(32)).unwrap(), [0xff; 32]);
    }
}
