//! The playable game over a plain C ABI, for hosts without wasm-bindgen glue: mini-game
//! containers instantiate the module by package path and call these exports directly
//! (host-shim's `src/wasm/abi-client.js` wraps them in the same API as the browser build).
//!
//! The surface uses only `i32`/`u32`/`f32`/`f64` (no `i64`, which needs BigInt support in the
//! host's wasm API). One module instance runs one [`Client`] at a time.
//!
//! - Fallible calls return a status: `>= 0` is success (for [`pp_frame`], the status flags),
//!   `< 0` is one of the `ERROR_*` codes, with a UTF-8 message in the out buffer.
//! - Byte results (public key, proof, messages, board rectangle) go to the out buffer, read at
//!   [`pp_out_ptr`]/[`pp_out_len`] until the next call.
//! - Input bytes are written by the host into buffers from `pp_alloc` (see `replay_abi`).
//! - Per frame: touches into the buffer at [`pp_touch_buffer_ptr`], one [`pp_frame`] call, then
//!   the HUD words at [`pp_hud_ptr`] and the render block at [`pp_render_ptr`] ([`RenderBlock`]),
//!   which points at the instance list the host draws with the shaders from [`pp_text_ptr`].

use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::client::{Client, ClientError, API_VERSION, HUD_FIELDS, HUD_WORDS, TOUCHES_MAX};
use crate::host_cell::HostCell;
use crate::scene::{INSTANCES_MAX, INSTANCE_FLOATS};
use crate::session::SessionError;
use crate::shaders;

pub const ERROR_ENTROPY: i32 = -1;
pub const ERROR_TICKET: i32 = -2;
pub const ERROR_LEVEL: i32 = -3;
pub const ERROR_THEME: i32 = -4;
pub const ERROR_NO_SESSION: i32 = -5;
pub const ERROR_NO_THEME: i32 = -6;
pub const ERROR_NOT_READY: i32 = -7;
pub const ERROR_PRACTICE: i32 = -8;
pub const ERROR_PROOF: i32 = -9;
pub const ERROR_NO_CLIENT: i32 = -10;
pub const ERROR_DATA: i32 = -11;

/// Texts the host asks for by number through [`pp_text_ptr`]/[`pp_text_len`].
pub const TEXT_HUD_FIELDS: u32 = 0;
pub const TEXT_STATUS_FLAGS: u32 = 1;
pub const TEXT_VERTEX_SHADER: u32 = 2;
pub const TEXT_FRAGMENT_SHADER: u32 = 3;
/// `location:name` pairs, comma-separated, bound before linking.
pub const TEXT_ATTRIBUTES: u32 = 4;
/// The HUD word `feedback`'s flags, `name:bit` pairs.
pub const TEXT_FEEDBACK_FLAGS: u32 = 5;
/// The screens' request kinds, data kinds and setting bits, `name:number` pairs (`flow.rs`).
pub const TEXT_REQUEST_KINDS: u32 = 6;
pub const TEXT_DATA_KINDS: u32 = 7;
pub const TEXT_SETTING_BITS: u32 = 8;

/// What the host's renderer needs each frame, at [`pp_render_ptr`]; 8 little-endian words.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct RenderBlock {
    /// The drawing buffer's size in device pixels.
    pub width_px: u32,
    pub height_px: u32,
    /// Linear-memory address of the instance floats (`scene::INSTANCE_FLOATS` per instance).
    pub instances_ptr: u32,
    pub instance_count: u32,
    /// Seconds of animation time (the shader's `u_time`).
    pub time_s: f32,
    /// The clear colour, straight RGB.
    pub background: [f32; 3],
}

const _: () = assert!(core::mem::size_of::<RenderBlock>() == 32);

struct State {
    client: Option<Client>,
    out: Vec<u8>,
    render: RenderBlock,
    texts: [Vec<u8>; 9],
}

static STATE: HostCell<State> = HostCell::new(State {
    client: None,
    out: Vec::new(),
    render: RenderBlock {
        width_px: 0,
        height_px: 0,
        instances_ptr: 0,
        instance_count: 0,
        time_s: 0.0,
        background: [0.0; 3],
    },
    texts: [
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    ],
});

