//! The wasm-bindgen API and the WebGL renderer inside a real browser (wasm-bindgen-test in
//! headless Chromium; `cargo xtask test` runs it). Native builds compile this file to nothing.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use game_wasm::web::{abi_version, hud_fields, Client, WEB_ABI_VERSION};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const MATCH3_LEVEL: &[u8] = include_bytes!("../../assets/levels/match3/m3-05-jelly.json");
const MERGE_LEVEL: &[u8] = include_bytes!("../../assets/levels/merge/md-01-classic.json");
const THEME: &str = include_str!("../../assets/themes/default.json");

fn canvas() -> JsValue {
    js_sys::eval(
        "(() => { const c = document.createElement('canvas'); \
         c.style.width = '300px'; c.style.height = '500px'; document.body.append(c); return c; })()",
    )
    .unwrap()
}

/// The value of a result from the API, or a panic that shows the JavaScript error.
fn ok<T>(result: Result<T, wasm_bindgen::JsError>) -> T {
    result.unwrap_or_else(|error| panic!("{:?}", JsValue::from(error)))
}

fn entropy() -> [u8; 32] {
    core::array::from_fn(|index| index as u8 * 7 + 3)
}

fn hud(client: &Client) -> Vec<u32> {
    let count = hud_fields().split(',').count();
    // SAFETY: the HUD is `count` u32 words owned by the client, which outlives this read.
    unsafe { core::slice::from_raw_parts(client.hud_ptr(), count) }.to_vec()
}

fn field(name: &str) -> usize {
    hud_fields()
        .split(',')
        .position(|field| field == name)
        .unwrap()
}

#[wasm_bindgen_test]
fn the_api_version_is_the_one_the_shim_speaks() {
    assert_eq!(abi_version(), WEB_ABI_VERSION);
}

#[wasm_bindgen_test]
fn frames_draw_both_modes_with_one_draw_call_and_advance_time() {
    for level in [MATCH3_LEVEL, MERGE_LEVEL] {
        let mut client = ok(Client::new(&entropy()));
        ok(client.start_unticketed(level, 11));
        ok(client.attach(canvas(), THEME, false));
        for _ in 0..30 {
            ok(client.frame(1.0 / 60.0, 0, 300.0, 500.0, 2.0, true));
        }
        let hud = hud(&client);
        assert_eq!(hud[field("tick")], 30, "one tick per 1/60 s frame");
        assert_eq!(hud[field("draw_calls")], 1);
    }
}

#[wasm_bindgen_test]
fn a_long_frame_is_capped_so_game_time_never_runs_ahead() {
    let mut client = ok(Client::new(&entropy()));
    ok(client.start_unticketed(MERGE_LEVEL, 5));
    ok(client.attach(canvas(), THEME, false));
    ok(client.frame(5.0, 0, 300.0, 500.0, 1.0, true));
    assert_eq!(hud(&client)[field("tick")], 8);
}

#[wasm_bindgen_test]
fn a_bad_entropy_or_theme_is_refused() {
    assert!(Client::new(&[0; 32]).is_err());
    assert!(Client::new(&[1; 16]).is_err());
    let mut client = ok(Client::new(&entropy()));
    assert!(client.attach(canvas(), "{}", false).is_err());
}

/// A golden replay (`tests/golden/`): the level as recorded, its seed, its inputs as text
/// (`"140 swap 4,0 down"`, `"300 drop -1250"`) and the outcome every replay must reproduce.
const GOLDEN: &str = include_str!("../../tests/golden/m3-05-jelly-0.json");

fn golden_input(text: &str) -> game_core::Input {
    let words: Vec<&str> = text.split_whitespace().collect();
    let action = match words[1..] {
        ["swap", cell, direction] => {
            let (row, col) = cell.split_once(',').unwrap();
            let direction = match direction {
                "up" => game_core::Direction::Up,
                "down" => game_core::Direction::Down,
                "left" => game_core::Direction::Left,
                _ => game_core::Direction::Right,
            };
            game_core::Action::Swap {
                cell: game_core::Cell::new(row.parse().unwrap(), col.parse().unwrap()),
                direction,
            }
        }
        ["drop", x] => game_core::Action::Drop {
            x_milli: x.parse().unwrap(),
        },
        _ => panic!("unrecognised input {text:?}"),
    };
    game_core::Input {
        tick: words[0].parse().unwrap(),
        action,
    }
}

#[wasm_bindgen_test]
fn watch_mode_draws_a_recorded_game_to_its_golden_outcome() {
    let golden: serde_json::Value = serde_json::from_str(GOLDEN).unwrap();
    let level = serde_json::to_vec(&golden["level"]).unwrap();
    let inputs: Vec<game_core::Input> = golden["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|text| golden_input(text.as_str().unwrap()))
        .collect();
    let mut log = Vec::new();
    game_core::kernel::input::encode_input_log(&inputs, &mut log);
    let seed = golden["seed"].as_u64().unwrap();
    let mut client = ok(Client::new(&entropy()));
    ok(client.attach(canvas(), THEME, false));
    let hash = playproof_proof::level_hash(&level);
    assert!(
        client.start_watch(&level, &[0; 32], seed, &log).is_err(),
        "another level's hash"
    );
    ok(client.start_watch(&level, &hash, seed, &log));
    ok(client.watch_control(8.0, false, false));
    let mut frames = 0;
    while ok(client.frame_watch(1.0 / 60.0, 300.0, 500.0, 2.0)) & 2 == 0 {
        frames += 1;
        assert!(frames < 100_000, "the watch never finishes");
    }
    let status: serde_json::Value = serde_json::from_str(&ok(client.watch_status())).unwrap();
    let expect = &golden["expect"];
    assert_eq!(
        (&status["state"], &status["score"], &status["tick"]),
        (
            &serde_json::json!("finished"),
            &expect["score"],
            &expect["ticks"]
        )
    );
    let hud = hud(&client);
    assert_eq!(
        hud[field("score")],
        expect["score"].as_u64().unwrap() as u32
    );
    assert_eq!(
        hud[field("draw_calls")],
        1,
        "drawn by the player's renderer"
    );
}
