//! A picture of a level before anyone plays it: the starting board of a match-3 level (the
//! seeded fill included), or a merge-drop level's container, danger and drop lines, its first
//! piece and its tier chain to scale. Drawn with the game's theme colours.
//!
//! The picture is a short list of shapes; [`svg`] writes it as SVG text. `playproof levels
//! render` writes that text or rasterises the same list to PNG; the designer page's wasm
//! (`game-wasm`, feature `web`) returns the same text, so both show one drawing. `no_std` and
//! free of I/O, so the browser build can carry it; the mini-game build does not link it.

#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use game_core::match3::{Axis, Ground, Piece};
use game_core::{Game, Level, LevelError, LevelGame};
use serde::Deserialize;

/// Side of one match-3 cell, in pixels.
const CELL_PX: f64 = 56.0;
/// Space around the board or container, in pixels.
const MARGIN_PX: f64 = 24.0;
/// Width of a merge-drop picture's container area, in pixels.
const CONTAINER_WIDTH_PX: f64 = 420.0;
/// Largest picture side, in pixels: a bound on the PNG buffer (3 bytes a pixel).
pub const PICTURE_SIDE_MAX_PX: u32 = 2_048;

/// The theme colours a preview needs, read from `assets/themes/*.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Theme {
    pub background: String,
    pub cell: String,
    pub cell_alt: String,
    pub stone: String,
    pub chocolate: String,
    pub ice: String,
    pub jelly: String,
    pub pieces: Vec<String>,
    pub container: String,
    pub danger: String,
    pub text: String,
}

/// One thing drawn, in pixels, painted in list order.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Rect {
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: [u8; 3],
        opacity: f64,
    },
    Circle {
        x: f64,
        y: f64,
        radius: f64,
        fill: [u8; 3],
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        width: f64,
        stroke: [u8; 3],
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub background: [u8; 3],
    pub title: String,
    pub shapes: Vec<Shape>,
}

/// `#rrggbb` as bytes; anything else is mid grey (theme files are checked by the game).
pub fn rgb(hex: &str) -> [u8; 3] {
    let channel = |at: usize| {
        hex.get(at..at + 2)
            .and_then(|pair| u8::from_str_radix(pair, 16).ok())
    };
    match (hex.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => [r, g, b],
        _ => [128, 128, 128],
    }
}

/// Why a level file has no preview.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("no preview: the file does not read as a level ({0})")]
    Unreadable(LevelError),
    #[error("no preview until every field is valid")]
    InvalidFields,
    #[error("no preview: the theme is not valid ({0})")]
    Theme(serde_json::Error),
}

/// The start of the level in `level_bytes` with game seed `seed`, as SVG text in the colours of
/// `theme_json` (a theme file): what the designer page shows. Drawn for valid levels and for
/// levels that break only named rules; refused, with the reason, otherwise.
pub fn preview_svg(
    level_bytes: &[u8],
    seed: u64,
    theme_json: &str,
) -> Result<String, PreviewError> {
    let level = Level::parse(level_bytes).map_err(PreviewError::Unreadable)?;
    if !drawable(&level) {
        return Err(PreviewError::InvalidFields);
    }
    let theme: Theme = serde_json::from_str(theme_json).map_err(PreviewError::Theme)?;
    Ok(svg(&picture(&level, seed, &theme)))
}

/// Whether `level` can be drawn: every field is valid on its own. A level that breaks only a
/// named rule (no swap can make a line, a tier wider than its container, an objective out of
/// reach) still starts a game, and seeing it is how a designer finds out why.
pub fn drawable(level: &Level) -> bool {
    level
        .problems()
        .iter()
        .all(|problem| problem.rule.is_some())
}

/// The picture of `level`'s start with game seed `seed`; `level` must be [`drawable`].
pub fn picture(level: &Level, seed: u64, theme: &Theme) -> Picture {
    let game = Game::new(level, seed);
    let title = format!("{} ({}), seed {seed}", level.name, level.id);
    match &level.game {
        LevelGame::Match3(_) => match3_picture(&game, theme, title),
        LevelGame::MergeDrop(spec) => merge_picture(spec, &game, theme, title),
    }
}

