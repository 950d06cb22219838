//! `playproof replay`: the timeline of a proof's session, for settling a dispute. Shows the
//! ticket, every input, what the simulation did after it (game-core's events), the score after
//! each move, and each checkpoint hash beside the one the proof claims. It checks no signature:
//! `playproof verify` gives the verdict.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use game_core::{replay_observed, Action, Event, Input, TICK_HZ};
use playproof_proof::{decode_proof, Proof};

use crate::keys::hex;
use crate::output::{out, outln};

#[derive(clap::Args)]
pub struct Args {
    /// The proof file.
    proof: PathBuf,
    /// Directory of level files the ticket may name.
    #[arg(long, default_value = "assets/levels")]
    levels: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let bytes =
        std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
    let proof = decode_proof(&bytes)
        .with_context(|| format!("{}: not a valid proof", args.proof.display()))?;
    let levels = crate::levels::load_catalogue(&args.levels)?;
    let ticket = &proof.ticket.body;
    outln!(
        "proof      {} ({} bytes)",
        args.proof.display(),
        bytes.len()
    )?;
    outln!("session    {}", ticket.session_id)?;
    outln!("player     {}", ticket.player_id)?;
    outln!(
        "level      {} (sha256 {})",
        ticket.level_id,
        hex(&ticket.level_hash)
    )?;
    outln!("seed       {}", ticket.seed)?;
    outln!("rules      version {}", ticket.rules_version)?;
    outln!(
        "issued     {} ms, expires {} ms, key id {}",
        ticket.issued_at_ms,
        ticket.expires_at_ms,
        proof.ticket.key_id
    )?;
    outln!(
        "claims     score {}, final tick {}, final hash {:016x}, {} checkpoint hashes",
        proof.claimed_score,
        proof.final_tick,
        proof.final_hash,
        proof.checkpoint_hashes.len()
    )?;
    let level = levels.get(&ticket.level_hash).with_context(|| {
        format!(
            "no level under {} has the ticket's content hash {}",
            args.levels.display(),
            hex(&ticket.level_hash)
        )
    })?;
    outln!()?;

    let mut events_by_tick: Vec<(u32, Vec<Event>)> = Vec::new();
    let result = replay_observed(level, ticket.seed, &proof.inputs, |tick, events| {
        events_by_tick.push((tick, events.to_vec()));
    });
    let scores = scores_after_moves(&proof, &events_by_tick);
    out!("{}", timeline(&proof, &events_by_tick, &scores))?;
    outln!()?;
    match result {
        Err(error) => outln!("replay stopped: {} ({error})", error.code())?,
        Ok(outcome) => {
            let mark = |same: bool| if same { "ok" } else { "DIFFERS" };
            outln!(
                "replay     score {} ({}), final tick {} ({}), final hash {:016x} ({}), stars {}, {}{}",
                outcome.score,
                mark(outcome.score == proof.claimed_score),
                outcome.ticks,
                mark(outcome.ticks == proof.final_tick),
                outcome.final_hash,
                mark(outcome.final_hash == proof.final_hash),
                outcome.stars,
                if outcome.finished { "game over" } else { "game not finished" },
                if outcome.passed { ", level passed" } else { "" },
            )?;
            outln!("checkpoints")?;
            for (index, checkpoint) in outcome.checkpoints.iter().enumerate() {
                let claimed = match proof.checkpoint_hashes.get(index) {
                    None => "not claimed".to_string(),
                    Some(&hash) if hash == checkpoint.hash => "claimed, ok".to_string(),
                    Some(&hash) => format!("claimed {hash:016x}, DIFFERS"),
                };
                outln!(
                    "  {} tick {:>6}  {:016x}  {claimed}",
                    clock(checkpoint.tick),
                    checkpoint.tick,
                    checkpoint.hash
                )?;
            }
            if proof.checkpoint_hashes.len() > outcome.checkpoints.len() {
                outln!(
                    "  the proof claims {} more checkpoint hashes than the replay passes",
                    proof.checkpoint_hashes.len() - outcome.checkpoints.len()
                )?;
            }
        }
    }
    Ok(())
}

/// The score once each move has settled, from the core's score events.
fn scores_after_moves(proof: &Proof<'_>, events_by_tick: &[(u32, Vec<Event>)]) -> Vec<u32> {
    let inputs = &proof.inputs;
    let mut score = 0;
    let mut next_event = 0;
    let mut scores = Vec::with_capacity(inputs.len());
    for index in 0..inputs.len() {
        let until = inputs.get(index + 1).map_or(u32::MAX, |next| next.tick);
        while let Some((tick, events)) = events_by_tick.get(next_event) {
            if *tick >= until {
                break;
            }
            for event in events {
                if let Event::ScoreChanged { score: now } = event {
                    score = *now;
                }
            }
            next_event += 1;
        }
        scores.push(score);
    }
    scores
}

/// Inputs and events in tick order, with the score after each move.
fn timeline(proof: &Proof<'_>, events_by_tick: &[(u32, Vec<Event>)], scores: &[u32]) -> String {
    let mut out = String::new();
    let score_after = |out: &mut String, moves: usize| {
        let _ = writeln!(
            out,
            "           score after move {moves}: {}",
            scores[moves - 1]
        );
    };
    let mut next_event = 0usize;
    let inputs = &proof.inputs;
    let _ = writeln!(out, "timeline ({} inputs)", inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        // Events before this input belong to the previous move (or the start).
        while let Some((tick, events)) = events_by_tick.get(next_event) {
            if *tick >= input.tick {
                break;
            }
            write_events(&mut out, *tick, events);
            next_event += 1;
        }
        if index > 0 {
            score_after(&mut out, index);
        }
        let _ = writeln!(
            out,
            "{} tick {:>6}  move {}: {}",
            clock(input.tick),
            input.tick,
            index + 1,
            describe(input)
        );
    }
    for (tick, events) in &events_by_tick[next_event..] {
        write_events(&mut out, *tick, events);
    }
    if !inputs.is_empty() {
        score_after(&mut out, inputs.len());
    }
    out
}

fn write_events(out: &mut String, tick: u32, events: &[Event]) {
    for event in events {
        let text = match event {
            Event::ScoreChanged { score } => format!("score {score}"),
            Event::Finished { passed } => {
                format!(
                    "game over, level {}",
                    if *passed { "passed" } else { "failed" }
                )
            }
            // Mode events (cascades, merges, ...) print as the core names them.
            other => format!("{other:?}"),
        };
        let _ = writeln!(out, "{} tick {tick:>6}    {text}", clock(tick));
    }
}

fn describe(input: &Input) -> String {
    match input.action {
        Action::Swap { cell, direction } => {
            format!("swap row {} col {} {direction:?}", cell.row, cell.col)
        }
        Action::Drop { x_milli } => format!("drop at x {:.3}", f64::from(x_milli) / 1000.0),
    }
}

/// `mm:ss.cc` of game time at `tick`.
fn clock(tick: u32) -> String {
    let centis = u64::from(tick) * 100 / u64::from(TICK_HZ);
    format!(
        "{:02}:{:02}.{:02}",
        centis / 6000,
        centis / 100 % 60,
        centis % 100
    )
}
