//! Screens the game draws when no session is on the board, into the same render list and with
//! the same shader as the game itself, so every host shows them alike.
//!
//! The start screen: the theme's pieces circling a round play button. The whole screen is one
//! touch target (a newcomer's first tap anywhere starts a game), so it reads without words.

use core::f32::consts::TAU;

use crate::flow::{Act, Flow, Screen};
use crate::scene::{flag, shape, Scene, Theme, PIECE_SHAPES};
use crate::text::{line_height_px, Align, Label, Phrase, Text, TextAtlas, Value};

pub mod board;
pub mod intro;
pub mod map;
pub mod rest;
pub mod result;
pub mod settings;
pub mod ui;
pub mod wallet;

use ui::{Frame, Metrics, Page, Rect};

/// Lines of a level's tile on the map: number, stars, payout, name or sponsor.
pub(crate) const LINES_PER_TILE: usize = 4;

/// The page of the flow's screen (none for the start screen, which draws itself, and for the
/// game, which the session draws).
pub fn page(flow: &Flow, metrics: &Metrics, text: &mut TextAtlas) -> Option<Page<Act>> {
    Some(match flow.screen {
        Screen::Start | Screen::Playing | Screen::Watching => return None,
        Screen::Map => map::page(flow, metrics, text),
        Screen::Intro => intro::page(flow, metrics, text),
        Screen::Result => result::page(flow, metrics),
        Screen::Wallet => wallet::page(flow, metrics),
        Screen::Settings => settings::page(flow, metrics),
        Screen::Break => rest::page(flow, metrics),
        Screen::Leaderboard => board::page(flow, metrics, text),
    })
}

/// Confetti pieces of a win's celebration, and how long one takes to fall the screen's height.
const CONFETTI_PIECES: usize = 28;
const CONFETTI_FALL_S: f32 = 2.6;
/// A piece's size as a share of the screen's smaller side.
const CONFETTI_SIZE_SHARE: f32 = 0.018;

/// A win's celebration over the result screen: the theme's pieces falling and turning, each on
/// its own column and phase (spread by the golden ratio, so no two fall together). Decoration
/// only: drawn after the page, never hit-tested.
pub fn celebrate(scene: &mut Scene, theme: &Theme, width_px: f32, height_px: f32) {
    const GOLDEN: f32 = 0.618_034;
    let size = width_px.min(height_px) * CONFETTI_SIZE_SHARE;
    let time_s = scene.time_s;
    for index in 0..CONFETTI_PIECES {
        let column = fract(index as f32 * GOLDEN);
        let phase = fract(index as f32 * GOLDEN * GOLDEN);
        let fall = fract(time_s / CONFETTI_FALL_S + phase);
        let sway = libm::sinf(time_s * 2.0 + index as f32) * size * 2.0;
        let centre = (
            (column * width_px + sway).clamp(size, width_px - size),
            size + fall * (height_px - 2.0 * size),
        );
        let color = theme.pieces[index % theme.pieces.len()];
        let kind = PIECE_SHAPES[index % PIECE_SHAPES.len()];
        let turn = time_s * 3.0 + index as f32;
        scene.push(centre, (size, size), color, kind, 0.2, 0.0, turn);
    }
}

/// `x`'s fractional part (core has no `f32::fract` without std).
fn fract(x: f32) -> f32 {
    x - libm::floorf(x)
}

/// The day's earnings against the daily cap, as a line under the top bar (taken from the
/// body), so the cap's progress is always in sight on the map.
pub(crate) fn cap_row(page: &mut Page<Act>, flow: &Flow, frame: &mut Frame) {
    let metrics = page.metrics;
    let font = metrics.font_px;
    let line_h = f32::from(line_height_px(font));
    let row = Rect::new(frame.body.x, frame.body.y, frame.body.w, line_h);
    frame.body = Rect::new(
        frame.body.x,
        row.bottom() + metrics.gap_px,
        frame.body.w,
        frame.body.h - line_h - metrics.gap_px,
    );
    let Some(balance) = flow.balance else {
        return;
    };
    let gap = metrics.gap_px;
    page.dim_label(
        row.column(0, 3, gap),
        Phrase::EarnedToday,
        font,
        Align::Left,
        None,
    );
    page.label(
        row.column(1, 3, gap),
        Text::Value(Value::Fen(balance.earned_today_fen)),
        font,
        Align::Centre,
        None,
    );
    page.dim_label(
        row.column(2, 3, gap),
        Text::With(Phrase::OfCap, Value::Fen(balance.daily_cap_fen)),
        font,
        Align::Right,
        None,
    );
}

