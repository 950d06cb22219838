// game-wasm's glue-free C ABI (`play_abi.rs`) wrapped in the same API the browser build's
// wasm-bindgen glue offers, so GameSession drives either without knowing which it has. Used
// where the glue cannot run: mini-game containers instantiate the module by package path and
// have no fetch, no ES modules and (on devices) no TextDecoder until the shim installs one.
//
// Every byte crossing the boundary is copied through buffers from `pp_alloc`; results come back
// in the wasm's out buffer. Views over linear memory are made fresh for each use, because memory
// growth detaches the old ArrayBuffer.

import { WebGlRenderer } from '../render/webgl.js';

const TEXT = {
  hudFields: 0, statusFlags: 1, vertexShader: 2, fragmentShader: 3, attributes: 4, feedbackFlags: 5,
  requestKinds: 6, dataKinds: 7, settingBits: 8,
};
const RENDER_BLOCK_WORDS = 8;

/** The exports this wrapper calls; a module without one of them is not a game-wasm build. */
export const REQUIRED_EXPORTS = [
  'memory', 'pp_alloc', 'pp_free', 'pp_api_version', 'pp_rules_version', 'pp_text_ptr',
  'pp_text_len', 'pp_out_ptr', 'pp_out_len', 'pp_client_new', 'pp_start', 'pp_start_practice',
  'pp_start_unticketed', 'pp_is_practice', 'pp_set_theme', 'pp_touch_buffer_ptr',
  'pp_touch_capacity', 'pp_hud_ptr', 'pp_hud_len', 'pp_render_ptr', 'pp_instance_floats',
  'pp_instances_max', 'pp_frame', 'pp_stop', 'pp_finish', 'pp_last_refusal', 'pp_board_rect',
  'pp_body_count', 'pp_check_level', 'pp_panic_message_ptr', 'pp_panic_message_len',
  'pp_set_language', 'pp_text_generation', 'pp_text_atlas', 'pp_frame_start', 'pp_resumed',
  'pp_frame_screen', 'pp_screen_data', 'pp_set_settings', 'pp_game_failed', 'pp_rekey',
  'pp_screen_name', 'pp_buttons', 'pp_settings_bits', 'pp_away',
];

/**
 * `exports`: the instance's exports. `options.viewport()`: the drawing rectangle within the
 * canvas (see WebGlRenderer); absent, the whole canvas. `options.TextEncoder`/`TextDecoder`:
 * the codec to use (the adapter passes the ones it made sure exist); absent, the globals.
 * Returns `{ api, memory }` like the browser adapter's `loadWasm`.
 */
