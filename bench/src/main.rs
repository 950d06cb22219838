//! `playproof-bench SUITE`: one benchmark suite per module, each printing a table.

mod replay;
mod verify;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let suite = std::env::args().nth(1).unwrap_or_default();
    match suite.as_str() {
        "replay" => replay::run(),
        "verify" => verify::run(),
        other => bail!("unknown benchmark suite {other:?}; known: replay, verify"),
    }
}
