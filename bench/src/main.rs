//! `playproof-bench SUITE`: one benchmark suite per module, each printing a table.

mod alloc_meter;
mod levels;
mod physics;
mod replay;
mod serve;
mod verify;

use anyhow::{bail, Result};

#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

fn main() -> Result<()> {
    let suite = std::env::args().nth(1).unwrap_or_default();
    match suite.as_str() {
        "replay" => replay::run(),
        "physics" => physics::run(),
        "serve" => serve::run(),
        "verify" => verify::run(),
        other => bail!("unknown benchmark suite {other:?}; known: replay, physics, serve, verify"),
    }
}
