// The player's page as a newcomer meets it, on a phone upright (390x844 at 3x) and sideways:
// - the loading bar follows the wasm's bytes as they arrive;
// - the start screen is drawn by the wasm, full-screen, with no designer or dev controls; the
//   time from navigation to its first frame is printed (a figure, not a pass mark);
// - a tap anywhere opens the first level's intro, whose Start plays a ticketed game; Finish
//   ends it and the result screen shows the server's verdict; then the map, the wallet and
//   settings, all drawn by the wasm and reached by touch, each checked for its buttons' size,
//   place and overlap and screenshotted;
// - sideways, the board's entry (the upright run's game) is played back as a ghost replay;
// - a merge-drop game is played to a win, and the result screen celebrates it;
// - the wasm travels compressed (brotli or gzip, whichever the client offers) under its
//   content-hashed name with a year of immutable caching, while index.html is revalidated.
// usage: node player-page.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startBackend } from './backend.mjs';
import { openFromMap, playMergeDrop, swipeOneMove, tapButton, waitForScreen } from './play.mjs';

/** A level a player wins by dropping pieces for a while: 200 points is its first star. */
const WIN_LEVEL = 'md-05-vase';
/** md-05-vase's clock is two minutes of game time; a loaded machine runs it slower, three times over. */
const WIN_DEADLINE_MS = 360_000;
const WIN_SCORE = 200;

const LEVEL = 'm3-01-first-steps';
/** The issue's phone, upright and sideways, at its device pixel ratio. */
const SCREENS = [
  { name: 'portrait', viewport: { width: 390, height: 844 }, locale: 'zh-CN', finish: '结束' },
  { name: 'landscape', viewport: { width: 844, height: 390 }, locale: 'en-US', finish: 'Finish' },
];
const DPR = 3;