fn error_code(error: &ClientError) -> i32 {
    match error {
        ClientError::EntropyLength(_) | ClientError::EntropyNotRandom => ERROR_ENTROPY,
        ClientError::Session(SessionError::NotReady) => ERROR_NOT_READY,
        ClientError::Session(SessionError::Practice) => ERROR_PRACTICE,
        ClientError::Session(SessionError::BadLevel(_)) | ClientError::Level(_) => ERROR_LEVEL,
        ClientError::Session(
            SessionError::ReplayDisagrees { .. }
            | SessionError::Replay(_)
            | SessionError::Encode(_),
        ) => ERROR_PROOF,
        ClientError::Session(_) => ERROR_TICKET,
        ClientError::Theme(_) => ERROR_THEME,
        ClientError::NoSession => ERROR_NO_SESSION,
        ClientError::NoTheme => ERROR_NO_THEME,
        ClientError::Data(_) => ERROR_DATA,
        // Ghost replays start from screen data, which never reports these; were it to, the
        // host is told there is no game.
        ClientError::Watch(_) | ClientError::NoWatch => ERROR_NO_SESSION,
    }
}

impl State {
    /// Runs `call` on the client, turning an error into its code with the message in `out`.
    fn client_call(&mut self, call: impl FnOnce(&mut Client) -> Result<i32, ClientError>) -> i32 {
        let Some(client) = self.client.as_mut() else {
            self.out.clear();
            self.out
                .extend_from_slice(b"no client: call pp_client_new first");
            return ERROR_NO_CLIENT;
        };
        match call(client) {
            Ok(status) => status,
            Err(error) => {
                self.out.clear();
                self.out.extend_from_slice(error.to_string().as_bytes());
                error_code(&error)
            }
        }
    }
}

/// # Safety
/// `pointer`/`len` must describe readable memory (e.g. from `pp_alloc`), or `len` be 0.
unsafe fn bytes<'a>(pointer: *const u8, len: u32) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees the range is readable.
    unsafe { core::slice::from_raw_parts(pointer, len as usize) }
}

#[no_mangle]
pub extern "C" fn pp_api_version() -> u32 {
    API_VERSION
}

#[no_mangle]
pub extern "C" fn pp_rules_version() -> u32 {
    u32::from(game_core::RULES_VERSION)
}

fn text(which: u32) -> Option<Vec<u8>> {
    let mut text = alloc::string::String::new();
    match which {
        TEXT_HUD_FIELDS => text.push_str(&HUD_FIELDS.join(",")),
        TEXT_STATUS_FLAGS => text.push_str(&crate::session::status_flags()),
        TEXT_FEEDBACK_FLAGS => text.push_str(&crate::feedback::flag_names()),
        TEXT_REQUEST_KINDS => text.push_str(crate::flow::REQUEST_KINDS),
        TEXT_DATA_KINDS => text.push_str(crate::flow::DATA_KINDS),
        TEXT_SETTING_BITS => text.push_str(crate::flow::SETTING_BITS),
        TEXT_VERTEX_SHADER => text.push_str(shaders::VERTEX_SHADER),
        TEXT_FRAGMENT_SHADER => text.push_str(shaders::FRAGMENT_SHADER),
        TEXT_ATTRIBUTES => {
            for (index, (location, name)) in shaders::ATTRIBUTES.iter().enumerate() {
                let separator = if index == 0 { "" } else { "," };
                let _ = write!(text, "{separator}{location}:{name}");
            }
        }
        _ => return None,
    }
    Some(text.into_bytes())
}

/// Text `which`, made on first use and kept (the address must stay valid for the host).
fn with_text<R>(which: u32, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    STATE.with(|state| {
        let slot = state.texts.get_mut(which as usize)?;
        if slot.is_empty() {
            *slot = text(which)?;
        }
        Some(f(slot))
    })
}

/// Address of text `which` (`TEXT_*`), UTF-8, or 0 for an unknown number.
#[no_mangle]
pub extern "C" fn pp_text_ptr(which: u32) -> *const u8 {
    with_text(which, <[u8]>::as_ptr).unwrap_or(core::ptr::null())
}

#[no_mangle]
pub extern "C" fn pp_text_len(which: u32) -> u32 {
    with_text(which, |text| text.len() as u32).unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn pp_out_ptr() -> *const u8 {
    STATE.with(|state| state.out.as_ptr())
}

#[no_mangle]
pub extern "C" fn pp_out_len() -> u32 {
    STATE.with(|state| state.out.len() as u32)
}

/// A new client (replacing any previous one) whose session key comes from `entropy`; the
/// public key's 32 bytes are left in the out buffer.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_client_new(entropy: *const u8, entropy_len: u32) -> i32 {
    // SAFETY: forwarded from the caller.
    let entropy = unsafe { bytes(entropy, entropy_len) };
    STATE.with(|state| match Client::new(entropy) {
        Ok(client) => {
            state.out.clear();
            state.out.extend_from_slice(&client.public_key());
            state.client = Some(client);
            0
        }
        Err(error) => {
            state.out.clear();
            state.out.extend_from_slice(error.to_string().as_bytes());
            error_code(&error)
        }
    })
}

