// The playable page. A player sees the game full-screen: the start screen (drawn by the wasm),
// and a tap anywhere plays the level (`?level=ID`, else the first); after the server's receipt,
// Again or Next level. Player identity is the backend's dev mode (`X-PlayProof-Dev-Player`);
// `?player=NAME` picks one.
//
// Under `?designer` the page is a designer's: a header with the level picker, Play, and designer
// mode, which is on: the selected level's file is fetched about once a second; when its bytes
// change, the core (through the wasm's `checkLevel`) validates them and the page either lists
// the problems instead of a game or restarts the level as local practice on the new data. A
// side panel shows the level's start beside the problems, drawn by the wasm with the same code
// as `playproof levels render` (`levelPreviewSvg`), for a valid level and for one that breaks
// only a named rule (e.g. `[no-possible-swap]`).
// Practice has no ticket, proof or payout: the server only tickets the levels it loaded.

import { Backend, GameSession, loadWasm, playerGame, PlayerError } from './shim/index.js';
import { browserAdapter } from './shim/adapters/browser.js';
import { WASM_BYTES, WASM_FILE } from './pkg/build.js';

const $ = (id) => document.getElementById(id);
const canvas = $('game');
const params = new URLSearchParams(location.search);
const player = params.get('player') ?? 'web';
const designerPage = params.has('designer');

const adapter = browserAdapter({
  canvas,
  glueUrl: new URL('./pkg/game_wasm.js', import.meta.url).href,
  wasmUrl: new URL(`./pkg/${WASM_FILE}`, import.meta.url).href,
  overlay: $('message'),
  wasmBytes: WASM_BYTES,
  onLoadProgress: (share) => {
    // The bar fills as the wasm's bytes arrive; compiling follows at once.
    page.loadProgress.push(share);
    const bar = $('loading');
    bar.classList.add('measured');
    bar.firstElementChild.style.width = `${(share * 100).toFixed(1)}%`;
    bar.setAttribute('aria-valuenow', String(Math.round(share * 100)));
  },
});
const backend = new Backend(adapter, { identity: { 'x-playproof-dev-player': player } });

/**
 * What the page is doing, for people reading the console and for the browser tests.
 * `firstFrameMs`: when the start screen's first frame was drawn, in ms since navigation began.
 */
const page = {
  state: 'loading', hud: {}, receipt: null, error: null, balanceFen: null, session: null, firstFrameMs: null,
  /** The loading bar's shares of the wasm downloaded, in the order they were shown. */
  loadProgress: [],
};
window.playproofPage = page;
/** Sound: off until the first tap, then the cues played (for the browser tests). */
page.sound = () => adapter.sound();

/** Where the player's settings (sound, vibration, reminders, language) are kept. */
const SETTINGS_KEY = 'playproof.settings';

/** How often designer mode looks at the level file. */
const DESIGNER_POLL_MS = 1000;

/**
 * How long a changed level file must stay the same before designer mode acts on it. Editors and
 * scripts that save in place truncate the file and then write it: a look in between reads an
 * empty or half file, which would flash a parse error the designer never made.
 */
const DESIGNER_SETTLE_MS = 150;

/**
 * The preview's game seed: the one `playproof levels render` uses without `--seed`, so the page
 * and the command draw the same board.
 */
const PREVIEW_SEED = 1n;

/**
 * Designer mode's state, also for the browser tests. `preview`: the drawing's SVG element
 * count, or why there is none.
 */
