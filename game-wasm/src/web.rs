//! The wasm-bindgen API the host shim drives.
//!
//! Lifecycle: `new Client(entropy)` (32 bytes from `crypto.getRandomValues` or the platform's
//! random API) -> `publicKeyHex()` goes into the ticket request -> `start(ticket, level)` ->
//! `attach(canvas, theme)` -> one `frame(...)` per animation frame -> `finish()` returns the
//! signed proof bytes.
//!
//! In steady state a frame is one call. Touches travel the other way through linear memory: the
//! host writes them into the buffer at `touchBufferPtr()` (4 floats each: kind, pointer id, x,
//! y in CSS pixels from the canvas's corner) and passes their count; the HUD comes back in the
//! `u32` words at `hudPtr()`, named by `hudFields()`. The host re-creates its typed-array views
//! whenever `memory.buffer` changed (memory growth detaches the old buffer).

use wasm_bindgen::prelude::*;

use game_core::{Phase, Refusal};
use playproof_proof::SessionKey;

use crate::gl::Renderer;
use crate::input::{Touch, TouchKind};
use crate::layout::Layout;
use crate::scene::{progress, Scene, Theme};
use crate::session::Session;

/// Version of this API; the shim checks it at load (`SHIM_ABI_VERSION` in host-shim).
pub const WEB_ABI_VERSION: u32 = 1;

/// Touches one frame can carry: ten fingers each moving several times per frame.
pub const TOUCHES_MAX: usize = 64;
const TOUCH_FLOATS: usize = 4;

/// The HUD words, in order. The shim reads the names from `hudFields()`, never hard-codes them.
const HUD_FIELDS: [&str; 13] = [
    "status",
    "mode",
    "score",
    "stars",
    "moves_left",
    "seconds_left",
    "goal_current",
    "goal_target",
    "tick",
    "inputs",
    "finished",
    "passed",
    "draw_calls",
];
const HUD_WORDS: usize = HUD_FIELDS.len();

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
    format!(
        "playing:{},ready:{},refused:{}",
        crate::session::STATUS_PLAYING,
        crate::session::STATUS_READY_TO_FINISH,
        crate::session::STATUS_REFUSED
    )
}

/// What is wrong with a level file, one line each (empty when it is valid): the core's own
/// loader decides, so the page never judges a level itself.
#[wasm_bindgen(js_name = checkLevel)]
pub fn check_level(bytes: &[u8]) -> Vec<String> {
    crate::session::level_problems(bytes)
}

#[wasm_bindgen(js_name = rulesVersion)]
pub fn rules_version() -> u32 {
    u32::from(game_core::RULES_VERSION)
}

#[wasm_bindgen]
pub struct Client {
    key: SessionKey,
    session: Option<Session>,
    renderer: Option<Renderer>,
    scene: Option<Scene>,
    theme: Option<Theme>,
    touches: Box<[f32; TOUCHES_MAX * TOUCH_FLOATS]>,
    parsed: Vec<Touch>,
    hud: Box<[u32; HUD_WORDS]>,
    layout: Option<Layout>,
}

fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

#[wasm_bindgen]
impl Client {
    /// A client with a fresh session key made from 32 bytes of host entropy.
    #[wasm_bindgen(constructor)]
    pub fn new(entropy: &[u8]) -> Result<Client, JsError> {
        let entropy: [u8; 32] = entropy
            .try_into()
            .map_err(|_| JsError::new("the session key needs exactly 32 bytes of entropy"))?;
        if entropy.iter().all(|&byte| byte == entropy[0]) {
            return Err(JsError::new("the entropy is not random"));
        }
        Ok(Client {
            key: SessionKey::from_entropy(entropy),
            session: None,
            renderer: None,
            scene: None,
            theme: None,
            touches: Box::new([0.0; TOUCHES_MAX * TOUCH_FLOATS]),
            parsed: Vec::with_capacity(TOUCHES_MAX),
            hud: Box::new([0; HUD_WORDS]),
            layout: None,
        })
    }

