// The browser adapter: ES-module glue from wasm-bindgen, a DOM canvas, pointer events, the
// page's animation frames and visibility, fetch, crypto.getRandomValues, and an overlay for
// messages. Mini-game adapters implement the same interface (see ../index.d.ts).

import { TOUCH } from '../index.js';

/**
 * `canvas`: the <canvas>; `glueUrl`: wasm-bindgen's `game_wasm.js`; `overlay`: an element over
 * the canvas for messages (optional).
 */
export function browserAdapter({ canvas, glueUrl, wasmUrl, overlay }) {
  let textCanvas = null;
  return {
    async loadWasm() {
      const glue = await import(glueUrl);
      const exports = await glue.default(wasmUrl === undefined ? undefined : { module_or_path: wasmUrl });
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
