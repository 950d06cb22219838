//! `playproof keys`: the server's ticket key ring as a JSON file (format and rules in
//! `playproof_server::secrets`). Every write is atomic and private: a new file with mode 0600,
//! flushed, then renamed over the old one.

use std::path::{Path, PathBuf};

use crate::output::outln;
use anyhow::{bail, Context, Result};
use playproof_proof::{KeyId, Keyring};
pub use playproof_server::secrets::KeyFile;

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
    /// Add a fresh active key and issue tickets with it; older keys stay active, so tickets
    /// they signed are still accepted.
    Rotate {
        #[arg(long)]
        keys: PathBuf,
    },
    /// Retire a key: tickets it signed are refused from now on, and its secret is deleted.
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
            KeyFile::generate()?.save(&out)?;
            outln!("wrote {} with active key 1", out.display())?;
        }
        Command::Rotate { keys } => {
            let mut file = KeyFile::load(&keys)?;
            let id = file.rotate()?;
            file.save(&keys)?;
            outln!(
                "added active key {id} to {}; it now issues tickets",
                keys.display()
            )?;
        }
        Command::Retire { keys, id } => {
            let mut file = KeyFile::load(&keys)?;
            file.retire(&keys, id)?;
            file.save(&keys)?;
            outln!("retired key {id} in {}", keys.display())?;
        }
    }
    Ok(())
}

/// The public key ring a verifier uses: every key of the file, with its status.
pub fn keyring(file: &KeyFile, path: &Path) -> Result<Keyring> {
    let mut keyring = Keyring::new();
    for entry in &file.keys {
        let public = unhex32(&entry.public_key)
            .with_context(|| format!("{}: key {}: public_key", path.display(), entry.id))?;
        keyring
            .add(KeyId(entry.id), public, entry.status.into())
            .with_context(|| format!("{}: key {}", path.display(), entry.id))?;
    }
    Ok(keyring)
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
    fn a_generated_ring_round_trips_through_json() {
        let file = KeyFile::generate().unwrap();
        let text = serde_json::to_string(&file).unwrap();
        let again: KeyFile = serde_json::from_str(&text).unwrap();
        let path = Path::new("keys.json");
        let ring = again.ring(path).unwrap();
        assert_eq!(ring.signing_key.id(), KeyId(1));
        assert_eq!(
            keyring(&again, path).unwrap().status(KeyId(1)),
            Some(playproof_proof::KeyStatus::Active)
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
