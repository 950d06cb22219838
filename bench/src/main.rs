//! `playproof-bench SUITE`: one benchmark suite per module, each printing a table.

mod alloc_meter;
mod levels;
mod merge_budget;
mod peer;
mod physics;
mod process;
mod replay;
mod risk;
mod scaling;
mod serve;
mod sessions;
mod tune;
mod verify;

use anyhow::{bail, Result};

#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// Every suite, in the order `cargo xtask bench` lists them.
const SUITES: &str = "replay, merge, scaling, physics, verify, serve, tune, risk";

fn main() -> Result<()> {
    let suite = std::env::args().nth(1).unwrap_or_default();
    match suite.as_str() {
        "replay" => replay::run(),
        "merge" => merge_budget::run(),
        "scaling" => scaling::run(),
        "physics" => physics::run(),
        "verify" => verify::run(),
        "serve" => serve::run(),
        "tune" => tune::run(),
        "risk" => risk::run(),
        other => bail!("unknown benchmark suite {other:?}; known: {SUITES}"),
    }
}
