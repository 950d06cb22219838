// The mini-game adapter: WeChat (`wx`, `WXWebAssembly`), Alipay (`my`, `MYWebAssembly`) and
// Douyin (`tt`, `TTWebAssembly`). These runtimes are not browsers: no window, document, fetch or
// standard WebAssembly; the wasm is instantiated from a path inside the code package, and every
// platform service goes through the platform object. The differences between the three are data
// in PLATFORMS, not branches scattered through the code.

import { TOUCH } from '../index.js';
import { abiApi } from '../wasm/abi-client.js';
import { installTextCodec } from '../minigame/text-codec.js';
import { cueFile, cueFor } from '../cues.js';

/** What differs between the platforms. */
export const PLATFORMS = {
  wechat: {
    api: 'wx', wasm: 'WXWebAssembly', wasmPath: 'game.wasm.br',
    requestHeaders: 'header', responseStatus: 'statusCode',
    // WeChat asks for the buzz's strength (base library 2.13 and later).
    vibrateShort: { type: 'light' },
    // Package files by their path from the root; WebAudio underneath suits short, frequent
    // sounds (base library 2.19 and later; older ones ignore the option).
    audioRoot: '', innerAudio: { useWebAudioImplement: true },
    // Local storage: `getStorageSync(key)` answers the value, `setStorageSync(key, data)`.
    storage: 'positional',
    // `showLoading({ title })`; Alipay names it `content`.
    loadingText: 'title',
  },
  alipay: {
    // MYWebAssembly takes an absolute package path.
    api: 'my', wasm: 'MYWebAssembly', wasmPath: '/game.wasm.br',
    requestHeaders: 'headers', responseStatus: 'status',
    vibrateShort: {},
    audioRoot: '/', innerAudio: undefined,
    // `getStorageSync({ key })` answers `{ data }`; `setStorageSync({ key, data })`.
    storage: 'object',
    loadingText: 'content',
  },
  douyin: {
    api: 'tt', wasm: 'TTWebAssembly', wasmPath: 'game.wasm.br',
    requestHeaders: 'header', responseStatus: 'statusCode',
    vibrateShort: {},
    audioRoot: '', innerAudio: undefined,
    storage: 'positional',
    loadingText: 'title',
  },
};

/**
 * The loading indicator's word, by the system language. The only words the shim holds: they
 * show while the wasm, and with it the game's string table, is still compiling.
 */
const LOADING_WORDS = { zh: '加载中', en: 'Loading' };

/** Buzzes closer together than this are dropped: a cascade should feel like one. */
const VIBRATE_INTERVAL_MS_MIN = 120;

const TOUCH_EVENTS = [
  ['TouchStart', TOUCH.down], ['TouchMove', TOUCH.move], ['TouchEnd', TOUCH.up], ['TouchCancel', TOUCH.cancel],
];

