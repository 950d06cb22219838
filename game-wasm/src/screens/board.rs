//! A level's leaderboard: the top verified scores, each with its rank and the player's public
//! pseudonym (the server never sends a player id), as many rows as the screen holds, and the
//! player's own place under them. Each row is a touch target: tapping it plays that game back
//! (a ghost replay, `Act::Watch`).

use super::ui::{Frame, Look, Metrics, Page, Rect};
use crate::flow::{Act, BoardEntry, Flow};
use crate::text::{line_height_px, Align, Phrase, Text, TextAtlas, Value};

pub fn page(flow: &Flow, metrics: &Metrics, text: &mut TextAtlas) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let mut frame = Frame::new(metrics);
    let (left, title, _) = frame.bar_slots(metrics);
    page.button(left, Phrase::Back, Act::Back, false);
    page.label(
        title,
        Phrase::Leaderboard,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let font = metrics.font_px;
    let line_h = f32::from(line_height_px(font));
    let Some(entries) = flow.board.as_ref() else {
        return page;
    };
    if let Some(you) = flow.board_you.as_ref() {
        let footer = frame.take_footer(metrics);
        let share = (footer.w - metrics.gap_px) / 3.0;
        let label = Rect::new(footer.x, footer.y, share, footer.h);
        page.dim_label(label, Phrase::MyRank, font, Align::Left, None);
        let rest = Rect::new(
            label.right() + metrics.gap_px,
            footer.y,
            share * 2.0,
            footer.h,
        );
        row(&mut page, text, rest, you, metrics, None);
    }
    let body = frame.body;
    // A row is a touch target: at least a fingertip high.
    let row_h = line_h.max(metrics.touch_px);
    let rows = ((body.h + metrics.gap_px) / (row_h + metrics.gap_px)) as usize;
    if entries.is_empty() && rows > 0 {
        let rect = Rect::new(body.x, body.y, body.w, line_h);
        page.dim_label(rect, Phrase::NoHistory, font, Align::Left, None);
    }
    for (index, entry) in entries.iter().take(rows).enumerate() {
        let y = body.y + index as f32 * (row_h + metrics.gap_px);
        let rect = Rect::new(body.x, y, body.w, row_h);
        let rank = u16::try_from(entry.rank).unwrap_or(u16::MAX);
        let card = page.push(
            rect,
            Look::Card { highlight: false },
            Some(Act::Watch(rank)),
            None,
        );
        row(
            &mut page,
            text,
            rect.inset(metrics.gap_px / 2.0),
            entry,
            metrics,
            Some(card),
        );
    }
    page
}

/// Rank, name and score across `rect` in columns of one, four and two shares of its width.
fn row(
    page: &mut Page<Act>,
    text: &mut TextAtlas,
    rect: Rect,
    entry: &BoardEntry,
    metrics: &Metrics,
    parent: Option<usize>,
) {
    let font = metrics.font_px;
    let gap = metrics.gap_px;
    let share = (rect.w - 2.0 * gap) / 7.0;
    let rank = Rect::new(rect.x, rect.y, share, rect.h);
    let name = Rect::new(rank.right() + gap, rect.y, share * 4.0, rect.h);
    let score = Rect::new(name.right() + gap, rect.y, share * 2.0, rect.h);
    let rank_text = Text::Value(Value::Count(i64::from(entry.rank)));
    page.dim_label(rank, rank_text, font, Align::Left, parent);
    let name_text = Text::Value(text.name(&entry.name));
    page.label(name, name_text, font, Align::Left, parent);
    let score_text = Text::Value(Value::Count(entry.score));
    page.label(score, score_text, font, Align::Right, parent);
}
