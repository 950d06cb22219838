//! `cargo xtask test`: every check, in the order that fails fastest.

use anyhow::Result;

use crate::shell::{cargo, run};
use crate::{postgres, setup};

/// The server's PostgreSQL tests read their database URL here; without it they skip.
const POSTGRES_URL_ENV: &str = "PLAYPROOF_TEST_POSTGRES_URL";

/// Randomised sessions replayed natively and in wasm. Fixed seed: the same sessions every run,
/// printed so a failure can be reproduced.
const CROSS_TARGET_MATCH3_SESSIONS: u32 = 500;
const CROSS_TARGET_MERGE_DROP_SESSIONS: u32 = 200;
const CROSS_TARGET_SEED: u64 = 20_261_121;

pub fn all() -> Result<()> {
    setup::all()?;
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    std::env::set_var(POSTGRES_URL_ENV, postgres::ensure()?);
    cargo(&["test", "--workspace"])?;
    // What the mini-game artifact links must build without std for the MVP-only wasm target.
    for package in ["game-core", "playproof-proof"] {
        cargo(&[
            "build",
            "-p",
            package,
            "--no-default-features",
            "--target",
            "wasm32v1-none",
            "--release",
        ])?;
    }
    cross_target()
}

/// The determinism proof: the same sessions natively, as wasm under Node and as wasm in headless
/// Chromium, every checkpoint hash compared.
fn cross_target() -> Result<()> {
    cargo(&[
        "build",
        "-p",
        "game-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ])?;
    let sessions = "target/cross-target-sessions.json";
    cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "playproof-tests",
        "--bin",
        "sessions",
        "--",
        "cross-target",
        "--match3",
        &CROSS_TARGET_MATCH3_SESSIONS.to_string(),
        "--merge-drop",
        &CROSS_TARGET_MERGE_DROP_SESSIONS.to_string(),
        "--seed",
        &CROSS_TARGET_SEED.to_string(),
        "--out",
        sessions,
    ])?;
    let wasm = "target/wasm32-unknown-unknown/release/game_wasm.wasm";
    run("node", &["tests/cross-target/check.mjs", wasm, sessions])?;
    run("node", &["tests/browser/cross-target.mjs", wasm, sessions])
}
