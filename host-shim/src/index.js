// The platform-neutral host: one game session from ticket to receipt. It forwards touches into
// the wasm, calls `frame` once per animation frame, reads the HUD from linear memory and talks to
// the backend. It holds no rules, scores or randomness: those live in game-core, reached through
// game-wasm. Everything platform-specific sits behind the adapter (see index.d.ts).

import { Backend, PlayerError, PLAYER_ERRORS } from './backend.js';
import { drawTextAtlas } from './render/text.js';

export { Backend, PlayerError, PLAYER_ERRORS };

/** The game-wasm API version this shim speaks (game-wasm's `WEB_ABI_VERSION`). */
export const SHIM_ABI_VERSION = 1;

/** Pointer event kinds as game-wasm's `TouchKind` numbers them. */
export const TOUCH = { down: 0, move: 1, up: 2, cancel: 3 };

/** Longest frame the host reports; longer gaps (a stalled tab) are not simulated. */
const FRAME_DT_MAX_S = 0.25;

const TOUCH_FLOATS = 4;

/** Parses `"name:bit,…"` from the wasm. */
function parseFlags(text) {
  return Object.fromEntries(text.split(',').map((pair) => {
    const [name, bit] = pair.split(':');
    return [name, Number(bit)];
  }));
}

/**
 * Loads the wasm through the adapter and checks that it speaks this shim's API version.
 * Resolves to `{ api, memory }`: the glue's exports and the wasm memory.
 */
export async function loadWasm(adapter) {
  const { api, memory } = await adapter.loadWasm();
  if (api.abiVersion() !== SHIM_ABI_VERSION) {
    throw new PlayerError('client', 'abi_version',
      `game-wasm speaks API ${api.abiVersion()}, this shim ${SHIM_ABI_VERSION}`);
  }
  return { api, memory };
}

/**
 * Keeps the wasm's text texture drawn: when the labels on screen change (their atlas
 * generation moves), draws them with the platform's fonts into the adapter's text canvas and
 * hands it back to the wasm's renderer. Clients without text (or adapters without a text
 * canvas) draw no labels.
 */
class TextSync {
  constructor(client, adapter) {
    this.client = client;
    this.adapter = adapter;
    this.generation = null;
    this.canvas = null;
  }

  update() {
    const generation = this.client.textGeneration?.();
    if (generation === undefined || generation === this.generation) return;
    this.generation = generation;
    this.canvas ??= this.adapter.textCanvas?.() ?? null;
    if (this.canvas === null) return;
    const atlas = JSON.parse(this.client.textAtlas());
    drawTextAtlas(this.canvas, atlas);
    this.client.uploadText(this.canvas, atlas.generation);
  }
}

/** A client with a fresh session key, speaking the platform's language. */
async function newClient(wasm, adapter) {
  const entropy = await adapter.randomBytes(32);
  const client = new wasm.api.Client(entropy);
  entropy.fill(0);
  client.setLanguage?.(adapter.language?.() ?? '');
  return client;
}

/**
 * Typed-array views over linear memory that are re-created after memory growth (growth
 * detaches the old ArrayBuffer).
 */
class MemoryViews {
  constructor(memory, client, hudFieldCount) {
    this.memory = memory;
    this.hudFieldCount = hudFieldCount;
    // Asked once: the buffers never move (they are boxed in the client), only the memory's
    // ArrayBuffer is replaced when it grows.
    this.touchCapacity = client.touchCapacity();
    this.touchPointer = client.touchBufferPtr();
    this.hudPointer = client.hudPtr();
    this.buffer = null;
  }

  refresh() {
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer;
    this.touches = new Float32Array(this.buffer, this.touchPointer, this.touchCapacity * TOUCH_FLOATS);
    this.hud = new Uint32Array(this.buffer, this.hudPointer, this.hudFieldCount);
  }
}

