//! The break reminder: how long the player has played without a pause, a suggestion for the
//! break, and Continue (which starts the clock again) or the map.

use super::ui::{Frame, Metrics, Page};
use crate::flow::{Act, Flow};
use crate::text::{Align, Phrase, Text, Value};

pub fn page(flow: &Flow, metrics: &Metrics) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let mut frame = Frame::new(metrics);
    page.label(
        frame.top_bar,
        Phrase::TakeABreak,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let gap = metrics.gap_px;
    let footer = frame.take_footer(metrics);
    page.button(footer.column(0, 2, gap), Phrase::Map, Act::Map, false);
    page.button(
        footer.column(1, 2, gap),
        Phrase::Continue,
        Act::Rested,
        true,
    );
    let body = frame.body;
    let minutes = (flow.played_s / 60.0) as i64;
    page.label(
        body.row(0, 2, gap),
        Text::With(Phrase::PlayedMinutes, Value::Count(minutes)),
        metrics.font_px,
        Align::Centre,
        None,
    );
    page.dim_label(
        body.row(1, 2, gap),
        Phrase::BreakHint,
        metrics.font_px,
        Align::Centre,
        None,
    );
    page
}
