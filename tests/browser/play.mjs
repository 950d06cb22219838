// Drives the playable page like a player: synthetic pointer and touch events only. The page's
// `window.playproofPage` reports its state and the HUD (as the wasm wrote it); the test never
// reads or computes game rules, it just tries swipes and watches the move counter.

export const VIEWPORT = { width: 420, height: 760 };
export const DEVICE_SCALE_FACTOR = 2;


export async function newTab(browser) {
  const context = await browser.newContext({
    viewport: VIEWPORT, deviceScaleFactor: DEVICE_SCALE_FACTOR, hasTouch: true,
  });
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error') console.error(`page console: ${message.text()}`);
  });
  return tab;
}

export const pageState = (tab) => tab.evaluate(() => {
  const page = window.playproofPage;
  return { state: page.state, hud: { ...page.hud }, receipt: page.receipt, error: page.error, balanceFen: page.balanceFen };
});

/**
 * Opens the player's page on `level`, waits for the start screen's first frame and taps the
 * middle of the screen, as a newcomer would; resolves once the game's frames run.
 */
export async function startLevel(tab, url, { player, level, preserve = false }) {
  await openStartScreen(tab, url, { player, level, preserve });
  await tapToStart(tab);
  await tab.waitForFunction(() => window.playproofPage.state === 'error'
    || (window.playproofPage.state === 'playing' && window.playproofPage.hud.tick > 0), null, { timeout: 30_000 });
  const { state, error } = await pageState(tab);
  if (state !== 'playing') throw new Error(`the game did not start: ${JSON.stringify(error)}`);
}

/** Opens the player's page and waits until the start screen is drawn. */
export async function openStartScreen(tab, url, { player, level, preserve = false }) {
  await tab.goto(`${url}/?player=${player}&level=${level}${preserve ? '&preserve' : ''}`);
  await tab.waitForFunction(() => window.playproofPage?.firstFrameMs != null, null, { timeout: 30_000 });
}

/** The screen the wasm shows (start, map, intro, playing, result, wallet, settings). */
export const screenName = (tab) => tab.evaluate(() => window.playproofPage.screen ?? null);

/** Waits until the wasm shows `screen`. */
export async function waitForScreen(tab, screen, timeoutMs = 30_000) {
  await tab.waitForFunction((wanted) => window.playproofPage.screen === wanted, screen, { timeout: timeoutMs });
}

/**
 * Taps the centre of the button that does `act` on the wasm's current screen (for `open`, the
 * tile of level `index`), by touch, as a player would. The buttons' boxes are the wasm's own
 * (`Client::buttons_json`), in CSS pixels from the canvas's corner.
 */
export async function tapButton(tab, act, index = -1) {
  const button = await tab.evaluate(({ act, index }) => window.playproofPage.buttons()
    .find((entry) => entry.act === act && (index < 0 || entry.index === index)) ?? null, { act, index });
  if (button === null) throw new Error(`no ${act} button on the ${await screenName(tab)} screen`);
  const [left, top] = await canvasOrigin(tab);
  await tab.touchscreen.tap(left + button.x + button.w / 2, top + button.y + button.h / 2);
  return button;
}

/**
 * From the start screen to a game of the page's `?level=` (else the first), by touch: a tap
 * anywhere opens the next level's intro; another level is picked on the map (paging as
 * needed); the intro's Start plays it.
 */
export async function tapToStart(tab) {
  const { width, height } = tab.viewportSize();
  await tab.touchscreen.tap(width / 2, height / 2);
  await waitForScreen(tab, 'intro');
  const { wanted, selected } = await tab.evaluate(() => {
    const page = window.playproofPage;
    const id = new URLSearchParams(location.search).get('level');
    return { wanted: Math.max(0, page.levels.findIndex((level) => level.id === id)), selected: page.request >>> 8 };
  });
  if (wanted !== selected) await openFromMap(tab, wanted);
  await tapButton(tab, 'play');
}

/** The levels whose tiles the map shows now, in page order. */
const mapTiles = (tab) => tab.evaluate(() => window.playproofPage.buttons()
  .filter((entry) => entry.act === 'open').map((entry) => entry.index));

/** The map's most page turns: more would mean the level is on no page. */
const MAP_PAGES_MAX = 10;

/**
 * From a screen with a Map button to level `index`'s intro, by touch: the map, paged forward to
 * the level's tile, and the tile. Each page turn waits until the next page is drawn: a tap is
 * read on the next frame, so a second tap sent before it turns the page twice and passes the
 * level by (a busy machine draws frames slowly).
 */
export async function openFromMap(tab, index) {
  await tapButton(tab, 'map');
  await waitForScreen(tab, 'map');
  for (let turns = 0; ; turns += 1) {
    const tiles = await mapTiles(tab);
    if (tiles.includes(index)) break;
    if (turns === MAP_PAGES_MAX) throw new Error(`level ${index} is on none of the map's pages`);
    await tapButton(tab, 'page_next');
    await tab.waitForFunction((first) => window.playproofPage.buttons()
      .find((entry) => entry.act === 'open')?.index !== first, tiles[0], { timeout: 30_000 });
  }
  await tapButton(tab, 'open', index);
  await waitForScreen(tab, 'intro');
}

const boardRect = (tab) => tab.evaluate(() => Array.from(window.playproofPage.session.client.boardRect()));
const lastRefusal = (tab) => tab.evaluate(() => window.playproofPage.session.client.lastRefusal() ?? null);

