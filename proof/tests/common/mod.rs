//! Shared fixtures: the levels under test, a server with one ticket key, and valid sessions
//! played by bots and signed like a client would.
#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use game_core::{Level, ReplayOutcome, RULES_VERSION, TICK_HZ};
use playproof_bots::{play_random, Pacing, Recording};
use playproof_proof::{
    level_hash, KeyId, KeyStatus, Keyring, LevelCatalogue, MemorySessionStore, PlausibilityPolicy,
    ProofBody, ServerKey, SessionId, SessionKey, TicketBody, Verdict, Verifier,
};

/// When every ticket in these tests is issued (unix ms, in 2027).
pub const ISSUED_AT_MS: u64 = 1_800_000_000_000;
/// How long a ticket stays valid.
pub const TICKET_LIFETIME_MS: u64 = 2 * 60 * 60 * 1000;
/// The server's ticket key id.
pub const SERVER_KEY_ID: KeyId = KeyId(7);

pub struct LevelFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub level: Level,
}

/// Every shipped level under `assets/levels/` (both game modes), sorted by path.
pub fn level_files() -> Vec<LevelFile> {
    let mut paths = Vec::new();
    collect_json(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels"),
        &mut paths,
    );
    paths.sort();
    assert!(!paths.is_empty(), "no shipped levels to test with");
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable level file");
            let level = Level::from_json(&bytes)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            LevelFile { path, bytes, level }
        })
        .collect()
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable level directory") {
        let path = entry.expect("readable directory entry").path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// Plays the mode's random bot through `level` at human pace.
pub fn record(level: &Level, seed: u64, bot_seed: u64) -> Recording {
    play_random(level, seed, Pacing::HUMAN, bot_seed).expect("a bot's session replays")
}

/// Wall-clock milliseconds a session of `ticks` takes at least.
pub fn game_ms(ticks: u32) -> u64 {
    u64::from(ticks) * 1000 / u64::from(TICK_HZ)
}

/// A server with one active ticket key and every level under test.
pub struct World {
    pub server: ServerKey,
    pub levels: Vec<LevelFile>,
    pub verifier: Verifier,
}

impl World {
    pub fn new() -> World {
        World::with_policy(PlausibilityPolicy::default())
    }

    pub fn with_policy(policy: PlausibilityPolicy) -> World {
        let server = ServerKey::from_secret(SERVER_KEY_ID, [0x5e; 32]);
        let mut keyring = Keyring::new();
        keyring
            .add(server.id(), server.public_key(), KeyStatus::Active)
            .expect("valid key");
        let levels = level_files();
        let mut catalogue = LevelCatalogue::new();
        for file in &levels {
            catalogue.insert(&file.bytes).expect("valid level");
        }
        let verifier = Verifier::new(keyring, catalogue, policy);
        World {
            server,
            levels,
            verifier,
        }
    }

    /// Session number `n` on level `level_index`: a ticket, a bot's play and a signed proof.
    pub fn session(&self, level_index: usize, n: u64) -> Session {
        let file = &self.levels[level_index];
        let seed = 0x5eed_0000 + n;
        let recording = record(&file.level, seed, n);
        let key = SessionKey::from_entropy(entropy(n));
        let ticket_body = TicketBody {
            session_id: session_id(n),
            player_id: format!("player-{}", n % 17),
            level_id: file.level.id.clone(),
            level_hash: level_hash(&file.bytes),
            seed,
            rules_version: RULES_VERSION,
            issued_at_ms: ISSUED_AT_MS,
            expires_at_ms: ISSUED_AT_MS + TICKET_LIFETIME_MS,
            session_public_key: key.public_key(),
        };
        let ticket = self
            .server
            .issue_ticket(&ticket_body)
            .expect("encodable ticket");
        // Half the proofs carry checkpoint hashes, half do not: both forms are valid.
        let body = ProofBody::from_replay(
            ticket.clone(),
            recording.inputs.clone(),
            &recording.outcome,
            n.is_multiple_of(2),
        );
        let proof = key.sign_proof(&body).expect("encodable proof");
        let submitted_at_ms = ISSUED_AT_MS + game_ms(recording.outcome.ticks) + 1_500;
        Session {
            key,
            ticket_body,
            ticket,
            body,
            outcome: recording.outcome,
            proof,
            submitted_at_ms,
        }
    }

    /// At least `count` sessions spread over every level.
    pub fn sessions(&self, count: usize) -> Vec<Session> {
        let per_level = count.div_ceil(self.levels.len()) as u64;
        (0..self.levels.len())
            .flat_map(|level| (0..per_level).map(move |i| (level, level as u64 * 1000 + i)))
            .map(|(level, n)| self.session(level, n))
            .collect()
    }

    /// Judges `proof` at `now_ms` against a fresh session store.
    pub fn verify(&self, proof: &[u8], now_ms: u64) -> Verdict {
        let mut store = MemorySessionStore::new();
        match self.verifier.verify(proof, now_ms, &mut store) {
            Ok(verdict) => verdict,
            Err(never) => match never {},
        }
    }
}

pub fn entropy(n: u64) -> [u8; 32] {
    let mut bytes = [0xa5; 32];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    bytes
}

pub fn session_id(n: u64) -> SessionId {
    let mut bytes = [0x1d; 16];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    SessionId(bytes)
}

/// One valid session, with the parts a forger would start from.
pub struct Session {
    pub key: SessionKey,
    pub ticket_body: TicketBody,
    pub ticket: Vec<u8>,
    pub body: ProofBody,
    pub outcome: ReplayOutcome,
    pub proof: Vec<u8>,
    pub submitted_at_ms: u64,
}

impl Session {
    /// `body` signed with this session's own key: a client forging its own claims.
    pub fn sign(&self, body: &ProofBody) -> Vec<u8> {
        self.key.sign_proof(body).expect("encodable proof")
    }
}

/// The reason code of a verdict, or "accepted".
pub fn code(verdict: &Verdict) -> &'static str {
    verdict.reason().map_or("accepted", |reason| reason.code())
}
