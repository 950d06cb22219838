// A mini-game runtime without a phone: a Node `vm` context that exposes only what WeChat,
// Alipay and Douyin mini-game runtimes give a game on a device. There is the platform object
// (wx / my / tt), the global object (GameGlobal, or $global on Alipay), CommonJS `require` over
// the package's files, the platform's WebAssembly that instantiates only from a path inside the
// package, timers and animation frames, and console. There is no standard WebAssembly, window,
// document, fetch, TextEncoder or TextDecoder.
//
// Platform services are real where it matters:
// - request does real HTTP to the backend;
// - getRandomValues draws from the OS;
// - the file system reads the package folder.
// WebGL is the recording stand-in. Touches are injected by the test through `touch()`.

import { readFileSync, existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, normalize, dirname, posix } from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';

import { Canvas2dStandIn } from './canvas2d-standin.mjs';
import { WebGlStandIn } from './webgl-standin.mjs';

const FRAME_MS = 1000 / 60;

/** The device: an iPhone-sized portrait screen with a notch and a home indicator. */
export const DEVICE = {
  windowWidth: 375,
  windowHeight: 812,
  pixelRatio: 3,
  safeArea: { left: 0, right: 375, top: 47, bottom: 778, width: 375, height: 731 },
  // The system language, as getSystemInfoSync reports it on WeChat, Alipay and Douyin.
  language: 'zh_CN',
};

/** The largest canvas side the runtime accepts, in pixels (a texture must fit WebGL's limit). */
const CANVAS_SIDE_MAX = 4096;

/** Per platform: names of the objects and the shapes of their APIs. */
export const PLATFORMS = {
  wechat: { api: 'wx', wasm: 'WXWebAssembly', global: 'GameGlobal', requestHeaders: 'header', responseStatus: 'statusCode', absoluteWasmPath: false },
  alipay: { api: 'my', wasm: 'MYWebAssembly', global: '$global', requestHeaders: 'headers', responseStatus: 'status', absoluteWasmPath: true, storageObjects: true },
  douyin: { api: 'tt', wasm: 'TTWebAssembly', global: 'GameGlobal', requestHeaders: 'header', responseStatus: 'statusCode', absoluteWasmPath: false },
};

/** Sample rates the containers decode (Douyin's list; WeChat and Alipay take these too). */
const AUDIO_SAMPLE_RATES = [8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000];

/**
 * Why a package audio file would not play, or null: the runtime's decoders take WAV as
 * RIFF/WAVE PCM at a listed rate (the only format the game ships).
 */
function audioProblem(bytes) {
  if (bytes.length < 44) return 'shorter than a WAV header';
  const text = (at) => bytes.toString('latin1', at, at + 4);
  if (text(0) !== 'RIFF' || text(8) !== 'WAVE' || text(12) !== 'fmt ' || text(36) !== 'data') return 'not a RIFF/WAVE file';
  if (bytes.readUInt32LE(4) !== bytes.length - 8) return `RIFF size ${bytes.readUInt32LE(4)} is not the file's ${bytes.length - 8}`;
  if (bytes.readUInt16LE(20) !== 1) return 'not PCM';
  const rate = bytes.readUInt32LE(24);
  if (!AUDIO_SAMPLE_RATES.includes(rate)) return `sample rate ${rate} Hz is not one the runtime decodes`;
  const channels = bytes.readUInt16LE(22);
  const bits = bytes.readUInt16LE(34);
  if (bytes.readUInt32LE(28) !== rate * channels * (bits / 8)) return 'byte rate disagrees with rate, channels and bits';
  if (bytes.readUInt32LE(40) !== bytes.length - 44) return 'data size disagrees with the file';
  return null;
}

/** Fails loudly inside the game: the error propagates into the game's promise chain. */
function misuse(message) {
  throw new Error(`mini-game runtime: ${message}`);
}