/**
 * One game: asks for a ticket, plays until the game is over (or the player stops), submits the
 * proof and resolves to the server's receipt. Errors reject with a PlayerError, which the
 * adapter has already shown to the player.
 *
 * `options`: { wasm, adapter, backend, levelId, levelBytes, themeJson, onHud?, preserveDrawingBuffer?,
 * practice? }
 *
 * With `practice`, the game is local practice (designer mode): no ticket is asked for, any valid
 * level file plays with a random seed, and `play` resolves to `{ practice: true, hud }` without a
 * proof, so nothing is verified or paid. `cancel()` ends a game at once (play resolves to null).
 */
export class GameSession {
  constructor({ wasm, adapter, backend, levelId, levelBytes, themeJson, onHud, preserveDrawingBuffer, practice }) {
    this.wasm = wasm;
    this.adapter = adapter;
    this.backend = backend;
    this.levelId = levelId;
    this.levelBytes = levelBytes;
    this.themeJson = themeJson;
    this.onHud = onHud ?? (() => {});
    this.preserveDrawingBuffer = Boolean(preserveDrawingBuffer);
    this.practice = Boolean(practice);
    this.cancelled = false;
    this.hudFields = wasm.api.hudFields().split(',');
    this.flags = parseFlags(wasm.api.statusFlags());
    // Builds without feedback flags (older wasm) simply give none.
    this.feedbackFlags = Object.entries(parseFlags(wasm.api.feedbackFlags?.() ?? ''))
      .filter(([name, bit]) => name && bit > 0);
    this.pending = [];
    this.pointerSlots = new Map();
    this.state = 'idle';
    this.hud = {};
  }

  /** Small, stable pointer numbers for the wasm (platform pointer ids can be large). */
  pointerSlot(pointerId) {
    if (!this.pointerSlots.has(pointerId)) this.pointerSlots.set(pointerId, this.pointerSlots.size + 1);
    return this.pointerSlots.get(pointerId);
  }

  /** Plays the whole session; resolves to the receipt. */
  async play() {
    try {
      this.state = 'ticket';
      // Mini-game random APIs answer asynchronously; the browser's synchronously.
      this.client = await newClient(this.wasm, this.adapter);
      if (this.practice) {
        const seedBytes = await this.adapter.randomBytes(8);
        const seed = new DataView(seedBytes.buffer, seedBytes.byteOffset, 8).getBigUint64(0, true);
        this.client.startPractice(this.levelBytes, seed);
      } else {
        const ticket = await this.backend.ticket(this.levelId, this.client.publicKeyHex());
        if (this.cancelled) return null;
        this.client.start(ticket.ticket, this.levelBytes);
      }
      this.client.attach(this.adapter.canvas(), this.themeJson, this.preserveDrawingBuffer);
      this.text = new TextSync(this.client, this.adapter);
      this.views = new MemoryViews(this.wasm.memory, this.client, this.hudFields.length);
      this.state = 'playing';
      await this.runFrames();
      if (this.cancelled) {
        this.state = 'cancelled';
        return null;
      }
      if (this.practice) {
        this.state = 'done';
        return { practice: true, hud: { ...this.hud } };
      }
      this.state = 'submitting';
      const proof = this.client.finish();
      const receipt = await this.backend.submitProof(proof);
      this.state = 'done';
      return receipt;
    } catch (error) {
      this.state = 'failed';
      const playerError = error instanceof PlayerError
        ? error
        : new PlayerError('client', 'exception', String(error?.message ?? error));
      this.adapter.showMessage('error', playerError.message);
      throw playerError;
    } finally {
      this.detach?.();
    }
  }

  /** Asks the game to end: no more moves; it finishes once the board is at rest. */
  stop() {
    this.client?.stop();
  }

  /** Ends the game now, without finishing it: no proof; `play` resolves to null. */
  cancel() {
    this.cancelled = true;
    this.detach?.();
    this.cancelFrames?.();
  }

