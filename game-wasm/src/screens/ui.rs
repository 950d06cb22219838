//! The screens' building blocks. A screen is a [`Page`]: a flat list of elements in device
//! pixels, each with an optional parent it sits inside. The same boxes are drawn into the render
//! list and hit-tested, so what the player sees is exactly what the player can tap, and the
//! tests check every screen's boxes for overlap, size and place without drawing anything.

use alloc::vec::Vec;

use crate::scene::{flag, shape, Rgba, Scene, Theme};
use crate::text::{line_height_px, Align, Label, Text, TextAtlas};

use super::TOUCH_TARGET_CSS_MIN;

/// A box: top-left corner and size, in device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect {
            x,
            y,
            w: w.max(0.0),
            h: h.max(0.0),
        }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// Whether `self` lies within `outer` (edges may touch).
    pub fn inside(&self, outer: &Rect) -> bool {
        const SLACK_PX: f32 = 0.01;
        self.x >= outer.x - SLACK_PX
            && self.y >= outer.y - SLACK_PX
            && self.right() <= outer.right() + SLACK_PX
            && self.bottom() <= outer.bottom() + SLACK_PX
    }

    /// Whether the two boxes share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        const SLACK_PX: f32 = 0.01;
        self.x + SLACK_PX < other.right()
            && other.x + SLACK_PX < self.right()
            && self.y + SLACK_PX < other.bottom()
            && other.y + SLACK_PX < self.bottom()
    }

    /// `self` shrunk by `by` on every side.
    pub fn inset(&self, by: f32) -> Rect {
        Rect::new(
            self.x + by,
            self.y + by,
            self.w - 2.0 * by,
            self.h - 2.0 * by,
        )
    }

    /// The `index`th of `count` equal columns with `gap` between them.
    pub fn column(&self, index: usize, count: usize, gap: f32) -> Rect {
        let count = count.max(1) as f32;
        let w = (self.w - gap * (count - 1.0)) / count;
        Rect::new(self.x + index as f32 * (w + gap), self.y, w, self.h)
    }

    /// The `index`th of `count` equal rows with `gap` between them.
    pub fn row(&self, index: usize, count: usize, gap: f32) -> Rect {
        let count = count.max(1) as f32;
        let h = (self.h - gap * (count - 1.0)) / count;
        Rect::new(self.x, self.y + index as f32 * (h + gap), self.w, h)
    }

    fn centre_half(&self) -> ((f32, f32), (f32, f32)) {
        (
            (self.x + self.w / 2.0, self.y + self.h / 2.0),
            (self.w / 2.0, self.h / 2.0),
        )
    }
}

/// Sizes every screen shares, from the canvas and the pixel ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    pub screen: Rect,
    pub dpr: f32,
    /// The smallest touch target's side.
    pub touch_px: f32,
    /// Space between elements and at the screen's edges.
    pub gap_px: f32,
    /// Body text and the titles' larger size.
    pub font_px: u16,
    pub title_font_px: u16,
}

/// Body text as a share of the screen's smaller side, and its bounds in CSS pixels: 16 is the
/// smallest size phones' own interfaces use for reading, 24 keeps a desktop window calm.
const FONT_SHARE: f32 = 0.045;
const FONT_CSS_MIN: f32 = 16.0;
const FONT_CSS_MAX: f32 = 24.0;
/// Titles, as a multiple of body text.
const TITLE_FONT_SCALE: f32 = 1.3;
/// The gap, as a share of a touch target.
const GAP_SHARE: f32 = 0.2;

impl Metrics {
    pub fn new(width_px: f32, height_px: f32, dpr: f32) -> Metrics {
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr
        } else {
            1.0
        };
        let side = width_px.min(height_px).max(1.0);
        let font = (side * FONT_SHARE).clamp(FONT_CSS_MIN * dpr, FONT_CSS_MAX * dpr);
        let touch_px = libm::ceilf(TOUCH_TARGET_CSS_MIN * dpr);
        Metrics {
            screen: Rect::new(0.0, 0.0, width_px, height_px),
            dpr,
            touch_px,
            gap_px: libm::roundf(touch_px * GAP_SHARE),
            font_px: libm::roundf(font) as u16,
            title_font_px: libm::roundf(font * TITLE_FONT_SCALE) as u16,
        }
    }

    /// The largest font whose line fits `height_px`, at most `font_px`.
    pub fn font_fitting(&self, font_px: u16, height_px: f32) -> u16 {
        let mut font = font_px;
        while font > 1 && f32::from(line_height_px(font)) > height_px {
            font -= 1;
        }
        font
    }
}