/** The canvas's position on the page (board coordinates are relative to it). */
const canvasOrigin = (tab) => tab.evaluate(() => {
  const rect = document.getElementById('game').getBoundingClientRect();
  return [rect.left, rect.top];
});

/** Whether the game still takes input: the page stays 'playing' while its proof is verified. */
const gameRunning = (tab) => tab.evaluate(() => window.playproofPage.session?.state === 'playing');

/**
 * Waits until the game has run `ticks` more ticks than at `tick` (or has ended). The game reads
 * input on its next frame and a busy machine draws frames slowly, so the tests pace themselves
 * in game ticks, never in wall time.
 */
async function waitTicks(tab, tick, ticks, timeoutMs = 60_000) {
  await tab.waitForFunction(({ until }) => {
    const page = window.playproofPage;
    return page.session?.state !== 'playing' || (page.hud.tick ?? 0) >= until;
  }, { until: (tick ?? 0) + ticks }, { timeout: timeoutMs });
}

/** Waits until the game has run `ticks` more ticks from now (or has ended). */
export async function afterTicks(tab, ticks) {
  await waitTicks(tab, (await pageState(tab)).hud.tick, ticks);
}

/** Ticks a move's swipe is given to be read (one frame is enough; two leave no doubt). */
const READ_TICKS = 2;
/** Ticks to wait before trying a swipe again on a moving board: a quarter second of game. */
const SETTLE_TICKS = 15;

/**
 * Makes one match-3 move by swiping, trying cells and directions in reading order until the
 * game accepts one (refused swipes cost nothing). Returns the number of swipes tried.
 */
export async function swipeOneMove(tab) {
  const [left, top, cell, rows, cols] = await boardRect(tab);
  const [canvasLeft, canvasTop] = await canvasOrigin(tab);
  let tries = 0;
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < cols; col += 1) {
      for (const [dx, dy] of [[1, 0], [0, 1]]) {
        for (let attempt = 0; attempt < 20; attempt += 1) {
          const before = (await pageState(tab)).hud.inputs;
          const x = canvasLeft + left + (col + 0.5) * cell;
          const y = canvasTop + top + (row + 0.5) * cell;
          await tab.mouse.move(x, y);
          await tab.mouse.down();
          await tab.mouse.move(x + dx * cell * 0.8, y + dy * cell * 0.8, { steps: 4 });
          await tab.mouse.up();
          tries += 1;
          const released = (await pageState(tab)).hud.tick;
          await waitTicks(tab, released, READ_TICKS);
          if (!(await gameRunning(tab)) || (await pageState(tab)).hud.inputs > before) return tries;
          // A moving board refuses every swipe: wait and try the same one again.
          if ((await lastRefusal(tab)) !== 'board_not_stable') break;
          await waitTicks(tab, (await pageState(tab)).hud.tick, SETTLE_TICKS);
        }
      }
    }
  }
  throw new Error(`no swipe was accepted after ${tries} tries`);
}

/** Plays match-3 moves until the game is over; returns the moves made. */
export async function playMatch3(tab, { movesMax = 40 } = {}) {
  let moves = 0;
  while ((await gameRunning(tab)) && moves < movesMax) {
    await swipeOneMove(tab);
    moves += 1;
  }
  return moves;
}

/**
 * Ticks between two drops, in turn: each past the drop cooldown (30 ticks), spread as a
 * person's are (coefficient of variation about 0.5, no two alike). A metronome's pace is what
 * the service's risk check holds, and the journeys check that games are paid.
 */
const DROP_GAPS_TICKS = [31, 64, 40, 118, 35, 52, 83, 38, 70, 46, 140, 55];
/** Wall time without a new game tick after which the game is taken as stuck. */
const STALL_MS = 30_000;

/**
 * Taps drops across the container (touch events) until the game ends, paced in game ticks. It
 * fails if the game's clock stops for [`STALL_MS`] or the game outlives `deadlineMs` of wall time
 * (a generous bound: a slow machine runs the game's clock slower than the wall's).
 */
export async function playMergeDrop(tab, { deadlineMs }) {
  const [, top, scale] = await boardRect(tab);
  const [canvasLeft, canvasTop] = await canvasOrigin(tab);
  const { width } = VIEWPORT;
  const started = Date.now();
  let taps = 0;
  // Along the width of the canvas; the wasm clamps each drop into the container.
  const xs = [0.3, 0.7, 0.45, 0.55, 0.35, 0.65].map((share) => canvasLeft + width * share);
  const y = canvasTop + top + scale;
  while (await gameRunning(tab)) {
    if (Date.now() - started > deadlineMs) throw new Error(`merge-drop still running after ${deadlineMs} ms`);
    const tick = (await pageState(tab)).hud.tick;
    await tab.touchscreen.tap(xs[taps % xs.length], y);
    taps += 1;
    try {
      await waitTicks(tab, tick, DROP_GAPS_TICKS[taps % DROP_GAPS_TICKS.length], STALL_MS);
    } catch (error) {
      throw new Error(`merge-drop's clock stood still for ${STALL_MS} ms at tick ${tick}`, { cause: error });
    }
  }
  return taps;
}

/** Waits until the page has the server's receipt (or an error). */
export async function waitForReceipt(tab, timeoutMs = 60_000) {
  await tab.waitForFunction(() => ['done', 'error'].includes(window.playproofPage.state), null, { timeout: timeoutMs });
  return pageState(tab);
}
