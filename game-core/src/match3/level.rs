//! Match-3 level data: the `game.match3` object of a level file, its validation, and the rules
//! and starting board built from it.
//!
//! ```json
//! "match3": {
//!   "layout": ["x.....x", "..#.#..", ...],   // . open, x hole, # stone, C chocolate, 1-3 ice
//!   "jelly":  ["..2....", ...],              // optional: . none, 1-3 jelly layers
//!   "pieces": ["R G . B- * . .", ...],       // optional: fixed pieces, . = random
//!   "colors": 5, "moves": 25,
//!   "objectives": [{"score": 8000}, {"collect": {"color": "R", "count": 20}}, "clear_jelly"],
//!   "stars": [8000, 14000, 20000],
//!   "scoring": {"piece": 20, ...},          // optional, see `Scoring`
//!   "motion": {"swap_ticks": 8, ...}        // optional, see `Motion`
//! }
//! ```
//! Piece tokens: a colour letter (R G B Y P O) alone for a plain piece, followed by `-` for a
//! row-clearing striped piece, `|` for a column-clearing one, `+` for a wrapped piece; `*` is a
//! colour bomb; `.` lets the seeded fill choose.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::board::{
    bit, Axis, Board, CellSet, Color, Ground, Piece, Tile, COLORS_MAX, COLORS_MIN, COLOR_LETTERS,
    GRID_COLS_MAX, GRID_COLS_MIN, GRID_ROWS_MAX, GRID_ROWS_MIN, LAYERS_MAX, LINE_MIN, STRIDE,
};
use super::detect::in_line;
use super::motion::CELL_UNITS;
use super::objectives::{Goal, Objective};
use crate::kernel::input::Cell;
use crate::level::Problem;

/// Most moves a level may allow.
pub const MOVES_MAX: u16 = 99;
/// Most objectives per level.
pub const OBJECTIVES_MAX: usize = 4;
/// Most star thresholds per level.
pub const STARS_MAX: usize = 3;
/// Largest count a collect objective may ask for.
pub const COLLECT_COUNT_MAX: u16 = 999;
/// Largest points value of any one scoring tunable.
pub const POINTS_MAX: u32 = 10_000;
/// Longest swap or clear animation, in ticks (one second).
pub const ANIMATION_TICKS_MAX: u16 = 60;
/// A score is implausible above this many cascade rounds' worth of clearing every playable cell
/// on every move; a star threshold or score target above it is a typo, not a challenge.
pub const CASCADE_ROUNDS_PLAUSIBLE_MAX: u32 = 10;

/// Points per event. All optional in the file; the defaults suit a 9x9 board of 5 colours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Scoring {
    /// Per piece cleared, times the cascade round (1 for the swap's own wave).
    pub piece: u32,
    /// Per special piece created.
    pub special_created: u32,
    /// Per ice layer cracked.
    pub ice_layer: u32,
    /// Per jelly layer cleared.
    pub jelly_layer: u32,
    /// Per chocolate cell destroyed.
    pub chocolate: u32,
    /// End-of-level bonus per move left when the objectives are met.
    pub bonus_per_move: u32,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            piece: 20,
            special_created: 60,
            ice_layer: 40,
            jelly_layer: 100,
            chocolate: 40,
            bonus_per_move: 250,
        }
    }
}

/// Animation timing, in ticks and fixed-point cell units ([`CELL_UNITS`] per cell). Cascade
/// timing is part of the deterministic state, so these are rules, not cosmetics.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Motion {
    /// Ticks the two swapped pieces take to trade places.
    pub swap_ticks: u16,
    /// Ticks cleared pieces take to vanish before the pieces above fall.
    pub clear_ticks: u16,
    /// Downward acceleration of falling pieces, in cell units per tick per tick.
    pub gravity_units: u16,
    /// Fastest fall, in cell units per tick.
    pub fall_speed_max_units: u16,
}

