//! `cargo xtask test`: every check, in the order that fails fastest.

use anyhow::Result;

use crate::shell::{cargo, run};
use crate::{minigame, postgres, setup, web};

/// The server's PostgreSQL tests read their database URL here; without it they skip.
pub(crate) const POSTGRES_URL_ENV: &str = "PLAYPROOF_TEST_POSTGRES_URL";

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
    // The browser build's code (feature "web") only compiles for wasm.
    cargo(&[
        "clippy",
        "-p",
        "game-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "web",
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
    // The mini-game artifact: built, validated MVP-only, exports checked, size budget held.
    minigame::build(&minigame::Options::default())?;
    cross_target()?;
    level_pack_gate()?;
    web_browser()?;
    minigame_projects()
}

/// The artifact through the shim's ABI client (bad input gets errors, not traps), the
/// withdraw flow (withdraw.js, and each project's wallet in its sandbox); then each
/// platform's project booted in a sandbox that has only what that mini-game runtime has,
/// one full session played with touch events against the real backend, the proof verified.
fn minigame_projects() -> Result<()> {
    // The withdraw tests start the service and the WeChat Pay stand-in from the debug build;
    // without the binaries they would skip.
    cargo(&["build", "-p", "playproof", "-p", "playproof-paysim"])?;
    run("node", &["--test", "tests/minigame/"])?;
    run(
        "node",
        &[
            "tests/minigame/projects.mjs",
            crate::PLAYPROOF_RELEASE,
            minigame::MINIGAME_DIR,
        ],
    )
}

/// The level pack's checks, then the level-pack gate on a small game count, over the whole
/// pack. `levels check --deny-warnings`: every level file, payout table and probe game clean.
/// The gate: no shipped level impossible for its strongest bot, none paying more per play than
/// its budget, at the tuning pace or at the fastest pace the verifier accepts. Fixed seeds, so the verdicts are repeatable; the time is printed because the
/// gate must stay well inside the test command's budget (under a minute on 2 busy cores).
fn level_pack_gate() -> Result<()> {
    let started = std::time::Instant::now();
    let playproof = ["run", "--release", "--quiet", "-p", "playproof", "--"];
    cargo(&[&playproof[..], &["levels", "check", "--deny-warnings"]].concat())?;
    cargo(
        &[
            &playproof[..],
            &["tune", "--games", "40", "--seed", "7", "--gate"],
        ]
        .concat(),
    )?;
    println!(
        "level-pack checks and gate: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// game-wasm's browser API (`game-wasm/tests/web.rs`) in headless Chromium through
/// wasm-bindgen-test-runner and chromedriver; browser flags in `game-wasm/webdriver.json`.
fn wasm_bindgen_tests() -> Result<()> {
    std::env::set_var(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    );
    std::env::set_var("CHROMEDRIVER", setup::CHROMEDRIVER_PATH);
    cargo(&[
        "test",
        "-p",
        "game-wasm",
        "--features",
        "web",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "web",
    ])
}

/// Where the browser tests leave their screenshots, for people to look at.
const SCREENSHOT_DIR: &str = "target/browser-screenshots";
/// The WeChat Pay stand-in the release build makes (the withdraw journey starts it).
const PAYSIM_RELEASE: &str = "target/release/paysim";

/// The game in a real browser against the real backend: pixels on the canvas, the player's page
/// (start screen, tap anywhere, compressed and cached wasm), then a match-3 and a merge-drop game
/// played with synthetic touches, verified and paid by `playproof serve`, the wallet's
/// withdrawals through the WeChat Pay stand-in, the errors players see, designer mode
/// reloading an edited level file, and the operator console reviewing held games (their
/// replays drawn by the same wasm).
fn web_browser() -> Result<()> {
    run("node", &["--test", "host-shim/test/"])?;
    wasm_bindgen_tests()?;
    let web = web::build()?;
    let web = web.to_string_lossy();
    cargo(&[
        "build",
        "--release",
        "-p",
        "playproof",
        "-p",
        "playproof-paysim",
    ])?;
    let playproof = crate::PLAYPROOF_RELEASE;
    run(
        "node",
        &[
            "tests/browser/screenshot.mjs",
            playproof,
            &web,
            SCREENSHOT_DIR,
        ],
    )?;
    run(
        "node",
        &[
            "tests/browser/player-page.mjs",
            playproof,
            &web,
            SCREENSHOT_DIR,
        ],
    )?;
    // The wallet's withdrawals against the WeChat rail and its stand-in: paid, failed and
    // refunded, cancelled and refunded, found again after a reload.
    run(
        "node",
        &[
            "tests/browser/player-withdraw.mjs",
            playproof,
            PAYSIM_RELEASE,
            &web,
            SCREENSHOT_DIR,
        ],
    )?;
    run(
        "node",
        &["tests/browser/web-e2e.mjs", playproof, &web, SCREENSHOT_DIR],
    )?;
    run(
        "node",
        &[
            "tests/browser/web-errors.mjs",
            playproof,
            &web,
            SCREENSHOT_DIR,
        ],
    )?;
    run(
        "node",
        &[
            "tests/browser/web-designer.mjs",
            playproof,
            &web,
            SCREENSHOT_DIR,
        ],
    )?;
    run(
        "node",
        &[
            "tests/browser/operator-console.mjs",
            playproof,
            &web,
            SCREENSHOT_DIR,
        ],
    )
}

/// The determinism proof: the same sessions natively, and in the shipped mini-game artifact
/// (MVP wasm) under Node and in headless Chromium, every checkpoint hash compared.
fn cross_target() -> Result<()> {
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
    let wasm = &format!("{}/game.wasm", minigame::MINIGAME_DIR);
    run("node", &["tests/cross-target/check.mjs", wasm, sessions])?;
    run("node", &["tests/browser/cross-target.mjs", wasm, sessions])
}
