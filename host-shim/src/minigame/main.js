// A mini-game's whole program: boot the wasm, log in, then play levels one after another, each a
// ticketed game whose proof the backend verifies and pays. `cargo xtask minigame` bundles this
// file (with the shim) into each project's `playproof.js`; the project's `game.js` calls `boot`.
//
// The mini-game has no DOM: the start screen, the board and the HUD are drawn by the wasm (a tap
// anywhere on the start screen plays); receipts and errors are shown with the platform's modal
// dialogs, and a tap starts the next game.

import { Backend, GameSession, loadWasm, startScreen, TOUCH } from '../index.js';
import { minigameAdapter } from '../adapters/minigame.js';

const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`;

function describe(receipt) {
  const paid = (receipt.payout_fen ?? 0) + (receipt.boost_fen ?? 0);
  const balance = receipt.balance_fen;
  return `Verified score ${receipt.score}. Paid ${yuan(paid)}${balance === undefined ? '' : `, balance ${yuan(balance)}`}. Tap to play again.`;
}

/** Resolves at the next tap: a finger put down and lifted after this call (a finger already
 * on the screen when the game ended does not count). */
function nextTap(adapter) {
  return new Promise((resolve) => {
    let down = false;
    const off = adapter.onPointer((kind) => {
      if (kind === TOUCH.down) down = true;
      if (kind !== TOUCH.up || !down) return;
      off();
      resolve();
    });
  });
}

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
 * the project's `config.js` (`backendUrl`, `login`, `devPlayer`, `theme`, `levels`,
 * `firstLevel`). Progress is published on `global.playproofGame` for people debugging in the
 * vendor's tool (and for the project tests).
 */
export async function boot({ platform, global, config }) {
  const game = { state: 'loading', levelId: null, hud: {}, receipts: [], error: null, session: null };
  global.playproofGame = game;
  let adapter = null;
  try {
    adapter = minigameAdapter({ platform, global });
    game.textCodec = adapter.textCodec;
    const api = adapter.platformApi;
    const wasm = await loadWasm(adapter);
    const backend = new Backend(adapter, { baseUrl: config.backendUrl });
    backend.identity = await identity(adapter, api, backend, config);
    const themeJson = adapter.decodeText(new Uint8Array(adapter.readFile(config.theme)));
    const levels = config.levels;
    if (!Array.isArray(levels) || levels.length === 0) throw new Error('config.js lists no levels');
    let index = Math.max(0, levels.findIndex((level) => level.id === config.firstLevel));
    game.state = 'start';
    game.startFrames = 0;
    await startScreen({ wasm, adapter, themeJson, onFrame: () => { game.startFrames += 1; } });
    for (;;) {
      const level = levels[index % levels.length];
      game.levelId = level.id;
      game.state = 'playing';
      game.hud = {};
      const session = new GameSession({
        wasm, adapter, backend, levelId: level.id,
        levelBytes: new Uint8Array(adapter.readFile(level.path)),
        themeJson,
        onHud: (hud) => { game.hud = { ...hud }; },
      });
      game.session = session;
      try {
        const receipt = await session.play();
        game.receipts.push(receipt);
        game.state = 'done';
        adapter.showMessage('receipt', describe(receipt));
        index += 1;
      } catch (error) {
        // GameSession has shown the player the message; the same level is offered again.
        game.error = { code: error.code ?? 'client', reason: error.reason ?? null, message: error.message };
        game.state = 'error';
      }
      await nextTap(adapter);
    }
  } catch (error) {
    game.error = { code: 'boot', reason: null, message: String(error?.message ?? error) };
    game.state = 'failed';
    adapter?.showMessage('error', `The game could not start: ${game.error.message}`);
    throw error;
  }
}
