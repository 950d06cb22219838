//! The wasm-bindgen API the host shim drives in a browser: [`crate::client::Client`] plus the
//! WebGL renderer, behind JavaScript-friendly names.
//!
//! Lifecycle: `new Client(entropy)` (32 bytes from `crypto.getRandomValues`) -> `publicKeyHex()`
//! goes into the ticket request -> `start(ticket, level)` -> `attach(canvas, theme)` -> one
//! `frame(...)` per animation frame -> `finish()` returns the signed proof bytes. Before any
//! session, an attached client draws the start screen with `frameStart(...)`.
//!
//! In steady state a frame is one call. Touches travel the other way through linear memory: the
//! host writes them into the buffer at `touchBufferPtr()` and passes their count; the HUD comes
//! back in the `u32` words at `hudPtr()`, named by `hudFields()`. The host re-creates its
//! typed-array views whenever `memory.buffer` changed (memory growth detaches the old buffer).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use crate::client::{self, ClientError, HUD_FIELDS, TOUCHES_MAX};
use crate::gl::Renderer;

/// Version of this API; the shim checks it at load (`SHIM_ABI_VERSION` in host-shim).
pub const WEB_ABI_VERSION: u32 = client::API_VERSION;

#[wasm_bindgen(js_name = abiVersion)]
pub fn abi_version() -> u32 {
    WEB_ABI_VERSION
}

#[wasm_bindgen(js_name = hudFields)]
pub fn hud_fields() -> String {
    HUD_FIELDS.join(",")
}

/// The frame status flags as `name:bit` pairs, so the shim never hard-codes them.
#[wasm_bindgen(js_name = statusFlags)]
pub fn status_flags() -> String {
    crate::session::status_flags()
}

/// Every phrase of the string table (`text::PHRASES`) by name, as JSON, in the language a
/// platform tag picks: the page writes its buttons and receipt with them.
#[wasm_bindgen(js_name = phrasesFor)]
pub fn phrases_for(language_tag: &str) -> String {
    crate::text::phrases_json(crate::text::Lang::from_tag(language_tag))
}

/// The HUD word `feedback`'s flags as `name:bit` pairs (vibration and sound cues).
#[wasm_bindgen(js_name = feedbackFlags)]
pub fn feedback_flags() -> String {
    crate::feedback::flag_names()
}

/// The screens' request kinds, `name:kind` pairs (`flow::REQUEST_KINDS`).
#[wasm_bindgen(js_name = requestKinds)]
pub fn request_kinds() -> String {
    crate::flow::REQUEST_KINDS.into()
}

/// The screens' data kinds, `name:kind` pairs (`flow::DATA_KINDS`).
#[wasm_bindgen(js_name = dataKinds)]
pub fn data_kinds() -> String {
    crate::flow::DATA_KINDS.into()
}

/// The settings' bits, `name:bit` pairs (`flow::SETTING_BITS`).
#[wasm_bindgen(js_name = settingBits)]
pub fn setting_bits() -> String {
    crate::flow::SETTING_BITS.into()
}

#[wasm_bindgen(js_name = rulesVersion)]
pub fn rules_version() -> u32 {
    u32::from(game_core::RULES_VERSION)
}

#[wasm_bindgen]
pub struct Client {
    inner: client::Client,
    renderer: Option<Renderer>,
}

fn js_error(error: ClientError) -> JsError {
    JsError::new(&error.to_string())
}

#[wasm_bindgen]
impl Client {
    /// A client with a fresh session key made from 32 bytes of host entropy.
    #[wasm_bindgen(constructor)]
    pub fn new(entropy: &[u8]) -> Result<Client, JsError> {
        Ok(Client {
            inner: client::Client::new(entropy).map_err(js_error)?,
            renderer: None,
        })
    }

