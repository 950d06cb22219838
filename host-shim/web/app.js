// The playable page: pick a level, play it in the browser, see what the server verified and paid.
// Player identity is the backend's dev mode (`X-PlayProof-Dev-Player`); `?player=NAME` picks one.

import { Backend, GameSession, loadWasm } from './shim/index.js';
import { browserAdapter } from './shim/adapters/browser.js';

const $ = (id) => document.getElementById(id);
const canvas = $('game');
const params = new URLSearchParams(location.search);
const player = params.get('player') ?? 'web';

const adapter = browserAdapter({ canvas, glueUrl: new URL('./pkg/game_wasm.js', import.meta.url).href, overlay: $('message') });
const backend = new Backend(adapter, { identity: { 'x-playproof-dev-player': player } });

/** What the page is doing, for people reading the console and for the browser tests. */
const page = { state: 'loading', hud: {}, receipt: null, error: null, balanceFen: null, session: null };
window.playproofPage = page;

const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`;

async function showBalance() {
  try {
    const balance = await backend.balance();
    page.balanceFen = balance.balance_fen;
    $('balance').textContent = `${balance.player_id}: ${yuan(balance.balance_fen)}`;
  } catch (error) {
    $('balance').textContent = error.message;
  }
}

async function main() {
  const [wasm, levels, themeJson] = await Promise.all([
    loadWasm(adapter),
    fetch('levels/index.json').then((response) => response.json()),
    fetch('themes/default.json').then((response) => response.text()),
  ]);
  for (const mode of ['match3', 'merge_drop']) {
    const group = document.createElement('optgroup');
    group.label = mode === 'match3' ? 'Match-3' : 'Merge-drop';
    for (const level of levels.filter((entry) => entry.mode === mode)) {
      const option = new Option(`${level.name} (${level.id})`, level.id);
      group.append(option);
    }
    $('level').append(group);
  }
  if (params.get('level')) $('level').value = params.get('level');
  page.levels = levels;
  page.state = 'ready';
  await showBalance();

  $('play').addEventListener('click', async () => {
    const level = levels.find((entry) => entry.id === $('level').value);
    $('play').disabled = true;
    $('result').hidden = true;
    adapter.clearMessage();
    Object.assign(page, { state: 'playing', receipt: null, error: null, hud: {} });
    $('stop').hidden = level.mode !== 'match3';
    try {
      const levelBytes = new Uint8Array(await (await fetch(level.path)).arrayBuffer());
      const session = new GameSession({
        wasm, adapter, backend, levelId: level.id, levelBytes, themeJson,
        preserveDrawingBuffer: params.has('preserve'),
        onHud: (hud) => { page.hud = hud; },
      });
      page.session = session;
      const receipt = await session.play();
      page.receipt = receipt;
      page.state = 'done';
      $('result-score').textContent = receipt.score;
      $('result-stars').textContent = '★'.repeat(receipt.stars) + '☆'.repeat(3 - receipt.stars);
      $('result-payout').textContent = yuan(receipt.payout_fen + receipt.boost_fen) + (receipt.capped ? ' (capped)' : '');
      $('result-balance').textContent = yuan(receipt.balance_fen);
      $('result').hidden = false;
      await showBalance();
    } catch (error) {
      page.error = { code: error.code ?? 'client', reason: error.reason ?? null, message: error.message };
      page.state = 'error';
    } finally {
      $('play').disabled = false;
      $('stop').hidden = true;
    }
  });
  $('stop').addEventListener('click', () => page.session?.stop());
}

main().catch((error) => {
  page.state = 'error';
  page.error = { code: 'client', message: String(error?.message ?? error) };
  adapter.showMessage('error', `The game could not load: ${page.error.message}`);
});
