// Types of the host shim. The shim is platform-neutral; a PlatformAdapter supplies the platform.

/** game-wasm's API version this shim speaks. */
export const SHIM_ABI_VERSION: number;

/** Pointer event kinds, as game-wasm numbers them. */
export const TOUCH: { readonly down: 0; readonly move: 1; readonly up: 2; readonly cancel: 3 };

export type PlayerErrorCode =
  | 'quiet_hours'
  | 'daily_play_limit'
  | 'offline' | 'ticket_expired' | 'proof_rejected' | 'already_submitted'
  | 'server' | 'unknown_level' | 'rate_limited' | 'client';

export const PLAYER_ERRORS: Readonly<Record<PlayerErrorCode, string>>;
/** Refusals by the operator's responsible-play rules, which the player's game says itself. */
export const REST_REFUSALS: ReadonlySet<PlayerErrorCode>;

/** A failure the player sees; `message` is the text shown. */
export class PlayerError extends Error {
  readonly code: PlayerErrorCode;
  /** The server's reason code (`ticket_expired`, `score_mismatch`, …) or a client-side code. */
  readonly reason: string | null;
  readonly detail: string | null;
}

/** The wasm-bindgen exports the shim uses (see game-wasm/src/web.rs). */
export interface GameWasmApi {
  abiVersion(): number;
  hudFields(): string;
  statusFlags(): string;
  /** The HUD word `feedback`'s flags as `name:bit` pairs. */
  feedbackFlags?(): string;
  /** The screens' request kinds, data kinds and setting bits as `name:number` pairs. */
  requestKinds(): string;
  dataKinds(): string;
  settingBits(): string;
  rulesVersion(): number;
  /** What is wrong with a level file, one line each; empty when it is valid. */
  checkLevel(levelBytes: Uint8Array): string[];
  /**
   * Browser build only (the designer page): the level's start as SVG text, as `playproof levels
   * render` draws it; throws an Error saying why there is no preview.
   */
  levelPreviewSvg?(levelBytes: Uint8Array, seed: bigint, themeJson: string): string;
  Client: new (entropy: Uint8Array) => GameClient;
}

export interface GameClient {
  publicKeyHex(): string;
  start(ticket: Uint8Array, level: Uint8Array): void;
  /** Local practice on any valid level file: no ticket, no proof, no payout. */
  startPractice(level: Uint8Array, seed: bigint): void;
  isPractice(): boolean;
  attach(canvas: unknown, themeJson: string, preserveDrawingBuffer: boolean): void;
  touchBufferPtr(): number;
  touchCapacity(): number;
  hudPtr(): number;
  frame(dtS: number, touchCount: number, cssWidth: number, cssHeight: number, dpr: number, draw: boolean): number;
  /** One frame of the start screen (browser API; no session needed, attach first). */
  frameStart?(dtS: number, cssWidth: number, cssHeight: number, dpr: number): void;
  /**
   * One frame of the player's screens (start, map, intro, result, wallet, settings): the
   * touches in the buffer act on it; returns the request word (kind in the low byte, named by
   * `requestKinds()`; the level index or setting bits above it), 0 for nothing to do.
   */
  frameScreen(dtS: number, touchCount: number, cssWidth: number, cssHeight: number, dpr: number): number;
  /** Data for the screens by kind (`dataKinds()`): the level list, the server's answers. */
  screenData(kind: number, bytes: Uint8Array): void;
  setSettings(bits: number): void;
  settingsBits(): number;
  /** The game could not be played or verified: back to the level's intro. */
  gameFailed(): void;
  /** The app was hidden for `seconds`: a long pause counts as a rest from play. */
  away?(seconds: number): void;
  /** A fresh session key (32 bytes of entropy) for the next ticket. */
  rekey(entropy: Uint8Array): void;
  /** start | map | intro | playing | result | wallet | settings */
  screenName(): string;
  /** JSON: [{ act, index, x, y, w, h }] in CSS pixels, the screen's buttons. */
  buttons(): string;
  /** The app is back after being hidden: the game shows a "resumed" banner for a moment. */
  resumed?(): void;
  /** The player's language from a platform tag (Chinese unless it says English). */
  setLanguage?(tag: string): void;
  /** Changes when the labels on screen change; then draw `textAtlas()` and `uploadText` it. */
  textGeneration?(): number;
  /** JSON: { generation, width, height, rows: [{ text, font_px, y, width, height, align }] }. */
  textAtlas?(): string;
  uploadText?(canvas: unknown, generation: number): void;
  stop(): void;
  finish(): Uint8Array;
  lastRefusal(): string | undefined;
  isWebgl2(): boolean;
}