impl Default for Motion {
    fn default() -> Self {
        // A piece falls one cell in 7 ticks and three cells in 12: brisk on a phone.
        Motion {
            swap_ticks: 8,
            clear_ticks: 10,
            gravity_units: 40,
            fall_speed_max_units: 400,
        }
    }
}

/// The `game.match3` object of a level file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Match3Level {
    /// One string per row, one character per cell: `.` open, `x` hole, `#` stone,
    /// `C` chocolate, `1`-`3` an open cell whose piece is under that many layers of ice.
    pub layout: Vec<String>,
    /// Optional, same shape: `.` none, `1`-`3` jelly layers beneath the piece.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jelly: Option<Vec<String>>,
    /// Optional fixed pieces: one string per row of space-separated tokens (see the module docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pieces: Option<Vec<String>>,
    /// Number of piece colours, 3 to 6.
    pub colors: u8,
    pub moves: u16,
    pub objectives: Vec<Objective>,
    /// 1 to 3 score thresholds, strictly increasing.
    pub stars: Vec<u32>,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub motion: Motion,
}

/// The validated rules of a level, as the game uses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub colors: u8,
    pub moves: u16,
    pub goals: Vec<Goal>,
    pub stars: Vec<u32>,
    pub scoring: Scoring,
    pub motion: Motion,
    /// Whether the level starts with chocolate: only then can any spread (skips the scan).
    pub chocolate: bool,
}

const LAYOUT_ALLOWED: &str = ". (open), x (hole), # (stone), C (chocolate), 1-3 (ice layers)";
const JELLY_ALLOWED: &str = ". (none) or 1-3 (jelly layers)";

fn piece_allowed(colors: u8) -> String {
    let letters: String = COLOR_LETTERS[..usize::from(colors.clamp(COLORS_MIN, COLORS_MAX))]
        .iter()
        .collect();
    format!(
        ". (random), * (colour bomb), or a colour letter of {letters} alone or followed by - (row stripe), | (column stripe) or + (wrapped)"
    )
}

/// Parses one piece token; `Err(())` when it is not a token at all.
fn parse_piece(token: &str) -> Result<Option<Piece>, ()> {
    let mut chars = token.chars();
    let first = chars.next().ok_or(())?;
    let second = chars.next();
    if chars.next().is_some() {
        return Err(());
    }
    match (first, second) {
        ('.', None) => Ok(None),
        ('*', None) => Ok(Some(Piece::ColorBomb)),
        (letter, suffix) => {
            let color = Color::from_letter(letter).ok_or(())?;
            Ok(Some(match suffix {
                None => Piece::Plain(color),
                Some('-') => Piece::Striped(color, Axis::Row),
                Some('|') => Piece::Striped(color, Axis::Col),
                Some('+') => Piece::Wrapped(color),
                Some(_) => return Err(()),
            }))
        }
    }
}

fn layout_tile(symbol: char) -> Option<Tile> {
    let open = Tile {
        ground: Ground::Open,
        ice: 0,
        jelly: 0,
        piece: None,
    };
    Some(match symbol {
        '.' => open,
        'x' => Tile::HOLE,
        '#' => Tile {
            ground: Ground::Stone,
            ..open
        },
        'C' => Tile {
            ground: Ground::Chocolate,
            ..open
        },
        '1'..='3' => Tile {
            ice: symbol as u8 - b'0',
            ..open
        },
        _ => return None,
    })
}

fn layers(symbol: char) -> Option<u8> {
    match symbol {
        '.' => Some(0),
        '1'..='3' => Some(symbol as u8 - b'0'),
        _ => None,
    }
}

fn ground_name(ground: Ground) -> &'static str {
    match ground {
        Ground::Hole => "a hole",
        Ground::Open => "an open cell",
        Ground::Stone => "stone",
        Ground::Chocolate => "chocolate",
    }
}

