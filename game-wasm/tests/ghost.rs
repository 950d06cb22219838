//! Ghost replays through the player's flow, natively, through the same `Client` both hosts
//! wrap: a board entry tapped, the server's run handed over as data, the game played back on
//! the level file the intro loaded and ending on the entry's score, a tap back to the board.
//! Native only: the games watched are recorded by the bots, a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use game_core::Level;
use game_wasm::client::{Client, TOUCH_FLOATS};
use game_wasm::flow::{Act, Request, Screen};
use game_wasm::watch::WatchState;

const THEME: &str = include_str!("../../assets/themes/default.json");
const LEVEL: &[u8] = include_bytes!("../../assets/levels/match3/m3-01-first-steps.json");
const LEVELS: &str = r#"[{"id":"m3-01-first-steps","name":"First steps"}]"#;
const SCREEN: (f32, f32, f32) = (390.0, 844.0, 3.0);
const FRAME_S: f64 = 1.0 / 60.0;
/// Kinds from `flow::DATA_KINDS`.
const LEVELS_DATA: u32 = 0;
const LEVEL_FILE: u32 = 5;
const LEADERBOARD: u32 = 8;
const RUN: u32 = 20;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A game a bot played on the level with `seed`: the server's run of it, and its score.
fn run_json(seed: u64) -> (String, u32) {
    let level = Level::from_json(LEVEL).unwrap();
    let recording =
        playproof_bots::play_random(&level, seed, playproof_bots::Pacing::HUMAN, seed).unwrap();
    let log = recording.input_log();
    let run = format!(
        r#"{{"level_id":"m3-01-first-steps","rank":1,"name":"Swift Otter #0427","score":{},"level_hash":"{}","seed":"{seed}","rules_version":1,"input_log_hex":"{}","ticks":{}}}"#,
        recording.outcome.score,
        hex(&playproof_proof::level_hash(LEVEL)),
        hex(&log),
        recording.outcome.ticks
    );
    (run, recording.outcome.score)
}

/// One screen frame, with a tap (down and up) at `tap` in CSS pixels if given.
fn frame(client: &mut Client, tap: Option<(f32, f32)>) -> u32 {
    let buffer = client.touch_buffer() as *mut f32;
    let touches: Vec<[f32; 4]> = tap
        .map(|(x, y)| vec![[0.0, 1.0, x, y], [2.0, 1.0, x, y]])
        .unwrap_or_default();
    for (index, touch) in touches.iter().enumerate() {
        for (offset, value) in touch.iter().enumerate() {
            // The buffer holds TOUCHES_MAX touches; this sends at most two.
            unsafe { *buffer.add(index * TOUCH_FLOATS + offset) = *value };
        }
    }
    let (width, height, dpr) = SCREEN;
    let (_, request) = client
        .frame_screen(FRAME_S, touches.len() as u32, width, height, dpr)
        .unwrap();
    request
}

/// A client on the first level's board, with one entry.
fn on_the_board() -> Client {
    let entropy: Vec<u8> = (1..=32).collect();
    let mut client = Client::new(&entropy).unwrap();
    client.set_theme(THEME).unwrap();
    client.screen_data(LEVELS_DATA, LEVELS.as_bytes()).unwrap();
    frame(&mut client, Some((10.0, 10.0)));
    client.screen_data(LEVEL_FILE, LEVEL).unwrap();
    assert_eq!(client.flow().screen, Screen::Intro);
    frame(&mut client, None);
    let board = client
        .page()
        .unwrap()
        .elements
        .iter()
        .find(|e| e.act == Some(Act::Leaderboard));
    let rect = board.expect("the intro offers the board").rect;
    let dpr = SCREEN.2;
    frame(
        &mut client,
        Some(((rect.x + rect.w / 2.0) / dpr, (rect.y + rect.h / 2.0) / dpr)),
    );
    assert_eq!(client.flow().screen, Screen::Leaderboard);
    let board = r#"{"level_id":"m3-01-first-steps","entries":[{"rank":1,"name":"Swift Otter #0427","score":5000}],"you":{"rank":7,"name":"Quiet Heron #0001","score":900}}"#;
    client.screen_data(LEADERBOARD, board.as_bytes()).unwrap();
    frame(&mut client, None);
    client
}

