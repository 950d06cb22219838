//! The playable client, independent of how the host reaches it: a session key, the session, the
//! touch and HUD buffers in linear memory and the render list. `web.rs` (wasm-bindgen, browser)
//! and `play_abi.rs` (plain C ABI, mini-game containers) are thin wrappers over this type, so
//! both hosts play exactly the same game.
//!
//! Per frame the host writes touches into [`Client::touch_buffer`] (4 floats each: kind, pointer
//! id, x, y in CSS pixels from the canvas's corner), calls [`Client::frame`] once, then reads the
//! HUD words (named by [`HUD_FIELDS`]) and draws [`Client::scene`]'s instances.

use alloc::boxed::Box;
use alloc::vec::Vec;

use game_core::{Phase, Refusal};
use playproof_proof::SessionKey;

use crate::flow::{Act, Data, DataError, Flow, Outcome, Request, Screen, Settings, Short};
use crate::input::{Touch, TouchKind};
use crate::layout::Layout;
use crate::scene::{progress, Scene, Theme};
use crate::screens::ui::{Metrics, Page};
use crate::screens::{self, StartLayout};
use crate::session::STATUS_PLAYING;
use crate::session::{Session, SessionError, STATUS_READY_TO_FINISH};
use crate::text::{Lang, Phrase, TextAtlas};
use crate::watch::{Watch, WatchError, WatchState};

/// Version of the host-facing API (both wrappers); the shim checks it at load
/// (`SHIM_ABI_VERSION` in host-shim).
pub const API_VERSION: u32 = 1;

/// Touches one frame can carry: ten fingers each moving several times per frame.
pub const TOUCHES_MAX: usize = 64;
/// Floats per touch in the touch buffer: kind, pointer id, x, y.
pub const TOUCH_FLOATS: usize = 4;

/// The HUD words, in order. The shim reads the names from the API, never hard-codes them.
pub const HUD_FIELDS: [&str; 14] = [
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
    // `feedback::*` flags: what the player should feel and hear this frame.
    "feedback",
    "draw_calls",
];
pub const HUD_WORDS: usize = HUD_FIELDS.len();
const HUD_DRAW_CALLS: usize = HUD_WORDS - 1;

/// Bytes of host entropy a session key is made from.
pub const ENTROPY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the session key needs exactly {ENTROPY_BYTES} bytes of entropy, got {0}")]
    EntropyLength(usize),
    #[error("the entropy is not random (every byte is the same)")]
    EntropyNotRandom,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("the level file is invalid: {0}")]
    Level(game_core::LevelError),
    #[error("the theme is invalid: {0}")]
    Theme(serde_json::Error),
    #[error("no session: call start first")]
    NoSession,
    #[error("no theme: attach a canvas first")]
    NoTheme,
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Watch(#[from] WatchError),
    #[error("no game to watch: call start_watch first")]
    NoWatch,
}

/// What one frame produced, for the host's renderer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameOutput {
    /// `session::STATUS_*` flags.
    pub status: u32,
    /// The drawing buffer's size in device pixels.
    pub width_px: u32,
    pub height_px: u32,
}

pub struct Client {
    key: SessionKey,
    session: Option<Session>,
    scene: Option<Scene>,
    theme: Option<Theme>,
    touches: Box<[f32; TOUCHES_MAX * TOUCH_FLOATS]>,
    parsed: Vec<Touch>,
    hud: Box<[u32; HUD_WORDS]>,
    layout: Option<Layout>,
    /// The start screen's render list, while it is shown instead of a session.
    start_screen: Option<Scene>,
    /// The labels on screen and their rows in the text texture; one for every screen, so its
    /// generation only moves forward.
    text: TextAtlas,
    /// Where the player is between games, and the player's settings (language included).
    flow: Flow,
    /// The last screen page drawn, for hit-testing the next frame's taps.
    page: Option<Page<Act>>,
    /// Seconds the "resumed" banner still shows (after the app came back from hiding).
    resumed_banner_s: f32,
    /// A verified game played back instead of a session (`crate::watch`). Browser build only:
    /// the mini-game build, within its size budget, has no use for it yet.
    watch: Option<Watch>,
}