/// How an element looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Look {
    /// A rounded panel behind other elements (a level's tile, a group of rows).
    Card {
        highlight: bool,
    },
    /// A rounded button; its words are a child label.
    Button {
        primary: bool,
    },
    /// One line of text, as wide as its box.
    Label {
        label: Label,
        dim: bool,
    },
    Star {
        on: bool,
    },
    /// A bar filled to `share` (0..1).
    Bar {
        share: f32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Element<A> {
    pub rect: Rect,
    pub look: Look,
    /// What a tap on it does.
    pub act: Option<A>,
    /// The element it sits inside (its index in the page).
    pub parent: Option<usize>,
}

/// One screen's elements, in drawing order.
#[derive(Clone, Debug)]
pub struct Page<A> {
    pub metrics: Metrics,
    pub elements: Vec<Element<A>>,
}

impl<A: Copy> Page<A> {
    pub fn new(metrics: Metrics) -> Page<A> {
        Page {
            metrics,
            elements: Vec::new(),
        }
    }

    pub fn push(&mut self, rect: Rect, look: Look, act: Option<A>, parent: Option<usize>) -> usize {
        self.elements.push(Element {
            rect,
            look,
            act,
            parent,
        });
        self.elements.len() - 1
    }

    /// One line of `text` across `rect`, centred on its height, the font shrunk to fit it.
    pub fn label(
        &mut self,
        rect: Rect,
        text: impl Into<Text>,
        font_px: u16,
        align: Align,
        parent: Option<usize>,
    ) -> usize {
        self.label_styled(rect, text.into(), font_px, align, parent, false)
    }

    /// A label in the quieter colour (hints, secondary values).
    pub fn dim_label(
        &mut self,
        rect: Rect,
        text: impl Into<Text>,
        font_px: u16,
        align: Align,
        parent: Option<usize>,
    ) -> usize {
        self.label_styled(rect, text.into(), font_px, align, parent, true)
    }

    fn label_styled(
        &mut self,
        rect: Rect,
        text: Text,
        font_px: u16,
        align: Align,
        parent: Option<usize>,
        dim: bool,
    ) -> usize {
        let font_px = self.metrics.font_fitting(font_px, rect.h);
        let line = f32::from(line_height_px(font_px));
        let top = libm::roundf(rect.y + (rect.h - line) / 2.0);
        let left = libm::ceilf(rect.x);
        let width = libm::floorf(rect.right()) - left;
        let label = Label {
            text,
            font_px,
            width_px: width.max(1.0) as u16,
            align,
        };
        let rect = Rect::new(left, top, f32::from(label.width_px), line);
        self.push(rect, Look::Label { label, dim }, None, parent)
    }

    /// A button filling `rect` with `text` centred in it.
    pub fn button(&mut self, rect: Rect, text: impl Into<Text>, act: A, primary: bool) -> usize {
        let button = self.push(rect, Look::Button { primary }, Some(act), None);
        let pad = self.metrics.gap_px / 2.0;
        let font = self.metrics.font_px;
        self.label(rect.inset(pad), text, font, Align::Centre, Some(button));
        button
    }

    /// What a tap at (`x`, `y`) does: the topmost element there that acts.
    pub fn hit(&self, x: f32, y: f32) -> Option<A> {
        self.elements
            .iter()
            .rev()
            .find(|element| element.act.is_some() && element.rect.contains(x, y))
            .and_then(|element| element.act)
    }

    /// Draws the page into `scene` (already begun).
    pub fn draw(&self, scene: &mut Scene, text: &mut TextAtlas, theme: &Theme) {
        let corner = 0.25;
        for element in &self.elements {
            let (centre, half) = element.rect.centre_half();
            match element.look {
                Look::Card { highlight } => {
                    let mut color = theme.hud;
                    if highlight {
                        color = mix(color, theme.progress, 0.25);
                    }
                    scene.push(centre, half, color, shape::BOX, corner * 0.5, 0.0, 0.0);
                }
                Look::Button { primary } => {
                    let color = if primary {
                        theme.progress
                    } else {
                        theme.cell_alt
                    };
                    scene.push(centre, half, color, shape::BOX, corner, flag::GLOSS, 0.0);
                }
                Look::Label { label, dim } => {
                    let mut color = theme.text;
                    if dim {
                        color[3] = 0.7;
                    }
                    let centre_y = element.rect.y + element.rect.h / 2.0;
                    scene.label(text, label, element.rect.x, centre_y, color);
                }
                Look::Star { on } => {
                    let color: Rgba = if on { theme.star_on } else { theme.star_off };
                    let half = half.0.min(half.1);
                    scene.push(centre, (half, half), color, shape::STAR, 0.0, 0.0, 0.0);
                }
                Look::Bar { share } => {
                    let rect = element.rect;
                    scene.push(centre, half, theme.star_off, shape::BOX, 0.5, 0.0, 0.0);
                    let filled = rect.w * share.clamp(0.0, 1.0);
                    if filled > 0.0 {
                        let fill = Rect::new(rect.x, rect.y, filled, rect.h);
                        let (centre, half) = fill.centre_half();
                        scene.push(centre, half, theme.progress, shape::BOX, 0.5, 0.0, 0.0);
                    }
                }
            }
        }
    }

    /// Whether `ancestor` is `index` or one of its parents.
    pub fn is_within(&self, index: usize, ancestor: usize) -> bool {
        let mut at = Some(index);
        while let Some(current) = at {
            if current == ancestor {
                return true;
            }
            at = self.elements[current].parent;
        }
        false
    }

    /// Everything a screen must keep, as readable problems (empty when the page is sound):
    /// every element on screen and inside its parent, every touch target at least
    /// [`TOUCH_TARGET_CSS_MIN`] CSS pixels each way, and no two elements overlapping unless one
    /// sits inside the other.
    pub fn problems(&self) -> Vec<alloc::string::String> {
        use alloc::format;
        let mut problems = Vec::new();
        let touch_min = TOUCH_TARGET_CSS_MIN * self.metrics.dpr - 0.5;
        for (index, element) in self.elements.iter().enumerate() {
            if !element.rect.inside(&self.metrics.screen) {
                problems.push(format!("element {index} {:?} is off screen", element.rect));
            }
            if let Some(parent) = element.parent {
                if !element.rect.inside(&self.elements[parent].rect) {
                    problems.push(format!("element {index} leaves its parent {parent}"));
                }
            }
            if element.act.is_some() && (element.rect.w < touch_min || element.rect.h < touch_min) {
                problems.push(format!(
                    "element {index} is a touch target of {} x {} px",
                    element.rect.w, element.rect.h
                ));
            }
            for (other_index, other) in self.elements.iter().enumerate().skip(index + 1) {
                let related =
                    self.is_within(index, other_index) || self.is_within(other_index, index);
                if !related && element.rect.overlaps(&other.rect) {
                    problems.push(format!(
                        "elements {index} {:?} and {other_index} {:?} overlap",
                        element.look, other.look
                    ));
                }
            }
        }
        problems
    }
}

fn mix(a: Rgba, b: Rgba, t: f32) -> Rgba {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
        a[3] + (b[3] - a[3]) * t,
    ]
}