/// Starts the session `ticket` grants on `level` (the level file's exact bytes).
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_start(
    ticket: *const u8,
    ticket_len: u32,
    level: *const u8,
    level_len: u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let (ticket, level) = unsafe { (bytes(ticket, ticket_len), bytes(level, level_len)) };
    STATE.with(|state| state.client_call(|client| client.start(ticket, level).map(|()| 0)))
}

/// Designer practice with seed `seed_high << 32 | seed_low`: no ticket, no proof.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_start_practice(
    level: *const u8,
    level_len: u32,
    seed_low: u32,
    seed_high: u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let level = unsafe { bytes(level, level_len) };
    let seed = u64::from(seed_high) << 32 | u64::from(seed_low);
    STATE.with(|state| state.client_call(|client| client.start_practice(level, seed).map(|()| 0)))
}

/// Benchmarks only: a session with no ticket, whose proof no server accepts.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_start_unticketed(
    level: *const u8,
    level_len: u32,
    seed_low: u32,
    seed_high: u32,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let level = unsafe { bytes(level, level_len) };
    let seed = u64::from(seed_high) << 32 | u64::from(seed_low);
    STATE.with(|state| state.client_call(|client| client.start_unticketed(level, seed).map(|()| 0)))
}

/// 1 when the current session is practice (no proof, no payout), else 0.
#[no_mangle]
pub extern "C" fn pp_is_practice() -> u32 {
    STATE.with(|state| u32::from(state.client.as_ref().is_some_and(Client::is_practice)))
}

/// Sets the theme (`assets/themes/*.json`, UTF-8) the scene is coloured with.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_set_theme(theme: *const u8, theme_len: u32) -> i32 {
    // SAFETY: forwarded from the caller.
    let theme = unsafe { bytes(theme, theme_len) };
    STATE.with(|state| {
        state.client_call(|client| {
            let text = core::str::from_utf8(theme).map_err(|_| {
                ClientError::Theme(serde::de::Error::custom("the theme is not UTF-8"))
            })?;
            client.set_theme(text).map(|()| 0)
        })
    })
}

/// The touch buffer: [`pp_touch_capacity`] touches of 4 `f32` (kind, pointer id, x, y).
#[no_mangle]
pub extern "C" fn pp_touch_buffer_ptr() -> *const f32 {
    STATE.with(|state| {
        state
            .client
            .as_ref()
            .map_or(core::ptr::null(), Client::touch_buffer)
    })
}

#[no_mangle]
pub extern "C" fn pp_touch_capacity() -> u32 {
    TOUCHES_MAX as u32
}

