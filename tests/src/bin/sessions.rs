//! `sessions`: makes the data of the cross-target and golden tests.
//!
//! `sessions cross-target --match3 N --merge-drop M --seed S --out FILE` writes randomised sessions with their
//! native outcomes for `tests/cross-target/check.mjs` to replay in wasm.
//! `sessions record-golden --per-level K --seed S` records golden replays into `tests/golden/`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playproof_bots::{play, random_bot, standard_bot, Pacing};
use playproof_tests::golden::GoldenReplay;
use playproof_tests::levels::{repo_root, shipped_levels};
use playproof_tests::sessions::generate;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or_default();
    let value = |flag: &str| -> Result<String> {
        let index = args
            .iter()
            .position(|arg| arg == flag)
            .with_context(|| format!("missing {flag}"))?;
        args.get(index + 1)
            .cloned()
            .with_context(|| format!("{flag} needs a value"))
    };
    match command {
        "cross-target" => {
            let match3: u32 = value("--match3")?.parse().context("--match3")?;
            let merge_drop: u32 = value("--merge-drop")?.parse().context("--merge-drop")?;
            let seed: u64 = value("--seed")?.parse().context("--seed")?;
            let out = PathBuf::from(value("--out")?);
            println!("cross-target sessions: seed {seed}");
            let levels = shipped_levels()?;
            let mut sessions = Vec::new();
            // Sessions must run at least this long (thousands of ticks) to exercise long
            // cascades and deep piles; shorter draws are replaced.
            for (mode, count, ticks_min) in
                [("match3", match3, 2_000), ("merge_drop", merge_drop, 3_000)]
            {
                let of_mode: Vec<_> = levels
                    .iter()
                    .filter(|shipped| shipped.level.game.mode_name() == mode)
                    .cloned()
                    .collect();
                let generated = generate(&of_mode, count, ticks_min, seed)?;
                let ticks: Vec<u32> = generated
                    .iter()
                    .map(|session| session.expect.ticks)
                    .collect();
                println!(
                    "cross-target sessions: {mode}: {} sessions on {} levels, ticks min {} / mean {} / max {}",
                    generated.len(),
                    of_mode.len(),
                    ticks.iter().min().copied().unwrap_or(0),
                    ticks.iter().map(|&t| u64::from(t)).sum::<u64>() / u64::from(count.max(1)),
                    ticks.iter().max().copied().unwrap_or(0),
                );
                sessions.extend(generated);
            }
            std::fs::write(&out, serde_json::to_vec(&sessions)?)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "cross-target sessions: wrote {} to {}",
                sessions.len(),
                out.display()
            );
        }
        "record-golden" => {
            let per_level: u32 = value("--per-level")?.parse().context("--per-level")?;
            let seed: u64 = value("--seed")?.parse().context("--seed")?;
            record_golden(per_level, seed)?;
        }
        other => bail!("unknown command {other:?}; known: cross-target, record-golden"),
    }
    Ok(())
}

fn record_golden(per_level: u32, seed: u64) -> Result<()> {
    let dir = repo_root().join("tests/golden");
    std::fs::create_dir_all(&dir)?;
    for shipped in shipped_levels()? {
        for index in 0..per_level {
            let game_seed = seed.wrapping_mul(1_000_003).wrapping_add(u64::from(index));
            // Even recordings by the random bot, odd ones by the standard (greedy or heuristic)
            // bot, which makes more specials, combos and merges.
            let mut bot = if index % 2 == 0 {
                random_bot(&shipped.level)
            } else {
                standard_bot(&shipped.level)
            };
            let recording = play(
                &shipped.level,
                game_seed,
                bot.as_mut(),
                Pacing::HUMAN,
                game_seed ^ 0x5a5a,
                game_core::SESSION_TICKS_MAX,
            )?;
            let golden = GoldenReplay::record(
                format!(
                    "{} played by the {} bot, seed {game_seed}",
                    shipped.level.id,
                    bot.name()
                ),
                &shipped.path,
                &shipped.bytes,
                game_seed,
                &recording.inputs,
            )?;
            let path = dir.join(format!("{}-{index}.json", shipped.level.id));
            let mut text = serde_json::to_string_pretty(&golden)?;
            text.push('\n');
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("recorded {}", path.display());
        }
    }
    Ok(())
}