/// A screen's frame: a bar at the top (a button at each end, the title between them) and the
/// body under it.
pub struct Frame {
    pub top_bar: Rect,
    pub body: Rect,
}

impl Frame {
    pub fn new(metrics: &Metrics) -> Frame {
        let gap = metrics.gap_px;
        let screen = metrics.screen.inset(gap);
        let bar_h = metrics
            .touch_px
            .max(f32::from(line_height_px(metrics.title_font_px)));
        let top_bar = Rect::new(screen.x, screen.y, screen.w, bar_h);
        let body = Rect::new(
            screen.x,
            top_bar.bottom() + gap,
            screen.w,
            screen.bottom() - top_bar.bottom() - gap,
        );
        Frame { top_bar, body }
    }

    /// The top bar's left and right buttons' boxes and the title's between them.
    pub fn bar_slots(&self, metrics: &Metrics) -> (Rect, Rect, Rect) {
        let bar = self.top_bar;
        let button_w = (metrics.touch_px * 2.2).min(bar.w / 3.0 - metrics.gap_px);
        let left = Rect::new(bar.x, bar.y, button_w, bar.h);
        let right = Rect::new(bar.right() - button_w, bar.y, button_w, bar.h);
        let title = Rect::new(
            left.right() + metrics.gap_px,
            bar.y,
            right.x - left.right() - 2.0 * metrics.gap_px,
            bar.h,
        );
        (left, title, right)
    }

    /// A footer of buttons at the bottom of the body, one touch target high; returns it and
    /// shrinks the body above it.
    pub fn take_footer(&mut self, metrics: &Metrics) -> Rect {
        let h = metrics.touch_px;
        let footer = Rect::new(self.body.x, self.body.bottom() - h, self.body.w, h);
        self.body.h = (self.body.h - h - metrics.gap_px).max(0.0);
        footer
    }
}