impl Match3Level {
    /// Pushes every problem with this level onto `problems`, each with its field path under
    /// `path` (e.g. `game.match3`).
    pub fn validate(&self, path: &str, problems: &mut Vec<Problem>) {
        // Problems of the named whole-level rules, appended after the field problems.
        let mut ruled = Vec::new();
        let mut push = |field: String, found: String, allowed: String| {
            problems.push(Problem::new(format!("{path}.{field}"), found, allowed));
        };
        let colors_ok = (COLORS_MIN..=COLORS_MAX).contains(&self.colors);
        if !colors_ok {
            push(
                "colors".into(),
                format!("{}", self.colors),
                format!("{COLORS_MIN} to {COLORS_MAX}"),
            );
        }
        if !(1..=MOVES_MAX).contains(&self.moves) {
            push(
                "moves".into(),
                format!("{}", self.moves),
                format!("1 to {MOVES_MAX}"),
            );
        }

        // Layout: size, then every cell.
        let rows = self.layout.len();
        let rows_ok = (usize::from(GRID_ROWS_MIN)..=usize::from(GRID_ROWS_MAX)).contains(&rows);
        if !rows_ok {
            push(
                "layout".into(),
                format!("{rows} rows"),
                format!("{GRID_ROWS_MIN} to {GRID_ROWS_MAX} rows"),
            );
        }
        let cols = self.layout.first().map_or(0, |row| row.chars().count());
        let cols_ok = (usize::from(GRID_COLS_MIN)..=usize::from(GRID_COLS_MAX)).contains(&cols);
        if rows > 0 && !cols_ok {
            push(
                "layout[0]".into(),
                format!("{cols} characters"),
                format!("{GRID_COLS_MIN} to {GRID_COLS_MAX} characters, one per column"),
            );
        }
        let shape_ok = rows_ok && cols_ok;
        let mut grounds = [Ground::Hole; GRID_ROWS_MAX as usize * STRIDE];
        for (row, line) in self.layout.iter().enumerate() {
            let length = line.chars().count();
            if row > 0 && cols_ok && length != cols {
                push(
                    format!("layout[{row}]"),
                    format!("{length} characters"),
                    format!("{cols} characters, like layout[0]"),
                );
            }
            for (col, symbol) in line.chars().enumerate() {
                match layout_tile(symbol) {
                    Some(tile) => {
                        if row < usize::from(GRID_ROWS_MAX) && col < STRIDE {
                            grounds[row * STRIDE + col] = tile.ground;
                        }
                    }
                    None => push(
                        format!("layout[{row}][{col}]"),
                        format!("{symbol:?}"),
                        LAYOUT_ALLOWED.into(),
                    ),
                }
            }
        }
        let board = if shape_ok && problems_free_layout(&self.layout, cols) {
            Some(self.template())
        } else {
            None
        };

        // Jelly: same shape, only on open cells.
        if let Some(jelly) = &self.jelly {
            if jelly.len() != rows {
                push(
                    "jelly".into(),
                    format!("{} rows", jelly.len()),
                    format!("{rows} rows, like layout"),
                );
            }
            for (row, line) in jelly.iter().enumerate() {
                let length = line.chars().count();
                if length != cols {
                    push(
                        format!("jelly[{row}]"),
                        format!("{length} characters"),
                        format!("{cols} characters, like layout"),
                    );
                }
                for (col, symbol) in line.chars().enumerate() {
                    match layers(symbol) {
                        None => push(
                            format!("jelly[{row}][{col}]"),
                            format!("{symbol:?}"),
                            JELLY_ALLOWED.into(),
                        ),
                        Some(0) => {}
                        Some(_) => {
                            let ground = grounds
                                .get(row * STRIDE + col)
                                .copied()
                                .filter(|_| col < STRIDE)
                                .unwrap_or(Ground::Hole);
                            if ground != Ground::Open {
                                push(
                                    format!("jelly[{row}][{col}]"),
                                    format!("jelly on {}", ground_name(ground)),
                                    "jelly only on open or iced cells".into(),
                                );
                            }
                        }
                    }
                }
            }
        }

        // Fixed pieces: same shape, known tokens and colours, only on open cells.
        if let Some(pieces) = &self.pieces {
            if pieces.len() != rows {
                push(
                    "pieces".into(),
                    format!("{} rows", pieces.len()),
                    format!("{rows} rows, like layout"),
                );
            }
            for (row, line) in pieces.iter().enumerate() {
                let count = line.split_whitespace().count();
                if count != cols {
                    push(
                        format!("pieces[{row}]"),
                        format!("{count} tokens"),
                        format!("{cols} space-separated tokens, like layout"),
                    );
                }
                for (col, token) in line.split_whitespace().enumerate() {
                    let field = format!("pieces[{row}][{col}]");
                    match parse_piece(token) {
                        Err(()) => push(field, format!("{token:?}"), piece_allowed(self.colors)),
                        Ok(None) => {}
                        Ok(Some(piece)) => {
                            if piece.color().is_some_and(|color| color.0 >= self.colors) {
                                push(
                                    field.clone(),
                                    format!("{token:?}"),
                                    piece_allowed(self.colors),
                                );
                            }
                            let ground = if col < STRIDE {
                                grounds
                                    .get(row * STRIDE + col)
                                    .copied()
                                    .unwrap_or(Ground::Hole)
                            } else {
                                Ground::Hole
                            };
                            if ground != Ground::Open {
                                push(
                                    field,
                                    format!("a piece on {}", ground_name(ground)),
                                    "pieces only on open or iced cells (use . elsewhere)".into(),
                                );
                            }
                        }
                    }
                }
            }
        }

        // Playability: some cells, and room for at least one line.
        let mut playable = 0u32;
        if let Some(board) = &board {
            playable = board
                .indices()
                .filter(|&index| board.tile(index).is_slot())
                .count() as u32;
            let line_room = board.indices().any(|index| {
                [crate::Direction::Right, crate::Direction::Down]
                    .into_iter()
                    .any(|direction| {
                        let mut at = index;
                        let mut len = 1;
                        while let Some(next) = board.step(at, direction) {
                            if !board.tile(next).is_slot() || !board.tile(at).is_slot() {
                                break;
                            }
                            len += 1;
                            at = next;
                        }
                        len >= LINE_MIN && board.tile(index).is_slot()
                    })
            });
            if playable == 0 {
                push(
                    "layout".into(),
                    "no open cell".into(),
                    "at least one row or column with 3 open cells in a line".into(),
                );
            } else if !line_room {
                push(
                    "layout".into(),
                    "no 3 open cells in a line".into(),
                    "at least one row or column with 3 open cells in a line".into(),
                );
            } else if !swap_can_ever_match(board) {
                ruled.push(
                    Problem::new(
                        format!("{path}.layout"),
                        "no swap that can ever make a line (every game is lost before its first move)",
                        "two neighbouring unlocked pieces whose swap can complete 3 open cells in a line",
                    )
                    .rule("no-possible-swap"),
                );
            }
            if let Some(line) = self.fixed_line(board) {
                push(
                    format!("pieces[{}]", line.row),
                    format!(
                        "a ready-made line of {LINE_MIN} through row {} column {}",
                        line.row, line.col
                    ),
                    "no line before the first move: the game starts on a still board".into(),
                );
            }
        }
        let jelly_present = self.jelly.as_ref().is_some_and(|jelly| {
            jelly
                .iter()
                .any(|line| line.chars().any(|symbol| matches!(symbol, '1'..='3')))
        });

        // Objectives.
        if self.objectives.is_empty() || self.objectives.len() > OBJECTIVES_MAX {
            push(
                "objectives".into(),
                format!("{} objectives", self.objectives.len()),
                format!("1 to {OBJECTIVES_MAX} objectives"),
            );
        }
        let ceiling = self.score_ceiling(playable);
        // The ceiling means something only on a valid grid with a valid move count; otherwise
        // those problems are reported already and a ceiling check would only echo them.
        let ceiling_known =
            board.is_some() && playable > 0 && (1..=MOVES_MAX).contains(&self.moves);
        for (number, objective) in self.objectives.iter().enumerate() {
            let at = format!("objectives[{number}]");
            let repeated = self.objectives[..number]
                .iter()
                .any(|earlier| same_kind(earlier, objective));
            if repeated {
                push(
                    at.clone(),
                    "a second objective of the same kind (or colour)".into(),
                    "each kind of objective (each collect colour) once".into(),
                );
            }
            match objective {
                Objective::Score(target) => {
                    if *target == 0 || (ceiling_known && *target > ceiling) {
                        push(
                            format!("{at}.score"),
                            format!("{target}"),
                            format!(
                                "1 to {ceiling} (what {} moves could plausibly score)",
                                self.moves
                            ),
                        );
                    }
                }
                Objective::Collect { color, count } => {
                    let known = single_letter(color)
                        .and_then(Color::from_letter)
                        .filter(|known| known.0 < self.colors);
                    if known.is_none() {
                        let letters: String = COLOR_LETTERS
                            [..usize::from(self.colors.clamp(COLORS_MIN, COLORS_MAX))]
                            .iter()
                            .map(|letter| format!("{letter} "))
                            .collect();
                        push(
                            format!("{at}.collect.color"),
                            format!("{color:?}"),
                            format!("one of the level's colours: {}", letters.trim_end()),
                        );
                    }
                    if !(1..=COLLECT_COUNT_MAX).contains(count) {
                        push(
                            format!("{at}.collect.count"),
                            format!("{count}"),
                            format!("1 to {COLLECT_COUNT_MAX}"),
                        );
                    } else if ceiling_known && u32::from(*count) > self.collect_ceiling(playable) {
                        ruled.push(
                            Problem::new(
                                format!("{path}.{at}.collect.count"),
                                count,
                                format!(
                                    "1 to {} (what {} move{} could plausibly collect on {playable} open cells)",
                                    self.collect_ceiling(playable),
                                    self.moves,
                                    if self.moves == 1 { "" } else { "s" },
                                ),
                            )
                            .rule("objective-out-of-reach"),
                        );
                    }
                }
                Objective::ClearJelly => {
                    if !jelly_present {
                        push(
                            at,
                            "clear_jelly on a level without jelly".into(),
                            "clear_jelly only when the jelly rows hold some jelly".into(),
                        );
                    }
                }
            }
        }

        // Stars.
        if self.stars.is_empty() || self.stars.len() > STARS_MAX {
            push(
                "stars".into(),
                format!("{} thresholds", self.stars.len()),
                format!("1 to {STARS_MAX} thresholds"),
            );
        }
        for (number, &threshold) in self.stars.iter().enumerate() {
            if threshold == 0 || (ceiling_known && threshold > ceiling) {
                push(
                    format!("stars[{number}]"),
                    format!("{threshold}"),
                    format!(
                        "1 to {ceiling} (what {} moves could plausibly score)",
                        self.moves
                    ),
                );
            }
            if number > 0 && threshold <= self.stars[number - 1] {
                push(
                    format!("stars[{number}]"),
                    format!(
                        "{threshold}, not above stars[{}] = {}",
                        number - 1,
                        self.stars[number - 1]
                    ),
                    "thresholds strictly increasing".into(),
                );
            }
        }

        // Scoring and motion tunables.
        let scoring = &self.scoring;
        for (name, value, min) in [
            ("piece", scoring.piece, 1),
            ("special_created", scoring.special_created, 0),
            ("ice_layer", scoring.ice_layer, 0),
            ("jelly_layer", scoring.jelly_layer, 0),
            ("chocolate", scoring.chocolate, 0),
            ("bonus_per_move", scoring.bonus_per_move, 0),
        ] {
            if !(min..=POINTS_MAX).contains(&value) {
                push(
                    format!("scoring.{name}"),
                    format!("{value}"),
                    format!("{min} to {POINTS_MAX}"),
                );
            }
        }
        let motion = &self.motion;
        if !(1..=ANIMATION_TICKS_MAX).contains(&motion.swap_ticks) {
            push(
                "motion.swap_ticks".into(),
                format!("{}", motion.swap_ticks),
                format!("1 to {ANIMATION_TICKS_MAX}"),
            );
        }
        if motion.clear_ticks > ANIMATION_TICKS_MAX {
            push(
                "motion.clear_ticks".into(),
                format!("{}", motion.clear_ticks),
                format!("0 to {ANIMATION_TICKS_MAX}"),
            );
        }
        let units_max = CELL_UNITS as u16;
        if !(1..=units_max).contains(&motion.gravity_units) {
            push(
                "motion.gravity_units".into(),
                format!("{}", motion.gravity_units),
                format!(
                    "1 to {units_max} (cell units per tick per tick; {units_max} units = one cell)"
                ),
            );
        }
        if !(motion.gravity_units.max(1)..=units_max).contains(&motion.fall_speed_max_units) {
            push(
                "motion.fall_speed_max_units".into(),
                format!("{}", motion.fall_speed_max_units),
                format!("gravity_units to {units_max} (a piece moves at most one cell per tick)"),
            );
        }
        problems.extend(ruled);
    }