/// Taps the board's entry at `rank`; answers the request word.
fn tap_entry(client: &mut Client, rank: u16) -> u32 {
    let page = client.page().unwrap();
    let entry = page
        .elements
        .iter()
        .find(|e| e.act == Some(Act::Watch(rank)));
    let rect = entry.expect("the entry is a touch target").rect;
    let dpr = SCREEN.2;
    frame(
        client,
        Some(((rect.x + rect.w / 2.0) / dpr, (rect.y + rect.h / 2.0) / dpr)),
    )
}

#[test]
fn a_tapped_entry_plays_back_to_its_score_and_a_tap_returns_to_the_board() {
    let mut client = on_the_board();
    assert_eq!(
        tap_entry(&mut client, 1),
        Request::Run { level: 0, rank: 1 }.word()
    );
    assert_eq!(client.flow().screen, Screen::Watching);
    let (run, score) = run_json(7);
    client.screen_data(RUN, run.as_bytes()).unwrap();
    let mut frames = 0;
    loop {
        frame(&mut client, None);
        frames += 1;
        let watch = client.watch_mut().expect("the run started a watch");
        if watch.state() == WatchState::Finished {
            assert_eq!(watch.session().game.score(), score);
            break;
        }
        assert_eq!(watch.state(), WatchState::Running);
        assert!(frames < 60 * 600, "the replay never ended");
    }
    assert!(client.scene().is_some(), "the watched game is drawn");
    // The board is laid out above the caption along the bottom edge.
    let [_, top, cell, rows, _] = client.board_rect().unwrap();
    let caption_css = game_wasm::scene::caption_height_px(SCREEN.2) / SCREEN.2;
    assert!(
        top + cell * rows <= SCREEN.1 - caption_css,
        "board bottom {} under the caption from {}",
        top + cell * rows,
        SCREEN.1 - caption_css
    );
    // Any tap ends it: the board again, the watch gone.
    frame(&mut client, Some((200.0, 400.0)));
    assert_eq!(client.flow().screen, Screen::Leaderboard);
    frame(&mut client, None);
    assert!(client.watch_mut().is_none());
    assert!(client.page().is_some(), "the board is drawn again");
}

#[test]
fn a_run_that_cannot_be_had_or_does_not_replay_goes_back_to_the_board() {
    let mut client = on_the_board();
    // The host could not fetch it.
    tap_entry(&mut client, 1);
    client.screen_data(RUN, b"{}").unwrap();
    assert_eq!(client.flow().screen, Screen::Leaderboard);
    // A run of another level file: its hash does not match the level the intro loaded.
    frame(&mut client, None);
    tap_entry(&mut client, 1);
    let (run, _) = run_json(7);
    let forged = run.replace(&hex(&playproof_proof::level_hash(LEVEL)), &"00".repeat(32));
    client.screen_data(RUN, forged.as_bytes()).unwrap();
    frame(&mut client, None);
    assert_eq!(client.flow().screen, Screen::Leaderboard);
    assert!(client.watch_mut().is_none());
    // A run whose log is not hex is refused as data and changes nothing.
    frame(&mut client, None);
    tap_entry(&mut client, 1);
    let broken = run.replace("\"input_log_hex\":\"", "\"input_log_hex\":\"zz");
    assert!(client.screen_data(RUN, broken.as_bytes()).is_err());
    assert_eq!(client.flow().screen, Screen::Watching);
}

#[test]
fn the_board_shows_the_players_own_rank_under_the_entries() {
    let client = on_the_board();
    let words: Vec<String> = client
        .text()
        .describe(client.lang())
        .rows
        .into_iter()
        .map(|row| row.text)
        .collect();
    assert!(words.iter().any(|word| word == "我的排名"), "{words:?}");
    assert!(
        words.iter().any(|word| word == "Quiet Heron #0001"),
        "{words:?}"
    );
    assert!(
        words.iter().any(|word| word == "Swift Otter #0427"),
        "{words:?}"
    );
}
