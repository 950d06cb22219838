// The browser adapter: ES-module glue from wasm-bindgen, a DOM canvas, pointer events, the
// page's animation frames and visibility, fetch, crypto.getRandomValues, and an overlay for
// messages. Mini-game adapters implement the same interface (see ../index.d.ts).

import { TOUCH } from '../index.js';
import { CUE_FADE_FLOOR, CUE_GAIN, cueFor } from '../cues.js';

/** Buzzes closer together than this are dropped: a cascade should feel like one. */
const VIBRATE_INTERVAL_MS_MIN = 120;
const VIBRATE_MS = 12;

/**
 * The wasm's bytes from `url`, `onProgress(share)` called as they arrive (share of `bytes`, the
 * unpacked size the build recorded). Falls back to one call at the end where the body cannot
 * be streamed.
 */
async function fetchWithProgress(url, bytes, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (!response.body?.getReader || !(bytes > 0)) {
    const whole = new Uint8Array(await response.arrayBuffer());
    onProgress(1);
    return whole;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(Math.min(received / bytes, 1));
  }
  const whole = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  onProgress(1);
  return whole;
}

/**
 * `canvas`: the <canvas>; `glueUrl`: wasm-bindgen's `game_wasm.js`; `overlay`: an element over
 * the canvas for messages (optional); `wasmBytes` and `onLoadProgress(share)`: the wasm's
 * unpacked size and where its download's progress goes (optional; without them the glue
 * fetches the wasm itself).
 */
export function browserAdapter({ canvas, glueUrl, wasmUrl, overlay, wasmBytes, onLoadProgress }) {
  let textCanvas = null;
  // Browsers let a page make sound only after a tap: the audio context is made at the first
  // one, so the game is silent until then.
  let audio = null;
  let lastVibrationMs = -Infinity;
  let cuesPlayed = 0;
  const unlockAudio = () => {
    if (audio === null && typeof AudioContext === 'function') {
      try {
        audio = new AudioContext();
      } catch {
        audio = undefined; // no audio device: the game stays silent
      }
    }
    if (audio?.state === 'suspended') audio.resume();
  };
  const play = (notes) => {
    const start = audio.currentTime;
    for (const [frequency, at, length] of notes) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'triangle';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(CUE_GAIN, start + at);
      gain.gain.exponentialRampToValueAtTime(CUE_FADE_FLOOR, start + at + length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + at);
      oscillator.stop(start + at + length);
    }
  };
  return {
    async loadWasm() {
      const [glue, bytes] = await Promise.all([
        import(glueUrl),
        wasmUrl !== undefined && onLoadProgress ? fetchWithProgress(wasmUrl, wasmBytes, onLoadProgress) : undefined,
      ]);
      const source = bytes ?? wasmUrl;
      const exports = await glue.default(source === undefined ? undefined : { module_or_path: source });
      return { api: glue, memory: exports.memory };
    },

    canvas() {
      return canvas;
    },

    canvasSize() {
      const rect = canvas.getBoundingClientRect();
      return { cssWidth: rect.width, cssHeight: rect.height, dpr: window.devicePixelRatio || 1 };
    },

    /** The player's language tag; the wasm picks Chinese unless it says English. */
    language() {
      return navigator.language ?? '';
    },

    /** A canvas off screen for the text texture (never shown; WebGL copies it), kept. */
    textCanvas() {
      textCanvas ??= typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
      return textCanvas;
    },

    randomBytes(count) {
      const bytes = new Uint8Array(count);
      crypto.getRandomValues(bytes);
      return bytes;
    },

    /** Pointer events cover mouse, pen and every finger of a multi-touch screen. */
    onPointer(callback) {
      const at = (event) => {
        const rect = canvas.getBoundingClientRect();
        return [event.clientX - rect.left, event.clientY - rect.top];
      };
      const handlers = {
        pointerdown: (event) => {
          unlockAudio();
          canvas.setPointerCapture?.(event.pointerId);
          callback(TOUCH.down, event.pointerId, ...at(event));
          event.preventDefault();
        },
        pointermove: (event) => callback(TOUCH.move, event.pointerId, ...at(event)),
        pointerup: (event) => callback(TOUCH.up, event.pointerId, ...at(event)),
        pointercancel: (event) => callback(TOUCH.cancel, event.pointerId, ...at(event)),
        lostpointercapture: (event) => callback(TOUCH.cancel, event.pointerId, ...at(event)),
      };
      for (const [name, handler] of Object.entries(handlers)) canvas.addEventListener(name, handler);
      // Keep the browser from scrolling or zooming under the finger.
      canvas.style.touchAction = 'none';
      return () => {
        for (const [name, handler] of Object.entries(handlers)) canvas.removeEventListener(name, handler);
      };
    },

    /**
     * The game's feedback (the flags the wasm set this frame): a sound, and a buzz on phones,
     * each unless the player's settings (`{ sound, vibration }`) turned it off.
     */
    feedback(names, settings = {}) {
      const now = performance.now();
      if (settings.vibration !== false && (names.has('clear') || names.has('special')) && navigator.vibrate && now - lastVibrationMs >= VIBRATE_INTERVAL_MS_MIN) {
        lastVibrationMs = now;
        navigator.vibrate(VIBRATE_MS);
      }
      if (settings.sound === false || !audio || audio.state !== 'running') return;
      const cue = cueFor(names);
      if (cue) {
        play(cue[1]);
        cuesPlayed += 1;
      }
    },

    /** Whether sound is on (after the first tap), and how many cues played; for tests. */
    sound: () => ({ on: audio?.state === 'running', cuesPlayed }),

    requestFrame: (callback) => requestAnimationFrame(callback),
    cancelFrame: (handle) => cancelAnimationFrame(handle),

    onVisibility(callback) {
      const handler = () => callback(document.visibilityState !== 'hidden');
      document.addEventListener('visibilitychange', handler);
      return () => document.removeEventListener('visibilitychange', handler);
    },

    async request(method, url, { headers, body }) {
      const response = await fetch(url, { method, headers, body });
      const text = await response.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: response.status, json };
    },

    showMessage(kind, text) {
      if (!overlay) return;
      overlay.textContent = text;
      overlay.dataset.kind = kind;
      overlay.hidden = false;
    },

    clearMessage() {
      if (overlay) overlay.hidden = true;
    },
  };
}