    /// The most pieces of one colour `moves` could plausibly clear: every open cell, in
    /// [`CASCADE_ROUNDS_PLAUSIBLE_MAX`] cascade rounds, on every move.
    fn collect_ceiling(&self, playable: u32) -> u32 {
        u32::from(self.moves.max(1))
            .saturating_mul(playable.max(1))
            .saturating_mul(CASCADE_ROUNDS_PLAUSIBLE_MAX)
    }

    /// The highest score this level could plausibly reach (the bound star thresholds and score
    /// targets are checked against), or `None` when the layout is not valid.
    pub fn score_ceiling_points(&self) -> Option<u32> {
        let cols = self.layout.first().map_or(0, |row| row.chars().count());
        let rows_ok =
            (usize::from(GRID_ROWS_MIN)..=usize::from(GRID_ROWS_MAX)).contains(&self.layout.len());
        let cols_ok = (usize::from(GRID_COLS_MIN)..=usize::from(GRID_COLS_MAX)).contains(&cols);
        if !(rows_ok && cols_ok && problems_free_layout(&self.layout, cols)) {
            return None;
        }
        let board = self.template();
        let playable = board
            .indices()
            .filter(|&index| board.tile(index).is_slot())
            .count() as u32;
        Some(self.score_ceiling(playable))
    }

