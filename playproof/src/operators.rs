//! `playproof operators`: the service's operator roster (`serve --operators FILE`), each
//! operator a name and the SHA-256 of their token (format and rules in
//! `playproof_server::operator::roster`). A token is printed once, when it is made, and kept
//! nowhere; the file is replaced atomically.

use std::path::PathBuf;

use crate::output::outln;
use anyhow::{bail, Result};
use playproof_server::operator::roster::RosterFile;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Add an operator with a fresh token, and print the token (only this once).
    Add {
        /// The roster file (created if missing).
        #[arg(long)]
        roster: PathBuf,
        /// a-z, 0-9, '.', '_' and '-'; up to 32 characters. Recorded with each decision.
        name: String,
    },
    /// Take an operator out; the service refuses their token from its next start.
    Remove {
        #[arg(long)]
        roster: PathBuf,
        name: String,
    },
    /// List the operators' names.
    List {
        #[arg(long)]
        roster: PathBuf,
    },
}

pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Add { roster, name } => {
            let mut file = RosterFile::load_or_empty(&roster)?;
            let token = file.add(&roster, &name)?;
            file.save(&roster)?;
            outln!("added operator {name} to {}", roster.display())?;
            outln!("token (shown only now; give it to {name} and keep no copy): {token}")?;
        }
        Command::Remove { roster, name } => {
            let mut file = RosterFile::load_or_empty(&roster)?;
            if !file.remove(&name) {
                bail!("{}: no operator named {name:?}", roster.display());
            }
            file.save(&roster)?;
            outln!(
                "removed operator {name} from {}; restart the service to refuse their token",
                roster.display()
            )?;
        }
        Command::List { roster } => {
            let file = RosterFile::load_or_empty(&roster)?;
            for entry in &file.operators {
                outln!("{}", entry.name)?;
            }
        }
    }
    Ok(())
}
