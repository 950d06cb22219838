// Designer mode in a real browser against the real backend: the page watches a level file,
// shows the core's validation problems instead of a broken game, and restarts the level as
// practice when the file is valid again. Beside the problems, the level's preview: the drawing
// `playproof levels render` makes (the same shapes, counted against the command's SVG, and
// pixels on screen), for a valid level and for one that breaks only a named rule. The test
// serves a copy of the built page whose level files it rewrites, as a designer's editor would.
// usage: node web-designer.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startBackend } from './backend.mjs';
import { newTab } from './play.mjs';

const LEVEL = 'm3-03-three-colours';
const LEVEL_PATH = `levels/match3/${LEVEL}.json`;
/** What the core says about the broken file: nine colours and a ragged second row. */
const BROKEN_PROBLEMS = [
  'game.match3.colors: found 9; allowed: 3 to 6',
  'game.match3.layout[1]: found 4 characters; allowed: 6 characters, like layout[0]',
];
/** A level whose fields are all valid but on which no swap can ever make a line. */
const RULE_BROKEN = readFileSync('designer/tests/malformed/no-possible-swap-strip.json', 'utf8');
const RULE_PROBLEMS = [
  'game.match3.layout: found no swap that can ever make a line (every game is lost before its first move); allowed: two neighbouring unlocked pieces whose swap can complete 3 open cells in a line [no-possible-swap]',
];
/** The longest wait for the page to see a saved file and draw it, on a loaded machine. */
const WAIT_MS = 30_000;
/** The first wait also covers compiling the wasm and the first WebGL frames. */
const FIRST_WAIT_MS = 60_000;

const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir) {
  console.error('usage: node web-designer.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

// The page's level folders link to assets/levels; the copy holds real files the test may edit.
const served = mkdtempSync(join(tmpdir(), 'playproof-designer-'));
cpSync(webDir, served, { recursive: true, dereference: true });
const levelFile = join(served, LEVEL_PATH);
const original = readFileSync(levelFile, 'utf8');

/**
 * Saves the level file as most editors do: the whole text to a new file, renamed over the old
 * one, so the page never reads it half written (the page also waits out in-place saves, but
 * only for a moment).
 */
const save = (text) => {
  writeFileSync(`${levelFile}.saving`, text);
  renameSync(`${levelFile}.saving`, levelFile);
};

const nthIndex = (text, needle, n) => {
  let at = -1;
  for (let i = 0; i <= n; i += 1) at = text.indexOf(needle, at + 1);
  return at;
};
const row = nthIndex(original, '"......"', 1);
const broken = (original.slice(0, row) + '"...."' + original.slice(row + 8))
  .replace('"colors": 3', '"colors": 9');
const changed = original.replace(/"moves": \d+/, '"moves": 7');

/** The page's view of designer mode and the game, in one look. */
const designerState = (tab) => tab.evaluate(() => {
  const page = window.playproofPage;
  const problems = document.getElementById('problems');
  return {
    state: page.state,
    hud: { ...page.hud },
    practice: page.session?.client?.isPractice?.() ?? null,
    practiceBanner: !document.getElementById('practice').hidden,
    problems: problems.hidden ? null : Array.from(problems.querySelectorAll('li'), (item) => item.textContent),
    canvasVisible: getComputedStyle(document.getElementById('game')).visibility !== 'hidden',
    panelVisible: document.getElementById('designer-panel').getBoundingClientRect().width > 0,
    previewCaption: document.getElementById('preview-caption').textContent,
    // Shapes of the preview that the browser lays out with a size, by element name.
    previewShapes: Object.fromEntries(['rect', 'circle', 'line'].map((name) => [name,
      Array.from(document.querySelectorAll(`#preview-drawing svg ${name}`))
        .filter((shape) => { const box = shape.getBoundingClientRect(); return box.width > 0 || box.height > 0; }).length])),
  };
});

/** Shapes of an SVG text by element name, as `playproof levels render` wrote them. */
const svgShapes = (text) => Object.fromEntries(['rect', 'circle', 'line'].map((name) => [name,
  (text.match(new RegExp(`<${name} `, 'g')) ?? []).length]));

/** What `playproof levels render` draws for the served level file, as shape counts. */
const cliShapes = () => {
  const out = join(served, 'preview.svg');
  execFileSync(playproof, ['levels', 'render', levelFile, '--seed', '1', '--out', out,
    '--theme', join(served, 'themes/default.json')]);
  return svgShapes(readFileSync(out, 'utf8'));
};

/** Distinct colours of the page's preview, rasterised by the browser from the panel's SVG. */
const previewColours = (tab) => tab.evaluate(async () => {
  const drawing = document.querySelector('#preview-drawing svg');
  if (!drawing) return 0;
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(drawing))}`;
  await image.decode();
  const copy = document.createElement('canvas');
  copy.width = 96;
  copy.height = 96;
  const context = copy.getContext('2d');
  context.drawImage(image, 0, 0, 96, 96);
  const pixels = context.getImageData(0, 0, 96, 96).data;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  return colours.size;
});

/** The preview is on screen: shapes laid out, several colours in its pixels. */
async function checkPreviewDrawn(tab, what, expectedShapes) {
  const state = await designerState(tab);
  const shapes = state.previewShapes;
  check(state.panelVisible && shapes.circle > 0 && shapes.rect > 0,
    `${what}: the preview beside the problems is drawn (${JSON.stringify(shapes)})`);
  if (expectedShapes) {
    check(JSON.stringify(shapes) === JSON.stringify(expectedShapes),
      `${what}: the preview has the shapes of \`playproof levels render\` (${JSON.stringify(expectedShapes)})`);
  }
  const colours = await previewColours(tab);
  check(colours > 4, `${what}: the preview's pixels hold ${colours} colours`);
}