  runFrames() {
    return new Promise((resolve, reject) => {
      let lastMs = null;
      let handle = null;
      let paused = false;
      this.cancelFrames = resolve;
      const offPointer = this.adapter.onPointer((kind, pointerId, x, y) => {
        this.pending.push(kind, this.pointerSlot(pointerId), x, y);
      });
      const offVisibility = this.adapter.onVisibility((visible) => {
        // Hidden: no frames and no game time; the first frame back simulates nothing.
        paused = !visible;
        lastMs = null;
        if (paused && handle !== null) {
          this.adapter.cancelFrame(handle);
          handle = null;
        } else if (!paused && handle === null) {
          this.client.resumed?.();
          handle = this.adapter.requestFrame(tick);
        }
      });
      this.detach = () => {
        offPointer();
        offVisibility();
        if (handle !== null) this.adapter.cancelFrame(handle);
      };
      const tick = (nowMs) => {
        handle = null;
        try {
          const dtS = lastMs === null ? 0 : Math.min((nowMs - lastMs) / 1000, FRAME_DT_MAX_S);
          lastMs = nowMs;
          const status = this.frame(dtS);
          if (status & this.flags.ready) {
            resolve();
            return;
          }
          if (!paused) handle = this.adapter.requestFrame(tick);
        } catch (error) {
          reject(error);
        }
      };
      handle = this.adapter.requestFrame(tick);
    });
  }

  /** One frame: touches in, one wasm call, HUD out. Returns the status flags. */
  frame(dtS) {
    const views = this.views;
    views.refresh();
    const count = Math.min(this.pending.length / TOUCH_FLOATS, views.touchCapacity);
    views.touches.set(this.pending.slice(0, count * TOUCH_FLOATS));
    this.pending.splice(0, count * TOUCH_FLOATS);
    const size = this.adapter.canvasSize();
    const status = this.client.frame(dtS, count, size.cssWidth, size.cssHeight, size.dpr, true);
    this.text.update();
    views.refresh();
    for (let index = 0; index < this.hudFields.length; index += 1) {
      this.hud[this.hudFields[index]] = views.hud[index];
    }
    this.onHud(this.hud, status);
    if (this.hud.feedback) {
      const names = new Set(this.feedbackFlags.filter(([, bit]) => this.hud.feedback & bit).map(([name]) => name));
      this.adapter.feedback?.(names);
    }
    return status;
  }
}

/**
 * The start screen until the player taps anywhere: a client with no session draws it (game-wasm's
 * `frameStart`) once per animation frame. Resolves when the finger lifts, before the game
 * listens, so the tap that starts a game never plays in it. `onFrame(nowMs)` follows each drawn
 * frame (the page times its first one).
 *
 * `options`: { wasm, adapter, themeJson, preserveDrawingBuffer?, onFrame? }
 */
export async function startScreen({ wasm, adapter, themeJson, preserveDrawingBuffer, onFrame }) {
  const client = await newClient(wasm, adapter);
  client.attach(adapter.canvas(), themeJson, Boolean(preserveDrawingBuffer));
  const text = new TextSync(client, adapter);
  return new Promise((resolve, reject) => {
    let lastMs = null;
    let handle = null;
    const stop = () => {
      offPointer();
      offVisibility();
      if (handle !== null) adapter.cancelFrame(handle);
      handle = null;
      client.free?.();
    };
    const tick = (nowMs) => {
      handle = null;
      try {
        const dtS = lastMs === null ? 0 : Math.min((nowMs - lastMs) / 1000, FRAME_DT_MAX_S);
        lastMs = nowMs;
        const size = adapter.canvasSize();
        client.frameStart(dtS, size.cssWidth, size.cssHeight, size.dpr);
        text.update();
        onFrame?.(nowMs);
        handle = adapter.requestFrame(tick);
      } catch (error) {
        stop();
        reject(error);
      }
    };
    const offPointer = adapter.onPointer((kind) => {
      if (kind !== TOUCH.up) return;
      stop();
      resolve();
    });
    const offVisibility = adapter.onVisibility((visible) => {
      lastMs = null;
      if (!visible && handle !== null) {
        adapter.cancelFrame(handle);
        handle = null;
      } else if (visible && handle === null) {
        handle = adapter.requestFrame(tick);
      }
    });
    handle = adapter.requestFrame(tick);
  });
}