/// The day's play time, and the operator's daily limit where there is one, as a line under
/// the cap's: the daily play-time summary, in sight whenever the map is.
pub(crate) fn play_row(page: &mut Page<Act>, flow: &Flow, frame: &mut Frame) {
    let Some(balance) = flow.balance else {
        return;
    };
    let metrics = page.metrics;
    let font = metrics.font_px;
    let line_h = f32::from(line_height_px(font));
    let row = Rect::new(frame.body.x, frame.body.y, frame.body.w, line_h);
    frame.body = Rect::new(
        frame.body.x,
        row.bottom() + metrics.gap_px,
        frame.body.w,
        frame.body.h - line_h - metrics.gap_px,
    );
    let gap = metrics.gap_px;
    let minutes = balance.played_today_s.max(0) / 60;
    page.dim_label(
        row.column(0, 2, gap),
        Text::With(Phrase::PlayedToday, Value::Count(minutes)),
        font,
        Align::Left,
        None,
    );
    if balance.daily_play_minutes > 0 {
        page.dim_label(
            row.column(1, 2, gap),
            Text::With(
                Phrase::DailyPlayLimit,
                Value::Count(balance.daily_play_minutes),
            ),
            font,
            Align::Right,
            None,
        );
    }
}

/// The smallest touch target, in CSS pixels (Apple's Human Interface Guidelines; Android's
/// 48 dp is close). A button's diameter never falls below it.
pub const TOUCH_TARGET_CSS_MIN: f32 = 44.0;

/// The play button's radius as a share of the screen's smaller side.
const BUTTON_RADIUS_SHARE: f32 = 0.15;
/// The circle the pieces move on, as a share of the smaller side; with the pieces' own radius
/// (`PIECE_RADIUS_SHARE` of it) the ring stays inside the screen: 0.34 * 1.2 < 0.5.
const RING_RADIUS_SHARE: f32 = 0.34;
const PIECE_RADIUS_SHARE: f32 = 0.2;
const RING_PIECES: usize = 8;
/// The title under the button, as a share of the smaller side, and never under this many CSS
/// pixels (legible on the smallest phones).
const TITLE_FONT_SHARE: f32 = 0.06;
const TITLE_FONT_CSS_MIN: f32 = 18.0;
/// The hint at the bottom, as a share of the title's size.
const HINT_FONT_SHARE: f32 = 0.6;
/// Seconds per turn of the ring: slow enough to read as calm, fast enough to read as alive.
const RING_TURN_S: f32 = 30.0;
/// The button's halo breathes at this rate (radians per second).
const HALO_RATE: f32 = 2.4;

/// Where the start screen's play button is, in device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StartLayout {
    pub centre: (f32, f32),
    pub button_radius_px: f32,
    pub ring_radius_px: f32,
    /// The title's font size and the centre of its line (under the ring).
    pub title_font_px: u16,
    pub title_y_px: f32,
    /// The hint's, near the bottom edge.
    pub hint_font_px: u16,
    pub hint_y_px: f32,
    pub width_px: f32,
}

