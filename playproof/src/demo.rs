//! `playproof demo`: a bot plays levels while the board is drawn, then the recorded inputs are
//! replayed from scratch and must reproduce the game exactly.

use std::path::PathBuf;

use anyhow::{Context, Result};
use game_core::{Game, Input, Pcg32, Phase, SESSION_TICKS_MAX};
use playproof_bots::{ladder, standard_bot, Pacing};

use crate::board_text::draw;
use crate::output::{out, outln};
use crate::session::{check_replay, load_level, run_to_rest, run_until_input};

/// Levels played when none are named: one of each game mode.
const DEFAULT_LEVELS: [&str; 2] = [
    "assets/levels/match3/m3-01-first-steps.json",
    "assets/levels/merge/md-01-classic.json",
];

#[derive(clap::Args)]
pub struct Args {
    /// Level file to play (repeatable); default: one match-3 and one merge-drop level.
    #[arg(long = "level")]
    levels: Vec<PathBuf>,
    /// Game seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Bot to play with (see `--bot list`); default: greedy for match-3, heuristic for merge-drop.
    #[arg(long)]
    bot: Option<String>,
    /// Draw the board before every N-th action (and at the end).
    #[arg(long, default_value_t = 4)]
    every: u32,
}

pub fn run(args: Args) -> Result<()> {
    let paths = if args.levels.is_empty() {
        DEFAULT_LEVELS.iter().map(PathBuf::from).collect()
    } else {
        args.levels.clone()
    };
    for path in paths {
        demo_level(&path, &args).with_context(|| format!("demo of {}", path.display()))?;
    }
    Ok(())
}

fn demo_level(path: &std::path::Path, args: &Args) -> Result<()> {
    let level = load_level(path)?;
    let mut bot = match &args.bot {
        None => standard_bot(&level),
        Some(name) => {
            let names: Vec<&str> = ladder(&level).iter().map(|bot| bot.name()).collect();
            ladder(&level)
                .into_iter()
                .find(|bot| bot.name() == name)
                .with_context(|| {
                    format!(
                        "no bot {name:?} for this level; known: {}",
                        names.join(", ")
                    )
                })?
        }
    };
    outln!(
        "== {} ({}), seed {}, {} bot",
        level.name,
        level.id,
        args.seed,
        bot.name()
    )?;
    let mut game = Game::new(&level, args.seed);
    let mut rng = Pcg32::new(args.seed, 0xde70);
    let mut inputs: Vec<Input> = Vec::new();
    let every = args.every.max(1) as usize;
    loop {
        run_until_input(&mut game);
        if game.phase() != Phase::Playing || game.tick() >= SESSION_TICKS_MAX {
            break;
        }
        let think = rng.between(Pacing::HUMAN.think_ticks_min, Pacing::HUMAN.think_ticks_max);
        for _ in 0..think {
            if game.phase() != Phase::Playing || game.tick() >= SESSION_TICKS_MAX {
                break;
            }
            game.step();
        }
        if !game.accepts_input() {
            continue;
        }
        let Some(action) = bot.choose(&game, &mut rng) else {
            break;
        };
        if inputs.len().is_multiple_of(every) {
            out!("{}", draw(&game))?;
            outln!("action {}: {action:?}\n", inputs.len() + 1)?;
        }
        game.apply(action)
            .with_context(|| format!("the bot chose an illegal action {action:?}"))?;
        inputs.push(Input {
            tick: game.tick(),
            action,
        });
    }
    run_to_rest(&mut game);
    out!("{}", draw(&game))?;
    check_replay(&level, args.seed, &inputs, &game)?;
    outln!()?;
    Ok(())
}
