//! `playproof serve`: the verification service (see the `playproof-server` crate).

use anyhow::{Context, Result};

pub type Args = playproof_server::run::ServeArgs;

pub fn run(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(playproof_server::run::run(&args))?;
    Ok(())
}