/// How long the "resumed" banner shows, and the last part of it over which it fades.
const RESUMED_BANNER_S: f32 = 1.2;
const RESUMED_FADE_S: f32 = 0.4;

impl Client {
    /// A client with a fresh session key made from host entropy (the platform's random API).
    pub fn new(entropy: &[u8]) -> Result<Client, ClientError> {
        let entropy: [u8; ENTROPY_BYTES] = entropy
            .try_into()
            .map_err(|_| ClientError::EntropyLength(entropy.len()))?;
        if entropy.iter().all(|&byte| byte == entropy[0]) {
            return Err(ClientError::EntropyNotRandom);
        }
        Ok(Client {
            key: SessionKey::from_entropy(entropy),
            session: None,
            scene: None,
            theme: None,
            touches: Box::new([0.0; TOUCHES_MAX * TOUCH_FLOATS]),
            parsed: Vec::with_capacity(TOUCHES_MAX),
            hud: Box::new([0; HUD_WORDS]),
            layout: None,
            start_screen: None,
            text: TextAtlas::default(),
            flow: Flow::default(),
            page: None,
            resumed_banner_s: 0.0,
            watch: None,
        })
    }

    /// The session key's public half, for the ticket request.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public_key()
    }

    /// Starts the session a ticket grants on `level` (the level file's exact bytes).
    pub fn start(&mut self, ticket: &[u8], level: &[u8]) -> Result<(), ClientError> {
        self.replace_session(Session::new(ticket, level, &self.key)?);
        Ok(())
    }

    /// Benchmarks only: a session with no ticket, whose proof no server accepts.
    pub fn start_unticketed(&mut self, level: &[u8], seed: u64) -> Result<(), ClientError> {
        let level = game_core::Level::from_json(level).map_err(ClientError::Level)?;
        self.replace_session(Session::unticketed(level, seed, Vec::new()));
        Ok(())
    }

    /// Designer mode: local practice on any valid level file with this seed. No ticket, so
    /// `finish` refuses: a practice game has no proof and pays nothing.
    pub fn start_practice(&mut self, level: &[u8], seed: u64) -> Result<(), ClientError> {
        self.replace_session(Session::practice(level, seed)?);
        Ok(())
    }

    /// A fresh session key from host entropy, for the next ticket: every session has its own.
    pub fn rekey(&mut self, entropy: &[u8]) -> Result<(), ClientError> {
        let fresh = Client::new(entropy)?;
        self.key = fresh.key;
        Ok(())
    }

    /// Plays back a verified game instead of a session: the level file (hashing to
    /// `level_hash`), the seed and the canonical input log. Draw it with [`Client::frame_watch`].
    pub fn start_watch(
        &mut self,
        level: &[u8],
        level_hash: &[u8],
        seed: u64,
        input_log: &[u8],
    ) -> Result<(), ClientError> {
        let watch = Watch::new(level, level_hash, seed, input_log)?;
        self.session = None;
        self.start_screen = None;
        self.flow.screen = Screen::Playing;
        self.scene = None;
        self.layout = None;
        self.watch = Some(watch);
        Ok(())
    }

    /// The game being watched (speed, pause, restart, progress).
    pub fn watch_mut(&mut self) -> Option<&mut Watch> {
        self.watch.as_mut()
    }

    /// One frame of the watched game: `dt_s` seconds of wall-clock time at the watch's speed,
    /// then the scene and the HUD words exactly as [`Client::frame`] makes them. The status is
    /// `STATUS_READY_TO_FINISH` once the game ended as its log says.
    pub fn frame_watch(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<FrameOutput, ClientError> {
        self.frame_watch_above(dt_s, css_width, css_height, dpr, 0.0)
    }

    /// [`Client::frame_watch`] with the game laid out above a strip of `reserved_px` device
    /// pixels along the bottom edge (where a caption goes).
    fn frame_watch_above(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
        reserved_px: f32,
    ) -> Result<FrameOutput, ClientError> {
        let watch = self.watch.as_mut().ok_or(ClientError::NoWatch)?;
        let theme = self.theme.as_ref().ok_or(ClientError::NoTheme)?;
        // Animations run at the watch's pace, and stand still while it is paused.
        let scene_dt_s = if watch.paused() {
            0.0
        } else {
            dt_s * f64::from(watch.speed())
        };
        let alpha = watch.advance(dt_s);
        let status = if watch.state() == WatchState::Finished {
            STATUS_READY_TO_FINISH
        } else {
            STATUS_PLAYING
        };
        let session = watch.session();
        let (width_px, height_px, dpr) = device_size(css_width, css_height, dpr);
        let game_h = (height_px - reserved_px).max(1.0);
        let mut layout = Layout::new(&session.level, &session.game, width_px, game_h, dpr);
        // The layout's height is the game's; the screen (and a caption's place) is the whole.
        layout.height_px = height_px;
        self.layout = Some(layout);
        let scene = self.scene.get_or_insert_with(|| Scene::new(session, theme));
        scene.build(
            session,
            &layout,
            theme,
            &mut self.text,
            alpha,
            scene_dt_s as f32,
        );
        *self.hud = hud_words(session, status);
        Ok(FrameOutput {
            status,
            width_px: width_px as u32,
            height_px: height_px as u32,
        })
    }

    fn replace_session(&mut self, session: Session) {
        self.watch = None;
        self.start_screen = None;
        self.flow.screen = Screen::Playing;
        self.session = Some(session);
        self.scene = None;
        self.layout = None;
    }

    pub fn is_practice(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_practice)
    }

    /// Sets the colours the scene is built with (`assets/themes/*.json`).
    pub fn set_theme(&mut self, theme_json: &str) -> Result<(), ClientError> {
        self.theme = Some(Theme::from_json(theme_json).map_err(ClientError::Theme)?);
        self.scene = None;
        Ok(())
    }

    pub fn theme(&self) -> Option<&Theme> {
        self.theme.as_ref()
    }

    /// The touch buffer the host fills before each frame; it never moves.
    pub fn touch_buffer(&self) -> *const f32 {
        self.touches.as_ptr()
    }

    /// The HUD words the host reads after each frame; they never move.
    pub fn hud(&self) -> &[u32; HUD_WORDS] {
        &self.hud
    }

    /// One frame: the `touch_count` touches in the buffer, `dt_s` seconds of game time, the
    /// canvas's CSS size and the device pixel ratio. Simulates and prepares the scene; the HUD
    /// words are updated (`draw_calls` is left to the renderer, see [`Client::set_draw_calls`]).
    pub fn frame(
        &mut self,
        dt_s: f64,
        touch_count: u32,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<FrameOutput, ClientError> {
        let session = self.session.as_mut().ok_or(ClientError::NoSession)?;
        let theme = self.theme.as_ref().ok_or(ClientError::NoTheme)?;
        let (width_px, height_px, dpr) = device_size(css_width, css_height, dpr);
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
        self.flow.played(dt_s as f32);
        if status & STATUS_READY_TO_FINISH != 0 && self.flow.screen == Screen::Playing {
            self.flow.game_over(outcome(session));
        }
        self.layout = Some(layout);
        let scene = self.scene.get_or_insert_with(|| Scene::new(session, theme));
        scene.today = self
            .flow
            .balance
            .map(|balance| (balance.earned_today_fen, balance.daily_cap_fen));
        scene.build(session, &layout, theme, &mut self.text, alpha, dt_s as f32);
        if self.resumed_banner_s > 0.0 {
            let opacity = (self.resumed_banner_s / RESUMED_FADE_S).min(1.0);
            scene.banner(&mut self.text, Phrase::Resumed, &layout, theme, opacity);
            self.resumed_banner_s -= dt_s as f32;
        }
        *self.hud = hud_words(session, status);
        Ok(FrameOutput {
            status,
            width_px: width_px as u32,
            height_px: height_px as u32,
        })
    }

    /// One frame of the start screen (before any session): `dt_s` seconds of animation, the
    /// canvas's CSS size and the device pixel ratio. The whole screen is its touch target, so
    /// the host starts a game on any tap.
    pub fn frame_start(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<FrameOutput, ClientError> {
        let theme = self.theme.as_ref().ok_or(ClientError::NoTheme)?;
        let (width_px, height_px, dpr) = device_size(css_width, css_height, dpr);
        let scene = self.start_screen.get_or_insert_with(Scene::without_session);
        let layout = StartLayout::new(width_px, height_px, dpr);
        screens::start(scene, &layout, theme, &mut self.text, dt_s as f32);
        Ok(FrameOutput {
            status: 0,
            width_px: width_px as u32,
            height_px: height_px as u32,
        })
    }

    /// One frame of the screen the flow is on (start, map, intro, result, wallet, settings):
    /// the taps in the touch buffer act on it, and the answer is the [`Request`] word for the
    /// host (0 when there is nothing to do). While a game is on the board, nothing is drawn.
    pub fn frame_screen(
        &mut self,
        dt_s: f64,
        touch_count: u32,
        css_width: f32,
        css_height: f32,
        dpr: f32,
    ) -> Result<(FrameOutput, u32), ClientError> {
        let css_dpr = dpr;
        let (width_px, height_px, dpr) = device_size(css_width, css_height, dpr);
        let mut request = Request::Nothing;
        let count = (touch_count as usize).min(TOUCHES_MAX);
        for raw in self.touches.chunks_exact(TOUCH_FLOATS).take(count) {
            // A tap acts when the finger lifts, so the lift never lands on the next screen.
            if TouchKind::from_code(raw[0] as u32) != Some(TouchKind::Up) {
                continue;
            }
            let act = match (self.flow.screen, &self.page) {
                (Screen::Start, _) => Some(Act::Begin),
                // A ghost replay is only watched: any tap goes back to the board.
                (Screen::Watching, _) => Some(Act::Back),
                (_, Some(page)) => page.hit(raw[2] * dpr, raw[3] * dpr),
                _ => None,
            };
            if let Some(act) = act {
                request = self.flow.act(act);
                if let Request::Settings(_) = request {
                    // The language may have changed: every label is drawn again.
                    self.text.invalidate();
                }
                self.page = None;
                break;
            }
        }
        if self.flow.screen != Screen::Start {
            self.flow.played(dt_s as f32);
        }
        if self.flow.screen == Screen::Watching {
            return self.frame_ghost(dt_s, css_width, css_height, css_dpr, request);
        }
        if self.watch.take().is_some() {
            // Back from a ghost replay: its scene goes with it.
            self.scene = None;
        }
        let theme = self.theme.as_ref().ok_or(ClientError::NoTheme)?;
        let scene = self.start_screen.get_or_insert_with(Scene::without_session);
        match self.flow.screen {
            Screen::Playing | Screen::Watching => {}
            Screen::Start => {
                let layout = StartLayout::new(width_px, height_px, dpr);
                screens::start(scene, &layout, theme, &mut self.text, dt_s as f32);
            }
            _ => {
                let metrics = Metrics::new(width_px, height_px, dpr);
                scene.begin_screen(dt_s as f32);
                if let Some(page) = screens::page(&self.flow, &metrics, &mut self.text) {
                    page.draw(scene, &mut self.text, theme);
                    self.page = Some(page);
                }
                let won = self.flow.outcome.is_some_and(|outcome| outcome.passed);
                if self.flow.screen == Screen::Result && won {
                    screens::celebrate(scene, theme, width_px, height_px);
                }
            }
        }
        let output = FrameOutput {
            status: 0,
            width_px: width_px as u32,
            height_px: height_px as u32,
        };
        Ok((output, request.word()))
    }

    /// A frame of the flow's ghost replay: the run, once the host handed it over, starts a
    /// watch on the selected level's file (a run that does not replay on it sends the player
    /// back to the board); the watch is drawn with a caption saying how to leave. Until the run
    /// arrives the board stays on screen.
    fn frame_ghost(
        &mut self,
        dt_s: f64,
        css_width: f32,
        css_height: f32,
        dpr: f32,
        request: Request,
    ) -> Result<(FrameOutput, u32), ClientError> {
        if let Some(run) = self.flow.run.take() {
            let level = &self.flow.level_file;
            match Watch::new(level, &run.level_hash, run.seed, &run.input_log) {
                Ok(watch) => {
                    self.watch = Some(watch);
                    self.scene = None;
                    self.layout = None;
                }
                Err(_) => self.flow.watch_failed(),
            }
        }
        let mut output = FrameOutput {
            status: 0,
            width_px: 0,
            height_px: 0,
        };
        if self.watch.is_some() {
            let reserved =
                crate::scene::caption_height_px(device_size(css_width, css_height, dpr).2);
            output = self.frame_watch_above(dt_s, css_width, css_height, dpr, reserved)?;
            if let (Some(scene), Some(layout), Some(theme)) = (
                self.scene.as_mut(),
                self.layout.as_ref(),
                self.theme.as_ref(),
            ) {
                scene.caption(&mut self.text, Phrase::ReplayCaption, layout, theme);
            }
        } else {
            let (width_px, height_px, _) = device_size(css_width, css_height, dpr);
            output.width_px = width_px as u32;
            output.height_px = height_px as u32;
        }
        Ok((output, request.word()))
    }

    /// Data for the screens, by kind (`flow::DATA_KINDS`): the package's level list and the
    /// server's answers, as they came.
    pub fn screen_data(&mut self, kind: u32, bytes: &[u8]) -> Result<(), ClientError> {
        let kind = Data::from_code(kind).ok_or(DataError::Kind(kind))?;
        Ok(self.flow.accept(kind, bytes)?)
    }

    /// The player's settings as the host kept them (`flow::Settings::bits`).
    pub fn set_settings(&mut self, bits: u32) {
        self.flow.settings = Settings::from_bits(bits);
        self.text.invalidate();
    }

    pub fn settings_bits(&self) -> u32 {
        self.flow.settings.bits()
    }

    /// The app was hidden for `seconds`: a long enough pause counts as a rest from play.
    pub fn away(&mut self, seconds: f32) {
        self.flow.rested_for(seconds);
    }

    /// The game could not be played or verified: the flow goes back to the level's intro.
    pub fn game_failed(&mut self) {
        self.session = None;
        self.scene = None;
        self.flow.game_failed();
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// The screen on show, by name (`flow::Screen::name`).
    pub fn screen_name(&self) -> &'static str {
        self.flow.screen.name()
    }

    /// The last screen's buttons as JSON, in CSS pixels: `[{ "act", "index", "x", "y", "w",
    /// "h" }]` (`index` is the level of an `open`, the amount's place of an `amount`), for
    /// hosts' accessibility layers and tests.
    pub fn buttons_json(&self) -> alloc::string::String {
        use core::fmt::Write;
        let mut json = alloc::string::String::from("[");
        let dpr = self.page.as_ref().map_or(1.0, |page| page.metrics.dpr);
        let buttons = self.page.iter().flat_map(|page| page.elements.iter());
        for element in buttons {
            let Some(act) = element.act else { continue };
            if json.len() > 1 {
                json.push(',');
            }
            let index = match act {
                Act::Open(index) | Act::Amount(index) => i32::from(index),
                _ => -1,
            };
            // Whole CSS pixels: integers keep float formatting out of the mini-game artifact,
            // and a tap at a rounded centre still lands inside a 44-pixel target.
            let css = |px: f32| libm::roundf(px / dpr) as i32;
            let rect = element.rect;
            let _ = write!(
                json,
                r#"{{"act":"{}","index":{index},"x":{},"y":{},"w":{},"h":{}}}"#,
                act.name(),
                css(rect.x),
                css(rect.y),
                css(rect.w),
                css(rect.h)
            );
        }
        json.push(']');
        json
    }

    /// The screen's page of the last frame (for tests and hosts' accessibility layers).
    pub fn page(&self) -> Option<&Page<Act>> {
        self.page.as_ref()
    }

    /// The app is back after being hidden: the game shows that it resumes.
    pub fn resumed(&mut self) {
        self.resumed_banner_s = RESUMED_BANNER_S;
    }

    /// Whether the "resumed" banner is on screen (for tests).
    pub fn shows_resumed(&self) -> bool {
        self.resumed_banner_s > 0.0
    }

    /// The player's language, from the platform's language tag (`Lang::from_tag`).
    pub fn set_language(&mut self, tag: &str) {
        self.flow.settings.lang = Lang::from_tag(tag);
        self.text.invalidate();
    }

    pub fn lang(&self) -> Lang {
        self.flow.settings.lang
    }

    /// The text texture's rows; the host redraws the texture when their generation changes.
    pub fn text(&self) -> &TextAtlas {
        &self.text
    }

    /// The renderer reports how many draw calls the frame took (a HUD word, for tests).
    pub fn set_draw_calls(&mut self, draw_calls: u32) {
        self.hud[HUD_DRAW_CALLS] = draw_calls;
    }

    /// The render list of the last frame: the screen's, or the game's while one is played.
    pub fn scene(&self) -> Option<&Scene> {
        let watched = self.flow.screen == Screen::Watching && self.watch.is_some();
        if self.flow.screen == Screen::Playing || watched {
            self.scene.as_ref().or(self.start_screen.as_ref())
        } else {
            self.start_screen.as_ref().or(self.scene.as_ref())
        }
    }

    /// The code of the last refused input (`no_match`, `drop_cooldown`, ...), if any.
    pub fn last_refusal(&self) -> Option<Refusal> {
        self.session.as_ref()?.last_refusal
    }

    /// The player stops: no more inputs; `frame` reports ready once the board is at rest.
    pub fn stop(&mut self) {
        if let Some(session) = self.session.as_mut() {
            session.stop();
        }
    }

    /// The signed proof bytes of the finished session.
    pub fn finish(&self) -> Result<Vec<u8>, ClientError> {
        let session = self.session.as_ref().ok_or(ClientError::NoSession)?;
        Ok(session.finish(&self.key)?)
    }

    /// The board's place in the last frame, in CSS pixels: `[left, top, cell, rows, cols]` for
    /// match-3 (cell = cell size), `[left, top, scale, 0, 0]` for merge-drop (scale = pixels
    /// per world unit). For adapters that place native UI beside the board, and for tests.
    pub fn board_rect(&self) -> Option<[f32; 5]> {
        self.layout.map(|layout| {
            [
                layout.origin_x_px / layout.dpr,
                layout.origin_y_px / layout.dpr,
                layout.cell_px / layout.dpr,
                f32::from(layout.rows),
                f32::from(layout.cols),
            ]
        })
    }

    /// Bodies in a merge-drop session (benchmarks report it beside the frame time).
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

/// The HUD words (named by [`HUD_FIELDS`]) of `session` after a frame with `status`; the
/// renderer fills in `draw_calls`.
fn hud_words(session: &Session, status: u32) -> [u32; HUD_WORDS] {
    let game = &session.game;
    let (goal_current, goal_target) = progress(game, &session.level);
    let phase = game.phase();
    [
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
        crate::feedback::of_events(&session.frame_events),
        0,
    ]
}

/// The drawing buffer's size in device pixels and the pixel ratio, from what the host reports
/// (anything not finite or not positive taken as 1).
fn device_size(css_width: f32, css_height: f32, dpr: f32) -> (f32, f32, f32) {
    let sane = |value: f32| {
        if value.is_finite() && value > 0.0 {
            value
        } else {
            1.0
        }
    };
    let dpr = sane(dpr);
    let width_px = libm::roundf(sane(css_width).max(1.0) * dpr);
    let height_px = libm::roundf(sane(css_height).max(1.0) * dpr);
    (width_px, height_px, dpr)
}

/// How the session on the board ended: passed, or what its first unmet goal still lacked.
fn outcome(session: &Session) -> Outcome {
    let game = &session.game;
    let passed = game.phase() == Phase::Finished { passed: true };
    let short = if passed {
        None
    } else if let Some(match3) = game.match3() {
        match3.goals().find(|goal| !goal.met()).map(|goal| {
            let left = goal.target.saturating_sub(goal.current);
            match goal.goal {
                game_core::match3::Goal::Score(_) => Short::Points(left),
                game_core::match3::Goal::Collect(..) => Short::Pieces(left),
                game_core::match3::Goal::ClearJelly => Short::Jelly(left),
            }
        })
    } else {
        let target = match &session.level.game {
            game_core::LevelGame::MergeDrop(spec) => spec.stars[0],
            game_core::LevelGame::Match3(_) => 0,
        };
        let score = game.score();
        (score < target).then(|| Short::Points(target - score))
    };
    Outcome { passed, short }
}
