//! The designer page's part of the browser API: what is wrong with a level file, and the
//! level's start drawn as SVG by the same code as `playproof levels render`
//! (`playproof-preview`). Built only with feature `web`: mini-game builds carry none of it.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

/// What is wrong with a level file, one line each (empty when it is valid), in the words of
/// `playproof levels check` with the rule's name in brackets (e.g. `[no-possible-swap]`): the
/// core's own loader decides, so the page never judges a level itself.
#[wasm_bindgen(js_name = checkLevel)]
pub fn check_level(bytes: &[u8]) -> Vec<String> {
    crate::session::level_problems(bytes)
}

/// The level's start with game seed `seed` as SVG text in the colours of `theme_json`, or an
/// error whose message says why there is none (`playproof_preview::preview_svg`).
#[wasm_bindgen(js_name = levelPreviewSvg)]
pub fn level_preview_svg(
    level_bytes: &[u8],
    seed: u64,
    theme_json: &str,
) -> Result<String, JsError> {
    playproof_preview::preview_svg(level_bytes, seed, theme_json)
        .map_err(|error| JsError::new(&alloc::string::ToString::to_string(&error)))
}
