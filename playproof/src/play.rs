//! `playproof play LEVEL`: play a level in the terminal.
//!
//! Match-3: type `ROW COL DIRECTION` (direction `u`, `d`, `l` or `r`), e.g. `3 4 r`.
//! Merge-drop: type the drop position in world units, e.g. `-1.25`; `w` waits one second.
//! `q` ends the session. At the end the input log is replayed and checked.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use game_core::{Action, Cell, Direction, Game, Input, Phase, SESSION_TICKS_MAX, TICK_HZ};

use crate::board_text::draw;
use crate::output::{out, outln};
use crate::session::{check_replay, load_level, run_to_rest, run_until_input};

#[derive(clap::Args)]
pub struct Args {
    /// Level file.
    level: PathBuf,
    /// Game seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(args: Args) -> Result<()> {
    let level = load_level(&args.level)?;
    let mut game = Game::new(&level, args.seed);
    let merge_drop = game.merge_drop().is_some();
    outln!("{} ({}), seed {}", level.name, level.id, args.seed)?;
    outln!(
        "{}",
        if merge_drop {
            "type a drop x in world units (e.g. -1.25), w to wait a second, q to quit"
        } else {
            "type ROW COL DIRECTION to swap (direction u, d, l or r; e.g. 3 4 r), q to quit"
        }
    )?;
    let mut inputs = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    run_until_input(&mut game);
    while game.phase() == Phase::Playing && game.tick() < SESSION_TICKS_MAX {
        out!("{}> ", draw(&game))?;
        std::io::stdout().flush()?;
        let Some(line) = lines.next().transpose().context("reading standard input")? else {
            break;
        };
        let line = line.trim();
        if line == "q" {
            break;
        }
        if merge_drop && line == "w" {
            for _ in 0..TICK_HZ {
                game.step();
            }
            continue;
        }
        let action = match parse_action(line, merge_drop) {
            Ok(action) => action,
            Err(error) => {
                outln!("{error}")?;
                continue;
            }
        };
        match game.apply(action) {
            Ok(()) => inputs.push(Input {
                tick: game.tick(),
                action,
            }),
            Err(refusal) => {
                outln!("refused: {refusal}")?;
                continue;
            }
        }
        game.step();
        run_until_input(&mut game);
    }
    run_to_rest(&mut game);
    out!("{}", draw(&game))?;
    check_replay(&level, args.seed, &inputs, &game)
}

fn parse_action(line: &str, merge_drop: bool) -> Result<Action> {
    if merge_drop {
        let x: f64 = line
            .parse()
            .with_context(|| format!("{line:?} is not a number"))?;
        if !x.is_finite() || x.abs() > 1000.0 {
            bail!("{line:?} is out of range");
        }
        return Ok(Action::Drop {
            x_milli: (x * 1000.0).round() as i32,
        });
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let [row, col, direction] = words[..] else {
        bail!("expected ROW COL DIRECTION, e.g. 3 4 r");
    };
    let direction = match direction {
        "u" | "up" => Direction::Up,
        "d" | "down" => Direction::Down,
        "l" | "left" => Direction::Left,
        "r" | "right" => Direction::Right,
        other => bail!("unknown direction {other:?}; use u, d, l or r"),
    };
    Ok(Action::Swap {
        cell: Cell::new(
            row.parse().with_context(|| format!("bad row {row:?}"))?,
            col.parse().with_context(|| format!("bad column {col:?}"))?,
        ),
        direction,
    })
}