export interface LoadedWasm {
  api: GameWasmApi;
  memory: WebAssembly.Memory;
}

export interface HttpResponse {
  status: number;
  json: any;
}

/** Everything platform-specific. One implementation per platform (browser, mini-game). */
export interface PlatformAdapter {
  /** Instantiates game-wasm the platform's way. */
  loadWasm(): Promise<LoadedWasm>;
  /** The on-screen canvas (a DOM canvas or a mini-game canvas). */
  canvas(): unknown;
  canvasSize(): { cssWidth: number; cssHeight: number; dpr: number };
  /**
   * Plays the game's feedback for one frame (`names`: the flags of the HUD word `feedback`
   * set, e.g. `clear`, `win`) through the platform's vibration and audio; optional.
   */
  feedback?(names: Set<string>, settings?: { sound?: boolean; vibration?: boolean }): void;
  /** The platform's language tag (`zh_CN`, `en-US`, …); optional. */
  language?(): string;
  /** A canvas with a 2D context, never shown, for the text texture; optional (no labels). */
  textCanvas?(): unknown;
  /** Cryptographically random bytes for the session key (mini-game APIs answer later). */
  randomBytes(count: number): Uint8Array | Promise<Uint8Array>;
  /** Subscribes to pointer events in CSS pixels from the canvas's corner; returns unsubscribe. */
  onPointer(callback: (kind: 0 | 1 | 2 | 3, pointerId: number, x: number, y: number) => void): () => void;
  requestFrame(callback: (timeMs: number) => void): unknown;
  cancelFrame(handle: unknown): void;
  /** Subscribes to the app being shown or hidden; returns unsubscribe. */
  onVisibility(callback: (visible: boolean) => void): () => void;
  /** One HTTP request; rejects only when the network is unreachable. */
  request(method: string, url: string, init: { headers: Record<string, string>; body?: string | Uint8Array }): Promise<HttpResponse>;
  showMessage(kind: 'error' | 'info' | 'receipt', text: string): void;
  clearMessage(): void;
}

export function loadWasm(adapter: PlatformAdapter): Promise<LoadedWasm>;

export interface TicketResponse {
  session_id: string;
  ticket_hex: string;
  ticket: Uint8Array;
  level_id: string;
  seed: string;
  expires_at_ms: number;
}

export interface ProofReceipt {
  verdict: string;
  session_id: string;
  level_id: string;
  score: number;
  stars: number;
  payout_fen: number;
  boost_fen: number;
  capped: boolean;
  balance_fen: number;
}

export class Backend {
  constructor(adapter: PlatformAdapter, options?: { baseUrl?: string; identity?: Record<string, string> });
  ticket(levelId: string, sessionPublicKeyHex: string): Promise<TicketResponse>;
  submitProof(proofBytes: Uint8Array): Promise<ProofReceipt>;
  balance(): Promise<{ player_id: string; balance_fen: number; [field: string]: unknown }>;
  playPolicy(): Promise<{ reminder_minutes: number; quiet_hours: Array<[string, string]>; daily_play_minutes: number | null }>;
  leaderboard(levelId: string): Promise<{ level_id: string; entries: Array<{ rank: number; name: string; score: number }>; you?: { rank: number; name: string; score: number } }>;
  /** A board entry's game for a ghost replay: the level file hashing to `level_hash`, `seed` and the log replay it. */
  leaderboardRun(levelId: string, rank: number): Promise<{ level_id: string; rank: number; name: string; score: number; level_hash: string; seed: string; rules_version: number; input_log_hex: string; ticks: number }>;
  history(): Promise<{ transfers: Array<Record<string, unknown>>; next_before: number | null }>;
  /** `GET /v1/levels`: what each level pays at most, a running boost, the player's best stars. */
  levelMap(): Promise<{ levels: Array<{ level_id: string; up_to_fen: number; boost_fen: number; sponsor: string | null; best_stars: number }> }>;
}

/** HUD words by name (game-wasm's `hudFields()`). */
export type Hud = Record<string, number>;

