//! Where things are on screen, in device pixels: the HUD band at the top, the board (match-3
//! grid or merge-drop container) fitted below it. Recomputed every frame from the canvas size,
//! so resize, rotation and device-pixel-ratio changes need no special handling.

use game_core::{Cell, Game, Level, LevelGame};

/// Share of the height the HUD band takes, and its bounds in CSS pixels (times DPR).
const HUD_HEIGHT_SHARE: f32 = 0.13;
const HUD_HEIGHT_CSS_MIN: f32 = 56.0;
const HUD_HEIGHT_CSS_MAX: f32 = 110.0;
/// Space kept around the board, as a share of the smaller free dimension.
const BOARD_MARGIN_SHARE: f32 = 0.04;
/// World units shown around the merge-drop container.
const WORLD_MARGIN: f32 = 0.35;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub width_px: f32,
    pub height_px: f32,
    pub dpr: f32,
    pub hud_height_px: f32,
    /// Match-3: the grid's top-left corner and cell size.
    pub origin_x_px: f32,
    pub origin_y_px: f32,
    pub cell_px: f32,
    pub rows: u8,
    pub cols: u8,
    /// Merge-drop: world-to-pixel mapping (y up in the world, down on screen).
    pub world_min_x: f32,
    pub world_max_y: f32,
    pub world_scale_px: f32,
}

impl Layout {
    pub fn new(level: &Level, game: &Game, width_px: f32, height_px: f32, dpr: f32) -> Layout {
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr
        } else {
            1.0
        };
        let hud_height_px = (height_px * HUD_HEIGHT_SHARE)
            .clamp(HUD_HEIGHT_CSS_MIN * dpr, HUD_HEIGHT_CSS_MAX * dpr)
            .min(height_px * 0.3);
        let free_w = width_px;
        let free_h = (height_px - hud_height_px).max(1.0);
        let margin = BOARD_MARGIN_SHARE * free_w.min(free_h);
        let mut layout = Layout {
            width_px,
            height_px,
            dpr,
            hud_height_px,
            origin_x_px: 0.0,
            origin_y_px: 0.0,
            cell_px: 1.0,
            rows: 0,
            cols: 0,
            world_min_x: 0.0,
            world_max_y: 0.0,
            world_scale_px: 1.0,
        };
        match &level.game {
            LevelGame::Match3(_) => {
                let (rows, cols) = game.match3().map_or((1, 1), |match3| {
                    (match3.rows().max(1), match3.cols().max(1))
                });
                let cell = ((free_w - 2.0 * margin) / f32::from(cols))
                    .min((free_h - 2.0 * margin) / f32::from(rows))
                    .max(1.0);
                layout.rows = rows;
                layout.cols = cols;
                layout.cell_px = cell;
                layout.origin_x_px = (width_px - cell * f32::from(cols)) / 2.0;
                layout.origin_y_px = hud_height_px + (free_h - cell * f32::from(rows)) / 2.0;
            }
            LevelGame::MergeDrop(spec) => {
                let xs = spec.container.iter().map(|point| point[0] as f32 / 1000.0);
                let ys = spec.container.iter().map(|point| point[1] as f32 / 1000.0);
                let min_x = xs.clone().fold(f32::MAX, f32::min) - WORLD_MARGIN;
                let max_x = xs.fold(f32::MIN, f32::max) + WORLD_MARGIN;
                let min_y = ys.clone().fold(f32::MAX, f32::min) - WORLD_MARGIN;
                let radius_max = spec
                    .tiers
                    .iter()
                    .take(usize::from(spec.droppable_tiers))
                    .map(|tier| tier.radius_milli)
                    .max()
                    .unwrap_or(0) as f32
                    / 1000.0;
                let max_y = (spec.drop_y_milli as f32 / 1000.0 + radius_max)
                    .max(ys.fold(f32::MIN, f32::max))
                    + WORLD_MARGIN;
                let scale = ((free_w - 2.0 * margin) / (max_x - min_x))
                    .min((free_h - 2.0 * margin) / (max_y - min_y))
                    .max(0.001);
                layout.world_scale_px = scale;
                layout.cell_px = scale;
                layout.world_min_x = min_x;
                layout.world_max_y = max_y;
                layout.origin_x_px = (width_px - scale * (max_x - min_x)) / 2.0;
                layout.origin_y_px = hud_height_px + (free_h - scale * (max_y - min_y)) / 2.0;
            }
        }
        layout
    }

    /// The centre of a match-3 cell.
    pub fn cell_centre(&self, row: f32, col: f32) -> (f32, f32) {
        (
            self.origin_x_px + (col + 0.5) * self.cell_px,
            self.origin_y_px + (row + 0.5) * self.cell_px,
        )
    }

    /// The match-3 cell under a point, if inside the grid.
    pub fn cell_at(&self, x_px: f32, y_px: f32) -> Option<Cell> {
        let col = libm::floorf((x_px - self.origin_x_px) / self.cell_px);
        let row = libm::floorf((y_px - self.origin_y_px) / self.cell_px);
        let inside = (0.0..f32::from(self.cols)).contains(&col)
            && (0.0..f32::from(self.rows)).contains(&row);
        inside.then(|| Cell::new(row as u8, col as u8))
    }

    /// A world point (merge-drop) on screen.
    pub fn world_to_px(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.origin_x_px + (x - self.world_min_x) * self.world_scale_px,
            self.origin_y_px + (self.world_max_y - y) * self.world_scale_px,
        )
    }

    /// A screen x as a world x (merge-drop).
    pub fn px_to_world_x(&self, x_px: f32) -> f32 {
        (x_px - self.origin_x_px) / self.world_scale_px + self.world_min_x
    }

    /// Where a drop released at `x_px` lands, quantised to milli-units and clamped into the
    /// current piece's legal range; `None` when the game is not merge-drop.
    pub fn drop_x_milli(&self, x_px: f32, game: &Game) -> Option<i32> {
        let merge = game.merge_drop()?;
        let (low, high) = merge.drop_range_milli();
        let x = self.px_to_world_x(x_px) * 1000.0;
        let x_milli = if x.is_finite() {
            libm::roundf(x) as i32
        } else {
            0
        };
        Some(x_milli.clamp(low, high))
    }
}
