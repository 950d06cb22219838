//! The HUD never overlaps itself: on every shipped level, on phones upright and sideways and on
//! a desktop window, each HUD item (labels, score, today's earnings against the cap, stars,
//! next piece, counter, progress bar) keeps to its own box inside the band. (A regression test: merge-drop's next piece was drawn over the
//! third star on narrow screens.)

use std::fs;

use game_wasm::layout::Layout;
use game_wasm::scene::{Scene, Theme};
use game_wasm::session::Session;
use game_wasm::text::TextAtlas;

const THEME: &str = include_str!("../../assets/themes/default.json");

/// CSS width, height and device pixel ratio: the 390x844 phone at 3x both ways, a small
/// old phone, a desktop window.
const SCREENS: [(f32, f32, f32); 4] = [
    (390.0, 844.0, 3.0),
    (844.0, 390.0, 3.0),
    (320.0, 480.0, 2.0),
    (1280.0, 720.0, 1.0),
];

fn shipped_levels() -> Vec<(String, Vec<u8>)> {
    let mut levels = Vec::new();
    for folder in ["../assets/levels/match3", "../assets/levels/merge"] {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "json") {
                levels.push((path.display().to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    levels.sort();
    assert!(levels.len() >= 2, "the shipped levels are found");
    levels
}

type Rect = ((f32, f32), (f32, f32));

fn overlap(a: &Rect, b: &Rect) -> bool {
    let ((ax, ay), (aw, ah)) = *a;
    let ((bx, by), (bw, bh)) = *b;
    (ax - bx).abs() < aw + bw && (ay - by).abs() < ah + bh
}

#[test]
fn hud_items_keep_apart_inside_the_band_on_every_level_and_screen() {
    let theme = Theme::from_json(THEME).unwrap();
    for (path, bytes) in shipped_levels() {
        let level = game_core::Level::from_json(&bytes).unwrap();
        let session = Session::unticketed(level, 7, Vec::new());
        for (css_w, css_h, dpr) in SCREENS {
            let (w, h) = (css_w * dpr, css_h * dpr);
            let layout = Layout::new(&session.level, &session.game, w, h, dpr);
            let mut scene = Scene::new(&session, &theme);
            // The day's earnings against the cap, at their longest.
            scene.today = Some((1_999_999, 2_000_000));
            let mut text = TextAtlas::default();
            scene.build(&session, &layout, &theme, &mut text, 1.0, 0.0);
            let boxes = scene.hud_boxes();
            let merge = session.game.merge_drop().is_some();
            // Labelled score and counter, today's earnings, three stars, the bar; merge-drop
            // adds the labelled next piece.
            assert_eq!(boxes.len(), if merge { 11 } else { 9 }, "{path}");
            let words: Vec<String> = text
                .describe(game_wasm::text::Lang::Zh)
                .rows
                .into_iter()
                .map(|row| row.text)
                .collect();
            assert!(
                words.iter().any(|word| word == "今日 ¥19999.99/¥20000.00"),
                "{path}: {words:?}"
            );
            let screen = format!("{path} at {css_w}x{css_h}@{dpr}");
            for (index, item) in boxes.iter().enumerate() {
                let ((x, y), (half_w, half_h)) = *item;
                assert!(
                    x - half_w >= 0.0
                        && x + half_w <= w
                        && y - half_h >= 0.0
                        && y + half_h <= layout.hud_height_px,
                    "{screen}: HUD item {index} {item:?} leaves the band"
                );
                for (other_index, other) in boxes.iter().enumerate().skip(index + 1) {
                    assert!(
                        !overlap(item, other),
                        "{screen}: HUD items {index} {item:?} and {other_index} {other:?} overlap"
                    );
                }
            }
        }
    }
}

#[test]
fn a_game_back_from_hiding_says_it_resumes_for_a_moment() {
    let level = fs::read("../assets/levels/match3/m3-01-first-steps.json").unwrap();
    let entropy: Vec<u8> = (1..=32).collect();
    let mut client = game_wasm::client::Client::new(&entropy).unwrap();
    client.set_theme(THEME).unwrap();
    client.start_practice(&level, 11).unwrap();
    let text_instances = |client: &game_wasm::client::Client| {
        client
            .scene()
            .unwrap()
            .instances
            .chunks_exact(game_wasm::scene::INSTANCE_FLOATS)
            .filter(|instance| instance[8] == game_wasm::scene::shape::TEXT)
            .count()
    };
    client.frame(0.0, 0, 390.0, 844.0, 3.0).unwrap();
    let playing = text_instances(&client);
    client.resumed();
    client.frame(0.0, 0, 390.0, 844.0, 3.0).unwrap();
    assert!(client.shows_resumed());
    assert_eq!(text_instances(&client), playing + 1, "the banner's label");
    // A second and a half of frames later it is gone.
    for _ in 0..90 {
        client.frame(1.0 / 60.0, 0, 390.0, 844.0, 3.0).unwrap();
    }
    assert!(!client.shows_resumed());
    assert_eq!(text_instances(&client), playing);
}
