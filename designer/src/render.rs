//! A picture of a level before anyone plays it: the starting board of a match-3 level (the
//! seeded fill included), or a merge-drop level's container, danger and drop lines, its first
//! piece and its tier chain to scale. Drawn with the game's theme colours.
//!
//! The picture is a short list of shapes drawn by `playproof-preview` (the same code the
//! designer page's wasm draws with); [`svg`] writes it as SVG text and [`png`] rasterises the
//! same list (one sample per pixel, edges smoothed by coverage) and encodes it as PNG.

pub use playproof_preview::{
    drawable, picture, rgb, svg, Picture, Shape, Theme, PICTURE_SIDE_MAX_PX,
};

/// How much of the pixel centred at `(px, py)` a shape covers, 0 to 1: the signed distance to
/// its edge, clamped over one pixel.
fn coverage(shape: &Shape, px: f64, py: f64) -> f64 {
    let distance = match shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
            ..
        } => {
            let dx = (x - px).max(px - (x + width));
            let dy = (y - py).max(py - (y + height));
            dx.max(dy)
        }
        Shape::Circle { x, y, radius, .. } => ((px - x).powi(2) + (py - y).powi(2)).sqrt() - radius,
        Shape::Line {
            from, to, width, ..
        } => {
            let (dx, dy) = (to.0 - from.0, to.1 - from.1);
            let length_sq = (dx * dx + dy * dy).max(1e-9);
            let t = (((px - from.0) * dx + (py - from.1) * dy) / length_sq).clamp(0.0, 1.0);
            let (cx, cy) = (from.0 + t * dx, from.1 + t * dy);
            ((px - cx).powi(2) + (py - cy).powi(2)).sqrt() - width / 2.0
        }
    };
    (0.5 - distance).clamp(0.0, 1.0)
}

/// The pixel box a shape may touch: `(x0, y0, x1, y1)`, inclusive-exclusive.
fn bounds(shape: &Shape) -> (f64, f64, f64, f64) {
    match shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
            ..
        } => (*x, *y, x + width, y + height),
        Shape::Circle { x, y, radius, .. } => (x - radius, y - radius, x + radius, y + radius),
        Shape::Line {
            from, to, width, ..
        } => (
            from.0.min(to.0) - width,
            from.1.min(to.1) - width,
            from.0.max(to.0) + width,
            from.1.max(to.1) + width,
        ),
    }
}

/// The picture rasterised to RGB rows.
pub fn pixels(picture: &Picture) -> Vec<u8> {
    let (width, height) = (
        picture.width.min(PICTURE_SIDE_MAX_PX) as usize,
        picture.height.min(PICTURE_SIDE_MAX_PX) as usize,
    );
    let mut image: Vec<f64> = picture
        .background
        .iter()
        .map(|&channel| f64::from(channel))
        .cycle()
        .take(width * height * 3)
        .collect();
    for shape in &picture.shapes {
        let (fill, opacity) = match shape {
            Shape::Rect { fill, opacity, .. } => (fill, *opacity),
            Shape::Circle { fill, .. } => (fill, 1.0),
            Shape::Line { stroke, .. } => (stroke, 1.0),
        };
        let (x0, y0, x1, y1) = bounds(shape);
        let clamp = |value: f64, max: usize| (value.max(0.0) as usize).min(max);
        for py in clamp(y0 - 1.0, height)..clamp(y1 + 2.0, height) {
            for px in clamp(x0 - 1.0, width)..clamp(x1 + 2.0, width) {
                let alpha = opacity * coverage(shape, px as f64 + 0.5, py as f64 + 0.5);
                if alpha <= 0.0 {
                    continue;
                }
                let at = (py * width + px) * 3;
                for channel in 0..3 {
                    let old = image[at + channel];
                    image[at + channel] = old + (f64::from(fill[channel]) - old) * alpha;
                }
            }
        }
    }
    image
        .into_iter()
        .map(|channel| channel.round().clamp(0.0, 255.0) as u8)
        .collect()
}

/// The picture as a PNG file (8-bit RGB).
pub fn png(picture: &Picture) -> Vec<u8> {
    let rgb = pixels(picture);
    let width = picture.width.min(PICTURE_SIDE_MAX_PX);
    let height = picture.height.min(PICTURE_SIDE_MAX_PX);
    crate::png::encode_rgb(width, height, &rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_full_inside_and_empty_outside() {
        let circle = Shape::Circle {
            x: 10.0,
            y: 10.0,
            radius: 5.0,
            fill: [0; 3],
        };
        assert_eq!(coverage(&circle, 10.0, 10.0), 1.0);
        assert_eq!(coverage(&circle, 20.0, 10.0), 0.0);
        assert_eq!(coverage(&circle, 15.0, 10.0), 0.5);
    }
}