/** Distinct colours in a sample of the canvas's last frame (the page keeps it with ?preserve). */
const canvasColours = (tab) => tab.evaluate(() => {
  const game = document.getElementById('game');
  const copy = document.createElement('canvas');
  copy.width = 64;
  copy.height = 64;
  const context = copy.getContext('2d');
  context.drawImage(game, 0, 0, 64, 64);
  const pixels = context.getImageData(0, 0, 64, 64).data;
  const colours = new Set();
  for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  return colours.size;
});

/** Waits until the game runs and draws as practice; `moves` checks the level's data. */
async function waitForPractice(tab, what, moves, timeoutMs = WAIT_MS) {
  await tab.waitForFunction((moves) => {
    const page = window.playproofPage;
    return page.state === 'practice' && page.hud.tick > 0 && page.hud.draw_calls > 0
      && (moves === undefined || page.hud.moves_left === moves);
  }, moves, { timeout: timeoutMs });
  const state = await designerState(tab);
  check(state.practice === true && state.practiceBanner, `${what}: the game is marked practice`);
  check(state.problems === null && state.canvasVisible, `${what}: no problem panel, the canvas is shown`);
  const colours = await canvasColours(tab);
  check(colours > 3, `${what}: the canvas is drawn (${colours} colours)`);
}

const backend = await startBackend({ playproof, webDir: served });
const browser = await launchChromium();
try {
  const tab = await newTab(browser);
  await tab.goto(`${backend.url}/?designer&preserve&player=designer&level=${LEVEL}`);
  await waitForPractice(tab, 'the shipped level', undefined, FIRST_WAIT_MS);
  await checkPreviewDrawn(tab, 'the shipped level', cliShapes());

  save(broken);
  await tab.waitForFunction(() => window.playproofPage.state === 'invalid', null, { timeout: WAIT_MS });
  const invalid = await designerState(tab);
  check(JSON.stringify(invalid.problems) === JSON.stringify(BROKEN_PROBLEMS),
    `broken file: the page lists ${JSON.stringify(invalid.problems)}`);
  check(!invalid.canvasVisible && invalid.practice === null, 'broken file: no game runs or shows');
  check(invalid.previewCaption === 'no preview until every field is valid'
    && invalid.previewShapes.circle === 0, `broken file: no preview, and why: ${invalid.previewCaption}`);

  save(RULE_BROKEN);
  await tab.waitForFunction(() => window.playproofPage.designer.loads === 3, null, { timeout: WAIT_MS });
  const ruled = await designerState(tab);
  check(JSON.stringify(ruled.problems) === JSON.stringify(RULE_PROBLEMS),
    `a named rule broken: the page lists ${JSON.stringify(ruled.problems)}`);
  await checkPreviewDrawn(tab, 'a named rule broken');
  if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/designer-problems.png` });

  save('{\n  "id": "m3-03-three-colours",\n  "name": \n}\n');
  // The value of "name" is missing: the parser stops at the brace on line 4.
  await tab.waitForFunction(() => window.playproofPage.designer.loads === 4, null, { timeout: WAIT_MS });
  const syntaxState = await designerState(tab);
  const syntax = syntaxState.problems;
  check(/^no preview: the file does not read as a level \(line 4, column 1: /.test(syntaxState.previewCaption),
    `syntax error: no preview, and why: ${syntaxState.previewCaption}`);
  check(syntax?.length === 1 && /^line 4, column 1: ./.test(syntax[0]),
    `syntax error: the page lists ${JSON.stringify(syntax)}`);

  save(changed);
  await waitForPractice(tab, 'the fixed level with 7 moves', 7);
  await checkPreviewDrawn(tab, 'the fixed level', cliShapes());
  if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/designer-practice.png` });
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  await backend.stop();
  rmSync(served, { recursive: true, force: true });
}
console.log(`designer mode: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