export interface GameSessionOptions {
  wasm: LoadedWasm;
  adapter: PlatformAdapter;
  backend: Backend;
  levelId: string;
  /** The level file's exact bytes (its SHA-256 must match the ticket). */
  levelBytes: Uint8Array;
  themeJson: string;
  onHud?: (hud: Hud, status: number) => void;
  preserveDrawingBuffer?: boolean;
  /** Local practice (designer mode): no ticket, no proof, no payout. */
  practice?: boolean;
  /** Play on this attached client (the player's screens' own), with a fresh session key. */
  client?: GameClient;
  /** Which feedback the player wants. */
  settings?: { sound?: boolean; vibration?: boolean };
  /** The game says the operator's rest refusals itself: no message is shown for them. */
  restInGame?: boolean;
}

/** What a practice game resolves to: the final HUD, nothing verified or paid. */
export interface PracticeResult {
  practice: true;
  hud: Hud;
}

export class GameSession {
  constructor(options: GameSessionOptions);
  readonly state: 'idle' | 'ticket' | 'playing' | 'submitting' | 'done' | 'failed' | 'cancelled';
  readonly hud: Hud;
  /**
   * Plays to the end and resolves to the verified receipt (a PracticeResult for practice, null
   * when cancelled).
   */
  play(): Promise<ProofReceipt | PracticeResult | null>;
  /** Ends the game now without finishing it. */
  cancel(): void;
  /** Ends the game early: no more moves; it finishes once the board is at rest. */
  stop(): void;
}

export interface StartScreenOptions {
  wasm: LoadedWasm;
  adapter: PlatformAdapter;
  themeJson: string;
  preserveDrawingBuffer?: boolean;
  /** Called after each drawn frame with its animation-frame time. */
  onFrame?: (nowMs: number) => void;
}

/** Draws the start screen until the player taps anywhere (resolves when the finger lifts). */
export function startScreen(options: StartScreenOptions): Promise<void>;

export interface PlayerGameState {
  state: 'screens' | 'playing' | 'done' | 'error';
  /** The screen on show: start | map | intro | playing | result | wallet | settings. */
  screen: string | null;
  /** The last request word the screens made. */
  request: number;
  receipt: ProofReceipt | null;
  receipts: ProofReceipt[];
  hud: Hud;
  error: { code: string; reason: string | null; message: string } | null;
  firstFrameMs: number | null;
  frames: number;
  session: GameSession | null;
  /** The screen's buttons, in CSS pixels from the canvas's corner. */
  buttons(): Array<{ act: string; index: number; x: number; y: number; w: number; h: number }>;
  /** The words on the wasm's labels now. */
  words(): string[];
  /** The withdrawal the wallet follows, as the server last answered (plus `confirmed`). */
  withdrawal: Record<string, unknown> | null;
  /** Every state it was seen in, in order (`awaiting_confirmation (confirmed)` after WeChat's page). */
  withdrawalStates: string[];
}

export interface PlayerGameOptions {
  wasm: LoadedWasm;
  adapter: PlatformAdapter;
  backend: Backend;
  themeJson: string;
  levels: Array<{ id: string; name: string }>;
  levelBytes(level: { id: string; name: string }): Promise<Uint8Array>;
  /** Where the player's settings are kept between runs. */
  settings?: { load(): number | null; save(bits: number): void };
  /** The platform rewards but pays nothing out (the wallet says so). */
  earnsOnly?: boolean;
  /** The operator's responsible-play policy: minutes of continuous play before a reminder. */
  policy?: { reminder_minutes: number };
  /**
   * The wallet's withdraw flow (withdraw.js): the platform as it names them and the platform
   * object whose `requestMerchantTransfer` shows WeChat's confirmation page (in a browser, the
   * WeChat Pay stand-in's, or null). Without it the wallet asks the server for nothing.
   */
  withdrawals?: { platform: 'wechat' | 'alipay' | 'douyin' | 'browser'; api: unknown };
  preserveDrawingBuffer?: boolean;
  state?: Partial<PlayerGameState>;
  onGame?(level: { id: string; name: string }, session: GameSession | null): void;
  /** Called once, when the start screen is first drawn (a mini-game hides its loading indicator). */
  onFirstFrame?(): void;
}

/** The player's game: the wasm's screens and ticketed games between them; never resolves. */
export function playerGame(options: PlayerGameOptions): Promise<never>;
