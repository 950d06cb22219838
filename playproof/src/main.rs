//! `playproof`: the command line for players' sessions, verification and operations.

mod demo;
mod ledger;
mod play;
mod serve;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "playproof",
    version,
    about = "Verifiable cash-reward mini-games"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Play a level in the terminal.
    Play(play::Args),
    /// Watch a bot play a level, then replay its recorded inputs and check the result.
    Demo(demo::Args),
    /// Run the verification service (tickets, proofs, payouts, withdrawals).
    Serve(Box<serve::Args>),
    /// Ledger operations: `playproof ledger check`.
    Ledger(ledger::Args),
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Play(args) => play::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::Ledger(args) => ledger::run(args),
    }
}
