//! Render preparation: the session's state (and this frame's events) become one flat list of
//! instances, each a quad the fragment shader fills with a signed-distance shape. Board, pieces,
//! effects and HUD all go into the same list, so a frame is one instanced draw call.
//!
//! Pure Rust over plain data: tested natively, measured by `cargo xtask bench web`.

use alloc::vec::Vec;

use game_core::match3::{Axis, Ground, Piece, CELL_UNITS};
use game_core::merge::Event as MergeEvent;
use game_core::physics::Body;
use game_core::{Event, Game, LevelGame, Phase};

use crate::layout::Layout;
use crate::session::Session;
use crate::text::{line_height_px, Align, Label, Phrase, Text, TextAtlas, Value};

/// Floats per instance: centre x, y; half width, half height (device px); colour r, g, b, a
/// (straight alpha); shape kind, parameter, flags, rotation (radians).
pub const INSTANCE_FLOATS: usize = 12;
/// Instances one frame may hold: an 9x9 board with four layers per cell, 200 bodies, effects
/// and the HUD fit with room to spare.
pub const INSTANCES_MAX: usize = 1024;

/// Shape kinds; the fragment shader (`gl.rs`) uses the same numbers.
pub mod shape {
    pub const BOX: f32 = 0.0;
    pub const CIRCLE: f32 = 1.0;
    pub const DIAMOND: f32 = 2.0;
    pub const TRIANGLE: f32 = 3.0;
    pub const HEXAGON: f32 = 4.0;
    pub const STAR: f32 = 5.0;
    pub const RING: f32 = 6.0;
    pub const BOMB: f32 = 7.0;
    pub const DIGIT: f32 = 8.0;
    /// A row of the text texture (`text.rs`); the parameter is the row's top in texels.
    pub const TEXT: f32 = 9.0;
}

/// Shape flags (sums of powers of two; the shader tests them with `mod`).
pub mod flag {
    pub const STRIPES_ROW: f32 = 1.0;
    pub const STRIPES_COL: f32 = 2.0;
    pub const WRAPPED: f32 = 4.0;
    pub const GLOSS: f32 = 8.0;
}

/// Match-3 colours' shapes, so colour-blind players can tell pieces apart.
pub(crate) const PIECE_SHAPES: [f32; 6] = [
    shape::CIRCLE,
    shape::BOX,
    shape::DIAMOND,
    shape::STAR,
    shape::HEXAGON,
    shape::TRIANGLE,
];

/// Seven-segment masks of the digits 0-9 (bit 0 top, then clockwise, bit 6 middle).
const DIGIT_SEGMENTS: [u8; 10] = [63, 6, 91, 79, 102, 109, 125, 7, 127, 111];

/// A banner's text as a share of the screen's smaller side.
const BANNER_FONT_SHARE: f32 = 0.07;
/// A caption's font, in CSS pixels: small enough to leave the watched game in view.
const CAPTION_FONT_CSS_PX: f32 = 14.0;

fn caption_font_px(dpr: f32) -> u16 {
    libm::roundf(CAPTION_FONT_CSS_PX * dpr) as u16
}

/// The height of a caption's band along the bottom edge, in device pixels: two lines of its
/// font, so the game laid out above it stays clear of it.
pub fn caption_height_px(dpr: f32) -> f32 {
    2.0 * f32::from(line_height_px(caption_font_px(dpr)))
}
/// A digit's advance as a share of its height (its glyph is 0.54 of it wide, so digits keep a
/// gap between them).
const DIGIT_ADVANCE_SHARE: f32 = 0.68;
/// Space kept between the HUD's slots and at its edges, as a share of the band's height.
const HUD_SLOT_PAD_SHARE: f32 = 0.3;
/// Distance between the HUD stars' centres, in star half-sizes (2 would make them touch).
const HUD_STAR_SPACING: f32 = 2.4;
/// The HUD band's rows, as shares of its height: labels on top, values under them, the goal
/// bar at the bottom (0.86 +- 0.05). A label's line is 4/3 of its font, so the label row ends
/// at 0.2 + 0.17 * 2/3 = 0.31, above the values' top (0.55 - 0.2 = 0.35 for the stars, the
/// largest), and the values end at 0.75, above the bar's top (0.81).
const HUD_LABEL_Y_SHARE: f32 = 0.2;
const HUD_LABEL_FONT_SHARE: f32 = 0.17;
const HUD_VALUE_Y_SHARE: f32 = 0.55;
const HUD_DIGIT_SHARE: f32 = 0.36;
const HUD_PREVIEW_RADIUS_SHARE: f32 = 0.18;

/// Effects older than this are dropped; effects beyond `FX_MAX` replace nothing (a big cascade
/// simply shows fewer sparks).
const FX_MAX: usize = 160;

pub type Rgba = [f32; 4];

/// A box on screen: centre and half size, in device pixels.
pub type ScreenBox = ((f32, f32), (f32, f32));