/// The HUD: [`pp_hud_len`] `u32` words named by text `TEXT_HUD_FIELDS`.
#[no_mangle]
pub extern "C" fn pp_hud_ptr() -> *const u32 {
    STATE.with(|state| {
        state
            .client
            .as_ref()
            .map_or(core::ptr::null(), |client| client.hud().as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn pp_hud_len() -> u32 {
    HUD_WORDS as u32
}

/// The [`RenderBlock`] of the last frame.
#[no_mangle]
pub extern "C" fn pp_render_ptr() -> *const RenderBlock {
    STATE.with(|state| &raw const state.render)
}

#[no_mangle]
pub extern "C" fn pp_instance_floats() -> u32 {
    INSTANCE_FLOATS as u32
}

/// Instances a frame may hold: the host sizes its GPU buffer once for this many.
#[no_mangle]
pub extern "C" fn pp_instances_max() -> u32 {
    INSTANCES_MAX as u32
}

/// The player's language from the platform's tag (UTF-8, e.g. `zh_CN`): Simplified Chinese
/// unless it says English.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_set_language(tag: *const u8, tag_len: u32) {
    // SAFETY: forwarded from the caller.
    let tag = unsafe { bytes(tag, tag_len) };
    STATE.with(|state| {
        if let Some(client) = state.client.as_mut() {
            client.set_language(core::str::from_utf8(tag).unwrap_or(""));
        }
    });
}

/// The app is back after being hidden: the game shows that it resumes.
#[no_mangle]
pub extern "C" fn pp_resumed() {
    STATE.with(|state| {
        if let Some(client) = state.client.as_mut() {
            client.resumed();
        }
    });
}

/// The text atlas's generation (`text::TextAtlas::generation`): when it moves, the host draws
/// [`pp_text_atlas`]'s rows and uploads them as the text texture.
#[no_mangle]
pub extern "C" fn pp_text_generation() -> u32 {
    STATE.with(|state| {
        state
            .client
            .as_ref()
            .map_or(0, |client| client.text().generation())
    })
}

/// The text atlas as JSON (`text::TextAtlas::describe_json`) into the out buffer; returns its
/// length.
#[no_mangle]
pub extern "C" fn pp_text_atlas() -> i32 {
    STATE.with(|state| {
        let json = state
            .client
            .as_ref()
            .map(|client| client.text().describe_json(client.lang()))
            .unwrap_or_default();
        state.out = json.into_bytes();
        state.out.len() as i32
    })
}

/// One frame of the start screen (see `client::Client::frame_start`; no session needed):
/// returns 0 or an error code; the render block then describes it.
#[no_mangle]
pub extern "C" fn pp_frame_start(dt_s: f64, css_width: f32, css_height: f32, dpr: f32) -> i32 {
    STATE.with(|state| {
        let mut render = RenderBlock::default();
        let status = state.client_call(|client| {
            let output = client.frame_start(dt_s, css_width, css_height, dpr)?;
            render = render_block(client, output)?;
            Ok(0)
        });
        state.render = render;
        status
    })
}

/// One frame of the flow's screen (see `client::Client::frame_screen`): the touches in the
/// buffer act on it; returns the request word (`>= 0`, `flow::Request::word`) or an error
/// code; the render block then describes the frame.
#[no_mangle]
pub extern "C" fn pp_frame_screen(
    dt_s: f64,
    touch_count: u32,
    css_width: f32,
    css_height: f32,
    dpr: f32,
) -> i32 {
    STATE.with(|state| {
        let mut render = RenderBlock::default();
        let status = state.client_call(|client| {
            let (output, request) =
                client.frame_screen(dt_s, touch_count, css_width, css_height, dpr)?;
            render = render_block(client, output)?;
            // A level index is below 2^16, so the word fits an i32.
            Ok(request as i32)
        });
        state.render = render;
        status
    })
}

/// Data for the screens, by kind (`flow::DATA_KINDS`); returns 0 or [`ERROR_DATA`] with the
/// reason in the out buffer.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_screen_data(kind: u32, data: *const u8, data_len: u32) -> i32 {
    // SAFETY: forwarded from the caller.
    let data = unsafe { bytes(data, data_len) };
    STATE.with(|state| state.client_call(|client| client.screen_data(kind, data).map(|()| 0)))
}

/// The player's settings as the host kept them (`flow::SETTING_BITS`).
#[no_mangle]
pub extern "C" fn pp_set_settings(bits: u32) -> i32 {
    STATE.with(|state| {
        state.client_call(|client| {
            client.set_settings(bits);
            Ok(0)
        })
    })
}

/// The player's settings now (`flow::SETTING_BITS`), 0 without a client.
#[no_mangle]
pub extern "C" fn pp_settings_bits() -> u32 {
    STATE.with(|state| state.client.as_ref().map_or(0, Client::settings_bits))
}

/// The app was hidden for `seconds` (a long pause counts as a rest from play).
#[no_mangle]
pub extern "C" fn pp_away(seconds: f32) -> i32 {
    STATE.with(|state| {
        state.client_call(|client| {
            client.away(seconds);
            Ok(0)
        })
    })
}

/// The game could not be played or verified: the screens go back to the level's intro.
#[no_mangle]
pub extern "C" fn pp_game_failed() -> i32 {
    STATE.with(|state| {
        state.client_call(|client| {
            client.game_failed();
            Ok(0)
        })
    })
}

/// A fresh session key from `entropy` (32 bytes) for the next ticket; its public half goes to
/// the out buffer.
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_rekey(entropy: *const u8, entropy_len: u32) -> i32 {
    // SAFETY: forwarded from the caller.
    let entropy = unsafe { bytes(entropy, entropy_len) };
    STATE.with(|state| {
        let mut public_key = [0; 32];
        let status = state.client_call(|client| {
            client.rekey(entropy)?;
            public_key = client.public_key();
            Ok(0)
        });
        if status == 0 {
            state.out.clear();
            state.out.extend_from_slice(&public_key);
        }
        status
    })
}

/// The screen on show, by name, into the out buffer; returns its length.
#[no_mangle]
pub extern "C" fn pp_screen_name() -> i32 {
    STATE.with(|state| {
        let name = state
            .client
            .as_ref()
            .map_or("", |client| client.screen_name());
        state.out.clear();
        state.out.extend_from_slice(name.as_bytes());
        state.out.len() as i32
    })
}

/// The screen's buttons as JSON (`client::Client::buttons_json`) into the out buffer; returns
/// its length.
#[no_mangle]
pub extern "C" fn pp_buttons() -> i32 {
    STATE.with(|state| {
        let json = state
            .client
            .as_ref()
            .map(Client::buttons_json)
            .unwrap_or_default();
        state.out = json.into_bytes();
        state.out.len() as i32
    })
}

/// The render block of the frame `output` describes.
fn render_block(
    client: &mut Client,
    output: crate::client::FrameOutput,
) -> Result<RenderBlock, ClientError> {
    let scene = client.scene().ok_or(ClientError::NoSession)?;
    let theme = client.theme().ok_or(ClientError::NoTheme)?;
    let count = scene.instance_count() as u32;
    let render = RenderBlock {
        width_px: output.width_px,
        height_px: output.height_px,
        instances_ptr: scene.instances.as_ptr() as u32,
        instance_count: count,
        time_s: scene.time_s,
        background: [
            theme.background[0],
            theme.background[1],
            theme.background[2],
        ],
    };
    client.set_draw_calls(u32::from(count > 0));
    Ok(render)
}

/// One frame (see `client::Client::frame`): returns the status flags or an error code. The
/// render block then describes one instanced draw of the scene, which the HUD's `draw_calls`
/// word counts.
#[no_mangle]
pub extern "C" fn pp_frame(
    dt_s: f64,
    touch_count: u32,
    css_width: f32,
    css_height: f32,
    dpr: f32,
) -> i32 {
    STATE.with(|state| {
        let mut render = RenderBlock::default();
        let status = state.client_call(|client| {
            let output = client.frame(dt_s, touch_count, css_width, css_height, dpr)?;
            render = render_block(client, output)?;
            Ok(output.status as i32)
        });
        state.render = render;
        status
    })
}

/// The player stops: no more inputs; `pp_frame` reports ready once the board is at rest.
#[no_mangle]
pub extern "C" fn pp_stop() {
    STATE.with(|state| {
        if let Some(client) = state.client.as_mut() {
            client.stop();
        }
    });
}

/// Signs the finished session's proof into the out buffer; returns its length.
#[no_mangle]
pub extern "C" fn pp_finish() -> i32 {
    STATE.with(|state| {
        let mut proof = Vec::new();
        let status = state.client_call(|client| {
            proof = client.finish()?;
            Ok(proof.len() as i32)
        });
        if status >= 0 {
            state.out = proof;
        }
        status
    })
}

/// The last refused input's code (`no_match`, ...) into the out buffer; returns its length,
/// 0 when nothing was refused.
#[no_mangle]
pub extern "C" fn pp_last_refusal() -> i32 {
    STATE.with(|state| {
        let code = state
            .client
            .as_ref()
            .and_then(Client::last_refusal)
            .map_or("", |refusal| refusal.code());
        state.out.clear();
        state.out.extend_from_slice(code.as_bytes());
        code.len() as i32
    })
}

/// The board's place in the last frame (`client::Client::board_rect`) as 5 `f32` in the out
/// buffer; returns 5, or 0 before the first frame.
#[no_mangle]
pub extern "C" fn pp_board_rect() -> i32 {
    STATE.with(|state| {
        state.out.clear();
        let Some(rect) = state.client.as_ref().and_then(Client::board_rect) else {
            return 0;
        };
        for value in rect {
            state.out.extend_from_slice(&value.to_le_bytes());
        }
        rect.len() as i32
    })
}

/// Bodies in a merge-drop session.
#[no_mangle]
pub extern "C" fn pp_body_count() -> u32 {
    STATE.with(|state| state.client.as_ref().map_or(0, Client::body_count))
}

/// What is wrong with a level file, one problem per line in the out buffer; returns how many
/// (0: the level is valid).
///
/// # Safety
/// See [`bytes`].
#[no_mangle]
pub unsafe extern "C" fn pp_check_level(level: *const u8, level_len: u32) -> i32 {
    // SAFETY: forwarded from the caller.
    let level = unsafe { bytes(level, level_len) };
    let problems = crate::session::level_problems(level);
    STATE.with(|state| {
        state.out.clear();
        state.out.extend_from_slice(problems.join("\n").as_bytes());
    });
    problems.len() as i32
}
