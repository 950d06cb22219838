// Checks by pixels that the game is really drawn: the canvas's own pixels (read back from its
// WebGL drawing buffer) must be mostly not background, and show the theme's piece colours;
// after a resize the drawing buffer must follow the CSS size times the device pixel ratio.
// PNG screenshots are written for people to look at.
// usage: node screenshot.mjs PLAYPROOF_BIN WEB_DIR SCREENSHOT_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startBackend } from './backend.mjs';
import { afterTicks, DEVICE_SCALE_FACTOR, newTab, startLevel, swipeOneMove } from './play.mjs';

const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir || !screenshotDir) {
  console.error('usage: node screenshot.mjs PLAYPROOF_BIN WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });
const theme = JSON.parse(readFileSync(join(webDir, 'themes/default.json'), 'utf8'));
const rgb = (hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/**
 * Reads the canvas's pixels in the page and measures them: the share that is not background,
 * and which of `palette` appear (at least `minPixels` pixels within a small distance).
 */
function measure(tab, palette) {
  return tab.evaluate(({ background, palette }) => {
    const canvas = document.getElementById('game');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    const near = (at, [r, g, b], tolerance) =>
      Math.abs(data[at] - r) <= tolerance && Math.abs(data[at + 1] - g) <= tolerance && Math.abs(data[at + 2] - b) <= tolerance;
    let foreground = 0;
    const hits = palette.map(() => 0);
    for (let at = 0; at < data.length; at += 4) {
      if (!near(at, background, 3)) foreground += 1;
      palette.forEach((color, index) => { if (near(at, color, 40)) hits[index] += 1; });
    }
    const pixels = data.length / 4;
    return { width: canvas.width, height: canvas.height, foregroundShare: foreground / pixels, hits, pixels };
  }, { background: rgb(theme.background), palette });
}

const backend = await startBackend({ playproof, webDir });
const browser = await launchChromium();
try {
  const tab = await newTab(browser);
  const player = `shot${Date.now().toString(36)}`;

  // Match-3: the board and at least three piece colours (the level has three).
  await startLevel(tab, backend.url, { player, level: 'm3-03-three-colours', preserve: true });
  await afterTicks(tab, 30);
  const pieces = theme.pieces.map(rgb);
  let match3 = await measure(tab, pieces);
  await tab.screenshot({ path: join(screenshotDir, 'match3.png') });
  const colours = match3.hits.filter((count) => count > match3.pixels * 0.002).length;
  check(match3.foregroundShare > 0.3, `match-3: ${(match3.foregroundShare * 100).toFixed(0)}% of the canvas is drawn`);
  check(colours >= 3, `match-3: ${colours} piece colours visible (hits ${match3.hits.join(', ')})`);
  const css = await tab.evaluate(() => {
    const rect = document.getElementById('game').getBoundingClientRect();
    return [rect.width, rect.height];
  });
  check(match3.width === Math.round(css[0] * DEVICE_SCALE_FACTOR) && match3.height === Math.round(css[1] * DEVICE_SCALE_FACTOR),
    `match-3: drawing buffer ${match3.width}x${match3.height} is the CSS size ${css.join('x')} times DPR ${DEVICE_SCALE_FACTOR}`);
  await swipeOneMove(tab);
  await tab.waitForTimeout(80);
  await tab.screenshot({ path: join(screenshotDir, 'match3-moving.png') });

  // Resize (a phone turned sideways): the buffer follows and the board is redrawn.
  await tab.setViewportSize({ width: 760, height: 420 });
  // A few frames at the new size (frames are slow on a loaded machine's software WebGL).
  await tab.waitForFunction((dpr) => {
    const canvas = document.getElementById('game');
    return canvas.width === Math.round(canvas.getBoundingClientRect().width * dpr);
  }, DEVICE_SCALE_FACTOR, { timeout: 15_000 }).catch(() => {});
  await afterTicks(tab, 6);
  const resized = await measure(tab, pieces);
  const cssResized = await tab.evaluate(() => {
    const rect = document.getElementById('game').getBoundingClientRect();
    return [rect.width, rect.height];
  });
  check(resized.width === Math.round(cssResized[0] * DEVICE_SCALE_FACTOR) && resized.height === Math.round(cssResized[1] * DEVICE_SCALE_FACTOR),
    `resize: drawing buffer ${resized.width}x${resized.height} follows the CSS size ${cssResized.join('x')}`);
  check(resized.foregroundShare > 0.2, `resize: ${(resized.foregroundShare * 100).toFixed(0)}% of the resized canvas is drawn`);
  await tab.screenshot({ path: join(screenshotDir, 'match3-landscape.png') });
  await tab.setViewportSize({ width: 420, height: 760 });

  // Merge-drop: the container, and the tiers' colours once a few pieces fell.
  const level = JSON.parse(readFileSync(join(webDir, 'levels/merge/md-01-classic.json'), 'utf8'));
  const tiers = level.game.merge_drop.tiers.map((tier) => rgb(tier.color));
  await startLevel(tab, backend.url, { player, level: 'md-01-classic', preserve: true });
  // Four drops, each tapped until the game takes it (a drop inside the cooldown is refused),
  // then a second of game time for the pieces to land.
  const hud = () => tab.evaluate(() => ({ ...window.playproofPage.hud }));
  for (const share of [0.3, 0.7, 0.5, 0.4]) {
    const { inputs } = await hud();
    while ((await hud()).inputs === inputs) {
      const { tick } = await hud();
      await tab.touchscreen.tap(420 * share, 140);
      await tab.waitForFunction((tick) => window.playproofPage.hud.tick >= tick + 6, tick, { timeout: 30_000 });
    }
  }
  const { tick: lastDrop } = await hud();
  await tab.waitForFunction((tick) => window.playproofPage.hud.tick >= tick + 60, lastDrop, { timeout: 30_000 });
  const merge = await measure(tab, [rgb(theme.container), ...tiers]);
  await tab.screenshot({ path: join(screenshotDir, 'merge.png') });
  check(merge.hits[0] > merge.pixels * 0.002, `merge-drop: the container is drawn (${merge.hits[0]} pixels)`);
  const tierColours = merge.hits.slice(1).filter((count) => count > 200).length;
  check(tierColours >= 2, `merge-drop: ${tierColours} tier colours visible`);
  const drawCalls = await tab.evaluate(() => window.playproofPage.hud.draw_calls);
  check(drawCalls >= 1 && drawCalls <= 8, `one frame takes ${drawCalls} draw call(s) (budget 8)`);
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  await backend.stop();
}
console.log(`screenshots in ${screenshotDir}: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
