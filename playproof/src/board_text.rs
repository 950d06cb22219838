//! Draws a game as text for the terminal: the match-3 grid, or the merge-drop container as a
//! coarse character canvas, plus a one-line HUD.

use std::fmt::Write;

use game_core::match3::{Axis, Goal, Ground, Match3, Piece};
use game_core::merge::MergeDrop;
use game_core::{Game, Phase};

/// Merge-drop canvas size in characters.
const CANVAS_COLUMNS: usize = 48;
const CANVAS_ROWS: usize = 24;

pub fn draw(game: &Game) -> String {
    let mut text = match (game.match3(), game.merge_drop()) {
        (Some(match3), _) => match3_grid(match3),
        (_, Some(merge)) => merge_canvas(game, merge),
        _ => String::new(),
    };
    text += &hud(game);
    text
}

/// One cell is three characters: an ice marker then the piece (`R ` plain, `R-`/`R|` striped,
/// `R+` wrapped, `**` colour bomb), `##` stone, `CC` chocolate, blank for a hole. Jelly is
/// shown as `~` in the marker column when there is no ice.
fn match3_grid(game: &Match3) -> String {
    let mut text = String::from("    ");
    for col in 0..game.cols() {
        let _ = write!(text, " {col} ");
    }
    text.push('\n');
    for row in 0..game.rows() {
        let _ = write!(text, " {row}  ");
        for col in 0..game.cols() {
            let Some(tile) = game.tile(game_core::Cell::new(row, col)) else {
                text += "   ";
                continue;
            };
            let marker = match (tile.ice, tile.jelly) {
                (0, 0) => ' ',
                (0, _) => '~',
                (layers, _) => char::from_digit(u32::from(layers), 10).unwrap_or('?'),
            };
            let body = match (tile.ground, tile.piece) {
                (Ground::Hole, _) => "  ".to_string(),
                (Ground::Stone, _) => "##".to_string(),
                (Ground::Chocolate, _) => "CC".to_string(),
                (Ground::Open, None) => "..".to_string(),
                (Ground::Open, Some(piece)) => piece_text(piece),
            };
            text.push(marker);
            text += &body;
        }
        text.push('\n');
    }
    text
}

fn piece_text(piece: Piece) -> String {
    match piece {
        Piece::Plain(color) => format!("{} ", color.letter()),
        Piece::Striped(color, Axis::Row) => format!("{}-", color.letter()),
        Piece::Striped(color, Axis::Col) => format!("{}|", color.letter()),
        Piece::Wrapped(color) | Piece::Detonating(color, _) => format!("{}+", color.letter()),
        Piece::ColorBomb => "**".to_string(),
    }
}

/// Walls as `#`, pieces as their tier number (in hex) filling their disc, the danger line as
/// `-` where nothing else is drawn.
fn merge_canvas(game: &Game, merge: &MergeDrop) -> String {
    let walls = merge.physics().walls();
    let (mut low_x, mut high_x, mut low_y, mut high_y) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for wall in walls {
        for point in [wall.a, wall.b] {
            low_x = if point.x < low_x { point.x } else { low_x };
            high_x = if point.x > high_x { point.x } else { high_x };
            low_y = if point.y < low_y { point.y } else { low_y };
            high_y = if point.y > high_y { point.y } else { high_y };
        }
    }
    let scale_x = (high_x - low_x) / (CANVAS_COLUMNS - 1) as f32;
    let scale_y = (high_y - low_y) / (CANVAS_ROWS - 1) as f32;
    let mut canvas = vec![vec![' '; CANVAS_COLUMNS]; CANVAS_ROWS];
    let cell_of = |x: f32, y: f32| -> Option<(usize, usize)> {
        let column = ((x - low_x) / scale_x).round();
        let row = ((high_y - y) / scale_y).round();
        (column >= 0.0
            && row >= 0.0
            && (column as usize) < CANVAS_COLUMNS
            && (row as usize) < CANVAS_ROWS)
            .then_some((row as usize, column as usize))
    };
    let danger_y = merge.danger_y();
    if let Some((row, _)) = cell_of(low_x, danger_y) {
        canvas[row].iter_mut().for_each(|cell| *cell = '-');
    }
    for (row, line) in canvas.iter_mut().enumerate() {
        for (column, cell) in line.iter_mut().enumerate() {
            let x = low_x + column as f32 * scale_x;
            let y = high_y - row as f32 * scale_y;
            for (body, tier) in merge.pieces(game.kernel()) {
                let dx = (x - body.position.x) / body.radius;
                let dy = (y - body.position.y) / body.radius;
                if dx * dx + dy * dy <= 1.0 {
                    *cell = char::from_digit(u32::from(tier) + 1, 16).unwrap_or('?');
                }
            }
        }
    }
    for wall in walls {
        let steps = CANVAS_COLUMNS + CANVAS_ROWS;
        for step in 0..=steps {
            let t = step as f32 / steps as f32;
            let point = wall.a + (wall.b - wall.a) * t;
            if let Some((row, column)) = cell_of(point.x, point.y) {
                canvas[row][column] = '#';
            }
        }
    }
    let mut text: String = canvas
        .into_iter()
        .map(|line| line.into_iter().collect::<String>() + "\n")
        .collect();
    let _ = writeln!(
        text,
        "drop x from {:.2} to {:.2}   next: tier {}  then: tier {}",
        merge.drop_range_milli().0 as f32 / 1000.0,
        merge.drop_range_milli().1 as f32 / 1000.0,
        merge.current_tier() + 1,
        merge.preview_tier() + 1,
    );
    text
}

fn hud(game: &Game) -> String {
    let mut text = format!(
        "tick {}  score {}  stars {}",
        game.tick(),
        game.score(),
        game.stars()
    );
    if let Some(match3) = game.match3() {
        let _ = write!(text, "  moves left {}", match3.moves_left());
        for goal in match3.goals() {
            let name = match goal.goal {
                Goal::Score(_) => "score".to_string(),
                Goal::Collect(color, _) => format!("collect {}", color.letter()),
                Goal::ClearJelly => "clear jelly".to_string(),
            };
            let _ = write!(text, "  [{name} {}/{}]", goal.current, goal.target);
        }
    }
    if let Some(merge) = game.merge_drop() {
        let _ = write!(
            text,
            "  time left {} s",
            merge.ticks_left() / game_core::TICK_HZ
        );
    }
    if let Phase::Finished { passed } = game.phase() {
        text += if passed {
            "  LEVEL PASSED"
        } else {
            "  LEVEL FAILED"
        };
    }
    text.push('\n');
    text
}