fn match3_picture(game: &Game, theme: &Theme, title: String) -> Picture {
    let state = game
        .match3()
        .expect("a match-3 level starts a match-3 game");
    let board = state.board();
    let (rows, cols) = (f64::from(board.rows()), f64::from(board.cols()));
    let mut shapes = Vec::new();
    for index in board.indices() {
        let cell = game_core::match3::Board::cell(index);
        let (x, y) = (
            MARGIN_PX + f64::from(cell.col) * CELL_PX,
            MARGIN_PX + f64::from(cell.row) * CELL_PX,
        );
        let square = |inset: f64, fill: [u8; 3], opacity: f64| Shape::Rect {
            x: x + inset,
            y: y + inset,
            width: CELL_PX - 2.0 * inset,
            height: CELL_PX - 2.0 * inset,
            fill,
            opacity,
        };
        let tile = board.tile(index);
        let checker = if (cell.row + cell.col).is_multiple_of(2) {
            &theme.cell
        } else {
            &theme.cell_alt
        };
        match tile.ground {
            Ground::Hole => continue,
            Ground::Stone => shapes.push(square(2.0, rgb(&theme.stone), 1.0)),
            Ground::Chocolate => shapes.push(square(2.0, rgb(&theme.chocolate), 1.0)),
            Ground::Open => shapes.push(square(0.0, rgb(checker), 1.0)),
        }
        if tile.jelly > 0 {
            let opacity = 0.25 * f64::from(tile.jelly);
            shapes.push(square(3.0, rgb(&theme.jelly), opacity));
        }
        if let Some(piece) = tile.piece {
            piece_shapes(piece, x, y, theme, &mut shapes);
        }
        if tile.ice > 0 {
            let opacity = 0.2 + 0.15 * f64::from(tile.ice);
            shapes.push(square(1.0, rgb(&theme.ice), opacity));
        }
    }
    Picture {
        width: (2.0 * MARGIN_PX + cols * CELL_PX) as u32,
        height: (2.0 * MARGIN_PX + rows * CELL_PX) as u32,
        background: rgb(&theme.background),
        title,
        shapes,
    }
}

fn piece_shapes(piece: Piece, x: f64, y: f64, theme: &Theme, shapes: &mut Vec<Shape>) {
    let (cx, cy) = (x + CELL_PX / 2.0, y + CELL_PX / 2.0);
    let colour = |piece: Piece| {
        piece
            .color()
            .and_then(|color| theme.pieces.get(usize::from(color.0)))
            .map_or([255, 255, 255], |hex| rgb(hex))
    };
    let radius = CELL_PX * 0.38;
    let white = [255, 255, 255];
    match piece {
        Piece::ColorBomb => {
            shapes.push(Shape::Circle {
                x: cx,
                y: cy,
                radius,
                fill: [40, 32, 60],
            });
            for (number, hex) in theme.pieces.iter().enumerate().take(6) {
                let angle = number as f64 * core::f64::consts::TAU / 6.0;
                shapes.push(Shape::Circle {
                    x: cx + radius * 0.55 * libm::cos(angle),
                    y: cy + radius * 0.55 * libm::sin(angle),
                    radius: radius * 0.2,
                    fill: rgb(hex),
                });
            }
        }
        _ => {
            shapes.push(Shape::Circle {
                x: cx,
                y: cy,
                radius,
                fill: colour(piece),
            });
            let stripe = |horizontal: bool| {
                let (half_w, half_h) = if horizontal {
                    (radius * 0.8, radius * 0.15)
                } else {
                    (radius * 0.15, radius * 0.8)
                };
                Shape::Rect {
                    x: cx - half_w,
                    y: cy - half_h,
                    width: 2.0 * half_w,
                    height: 2.0 * half_h,
                    fill: white,
                    opacity: 0.85,
                }
            };
            match piece {
                Piece::Striped(_, Axis::Row) => shapes.push(stripe(true)),
                Piece::Striped(_, Axis::Col) => shapes.push(stripe(false)),
                Piece::Wrapped(_) | Piece::Detonating(..) => {
                    shapes.push(Shape::Circle {
                        x: cx,
                        y: cy,
                        radius: radius * 0.45,
                        fill: white,
                    });
                    shapes.push(Shape::Circle {
                        x: cx,
                        y: cy,
                        radius: radius * 0.3,
                        fill: colour(piece),
                    });
                }
                _ => {}
            }
        }
    }
}