    /// The highest score a star threshold or score target may ask for.
    fn score_ceiling(&self, playable: u32) -> u32 {
        let per_move = playable
            .max(1)
            .saturating_mul(self.scoring.piece.max(1))
            .saturating_mul(CASCADE_ROUNDS_PLAUSIBLE_MAX);
        u32::from(self.moves.max(1))
            .saturating_mul(per_move.saturating_add(self.scoring.bonus_per_move))
    }

    /// The first ready-made line among the fixed pieces, if any.
    fn fixed_line(&self, board: &Board) -> Option<Cell> {
        board
            .indices()
            .find(|&index| in_line(board, index))
            .map(Board::cell)
    }

    /// The starting board without the random pieces (for a valid level). Tiles whose pieces the
    /// seeded fill chooses are left empty.
    pub(super) fn template(&self) -> Board {
        let rows = self.layout.len() as u8;
        let cols = self.layout[0].chars().count() as u8;
        let mut board = Board::new(rows, cols);
        for (row, line) in self.layout.iter().enumerate() {
            for (col, symbol) in line.chars().enumerate() {
                if let Some(tile) = layout_tile(symbol) {
                    *board.tile_mut(row * STRIDE + col) = tile;
                }
            }
        }
        for (row, line) in self
            .jelly
            .iter()
            .flatten()
            .enumerate()
            .take(usize::from(rows))
        {
            for (col, symbol) in line.chars().enumerate().take(usize::from(cols)) {
                let tile = board.tile_mut(row * STRIDE + col);
                if tile.ground == Ground::Open {
                    tile.jelly = layers(symbol).unwrap_or(0).min(LAYERS_MAX);
                }
            }
        }
        for (row, line) in self
            .pieces
            .iter()
            .flatten()
            .enumerate()
            .take(usize::from(rows))
        {
            for (col, token) in line.split_whitespace().enumerate().take(usize::from(cols)) {
                let tile = board.tile_mut(row * STRIDE + col);
                if let (Ok(Some(piece)), Ground::Open) = (parse_piece(token), tile.ground) {
                    if piece.color().is_none_or(|color| color.0 < self.colors) {
                        tile.piece = Some(piece);
                    }
                }
            }
        }
        board
    }

