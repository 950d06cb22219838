// A mini-game's whole program: boot the wasm, log in, then the player's game: the wasm's
// screens (start, level map, intro, result, wallet, settings) and ticketed games between them,
// each proof verified and paid by the backend. `cargo xtask minigame` bundles this file (with
// the shim) into each project's `playproof.js`; the project's `game.js` calls `boot`.
//
// The mini-game has no DOM: every screen is drawn by the wasm on the canvas, through the same
// renderer as the game, and reached by touch; no system dialog shows a result. Errors of a game
// are shown with the platform's modal dialog and the level's intro offers it again.

import { Backend, loadWasm, playerGame } from '../index.js';
import { minigameAdapter } from '../adapters/minigame.js';

/** Where the player's settings (sound, vibration, reminders, language) are kept on the device. */
const SETTINGS_KEY = 'playproof.settings';

/** Platforms whose mini-games may reward but not pay out: the wallet says the game earns only. */
const EARNS_ONLY = new Set(['douyin']);

/**
 * The request headers that name the player. `dev`: the backend's dev identity (only a server
 * started with `--dev` accepts it). `wechat`: `wx.login`'s code, exchanged by the backend
 * (WeChat's code2session) for a bearer token.
 */
async function identity(adapter, api, backend, config) {
  if ((config.login ?? 'dev') === 'dev') return { 'x-playproof-dev-player': config.devPlayer ?? 'minigame' };
  if (config.login !== 'wechat' || adapter.platform !== 'wechat') {
    throw new Error(`login ${JSON.stringify(config.login)} is not available on ${adapter.platform}`);
  }
  const code = await new Promise((resolve, reject) => api.login({
    success: (result) => resolve(result.code),
    fail: (error) => reject(new Error(`wx.login failed: ${error?.errMsg ?? error}`)),
  }));
  const { token } = await backend.call('POST', '/v1/login', { json: { provider: 'wechat', credential: code } });
  return { authorization: `Bearer ${token}` };
}

/**
 * `platform`: 'wechat' | 'alipay' | 'douyin'; `global`: the runtime's global object; `config`:
 * the project's `config.js` (`backendUrl`, `login`, `devPlayer`, `theme`, `levels`, optional
 * `reminderMinutes`). Progress is
 * published on `global.playproofGame` for people debugging in the vendor's tool (and for the
 * project tests): see `playerGame`'s `state`.
 */
export async function boot({ platform, global, config }) {
  const game = { state: 'loading', levelId: null, hud: {}, receipts: [], error: null, session: null };
  global.playproofGame = game;
  let adapter = null;
  try {
    adapter = minigameAdapter({ platform, global });
    adapter.showLoading();
    game.textCodec = adapter.textCodec;
    const api = adapter.platformApi;
    const wasm = await loadWasm(adapter);
    const backend = new Backend(adapter, { baseUrl: config.backendUrl });
    backend.identity = await identity(adapter, api, backend, config);
    const themeJson = adapter.decodeText(new Uint8Array(adapter.readFile(config.theme)));
    const levels = config.levels;
    if (!Array.isArray(levels) || levels.length === 0) throw new Error('config.js lists no levels');
    // Level files are in the package: read synchronously, handed over as a resolved promise.
    const levelBytes = async (level) => new Uint8Array(adapter.readFile(level.path));
    await playerGame({
      wasm, adapter, backend, themeJson, levels, levelBytes, state: game,
      earnsOnly: EARNS_ONLY.has(platform),
      settings: {
        load: () => {
          const kept = adapter.loadValue(SETTINGS_KEY);
          const bits = kept === null ? NaN : Number(kept);
          return Number.isInteger(bits) && bits >= 0 ? bits : null;
        },
        save: (bits) => adapter.saveValue(SETTINGS_KEY, bits),
      },
      // WeChat confirms a transfer on its own page (`wx.requestMerchantTransfer`); Alipay pays
      // without one; Douyin cannot withdraw (withdraw.js knows which).
      withdrawals: { platform, api },
      // The operator's break-reminder span, when the project's config sets one.
      policy: config.reminderMinutes ? { reminder_minutes: config.reminderMinutes } : undefined,
      onFirstFrame: () => adapter.hideLoading(),
    });
  } catch (error) {
    adapter?.hideLoading();
    game.error = { code: 'boot', reason: null, message: String(error?.message ?? error) };
    game.state = 'failed';
    adapter?.showMessage('error', `The game could not start: ${game.error.message}`);
    throw error;
  }
}