/// Colours of the game, from `assets/themes/*.json`: each a `#rrggbb` string, `pieces` a list
/// of them.
#[derive(Clone, Debug)]
pub struct Theme {
    pub background: Rgba,
    pub hud: Rgba,
    pub text: Rgba,
    pub cell: Rgba,
    pub cell_alt: Rgba,
    pub stone: Rgba,
    pub chocolate: Rgba,
    pub ice: Rgba,
    pub jelly: Rgba,
    pub pieces: Vec<Rgba>,
    pub selection: Rgba,
    pub star_on: Rgba,
    pub star_off: Rgba,
    pub progress: Rgba,
    pub container: Rgba,
    pub danger: Rgba,
}

impl Theme {
    /// Read through one `serde_json::Value` (the reader the flow's data already links) rather
    /// than a derived deserializer: the mini-game artifact is size-bound. Unknown fields are
    /// ignored; a missing or malformed colour is named.
    pub fn from_json(text: &str) -> Result<Theme, serde_json::Error> {
        use serde::de::Error as _;
        let value: serde_json::Value = serde_json::from_slice(text.as_bytes())?;
        let colour = |field: &str| {
            let text = value.get(field).and_then(serde_json::Value::as_str);
            text.and_then(parse_colour).ok_or_else(|| {
                serde_json::Error::custom(alloc::format!("{field}: expected a #rrggbb colour"))
            })
        };
        let pieces = value
            .get("pieces")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| serde_json::Error::custom("pieces: expected a list of #rrggbb colours"))?
            .iter()
            .map(|piece| piece.as_str().and_then(parse_colour))
            .collect::<Option<Vec<Rgba>>>()
            .ok_or_else(|| {
                serde_json::Error::custom("pieces: expected a list of #rrggbb colours")
            })?;
        if pieces.is_empty() {
            return Err(serde_json::Error::custom(
                "the theme needs at least one piece colour",
            ));
        }
        Ok(Theme {
            background: colour("background")?,
            hud: colour("hud")?,
            text: colour("text")?,
            cell: colour("cell")?,
            cell_alt: colour("cell_alt")?,
            stone: colour("stone")?,
            chocolate: colour("chocolate")?,
            ice: colour("ice")?,
            jelly: colour("jelly")?,
            pieces,
            selection: colour("selection")?,
            star_on: colour("star_on")?,
            star_off: colour("star_off")?,
            progress: colour("progress")?,
            container: colour("container")?,
            danger: colour("danger")?,
        })
    }
}

