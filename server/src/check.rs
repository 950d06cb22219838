//! The seam between the service and proof verification.
//!
//! The service needs three things from a verifier: issue a ticket for (player, level), and for
//! submitted bytes either "not authentic, record nothing" or "this session, with this verdict".
//! [`ProofCheck`] is exactly that; the ledger never looks inside tickets or proofs.
//!
//! [`MacReplayCheck`] is the interim implementation used until the `playproof-proof` crate (Ed25519
//! tickets and session-signed proofs) is wired in: tickets are authenticated with HMAC-SHA256
//! under a server secret and proofs are replayed with game-core. It binds a proof to its ticket
//! but not to a session key, and checks no plausibility; it is therefore only for development and
//! tests, and `playproof serve` says so when it uses it.

use std::collections::BTreeMap;
use std::path::Path;

use game_core::kernel::input::{decode_input_log, encode_input_log};
use game_core::{replay, Input, Level};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A reason a ticket or proof was refused: a stable machine-readable code and a readable message.
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    /// The bytes cannot be tied to a session the server issued: nothing is recorded.
    Unusable(CheckRejection),
    /// An authentic session. Its verdict is recorded and the session consumed, whatever it is.
    Authentic {
        session: SessionFacts,
        verdict: Result<Scored, CheckRejection>,
    },
}

/// Ticket issue and proof verification. Implementations are stateless and CPU-bound: the service
/// calls [`ProofCheck::check`] off the async executor and keeps consumption in its own store.
pub trait ProofCheck: Send + Sync + 'static {
    /// Whether tickets can be issued for `level_id`.
    fn has_level(&self, level_id: &str) -> bool;
    fn issue(&self, request: &TicketRequest, now_ms: u64) -> Result<IssuedTicket, CheckRejection>;
    fn check(&self, proof: &[u8], now_ms: u64) -> Checked;
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

type HmacSha256 = Hmac<Sha256>;

/// Interim ticket magic (`PPDT`) and proof magic (`PPDP`), version 1.
const INTERIM_TICKET_MAGIC: [u8; 4] = *b"PPDT";
const INTERIM_PROOF_MAGIC: [u8; 4] = *b"PPDP";
const INTERIM_FORMAT_VERSION: u8 = 1;
const MAC_BYTES: usize = 32;
/// Longest player or level id in an interim ticket, in bytes.
pub const INTERIM_ID_BYTES_MAX: usize = 64;
/// Largest interim ticket: magic, version, session id, two ids, seed, two times, MAC.
const INTERIM_TICKET_BYTES_MAX: usize =
    4 + 1 + 16 + 2 * (1 + INTERIM_ID_BYTES_MAX) + 3 * 8 + MAC_BYTES;
/// How long an issued ticket stays valid, in milliseconds: a session is at most a few minutes.
pub const TICKET_TTL_MS: u64 = 30 * 60 * 1000;

/// Interim verifier: HMAC-authenticated tickets and game-core replay (see the module docs).
pub struct MacReplayCheck {
    secret: [u8; 32],
    levels: LevelCatalogue,
}

impl MacReplayCheck {
    pub fn new(secret: [u8; 32], levels: LevelCatalogue) -> Self {
        MacReplayCheck { secret, levels }
    }

    fn mac(&self, bytes: &[u8]) -> [u8; MAC_BYTES] {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }
}

/// Builds an interim proof: what a client sends after playing `ticket` with `inputs`.
pub fn encode_interim_proof(ticket: &[u8], inputs: &[Input], claimed_score: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(ticket.len() + 16 + inputs.len() * 6);
    out.extend_from_slice(&INTERIM_PROOF_MAGIC);
    out.push(INTERIM_FORMAT_VERSION);
    out.extend_from_slice(&(ticket.len() as u16).to_le_bytes());
    out.extend_from_slice(ticket);
    out.extend_from_slice(&claimed_score.to_le_bytes());
    encode_input_log(inputs, &mut out);
    out
}

/// A byte cursor that refuses to read past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, count: usize, field: &str) -> Result<&'a [u8], CheckRejection> {
        if self.bytes.len() < count {
            return Err(CheckRejection::new(
                "truncated",
                format!("the data ends inside `{field}`"),
            ));
        }
        let (head, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N], CheckRejection> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u64(&mut self, field: &str) -> Result<u64, CheckRejection> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    fn id(&mut self, field: &str) -> Result<String, CheckRejection> {
        let length = usize::from(self.array::<1>(field)?[0]);
        if length == 0 || length > INTERIM_ID_BYTES_MAX {
            return Err(CheckRejection::new(
                "out_of_bounds",
                format!("`{field}` is {length} bytes; allowed 1 to {INTERIM_ID_BYTES_MAX}"),
            ));
        }
        let raw = self.take(length, field)?;
        String::from_utf8(raw.to_vec())
            .map_err(|_| CheckRejection::new("invalid_utf8", format!("`{field}` is not UTF-8")))
    }
}

struct InterimTicket {
    session_id: [u8; 16],
    player_id: String,
    level_id: String,
    seed: u64,
    expires_at_ms: u64,
}

