// The playable page: pick a level, play it in the browser, see what the server verified and paid.
// Player identity is the backend's dev mode (`X-PlayProof-Dev-Player`); `?player=NAME` picks one.
//
// Designer mode (the checkbox, or `?designer`): the selected level's file is fetched about once a
// second; when its bytes change, the core (through the wasm's `checkLevel`) validates them and the
// page either lists the problems instead of a game or restarts the level as local practice on the
// new data. Practice has no ticket, proof or payout: the server only tickets the levels it loaded.

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

/** How often designer mode looks at the level file. */
const DESIGNER_POLL_MS = 1000;

/** Designer mode's state, also for the browser tests. */
const designer = { on: false, levelId: null, bytes: null, problems: [], loads: 0, timer: null };
page.designer = designer;

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
  const selectedLevel = () => levels.find((entry) => entry.id === $('level').value);

  const showProblems = (level, problems) => {
    $('problems-title').textContent = `${level.path} is not a valid level (${problems.length} problem${problems.length === 1 ? '' : 's'})`;
    $('problem-list').replaceChildren(...problems.map((problem) => {
      const item = document.createElement('li');
      item.textContent = problem;
      return item;
    }));
    $('problems').hidden = false;
    canvas.style.visibility = 'hidden';
  };
  const hideProblems = () => {
    $('problems').hidden = true;
    canvas.style.visibility = '';
  };

  /** Ends whatever game runs, without a proof. */
  const cancelGame = () => {
    page.session?.cancel();
    page.session = null;
    $('practice').hidden = true;
    $('stop').hidden = true;
  };

  /** Restarts the level as local practice on `levelBytes` (already checked by the core). */
  const startPractice = async (level, levelBytes) => {
    cancelGame();
    adapter.clearMessage();
    $('result').hidden = true;
    const session = new GameSession({
      wasm, adapter, backend, levelId: level.id, levelBytes, themeJson, practice: true,
      preserveDrawingBuffer: params.has('preserve'),
      onHud: (hud) => { if (page.session === session) page.hud = hud; },
    });
    Object.assign(page, { state: 'practice', session, receipt: null, error: null, hud: {} });
    $('practice').hidden = false;
    $('stop').hidden = level.mode !== 'match3';
    try {
      const result = await session.play();
      if (result === null || page.session !== session) return;
      page.state = 'practice-done';
      $('stop').hidden = true;
      adapter.showMessage('info', `Practice over: score ${result.hud.score}. Nothing was verified or paid.`);
    } catch (error) {
      if (page.session !== session) return;
      page.error = { code: error.code ?? 'client', reason: error.reason ?? null, message: error.message };
      page.state = 'error';
    }
  };

  /** One look at the selected level's file; acts only when its bytes changed. */
  const pollLevel = async () => {
    const level = selectedLevel();
    if (designer.levelId !== level.id) Object.assign(designer, { levelId: level.id, bytes: null });
    let bytes;
    let problems;
    try {
      const response = await fetch(level.path, { cache: 'no-store' });
      bytes = new Uint8Array(await response.arrayBuffer());
      problems = response.ok ? null : [`${level.path}: HTTP ${response.status}`];
    } catch (error) {
      return; // The server is away for a moment; look again next time.
    }
    if (!designer.on || designer.levelId !== level.id) return;
    const same = designer.bytes !== null && designer.bytes.length === bytes.length
      && designer.bytes.every((byte, index) => byte === bytes[index]);
    if (same) return;
    designer.bytes = bytes;
    designer.loads += 1;
    designer.problems = problems ?? wasm.api.checkLevel(bytes);
    if (designer.problems.length > 0) {
      cancelGame();
      adapter.clearMessage();
      page.state = 'invalid';
      showProblems(level, designer.problems);
    } else {
      hideProblems();
      startPractice(level, bytes);
    }
  };
  const pollLoop = async () => {
    await pollLevel();
    if (designer.on) designer.timer = setTimeout(pollLoop, DESIGNER_POLL_MS);
  };
  const setDesigner = (on) => {
    designer.on = on;
    $('designer').checked = on;
    $('play').textContent = on ? 'Restart' : 'Play';
    clearTimeout(designer.timer);
    cancelGame();
    hideProblems();
    adapter.clearMessage();
    Object.assign(designer, { levelId: null, bytes: null, problems: [] });
    page.state = 'ready';
    if (on) pollLoop();
  };
  $('designer').addEventListener('change', () => setDesigner($('designer').checked));
  $('level').addEventListener('change', () => {
    if (!designer.on) return;
    clearTimeout(designer.timer);
    pollLoop();
  });
  if (params.has('designer')) setDesigner(true);

  $('play').addEventListener('click', async () => {
    const level = selectedLevel();
    if (designer.on) {
      // Restart: the next look at the file starts the level afresh.
      designer.bytes = null;
      clearTimeout(designer.timer);
      pollLoop();
      return;
    }
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
      if (receipt === null) return; // cancelled: designer mode took over
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
      if (!designer.on) $('stop').hidden = true;
    }
  });
  $('stop').addEventListener('click', () => page.session?.stop());
}

main().catch((error) => {
  page.state = 'error';
  page.error = { code: 'client', message: String(error?.message ?? error) };
  adapter.showMessage('error', `The game could not load: ${page.error.message}`);
});
