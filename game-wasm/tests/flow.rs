//! The player's way through the screens, natively, through the same `Client` both hosts wrap:
//! taps on the start screen, the intro, a practice game played to its end, the result with the
//! server's receipt, the wallet and settings. Each tap lands where the page says its button is.

use game_wasm::client::{Client, TOUCH_FLOATS};
use game_wasm::flow::{Act, Request, Screen};
use game_wasm::text::Lang;

const THEME: &str = include_str!("../../assets/themes/default.json");
const LEVEL: &[u8] = include_bytes!("../../assets/levels/match3/m3-01-first-steps.json");
const LEVELS: &str =
    r#"[{"id":"m3-01-first-steps","name":"First steps"},{"id":"m3-02-rainbow","name":"Rainbow"}]"#;
/// A phone upright, in CSS pixels, at 3x.
const SCREEN: (f32, f32, f32) = (390.0, 844.0, 3.0);
const FRAME_S: f64 = 1.0 / 60.0;

/// Kinds from `flow::DATA_KINDS`.
const LEVELS_DATA: u32 = 0;
const RECEIPT: u32 = 4;
const LEVEL_FILE: u32 = 5;
const BALANCE: u32 = 2;

fn client() -> Client {
    let entropy: Vec<u8> = (1..=32).collect();
    let mut client = Client::new(&entropy).unwrap();
    client.set_theme(THEME).unwrap();
    client.screen_data(LEVELS_DATA, LEVELS.as_bytes()).unwrap();
    client
}

/// One screen frame with `touches` (kind, x, y in CSS pixels); returns the request word.
fn frame(client: &mut Client, touches: &[(u32, f32, f32)]) -> u32 {
    let buffer = client.touch_buffer() as *mut f32;
    for (index, &(kind, x, y)) in touches.iter().enumerate() {
        let values = [kind as f32, 1.0, x, y];
        for (offset, value) in values.into_iter().enumerate() {
            // The buffer holds TOUCHES_MAX touches; these tests send at most two.
            unsafe { *buffer.add(index * TOUCH_FLOATS + offset) = value };
        }
    }
    let (width, height, dpr) = SCREEN;
    let (_, request) = client
        .frame_screen(FRAME_S, touches.len() as u32, width, height, dpr)
        .unwrap();
    request
}

/// Taps the button that does `act` on the current page (down then up at its centre).
fn tap(client: &mut Client, act: Act) -> u32 {
    frame(client, &[]);
    let page = client.page().expect("a page is on screen");
    let element = page
        .elements
        .iter()
        .find(|element| element.act == Some(act))
        .unwrap_or_else(|| panic!("no {act:?} on {:?}", client.flow().screen));
    let dpr = SCREEN.2;
    let x = (element.rect.x + element.rect.w / 2.0) / dpr;
    let y = (element.rect.y + element.rect.h / 2.0) / dpr;
    frame(client, &[(0, x, y), (2, x, y)])
}

#[test]
fn a_player_goes_from_the_start_screen_through_a_game_to_its_result_and_on() {
    let mut client = client();
    assert_eq!(client.flow().screen, Screen::Start);
    assert_eq!(frame(&mut client, &[]), 0, "nothing asked before a tap");
    // A tap anywhere: the first level's intro, whose file the host is asked for.
    assert_eq!(frame(&mut client, &[(2, 10.0, 10.0)]), 1);
    assert_eq!(client.flow().screen, Screen::Intro);
    client.screen_data(LEVEL_FILE, LEVEL).unwrap();
    // Start: the host is asked to play level 0.
    assert_eq!(tap(&mut client, Act::Play), 2);
    assert_eq!(client.flow().screen, Screen::Playing);
    client.start_practice(LEVEL, 7).unwrap();
    client.stop();
    let (width, height, dpr) = SCREEN;
    for _ in 0..600 {
        client.frame(FRAME_S, 0, width, height, dpr).unwrap();
        if client.flow().screen == Screen::Result {
            break;
        }
    }
    assert_eq!(client.flow().screen, Screen::Result, "the game ended");
    let outcome = client.flow().outcome.unwrap();
    assert!(!outcome.passed && outcome.short.is_some(), "{outcome:?}");
    client
        .screen_data(
            RECEIPT,
            br#"{"verdict":"accepted","score":0,"stars":0,"payout_fen":0,"boost_fen":0,"capped":false,"balance_fen":35}"#,
        )
        .unwrap();
    frame(&mut client, &[]);
    // Map, then the wallet (which asks the host for the balance), back, settings.
    assert_eq!(tap(&mut client, Act::Map), 0);
    assert_eq!(client.flow().screen, Screen::Map);
    assert_eq!(tap(&mut client, Act::Wallet), 3);
    client
        .screen_data(
            BALANCE,
            br#"{"balance_fen":35,"pending_withdrawal_fen":0,"earned_today_fen":35,"daily_cap_fen":2000}"#,
        )
        .unwrap();
    assert_eq!(tap(&mut client, Act::Map), 0);
    tap(&mut client, Act::Settings);
    let generation = client.text().generation();
    let request = tap(&mut client, Act::Toggle(game_wasm::flow::Setting::Language));
    assert_eq!(request & 0xff, 4, "settings to keep");
    assert_eq!(client.lang(), Lang::En);
    assert_ne!(client.text().generation(), generation, "every label again");
    // The map again: its second tile opens the second level's intro.
    tap(&mut client, Act::Map);
    assert_eq!(tap(&mut client, Act::Open(1)), Request::Level(1).word());
}

#[test]
fn a_failed_game_goes_back_to_its_intro() {
    let mut client = client();
    frame(&mut client, &[(2, 10.0, 10.0)]);
    client.screen_data(LEVEL_FILE, LEVEL).unwrap();
    tap(&mut client, Act::Play);
    client.game_failed();
    assert_eq!(client.flow().screen, Screen::Intro);
    assert_eq!(
        tap(&mut client, Act::Play),
        2,
        "and the player can try again"
    );
}

#[test]
fn bad_screen_data_is_refused_by_kind() {
    let mut client = client();
    let error = client.screen_data(99, b"{}").unwrap_err();
    assert_eq!(error.to_string(), "unknown data kind 99");
    let error = client.screen_data(BALANCE, b"[]").unwrap_err();
    assert!(error.to_string().starts_with("Balance data"), "{error}");
}

#[test]
fn after_half_an_hour_of_play_the_next_game_waits_for_a_break() {
    let mut client = client();
    frame(&mut client, &[(2, 10.0, 10.0)]);
    client.screen_data(LEVEL_FILE, LEVEL).unwrap();
    // Half an hour on the screens (the host sends frames only while the app is shown).
    let (width, height, dpr) = SCREEN;
    for _ in 0..30 {
        client.frame_screen(60.0, 0, width, height, dpr).unwrap();
    }
    assert_eq!(tap(&mut client, Act::Play), 0, "no ticket asked for");
    assert_eq!(client.flow().screen, Screen::Break);
    assert_eq!(client.screen_name(), "break");
    tap(&mut client, Act::Rested);
    assert_eq!(tap(&mut client, Act::Play), 2, "the clock started again");
}

#[test]
fn a_long_pause_counts_as_a_rest() {
    let mut client = client();
    frame(&mut client, &[(2, 10.0, 10.0)]);
    let (width, height, dpr) = SCREEN;
    for _ in 0..30 {
        client.frame_screen(60.0, 0, width, height, dpr).unwrap();
    }
    client.away(15.0 * 60.0);
    assert_eq!(tap(&mut client, Act::Play), 2);
}
