import type { PlatformAdapter } from '../index.js';

export interface BrowserAdapterOptions {
  canvas: HTMLCanvasElement;
  /** URL of wasm-bindgen's `game_wasm.js` (`--target web`). */
  glueUrl: string;
  /** URL of `game_wasm_bg.wasm`; the glue's default (beside the glue) when omitted. */
  wasmUrl?: string;
  /** An element over the canvas where errors are shown to the player. */
  overlay?: HTMLElement;
}

export function browserAdapter(options: BrowserAdapterOptions): PlatformAdapter;
