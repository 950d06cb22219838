//! The level map: a page of level tiles (number, stars earned, what the level pays, its
//! sponsor's boost), the day's earnings against the cap, and the way to the wallet and settings.

use super::ui::{Frame, Look, Metrics, Page, Rect};
use super::{cap_row, play_row, LINES_PER_TILE};
use crate::flow::{Act, Flow};
use crate::text::{line_height_px, Align, Phrase, Text, TextAtlas, Value};

/// A tile is at least this many touch targets wide: room for "最高 ¥0.20" at body size.
const TILE_WIDTH_TOUCHES: f32 = 3.0;

fn tile_height(metrics: &Metrics) -> f32 {
    f32::from(line_height_px(metrics.font_px)) * LINES_PER_TILE as f32 + metrics.gap_px
}

/// Tiles per page for the body left to them: (columns, rows).
fn grid(body: &Rect, metrics: &Metrics) -> (usize, usize) {
    let tile_h = tile_height(metrics);
    let cols = ((body.w + metrics.gap_px)
        / (metrics.touch_px * TILE_WIDTH_TOUCHES + metrics.gap_px)) as usize;
    let rows = ((body.h + metrics.gap_px) / (tile_h + metrics.gap_px)) as usize;
    (cols.max(1), rows.max(1))
}

pub fn page(flow: &Flow, metrics: &Metrics, text: &mut TextAtlas) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let mut frame = Frame::new(metrics);
    let (left, title, right) = frame.bar_slots(metrics);
    page.button(left, Phrase::Wallet, Act::Wallet, false);
    page.label(
        title,
        Phrase::Levels,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    page.button(right, Phrase::Settings, Act::Settings, false);
    cap_row(&mut page, flow, &mut frame);
    play_row(&mut page, flow, &mut frame);
    // The footer is taken first when the levels need more than one page at the full body.
    let (cols, rows) = grid(&frame.body, metrics);
    let needs_pages = flow.levels.len() > cols * rows;
    let footer = needs_pages.then(|| frame.take_footer(metrics));
    let (cols, rows) = grid(&frame.body, metrics);
    let per_page = cols * rows;
    let pages = flow.levels.len().div_ceil(per_page).max(1);
    let current = usize::from(flow.map_page).min(pages - 1);
    let gap = metrics.gap_px;
    let grid_box = Rect::new(
        frame.body.x,
        frame.body.y,
        frame.body.w,
        frame
            .body
            .h
            .min(rows as f32 * (tile_height(metrics) + gap) - gap),
    );
    let first = current * per_page;
    for (slot, level) in flow.levels.iter().enumerate().skip(first).take(per_page) {
        let at = slot - first;
        let tile = grid_box
            .row(at / cols, rows, gap)
            .column(at % cols, cols, gap);
        tile_of(&mut page, tile, slot as u16, level, text);
    }
    if let Some(footer) = footer {
        let third = |index| footer.column(index, 3, gap);
        if current > 0 {
            page.button(third(0), Phrase::PagePrevious, Act::PagePrevious, false);
        }
        page.dim_label(
            third(1),
            Text::Value(Value::Count(current as i64 + 1)),
            metrics.font_px,
            Align::Centre,
            None,
        );
        if current + 1 < pages {
            page.button(third(2), Phrase::PageNext, Act::PageNext, false);
        }
    }
    page
}

fn tile_of(
    page: &mut Page<Act>,
    tile: Rect,
    index: u16,
    level: &crate::flow::LevelCard,
    text: &mut TextAtlas,
) {
    let metrics = page.metrics;
    let boosted = level.boost_fen > 0 && level.sponsor.is_some();
    let card = page.push(
        tile,
        Look::Card { highlight: boosted },
        Some(Act::Open(index)),
        None,
    );
    let inner = tile.inset(metrics.gap_px / 2.0);
    let line = |row| inner.row(row, LINES_PER_TILE, 0.0);
    let font = metrics.font_px;
    page.label(
        line(0),
        Text::With(Phrase::LevelNumber, Value::Count(i64::from(index) + 1)),
        font,
        Align::Centre,
        Some(card),
    );
    let stars = line(1);
    let star = stars.h.min(stars.w / 3.0);
    let star_row = Rect::new(
        stars.x + (stars.w - 3.0 * star) / 2.0,
        stars.y,
        3.0 * star,
        star,
    );
    for which in 0..3u8 {
        page.push(
            star_row
                .column(usize::from(which), 3, 0.0)
                .inset(star * 0.08),
            Look::Star {
                on: which < level.best_stars,
            },
            None,
            Some(card),
        );
    }
    let pays = level.up_to_fen + if boosted { level.boost_fen } else { 0 };
    page.label(
        line(2),
        Text::With(Phrase::UpTo, Value::Fen(pays)),
        font,
        Align::Centre,
        Some(card),
    );
    let last: Text = match &level.sponsor {
        Some(sponsor) if boosted => Text::With(Phrase::BoostedBy, text.name(sponsor)),
        _ => Text::Value(text.name(&level.name)),
    };
    page.dim_label(line(3), last, font, Align::Centre, Some(card));
}
