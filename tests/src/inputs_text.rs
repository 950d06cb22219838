//! A readable text form of inputs for golden files: `"90 swap 2,3 right"`, `"300 drop -1250"`.

use anyhow::{bail, Context, Result};
use game_core::{Action, Cell, Direction, Input};

pub fn format_input(input: &Input) -> String {
    match input.action {
        Action::Swap { cell, direction } => {
            let direction = match direction {
                Direction::Up => "up",
                Direction::Down => "down",
                Direction::Left => "left",
                Direction::Right => "right",
            };
            format!("{} swap {},{} {direction}", input.tick, cell.row, cell.col)
        }
        Action::Drop { x_milli } => format!("{} drop {x_milli}", input.tick),
    }
}

pub fn parse_input(text: &str) -> Result<Input> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let tick = words
        .first()
        .context("empty input")?
        .parse()
        .with_context(|| format!("bad tick in {text:?}"))?;
    let action = match words[1..] {
        ["swap", cell, direction] => {
            let (row, col) = cell
                .split_once(',')
                .with_context(|| format!("bad cell in {text:?}"))?;
            let direction = match direction {
                "up" => Direction::Up,
                "down" => Direction::Down,
                "left" => Direction::Left,
                "right" => Direction::Right,
                other => bail!("bad direction {other:?} in {text:?}"),
            };
            Action::Swap {
                cell: Cell::new(row.parse()?, col.parse()?),
                direction,
            }
        }
        ["drop", x] => Action::Drop {
            x_milli: x.parse().with_context(|| format!("bad x in {text:?}"))?,
        },
        _ => bail!("unrecognised input {text:?}"),
    };
    Ok(Input { tick, action })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_kinds() {
        for text in ["90 swap 2,3 right", "7 swap 0,0 down", "300 drop -1250"] {
            assert_eq!(format_input(&parse_input(text).unwrap()), text);
        }
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        let error = parse_input("12 swap 1,2 sideways").unwrap_err();
        assert_eq!(
            error.to_string(),
            "bad direction \"sideways\" in \"12 swap 1,2 sideways\""
        );
    }
}
