//! The wallet: balance, pending withdrawals, the day's earnings against the cap, the withdraw
//! flow (a line of words over a row of buttons, see [`withdraw`]), and the latest history.

use alloc::vec::Vec;

use super::ui::{Frame, Look, Metrics, Page, Rect};
use crate::flow::{Act, Flow, Payout, Refusal, Withdraw};
use crate::text::{line_height_px, Align, Phrase, Text, Value};

/// Lines above the history: balance, pending, today, the cap's bar, the withdraw flow's words,
/// the history's title (the withdraw flow's buttons take a touch target's height besides).
const HEAD_LINES: usize = 6;
/// The most of the body the head may take; the history keeps the rest.
const HEAD_SHARE_MAX: f32 = 0.8;

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
    // The head takes what its lines and the withdraw buttons need (less on a short landscape
    // screen, where the lines shrink and the buttons keep their size); the history gets the
    // rest, a line per row.
    let buttons_h = metrics.touch_px + gap;
    let head_h = (line_h * HEAD_LINES as f32 + buttons_h).min(body.h * HEAD_SHARE_MAX);
    let head = Rect::new(body.x, body.y, body.w, head_h);
    let lines_h = (head_h - buttons_h) / HEAD_LINES as f32;
    let line = |row: usize| {
        let below = if row >= 5 { buttons_h } else { 0.0 };
        Rect::new(
            head.x,
            head.y + row as f32 * lines_h + below,
            head.w,
            lines_h,
        )
    };
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
    let buttons = Rect::new(head.x, line(4).bottom(), head.w, metrics.touch_px);
    withdraw(&mut page, flow, line(4), buttons);
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

/// The withdraw flow: what it says on `words`, and its buttons across `row`.
fn withdraw(page: &mut Page<Act>, flow: &Flow, words: Rect, row: Rect) {
    let font = page.metrics.font_px;
    let (text, buttons): (Text, Vec<(Text, Act)>) = match flow.withdraw {
        _ if flow.earns_only => (Phrase::EarnOnly.into(), Vec::new()),
        Withdraw::Idle => {
            let min = flow.balance.map_or(0, |balance| balance.withdrawal_min_fen);
            let can = !flow.withdraw_amounts().is_empty();
            let buttons = if can {
                alloc::vec![(Phrase::Withdraw.into(), Act::Withdraw)]
            } else {
                Vec::new()
            };
            (Text::With(Phrase::MinimumIs, Value::Fen(min)), buttons)
        }
        Withdraw::Choosing => {
            let amounts = flow.withdraw_amounts();
            let last = amounts.len().saturating_sub(1);
            let mut buttons: Vec<(Text, Act)> = amounts
                .iter()
                .enumerate()
                .map(|(index, &fen)| {
                    let text = if index == last && index > 0 {
                        Text::With(Phrase::AllOf, Value::Fen(fen))
                    } else {
                        Text::Value(Value::Fen(fen))
                    };
                    (text, Act::Amount(index as u16))
                })
                .collect();
            buttons.push((Phrase::Cancel.into(), Act::Dismiss));
            (Phrase::ChooseAmount.into(), buttons)
        }
        Withdraw::Confirming(fen) => (
            Text::With(Phrase::ConfirmAmount, Value::Fen(fen)),
            alloc::vec![
                (Phrase::Cancel.into(), Act::Dismiss),
                (Phrase::Confirm.into(), Act::Confirm),
            ],
        ),
        Withdraw::Sent(fen) => (Text::With(Phrase::PayoutSent, Value::Fen(fen)), Vec::new()),
        Withdraw::Following { amount_fen, payout } => {
            let buttons = match payout {
                Payout::Waiting => {
                    alloc::vec![(Phrase::CancelWithdrawal.into(), Act::CancelWithdrawal)]
                }
                _ if payout.is_final() => alloc::vec![(Phrase::Ok.into(), Act::Dismiss)],
                _ => Vec::new(),
            };
            (
                Text::With(payout_phrase(payout), Value::Fen(amount_fen)),
                buttons,
            )
        }
        Withdraw::Refused(refusal) => (
            refusal_phrase(refusal).into(),
            alloc::vec![(Phrase::Ok.into(), Act::Dismiss)],
        ),
    };
    page.label(words, text, font, Align::Centre, None);
    // One button is centred at a comfortable width; more share the row.
    let count = buttons.len();
    let gap = page.metrics.gap_px;
    let one_w = (page.metrics.touch_px * 3.0).min(row.w);
    let row = if count == 1 {
        Rect::new(row.x + (row.w - one_w) / 2.0, row.y, one_w, row.h)
    } else {
        row
    };
    for (index, (text, act)) in buttons.into_iter().enumerate() {
        let primary = matches!(act, Act::Withdraw | Act::Confirm);
        page.button(row.column(index, count, gap), text, act, primary);
    }
}

