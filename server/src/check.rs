//! The seam between the service and proof verification.
//!
//! The service needs three things from a verifier: issue a ticket for (player, level); for
//! submitted bytes, either "not authentic, record nothing" or "this session, authentic"
//! ([`ProofCheck::authenticate`]); and, once the service has made sure the session is still
//! open, the verdict ([`ProofCheck::judge`]). The session is consumed by the ledger transaction
//! that records the verdict; the ledger never looks inside tickets or proofs.
//!
//! [`crate::signed::SignedProofCheck`] is the implementation: `playproof-proof`'s verifier.

use std::collections::BTreeMap;
use std::path::Path;

use game_core::Level;
pub use playproof_proof::Rejection;

/// A reason a ticket was refused: a stable machine-readable code and a readable message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRejection {
    pub code: &'static str,
    pub message: String,
}

impl CheckRejection {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        CheckRejection {
            code,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRequest {
    pub player_id: String,
    pub level_id: String,
    /// The client's session public key (Ed25519, 32 bytes) where the verifier uses one.
    pub session_public_key: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedTicket {
    /// 32 lowercase hex digits.
    pub session_id: String,
    pub ticket: Vec<u8>,
    /// The game seed the client plays with (also inside the ticket).
    pub seed: u64,
    pub expires_at_ms: u64,
}

/// Who played what, as stated by an authentic ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFacts {
    /// 32 lowercase hex digits.
    pub session_id: String,
    pub player_id: String,
    pub level_id: String,
}

/// A result the verifier reproduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scored {
    pub score: u32,
    pub stars: u8,
    /// The level's objectives were met (a lost game pays only where its table says so).
    pub passed: bool,
}

/// An accepted game: its result, and the facts of play the risk signals read (from the same
/// replay that produced the result).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    pub scored: Scored,
    pub play: crate::risk::PlayFacts,
}

/// A proof whose signatures hold: who played what, and what the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticProof {
    pub session: SessionFacts,
    pub(crate) proof: playproof_proof::Authentic,
}

/// Ticket issue and proof verification in two stages. Implementations are stateless and
/// CPU-bound: the service calls them off the async executor and keeps consumption in its own
/// store, between [`ProofCheck::authenticate`] and [`ProofCheck::judge`].
pub trait ProofCheck: Send + Sync + 'static {
    /// Whether tickets can be issued for `level_id`.
    fn has_level(&self, level_id: &str) -> bool;
    fn issue(&self, request: &TicketRequest, now_ms: u64) -> Result<IssuedTicket, CheckRejection>;
    /// Format and signatures: a rejection here ties the bytes to no session.
    fn authenticate(&self, proof: &[u8]) -> Result<AuthenticProof, Rejection>;
    /// Expiry, level, replay, claims and plausibility of an authentic proof received at `now_ms`.
    /// With `play_quality`, the replay also compares each match-3 move with the greedy and
    /// lookahead bots' and each merge-drop drop with its target (several times the replay's
    /// cost; `docs/RISK.md`).
    fn judge(
        &self,
        proof: &AuthenticProof,
        now_ms: u64,
        play_quality: bool,
    ) -> Result<Judged, Rejection>;
}

/// Largest level file the catalogue reads, in bytes (game-core's own bound).
pub const LEVEL_FILE_BYTES_MAX: u64 = game_core::level::LEVEL_FILE_BYTES_MAX as u64;
/// Most level files in a catalogue directory tree.
pub const LEVEL_FILES_MAX: usize = 10_000;
/// Deepest directory nesting searched for level files.
const LEVEL_DIR_DEPTH_MAX: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is {bytes} bytes; at most {LEVEL_FILE_BYTES_MAX} are allowed")]
    TooLarge { path: String, bytes: u64 },
    #[error("{path}: {problem}")]
    Invalid { path: String, problem: String },
    #[error("more than {LEVEL_FILES_MAX} level files")]
    TooMany,
}

/// The playable levels by id, with the exact file bytes (verifiers identify a level by their
/// hash).
#[derive(Clone, Debug, Default)]
pub struct LevelCatalogue {
    levels: BTreeMap<String, (Level, Vec<u8>)>,
}

impl LevelCatalogue {
    /// A catalogue of level files given as bytes; `origin` names them in errors.
    pub fn from_files(
        origin: &str,
        files: impl IntoIterator<Item = Vec<u8>>,
    ) -> Result<Self, CatalogueError> {
        let mut catalogue = LevelCatalogue::default();
        for bytes in files {
            catalogue.add(origin.to_string(), bytes)?;
        }
        Ok(catalogue)
    }

    fn add(&mut self, path: String, bytes: Vec<u8>) -> Result<(), CatalogueError> {
        let level = Level::from_json(&bytes).map_err(|error| CatalogueError::Invalid {
            path: path.clone(),
            problem: error.to_string(),
        })?;
        if self.levels.contains_key(&level.id) {
            return Err(CatalogueError::Invalid {
                path,
                problem: format!("level id {:?} is used by another file", level.id),
            });
        }
        self.levels.insert(level.id.clone(), (level, bytes));
        Ok(())
    }

    /// Every `*.json` under `dir` (searched a few levels deep).
    pub fn load_dir(dir: &Path) -> Result<Self, CatalogueError> {
        let mut paths = Vec::new();
        collect_json(dir, 0, &mut paths)?;
        paths.sort();
        let mut catalogue = LevelCatalogue::default();
        for path in paths {
            let shown = path.display().to_string();
            let io = |source| CatalogueError::Io {
                path: shown.clone(),
                source,
            };
            let bytes = std::fs::metadata(&path).map_err(io)?.len();
            if bytes > LEVEL_FILE_BYTES_MAX {
                return Err(CatalogueError::TooLarge { path: shown, bytes });
            }
            let text = std::fs::read(&path).map_err(io)?;
            catalogue.add(shown, text)?;
        }
        Ok(catalogue)
    }

    pub fn get(&self, level_id: &str) -> Option<&Level> {
        self.levels.get(level_id).map(|(level, _)| level)
    }

    /// The level file's exact bytes.
    pub fn file(&self, level_id: &str) -> Option<&[u8]> {
        self.levels.get(level_id).map(|(_, bytes)| bytes.as_slice())
    }

    pub fn files(&self) -> impl Iterator<Item = &[u8]> {
        self.levels.values().map(|(_, bytes)| bytes.as_slice())
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.levels.keys().map(String::as_str)
    }
}

fn collect_json(
    dir: &Path,
    depth: u32,
    out: &mut Vec<std::path::PathBuf>,
) -> Result<(), CatalogueError> {
    let io = |source| CatalogueError::Io {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() && depth < LEVEL_DIR_DEPTH_MAX {
            collect_json(&path, depth + 1, out)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            out.push(path);
            if out.len() > LEVEL_FILES_MAX {
                return Err(CatalogueError::TooMany);
            }
        }
    }
    Ok(())
}

/// How long an issued ticket stays valid, in milliseconds: a session is at most a few minutes,
/// and a client may queue its proof while offline for a while.
pub const TICKET_TTL_MS: u64 = 30 * 60 * 1000;
