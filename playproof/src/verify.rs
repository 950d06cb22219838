//! `playproof verify`: judge a proof file and print the verdict; exit status 1 on rejection.

use std::path::PathBuf;

use anyhow::{Context, Result};
use playproof_proof::{MemorySessionStore, PlausibilityPolicy, Verdict, Verifier};
use serde_json::json;

use crate::keys::{hex, keyring, KeyFile};
use crate::output::outln;

#[derive(clap::Args)]
pub struct Args {
    /// The proof file.
    proof: PathBuf,
    /// Server key ring (public keys are enough).
    #[arg(long)]
    keys: PathBuf,
    /// Directory of level files the tickets may name.
    #[arg(long, default_value = "assets/levels")]
    levels: PathBuf,
    /// Plausibility policy (JSON); built-in defaults when absent.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
    /// Judge as if received at this unix time in milliseconds (default: now).
    #[arg(long)]
    now: Option<u64>,
}

pub fn run(args: Args) -> Result<()> {
    let key_file = KeyFile::load(&args.keys)?;
    let keyring = keyring(&key_file, &args.keys)?;
    let levels = crate::levels::load_catalogue(&args.levels)?;
    let policy = match &args.policy {
        None => PlausibilityPolicy::default(),
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            PlausibilityPolicy::from_json(&bytes)
                .with_context(|| format!("{}: invalid plausibility policy", path.display()))?
        }
    };
    let proof_bytes =
        std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
    let now_ms = match args.now {
        Some(now) => now,
        None => crate::demo_proof::unix_ms()?,
    };
    let verifier = Verifier::new(keyring, levels, policy);
    let verdict = match verifier.verify(&proof_bytes, now_ms, &mut MemorySessionStore::new()) {
        Ok(verdict) => verdict,
        Err(never) => match never {},
    };
    let printed = print_verdict(&verdict, args.json);
    if !verdict.is_accepted() {
        // A rejection is an answer, not an error: the verdict is printed (unless the reader has
        // gone), the status says no either way.
        std::process::exit(1);
    }
    printed
}

fn print_verdict(verdict: &Verdict, json: bool) -> Result<()> {
    if json {
        outln!("{}", verdict_json(verdict))?;
    } else {
        match verdict {
            Verdict::Accepted(accepted) => {
                outln!(
                "accepted: player {} scored {} ({} stars) on level {} in {} ticks{}{}; session {}",
                accepted.player_id,
                accepted.score,
                accepted.stars,
                accepted.level_id,
                accepted.ticks,
                if accepted.finished { ", game over" } else { ", game not finished" },
                if accepted.passed { ", level passed" } else { "" },
                accepted.session_id,
            )?
            }
            Verdict::Rejected(rejection) => outln!("rejected: {rejection}")?,
        }
    }
    Ok(())
}

fn verdict_json(verdict: &Verdict) -> serde_json::Value {
    match verdict {
        Verdict::Accepted(accepted) => json!({
            "verdict": "accepted",
            "session_id": hex(&accepted.session_id.0),
            "player_id": accepted.player_id,
            "level_id": accepted.level_id,
            "score": accepted.score,
            "stars": accepted.stars,
            "ticks": accepted.ticks,
            "finished": accepted.finished,
            "passed": accepted.passed,
        }),
        Verdict::Rejected(rejection) => json!({
            "verdict": "rejected",
            "reason": rejection.reason.code(),
            "message": rejection.message,
        }),
    }
}