    /// The session key's public half, 64 hex digits, for the ticket request.
    #[wasm_bindgen(js_name = publicKeyHex)]
    pub fn public_key_hex(&self) -> String {
        self.key
            .public_key()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Starts the session a ticket grants on `level` (the level file's exact bytes).
    pub fn start(&mut self, ticket: &[u8], level: &[u8]) -> Result<(), JsError> {
        self.session = Some(Session::new(ticket, level, &self.key).map_err(js_error)?);
        self.scene = None;
        Ok(())
    }

    /// Benchmarks only: a session with no ticket, whose proof no server accepts.
    #[wasm_bindgen(js_name = startUnticketed)]
    pub fn start_unticketed(&mut self, level: &[u8], seed: u64) -> Result<(), JsError> {
        let level = game_core::Level::from_json(level).map_err(js_error)?;
        self.session = Some(Session::unticketed(level, seed, Vec::new()));
        self.scene = None;
        Ok(())
    }

    /// Designer mode: local practice on any valid level file with this seed. No ticket, so
    /// `finish` refuses: a practice game has no proof and pays nothing.
    #[wasm_bindgen(js_name = startPractice)]
    pub fn start_practice(&mut self, level: &[u8], seed: u64) -> Result<(), JsError> {
        self.session = Some(Session::practice(level, seed).map_err(js_error)?);
        self.scene = None;
        Ok(())
    }

    /// Whether the current session is practice (no proof, no payout).
    #[wasm_bindgen(js_name = isPractice)]
    pub fn is_practice(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_practice)
    }

    /// Draws into `canvas` (a DOM canvas or a mini-game canvas) with the theme's colours.
    /// `preserve_drawing_buffer` keeps the last frame readable (screenshots in tests).
    pub fn attach(
        &mut self,
        canvas: JsValue,
        theme_json: &str,
        preserve_drawing_buffer: bool,
    ) -> Result<(), JsError> {
        self.theme = Some(Theme::from_json(theme_json).map_err(js_error)?);
        self.renderer = Some(
            Renderer::new(canvas, preserve_drawing_buffer)
                .map_err(|error| JsError::new(&format!("{error:?}")))?,
        );
        Ok(())
    }

    #[wasm_bindgen(js_name = touchBufferPtr)]
    pub fn touch_buffer_ptr(&self) -> *const f32 {
        self.touches.as_ptr()
    }

    #[wasm_bindgen(js_name = touchCapacity)]
    pub fn touch_capacity(&self) -> u32 {
        TOUCHES_MAX as u32
    }

    #[wasm_bindgen(js_name = hudPtr)]
    pub fn hud_ptr(&self) -> *const u32 {
        self.hud.as_ptr()
    }

    /// Whether the renderer got WebGL2 (else WebGL1 with instancing).
    #[wasm_bindgen(js_name = isWebgl2)]
    pub fn is_webgl2(&self) -> bool {
        self.renderer
            .as_ref()
            .is_some_and(|renderer| renderer.webgl2)
    }

    /// One frame: the `touch_count` touches in the buffer, `dt_s` seconds of game time, the
    /// canvas's CSS size and the device pixel ratio. Simulates, prepares and draws. Returns the
    /// status flags (`session::STATUS_*`); the HUD words are updated.
    pub fn frame(
        &mut self,
        dt_s: f64,
        touch_count: u32,
        css_width: f32,
        css_height: f32,
        dpr: f32,
        draw: bool,
    ) -> Result<u32, JsError> {
        let session = self
            .session
            .as_mut()
            .ok_or_else(|| JsError::new("no session: call start first"))?;
        let theme = self
            .theme
            .as_ref()
            .ok_or_else(|| JsError::new("no theme: call attach first"))?;
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr
        } else {
            1.0
        };
        let width_px = (css_width.max(1.0) * dpr).round();
        let height_px = (css_height.max(1.0) * dpr).round();
        let layout = Layout::new(&session.level, &session.game, width_px, height_px, dpr);
        self.parsed.clear();
        let count = (touch_count as usize).min(TOUCHES_MAX);
        for raw in self.touches.chunks_exact(TOUCH_FLOATS).take(count) {
            let Some(kind) = TouchKind::from_code(raw[0] as u32) else {
                continue;
            };
            if !(raw[2].is_finite() && raw[3].is_finite()) {
                continue;
            }
            self.parsed.push(Touch {
                kind,
                pointer_id: raw[1] as u32,
                x_px: raw[2] * dpr,
                y_px: raw[3] * dpr,
            });
        }
        let (status, alpha) = session.frame(dt_s, &self.parsed, &layout);
        self.layout = Some(layout);
        let scene = self.scene.get_or_insert_with(|| Scene::new(session, theme));
        scene.build(session, &layout, theme, alpha, dt_s as f32);
        let mut draw_calls = 0;
        if let (true, Some(renderer)) = (draw, self.renderer.as_mut()) {
            renderer.resize(width_px as u32, height_px as u32);
            renderer.draw(scene, theme.background);
            draw_calls = renderer.draw_calls;
        }
        let game = &session.game;
        let (goal_current, goal_target) = progress(game, &session.level);
        let phase = game.phase();
        *self.hud = [
            status,
            if session.is_match3() { 1 } else { 2 },
            game.score(),
            u32::from(game.stars()),
            game.match3()
                .map_or(0, |match3| u32::from(match3.moves_left())),
            game.merge_drop()
                .map_or(0, |merge| merge.ticks_left().div_ceil(game_core::TICK_HZ)),
            goal_current,
            goal_target,
            game.tick(),
            session.inputs().len() as u32,
            u32::from(matches!(phase, Phase::Finished { .. })),
            u32::from(phase == Phase::Finished { passed: true }),
            draw_calls,
        ];
        Ok(status)
    }