    /// The starting board template and the cells the seeded fill must choose.
    pub(super) fn start(&self) -> (Board, CellSet) {
        let board = self.template();
        let random = board
            .indices()
            .filter(|&index| board.tile(index).is_slot() && board.piece(index).is_none())
            .fold(0, |set, index| set | bit(index));
        (board, random)
    }

    /// The rules of a valid level.
    pub fn rules(&self) -> Rules {
        let goals = self
            .objectives
            .iter()
            .map(|objective| match objective {
                Objective::Score(target) => Goal::Score(*target),
                Objective::Collect { color, count } => Goal::Collect(
                    single_letter(color)
                        .and_then(Color::from_letter)
                        .expect("validated colour"),
                    *count,
                ),
                Objective::ClearJelly => Goal::ClearJelly,
            })
            .collect();
        Rules {
            colors: self.colors,
            moves: self.moves,
            goals,
            stars: self.stars.clone(),
            scoring: self.scoring.clone(),
            motion: self.motion.clone(),
            chocolate: self.layout.iter().any(|line| line.contains('C')),
        }
    }
}

fn single_letter(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let letter = chars.next()?;
    chars.next().is_none().then_some(letter)
}

fn same_kind(a: &Objective, b: &Objective) -> bool {
    match (a, b) {
        (Objective::Score(_), Objective::Score(_)) => true,
        (Objective::ClearJelly, Objective::ClearJelly) => true,
        (Objective::Collect { color: x, .. }, Objective::Collect { color: y, .. }) => x == y,
        _ => false,
    }
}

