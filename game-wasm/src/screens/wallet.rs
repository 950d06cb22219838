//! The wallet: balance, pending withdrawals, the day's earnings against the cap, the place of
//! the withdraw flow, and the latest history.

use super::ui::{Frame, Look, Metrics, Page, Rect};
use crate::flow::{Act, Flow};
use crate::text::{line_height_px, Align, Phrase, Text, Value};

/// Lines above the history: balance, pending, today, the cap's bar, withdrawing, the history's
/// title.
const HEAD_LINES: usize = 6;

pub fn page(flow: &Flow, metrics: &Metrics) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let frame = Frame::new(metrics);
    let (left, title, _) = frame.bar_slots(metrics);
    page.button(left, Phrase::Back, Act::Map, false);
    page.label(
        title,
        Phrase::Wallet,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let gap = metrics.gap_px;
    let font = metrics.font_px;
    let line_h = f32::from(line_height_px(font));
    let body = frame.body;
    // The head takes what its lines need (less on a short landscape screen); the history gets
    // the rest, a line per row.
    let head_h = (line_h * HEAD_LINES as f32).min(body.h * 0.7);
    let head = Rect::new(body.x, body.y, body.w, head_h);
    let line = |row| head.row(row, HEAD_LINES, 0.0);
    let pair = |page: &mut Page<Act>, rect: Rect, name: Text, value: Value| {
        page.label(rect.column(0, 2, gap), name, font, Align::Left, None);
        page.label(
            rect.column(1, 2, gap),
            Text::Value(value),
            font,
            Align::Right,
            None,
        );
    };
    let balance = flow.balance.unwrap_or_default();
    pair(
        &mut page,
        line(0),
        Phrase::Balance.into(),
        Value::Fen(balance.balance_fen),
    );
    pair(
        &mut page,
        line(1),
        Phrase::Pending.into(),
        Value::Fen(balance.pending_withdrawal_fen),
    );
    // Today: what was earned, in the middle; the cap it counts against, at the right.
    let today = line(2);
    page.label(
        today.column(0, 3, gap),
        Phrase::EarnedToday,
        font,
        Align::Left,
        None,
    );
    page.label(
        today.column(1, 3, gap),
        Text::Value(Value::Fen(balance.earned_today_fen)),
        font,
        Align::Centre,
        None,
    );
    page.dim_label(
        today.column(2, 3, gap),
        Text::With(Phrase::OfCap, Value::Fen(balance.daily_cap_fen)),
        font,
        Align::Right,
        None,
    );
    let bar = line(3);
    let share = if balance.daily_cap_fen > 0 {
        balance.earned_today_fen as f32 / balance.daily_cap_fen as f32
    } else {
        0.0
    };
    page.push(
        Rect::new(bar.x, bar.y + bar.h * 0.3, bar.w, bar.h * 0.4),
        Look::Bar { share },
        None,
        None,
    );
    // Withdrawing belongs to the payout flow; this line is its place on the screen.
    let withdraw = if flow.earns_only {
        Phrase::EarnOnly
    } else {
        Phrase::WithdrawSoon
    };
    page.dim_label(line(4), withdraw, font, Align::Centre, None);
    page.label(line(5), Phrase::History, font, Align::Left, None);
    let list = Rect::new(body.x, head.bottom(), body.w, body.bottom() - head.bottom());
    let rows = (list.h / line_h) as usize;
    if flow.history.is_empty() && rows > 0 {
        let rect = Rect::new(list.x, list.y, list.w, line_h);
        page.dim_label(rect, Phrase::NoHistory, font, Align::Left, None);
    }
    for (index, row) in flow.history.iter().take(rows).enumerate() {
        let rect = Rect::new(list.x, list.y + index as f32 * line_h, list.w, line_h);
        pair(&mut page, rect, row.kind.into(), Value::Fen(row.amount_fen));
    }
    page
}