fn merge_picture(
    spec: &game_core::merge::MergeLevel,
    game: &Game,
    theme: &Theme,
    title: String,
) -> Picture {
    let xs = spec.container.iter().map(|point| point[0]);
    let ys = spec.container.iter().map(|point| point[1]);
    let (left, right) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(1));
    let (floor, top) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(1));
    let top = top.max(spec.drop_y_milli);
    let scale = CONTAINER_WIDTH_PX / f64::from((right - left).max(1));
    let box_height = f64::from(top - floor) * scale;
    let widest_tier = spec
        .tiers
        .iter()
        .map(|tier| tier.radius_milli)
        .max()
        .unwrap_or(0);
    let legend_height = 2.0 * f64::from(widest_tier) * scale + MARGIN_PX;
    let to_px = |x: i32, y: i32| {
        (
            MARGIN_PX + f64::from(x - left) * scale,
            MARGIN_PX + f64::from(top - y) * scale,
        )
    };
    let mut shapes = Vec::new();
    let container = rgb(&theme.container);
    for pair in spec.container.windows(2) {
        shapes.push(Shape::Line {
            from: to_px(pair[0][0], pair[0][1]),
            to: to_px(pair[1][0], pair[1][1]),
            width: 4.0,
            stroke: container,
        });
    }
    let line_across = |y: i32, stroke: [u8; 3], width: f64| Shape::Line {
        from: to_px(left, y),
        to: to_px(right, y),
        width,
        stroke,
    };
    shapes.push(line_across(spec.danger_y_milli, rgb(&theme.danger), 2.0));
    shapes.push(line_across(spec.drop_y_milli, rgb(&theme.text), 1.0));
    let tier_colour = |tier: usize| {
        spec.tiers
            .get(tier)
            .map_or([255; 3], |tier| rgb(&tier.color))
    };
    if let Some(state) = game.merge_drop() {
        let tier = usize::from(state.current_tier());
        let (low, high) = state.drop_range_milli();
        let (x, y) = to_px(low / 2 + high / 2, spec.drop_y_milli);
        shapes.push(Shape::Circle {
            x,
            y,
            radius: f64::from(spec.tiers[tier].radius_milli) * scale,
            fill: tier_colour(tier),
        });
    }
    // The chain to scale, smallest first, along the bottom.
    let baseline = MARGIN_PX * 2.0 + box_height + legend_height / 2.0;
    let mut x = MARGIN_PX;
    for (index, tier) in spec.tiers.iter().enumerate() {
        let radius = f64::from(tier.radius_milli) * scale;
        shapes.push(Shape::Circle {
            x: x + radius,
            y: baseline,
            radius,
            fill: tier_colour(index),
        });
        x += 2.0 * radius + 4.0;
    }
    let width = (2.0 * MARGIN_PX + CONTAINER_WIDTH_PX).max(x + MARGIN_PX);
    Picture {
        width: (width as u32).min(PICTURE_SIDE_MAX_PX),
        height: ((3.0 * MARGIN_PX + box_height + legend_height) as u32).min(PICTURE_SIDE_MAX_PX),
        background: rgb(&theme.background),
        title,
        shapes,
    }
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The picture as SVG text.
pub fn svg(picture: &Picture) -> String {
    let mut text = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<title>{title}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"{bg}\"/>\n",
        w = picture.width,
        h = picture.height,
        title = escape(&picture.title),
        bg = hex(picture.background),
    );
    for shape in &picture.shapes {
        let _ = match shape {
            Shape::Rect {
                x,
                y,
                width,
                height,
                fill,
                opacity,
            } => writeln!(
                text,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" fill=\"{}\" fill-opacity=\"{opacity:.2}\"/>",
                hex(*fill)
            ),
            Shape::Circle { x, y, radius, fill } => writeln!(
                text,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" fill=\"{}\"/>",
                hex(*fill)
            ),
            Shape::Line {
                from,
                to,
                width,
                stroke,
            } => writeln!(
                text,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"{width:.1}\" stroke-linecap=\"round\"/>",
                from.0,
                from.1,
                to.0,
                to.1,
                hex(*stroke)
            ),
        };
    }
    text + "</svg>\n"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
