// The platform-neutral host: one game session from ticket to receipt. It forwards touches into
// the wasm, calls `frame` once per animation frame, reads the HUD from linear memory and talks to
// the backend. It holds no rules, scores or randomness: those live in game-core, reached through
// game-wasm. Everything platform-specific sits behind the adapter (see index.d.ts).

import { Backend, PlayerError, PLAYER_ERRORS, REST_REFUSALS } from './backend.js';
import { drawTextAtlas } from './render/text.js';
import { cancel, follow, openWithdrawals, withdraw, WITHDRAW_PLATFORMS, WITHDRAW_STATES } from './withdraw.js';

export { Backend, PlayerError, PLAYER_ERRORS, REST_REFUSALS };

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
 * practice?, client?, settings? }
 *
 * With `client` (an attached client that draws the player's screens), the game is played on it
 * with a fresh session key, and the screens take over again when it ends. `settings`
 * (`{ sound, vibration }`) says which feedback the player wants.
 *
 * With `practice`, the game is local practice (designer mode): no ticket is asked for, any valid
 * level file plays with a random seed, and `play` resolves to `{ practice: true, hud }` without a
 * proof, so nothing is verified or paid. `cancel()` ends a game at once (play resolves to null).
 */
export class GameSession {
  constructor({ wasm, adapter, backend, levelId, levelBytes, themeJson, onHud, preserveDrawingBuffer, practice, client, settings, restInGame }) {
    this.sharedClient = client ?? null;
    // The caller's game says the operator's rest refusals itself (see playerGame).
    this.restInGame = Boolean(restInGame);
    this.settings = settings ?? {};
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
      if (this.sharedClient) {
        const entropy = await this.adapter.randomBytes(32);
        this.sharedClient.rekey(entropy);
        entropy.fill(0);
        this.client = this.sharedClient;
      } else {
        this.client = await newClient(this.wasm, this.adapter);
      }
      if (this.practice) {
        const seedBytes = await this.adapter.randomBytes(8);
        const seed = new DataView(seedBytes.buffer, seedBytes.byteOffset, 8).getBigUint64(0, true);
        this.client.startPractice(this.levelBytes, seed);
      } else {
        const ticket = await this.backend.ticket(this.levelId, this.client.publicKeyHex());
        if (this.cancelled) return null;
        this.client.start(ticket.ticket, this.levelBytes);
      }
      if (!this.sharedClient) this.client.attach(this.adapter.canvas(), this.themeJson, this.preserveDrawingBuffer);
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
      const playerError = PlayerError.of(error);
      // The player's game says the operator's rest rules itself, in the player's language.
      if (!(this.restInGame && REST_REFUSALS.has(playerError.code))) {
        this.adapter.showMessage('error', playerError.message);
      }
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
      let hiddenAtMs = null;
      const offVisibility = this.adapter.onVisibility((visible) => {
        // Hidden: no frames and no game time; the first frame back simulates nothing.
        paused = !visible;
        lastMs = null;
        if (paused) hiddenAtMs ??= Date.now();
        if (paused && handle !== null) {
          this.adapter.cancelFrame(handle);
          handle = null;
        } else if (!paused && handle === null) {
          // A long pause is a rest from play (the break reminder's clock).
          if (hiddenAtMs !== null) this.client.away?.((Date.now() - hiddenAtMs) / 1000);
          hiddenAtMs = null;
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
      this.adapter.feedback?.(names, this.settings);
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

/** `"name:number,…"` from the wasm as an object. */
const namedNumbers = parseFlags;

/** JSON as the UTF-8 bytes the wasm reads. */
const jsonBytes = (value) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The player's game: the wasm's screens (start, level map, intro, result, wallet, settings)
 * drawn on the canvas by one client, and ticketed games played on it between them. The wasm
 * decides every screen and what a tap does; this only fetches what it asks for (a level file,
 * the wallet, a ticket) and hands the answers back unchanged. Never resolves; errors of a game
 * send the player back to the level's intro.
 *
 * `options`: { wasm, adapter, backend, themeJson, levels: [{ id, name }], levelBytes(level) ->
 * Promise<Uint8Array>, settings?: { load() -> bits | null, save(bits) }, earnsOnly?, policy?:
 * { reminder_minutes }, withdrawals?: { platform, api } (the wallet's withdraw flow, see
 * `withdrawals` below: `platform` as withdraw.js names it, `api` the platform object),
 * preserveDrawingBuffer?, state?, onGame?(level, session | null), onFirstFrame?() (once, when the
 * start screen is first drawn) } where `state` is an object
 * kept up to date for people debugging and for tests: `{ state ('screens', 'playing', 'done'
 * or 'error'), screen, request, receipt, receipts, hud, error, firstFrameMs, session, frames,
 * buttons(), words(), withdrawal, withdrawalStates }` (`withdrawal`: the followed withdrawal as the
 * server last answered; `withdrawalStates`: every state it was seen in).
 */
export async function playerGame(options) {
  const { wasm, adapter, backend, themeJson, levels, levelBytes } = options;
  const state = options.state ?? {};
  Object.assign(state, { state: 'screens', receipt: null, receipts: [], hud: {}, error: null, session: null, frames: 0 });
  const client = await newClient(wasm, adapter);
  client.attach(adapter.canvas(), themeJson, Boolean(options.preserveDrawingBuffer));
  const requestKinds = namedNumbers(wasm.api.requestKinds());
  const dataKinds = namedNumbers(wasm.api.dataKinds());
  const settingBits = namedNumbers(wasm.api.settingBits());
  const saved = options.settings?.load?.();
  if (Number.isInteger(saved)) client.setSettings(saved);
  const data = (kind, value) => {
    try {
      client.screenData(dataKinds[kind], jsonBytes(value));
    } catch (error) {
      state.error = { code: 'client', reason: kind, message: String(error?.message ?? error) };
    }
  };
  data('levels', levels.map(({ id, name }) => ({ id, name })));
  data('platform', { earns_only: Boolean(options.earnsOnly) });
  // The operator's responsible-play policy (the break reminder's span): the project's, else
  // the server's when it answers.
  if (options.policy) data('policy', options.policy);
  else backend.playPolicy?.().then((answer) => data('policy', answer)).catch(() => {});
  let settingsWord = client.settingsBits?.() ?? null;
  const feedbackSettings = (bits) => ({
    sound: (bits & settingBits.sound) !== 0,
    vibration: (bits & settingBits.vibration) !== 0,
  });
  // The map's prices and the wallet arrive when they do; the screens never wait for them.
  const refresh = ({ history = false } = {}) => {
    backend.levelMap().then((answer) => data('offers', answer)).catch(() => {});
    backend.balance().then((answer) => data('balance', answer)).catch(() => {});
    if (history) backend.history().then((answer) => data('history', answer)).catch(() => {});
  };
  refresh();
  const payouts = withdrawals({ options, adapter, backend, client, dataKinds, state, data, refresh });
  const text = new TextSync(client, adapter);
  const hudFields = wasm.api.hudFields().split(',');
  const views = new MemoryViews(wasm.memory, client, hudFields.length);
  const pending = [];
  /** The screen's buttons in CSS pixels (for tests and accessibility layers). */
  state.buttons = () => JSON.parse(client.buttons());
  /** The words the wasm has on its labels now (for tests and accessibility layers). */
  state.words = () => JSON.parse(client.textAtlas()).rows.map((row) => row.text);

  /** Frames of the screens until a request to play; resolves to the level index. */
  const screens = () => new Promise((resolve, reject) => {
    let lastMs = null;
    let handle = null;
    const stop = () => {
      offPointer();
      offVisibility();
      if (handle !== null) adapter.cancelFrame(handle);
      handle = null;
    };
    const act = (word) => {
      const kind = word & 0xff;
      const argument = word >>> 8;
      state.request = word;
      if (kind === requestKinds.level) {
        const level = levels[argument];
        levelBytes(level).then((bytes) => client.screenData(dataKinds.level, bytes)).catch((error) => {
          state.error = { code: 'client', reason: 'level', message: String(error?.message ?? error) };
        });
      } else if (kind === requestKinds.wallet) {
        backend.balance().then((answer) => data('balance', answer)).catch(() => {});
        backend.history().then((answer) => data('history', answer)).catch(() => {});
        payouts.resume();
      } else if (kind === requestKinds.withdraw) {
        payouts.start(argument);
      } else if (kind === requestKinds.cancel_withdrawal) {
        payouts.cancel();
      } else if (kind === requestKinds.leaderboard) {
        backend.leaderboard(levels[argument].id).then((answer) => data('leaderboard', answer)).catch(() => {});
      } else if (kind === requestKinds.run) {
        // A ghost replay: the wasm checks the run against the level file it already holds;
        // an empty answer sends the player back to the board.
        const level = levels[argument & 0xff];
        backend.leaderboardRun(level.id, argument >>> 8).then((answer) => data('run', answer)).catch(() => data('run', {}));
      } else if (kind === requestKinds.settings) {
        settingsWord = argument;
        options.settings?.save?.(argument);
      } else if (kind === requestKinds.play) {
        stop();
        resolve(argument);
        return false;
      }
      return true;
    };
    const tick = (nowMs) => {
      handle = null;
      try {
        const dtS = lastMs === null ? 0 : Math.min((nowMs - lastMs) / 1000, FRAME_DT_MAX_S);
        lastMs = nowMs;
        views.refresh();
        const count = Math.min(pending.length / TOUCH_FLOATS, views.touchCapacity);
        views.touches.set(pending.slice(0, count * TOUCH_FLOATS));
        pending.splice(0, count * TOUCH_FLOATS);
        const size = adapter.canvasSize();
        const word = client.frameScreen(dtS, count, size.cssWidth, size.cssHeight, size.dpr);
        text.update();
        state.frames += 1;
        if (state.firstFrameMs == null) {
          state.firstFrameMs = nowMs;
          options.onFirstFrame?.();
        }
        state.screen = client.screenName?.() ?? null;
        if (state.screen === 'watching') {
          // A ghost replay fills the HUD words as a game does: what the watched game shows.
          views.refresh();
          state.hud = Object.fromEntries(hudFields.map((field, index) => [field, views.hud[index]]));
        }
        if (word !== 0) {
          // The player moved on: a message about the last game has been read.
          adapter.clearMessage?.();
          if (!act(word)) return;
        }
        handle = adapter.requestFrame(tick);
      } catch (error) {
        stop();
        reject(error);
      }
    };
    const offPointer = adapter.onPointer((kind, pointerId, x, y) => {
      pending.push(kind, 1, x, y);
    });
    let hiddenAtMs = null;
    const offVisibility = adapter.onVisibility((visible) => {
      lastMs = null;
      if (!visible) hiddenAtMs ??= Date.now();
      if (!visible && handle !== null) {
        adapter.cancelFrame(handle);
        handle = null;
      } else if (visible && handle === null) {
        if (hiddenAtMs !== null) client.away((Date.now() - hiddenAtMs) / 1000);
        hiddenAtMs = null;
        handle = adapter.requestFrame(tick);
      }
    });
    handle = adapter.requestFrame(tick);
  });

  for (;;) {
    const index = await screens();
    const level = levels[index];
    Object.assign(state, { state: 'playing', levelId: level.id, hud: {}, receipt: null, error: null });
    let bytes = null;
    try {
      bytes = await levelBytes(level);
    } catch (error) {
      // The level's file did not come (a browser gone offline): no game began to say so.
      const playerError = PlayerError.of(error);
      adapter.showMessage('error', playerError.message);
      state.error = { code: playerError.code, reason: playerError.reason, message: playerError.message };
      client.gameFailed();
      state.state = 'error';
      refresh();
      continue;
    }
    try {
      const session = new GameSession({
        wasm, adapter, backend, levelId: level.id, levelBytes: bytes, themeJson, client,
        settings: settingsWord === null ? {} : feedbackSettings(settingsWord),
        onHud: (hud) => { state.hud = { ...hud }; },
        restInGame: dataKinds.play_refused !== undefined,
      });
      state.session = session;
      options.onGame?.(level, session);
      const receipt = await session.play();
      state.receipts.push(receipt);
      state.receipt = receipt;
      data('receipt', receipt);
      state.state = 'done';
    } catch (error) {
      // GameSession has shown the player the message (the intro says the operator's rest
      // rules itself); the level's intro offers the game again.
      state.error = { code: error.code ?? 'client', reason: error.reason ?? null, message: error.message };
      client.gameFailed();
      if (REST_REFUSALS.has(error.code) && dataKinds.play_refused !== undefined) {
        client.screenData(dataKinds.play_refused, new TextEncoder().encode(error.code));
      }
      state.state = 'error';
    } finally {
      options.onGame?.(level, null);
    }
    refresh();
  }
}

/**
 * The wallet's withdraw flow, host side: the wasm asks (`withdraw` with an amount,
 * `cancel_withdrawal`, and `wallet`, on which a withdrawal the server lists as open is followed
 * again); withdraw.js talks to the server and to the platform's confirmation page; every state
 * goes back to the wasm as `withdrawal` data and a refusal as `withdraw_refused` (its reason
 * code). One withdrawal is followed at a time. Without `options.withdrawals`, or on a platform
 * that cannot withdraw, nothing is asked of the server (the wallet shows no button there).
 */
function withdrawals({ options, adapter, backend, client, dataKinds, state, data, refresh }) {
  const { platform = 'browser', api = null } = options.withdrawals ?? {};
  const enabled = Boolean(options.withdrawals) && WITHDRAW_PLATFORMS[platform];
  const server = () => ({
    request: (...args) => adapter.request(...args), base: backend.baseUrl, headers: backend.identity,
  });
  let id = null;
  let following = null;
  state.withdrawal = null;
  state.withdrawalStates = [];
  const refused = (code) => client.screenData(dataKinds.withdraw_refused, new TextEncoder().encode(code));
  /** Follows what `run(onState)` resolves, feeding each state to the wasm. */
  const track = (run) => {
    let first = true;
    following = run((name, withdrawal) => {
      state.withdrawal = withdrawal;
      state.withdrawalStates.push(withdrawal.confirmed ? `${name} (confirmed)` : name);
      data('withdrawal', withdrawal);
      // The balance moves when a withdrawal is asked for (to pending) and when it ends.
      if (first || WITHDRAW_STATES[name]?.final) refresh({ history: true });
      first = false;
    }).catch((error) => {
      // A refusal has the server's code; no answer at all is the network's.
      if (error.code) refused(error.code);
      else if (!error.stillOpen) refused('offline');
      state.error = { code: 'withdraw', reason: error.code ?? null, message: String(error?.message ?? error) };
    }).finally(() => { following = null; });
  };
  return {
    async start(amountFen) {
      if (!enabled || following) return;
      const key = await adapter.randomBytes(16);
      const idempotencyKey = Array.from(key, (byte) => byte.toString(16).padStart(2, '0')).join('');
      track((onState) => withdraw({
        platform, api, ...server(), amountFen, idempotencyKey, onState, onId: (withdrawalId) => { id = withdrawalId; },
      }));
    },
    resume() {
      if (!enabled || following) return;
      openWithdrawals(server()).then((open) => {
        if (open.length === 0 || following) return;
        id = open[0].withdrawal_id;
        track((onState) => follow({ api, ...server(), id, onState }));
      }).catch(() => {});
    },
    cancel() {
      if (!enabled || id === null) return;
      // The followed state says how it ends (a player who confirmed first is paid).
      cancel({ ...server(), id }).catch((error) => {
        state.error = { code: 'withdraw', reason: error.code ?? null, message: String(error?.message ?? error) };
      });
    },
  };
}