/** Copies any ArrayBuffer view (from any realm) into a fresh ArrayBuffer the platform accepts. */
function arrayBufferOf(bytes) {
  if (ArrayBuffer.isView(bytes)) {
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  return bytes;
}

function textOf(data, decoder) {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  if (ArrayBuffer.isView(data) || Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    return decoder.decode(data);
  }
  return JSON.stringify(data);
}

/**
 * Plays the cues' files (rendered into the package by the build, `sounds/*.wav`) through the
 * platform's inner audio contexts: one context per cue, made at its first use and kept, so a
 * cascade replays a loaded sound instead of loading it again. A cue whose file fails is
 * dropped after its first error: the game goes on silent rather than retrying every frame.
 */
function cuePlayer(api, spec) {
  const contexts = new Map();
  const failed = new Set();
  let played = 0;
  const contextFor = (name) => {
    let context = contexts.get(name);
    if (context === undefined) {
      context = spec.innerAudio === undefined ? api.createInnerAudioContext() : api.createInnerAudioContext({ ...spec.innerAudio });
      context.src = `${spec.audioRoot}${cueFile(name)}`;
      context.onError?.(() => {
        failed.add(name);
        context.destroy?.();
      });
      contexts.set(name, context);
    }
    return context;
  };
  return {
    play(names) {
      if (typeof api.createInnerAudioContext !== 'function') return;
      const cue = cueFor(names);
      if (cue === undefined || failed.has(cue[0])) return;
      const context = contextFor(cue[0]);
      // From the start, even when the last play of this cue has not ended.
      context.stop?.();
      context.play();
      played += 1;
    },
    stats: () => ({ cuesPlayed: played, failed: [...failed] }),
  };
}

/**
 * `platform`: a key of PLATFORMS; `global`: the runtime's global object (GameGlobal);
 * `api`/`webAssembly`: the platform objects, found on `global` when not given.
 */
export function minigameAdapter({ platform, global, api, webAssembly }) {
  const spec = PLATFORMS[platform];
  if (!spec) throw new Error(`unknown mini-game platform ${platform}`);
  // Before anything decodes text from the wasm: devices lack TextEncoder/TextDecoder.
  const codec = installTextCodec(global);
  const { TextEncoder: Encoder, TextDecoder: Decoder } = global;
  const decoder = new Decoder('utf-8');
  api = api ?? global[spec.api];
  webAssembly = webAssembly ?? global[spec.wasm];
  if (!api) throw new Error(`${spec.api} is missing: this is not a ${platform} mini-game runtime`);
  if (!webAssembly) throw new Error(`${spec.wasm} is missing: this ${platform} version cannot run WebAssembly`);

  let screenCanvas = null;
  let textCanvas = null;
  let lastVibrationMs = -Infinity;
  const sound = cuePlayer(api, spec);
  const windowInfo = () => (typeof api.getWindowInfo === 'function' ? api.getWindowInfo() : api.getSystemInfoSync());

  /** The safe area in CSS pixels, falling back to the whole window where it is not reported. */
  const safeArea = () => {
    const info = windowInfo();
    const width = info.windowWidth;
    const height = info.windowHeight;
    const area = info.safeArea;
    if (!area || !(area.width > 0) || !(area.height > 0)) {
      return { x: 0, y: 0, width, height, canvasWidth: width, canvasHeight: height, dpr: info.pixelRatio || 1 };
    }
    const x = Math.max(0, area.left);
    const y = Math.max(0, area.top);
    return {
      x, y,
      width: Math.min(area.width, width - x),
      height: Math.min(area.height, height - y),
      canvasWidth: width,
      canvasHeight: height,
      dpr: info.pixelRatio || 1,
    };
  };
  let area = safeArea();

  const frameApi = () => {
    if (typeof global.requestAnimationFrame === 'function') {
      return [global.requestAnimationFrame.bind(global), global.cancelAnimationFrame.bind(global)];
    }
    const canvas = adapter.canvas();
    return [canvas.requestAnimationFrame.bind(canvas), canvas.cancelAnimationFrame.bind(canvas)];
  };

  const adapter = {
    platform,
    platformApi: api,
    textCodec: codec,

    /** Instantiates the package's wasm by path (the only way these runtimes allow). */
    async loadWasm() {
      const result = await webAssembly.instantiate(spec.wasmPath, {});
      const instance = result.instance ?? result;
      return abiApi(instance.exports, { viewport: () => area, TextEncoder: Encoder, TextDecoder: Decoder });
    },

    /** The first canvas a mini-game creates is the one on screen. */
    canvas() {
      if (!screenCanvas) screenCanvas = api.createCanvas();
      return screenCanvas;
    },

    /** The game is laid out in the safe area (clear of notches and the home indicator). */
    canvasSize() {
      area = safeArea();
      return { cssWidth: area.width, cssHeight: area.height, dpr: area.dpr };
    },

    safeArea: () => ({ ...area }),

    /** The system language (`zh_CN`, `en`, …); the wasm picks Chinese unless it says English. */
    language() {
      const info = typeof api.getAppBaseInfo === 'function' ? api.getAppBaseInfo() : api.getSystemInfoSync();
      return info?.language ?? '';
    },

    /**
     * Plays the game's feedback (`names`: the flags the wasm set this frame): the cue's sound
     * from the package, a short buzz for clears and specials, a long one for a win. The
     * player's settings (`{ sound, vibration }`) turn either off.
     */
    feedback(names, settings = {}) {
      if (settings.sound !== false) sound.play(names);
      if (settings.vibration === false) return;
      const now = Date.now();
      const buzz = names.has('win') ? 'vibrateLong' : (names.has('clear') || names.has('special') ? 'vibrateShort' : null);
      if (buzz === null || typeof api[buzz] !== 'function' || now - lastVibrationMs < VIBRATE_INTERVAL_MS_MIN) return;
      lastVibrationMs = now;
      api[buzz](buzz === 'vibrateShort' ? { ...spec.vibrateShort } : {});
    },

    /** How many cues played and which failed to load; for tests. */
    sound: () => sound.stats(),

    /**
     * The platform's loading indicator, shown while the wasm compiles (nothing can be drawn on
     * the canvas before it); `hideLoading` once the first screen is drawn. Best effort: a
     * runtime without one shows a blank canvas for that moment.
     */
    showLoading() {
      if (typeof api.showLoading !== 'function') return;
      const english = /^en/i.test(adapter.language());
      try {
        api.showLoading({ [spec.loadingText]: english ? LOADING_WORDS.en : LOADING_WORDS.zh });
      } catch {
        // No indicator: the canvas stays blank while the wasm compiles.
      }
    },

    hideLoading() {
      if (typeof api.hideLoading !== 'function') return;
      try {
        api.hideLoading();
      } catch {
        // Already gone.
      }
    },

    /**
     * A value kept on the device under `key` (the player's settings), or null when none was
     * kept or storage fails: a game without its settings starts with the defaults.
     */
    loadValue(key) {
      try {
        const value = spec.storage === 'object' ? api.getStorageSync({ key })?.data : api.getStorageSync(key);
        return value === undefined || value === '' ? null : value;
      } catch {
        return null;
      }
    },

    /** Keeps `value` on the device under `key`; a failure loses only the setting. */
    saveValue(key, value) {
      try {
        if (spec.storage === 'object') api.setStorageSync({ key, data: value });
        else api.setStorageSync(key, value);
      } catch {
        // Storage full or unavailable: the setting applies to this run only.
      }
    },

    /** Every canvas after the first is off screen: the text texture is drawn on one, kept. */
    textCanvas() {
      adapter.canvas();
      if (!textCanvas) textCanvas = api.createCanvas();
      return textCanvas;
    },

    /** Entropy from the platform's random API (asynchronous on every platform). */
    randomBytes(count) {
      const source = typeof api.getRandomValues === 'function'
        ? api
        : (typeof api.getUserCryptoManager === 'function' ? api.getUserCryptoManager() : null);
      if (source && typeof source.getRandomValues === 'function') {
        return new Promise((resolve, reject) => {
          source.getRandomValues({
            length: count,
            success: (result) => {
              const bytes = new Uint8Array(arrayBufferOf(result.randomValues));
              if (bytes.length !== count) reject(new Error(`${spec.api}.getRandomValues gave ${bytes.length} bytes, not ${count}`));
              else resolve(bytes);
            },
            fail: (error) => reject(new Error(`${spec.api}.getRandomValues failed: ${error?.errMsg ?? error?.errorMessage ?? error}`)),
          });
        });
      }
      if (global.crypto && typeof global.crypto.getRandomValues === 'function') {
        return Promise.resolve(global.crypto.getRandomValues(new Uint8Array(count)));
      }
      return Promise.reject(new Error(`this ${platform} runtime offers no secure random source`));
    },

    /** Touches as the platform reports them, in CSS pixels from the safe area's corner. */
    onPointer(callback) {
      const handlers = TOUCH_EVENTS.map(([name, kind]) => {
        const handler = (event) => {
          const touches = event.changedTouches ?? event.touches ?? [];
          for (let index = 0; index < touches.length; index += 1) {
            const touch = touches[index];
            const x = touch.clientX ?? touch.pageX ?? touch.x;
            const y = touch.clientY ?? touch.pageY ?? touch.y;
            callback(kind, touch.identifier, x - area.x, y - area.y);
          }
        };
        api[`on${name}`](handler);
        return [name, handler];
      });
      return () => {
        for (const [name, handler] of handlers) api[`off${name}`]?.(handler);
      };
    },

    requestFrame: (callback) => frameApi()[0](callback),
    cancelFrame: (handle) => frameApi()[1](handle),

    onVisibility(callback) {
      const show = () => callback(true);
      const hide = () => callback(false);
      api.onShow(show);
      api.onHide(hide);
      return () => {
        api.offShow?.(show);
        api.offHide?.(hide);
      };
    },

    /** HTTP through the platform's request API; the body arrives as text and is parsed here. */
    request(method, url, { headers, body }) {
      return new Promise((resolve, reject) => {
        const settle = (result) => {
          const status = result[spec.responseStatus];
          let json = null;
          try {
            const text = textOf(result.data, decoder);
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status, json });
        };
        api.request({
          url,
          method,
          [spec.requestHeaders]: headers ?? {},
          data: body === undefined ? undefined : (typeof body === 'string' ? body : arrayBufferOf(body)),
          dataType: 'text',
          responseType: 'text',
          success: settle,
          fail: (error) => {
            // Some platforms report an HTTP error status through `fail`; that is an answer.
            if (error && typeof error[spec.responseStatus] === 'number') settle(error);
            else reject(new Error(error?.errMsg ?? error?.errorMessage ?? 'request failed'));
          },
        });
      });
    },

    /** UTF-8 bytes to text, with the codec the adapter installed. */
    decodeText: (bytes) => decoder.decode(bytes),

    /** A package file's bytes (levels, theme). */
    readFile(path) {
      const fs = api.getFileSystemManager();
      const result = fs.readFileSync(path);
      // WeChat and Douyin answer the ArrayBuffer itself; Alipay `{ data }`.
      return typeof result.byteLength === 'number' ? result : result.data;
    },

    showMessage(kind, text) {
      const title = kind === 'error' ? 'Error' : 'PlayProof';
      if (typeof api.showModal === 'function') api.showModal({ title, content: text, showCancel: false });
      else if (typeof api.alert === 'function') api.alert({ title, content: text });
    },

    clearMessage() {},
  };
  return adapter;
}
