//! A level's intro: its name, what it asks (the objective, the moves or the time) and what it
//! pays, with Start at the bottom, the map and the leaderboard at the top.

use super::ui::{Frame, Metrics, Page, Rect};
use crate::flow::{Act, Flow, IntroGoal, Limit};
use crate::text::{line_height_px, Align, Phrase, Text, TextAtlas, Value};

/// The body's lines: name, objective, limit, payout, sponsor.
const LINES: usize = 5;

pub fn page(flow: &Flow, metrics: &Metrics, text: &mut TextAtlas) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let mut frame = Frame::new(metrics);
    let (left, title, right) = frame.bar_slots(metrics);
    page.button(left, Phrase::Map, Act::Map, false);
    page.button(right, Phrase::Leaderboard, Act::Leaderboard, false);
    let index = flow.selected;
    page.label(
        title,
        Text::With(Phrase::LevelNumber, Value::Count(i64::from(index) + 1)),
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let footer = frame.take_footer(metrics);
    page.button(footer, Phrase::Start, Act::Play, true);
    // The operator's rest rules refused the last ticket: said kindly, above Start.
    if let Some(notice) = flow.notice() {
        let line_h = f32::from(line_height_px(metrics.font_px));
        let at = Rect::new(
            frame.body.x,
            frame.body.bottom() - line_h,
            frame.body.w,
            line_h,
        );
        frame.body.h = (frame.body.h - line_h - metrics.gap_px).max(0.0);
        page.label(at, notice, metrics.font_px, Align::Centre, None);
    }
    let body = frame.body;
    let line = |row| body.row(row, LINES, metrics.gap_px);
    let font = metrics.font_px;
    let Some(level) = flow.levels.get(usize::from(index)) else {
        return page;
    };
    page.label(
        line(0),
        Text::Value(text.name(&level.name)),
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    // The objective arrives with the level file; until then its lines stay empty.
    if let Some(intro) = flow.intro.filter(|intro| intro.level == index) {
        let goal = match intro.goal {
            IntroGoal::Score(points) => {
                Text::With(Phrase::GoalScore, Value::Count(i64::from(points)))
            }
            IntroGoal::Collect(count) => {
                Text::With(Phrase::GoalCollect, Value::Count(i64::from(count)))
            }
            IntroGoal::Jelly => Text::Phrase(Phrase::GoalJelly),
        };
        page.label(line(1), goal, font, Align::Centre, None);
        let limit = match intro.limit {
            Limit::Moves(moves) => Text::With(Phrase::MovesCount, Value::Count(i64::from(moves))),
            Limit::Seconds(seconds) => {
                Text::With(Phrase::SecondsCount, Value::Count(i64::from(seconds)))
            }
        };
        page.label(line(2), limit, font, Align::Centre, None);
    }
    let boosted = level.boost_fen > 0 && level.sponsor.is_some();
    let pays = level.up_to_fen + if boosted { level.boost_fen } else { 0 };
    page.label(
        line(3),
        Text::With(Phrase::UpTo, Value::Fen(pays)),
        font,
        Align::Centre,
        None,
    );
    if let (true, Some(sponsor)) = (boosted, &level.sponsor) {
        let name = text.name(sponsor);
        page.dim_label(
            line(4),
            Text::With(Phrase::BoostedBy, name),
            font,
            Align::Centre,
            None,
        );
    }
    page
}