/// True when some swap could ever make a line, whatever colours the seeded fill chooses: a
/// colour bomb with an unlocked neighbour, or two neighbouring unlocked cells `p`, `q` and three
/// open cells in a line through `q` but not `p` (the fill can colour `p` and the line's other
/// two cells alike and `q` differently). Iced cells match but cannot be swapped. Without such a
/// pair no shuffle can give the board a legal move, so every game would end at tick 0.
fn swap_can_ever_match(board: &Board) -> bool {
    use crate::Direction::{Down, Left, Right, Up};
    let free = |index: usize| board.tile(index).is_free();
    let slot = |index: Option<usize>| index.is_some_and(|index| board.tile(index).is_slot());
    // A line of three open cells through `q` along `axis`, avoiding `p`.
    let line_through = |q: usize, p: usize, forward: crate::Direction, back: crate::Direction| {
        let ahead = board.step(q, forward);
        let ahead2 = ahead.and_then(|at| board.step(at, forward));
        let behind = board.step(q, back);
        let behind2 = behind.and_then(|at| board.step(at, back));
        let avoid = |index: Option<usize>| index != Some(p);
        let runs = [(ahead, ahead2), (behind, behind2), (behind, ahead)];
        runs.into_iter()
            .any(|(a, b)| slot(a) && slot(b) && avoid(a) && avoid(b))
    };
    board.indices().filter(|&p| free(p)).any(|p| {
        [Up, Down, Left, Right].into_iter().any(|direction| {
            let Some(q) = board.step(p, direction).filter(|&q| free(q)) else {
                return false;
            };
            let bomb = board.piece(p) == Some(Piece::ColorBomb);
            bomb || line_through(q, p, Right, Left) || line_through(q, p, Down, Up)
        })
    })
}

/// True when every layout row has `cols` known characters.
fn problems_free_layout(layout: &[String], cols: usize) -> bool {
    layout.iter().all(|line| {
        line.chars().count() == cols && line.chars().all(|symbol| layout_tile(symbol).is_some())
    })
}
