//! `playproof-server`: the verification service on its own (`playproof serve` runs the same).

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "playproof-server",
    version,
    about = "PlayProof verification service"
)]
struct Cli {
    #[command(flatten)]
    serve: playproof_server::run::ServeArgs,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    playproof_server::run::run(&cli.serve).await?;
    Ok(())
}