fn payout_phrase(payout: Payout) -> Phrase {
    match payout {
        Payout::Sent => Phrase::PayoutSent,
        Payout::Waiting => Phrase::PayoutWaiting,
        Payout::Paying => Phrase::PayoutPaying,
        Payout::Paid => Phrase::PayoutPaid,
        Payout::Failed => Phrase::PayoutFailed,
        Payout::Cancelled => Phrase::PayoutCancelled,
        Payout::Expired => Phrase::PayoutExpired,
        Payout::Review => Phrase::PayoutReview,
    }
}

fn refusal_phrase(refusal: Refusal) -> Phrase {
    match refusal {
        Refusal::BelowMinimum => Phrase::RefusedMinimum,
        Refusal::AboveTransferMaximum => Phrase::RefusedTransferMax,
        Refusal::AboveDailyMaximum => Phrase::RefusedDailyMax,
        Refusal::RealNameRequired => Phrase::RefusedRealName,
        Refusal::NotEnoughBalance => Phrase::RefusedBalance,
        Refusal::Offline => Phrase::RefusedOffline,
        Refusal::Other => Phrase::RefusedOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Data;

    /// Portrait and landscape phones at 3x, a small old phone both ways, a desktop window.
    const SCREENS: [(f32, f32, f32); 5] = [
        (390.0, 844.0, 3.0),
        (844.0, 390.0, 3.0),
        (320.0, 480.0, 2.0),
        (480.0, 320.0, 2.0),
        (1280.0, 720.0, 1.0),
    ];

    /// A wallet with a large balance (every amount offered) and a full history.
    fn wallet(withdraw: Withdraw) -> Flow {
        let mut flow = Flow::default();
        flow.accept(
            Data::Balance,
            br#"{"balance_fen":123456,"pending_withdrawal_fen":100000,"earned_today_fen":1999,"daily_cap_fen":2000,"withdrawal_min_fen":10}"#,
        )
        .unwrap();
        let rows = [r#"{"kind":"withdrawal","amount_fen":100000}"#; 20].join(",");
        let history = alloc::format!(r#"{{"transfers":[{rows}]}}"#);
        flow.accept(Data::History, history.as_bytes()).unwrap();
        flow.withdraw = withdraw;
        flow
    }

    fn acts(page: &Page<Act>) -> Vec<Act> {
        page.elements
            .iter()
            .filter_map(|element| element.act)
            .collect()
    }

    #[test]
    fn every_step_of_a_withdrawal_keeps_the_wallet_apart_and_tappable() {
        let payouts = [
            Payout::Sent,
            Payout::Waiting,
            Payout::Paying,
            Payout::Paid,
            Payout::Failed,
            Payout::Cancelled,
            Payout::Expired,
            Payout::Review,
        ];
        let mut steps = alloc::vec![
            Withdraw::Idle,
            Withdraw::Choosing,
            Withdraw::Confirming(123456),
            Withdraw::Sent(10),
            Withdraw::Refused(Refusal::AboveDailyMaximum),
        ];
        steps.extend(payouts.map(|payout| Withdraw::Following {
            amount_fen: 123456,
            payout,
        }));
        for withdraw in steps {
            for (css_w, css_h, dpr) in SCREENS {
                let metrics = Metrics::new(css_w * dpr, css_h * dpr, dpr);
                let page = page(&wallet(withdraw), &metrics);
                let problems = page.problems();
                assert!(
                    problems.is_empty(),
                    "{withdraw:?} at {css_w}x{css_h}@{dpr}: {problems:#?}"
                );
            }
        }
    }

    #[test]
    fn each_step_offers_only_what_can_be_done_then() {
        let metrics = Metrics::new(390.0 * 3.0, 844.0 * 3.0, 3.0);
        let acts_at = |withdraw| acts(&page(&wallet(withdraw), &metrics));
        assert_eq!(acts_at(Withdraw::Idle), [Act::Map, Act::Withdraw]);
        assert_eq!(
            acts_at(Withdraw::Choosing),
            [
                Act::Map,
                Act::Amount(0),
                Act::Amount(1),
                Act::Amount(2),
                Act::Amount(3),
                Act::Dismiss
            ]
        );
        assert_eq!(
            acts_at(Withdraw::Confirming(500)),
            [Act::Map, Act::Dismiss, Act::Confirm]
        );
        let following = |payout| Withdraw::Following {
            amount_fen: 500,
            payout,
        };
        assert_eq!(
            acts_at(following(Payout::Waiting)),
            [Act::Map, Act::CancelWithdrawal]
        );
        assert_eq!(acts_at(following(Payout::Paying)), [Act::Map]);
        assert_eq!(acts_at(following(Payout::Paid)), [Act::Map, Act::Dismiss]);
        let mut douyin = wallet(Withdraw::Idle);
        douyin.earns_only = true;
        assert_eq!(
            acts(&page(&douyin, &metrics)),
            [Act::Map],
            "Douyin: no button"
        );
    }

    #[test]
    fn a_balance_under_the_minimum_offers_no_withdraw_button() {
        let metrics = Metrics::new(390.0 * 3.0, 844.0 * 3.0, 3.0);
        let mut flow = wallet(Withdraw::Idle);
        flow.balance.as_mut().unwrap().balance_fen = 9;
        assert_eq!(acts(&page(&flow, &metrics)), [Act::Map]);
    }
}
