//! The levels a verifier knows, by the SHA-256 of their file bytes. A ticket names a level by
//! that hash, so a level edited after the ticket was issued is a different (unknown) level.

use alloc::collections::BTreeMap;

use game_core::{Level, LevelError};
use sha2::{Digest, Sha256};

/// SHA-256 of a level file's exact bytes.
pub type LevelHash = [u8; 32];

pub fn level_hash(file_bytes: &[u8]) -> LevelHash {
    Sha256::digest(file_bytes).into()
}

/// Levels by content hash.
#[derive(Clone, Debug, Default)]
pub struct LevelCatalogue {
    by_hash: BTreeMap<LevelHash, Level>,
}

impl LevelCatalogue {
    pub fn new() -> LevelCatalogue {
        LevelCatalogue::default()
    }

    /// Parses and validates a level file and files it under its content hash.
    pub fn insert(&mut self, file_bytes: &[u8]) -> Result<LevelHash, LevelError> {
        let level = Level::from_json(file_bytes)?;
        let hash = level_hash(file_bytes);
        self.by_hash.insert(hash, level);
        Ok(hash)
    }

    pub fn get(&self, hash: &LevelHash) -> Option<&Level> {
        self.by_hash.get(hash)
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&LevelHash, &Level)> {
        self.by_hash.iter()
    }
}