/// `#rrggbb` as an opaque colour.
fn parse_colour(text: &str) -> Option<Rgba> {
    let digits = text.strip_prefix('#')?;
    if digits.len() != 6 || !digits.is_ascii() {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
    Some([
        f32::from(channel(0)?) / 255.0,
        f32::from(channel(2)?) / 255.0,
        f32::from(channel(4)?) / 255.0,
        1.0,
    ])
}

#[derive(Clone, Copy, Debug)]
enum FxKind {
    /// A cleared piece shrinks and fades.
    Vanish,
    /// A ring grows and fades.
    Burst,
    /// A striped piece's line flashes across the board.
    Line,
}

/// A short-lived animation, in board coordinates (match-3: row and column; merge-drop: world
/// units), so it stays in place across a resize.
#[derive(Clone, Copy, Debug)]
struct Fx {
    kind: FxKind,
    x: f32,
    y: f32,
    size: f32,
    color: Rgba,
    shape: f32,
    flags: f32,
    axis_row: bool,
    age_s: f32,
    life_s: f32,
}

/// The render list of one frame, with the effects that outlive a frame.
pub struct Scene {
    pub instances: Vec<f32>,
    fx: Vec<Fx>,
    pub time_s: f32,
    merge_colors: Vec<Rgba>,
    hud_boxes: Vec<ScreenBox>,
    /// The player's earnings today and the daily cap, in fen, shown in the HUD while a game is
    /// played (the cap's progress stays in sight); `None` shows nothing (a ghost replay).
    pub today: Option<(i64, i64)>,
}

impl Scene {
    pub fn new(session: &Session, theme: &Theme) -> Scene {
        let merge_colors = match &session.level.game {
            LevelGame::MergeDrop(spec) => spec
                .tiers
                .iter()
                .enumerate()
                .map(|(index, tier)| {
                    parse_colour(&tier.color).unwrap_or(theme.pieces[index % theme.pieces.len()])
                })
                .collect(),
            LevelGame::Match3(_) => Vec::new(),
        };
        Scene {
            instances: Vec::with_capacity(INSTANCES_MAX * INSTANCE_FLOATS),
            fx: Vec::with_capacity(FX_MAX),
            time_s: 0.0,
            merge_colors,
            hud_boxes: Vec::new(),
            today: None,
        }
    }

    /// A scene for screens that show no session (the start screen).
    pub fn without_session() -> Scene {
        Scene {
            instances: Vec::with_capacity(INSTANCES_MAX * INSTANCE_FLOATS),
            fx: Vec::new(),
            time_s: 0.0,
            merge_colors: Vec::new(),
            hud_boxes: Vec::new(),
            today: None,
        }
    }

    /// Starts a frame of a screen: an empty list, the clock moved on by `dt_s`.
    pub(crate) fn begin_screen(&mut self, dt_s: f32) {
        self.instances.clear();
        self.time_s += dt_s;
    }

    /// The instances as rectangles `(centre, half size)` in device pixels, for layout checks.
    pub fn rects(&self) -> impl Iterator<Item = ScreenBox> + '_ {
        self.instances
            .chunks_exact(INSTANCE_FLOATS)
            .map(|instance| ((instance[0], instance[1]), (instance[2], instance[3])))
    }

    pub fn instance_count(&self) -> usize {
        self.instances.len() / INSTANCE_FLOATS
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        centre: (f32, f32),
        half: (f32, f32),
        color: Rgba,
        kind: f32,
        parameter: f32,
        flags: f32,
        angle: f32,
    ) {
        if self.instances.len() >= INSTANCES_MAX * INSTANCE_FLOATS || color[3] <= 0.0 {
            return;
        }
        self.instances.extend_from_slice(&[
            centre.0, centre.1, half.0, half.1, color[0], color[1], color[2], color[3], kind,
            parameter, flags, angle,
        ]);
    }

    /// Rebuilds the list for this frame. `alpha` interpolates between the previous and the
    /// current tick; `dt_s` ages the effects.
    pub fn build(
        &mut self,
        session: &Session,
        layout: &Layout,
        theme: &Theme,
        text: &mut TextAtlas,
        alpha: f32,
        dt_s: f32,
    ) {
        self.instances.clear();
        self.time_s += dt_s;
        for fx in &mut self.fx {
            fx.age_s += dt_s;
        }
        self.fx.retain(|fx| fx.age_s < fx.life_s);
        self.collect_fx(session, theme);
        match session.game.mode() {
            game_core::game::Mode::Match3(_) => self.match3(session, layout, theme),
            game_core::game::Mode::MergeDrop(_) => self.merge(session, layout, theme, alpha),
        }
        self.effects(session, layout);
        self.hud(session, layout, theme, text);
    }

    /// A banner across the middle of the board: `phrase` on a band of the HUD's colour, faded
    /// by `opacity` (0..1). Drawn last, over everything.
    pub fn banner(
        &mut self,
        text: &mut TextAtlas,
        phrase: Phrase,
        layout: &Layout,
        theme: &Theme,
        opacity: f32,
    ) {
        let (w, h) = (layout.width_px, layout.height_px);
        let font_px = libm::roundf((h.min(w) * BANNER_FONT_SHARE).max(18.0 * layout.dpr)) as u16;
        let centre_y = layout.hud_height_px + (h - layout.hud_height_px) / 2.0;
        self.band(text, phrase, font_px, centre_y, w, theme, opacity);
    }

    /// A line of `phrase` on a band along the bottom edge, over whatever is there (a ghost
    /// replay's "tap to go back").
    pub fn caption(
        &mut self,
        text: &mut TextAtlas,
        phrase: Phrase,
        layout: &Layout,
        theme: &Theme,
    ) {
        let (w, h) = (layout.width_px, layout.height_px);
        let font_px = caption_font_px(layout.dpr);
        let centre_y = h - caption_height_px(layout.dpr) / 2.0;
        self.band(text, phrase, font_px, centre_y, w, theme, 1.0);
    }

    /// A band across the width `w`, centred on `centre_y`, with `phrase` on it.
    #[allow(clippy::too_many_arguments)]
    fn band(
        &mut self,
        text: &mut TextAtlas,
        phrase: Phrase,
        font_px: u16,
        centre_y: f32,
        w: f32,
        theme: &Theme,
        opacity: f32,
    ) {
        let band_half_h = f32::from(line_height_px(font_px));
        let mut band = theme.hud;
        band[3] = 0.88 * opacity;
        self.push(
            (w / 2.0, centre_y),
            (w / 2.0, band_half_h),
            band,
            shape::BOX,
            0.0,
            0.0,
            0.0,
        );
        let label = Label {
            text: phrase.into(),
            font_px,
            width_px: (w * 0.9) as u16,
            align: Align::Centre,
        };
        let mut color = theme.text;
        color[3] = opacity;
        self.label(text, label, w * 0.05, centre_y, color);
    }

    /// Draws `label` with its box's left edge at `left_px` and centred on `centre_y_px`, both
    /// rounded to whole pixels so the text's texels meet the screen's pixels one to one.
    /// Returns the box.
    pub(crate) fn label(
        &mut self,
        text: &mut TextAtlas,
        label: Label,
        left_px: f32,
        centre_y_px: f32,
        color: Rgba,
    ) -> ScreenBox {
        let (row_x, row_y) = text.place(label);
        let width = f32::from(label.width_px);
        let height = f32::from(line_height_px(label.font_px));
        let left = libm::roundf(left_px);
        let top = libm::roundf(centre_y_px - height / 2.0);
        let centre = (left + width / 2.0, top + height / 2.0);
        let half = (width / 2.0, height / 2.0);
        // The label's corner in the texture: its top in the parameter, its left in the flags
        // slot (a label has no flags).
        self.push(
            centre,
            half,
            color,
            shape::TEXT,
            f32::from(row_y),
            f32::from(row_x),
            0.0,
        );
        (centre, half)
    }

    fn collect_fx(&mut self, session: &Session, theme: &Theme) {
        let piece_color = |piece: Piece| {
            piece.color().map_or(theme.selection, |color| {
                theme.pieces[usize::from(color.0) % theme.pieces.len()]
            })
        };
        for event in &session.frame_events {
            let fx = match event {
                Event::Match3(game_core::match3::Event::PieceCleared { cell, piece }) => {
                    let (kind, flags) = piece_look(*piece);
                    Fx {
                        kind: FxKind::Vanish,
                        x: f32::from(cell.col),
                        y: f32::from(cell.row),
                        size: 0.42,
                        color: piece_color(*piece),
                        shape: kind,
                        flags,
                        axis_row: false,
                        age_s: 0.0,
                        life_s: 0.28,
                    }
                }
                Event::Match3(game_core::match3::Event::SpecialTriggered { cell, piece }) => {
                    let line = match piece {
                        Piece::Striped(_, Axis::Row) => Some(true),
                        Piece::Striped(_, Axis::Col) => Some(false),
                        _ => None,
                    };
                    Fx {
                        kind: if line.is_some() {
                            FxKind::Line
                        } else {
                            FxKind::Burst
                        },
                        x: f32::from(cell.col),
                        y: f32::from(cell.row),
                        size: if matches!(piece, Piece::ColorBomb) {
                            3.0
                        } else {
                            1.6
                        },
                        color: piece_color(*piece),
                        shape: shape::RING,
                        flags: 0.0,
                        axis_row: line.unwrap_or(false),
                        age_s: 0.0,
                        life_s: 0.45,
                    }
                }
                Event::Match3(game_core::match3::Event::SpecialCreated { cell, .. }) => Fx {
                    kind: FxKind::Burst,
                    x: f32::from(cell.col),
                    y: f32::from(cell.row),
                    size: 0.8,
                    color: theme.selection,
                    shape: shape::RING,
                    flags: 0.0,
                    axis_row: false,
                    age_s: 0.0,
                    life_s: 0.35,
                },
                Event::MergeDrop(MergeEvent::Merged {
                    tier,
                    x_milli,
                    y_milli,
                    ..
                }) => {
                    let radius = session
                        .game
                        .merge_drop()
                        .map_or(0.5, |merge| merge.radius(*tier));
                    Fx {
                        kind: FxKind::Burst,
                        x: *x_milli as f32 / 1000.0,
                        y: *y_milli as f32 / 1000.0,
                        size: radius * 1.5,
                        color: self.merge_color(*tier),
                        shape: shape::RING,
                        flags: 0.0,
                        axis_row: false,
                        age_s: 0.0,
                        life_s: 0.4,
                    }
                }
                Event::MergeDrop(MergeEvent::Dropped { tier, x_milli, .. }) => {
                    let (radius, drop_y) = match &session.level.game {
                        LevelGame::MergeDrop(spec) => (
                            session
                                .game
                                .merge_drop()
                                .map_or(0.5, |merge| merge.radius(*tier)),
                            spec.drop_y_milli as f32 / 1000.0,
                        ),
                        LevelGame::Match3(_) => (0.5, 0.0),
                    };
                    Fx {
                        kind: FxKind::Burst,
                        x: *x_milli as f32 / 1000.0,
                        y: drop_y,
                        size: radius,
                        color: theme.selection,
                        shape: shape::RING,
                        flags: 0.0,
                        axis_row: false,
                        age_s: 0.0,
                        life_s: 0.25,
                    }
                }
                _ => continue,
            };
            if self.fx.len() < FX_MAX {
                self.fx.push(fx);
            }
        }
    }

    fn merge_color(&self, tier: u8) -> Rgba {
        self.merge_colors
            .get(usize::from(tier))
            .copied()
            .unwrap_or([1.0, 1.0, 1.0, 1.0])
    }

    fn match3(&mut self, session: &Session, layout: &Layout, theme: &Theme) {
        let Some(match3) = session.game.match3() else {
            return;
        };
        let kernel = session.game.kernel();
        let cell_px = layout.cell_px;
        let tile_half = (cell_px * 0.48, cell_px * 0.48);
        // Swapping pieces already sit in their new cells; they slide from the old ones.
        let (swap, swap_progress) = match match3.stage() {
            game_core::match3::Stage::Swapping {
                from,
                to,
                ticks_left,
            } => {
                let total = f32::from(match3.rules().motion.swap_ticks.max(1));
                (Some((from, to)), 1.0 - f32::from(ticks_left) / total)
            }
            _ => (None, 1.0),
        };
        // Layer 1: the ground, jelly under the pieces.
        for row in 0..match3.rows() {
            for col in 0..match3.cols() {
                let cell = game_core::Cell::new(row, col);
                let Some(tile) = match3.tile(cell) else {
                    continue;
                };
                let centre = layout.cell_centre(f32::from(row), f32::from(col));
                let ground = match tile.ground {
                    Ground::Hole => continue,
                    Ground::Open if (row + col) % 2 == 0 => theme.cell,
                    Ground::Open => theme.cell_alt,
                    Ground::Stone => theme.stone,
                    Ground::Chocolate => theme.chocolate,
                };
                let flags = if matches!(tile.ground, Ground::Open) {
                    0.0
                } else {
                    flag::GLOSS
                };
                self.push(centre, tile_half, ground, shape::BOX, 0.22, flags, 0.0);
                if tile.jelly > 0 {
                    let mut jelly = theme.jelly;
                    jelly[3] = 0.25 + 0.18 * f32::from(tile.jelly);
                    self.push(
                        centre,
                        (cell_px * 0.44, cell_px * 0.44),
                        jelly,
                        shape::BOX,
                        0.3,
                        0.0,
                        0.0,
                    );
                }
            }
        }
        // Layer 2: the pieces, falling and swapping.
        let board_top_px = layout.origin_y_px;
        for row in 0..match3.rows() {
            for col in 0..match3.cols() {
                let cell = game_core::Cell::new(row, col);
                let Some(piece) = match3.tile(cell).and_then(|tile| tile.piece) else {
                    continue;
                };
                let (mut y_row, mut x_col) = (f32::from(row), f32::from(col));
                if let Some(fall) = match3.fall(kernel, cell) {
                    y_row -= fall.offset_units as f32 / CELL_UNITS as f32;
                }
                if let Some((from, to)) = swap {
                    let origin = if cell == to {
                        Some(from)
                    } else if cell == from {
                        Some(to)
                    } else {
                        None
                    };
                    if let Some(origin) = origin {
                        let t = smoothstep(swap_progress);
                        y_row = f32::from(origin.row) + (y_row - f32::from(origin.row)) * t;
                        x_col = f32::from(origin.col) + (x_col - f32::from(origin.col)) * t;
                    }
                }
                let centre = layout.cell_centre(y_row, x_col);
                // Pieces entering from above fade in over the last cell before the board.
                let above = (board_top_px - (centre.1 - cell_px * 0.5)) / cell_px;
                let mut color = piece.color().map_or(theme.selection, |color| {
                    theme.pieces[usize::from(color.0) % theme.pieces.len()]
                });
                color[3] = (1.0 - above).clamp(0.0, 1.0);
                let (kind, flags) = piece_look(piece);
                let pulse = if let Piece::Detonating(..) = piece {
                    1.0 + 0.08 * libm_sin(self.time_s * 18.0)
                } else {
                    1.0
                };
                let half = cell_px * 0.40 * pulse;
                self.push(centre, (half, half), color, kind, 0.3, flags, 0.0);
            }
        }
        // Layer 3: ice over the pieces, then the selection.
        for row in 0..match3.rows() {
            for col in 0..match3.cols() {
                let cell = game_core::Cell::new(row, col);
                let Some(tile) = match3.tile(cell) else {
                    continue;
                };
                if tile.ice > 0 {
                    let mut ice = theme.ice;
                    ice[3] = 0.25 + 0.15 * f32::from(tile.ice);
                    let centre = layout.cell_centre(f32::from(row), f32::from(col));
                    self.push(centre, tile_half, ice, shape::BOX, 0.15, flag::GLOSS, 0.0);
                }
            }
        }
        if let Some(cell) = session.gesture.selected {
            let centre = layout.cell_centre(f32::from(cell.row), f32::from(cell.col));
            let half = cell_px * 0.5;
            self.push(
                centre,
                (half, half),
                theme.selection,
                shape::RING,
                0.12,
                0.0,
                0.0,
            );
        }
    }

    fn merge(&mut self, session: &Session, layout: &Layout, theme: &Theme, alpha: f32) {
        let (Some(merge), LevelGame::MergeDrop(spec)) =
            (session.game.merge_drop(), &session.level.game)
        else {
            return;
        };
        let scale = layout.world_scale_px;
        // The container walls: each segment a rotated bar.
        let wall_half_px = (0.09 * scale).max(1.5);
        for pair in spec.container.windows(2) {
            let (ax, ay) = (pair[0][0] as f32 / 1000.0, pair[0][1] as f32 / 1000.0);
            let (bx, by) = (pair[1][0] as f32 / 1000.0, pair[1][1] as f32 / 1000.0);
            let a = layout.world_to_px(ax, ay);
            let b = layout.world_to_px(bx, by);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let length = libm::sqrtf(dx * dx + dy * dy);
            self.push(
                ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
                (length / 2.0 + wall_half_px, wall_half_px),
                theme.container,
                shape::BOX,
                1.0,
                0.0,
                libm::atan2f(dy, dx),
            );
        }
        // The danger line brightens while the danger timer runs.
        let xs = spec.container.iter().map(|point| point[0] as f32 / 1000.0);
        let (min_x, max_x) = (
            xs.clone().fold(f32::MAX, f32::min),
            xs.fold(f32::MIN, f32::max),
        );
        let danger_y = merge.danger_y();
        let left = layout.world_to_px(min_x, danger_y);
        let right = layout.world_to_px(max_x, danger_y);
        let mut danger = theme.danger;
        danger[3] = if merge.danger_ticks() > 0 {
            0.6 + 0.4 * libm_sin(self.time_s * 12.0).abs()
        } else {
            0.35
        };
        self.push(
            ((left.0 + right.0) / 2.0, left.1),
            ((right.0 - left.0) / 2.0, (0.03 * scale).max(1.0)),
            danger,
            shape::BOX,
            1.0,
            0.0,
            0.0,
        );
        // The bodies, between the previous and the current tick.
        let world = &session.game.kernel().world;
        let mut query = world.query::<(&Body, &game_core::merge::Piece)>();
        for (body, piece) in query.iter() {
            let (mut x, mut y) = (body.position.x, body.position.y);
            if let Ok(index) = session
                .previous_positions
                .binary_search_by_key(&body.serial, |(serial, _)| *serial)
            {
                let [px, py] = session.previous_positions[index].1;
                x = px + (x - px) * alpha;
                y = py + (y - py) * alpha;
            }
            let radius_px = body.radius * scale;
            let color = self.merge_color(piece.tier);
            self.push(
                layout.world_to_px(x, y),
                (radius_px, radius_px),
                color,
                shape::CIRCLE,
                0.0,
                flag::GLOSS,
                0.0,
            );
        }
        // The piece in hand, hanging where the finger is (clamped to where it may drop).
        if session.game.phase() == Phase::Playing {
            let tier = merge.current_tier();
            let (low, high) = merge.drop_range_milli();
            let aim_px = session
                .gesture
                .aim_x_px
                .unwrap_or(layout.world_to_px(0.0, 0.0).0);
            let x = (layout.px_to_world_x(aim_px) * 1000.0).clamp(low as f32, high as f32) / 1000.0;
            let drop_y = spec.drop_y_milli as f32 / 1000.0;
            let centre = layout.world_to_px(x, drop_y);
            let radius_px = merge.radius(tier) * scale;
            let mut color = self.merge_color(tier);
            let ready = merge.cooldown_ticks_left() == 0;
            color[3] = if ready { 1.0 } else { 0.45 };
            let floor = layout.world_to_px(x, 0.0);
            let mut guide = theme.selection;
            guide[3] = 0.12;
            self.push(
                (centre.0, (centre.1 + floor.1) / 2.0),
                (1.0 * layout.dpr, (floor.1 - centre.1) / 2.0),
                guide,
                shape::BOX,
                0.0,
                0.0,
                0.0,
            );
            self.push(
                centre,
                (radius_px, radius_px),
                color,
                shape::CIRCLE,
                0.0,
                flag::GLOSS,
                0.0,
            );
        }
    }

    fn effects(&mut self, session: &Session, layout: &Layout) {
        let match3 = session.is_match3();
        let fx_list = core::mem::take(&mut self.fx);
        for fx in &fx_list {
            let t = (fx.age_s / fx.life_s).clamp(0.0, 1.0);
            let (centre, unit_px) = if match3 {
                (layout.cell_centre(fx.y, fx.x), layout.cell_px)
            } else {
                (layout.world_to_px(fx.x, fx.y), layout.world_scale_px)
            };
            let mut color = fx.color;
            color[3] *= 1.0 - t;
            match fx.kind {
                FxKind::Vanish => {
                    let half = fx.size * unit_px * (1.0 + 0.4 * t);
                    self.push(centre, (half, half), color, fx.shape, 0.3, fx.flags, 0.0);
                }
                FxKind::Burst => {
                    let half = fx.size * unit_px * (0.4 + 0.8 * t);
                    self.push(centre, (half, half), color, shape::RING, 0.18, 0.0, 0.0);
                }
                FxKind::Line => {
                    let thickness = unit_px * 0.35 * (1.0 - t);
                    let (centre, half) = if fx.axis_row {
                        let span = f32::from(layout.cols) * unit_px / 2.0;
                        let x = layout.origin_x_px + span;
                        ((x, centre.1), (span, thickness))
                    } else {
                        let span = f32::from(layout.rows) * unit_px / 2.0;
                        let y = layout.origin_y_px + span;
                        ((centre.0, y), (thickness, span))
                    };
                    self.push(centre, half, color, shape::BOX, 1.0, 0.0, 0.0);
                }
            }
        }
        self.fx = fx_list;
    }

    /// The HUD band: score in the left third, stars in the middle third, the counter (moves or
    /// seconds left) at the right edge with merge-drop's next piece beside it, and the goal's
    /// progress bar along the bottom. Each item is fitted into its own slot, so no value, however
    /// many digits it grows to, reaches its neighbour; [`Scene::hud_boxes`] records the slots'
    /// contents for the tests that check it.
    fn hud(&mut self, session: &Session, layout: &Layout, theme: &Theme, text: &mut TextAtlas) {
        let (w, h) = (layout.width_px, layout.hud_height_px);
        self.hud_boxes.clear();
        self.push(
            (w / 2.0, h / 2.0),
            (w / 2.0, h / 2.0),
            theme.hud,
            shape::BOX,
            0.0,
            0.0,
            0.0,
        );
        let pad = h * HUD_SLOT_PAD_SHARE;
        let third = w / 3.0;
        let label_y = h * HUD_LABEL_Y_SHARE;
        let font_px = libm::roundf(h * HUD_LABEL_FONT_SHARE) as u16;
        let row_y = h * HUD_VALUE_Y_SHARE;
        let digit_h = h * HUD_DIGIT_SHARE;
        let mut label = |scene: &mut Scene, words: Text, left_px: f32, width_px: f32, align| {
            let label = Label {
                text: words,
                font_px,
                width_px: width_px.max(1.0) as u16,
                align,
            };
            let placed = scene.label(text, label, left_px, label_y, theme.text);
            scene.hud_boxes.push(placed);
        };
        // Score, left third.
        label(
            self,
            Phrase::Score.into(),
            pad,
            third - 2.0 * pad,
            Align::Left,
        );
        // Today's earnings against the cap, middle third, above the stars.
        if let Some((earned_fen, cap_fen)) = self.today {
            let today = Text::With(Phrase::Today, Value::FenOf(earned_fen, cap_fen));
            label(self, today, third + pad, third - 2.0 * pad, Align::Centre);
        }
        self.number_fitted(
            session.game.score(),
            (pad, row_y),
            digit_h,
            third - 2.0 * pad,
            theme.text,
            false,
        );
        // Stars, middle third.
        let stars = session.game.stars();
        let star_half = (h * 0.2).min((third - 2.0 * pad) / (2.0 + 2.0 * HUD_STAR_SPACING));
        for index in 0..3u8 {
            let x = w / 2.0 + (f32::from(index) - 1.0) * star_half * HUD_STAR_SPACING;
            let color = if index < stars {
                theme.star_on
            } else {
                theme.star_off
            };
            self.push_hud((x, row_y), (star_half, star_half), color, shape::STAR, 0.0);
        }
        // Moves left (match-3) or seconds left (merge-drop), right edge of the right third.
        let counter = if let Some(match3) = session.game.match3() {
            u32::from(match3.moves_left())
        } else if let Some(merge) = session.game.merge_drop() {
            merge.ticks_left().div_ceil(game_core::TICK_HZ)
        } else {
            0
        };
        let merge = session.game.merge_drop();
        // Merge-drop shares the right third: the counter's half at the edge, the next piece's
        // half beside it.
        let counter_w = if merge.is_some() {
            third / 2.0 - 2.0 * pad
        } else {
            third - 2.0 * pad
        };
        let counter_phrase = if merge.is_some() {
            Phrase::SecondsLeft
        } else {
            Phrase::MovesLeft
        };
        label(
            self,
            counter_phrase.into(),
            w - pad - counter_w,
            counter_w,
            Align::Right,
        );
        if merge.is_some() {
            let slot_w = third / 2.0 - 2.0 * pad;
            label(
                self,
                Phrase::NextPiece.into(),
                w - third + pad,
                slot_w,
                Align::Centre,
            );
        }
        self.number_fitted(
            counter,
            (w - pad, row_y),
            digit_h,
            counter_w,
            theme.text,
            true,
        );
        if let Some(merge) = merge {
            let tier = merge.preview_tier();
            let radius = (merge.radius(tier) * layout.world_scale_px)
                .min(h * HUD_PREVIEW_RADIUS_SHARE)
                .min(third / 4.0 - pad);
            let x = w - third * 0.75;
            self.push_hud(
                (x, row_y),
                (radius, radius),
                self.merge_color(tier),
                shape::CIRCLE,
                flag::GLOSS,
            );
        }
        // Goal progress along the bottom of the band.
        let (current, target) = progress(&session.game, &session.level);
        let bar_y = h * 0.86;
        let bar_half_w = w * 0.4;
        let bar_half_h = (h * 0.05).max(2.0);
        let mut track = theme.star_off;
        track[3] = 0.8;
        self.push(
            (w / 2.0, bar_y),
            (bar_half_w, bar_half_h),
            track,
            shape::BOX,
            1.0,
            0.0,
            0.0,
        );
        self.hud_boxes
            .push(((w / 2.0, bar_y), (bar_half_w, bar_half_h)));
        let share = if target == 0 {
            1.0
        } else {
            (current as f32 / target as f32).min(1.0)
        };
        if share > 0.0 {
            let fill_half = bar_half_w * share;
            self.push(
                (w / 2.0 - bar_half_w + fill_half, bar_y),
                (fill_half.max(bar_half_h), bar_half_h),
                theme.progress,
                shape::BOX,
                1.0,
                0.0,
                0.0,
            );
        }
    }

    /// One HUD item that is its own box.
    fn push_hud(
        &mut self,
        centre: (f32, f32),
        half: (f32, f32),
        color: Rgba,
        kind: f32,
        flags: f32,
    ) {
        self.push(centre, half, color, kind, 0.0, flags, 0.0);
        self.hud_boxes.push((centre, half));
    }

    /// The HUD items of the last frame, each as `(centre, half size)` in device pixels: each
    /// number as one box, each star, the next piece, the progress bar.
    pub fn hud_boxes(&self) -> &[ScreenBox] {
        &self.hud_boxes
    }

    /// A number no wider than `width_max`: digits `digit_h` tall, smaller when there are many.
    fn number_fitted(
        &mut self,
        value: u32,
        anchor: (f32, f32),
        digit_h: f32,
        width_max: f32,
        color: Rgba,
        from_right: bool,
    ) {
        let count = decimal_digits(value) as f32;
        let digit_h = digit_h.min(width_max.max(0.0) / (count * DIGIT_ADVANCE_SHARE));
        let width = count * DIGIT_ADVANCE_SHARE * digit_h;
        let left = if from_right {
            anchor.0 - width
        } else {
            anchor.0
        };
        self.number(value, anchor, digit_h, color, from_right);
        self.hud_boxes
            .push(((left + width / 2.0, anchor.1), (width / 2.0, digit_h / 2.0)));
    }

    /// A number as seven-segment digits; `from_right` aligns its right edge at `anchor`.
    fn number(
        &mut self,
        value: u32,
        anchor: (f32, f32),
        digit_h: f32,
        color: Rgba,
        from_right: bool,
    ) {
        let mut digits = [0u8; 10];
        let mut count = 0;
        let mut rest = value;
        loop {
            digits[count] = (rest % 10) as u8;
            count += 1;
            rest /= 10;
            if rest == 0 || count == digits.len() {
                break;
            }
        }
        let half_h = digit_h / 2.0;
        let half_w = digit_h * 0.27;
        let advance = digit_h * DIGIT_ADVANCE_SHARE;
        for position in 0..count {
            // position 0 is the leftmost digit on screen.
            let digit = digits[count - 1 - position];
            let x = if from_right {
                anchor.0 - (count - 1 - position) as f32 * advance - half_w
            } else {
                anchor.0 + position as f32 * advance + half_w
            };
            self.push(
                (x, anchor.1),
                (half_w, half_h),
                color,
                shape::DIGIT,
                f32::from(DIGIT_SEGMENTS[usize::from(digit)]),
                0.0,
                0.0,
            );
        }
    }
}