    /// The code of the last refused input (`no_match`, `drop_cooldown`, ...), if any.
    #[wasm_bindgen(js_name = lastRefusal)]
    pub fn last_refusal(&self) -> Option<String> {
        let session = self.session.as_ref()?;
        session
            .last_refusal
            .map(|refusal: Refusal| refusal.code().to_string())
    }

    /// The player stops: no more inputs; `frame` reports ready once the board is at rest.
    pub fn stop(&mut self) {
        if let Some(session) = self.session.as_mut() {
            session.stop();
        }
    }

    /// The signed proof bytes of the finished session.
    pub fn finish(&self) -> Result<Vec<u8>, JsError> {
        let session = self
            .session
            .as_ref()
            .ok_or_else(|| JsError::new("no session: call start first"))?;
        session.finish(&self.key).map_err(js_error)
    }

    /// The board's place in the last frame, in CSS pixels: `[left, top, cell, rows, cols]` for
    /// match-3 (cell = cell size), `[left, top, scale, 0, 0]` for merge-drop (scale = pixels
    /// per world unit). For adapters that place native UI beside the board, and for tests.
    #[wasm_bindgen(js_name = boardRect)]
    pub fn board_rect(&self) -> Vec<f32> {
        self.layout.map_or_else(Vec::new, |layout| {
            vec![
                layout.origin_x_px / layout.dpr,
                layout.origin_y_px / layout.dpr,
                layout.cell_px / layout.dpr,
                f32::from(layout.rows),
                f32::from(layout.cols),
            ]
        })
    }

    /// Bodies in a merge-drop session (benchmarks report it beside the frame time).
    #[wasm_bindgen(js_name = bodyCount)]
    pub fn body_count(&self) -> u32 {
        self.session.as_ref().map_or(0, |session| {
            session
                .game
                .kernel()
                .world
                .query::<&game_core::physics::Body>()
                .iter()
                .count() as u32
        })
    }
}
