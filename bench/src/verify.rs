//! `playproof-bench verify`: full proof verifications per second on one core (decode, the
//! ticket and session signatures, the replay, the claim and plausibility checks), for a
//! 3-minute session of every game mode that has a level under `assets/levels/`.
//!
//! Each mode's session is the longest bot session (capped at 3 minutes of game time) among its
//! levels. Replay alone is measured in the same run as the comparison peer: the difference is
//! the price of the proof itself.
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use playproof_bots::{play, standard_bot, Recording};

use crate::levels::{shipped_levels, three_minute_pace, LevelFile, SESSION_TICKS};
use game_core::{replay, RULES_VERSION, TICK_HZ};
use playproof_proof::{
    decode_proof, level_hash, KeyId, KeyStatus, Keyring, LevelCatalogue, PlausibilityPolicy,
    ProofBody, ServerKey, SessionId, SessionKey, SessionStore, TicketBody, Verifier,
};

/// How long each measurement runs.
const MEASURE_FOR: Duration = Duration::from_secs(2);
const ISSUED_AT_MS: u64 = 1_800_000_000_000;

/// Consumes nothing, so the same proof can be judged again and again.
struct NoSessionStore;

impl SessionStore for NoSessionStore {
    type Error = std::convert::Infallible;

    fn consume(&mut self, _: SessionId) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

pub fn run() -> Result<()> {
    let mut by_mode: BTreeMap<&str, Vec<LevelFile>> = BTreeMap::new();
    for file in shipped_levels()? {
        by_mode
            .entry(file.level.game.mode_name())
            .or_default()
            .push(file);
    }

    let server = ServerKey::from_secret(KeyId(1), [0x5e; 32]);
    let mut keyring = Keyring::new();
    keyring.add(server.id(), server.public_key(), KeyStatus::Active)?;
    let mut catalogue = LevelCatalogue::new();
    for files in by_mode.values() {
        for file in files {
            catalogue.insert(&file.bytes)?;
        }
    }
    let verifier = Verifier::new(keyring, catalogue, PlausibilityPolicy::default());

    println!("verify: full proof verification on one core, shipped levels");
    println!("(decode + ticket signature + session signature + replay + claims + plausibility)");
    println!();
    println!(
        "| mode | level | game time | inputs | proof bytes | decode | replay alone | full verify | verifications/s/core | replays/s/core |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (mode, files) in &by_mode {
        let (file, seed, recording) = longest_session(files)?;
        let key = SessionKey::from_entropy([0x22; 32]);
        let ticket_body = TicketBody {
            session_id: SessionId([0x1d; 16]),
            player_id: "bench".into(),
            level_id: file.level.id.clone(),
            level_hash: level_hash(&file.bytes),
            seed,
            rules_version: RULES_VERSION,
            issued_at_ms: ISSUED_AT_MS,
            expires_at_ms: ISSUED_AT_MS + 3_600_000,
            session_public_key: key.public_key(),
        };
        let ticket = server.issue_ticket(&ticket_body)?;
        let body =
            ProofBody::from_replay(ticket, recording.inputs.clone(), &recording.outcome, true);
        let proof = key.sign_proof(&body)?;
        let now_ms =
            ISSUED_AT_MS + u64::from(recording.outcome.ticks) * 1000 / u64::from(TICK_HZ) + 1_000;

        let verdict = verifier.verify(&proof, now_ms, &mut NoSessionStore);
        let Ok(verdict) = verdict;
        if !verdict.is_accepted() {
            bail!(
                "{}: the benchmark proof is rejected: {verdict:?}",
                file.path.display()
            );
        }

        let decode = per_call(|| {
            black_box(decode_proof(black_box(&proof)).is_ok());
        });
        let replay_alone = per_call(|| {
            black_box(replay(&file.level, seed, black_box(&recording.inputs)).is_ok());
        });
        let full = per_call(|| {
            let Ok(verdict) = verifier.verify(black_box(&proof), now_ms, &mut NoSessionStore);
            black_box(verdict);
        });
        println!(
            "| {mode} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} |",
            file.level.id,
            game_time(recording.outcome.ticks),
            recording.inputs.len(),
            proof.len(),
            micros(decode),
            micros(replay_alone),
            micros(full),
            1.0 / full.as_secs_f64(),
            1.0 / replay_alone.as_secs_f64(),
        );
    }
    println!();
    println!(
        "Budget (DESIGN.md §10): replay of a 3-minute match-3 session >= 2,000/s on one core;"
    );
    println!("verify + credit >= 1,000 proofs/s on 2 cores, so the verification here must leave room for the ledger.");
    Ok(())
}

/// The longest bot session among `files` (a few seeds each), capped at 3 minutes.
fn longest_session(files: &[LevelFile]) -> Result<(&LevelFile, u64, Recording)> {
    let mut best: Option<(&LevelFile, u64, Recording)> = None;
    for file in files {
        for seed in 1..=4u64 {
            let recording = play(
                &file.level,
                seed,
                standard_bot(&file.level).as_mut(),
                three_minute_pace(&file.level),
                seed,
                SESSION_TICKS,
            )
            .with_context(|| format!("{}: bot session", file.path.display()))?;
            let longer = best
                .as_ref()
                .is_none_or(|(_, _, current)| recording.outcome.ticks > current.outcome.ticks);
            if longer {
                best = Some((file, seed, recording));
            }
        }
    }
    best.context("no session")
}

/// Mean wall time of one call of `work`, over at least `MEASURE_FOR`.
fn per_call(mut work: impl FnMut()) -> Duration {
    for _ in 0..3 {
        work();
    }
    let mut calls = 0u32;
    let start = Instant::now();
    while start.elapsed() < MEASURE_FOR {
        for _ in 0..16 {
            work();
        }
        calls += 16;
    }
    start.elapsed() / calls
}

fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

fn game_time(ticks: u32) -> String {
    let seconds = ticks / TICK_HZ;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