impl StartLayout {
    pub fn new(width_px: f32, height_px: f32, dpr: f32) -> StartLayout {
        let side = width_px.min(height_px).max(1.0);
        let button_min_px = TOUCH_TARGET_CSS_MIN / 2.0 * dpr;
        let ring_radius_px = side * RING_RADIUS_SHARE;
        let title_font_px =
            libm::roundf((side * TITLE_FONT_SHARE).max(TITLE_FONT_CSS_MIN * dpr)) as u16;
        let hint_font_px = libm::roundf(f32::from(title_font_px) * HINT_FONT_SHARE) as u16;
        let title_line = f32::from(line_height_px(title_font_px));
        let hint_line = f32::from(line_height_px(hint_font_px));
        let button_radius_px = (side * BUTTON_RADIUS_SHARE)
            .max(button_min_px)
            .min(side / 2.0);
        // Under the ring where there is room (portrait); else just under the button's halo,
        // over the ring's lower part (a landscape phone has no room below the ring), and never
        // into the hint's line.
        let below_ring = height_px / 2.0 + ring_radius_px * (1.0 + PIECE_RADIUS_SHARE);
        let below_button = height_px / 2.0 + button_radius_px * 1.25;
        let title_y_px = (below_ring + title_line)
            .min(height_px - hint_line * 1.5 - title_line / 2.0)
            .max(below_button + title_line / 2.0);
        StartLayout {
            centre: (width_px / 2.0, height_px / 2.0),
            button_radius_px,
            ring_radius_px,
            title_font_px,
            title_y_px,
            hint_font_px,
            hint_y_px: height_px - hint_line,
            width_px,
        }
    }
}