export function abiApi(exports, options = {}) {
  const { viewport } = options;
  const Encoder = options.TextEncoder ?? TextEncoder;
  const Decoder = options.TextDecoder ?? TextDecoder;
  for (const name of REQUIRED_EXPORTS) {
    if (!(name in exports)) throw new Error(`the wasm module lacks the export ${name}`);
  }
  const memory = exports.memory;
  const decoder = new Decoder('utf-8');
  const encoder = new Encoder();

  const bytesAt = (pointer, length) => new Uint8Array(memory.buffer, pointer, length).slice();
  const out = () => bytesAt(exports.pp_out_ptr(), exports.pp_out_len());
  const text = (which) => decoder.decode(bytesAt(exports.pp_text_ptr(which), exports.pp_text_len(which)));

  /** A wasm trap: the panic message the module left, if any. */
  const trapped = (error) => {
    const length = exports.pp_panic_message_len();
    if (length === 0) return error;
    const message = decoder.decode(bytesAt(exports.pp_panic_message_ptr(), length));
    return new Error(`game-wasm stopped: ${message}`);
  };

  /** Calls `f(pointer, length)…` with each byte argument copied into wasm memory. */
  const withBytes = (byteArgs, f) => {
    const buffers = byteArgs.map((bytes) => {
      const view = typeof bytes === 'string' ? encoder.encode(bytes) : new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, bytes.byteLength);
      const pointer = view.length === 0 ? 0 : exports.pp_alloc(view.length);
      if (view.length > 0) new Uint8Array(memory.buffer, pointer, view.length).set(view);
      return [pointer, view.length];
    });
    try {
      return f(...buffers.flat());
    } catch (error) {
      throw trapped(error);
    } finally {
      for (const [pointer, length] of buffers) if (length > 0) exports.pp_free(pointer, length);
    }
  };

  /** A negative status is an error whose message is in the out buffer. */
  const check = (status) => {
    if (status < 0) throw new Error(decoder.decode(out()));
    return status;
  };
  const call = (f) => {
    try {
      return f();
    } catch (error) {
      throw trapped(error);
    }
  };

  const attributes = new Map(text(TEXT.attributes).split(',').map((pair) => {
    const [location, name] = pair.split(':');
    return [name, Number(location)];
  }));
  const program = {
    vertexShader: text(TEXT.vertexShader),
    fragmentShader: text(TEXT.fragmentShader),
    attributes,
    instanceFloats: exports.pp_instance_floats(),
    instancesMax: exports.pp_instances_max(),
  };

  /** A u64 seed (BigInt, or a Number up to 2^53) as the two u32 halves the ABI takes. */
  const seedHalves = (seed) => {
    if (typeof seed === 'bigint') {
      const value = BigInt.asUintN(64, seed);
      return [Number(value & BigInt(0xffffffff)), Number(value >> BigInt(32))];
    }
    return [seed % 0x100000000, Math.floor(seed / 0x100000000)];
  };

  class Client {
    /** A new session key from 32 bytes of entropy; replaces the instance's previous client. */
    constructor(entropy) {
      withBytes([entropy], (pointer, length) => check(exports.pp_client_new(pointer, length)));
      this.publicKey = out();
      this.renderer = null;
    }

    publicKeyHex() {
      return Array.from(this.publicKey, (byte) => byte.toString(16).padStart(2, '0')).join('');
    }

    start(ticket, level) {
      withBytes([ticket, level], (...args) => check(exports.pp_start(...args)));
    }

    startPractice(level, seed) {
      withBytes([level], (pointer, length) => check(exports.pp_start_practice(pointer, length, ...seedHalves(seed))));
    }

    startUnticketed(level, seed) {
      withBytes([level], (pointer, length) => check(exports.pp_start_unticketed(pointer, length, ...seedHalves(seed))));
    }

    isPractice() {
      return exports.pp_is_practice() === 1;
    }

    attach(canvas, themeJson, preserveDrawingBuffer) {
      withBytes([themeJson], (pointer, length) => check(exports.pp_set_theme(pointer, length)));
      this.renderer = new WebGlRenderer(canvas, program, { preserveDrawingBuffer, viewport });
    }

    touchBufferPtr() {
      return exports.pp_touch_buffer_ptr();
    }

    touchCapacity() {
      return exports.pp_touch_capacity();
    }

    hudPtr() {
      return exports.pp_hud_ptr();
    }

    isWebgl2() {
      return this.renderer?.webgl2 ?? false;
    }

    frame(dtS, touchCount, cssWidth, cssHeight, dpr, draw) {
      const status = check(call(() => exports.pp_frame(dtS, touchCount, cssWidth, cssHeight, dpr)));
      if (draw) this.draw(dpr);
      return status;
    }

    /** One frame of the start screen (no session needed; attach first). */
    frameStart(dtS, cssWidth, cssHeight, dpr) {
      check(call(() => exports.pp_frame_start(dtS, cssWidth, cssHeight, dpr)));
      this.draw(dpr);
    }

    /** One frame of the flow's screen; returns the request word (see `requestKinds`). */
    frameScreen(dtS, touchCount, cssWidth, cssHeight, dpr) {
      const request = check(call(() => exports.pp_frame_screen(dtS, touchCount, cssWidth, cssHeight, dpr)));
      this.draw(dpr);
      return request;
    }

    screenData(kind, bytes) {
      withBytes([bytes], (pointer, length) => check(exports.pp_screen_data(kind, pointer, length)));
    }

    screenName() {
      call(() => exports.pp_screen_name());
      return decoder.decode(out());
    }

    buttons() {
      call(() => exports.pp_buttons());
      return decoder.decode(out());
    }

    settingsBits() {
      return exports.pp_settings_bits();
    }

    setSettings(bits) {
      check(exports.pp_set_settings(bits));
    }

    away(seconds) {
      check(exports.pp_away(seconds));
    }

    gameFailed() {
      check(exports.pp_game_failed());
    }

    rekey(entropy) {
      withBytes([entropy], (pointer, length) => check(exports.pp_rekey(pointer, length)));
      this.publicKey = out();
    }

    /** Draws what the render block describes. */
    draw(dpr) {
      if (!this.renderer) return;
      const block = exports.pp_render_ptr();
      const words = new Uint32Array(memory.buffer, block, RENDER_BLOCK_WORDS);
      const floats = new Float32Array(memory.buffer, block, RENDER_BLOCK_WORDS);
      this.renderer.draw({
        widthPx: words[0],
        heightPx: words[1],
        instances: new Float32Array(memory.buffer, words[2], words[3] * program.instanceFloats),
        timeS: floats[4],
        background: [floats[5], floats[6], floats[7]],
        dpr: Number.isFinite(dpr) && dpr > 0 ? dpr : 1,
        textGeneration: exports.pp_text_generation(),
      });
    }

    resumed() {
      exports.pp_resumed();
    }

    setLanguage(tag) {
      withBytes([tag], (pointer, length) => exports.pp_set_language(pointer, length));
    }

    textGeneration() {
      return exports.pp_text_generation();
    }

    textAtlas() {
      call(() => exports.pp_text_atlas());
      return decoder.decode(out());
    }

    /** The canvas drawn from `textAtlas()` (sized to the atlas) for `generation`. */
    uploadText(canvas, generation) {
      this.renderer?.uploadText(canvas, { generation, width: canvas.width, height: canvas.height });
    }

    lastRefusal() {
      const length = exports.pp_last_refusal();
      return length === 0 ? null : decoder.decode(out());
    }

    stop() {
      exports.pp_stop();
    }

    finish() {
      check(call(() => exports.pp_finish()));
      return out();
    }

    boardRect() {
      const count = exports.pp_board_rect();
      const bytes = out();
      return Array.from(new Float32Array(bytes.buffer, 0, count));
    }

    bodyCount() {
      return exports.pp_body_count();
    }
  }

  const api = {
    Client,
    abiVersion: () => exports.pp_api_version(),
    rulesVersion: () => exports.pp_rules_version(),
    hudFields: () => text(TEXT.hudFields),
    statusFlags: () => text(TEXT.statusFlags),
    feedbackFlags: () => text(TEXT.feedbackFlags),
    requestKinds: () => text(TEXT.requestKinds),
    dataKinds: () => text(TEXT.dataKinds),
    settingBits: () => text(TEXT.settingBits),
    checkLevel: (bytes) => {
      const count = withBytes([bytes], (pointer, length) => exports.pp_check_level(pointer, length));
      return count === 0 ? [] : decoder.decode(out()).split('\n');
    },
  };
  return { api, memory };
}
