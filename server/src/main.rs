//! `playproof-server`: the verification service on its own (`playproof serve` runs the same).

use std::process::ExitCode;

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
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match playproof_server::run::run(&cli.serve).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The error names the file, variable or setting and the reason. No backtrace: a
            // bad configuration is the operator's to fix, and a trace would bury that line.
            eprintln!("Error: {error}");
            ExitCode::FAILURE
        }
    }
}