/// How many decimal digits `value` is written with.
fn decimal_digits(value: u32) -> u32 {
    value.checked_ilog10().map_or(1, |log| log + 1)
}

/// Shape and flags of a match-3 piece.
fn piece_look(piece: Piece) -> (f32, f32) {
    let by_color =
        |color: game_core::match3::Color| PIECE_SHAPES[usize::from(color.0) % PIECE_SHAPES.len()];
    match piece {
        Piece::Plain(color) => (by_color(color), flag::GLOSS),
        Piece::Striped(color, Axis::Row) => (by_color(color), flag::GLOSS + flag::STRIPES_ROW),
        Piece::Striped(color, Axis::Col) => (by_color(color), flag::GLOSS + flag::STRIPES_COL),
        Piece::Wrapped(color) | Piece::Detonating(color, _) => {
            (by_color(color), flag::GLOSS + flag::WRAPPED)
        }
        Piece::ColorBomb => (shape::BOMB, 0.0),
    }
}

/// Progress towards the goal the HUD bar shows: match-3's first objective, merge-drop's top
/// star.
pub fn progress(game: &Game, level: &game_core::Level) -> (u32, u32) {
    match (game.match3(), &level.game) {
        (Some(match3), _) => match3
            .goals()
            .next()
            .map_or((0, 0), |goal| (goal.current, goal.target)),
        (None, LevelGame::MergeDrop(spec)) => (game.score(), spec.stars[2]),
        (None, LevelGame::Match3(_)) => (0, 0),
    }
}