/// Builds the start screen into `scene` (cleared first); `dt_s` moves its animation on.
pub fn start(
    scene: &mut Scene,
    layout: &StartLayout,
    theme: &Theme,
    text: &mut TextAtlas,
    dt_s: f32,
) {
    scene.begin_screen(dt_s);
    let time_s = scene.time_s;
    let (cx, cy) = layout.centre;
    let piece_px = layout.ring_radius_px * PIECE_RADIUS_SHARE;
    let turn = time_s / RING_TURN_S * TAU;
    for index in 0..RING_PIECES {
        let angle = turn + index as f32 / RING_PIECES as f32 * TAU;
        let centre = (
            cx + layout.ring_radius_px * libm::cosf(angle),
            cy + layout.ring_radius_px * libm::sinf(angle),
        );
        let color = theme.pieces[index % theme.pieces.len()];
        let kind = PIECE_SHAPES[index % PIECE_SHAPES.len()];
        scene.push(
            centre,
            (piece_px, piece_px),
            color,
            kind,
            0.3,
            flag::GLOSS,
            0.0,
        );
    }
    let radius = layout.button_radius_px;
    let breath = 0.5 + 0.5 * libm::sinf(time_s * HALO_RATE);
    let mut halo = theme.progress;
    halo[3] = 0.25 + 0.2 * breath;
    let halo_px = radius * (1.12 + 0.06 * breath);
    scene.push(
        (cx, cy),
        (halo_px, halo_px),
        halo,
        shape::RING,
        0.12,
        0.0,
        0.0,
    );
    scene.push(
        (cx, cy),
        (radius, radius),
        theme.progress,
        shape::CIRCLE,
        0.0,
        flag::GLOSS,
        0.0,
    );
    // The triangle's shape points up; a quarter turn points it right, "play". Its centroid sits
    // a little left of its box's centre, so the box moves right to look centred.
    let arrow = radius * 0.5;
    scene.push(
        (cx + arrow * 0.12, cy),
        (arrow, arrow),
        theme.text,
        shape::TRIANGLE,
        0.0,
        0.0,
        TAU / 4.0,
    );
    let line_w = layout.width_px * 0.9;
    let left = layout.width_px * 0.05;
    let title = Label {
        text: Text::Phrase(Phrase::Play),
        font_px: layout.title_font_px,
        width_px: line_w as u16,
        align: Align::Centre,
    };
    scene.label(text, title, left, layout.title_y_px, theme.text);
    let hint = Label {
        text: Phrase::TapAnywhere.into(),
        font_px: layout.hint_font_px,
        ..title
    };
    let mut hint_color = theme.text;
    hint_color[3] = 0.7;
    scene.label(text, hint, left, layout.hint_y_px, hint_color);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::ScreenBox;
    use alloc::string::String;
    use alloc::vec::Vec;

    const THEME: &str = include_str!("../../assets/themes/default.json");

    /// Portrait and landscape phones at 3x, a small old phone both ways, a desktop window.
    const SCREENS: [(f32, f32, f32); 5] = [
        (390.0, 844.0, 3.0),
        (844.0, 390.0, 3.0),
        (320.0, 480.0, 2.0),
        (480.0, 320.0, 2.0),
        (1280.0, 720.0, 1.0),
    ];

    fn overlap(a: ScreenBox, b: ScreenBox) -> bool {
        let (((ax, ay), (aw, ah)), ((bx, by), (bw, bh))) = (a, b);
        (ax - bx).abs() < aw + bw && (ay - by).abs() < ah + bh
    }

    /// A flow with everything a screen can show at its longest: many levels with long names, a
    /// sponsor, a full history, a capped receipt of a lost game.
    fn busy_flow(screen: Screen) -> Flow {
        use crate::flow::{Data, Outcome, Short};
        use alloc::format;
        let mut flow = Flow::default();
        let levels: Vec<String> = (0..16)
            .map(|index| {
                format!(r#"{{"id":"level-{index}","name":"A rather long level name {index}"}}"#)
            })
            .collect();
        let levels = format!("[{}]", levels.join(","));
        flow.accept(Data::Levels, levels.as_bytes()).unwrap();
        let offers: Vec<String> = (0..16)
            .map(|index| {
                format!(
                    r#"{{"level_id":"level-{index}","up_to_fen":{},"boost_fen":5,"sponsor":"Night Market Noodles","best_stars":{}}}"#,
                    index * 100_000,
                    index % 4
                )
            })
            .collect();
        let offers = format!(r#"{{"levels":[{}]}}"#, offers.join(","));
        flow.accept(Data::Offers, offers.as_bytes()).unwrap();
        flow.accept(
            Data::Balance,
            br#"{"balance_fen":123456789,"pending_withdrawal_fen":100000,"earned_today_fen":1999,"daily_cap_fen":2000,"played_today_s":86399,"daily_play_minutes":1440}"#,
        )
        .unwrap();
        let transfers: Vec<&str> = (0..20)
            .map(|_| r#"{"kind":"withdrawal","amount_fen":100000}"#)
            .collect();
        let history = format!(r#"{{"transfers":[{}]}}"#, transfers.join(","));
        flow.accept(Data::History, history.as_bytes()).unwrap();
        flow.selected = 15;
        flow.accept(
            Data::Level,
            include_bytes!("../../assets/levels/match3/m3-05-jelly.json"),
        )
        .unwrap();
        flow.game_over(Outcome {
            passed: false,
            short: Some(Short::Points(123_456)),
        });
        flow.accept(
            Data::Receipt,
            br#"{"score":4294967295,"stars":0,"payout_fen":0,"boost_fen":0,"capped":true,"balance_fen":123456789}"#,
        )
        .unwrap();
        let entries: Vec<String> = (1..=20)
            .map(|rank| {
                format!(r#"{{"rank":{rank},"name":"Swift Otter #{rank:04}","score":4294967295}}"#)
            })
            .collect();
        let board = format!(
            r#"{{"level_id":"level-15","entries":[{}],"you":{{"rank":4294967,"name":"Quiet Heron #9999","score":4294967295}}}}"#,
            entries.join(",")
        );
        flow.accept(Data::Leaderboard, board.as_bytes()).unwrap();
        flow.accept(Data::PlayRefused, b"daily_play_limit").unwrap();
        assert!(flow.board.is_some() && flow.board_you.is_some());
        flow.screen = screen;
        flow
    }

    const PAGES: [Screen; 7] = [
        Screen::Leaderboard,
        Screen::Map,
        Screen::Intro,
        Screen::Result,
        Screen::Wallet,
        Screen::Settings,
        Screen::Break,
    ];

    #[test]
    fn every_screen_keeps_on_screen_apart_and_tappable_upright_and_sideways() {
        for screen in PAGES {
            for (css_w, css_h, dpr) in SCREENS {
                let metrics = Metrics::new(css_w * dpr, css_h * dpr, dpr);
                let mut text = TextAtlas::default();
                let mut flow = busy_flow(screen);
                // Every page of the map.
                for map_page in 0..4 {
                    flow.map_page = map_page;
                    let page = super::page(&flow, &metrics, &mut text).unwrap();
                    let problems = page.problems();
                    assert!(
                        problems.is_empty(),
                        "{screen:?} at {css_w}x{css_h}@{dpr}: {problems:#?}"
                    );
                    assert!(
                        page.elements.iter().any(|element| element.act.is_some()),
                        "{screen:?} has a way out"
                    );
                }
            }
        }
    }

    #[test]
    fn every_screens_words_fit_the_text_texture_at_once() {
        // A texture that started again while one screen was drawn would lose its first labels
        // and be drawn anew every frame.
        let theme = Theme::from_json(THEME).unwrap();
        for screen in PAGES {
            for (css_w, css_h, dpr) in SCREENS {
                let metrics = Metrics::new(css_w * dpr, css_h * dpr, dpr);
                let mut text = TextAtlas::default();
                let flow = busy_flow(screen);
                let mut scene = Scene::without_session();
                for _ in 0..2 {
                    scene.begin_screen(0.016);
                    let page = super::page(&flow, &metrics, &mut text).unwrap();
                    page.draw(&mut scene, &mut text, &theme);
                }
                let generation = text.generation();
                let page = super::page(&flow, &metrics, &mut text).unwrap();
                page.draw(&mut scene, &mut text, &theme);
                assert_eq!(
                    text.generation(),
                    generation,
                    "{screen:?} at {css_w}x{css_h}@{dpr}"
                );
            }
        }
    }

    #[test]
    fn the_map_sums_up_the_days_play_beside_the_operators_daily_limit() {
        let (css_w, css_h, dpr) = SCREENS[0];
        let metrics = Metrics::new(css_w * dpr, css_h * dpr, dpr);
        let page = super::page(&busy_flow(Screen::Map), &metrics, &mut TextAtlas::default());
        let texts: Vec<Text> = page
            .unwrap()
            .elements
            .iter()
            .filter_map(|element| match element.look {
                ui::Look::Label { label, .. } => Some(label.text),
                _ => None,
            })
            .collect();
        // 86,399 s played: 1,439 whole minutes, under the day's 1,440.
        assert!(texts.contains(&Text::With(Phrase::PlayedToday, Value::Count(1439))));
        assert!(texts.contains(&Text::With(Phrase::DailyPlayLimit, Value::Count(1440))));
    }

    #[test]
    fn the_map_reaches_every_level_across_its_pages() {
        for (css_w, css_h, dpr) in SCREENS {
            let metrics = Metrics::new(css_w * dpr, css_h * dpr, dpr);
            let mut text = TextAtlas::default();
            let mut flow = busy_flow(Screen::Map);
            let mut opened = Vec::new();
            for _ in 0..flow.levels.len() {
                let page = super::page(&flow, &metrics, &mut text).unwrap();
                opened.extend(
                    page.elements
                        .iter()
                        .filter_map(|element| match element.act {
                            Some(Act::Open(index)) => Some(index),
                            _ => None,
                        }),
                );
                if !page.elements.iter().any(|e| e.act == Some(Act::PageNext)) {
                    break;
                }
                flow.act(Act::PageNext);
            }
            let all: Vec<u16> = (0..flow.levels.len() as u16).collect();
            assert_eq!(opened, all, "{css_w}x{css_h}@{dpr}");
        }
    }

    #[test]
    fn the_celebration_stays_on_screen_as_it_falls() {
        let theme = Theme::from_json(THEME).unwrap();
        for (css_w, css_h, dpr) in SCREENS {
            let (w, h) = (css_w * dpr, css_h * dpr);
            let mut scene = Scene::without_session();
            for _ in 0..40 {
                scene.begin_screen(0.13);
                celebrate(&mut scene, &theme, w, h);
                assert_eq!(scene.instance_count(), CONFETTI_PIECES);
                for ((x, y), (hw, hh)) in scene.rects() {
                    assert!(x - hw >= 0.0 && x + hw <= w && y - hh >= 0.0 && y + hh <= h);
                }
            }
        }
    }

    #[test]
    fn the_page_check_names_overlap_small_targets_and_elements_off_screen() {
        let metrics = Metrics::new(300.0, 300.0, 1.0);
        let mut page: Page<Act> = Page::new(metrics);
        page.button(
            Rect::new(0.0, 0.0, 100.0, 50.0),
            Phrase::Map,
            Act::Map,
            false,
        );
        page.button(
            Rect::new(90.0, 0.0, 100.0, 50.0),
            Phrase::Back,
            Act::Map,
            false,
        );
        page.button(
            Rect::new(0.0, 100.0, 40.0, 50.0),
            Phrase::On,
            Act::Map,
            false,
        );
        page.label(
            Rect::new(250.0, 250.0, 100.0, 30.0),
            Phrase::Off,
            16,
            Align::Left,
            None,
        );
        let problems = page.problems();
        assert!(
            problems.iter().any(|p| p.contains("overlap")),
            "{problems:#?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("touch target of 40 x 50")),
            "{problems:#?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("off screen")),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_tap_on_a_button_does_what_it_says() {
        let metrics = Metrics::new(390.0 * 3.0, 844.0 * 3.0, 3.0);
        let mut text = TextAtlas::default();
        let flow = busy_flow(Screen::Result);
        let page = super::page(&flow, &metrics, &mut text).unwrap();
        for element in &page.elements {
            let Some(act) = element.act else { continue };
            let (x, y) = (
                element.rect.x + element.rect.w / 2.0,
                element.rect.y + element.rect.h / 2.0,
            );
            assert_eq!(page.hit(x, y), Some(act));
        }
        assert_eq!(page.hit(-1.0, -1.0), None);
        let acts: Vec<Act> = page.elements.iter().filter_map(|e| e.act).collect();
        assert_eq!(acts, [Act::Play, Act::Next, Act::Map]);
    }

    #[test]
    fn the_start_screen_stays_on_screen_and_its_button_is_a_full_touch_target() {
        let theme = Theme::from_json(THEME).unwrap();
        for (css_w, css_h, dpr) in SCREENS {
            let (w, h) = (css_w * dpr, css_h * dpr);
            let layout = StartLayout::new(w, h, dpr);
            let mut scene = Scene::without_session();
            let mut text = TextAtlas::default();
            // Several moments of the animation, the ring a fraction of a turn further each.
            for _ in 0..5 {
                start(&mut scene, &layout, &theme, &mut text, 3.7);
                // The pieces, the halo, the button, its arrow, the title and the hint.
                assert_eq!(scene.instance_count(), RING_PIECES + 5);
                for ((x, y), (half_w, half_h)) in scene.rects() {
                    let inside = x - half_w >= 0.0
                        && y - half_h >= 0.0
                        && x + half_w <= w
                        && y + half_h <= h;
                    assert!(
                        inside,
                        "{css_w}x{css_h}@{dpr}: ({x}, {y}) ± ({half_w}, {half_h})"
                    );
                }
                // The button's halo, the title and the hint keep apart.
                let rects: Vec<ScreenBox> = scene.rects().collect();
                let halo = rects[RING_PIECES];
                let (title, hint) = (rects[RING_PIECES + 3], rects[RING_PIECES + 4]);
                for (a, b, what) in [
                    (halo, title, "button and title"),
                    (halo, hint, "button and hint"),
                    (title, hint, "title and hint"),
                ] {
                    assert!(
                        !overlap(a, b),
                        "{css_w}x{css_h}@{dpr}: {what} overlap: {a:?} {b:?}"
                    );
                }
            }
            assert!(
                layout.button_radius_px * 2.0 >= TOUCH_TARGET_CSS_MIN * dpr,
                "{css_w}x{css_h}@{dpr}: button {} px across",
                layout.button_radius_px * 2.0
            );
        }
    }
}
