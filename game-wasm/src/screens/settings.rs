//! Settings: sound, vibration, break reminders and language, each a row with its state on a
//! button that flips it.

use super::ui::{Frame, Metrics, Page, Rect};
use crate::flow::{Act, Flow, Setting};
use crate::text::{Align, Phrase, Text};

const ROWS: [(Phrase, Setting); 4] = [
    (Phrase::Sound, Setting::Sound),
    (Phrase::Vibration, Setting::Vibration),
    (Phrase::Reminders, Setting::Reminders),
    (Phrase::Language, Setting::Language),
];

pub fn page(flow: &Flow, metrics: &Metrics) -> Page<Act> {
    let mut page = Page::new(*metrics);
    let frame = Frame::new(metrics);
    let (left, title, _) = frame.bar_slots(metrics);
    page.button(left, Phrase::Back, Act::Map, false);
    page.label(
        title,
        Phrase::Settings,
        metrics.title_font_px,
        Align::Centre,
        None,
    );
    let gap = metrics.gap_px;
    let settings = flow.settings;
    let button_w = (metrics.touch_px * 2.5).min(frame.body.w / 2.0);
    for (index, (name, setting)) in ROWS.into_iter().enumerate() {
        let y = frame.body.y + index as f32 * (metrics.touch_px + gap);
        let row = Rect::new(frame.body.x, y, frame.body.w, metrics.touch_px);
        let state: Text = match setting {
            Setting::Sound => on_off(settings.sound),
            Setting::Vibration => on_off(settings.vibration),
            Setting::Reminders => on_off(settings.reminders),
            Setting::Language => Phrase::LanguageName.into(),
        };
        let label = Rect::new(row.x, row.y, row.w - button_w - gap, row.h);
        page.label(label, name, metrics.font_px, Align::Left, None);
        let button = Rect::new(row.right() - button_w, row.y, button_w, row.h);
        page.button(button, state, Act::Toggle(setting), false);
    }
    page
}

fn on_off(on: bool) -> Text {
    if on { Phrase::On } else { Phrase::Off }.into()
}
