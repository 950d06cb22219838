//! `playproof`: the command line for players' sessions, verification and operations.

mod board_text;
mod demo;
mod demo_proof;
mod keys;
mod ledger;
mod levels;
mod levels_cmd;
mod operators;
mod output;
mod play;
mod reconcile;
mod render_cmd;
mod replay_cmd;
mod serve;
mod session;
mod tune_cmd;
mod verify;

use std::process::ExitCode;

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
    /// Manage the server's ticket key ring.
    Keys(keys::Args),
    /// Issue a ticket, let a bot play the level and sign a proof (for trying the verifier).
    DemoProof(demo_proof::Args),
    /// Verify a proof file and print the verdict; exits non-zero on rejection.
    Verify(verify::Args),
    /// Check level files, or print the level JSON Schema.
    Levels(levels_cmd::Args),
    /// Play every level many times with a ladder of bots: difficulty, pass rates, payouts.
    Tune(tune_cmd::Args),
    /// Print a proof's session timeline from its replay, for settling disputes.
    Replay(replay_cmd::Args),
    /// Run the verification service (tickets, proofs, payouts, withdrawals).
    Serve(Box<serve::Args>),
    /// Ledger operations: `playproof ledger check`, `playproof ledger reconcile`.
    Ledger(ledger::Args),
    /// The operator roster: who may review holds, settle withdrawals and fund campaigns.
    Operators(operators::Args),
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped reading (`playproof replay … | head`): that ends the command.
        Err(error) if output::is_closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", output::report(&error));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Play(args) => play::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Keys(args) => keys::run(args),
        Command::DemoProof(args) => demo_proof::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Replay(args) => replay_cmd::run(args),
        Command::Levels(args) => levels_cmd::run(args),
        Command::Operators(args) => operators::run(args),
        Command::Tune(args) => tune_cmd::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::Ledger(args) => ledger::run(args),
    }
}
