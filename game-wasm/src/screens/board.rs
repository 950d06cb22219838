//! A level's leaderboard: the top verified scores, each with its rank and the player's public
//! pseudonym (the server never sends a player id), as many rows as the screen holds.

use super::ui::{Frame, Metrics, Page, Rect};
use crate::flow::{Act, Flow};
use crate::text::{line_height_px, Align, Phrase, Text, TextAtlas, Value};

pub fn page(flow: &Flow, metrics: &Metrics, text: &mut TextAtlas) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let frame = Frame::new(metrics);
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
    let body = frame.body;
    let gap = metrics.gap_px;
    let rows = (body.h / line_h) as usize;
    let Some(entries) = flow.board.as_ref() else {
        return page;
    };
    if entries.is_empty() && rows > 0 {
        let rect = Rect::new(body.x, body.y, body.w, line_h);
        page.dim_label(rect, Phrase::NoHistory, font, Align::Left, None);
    }
    // Rank, name and score in columns of one, four and two shares of the width.
    let share = (body.w - 2.0 * gap) / 7.0;
    for (index, entry) in entries.iter().take(rows).enumerate() {
        let y = body.y + index as f32 * line_h;
        let rank = Rect::new(body.x, y, share, line_h);
        let name = Rect::new(rank.right() + gap, y, share * 4.0, line_h);
        let score = Rect::new(name.right() + gap, y, share * 2.0, line_h);
        let rank_text = Text::Value(Value::Count(i64::from(entry.rank)));
        page.dim_label(rank, rank_text, font, Align::Left, None);
        let name_text = Text::Value(text.name(&entry.name));
        page.label(name, name_text, font, Align::Left, None);
        let score_text = Text::Value(Value::Count(entry.score));
        page.label(score, score_text, font, Align::Right, None);
    }
    page
}