const designer = {
  on: false, levelId: null, bytes: null, problems: [], loads: 0, timer: null, preview: null,
};
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
  $('dev').hidden = !designerPage;
  document.body.classList.toggle('designer', designerPage);
  const [wasm, levels, themeJson] = await Promise.all([
    loadWasm(adapter),
    fetch('levels/index.json').then((response) => response.json()),
    fetch('themes/default.json').then((response) => response.text()),
  ]);
  // The player's words come from the game's string table, in the platform's language.
  const phrases = JSON.parse(wasm.api.phrasesFor(navigator.language ?? ''));
  for (const element of document.querySelectorAll('[data-phrase]')) {
    element.textContent = phrases[element.dataset.phrase] ?? element.textContent;
  }
  document.documentElement.lang = phrases.play === 'Play' ? 'en' : 'zh-CN';
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
  $('loading').hidden = true;
  const selectedLevel = () => levels.find((entry) => entry.id === $('level').value);
  const preserveDrawingBuffer = params.has('preserve');

  /**
   * Level files by id, fetched once a page (the next one while the player looks at a screen).
   * A failed fetch is forgotten, so the next game asks again; the player is told why.
   */
  const levelFiles = new Map();
  const levelBytes = (level) => {
    if (!levelFiles.has(level.id)) {
      const bytes = fetch(level.path).catch((error) => {
        throw new PlayerError('offline', 'network', `${level.path}: ${error?.message ?? error}`);
      }).then(async (response) => {
        if (!response.ok) {
          const code = response.status === 404 ? 'unknown_level' : 'server';
          throw new PlayerError(code, `http_${response.status}`, `${level.path}: HTTP ${response.status}`);
        }
        return new Uint8Array(await response.arrayBuffer());
      });
      bytes.catch(() => levelFiles.delete(level.id));
      levelFiles.set(level.id, bytes);
    }
    return levelFiles.get(level.id);
  };

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

  /**
   * The level's start, drawn by the wasm with the same code as `playproof levels render`, in
   * the panel beside the problems; for a file with no preview, the wasm's reason instead.
   */
  const showPreview = (level, bytes) => {
    let drawing = null;
    let caption;
    try {
      const svgText = wasm.api.levelPreviewSvg(bytes, PREVIEW_SEED, themeJson);
      drawing = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
      caption = `${level.path}: the start with seed ${PREVIEW_SEED}, as \`playproof levels render\` draws it`;
    } catch (error) {
      caption = String(error?.message ?? error);
    }
    $('preview-drawing').replaceChildren(...(drawing ? [document.importNode(drawing, true)] : []));
    $('preview-caption').textContent = caption;
    designer.preview = drawing
      ? { shapes: drawing.querySelectorAll('rect, circle, line').length }
      : { reason: caption };
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

  /** The level file's bytes and, when the server could not give them, why; null when away. */
  const readLevel = async (path) => {
    try {
      const response = await fetch(path, { cache: 'no-store' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { bytes, problems: response.ok ? null : [`${path}: HTTP ${response.status}`] };
    } catch (error) {
      return null; // The server is away for a moment; look again next time.
    }
  };
  const sameBytes = (a, b) => a !== null && b !== null && a.length === b.length
    && a.every((byte, index) => byte === b[index]);

  /**
   * One look at the selected level's file; acts only when its bytes changed and then stayed the
   * same for `DESIGNER_SETTLE_MS` (a file still being written is looked at again next time).
   */
  const pollLevel = async () => {
    const level = selectedLevel();
    if (designer.levelId !== level.id) Object.assign(designer, { levelId: level.id, bytes: null });
    const first = await readLevel(level.path);
    if (first === null || sameBytes(designer.bytes, first.bytes)) return;
    await new Promise((resolve) => { setTimeout(resolve, DESIGNER_SETTLE_MS); });
    const settled = await readLevel(level.path);
    if (settled === null || !sameBytes(first.bytes, settled.bytes)) return;
    const { bytes, problems } = settled;
    if (!designer.on || designer.levelId !== level.id) return;
    designer.bytes = bytes;
    designer.loads += 1;
    designer.problems = problems ?? wasm.api.checkLevel(bytes);
    showPreview(level, bytes);
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
    $('designer-panel').hidden = !on;
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

  /** One ticketed game of `level`, from ticket to the server's receipt. */
  const playLevel = async (level) => {
    $('level').value = level.id;
    $('play').disabled = true;
    $('result').hidden = true;
    adapter.clearMessage();
    Object.assign(page, { state: 'playing', receipt: null, error: null, hud: {} });
    $('stop').hidden = level.mode !== 'match3';
    try {
      const session = new GameSession({
        wasm, adapter, backend, levelId: level.id, levelBytes: await levelBytes(level), themeJson, preserveDrawingBuffer,
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
      const next = levels[levels.indexOf(level) + 1];
      $('next').hidden = next === undefined;
      if (next) levelBytes(next).catch(() => {});
      $('result').hidden = false;
      await showBalance();
    } catch (error) {
      page.error = { code: error.code ?? 'client', reason: error.reason ?? null, message: error.message };
      page.state = 'error';
    } finally {
      $('play').disabled = false;
      if (!designer.on) $('stop').hidden = true;
    }
  };

  $('play').addEventListener('click', () => {
    if (designer.on) {
      // Restart: the next look at the file starts the level afresh.
      designer.bytes = null;
      clearTimeout(designer.timer);
      pollLoop();
      return;
    }
    playLevel(selectedLevel());
  });
  $('again').addEventListener('click', () => playLevel(selectedLevel()));
  $('next').addEventListener('click', () => playLevel(levels[levels.indexOf(selectedLevel()) + 1]));
  $('stop').addEventListener('click', () => page.session?.stop());

  if (designerPage) {
    await showBalance();
    page.state = 'ready';
    setDesigner(true);
  } else {
    // The player's game: every screen drawn by the wasm on the canvas, as in the mini-games.
    // The first level's file is on its way while the start screen shows.
    levelBytes(levels[0]).catch(() => {});
    page.state = 'ready';
    await playerGame({
      wasm, adapter, backend, themeJson, levels, levelBytes, preserveDrawingBuffer, state: page,
      // A browser has no WeChat: a bill waiting for the player is confirmed on the WeChat Pay
      // stand-in's page (`cargo xtask run` prints where), and the wallet follows the server.
      withdrawals: { platform: 'browser', api: null },
      settings: {
        load: () => {
          const bits = Number.parseInt(localStorage.getItem(SETTINGS_KEY) ?? '', 10);
          return Number.isInteger(bits) ? bits : null;
        },
        save: (bits) => localStorage.setItem(SETTINGS_KEY, String(bits)),
      },
      onGame: (level, session) => {
        // Match-3 has a Finish button beside the canvas (merge-drop ends by its clock).
        $('stop').hidden = session === null || level.mode !== 'match3';
        if (session === null) showBalance();
      },
    });
  }
}

main().catch((error) => {
  $('loading').hidden = true;
  page.state = 'error';
  page.error = { code: 'client', message: String(error?.message ?? error) };
  adapter.showMessage('error', `The game could not load: ${page.error.message}`);
});
