//! The result of a game: a celebration or what was missing, then the server's verdict (score,
//! stars, payout, balance) once it is in, and Retry, Next and Map.

use super::ui::{Frame, Look, Metrics, Page, Rect};
use crate::flow::{Act, Flow, Short};
use crate::text::{Align, Phrase, Text, Value};

/// The body's lines: stars, what was missing (or nothing), verified, score, payout, balance,
/// capped.
const LINES: usize = 7;

pub fn page(flow: &Flow, metrics: &Metrics) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let mut frame = Frame::new(metrics);
    let passed = flow.outcome.is_some_and(|outcome| outcome.passed);
    let headline = if passed { Phrase::Won } else { Phrase::Lost };
    page.label(
        frame.top_bar,
        headline,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let gap = metrics.gap_px;
    let footer = frame.take_footer(metrics);
    page.button(footer.column(0, 3, gap), Phrase::Again, Act::Play, !passed);
    page.button(
        footer.column(1, 3, gap),
        Phrase::NextLevel,
        Act::Next,
        passed,
    );
    page.button(footer.column(2, 3, gap), Phrase::Map, Act::Map, false);
    let body = frame.body;
    let line = |row| body.row(row, LINES, gap * 0.5);
    let font = metrics.font_px;
    let receipt = flow.receipt;
    // Stars: the server's once its receipt is in; until then none are lit.
    let stars = line(0);
    let star = stars.h.min(stars.w / 3.0);
    let star_row = Rect::new(
        stars.x + (stars.w - 3.0 * star) / 2.0,
        stars.y,
        3.0 * star,
        star,
    );
    let earned = receipt.map_or(0, |receipt| receipt.stars);
    for which in 0..3 {
        page.push(
            star_row.column(which, 3, 0.0).inset(star * 0.06),
            Look::Star {
                on: (which as i64) < earned,
            },
            None,
            None,
        );
    }
    if let Some(short) = flow.outcome.and_then(|outcome| outcome.short) {
        let missing = match short {
            Short::Points(points) => Text::With(Phrase::PointsShort, count(points)),
            Short::Pieces(pieces) => Text::With(Phrase::PiecesShort, count(pieces)),
            Short::Jelly(jelly) => Text::With(Phrase::JellyLeft, count(jelly)),
        };
        page.label(line(1), missing, font, Align::Centre, None);
    }
    let Some(receipt) = receipt else {
        page.dim_label(line(2), Phrase::Checking, font, Align::Centre, None);
        return page;
    };
    page.dim_label(line(2), Phrase::Verified, font, Align::Centre, None);
    let pair = |page: &mut Page<Act>, row, name: Phrase, value: Value| {
        let rect: Rect = line(row);
        page.label(rect.column(0, 2, gap), name, font, Align::Left, None);
        page.label(
            rect.column(1, 2, gap),
            Text::Value(value),
            font,
            Align::Right,
            None,
        );
    };
    pair(&mut page, 3, Phrase::Score, Value::Count(receipt.score));
    pair(
        &mut page,
        4,
        Phrase::Payout,
        Value::Fen(receipt.payout_fen + receipt.boost_fen),
    );
    pair(
        &mut page,
        5,
        Phrase::Balance,
        Value::Fen(receipt.balance_fen),
    );
    if receipt.capped {
        page.dim_label(line(6), Phrase::Capped, font, Align::Centre, None);
    }
    page
}

fn count(value: u32) -> Value {
    Value::Count(i64::from(value))
}