const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir) {
  console.error('usage: node player-page.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}
const theme = JSON.parse(readFileSync(join(webDir, 'themes/default.json'), 'utf8'));
const rgb = (hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
const wasmFile = /WASM_FILE = '([^']+)'/.exec(readFileSync(join(webDir, 'pkg/build.js'), 'utf8'))[1];

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/** One raw GET (no decompression): status, headers and the bytes as sent. */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function checkTransport(url) {
  const wasmUrl = `${url}/pkg/${wasmFile}`;
  const raw = readFileSync(join(webDir, 'pkg', wasmFile)).length;
  for (const encoding of ['br', 'gzip']) {
    const answer = await rawGet(wasmUrl, { 'accept-encoding': encoding });
    const sibling = readFileSync(join(webDir, 'pkg', `${wasmFile}.${encoding === 'br' ? 'br' : 'gz'}`));
    check(answer.status === 200 && answer.headers['content-encoding'] === encoding && answer.bytes.equals(sibling),
      `wasm over ${encoding}: ${answer.bytes.length} bytes sent for ${raw} (${answer.headers['content-encoding']})`);
    check(answer.headers['cache-control'] === 'public, max-age=31536000, immutable',
      `wasm over ${encoding}: Cache-Control "${answer.headers['cache-control']}"`);
  }
  const plain = await rawGet(wasmUrl, {});
  check(plain.status === 200 && plain.headers['content-encoding'] === undefined && plain.bytes.length === raw,
    `wasm to a client without compression: ${plain.bytes.length} bytes as they are`);
  const index = await rawGet(`${url}/`, { 'accept-encoding': 'gzip' });
  check(index.status === 200 && index.headers['cache-control'] === 'no-cache',
    `index.html: Cache-Control "${index.headers['cache-control']}"`);
}

/** Share of the canvas that is not background, and the colour at its centre. */
function canvasPixels(tab) {
  return tab.evaluate(({ background }) => {
    const canvas = document.getElementById('game');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let foreground = 0;
    for (let at = 0; at < data.length; at += 4) {
      if (Math.abs(data[at] - background[0]) + Math.abs(data[at + 1] - background[1]) + Math.abs(data[at + 2] - background[2]) > 9) foreground += 1;
    }
    // A little left of the centre: the play button's face, beside its arrow.
    const at = (Math.floor(copy.height / 2) * copy.width + Math.floor(copy.width * 0.44)) * 4;
    return { width: canvas.width, height: canvas.height, foregroundShare: foreground / (data.length / 4), centre: [data[at], data[at + 1], data[at + 2]] };
  }, { background: rgb(theme.background) });
}

/**
 * One of the wasm's screens, as drawn: its buttons (the wasm's own boxes) inside the canvas,
 * at least 44 CSS pixels each way and apart from each other, the canvas drawn on, and a
 * screenshot for people to look at. The canvas is the page's safe area (the page leaves
 * `viewport-fit` at its default, so the browser keeps it clear of notches).
 */
async function checkScreen(tab, name, screen, viewport) {
  const buttons = await tab.evaluate(() => window.playproofPage.buttons());
  const inside = buttons.every((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= viewport.width + 0.5 && b.y + b.h <= viewport.height + 0.5);
  const big = buttons.every((b) => b.w >= 43.5 && b.h >= 43.5);
  const apart = buttons.every((a, i) => buttons.every((b, j) => j <= i
    || a.x + a.w <= b.x + 0.01 || b.x + b.w <= a.x + 0.01 || a.y + a.h <= b.y + 0.01 || b.y + b.h <= a.y + 0.01));
  check(buttons.length > 0 && inside && big && apart,
    `${name} ${screen}: ${buttons.length} buttons inside the screen, >= 44 px, apart (${buttons.map((b) => b.act).join(' ')})`);
  const pixels = await canvasPixels(tab);
  check(pixels.foregroundShare > 0.01, `${name} ${screen}: ${(pixels.foregroundShare * 100).toFixed(1)}% of the screen is drawn`);
  if (screenshotDir) await tab.screenshot({ path: join(screenshotDir, `player-${screen}-${name}.png`) });
}

/**
 * A game played to a win, upright: pieces dropped for the level's two minutes, past its first
 * star; the result screen celebrates (the win's words, confetti drawn over the page) and shows the
 * server's verified score.
 */
async function winJourney() {
  const viewport = SCREENS[0].viewport;
  const context = await browser.newContext({ viewport, deviceScaleFactor: DPR, hasTouch: true, isMobile: true, locale: 'zh-CN' });
  const tab = await context.newPage();
  await tab.goto(`${backend.url}/?player=winner${Date.now().toString(36)}&level=${WIN_LEVEL}&preserve`);
  await tab.waitForFunction(() => window.playproofPage?.firstFrameMs != null, null, { timeout: 30_000 });
  await tab.touchscreen.tap(viewport.width * 0.5, viewport.height * 0.8);
  await waitForScreen(tab, 'intro');
  // The map, paged to the level's tile, and its intro.
  const index = await tab.evaluate((id) => window.playproofPage.levels.findIndex((level) => level.id === id), WIN_LEVEL);
  await openFromMap(tab, index);
  await tapButton(tab, 'play');
  await tab.waitForFunction(() => window.playproofPage.state === 'playing' && window.playproofPage.hud.tick > 0, null, { timeout: 30_000 });
  // Drops at a steady pace until the level's two minutes are up: a game that ends with its
  // first star reached is a win (merge-drop has no Finish; the clock ends it).
  await playMergeDrop(tab, { deadlineMs: WIN_DEADLINE_MS });
  await tab.waitForFunction(() => ['done', 'error'].includes(window.playproofPage.state), null, { timeout: 60_000 });
  const receipt = await tab.evaluate(() => window.playproofPage.receipt);
  check(receipt?.verdict === 'accepted' && receipt.stars >= 1,
    `win: the server verified a won game (score ${receipt?.score} against the first star's ${WIN_SCORE}, ${receipt?.stars} stars)`);
  await waitForScreen(tab, 'result');
  await tab.waitForFunction(() => window.playproofPage.words().includes('过关！'), null, { timeout: 30_000 }).catch(() => {});
  const words = await tab.evaluate(() => window.playproofPage.words());
  check(words.includes('过关！'), `win: the result screen celebrates the win (${words.slice(0, 8).join(' ')})`);
  await checkScreen(tab, 'portrait', 'result-win', viewport);
  await context.close();
}

const backend = await startBackend({ playproof, webDir });
/** The upright run's game: the board's first entry when the sideways run watches it. */
let firstReceipt = null;
const browser = await launchChromium();
try {
  await checkTransport(backend.url);
  for (const { name, viewport, locale, finish } of SCREENS) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: DPR, hasTouch: true, isMobile: true, locale });
    const tab = await context.newPage();
    tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    const player = `new${name}${Date.now().toString(36)}`;
    await tab.goto(`${backend.url}/?player=${player}&level=${LEVEL}&preserve`);
    await tab.waitForFunction(() => window.playproofPage?.firstFrameMs != null, null, { timeout: 30_000 });
    const firstFrameMs = await tab.evaluate(() => window.playproofPage.firstFrameMs);
    console.log(`${name}: first frame of the start screen ${firstFrameMs.toFixed(0)} ms after navigation began (goal: within 1000 ms)`);
    const layout = await tab.evaluate(() => ({
      devHidden: document.getElementById('dev').hidden,
      visibleButtons: [...document.querySelectorAll('button, select, input')].filter((element) => element.offsetParent !== null).map((element) => element.id),
      canvas: (({ width, height }) => [width, height])(document.getElementById('game').getBoundingClientRect()),
      wasm: performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('.wasm'))
        .map((entry) => ({ transfer: entry.transferSize, decoded: entry.decodedBodySize }))[0],
    }));
    check(layout.devHidden && layout.visibleButtons.length === 0,
      `${name}: no designer or dev controls on the player's page (visible controls: ${JSON.stringify(layout.visibleButtons)})`);
    check(layout.canvas[0] === viewport.width && layout.canvas[1] === viewport.height,
      `${name}: the canvas fills the screen (${layout.canvas.join('x')})`);
    check(layout.wasm && layout.wasm.transfer < layout.wasm.decoded * 0.6,
      `${name}: the browser received the wasm compressed (${layout.wasm?.transfer} bytes on the wire for ${layout.wasm?.decoded})`);
    const progress = await tab.evaluate(() => window.playproofPage.loadProgress);
    const rising = progress.every((share, index) => index === 0 || share >= progress[index - 1]);
    check(progress.length >= 2 && rising && progress.at(-1) === 1,
      `${name}: the loading bar followed the wasm's bytes to the end (${progress.length} steps: ${progress.slice(0, 4).map((share) => share.toFixed(2)).join(' ')} … ${progress.at(-1)})`);
    await tab.waitForTimeout(300);
    const pixels = await canvasPixels(tab);
    const button = rgb(theme.progress);
    const near = pixels.centre.every((channel, index) => Math.abs(channel - button[index]) <= 48);
    check(pixels.width === viewport.width * DPR && pixels.height === viewport.height * DPR,
      `${name}: the start screen is drawn at ${pixels.width}x${pixels.height} device pixels`);
    check(near, `${name}: the play button is in the middle (colour ${pixels.centre.join(',')}, theme ${button.join(',')})`);
    check(pixels.foregroundShare > 0.03, `${name}: ${(pixels.foregroundShare * 100).toFixed(1)}% of the start screen is drawn`);
    if (screenshotDir) await tab.screenshot({ path: join(screenshotDir, `player-start-${name}.png`) });
    const silent = await tab.evaluate(() => window.playproofPage.sound());
    check(!silent.on, `${name}: silent until the first tap`);
    // A newcomer taps somewhere that is not the button: the first level's intro, then Start.
    await tab.touchscreen.tap(viewport.width * 0.2, viewport.height * 0.8);
    await waitForScreen(tab, 'intro');
    await tab.waitForTimeout(300);
    await checkScreen(tab, name, 'intro', viewport);
    // The level's leaderboard: verified scores by pseudonym (the first run's game shows in the
    // second's), then back to the intro.
    await tapButton(tab, 'leaderboard');
    await waitForScreen(tab, 'leaderboard');
    // The second run's board holds the first run's game once the server's answer is drawn.
    if (name !== 'portrait') {
      await tab.waitForFunction(() => window.playproofPage.words().some((word) => /#\d{4}$/.test(word)), null, { timeout: 30_000 }).catch(() => {});
    }
    await tab.waitForTimeout(300);
    await checkScreen(tab, name, 'leaderboard', viewport);
    const pseudonyms = await tab.evaluate(() => window.playproofPage.words().filter((word) => /#\d{4}$/.test(word)));
    check(name === 'portrait' || pseudonyms.length > 0, `${name}: the leaderboard names players by pseudonym (${pseudonyms.join(', ')})`);
    if (name !== 'portrait') {
      // A ghost replay: the first run's game, played back from its input log by the same wasm
      // and renderer; the canvas moves from frame to frame, and a tap returns to the board.
      await tapButton(tab, 'watch');
      await waitForScreen(tab, 'watching');
      await tab.waitForFunction(() => window.playproofPage.words().includes('Replay · tap to go back'), null, { timeout: 30_000 });
      // Played back at its own pace, it reaches the verified score with every input applied.
      await tab.waitForFunction(({ score, inputs }) => window.playproofPage.hud.score === score
        && window.playproofPage.hud.inputs === inputs, firstReceipt, { timeout: 60_000 }).catch(() => {});
      const ghost = await tab.evaluate(() => ({ ...window.playproofPage.hud }));
      check(ghost.score === firstReceipt?.score && ghost.inputs === firstReceipt?.inputs,
        `${name}: the ghost replay ends on the verified game (score ${ghost.score}, ${ghost.inputs} inputs; the server verified ${firstReceipt?.score})`);
      const pixels = await canvasPixels(tab);
      check(pixels.foregroundShare > 0.05, `${name}: the ghost replay draws the game (${(pixels.foregroundShare * 100).toFixed(1)}% drawn)`);
      if (screenshotDir) await tab.screenshot({ path: join(screenshotDir, `player-ghost-${name}.png`) });
      await tab.touchscreen.tap(viewport.width * 0.5, viewport.height * 0.5);
      await waitForScreen(tab, 'leaderboard');
    }
    await tapButton(tab, 'back');
    await waitForScreen(tab, 'intro');
    await tapButton(tab, 'play');
    await tab.waitForFunction(() => window.playproofPage.state === 'error'
      || (window.playproofPage.state === 'playing' && window.playproofPage.hud.tick > 0), null, { timeout: 30_000 });
    const state = await tab.evaluate(() => ({ state: window.playproofPage.state, error: window.playproofPage.error }));
    check(state.state === 'playing', `${name}: two taps started a game (${state.state} ${JSON.stringify(state.error)})`);
    const finishText = await tab.evaluate(() => document.getElementById('stop').textContent);
    check(finishText === finish, `${name}: in ${locale} the page's words come from the game's table ("${finishText}")`);
    await swipeOneMove(tab);
    await tab.waitForFunction(() => window.playproofPage.sound().cuesPlayed > 0, null, { timeout: 30_000 }).catch(() => {});
    const sound = await tab.evaluate(() => window.playproofPage.sound());
    check(sound.on && sound.cuesPlayed > 0, `${name}: after the tap, sound is on and the move played cues (${JSON.stringify(sound)})`);
    if (screenshotDir) await tab.screenshot({ path: join(screenshotDir, `player-game-${name}.png`) });
    // The player stops: the result screen shows the server's verdict (a loss: the goal is far).
    await tab.click('#stop');
    await tab.waitForFunction(() => ['done', 'error'].includes(window.playproofPage.state), null, { timeout: 60_000 });
    const receipt = await tab.evaluate(() => ({ ...window.playproofPage.receipt, inputs: window.playproofPage.hud.inputs }));
    check(receipt?.verdict === 'accepted', `${name}: the server verified the game (${JSON.stringify(receipt)})`);
    firstReceipt ??= receipt;
    await waitForScreen(tab, 'result');
    await tab.waitForTimeout(300);
    await checkScreen(tab, name, 'result', viewport);
    // On through every screen by touch: the map, the wallet, back, settings.
    await tapButton(tab, 'map');
    await waitForScreen(tab, 'map');
    await tab.waitForTimeout(500);
    await checkScreen(tab, name, 'map', viewport);
    await tapButton(tab, 'wallet');
    await waitForScreen(tab, 'wallet');
    await tab.waitForTimeout(500);
    await checkScreen(tab, name, 'wallet', viewport);
    await tapButton(tab, 'map');
    await waitForScreen(tab, 'map');
    await tapButton(tab, 'settings');
    await waitForScreen(tab, 'settings');
    await tab.waitForTimeout(300);
    await checkScreen(tab, name, 'settings', viewport);
    await tapButton(tab, 'sound');
    // Kept: sound off (bit 1), vibration and reminders on as they were (2, 4), the language the
    // browser's locale chose (8 for English). Nothing is kept until a setting changes.
    const wanted = 2 | 4 | (locale.startsWith('en') ? 8 : 0);
    await tab.waitForFunction((bits) => localStorage.getItem('playproof.settings') === String(bits), wanted, { timeout: 30_000 }).catch(() => {});
    const kept = await tab.evaluate(() => localStorage.getItem('playproof.settings'));
    check(kept === String(wanted), `${name}: turning sound off is kept by the page (settings ${kept}, wanted ${wanted})`);
    await context.close();
  }
  await winJourney();
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
  console.error(backend.log());
} finally {
  await browser.close();
  await backend.stop();
}
console.log(`player page: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
