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