/** A package path ('a/b', '/a/b'; never '..', './' or outside the package) to a file path. */
function packageFile(root, path, { absolute = false } = {}) {
  if (typeof path !== 'string' || path.length === 0) misuse(`a package path must be a non-empty string, got ${typeof path}`);
  if (absolute && !path.startsWith('/')) misuse(`this platform needs an absolute package path, got ${path}`);
  if (path.startsWith('./') || path.split('/').includes('..')) misuse(`package paths may not use ./ or ..: ${path}`);
  const file = join(root, normalize(path.replace(/^\/+/, '')));
  if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) misuse(`no file ${path} in the package`);
  return file;
}

/**
 * Creates the runtime for `platform` over the project folder `root`. Returns `{ context, run,
 * touch, show, hide, gl, messages, requests, vibrations, sounds, audioErrors, storage, loading,
 * merchantTransfer, canvasCount }`.
 */
export function createRuntime(options) {
  const { platform, root } = options;
  const spec = PLATFORMS[platform];
  const messages = [];
  const requests = [];
  const vibrations = [];
  // Every play of a package sound: `{ src, file, atMs }`; and every load error the runtime reported.
  const sounds = [];
  const audioErrors = [];
  // Every show and hide of the platform's loading indicator, in order.
  const loading = [];
  // The device's local storage, kept across launches when the test passes the same map.
  const storage = options.storage ?? new Map();
  const touchHandlers = { TouchStart: new Set(), TouchMove: new Set(), TouchEnd: new Set(), TouchCancel: new Set() };
  const lifecycle = { Show: new Set(), Hide: new Set() };
  const state = { gl: null, canvases: 0, hidden: false };
  /** WeChat's confirmation pages shown, and how the player answers the next (true: confirms). */
  const merchantTransfer = { calls: [], answer: () => false };

  const sandbox = {};
  const context = vm.createContext(sandbox, { name: `${platform} mini-game` });
  // A fresh V8 context brings the ECMAScript built-ins, WebAssembly among them: remove it.
  vm.runInContext('delete globalThis.WebAssembly;', context);
  const global = vm.runInContext('globalThis', context);
  global[spec.global] = global;

  const makeCanvas = () => {
    const onScreen = state.canvases === 0;
    state.canvases += 1;
    let context2d = null;
    let size = [onScreen ? DEVICE.windowWidth * DEVICE.pixelRatio : 300, onScreen ? DEVICE.windowHeight * DEVICE.pixelRatio : 150];
    const dimension = (index, name) => ({
      get: () => size[index],
      set: (value) => {
        if (!Number.isInteger(value) || value < 1 || value > CANVAS_SIDE_MAX) misuse(`canvas ${name} ${value} is not an integer in 1..${CANVAS_SIDE_MAX}`);
        size[index] = value;
        canvas.texts.length = 0; // resizing a canvas clears it
      },
    });
    const canvas = {
      texts: [],
      drawnWith2d: false,
      getContext(kind, attributes) {
        if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null)) misuse('context attributes must be an object');
        if (kind === '2d') {
          // Off-screen canvases offer a 2D context (the shim rasterises its labels there); the
          // on-screen one is the game's WebGL canvas.
          if (onScreen) misuse('the on-screen canvas is WebGL; draw 2D on an off-screen one');
          context2d ??= new Canvas2dStandIn(canvas);
          canvas.drawnWith2d = true;
          return context2d;
        }
        if (kind !== 'webgl' && kind !== 'webgl2') misuse(`getContext(${kind}) is not offered`);
        if (!onScreen) misuse('the game drew into an off-screen canvas: the first createCanvas() is the one on screen');
        if (!state.gl) state.gl = new WebGlStandIn(canvas, kind === 'webgl2' ? 2 : 1);
        return state.gl;
      },
    };
    Object.defineProperty(canvas, 'width', { ...dimension(0, 'width'), enumerable: true });
    Object.defineProperty(canvas, 'height', { ...dimension(1, 'height'), enumerable: true });
    return canvas;
  };

  const api = {
    createCanvas: makeCanvas,
    getSystemInfoSync: () => ({ ...DEVICE, safeArea: { ...DEVICE.safeArea }, screenWidth: DEVICE.windowWidth, screenHeight: DEVICE.windowHeight, platform: 'ios' }),
    getWindowInfo: () => ({ ...DEVICE, safeArea: { ...DEVICE.safeArea }, screenWidth: DEVICE.windowWidth, screenHeight: DEVICE.windowHeight }),
    onShow: (handler) => lifecycle.Show.add(handler),
    offShow: (handler) => lifecycle.Show.delete(handler),
    onHide: (handler) => lifecycle.Hide.add(handler),
    offHide: (handler) => lifecycle.Hide.delete(handler),
    /** A short buzz. WeChat requires its strength (`type`) since base library 2.13. */
    vibrateShort(options) {
      if (typeof options !== 'object' || options === null) misuse('vibrateShort takes an options object');
      if (platform === 'wechat' && !['heavy', 'medium', 'light'].includes(options.type)) misuse(`vibrateShort: type ${options.type} is not heavy, medium or light`);
      vibrations.push({ kind: 'short', type: options.type ?? null, atMs: performance.now() });
      options.success?.({});
    },
    vibrateLong(options) {
      if (typeof options !== 'object' || options === null) misuse('vibrateLong takes an options object');
      vibrations.push({ kind: 'long', type: null, atMs: performance.now() });
      options.success?.({});
    },
    /**
     * An inner audio context: `src` is a package file (absolute on Alipay, from the root
     * elsewhere); a file the decoders refuse reports through `onError`, as devices do.
     */
    createInnerAudioContext(options) {
      if (options !== undefined && (typeof options !== 'object' || options === null)) misuse('createInnerAudioContext takes an options object or nothing');
      if (options !== undefined && platform !== 'wechat') misuse(`${spec.api}.createInnerAudioContext takes no options`);
      const errorHandlers = new Set();
      let src = '';
      let file = null;
      let destroyed = false;
      const fail = (errMsg) => {
        audioErrors.push({ src, errMsg });
        setTimeout(() => { for (const handler of errorHandlers) handler({ errMsg, errCode: 10004 }); }, 0);
      };
      return {
        get src() { return src; },
        set src(value) {
          if (destroyed) misuse('src set on a destroyed audio context');
          src = value;
          file = packageFile(root, value, { absolute: spec.absoluteWasmPath });
          const problem = audioProblem(readFileSync(file));
          if (problem) fail(`${value}: ${problem}`);
        },
        play() {
          if (destroyed) misuse('play on a destroyed audio context');
          if (!src) misuse('play before src was set');
          sounds.push({ src, file, atMs: performance.now() });
        },
        stop() {},
        pause() {},
        destroy() { destroyed = true; },
        onError: (handler) => errorHandlers.add(handler),
        offError: (handler) => errorHandlers.delete(handler),
      };
    },
    /** The loading indicator: WeChat and Douyin take `{ title }`, Alipay `{ content }`. */
    showLoading(options) {
      const field = spec.storageObjects ? 'content' : 'title';
      if (typeof options !== 'object' || options === null || typeof options[field] !== 'string' || options[field] === '') {
        misuse(`${spec.api}.showLoading takes { ${field}: text }`);
      }
      loading.push({ shown: options[field], atMs: performance.now() });
    },
    hideLoading() {
      loading.push({ hidden: true, atMs: performance.now() });
    },
    /** Local storage, in each platform's shape (Alipay takes and answers objects). */
    getStorageSync(argument) {
      if (spec.storageObjects) {
        if (typeof argument !== 'object' || argument === null || typeof argument.key !== 'string') misuse('my.getStorageSync takes { key }');
        return { data: storage.get(argument.key) };
      }
      if (typeof argument !== 'string') misuse(`${spec.api}.getStorageSync takes a key string`);
      return storage.has(argument) ? storage.get(argument) : '';
    },
    setStorageSync(argument, data) {
      if (spec.storageObjects) {
        if (typeof argument !== 'object' || argument === null || typeof argument.key !== 'string') misuse('my.setStorageSync takes { key, data }');
        storage.set(argument.key, argument.data);
        return;
      }
      if (typeof argument !== 'string') misuse(`${spec.api}.setStorageSync takes a key string and data`);
      storage.set(argument, data);
    },
    getRandomValues({ length, success, fail }) {
      if (!Number.isInteger(length) || length <= 0 || length > 1_048_576) {
        setTimeout(() => fail?.({ errMsg: 'getRandomValues:fail invalid length' }), 0);
        return;
      }
      const bytes = randomBytes(length);
      setTimeout(() => success({ randomValues: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + length) }), 0);
    },
    getFileSystemManager: () => ({
      readFileSync(path, encoding) {
        const bytes = readFileSync(packageFile(root, path));
        if (encoding !== undefined) return bytes.toString(encoding);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      },
    }),
    request(options) {
      const { url, method = 'GET', data, success, fail } = options;
      const headers = options[spec.requestHeaders] ?? {};
      const wrongHeaders = spec.requestHeaders === 'header' ? 'headers' : 'header';
      if (options[wrongHeaders] !== undefined) misuse(`request: this platform takes "${spec.requestHeaders}", not "${wrongHeaders}"`);
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) misuse(`request: bad url ${url}`);
      let body;
      if (data !== undefined) {
        const tag = Object.prototype.toString.call(data);
        if (typeof data === 'string') body = data;
        else if (tag === '[object ArrayBuffer]') body = Buffer.from(new Uint8Array(data));
        else if (ArrayBuffer.isView(data)) misuse('request: data must be a string, object or ArrayBuffer, not a typed array');
        else body = JSON.stringify(data);
      }
      const record = { method, url, headers: { ...headers }, body: body === undefined ? null : Buffer.from(body) };
      requests.push(record);
      fetch(url, { method, headers, body })
        .then(async (response) => {
          const text = await response.text();
          const responseHeaders = Object.fromEntries(response.headers.entries());
          let payload = text;
          if (options.dataType === 'json') {
            try { payload = JSON.parse(text); } catch { payload = text; }
          }
          record.status = response.status;
          record.response = text;
          success?.({ [spec.responseStatus]: response.status, data: payload, [spec.requestHeaders]: responseHeaders });
        })
        .catch((error) => fail?.({ errMsg: `request:fail ${error.message}`, errorMessage: error.message }));
      return { abort() {} };
    },
    showModal: (options) => messages.push({ title: options.title, content: options.content }),
    // WeChat's confirmation page of a merchant transfer (商家转账, user-confirmation mode): the
    // test plays the player through `merchantTransfer.answer`; by default the player closes it.
    ...(platform === 'wechat' ? {
      requestMerchantTransfer(options) {
        for (const name of ['mchId', 'appId', 'package']) {
          if (typeof options?.[name] !== 'string' || options[name] === '') misuse(`requestMerchantTransfer: ${name} must be a non-empty string`);
        }
        merchantTransfer.calls.push({ mchId: options.mchId, appId: options.appId, package: options.package });
        Promise.resolve(merchantTransfer.answer(options)).then((confirmed) => {
          if (confirmed) options.success?.({ errMsg: 'requestMerchantTransfer:ok' });
          else options.fail?.({ errMsg: 'requestMerchantTransfer:fail cancel' });
        });
      },
    } : {}),
    login: ({ success }) => setTimeout(() => success({ code: `code-${randomBytes(4).toString('hex')}` }), 0),
  };
  for (const name of Object.keys(touchHandlers)) {
    api[`on${name}`] = (handler) => touchHandlers[name].add(handler);
    api[`off${name}`] = (handler) => (handler ? touchHandlers[name].delete(handler) : touchHandlers[name].clear());
  }
  global[spec.api] = api;

  global[spec.wasm] = {
    instantiate(path, imports) {
      if (typeof path !== 'string') misuse(`${spec.wasm}.instantiate takes a package path, not ${Object.prototype.toString.call(path)}`);
      if (!/\.wasm(\.br)?$/.test(path)) misuse(`${spec.wasm}.instantiate: ${path} is not a .wasm or .wasm.br file`);
      const file = packageFile(root, path, { absolute: spec.absoluteWasmPath });
      let bytes = readFileSync(file);
      if (path.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
      const module = new WebAssembly.Module(bytes);
      const globals = WebAssembly.Module.exports(module).filter((entry) => entry.kind === 'global');
      if (globals.length > 0) misuse(`the module exports globals (${globals.map((entry) => entry.name)}), which iOS refuses`);
      return WebAssembly.instantiate(module, imports ?? {}).then((instance) => ({ module, instance }));
    },
  };

  // Timers and frames run in real time: the backend checks that game time never outruns it.
  global.setTimeout = (callback, ms, ...args) => setTimeout(callback, ms, ...args);
  global.clearTimeout = (handle) => clearTimeout(handle);
  global.setInterval = (callback, ms, ...args) => setInterval(callback, ms, ...args);
  global.clearInterval = (handle) => clearInterval(handle);
  global.requestAnimationFrame = (callback) => setTimeout(() => {
    if (!state.hidden) callback(performance.now());
  }, FRAME_MS);
  global.cancelAnimationFrame = (handle) => clearTimeout(handle);
  global.console = console;

  /** CommonJS over the package: relative paths from the requiring file, `.js` optional. */
  const cache = new Map();
  const requireFrom = (fromDir) => (specifier) => {
    if (typeof specifier !== 'string' || specifier.startsWith('/')) misuse(`require takes a relative path, got ${specifier}`);
    let relative = posix.normalize(posix.join(fromDir, specifier));
    if (!relative.endsWith('.js')) relative += '.js';
    if (relative.startsWith('..')) misuse(`require outside the package: ${specifier}`);
    if (cache.has(relative)) return cache.get(relative).exports;
    const file = packageFile(root, relative);
    const module = { exports: {} };
    cache.set(relative, module);
    const wrapper = vm.runInContext(`(function (module, exports, require) {\n${readFileSync(file, 'utf8')}\n})`, context, { filename: file });
    wrapper.call(module.exports, module, module.exports, requireFrom(posix.dirname(relative)));
    return module.exports;
  };
  global.require = requireFrom('.');

  const touch = (kind, points) => {
    const name = { down: 'TouchStart', move: 'TouchMove', up: 'TouchEnd', cancel: 'TouchCancel' }[kind];
    const changed = points.map(([identifier, x, y]) => ({ identifier, clientX: x, clientY: y, pageX: x, pageY: y, force: 1 }));
    const event = { touches: kind === 'up' || kind === 'cancel' ? [] : changed, changedTouches: changed, timeStamp: performance.now() };
    for (const handler of touchHandlers[name]) handler(event);
  };

  return {
    context,
    global,
    /** Runs the package's game.js as the runtime would at launch. */
    run: () => global.require('./game.js'),
    touch,
    hide: () => { state.hidden = true; for (const handler of lifecycle.Hide) handler({}); },
    show: () => { state.hidden = false; for (const handler of lifecycle.Show) handler({ scene: 1001, query: {} }); },
    gl: () => state.gl,
    messages,
    requests,
    vibrations,
    sounds,
    audioErrors,
    storage,
    loading,
    merchantTransfer,
    canvasCount: () => state.canvases,
    dirname,
  };
}
