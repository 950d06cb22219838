import type { PlatformAdapter } from '../index.js';

export type MinigamePlatform = 'wechat' | 'alipay' | 'douyin';

export interface MinigameAdapterOptions {
  platform: MinigamePlatform;
  /** The runtime's global object (`GameGlobal`; `$global` on some Alipay versions). */
  global: Record<string, unknown>;
  /** The platform object (`wx`, `my`, `tt`); read from `global` when omitted. */
  api?: unknown;
  /** `WXWebAssembly`, `MYWebAssembly` or `TTWebAssembly`; read from `global` when omitted. */
  webAssembly?: { instantiate(path: string, imports: object): Promise<unknown> };
}

/** The safe area and the canvas, in CSS pixels. */
export interface SafeArea {
  x: number;
  y: number;
  width: number;
  height: number;
  canvasWidth: number;
  canvasHeight: number;
  dpr: number;
}

export interface MinigameAdapter extends PlatformAdapter {
  platform: MinigamePlatform;
  platformApi: unknown;
  /** Whether TextEncoder/TextDecoder were the runtime's own or the shim's polyfill. */
  textCodec: { encoder: 'native' | 'polyfill'; decoder: 'native' | 'polyfill' };
  safeArea(): SafeArea;
  decodeText(bytes: ArrayBuffer | ArrayBufferView): string;
  /** A file of the code package, e.g. `levels/m3-01-first-steps.json`. */
  readFile(path: string): ArrayBuffer;
  /** The platform's loading indicator while the wasm compiles, and its end. */
  showLoading(): void;
  hideLoading(): void;
  /** A value kept on the device under `key`, or null. */
  loadValue(key: string): unknown;
  /** Keeps `value` on the device under `key` (failures lose only the setting). */
  saveValue(key: string, value: unknown): void;
  /** Cues played so far, and those whose file failed to load (dropped since). */
  sound(): { cuesPlayed: number; failed: string[] };
}

export function minigameAdapter(options: MinigameAdapterOptions): MinigameAdapter;
