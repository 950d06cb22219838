//! `cargo xtask`: everything beyond plain cargo. Each command installs what it needs first, so
//! the two README commands work on a fresh machine.
//!
//! - `cargo xtask run`            build everything and start the main job
//! - `cargo xtask test`           every check CI runs
//! - `cargo xtask bench SUITE`    a benchmark table (replay, physics, verify)
//! - `cargo xtask golden record`  record golden replays (only with a new rules version)

mod postgres;
mod setup;
mod shell;
mod test;

use anyhow::{bail, Result};

use shell::{cargo, repo_root};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    std::env::set_current_dir(repo_root())?;
    match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("test") => test::all(),
        Some("run") => run(&rest),
        Some("bench") => bench(&rest),
        Some("golden") => golden(&rest),
        _ => bail!(
            "usage: cargo xtask <setup | test | run [ARGS] | bench <replay|physics|verify> | golden record>"
        ),
    }
}

/// The README's run command: builds the release binaries and plays a demo session.
fn run(args: &[&str]) -> Result<()> {
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

fn bench(args: &[&str]) -> Result<()> {
    let Some(suite) = args.first() else {
        bail!("usage: cargo xtask bench <replay|physics|verify>");
    };
    cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "playproof-bench",
        "--",
        suite,
    ])
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