    /// The session key's public half, 64 hex digits, for the ticket request.
    #[wasm_bindgen(js_name = publicKeyHex)]
    pub fn public_key_hex(&self) -> String {
        self.inner
            .public_key()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Starts the session a ticket grants on `level` (the level file's exact bytes).
    pub fn start(&mut self, ticket: &[u8], level: &[u8]) -> Result<(), JsError> {
        self.inner.start(ticket, level).map_err(js_error)
    }

    /// Benchmarks only: a session with no ticket, whose proof no server accepts.
    #[wasm_bindgen(js_name = startUnticketed)]
    pub fn start_unticketed(&mut self, level: &[u8], seed: u64) -> Result<(), JsError> {
        self.inner.start_unticketed(level, seed).map_err(js_error)
    }

    /// Designer mode: local practice on any valid level file with this seed. No ticket, so
    /// `finish` refuses: a practice game has no proof and pays nothing.
    #[wasm_bindgen(js_name = startPractice)]
    pub fn start_practice(&mut self, level: &[u8], seed: u64) -> Result<(), JsError> {
        self.inner.start_practice(level, seed).map_err(js_error)
    }

    /// Whether the current session is practice (no proof, no payout).
    #[wasm_bindgen(js_name = isPractice)]
    pub fn is_practice(&self) -> bool {
        self.inner.is_practice()
    }

    /// Draws into `canvas` (a DOM canvas or a mini-game canvas) with the theme's colours.
    /// `preserve_drawing_buffer` keeps the last frame readable (screenshots in tests).
    pub fn attach(
        &mut self,
        canvas: JsValue,
        theme_json: &str,
        preserve_drawing_buffer: bool,
    ) -> Result<(), JsError> {
        self.inner.set_theme(theme_json).map_err(js_error)?;
        self.renderer = Some(
            Renderer::new(canvas, preserve_drawing_buffer)
                .map_err(|error| JsError::new(&format!("{error:?}")))?,
        );
        Ok(())
    }

    #[wasm_bindgen(js_name = touchBufferPtr)]
    pub fn touch_buffer_ptr(&self) -> *const f32 {
        self.inner.touch_buffer()
    }

    #[wasm_bindgen(js_name = touchCapacity)]
    pub fn touch_capacity(&self) -> u32 {
        TOUCHES_MAX as u32
    }

    #[wasm_bindgen(js_name = hudPtr)]
    pub fn hud_ptr(&self) -> *const u32 {
        self.inner.hud().as_ptr()
    }

    /// Whether the renderer got WebGL2 (else WebGL1 with instancing).
    #[wasm_bindgen(js_name = isWebgl2)]
    pub fn is_webgl2(&self) -> bool {
        self.renderer
            .as_ref()
            .is_some_and(|renderer| renderer.webgl2)
    }

    /// One frame: the `touch_count` touches in the buffer, `dt_s` seconds of game time, the
    /// canvas's CSS size and the device pixel ratio. Simulates, prepares and (with `draw`)
    /// draws. Returns the status flags (`session::STATUS_*`); the HUD words are updated.
    pub fn frame(
        &mut self,
        dt_s: f64,
        touch_count: u32,
        css_width: f32,
        css_height: f32,
        dpr: f32,
        draw: bool,
    ) -> Result<u32, JsError> {
        let output = self
            .inner
            .frame(dt_s, touch_count, css_width, css_height, dpr)
            .map_err(js_error)?;
        if draw {
            self.draw(output);
        }
        Ok(output.status)
    }

    /// One frame of the start screen (attach first; no session needed): animates and draws it.
    /// The whole screen is the play button: the host starts a game on any tap.
    #[wasm_bindgen(js_name = frameStart)]
    pub fn frame_start(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<(), JsError> {
        let output = self
            .inner
            .frame_start(dt_s, css_width, css_height, dpr)
            .map_err(js_error)?;
        self.draw(output);
        Ok(())
    }

    /// One frame of the flow's screen (start, map, intro, result, wallet, settings): the
    /// touches in the buffer act on it, and it is drawn. Returns the request word for the host
    /// (`requestKinds()` names its low byte; the level index or setting bits are above it).
    #[wasm_bindgen(js_name = frameScreen)]
    pub fn frame_screen(
        &mut self,
        dt_s: f64,
        touch_count: u32,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<u32, JsError> {
        let (output, request) = self
            .inner
            .frame_screen(dt_s, touch_count, css_width, css_height, dpr)
            .map_err(js_error)?;
        self.draw(output);
        Ok(request)
    }

    /// Data for the screens, by kind (`dataKinds()`): the package's level list and the
    /// server's answers, as they came.
    #[wasm_bindgen(js_name = screenData)]
    pub fn screen_data(&mut self, kind: u32, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.screen_data(kind, bytes).map_err(js_error)
    }

    /// The player's settings as the host kept them (`settingBits()` names the bits).
    #[wasm_bindgen(js_name = setSettings)]
    pub fn set_settings(&mut self, bits: u32) {
        self.inner.set_settings(bits);
    }

    /// The player's settings now (`settingBits()` names the bits).
    #[wasm_bindgen(js_name = settingsBits)]
    pub fn settings_bits(&self) -> u32 {
        self.inner.settings_bits()
    }

    /// The app was hidden for `seconds` (a long pause counts as a rest from play).
    pub fn away(&mut self, seconds: f32) {
        self.inner.away(seconds);
    }

    /// The game could not be played or verified: the screens go back to the level's intro.
    #[wasm_bindgen(js_name = gameFailed)]
    pub fn game_failed(&mut self) {
        self.inner.game_failed();
    }

    /// The screen on show: start, map, intro, playing, result, wallet or settings.
    #[wasm_bindgen(js_name = screenName)]
    pub fn screen_name(&self) -> String {
        self.inner.screen_name().into()
    }

    /// The screen's buttons in CSS pixels, as JSON (`Client::buttons_json`).
    pub fn buttons(&self) -> String {
        self.inner.buttons_json()
    }

    /// A fresh session key from host entropy (32 bytes), for the next ticket.
    pub fn rekey(&mut self, entropy: &[u8]) -> Result<(), JsError> {
        self.inner.rekey(entropy).map_err(js_error)
    }

    /// The app is back after being hidden: the game shows that it resumes.
    pub fn resumed(&mut self) {
        self.inner.resumed();
    }

    /// The player's language from the platform's tag (`navigator.language`): Simplified Chinese
    /// unless it says English.
    #[wasm_bindgen(js_name = setLanguage)]
    pub fn set_language(&mut self, tag: &str) {
        self.inner.set_language(tag);
    }

    /// The text atlas's generation: when it differs from the last one drawn, the host draws
    /// `textAtlas()` into a canvas and hands it to `uploadText`.
    #[wasm_bindgen(js_name = textGeneration)]
    pub fn text_generation(&self) -> u32 {
        self.inner.text().generation()
    }

    /// The rows of the text texture as JSON: `{ generation, width, height, rows: [{ text,
    /// font_px, y, width, height, align }] }`, all in texels.
    #[wasm_bindgen(js_name = textAtlas)]
    pub fn text_atlas(&self) -> String {
        self.inner.text().describe_json(self.inner.lang())
    }

    /// The canvas the host drew the atlas of `generation` into; labels show from the next
    /// frame on.
    #[wasm_bindgen(js_name = uploadText)]
    pub fn upload_text(&mut self, canvas: JsValue, generation: u32) -> Result<(), JsError> {
        let (width, height) = self.inner.text().size_px();
        let renderer = self
            .renderer
            .as_mut()
            .ok_or_else(|| JsError::new("no renderer: attach a canvas first"))?;
        renderer
            .upload_text(canvas, generation, u32::from(width), u32::from(height))
            .map_err(|error| JsError::new(&format!("{error:?}")))
    }

    /// The code of the last refused input (`no_match`, `drop_cooldown`, ...), if any.
    #[wasm_bindgen(js_name = lastRefusal)]
    pub fn last_refusal(&self) -> Option<String> {
        self.inner
            .last_refusal()
            .map(|refusal| refusal.code().to_string())
    }

    /// The player stops: no more inputs; `frame` reports ready once the board is at rest.
    pub fn stop(&mut self) {
        self.inner.stop();
    }

    /// The signed proof bytes of the finished session.
    pub fn finish(&self) -> Result<Vec<u8>, JsError> {
        self.inner.finish().map_err(js_error)
    }

    /// Watch mode: plays back a verified game from the level file (which must hash to
    /// `level_hash`, 32 bytes), its seed and its canonical input log, with this renderer.
    #[wasm_bindgen(js_name = startWatch)]
    pub fn start_watch(
        &mut self,
        level: &[u8],
        level_hash: &[u8],
        seed: u64,
        input_log: &[u8],
    ) -> Result<(), JsError> {
        self.inner
            .start_watch(level, level_hash, seed, input_log)
            .map_err(js_error)
    }

    /// One frame of the watched game, drawn: `dt_s` seconds of wall-clock time. Returns the
    /// status flags (`ready` once it ended as its log says); the HUD words are updated.
    #[wasm_bindgen(js_name = frameWatch)]
    pub fn frame_watch(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<u32, JsError> {
        let output = self
            .inner
            .frame_watch(dt_s, css_width, css_height, dpr)
            .map_err(js_error)?;
        self.draw(output);
        Ok(output.status)
    }

    /// Watch controls: speed (a multiple of real time, clamped), pause, restart.
    #[wasm_bindgen(js_name = watchControl)]
    pub fn watch_control(
        &mut self,
        speed: f32,
        paused: bool,
        restart: bool,
    ) -> Result<(), JsError> {
        let watch = self
            .inner
            .watch_mut()
            .ok_or_else(|| js_error(ClientError::NoWatch))?;
        watch.set_speed(speed);
        watch.set_paused(paused);
        if restart {
            watch.restart();
        }
        Ok(())
    }

    /// Where the watch is, as JSON: `{ state: running|finished|broken, tick, inputs_applied,
    /// inputs_total, score, stars, speed, paused, broken_input?, refusal? }`.
    #[wasm_bindgen(js_name = watchStatus)]
    pub fn watch_status(&mut self) -> Result<String, JsError> {
        let watch = self
            .inner
            .watch_mut()
            .ok_or_else(|| js_error(ClientError::NoWatch))?;
        Ok(crate::watch::status_json(watch))
    }

    /// The board's place in the last frame, in CSS pixels: `[left, top, cell, rows, cols]` for
    /// match-3 (cell = cell size), `[left, top, scale, 0, 0]` for merge-drop (scale = pixels
    /// per world unit). For adapters that place native UI beside the board, and for tests.
    #[wasm_bindgen(js_name = boardRect)]
    pub fn board_rect(&self) -> Vec<f32> {
        self.inner
            .board_rect()
            .map_or_else(Vec::new, |rect| rect.to_vec())
    }

    /// Bodies in a merge-drop session (benchmarks report it beside the frame time).
    #[wasm_bindgen(js_name = bodyCount)]
    pub fn body_count(&self) -> u32 {
        self.inner.body_count()
    }
}

impl Client {
    /// Draws the last frame's scene at the frame's size.
    fn draw(&mut self, output: client::FrameOutput) {
        if let (Some(renderer), Some(scene), Some(theme)) = (
            self.renderer.as_mut(),
            self.inner.scene(),
            self.inner.theme(),
        ) {
            renderer.resize(output.width_px, output.height_px);
            renderer.draw(scene, theme.background, self.inner.text().generation());
            let draw_calls = renderer.draw_calls;
            self.inner.set_draw_calls(draw_calls);
        }
    }
}
