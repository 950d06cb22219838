//! `cargo xtask`: everything beyond plain cargo. Each command installs what it needs first, so
//! the two README commands work on a fresh machine.
//!
//! - `cargo xtask run`            build everything and serve the playable page
//! - `cargo xtask run demo`       a bot plays in the terminal
//! - `cargo xtask minigame`       WeChat, Alipay and Douyin mini-game projects
//! - `cargo xtask test`           every check CI runs
//! - `cargo xtask bench SUITE`    a benchmark table (see `BENCH_SUITES`)
//! - `cargo xtask golden record`  record golden replays (only with a new rules version)

mod minigame;
mod paysim;
mod postgres;
mod setup;
mod shell;
mod test;
mod wasm_module;
mod web;

use anyhow::{bail, Result};

use shell::{cargo, repo_root};

/// Exits non-zero with the failed step and its causes. A backtrace of xtask itself would only
/// bury the step's own output above it (shells inherit `RUST_BACKTRACE`).
fn main() -> std::process::ExitCode {
    match dispatch() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("Caused by: {cause}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

fn dispatch() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    std::env::set_current_dir(repo_root())?;
    match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("test") => test::all(),
        Some("run") => run(&rest),
        Some("minigame") => minigame::build(&minigame::Options::parse(&rest)?),
        Some("web") => web::build().map(|dir| println!("the page is in {}", dir.display())),
        Some("bench") => bench(&rest),
        Some("golden") => golden(&rest),
        _ => bail!(
            "usage: cargo xtask <setup | test | run [demo] [ARGS] | web | minigame [--backend URL] | bench <{BENCH_SUITES}> | golden record>"
        ),
    }
}

/// Address the dev server listens on unless `--listen` says otherwise.
const RUN_LISTEN_DEFAULT: &str = "127.0.0.1:8080";
/// The dev server's ledger: its own SQLite file, so play money never mixes with anything else.
const RUN_DB: &str = "target/web-dev/ledger.sqlite";
/// The command line the release build makes.
pub const PLAYPROOF_RELEASE: &str = "target/release/playproof";

/// The README's run command: builds everything, then serves the game page from the
/// verification service on SQLite (dev identities). `run demo [ARGS]` plays a terminal demo.
fn run(args: &[&str]) -> Result<()> {
    if args.first() == Some(&"demo") {
        return demo(&args[1..]);
    }
    setup::rust_targets()?;
    cargo(&["build", "--release", "--workspace"])?;
    let web = web::build()?;
    std::fs::create_dir_all(std::path::Path::new(RUN_DB).parent().expect("has a parent"))?;
    let listen = args
        .iter()
        .position(|arg| *arg == "--listen")
        .and_then(|index| args.get(index + 1))
        .copied()
        .unwrap_or(RUN_LISTEN_DEFAULT);
    let db = format!("sqlite:{RUN_DB}");
    let web = web.to_string_lossy();
    let operator_token = operator_token()?;
    eprintln!("\nPlayProof: open http://{listen}/ in a browser (Ctrl-C stops the server)");
    eprintln!(
        "Operator console: http://{listen}/operator, token {operator_token} \
         ({OPERATOR_TOKEN_ENV}; set it yourself to keep one across runs)\n"
    );
    // The binary the workspace build just made: `cargo run -p playproof` would resolve
    // features for that package alone and build it a second time.
    let mut serve = vec!["serve", "--dev", "--db", &db, "--static", &web];
    if !args.contains(&"--listen") {
        serve.extend_from_slice(&["--listen", listen]);
    }
    // Any free port, so a second server on the machine does not collide on the default.
    if !args.contains(&"--metrics-listen") {
        serve.extend_from_slice(&["--metrics-listen", "127.0.0.1:0"]);
    }
    // Withdrawals go to the WeChat Pay stand-in unless the command line picks a rail.
    let _paysim;
    let rail;
    if !args.iter().any(|arg| arg.starts_with("--payout-rail")) {
        let standin = paysim::start(listen)?;
        rail = standin.serve_args();
        _paysim = standin;
        serve.extend(rail.iter().map(String::as_str));
    }
    serve.extend_from_slice(args);
    shell::run(PLAYPROOF_RELEASE, &serve)
}