impl MacReplayCheck {
    fn open_ticket(&self, bytes: &[u8]) -> Result<InterimTicket, CheckRejection> {
        if bytes.len() > INTERIM_TICKET_BYTES_MAX || bytes.len() < MAC_BYTES {
            return Err(CheckRejection::new(
                "out_of_bounds",
                format!("the ticket is {} bytes", bytes.len()),
            ));
        }
        let (signed, mac) = bytes.split_at(bytes.len() - MAC_BYTES);
        let mut verifier = HmacSha256::new_from_slice(&self.secret).expect("any key length");
        verifier.update(signed);
        if verifier.verify_slice(mac).is_err() {
            return Err(CheckRejection::new(
                "bad_ticket_signature",
                "the ticket was not issued by this server",
            ));
        }
        let mut cursor = Cursor { bytes: signed };
        if cursor.array::<4>("magic")? != INTERIM_TICKET_MAGIC {
            return Err(CheckRejection::new("bad_magic", "not a ticket"));
        }
        if cursor.array::<1>("format_version")?[0] != INTERIM_FORMAT_VERSION {
            return Err(CheckRejection::new(
                "unsupported_format_version",
                "unknown ticket version",
            ));
        }
        let session_id = cursor.array("session_id")?;
        let player_id = cursor.id("player_id")?;
        let level_id = cursor.id("level_id")?;
        let seed = cursor.u64("seed")?;
        let _issued_at_ms = cursor.u64("issued_at_ms")?;
        let expires_at_ms = cursor.u64("expires_at_ms")?;
        if !cursor.bytes.is_empty() {
            return Err(CheckRejection::new(
                "trailing_bytes",
                "the ticket has trailing bytes",
            ));
        }
        Ok(InterimTicket {
            session_id,
            player_id,
            level_id,
            seed,
            expires_at_ms,
        })
    }
}

impl ProofCheck for MacReplayCheck {
    fn has_level(&self, level_id: &str) -> bool {
        self.levels.get(level_id).is_some()
    }

    fn issue(&self, request: &TicketRequest, now_ms: u64) -> Result<IssuedTicket, CheckRejection> {
        for (field, id) in [
            ("player_id", &request.player_id),
            ("level_id", &request.level_id),
        ] {
            if id.is_empty() || id.len() > INTERIM_ID_BYTES_MAX {
                return Err(CheckRejection::new(
                    "out_of_bounds",
                    format!(
                        "`{field}` is {} bytes; allowed 1 to {INTERIM_ID_BYTES_MAX}",
                        id.len()
                    ),
                ));
            }
        }
        let mut random = [0u8; 24];
        getrandom::fill(&mut random)
            .map_err(|error| CheckRejection::new("internal", format!("no randomness: {error}")))?;
        let session_id: [u8; 16] = random[..16].try_into().expect("16 of 24 bytes");
        let seed = u64::from_le_bytes(random[16..].try_into().expect("8 of 24 bytes"));
        let expires_at_ms = now_ms.saturating_add(TICKET_TTL_MS);
        let mut ticket = Vec::with_capacity(INTERIM_TICKET_BYTES_MAX);
        ticket.extend_from_slice(&INTERIM_TICKET_MAGIC);
        ticket.push(INTERIM_FORMAT_VERSION);
        ticket.extend_from_slice(&session_id);
        for id in [&request.player_id, &request.level_id] {
            ticket.push(id.len() as u8);
            ticket.extend_from_slice(id.as_bytes());
        }
        ticket.extend_from_slice(&seed.to_le_bytes());
        ticket.extend_from_slice(&now_ms.to_le_bytes());
        ticket.extend_from_slice(&expires_at_ms.to_le_bytes());
        let mac = self.mac(&ticket);
        ticket.extend_from_slice(&mac);
        debug_assert!(ticket.len() <= INTERIM_TICKET_BYTES_MAX);
        Ok(IssuedTicket {
            session_id: crate::hex::encode(&session_id),
            ticket,
            seed,
            expires_at_ms,
        })
    }

    fn check(&self, proof: &[u8], now_ms: u64) -> Checked {
        let mut cursor = Cursor { bytes: proof };
        let header = (|| {
            if cursor.array::<4>("magic")? != INTERIM_PROOF_MAGIC {
                return Err(CheckRejection::new("bad_magic", "the body is not a proof"));
            }
            if cursor.array::<1>("format_version")?[0] != INTERIM_FORMAT_VERSION {
                return Err(CheckRejection::new(
                    "unsupported_format_version",
                    "unknown proof version",
                ));
            }
            let ticket_length = usize::from(u16::from_le_bytes(cursor.array("ticket_length")?));
            let ticket = self.open_ticket(cursor.take(ticket_length, "ticket")?)?;
            let claimed_score = u32::from_le_bytes(cursor.array("claimed_score")?);
            Ok((ticket, claimed_score))
        })();
        let (ticket, claimed_score) = match header {
            Ok(header) => header,
            Err(rejection) => return Checked::Unusable(rejection),
        };
        let session = SessionFacts {
            session_id: crate::hex::encode(&ticket.session_id),
            player_id: ticket.player_id.clone(),
            level_id: ticket.level_id.clone(),
        };
        let verdict = (|| {
            if now_ms > ticket.expires_at_ms {
                return Err(CheckRejection::new(
                    "ticket_expired",
                    format!("the ticket expired at {} ms", ticket.expires_at_ms),
                ));
            }
            let level = self.levels.get(&ticket.level_id).ok_or_else(|| {
                CheckRejection::new(
                    "unknown_level",
                    format!("level {:?} is not served", ticket.level_id),
                )
            })?;
            let inputs = decode_input_log(cursor.bytes).map_err(|error| {
                CheckRejection::new("invalid_input_log", format!("input log: {error}"))
            })?;
            let outcome = replay(level, ticket.seed, &inputs)
                .map_err(|error| CheckRejection::new(error.code(), error.to_string()))?;
            if outcome.score != claimed_score {
                return Err(CheckRejection::new(
                    "score_mismatch",
                    format!(
                        "claimed score {claimed_score}, replay scored {}",
                        outcome.score
                    ),
                ));
            }
            Ok(Scored {
                score: outcome.score,
                stars: outcome.stars,
            })
        })();
        Checked::Authentic { session, verdict }
    }
}
