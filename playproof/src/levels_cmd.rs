//! `playproof levels check [PATH…]` and `playproof levels schema`: the level designers' checks.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playproof_designer::check::{check_file, Finding};
use playproof_designer::files::level_paths;
use playproof_designer::schema::{level_schema_json, SCHEMA_PATH};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Check level files (or every `*.json` under directories); default: assets/levels.
    Check { paths: Vec<PathBuf> },
    /// Print the levels' JSON Schema, or write it to assets/schema/ with --write.
    Schema {
        #[arg(long)]
        write: bool,
    },
}

pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Check { paths } => check(paths),
        Command::Schema { write: false } => {
            print!("{}", level_schema_json());
            Ok(())
        }
        Command::Schema { write: true } => {
            std::fs::write(SCHEMA_PATH, level_schema_json())
                .with_context(|| format!("writing {SCHEMA_PATH}"))?;
            println!("wrote {SCHEMA_PATH}");
            Ok(())
        }
    }
}

fn check(paths: Vec<PathBuf>) -> Result<()> {
    let roots = if paths.is_empty() {
        vec![PathBuf::from("assets/levels")]
    } else {
        paths
    };
    let files = level_paths(&roots).context("listing level files")?;
    let findings: Vec<Finding> = files.iter().flat_map(|file| check_file(file)).collect();
    for finding in &findings {
        println!("{finding}");
    }
    let bad_files = files
        .iter()
        .filter(|file| findings.iter().any(|finding| &finding.file == *file))
        .count();
    println!(
        "checked {} level file(s): {} with problems, {} problem(s) in all",
        files.len(),
        bad_files,
        findings.len()
    );
    if !findings.is_empty() {
        bail!("{} level file(s) have problems", bad_files);
    }
    Ok(())
}