/// The environment variable `serve` reads the operator token from.
const OPERATOR_TOKEN_ENV: &str = "PLAYPROOF_OPERATOR_TOKEN";

/// The dev server's operator token: the caller's, or a fresh random one (32 bytes from the OS,
/// as hex) put in the environment `serve` inherits.
fn operator_token() -> Result<String> {
    if let Some(token) = std::env::var(OPERATOR_TOKEN_ENV)
        .ok()
        .filter(|token| !token.is_empty())
    {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
    let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    // Single-threaded here: nothing else reads the environment while it changes.
    std::env::set_var(OPERATOR_TOKEN_ENV, &token);
    Ok(token)
}

/// A bot plays a shipped level in the terminal; the log is then replayed and checked.
fn demo(args: &[&str]) -> Result<()> {
    setup::rust_targets()?;
    cargo(&["build", "--release", "--workspace"])?;
    let mut demo = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "playproof",
        "--",
        "demo",
    ];
    demo.extend_from_slice(args);
    cargo(&demo)
}

/// The benchmark suites, each one table: `web` runs in a browser and Node, the rest are
/// `playproof-bench` suites.
const BENCH_SUITES: &str = "replay|merge|scaling|physics|verify|serve|tune|risk|web";

fn bench(args: &[&str]) -> Result<()> {
    let Some(suite) = args.first().copied() else {
        bail!("usage: cargo xtask bench <{BENCH_SUITES}>");
    };
    if !BENCH_SUITES.split('|').any(|known| known == suite) {
        bail!("unknown benchmark suite {suite:?}; usage: cargo xtask bench <{BENCH_SUITES}>");
    }
    if suite == "web" {
        return bench_web();
    }
    if suite == "serve" {
        // The service under load on both stores: the loopback test cluster for PostgreSQL.
        std::env::set_var(test::POSTGRES_URL_ENV, postgres::ensure()?);
    }
    // Options after the suite go to it (e.g. `bench serve --merge-percent 20`).
    let mut command = vec!["run", "--release", "--quiet", "-p", "playproof-bench", "--"];
    command.extend_from_slice(args);
    cargo(&command)
}

/// The browser build in headless Chromium: frame time with 100 bodies, time to the first
/// frame, and the .wasm's size raw, gzip and brotli. Then the mini-game build on a low-end
/// budget: its sizes, instantiate-to-first-frame and frame times under `node --jitless` (no JIT,
/// as iOS runs mini-games outside high-performance mode), and with V8's baseline tiers only.
fn bench_web() -> Result<()> {
    setup::node()?;
    setup::chromium()?;
    setup::npm_ci("tests/browser")?;
    let web = web::build()?;
    shell::run(
        "node",
        &["tests/browser/bench-web.mjs", &web.to_string_lossy()],
    )?;
    minigame::build(&minigame::Options::default())?;
    shell::run(
        "node",
        &[
            "--jitless",
            "tests/minigame/bench.mjs",
            minigame::MINIGAME_DIR,
        ],
    )?;
    // JavaScript in V8's interpreter, wasm compiled by its baseline compiler only: a device
    // that has a JIT but little time to optimise.
    shell::run(
        "node",
        &[
            "--no-opt",
            "--no-maglev",
            "--no-sparkplug",
            "--liftoff-only",
            "--no-wasm-tier-up",
            "tests/minigame/bench.mjs",
            minigame::MINIGAME_DIR,
        ],
    )
}

fn golden(args: &[&str]) -> Result<()> {
    if args.first() != Some(&"record") {
        bail!("usage: cargo xtask golden record [--per-level K] [--seed S]");
    }
    let mut command = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "playproof-tests",
        "--bin",
        "sessions",
        "--",
        "record-golden",
    ];
    command.extend_from_slice(&args[1..]);
    if !args.contains(&"--per-level") {
        command.extend_from_slice(&["--per-level", "2"]);
    }
    if !args.contains(&"--seed") {
        command.extend_from_slice(&["--seed", "20261121"]);
    }
    cargo(&command)
}