fn smoothstep(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Rendering only (never the simulation): a cheap sine for pulsing effects.
fn libm_sin(x: f32) -> f32 {
    libm::sinf(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const THEME: &str = include_str!("../../assets/themes/default.json");

    #[test]
    fn a_theme_reads_each_colour_and_names_the_one_that_is_missing_or_malformed() {
        let theme = Theme::from_json(THEME).unwrap();
        let json: serde_json::Value = serde_json::from_str(THEME).unwrap();
        assert_eq!(
            Some(theme.background),
            parse_colour(json["background"].as_str().unwrap())
        );
        assert_eq!(theme.pieces.len(), json["pieces"].as_array().unwrap().len());
        assert_eq!(
            parse_colour("#ff8000"),
            Some([1.0, 128.0 / 255.0, 0.0, 1.0])
        );
        for (field, value) in [
            ("danger", serde_json::Value::Null),
            ("hud", serde_json::json!("#12345")),
            ("text", serde_json::json!("red")),
            ("pieces", serde_json::json!([])),
            ("pieces", serde_json::json!(["#000000", "#zz0000"])),
        ] {
            let mut broken = json.clone();
            broken[field] = value;
            let error = Theme::from_json(&broken.to_string())
                .unwrap_err()
                .to_string();
            let named = error.contains(field) || error.contains("piece colour");
            assert!(named, "{field}: {error}");
        }
    }

    #[test]
    fn a_fitted_number_never_grows_past_its_slot() {
        for (value, digits) in [(0, 1), (9, 1), (10, 2), (999_999, 6), (u32::MAX, 10)] {
            assert_eq!(decimal_digits(value), digits, "{value}");
            let mut scene = Scene::without_session();
            let (slot_w, digit_h) = (300.0, 120.0);
            scene.number_fitted(value, (1000.0, 50.0), digit_h, slot_w, [1.0; 4], true);
            let ((x, _), (half_w, half_h)) = scene.hud_boxes()[0];
            assert!(
                half_w * 2.0 <= slot_w + 1e-3,
                "{value}: {} px wide",
                half_w * 2.0
            );
            assert!(
                (x + half_w - 1000.0).abs() < 1e-3,
                "{value}: right-aligned at the anchor"
            );
            assert!(half_h * 2.0 <= digit_h);
            // Every digit's glyph stays inside the number's box.
            for ((glyph_x, _), (glyph_half_w, _)) in scene.rects() {
                assert!(glyph_x - glyph_half_w >= x - half_w - 1e-3, "{value}");
                assert!(glyph_x + glyph_half_w <= x + half_w + 1e-3, "{value}");
            }
            assert_eq!(scene.instance_count(), digits as usize);
        }
    }
}
