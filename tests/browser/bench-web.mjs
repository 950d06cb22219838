// `cargo xtask bench web`: the browser build measured in headless Chromium.
// - wasm time per frame (simulation + render preparation, and with the WebGL submission) with
//   about 100 bodies in a merge-drop container, pieces still being dropped so they stay awake;
// - time from starting to load the wasm to the first drawn frame;
// - the .wasm size raw, gzip and brotli.
// usage: node bench-web.mjs WEB_DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { serve } from './static-server.mjs';

const BODIES_TARGET = 100;
const FRAMES_MEASURED = 600;
const FRAME_BUDGET_MS = 1.0;

const [webDir] = process.argv.slice(2);
if (!webDir) {
  console.error('usage: node bench-web.mjs WEB_DIR');
  process.exit(2);
}

// A wide box, so a hundred pieces fit under the danger line; otherwise md-01-classic's tiers.
const classic = JSON.parse(readFileSync(join(webDir, 'levels/merge/md-01-classic.json'), 'utf8'));
const spec = classic.game.merge_drop;
const benchLevel = {
  id: 'bench-wide', name: 'Bench: wide box',
  game: {
    merge_drop: {
      ...spec,
      container: [[-12000, 24000], [-12000, 0], [12000, 0], [12000, 24000]],
      drop_y_milli: 22000, danger_y_milli: 21000, time_limit_ticks: 36000,
    },
  },
};

const page = `<!doctype html><meta charset="utf-8"><title>bench</title>
<canvas id="game" style="width:400px;height:700px;display:block"></canvas>
<script type="module">
  const started = performance.now();
  const glue = await import('/pkg/game_wasm.js');
  const exports = await glue.default({ module_or_path: '/pkg/game_wasm_bg.wasm' });
  const [level, theme] = await Promise.all([
    fetch('/level.json').then((r) => r.arrayBuffer()),
    fetch('/theme.json').then((r) => r.text()),
  ]);
  const client = new glue.Client(crypto.getRandomValues(new Uint8Array(32)));
  client.startUnticketed(new Uint8Array(level), 20261121n);
  client.attach(document.getElementById('game'), theme, false);
  const touches = () => new Float32Array(exports.memory.buffer, client.touchBufferPtr(), 8);
  await new Promise((resolve) => requestAnimationFrame(resolve));
  client.frame(1 / 60, 0, 400, 700, 1, true);
  const firstFrameMs = performance.now() - started;
  // Drops across the box every 31 ticks; the x sequence is fixed (the host holds no randomness).
  let frame = 0;
  let drop = 0;
  const step = (draw) => {
    let count = 0;
    if (frame % 31 === 0) {
      const x = 20 + ((drop * 137) % 360);
      touches().set([0, 1, x, 60, 2, 1, x, 60]);
      count = 2;
      drop += 1;
    }
    frame += 1;
    const before = performance.now();
    client.frame(1 / 60, count, 400, 700, 1, draw);
    return performance.now() - before;
  };
  while (client.bodyCount() < ${BODIES_TARGET} && frame < 60 * 60 * 8) step(false);
  const measure = (draw) => {
    const times = [];
    // The mean from one pair of clock reads around all frames (per-frame reads are coarse).
    const begin = performance.now();
    for (let index = 0; index < ${FRAMES_MEASURED}; index += 1) times.push(step(draw));
    const mean = (performance.now() - begin) / ${FRAMES_MEASURED};
    times.sort((a, b) => a - b);
    return { mean, p50: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] };
  };
  const bodiesStart = client.bodyCount();
  const prepare = measure(false);
  const withDraw = measure(true);
  const hud = new Uint32Array(exports.memory.buffer, client.hudPtr(), glue.hudFields().split(',').length);
  const tick = hud[glue.hudFields().split(',').indexOf('tick')];
  window.result = { tick, firstFrameMs, bodiesStart, bodiesEnd: client.bodyCount(), prepare, withDraw, webgl2: client.isWebgl2(), ticks: frame };
</script>`;

// The web build names the wasm by its content hash; its generated module `pkg/build.js` says
// which (read as text: it is a browser module, not one Node loads from a folder without
// a package.json).
const wasmFile = /WASM_FILE = '([^']+)'/.exec(readFileSync(join(webDir, 'pkg/build.js'), 'utf8'))[1];
const wasmPath = join(webDir, 'pkg', wasmFile);
const server = await serve({
  '/': { body: page, type: 'text/html; charset=utf-8' },
  '/pkg/game_wasm.js': join(webDir, 'pkg/game_wasm.js'),
  '/pkg/game_wasm_bg.wasm': wasmPath,
  '/level.json': { body: JSON.stringify(benchLevel), type: 'application/json' },
  '/theme.json': join(webDir, 'themes/default.json'),
});
const browser = await launchChromium();
let exitCode = 1;
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await tab.goto(`${server.url}/`);
  await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 300_000 });
  const result = await tab.evaluate(() => window.result);
  const wasm = readFileSync(wasmPath);
  const gzip = gzipSync(wasm, { level: 9 }).length;
  const brotli = brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const ms = (value) => value.toFixed(3).padStart(8);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(11);
  console.log(`web benchmark, ${browser.version()} headless (SwiftShader WebGL${result.webgl2 ? '2' : '1'}), ${result.bodiesStart}-${result.bodiesEnd} bodies, ${FRAMES_MEASURED} frames each, game tick ${result.tick} after ${result.ticks} frames`);
  console.log('');
  console.log('| per frame (ms)                     |     mean |      p50 |      p95 |      max | budget |');
  console.log('| ---------------------------------- | -------- | -------- | -------- | -------- | ------ |');
  console.log(`| wasm: simulation + render prep     | ${ms(result.prepare.mean)} | ${ms(result.prepare.p50)} | ${ms(result.prepare.p95)} | ${ms(result.prepare.max)} | <= ${FRAME_BUDGET_MS} |`);
  console.log(`| wasm + WebGL submission (1 draw)   | ${ms(result.withDraw.mean)} | ${ms(result.withDraw.p50)} | ${ms(result.withDraw.p95)} | ${ms(result.withDraw.max)} |        |`);
  console.log('');
  console.log(`| load                               | value       |`);
  console.log('| ---------------------------------- | ----------- |');
  console.log(`| start of load to first drawn frame | ${`${result.firstFrameMs.toFixed(1)} ms`.padStart(11)} |`);
  console.log(`| game_wasm_bg.wasm raw              | ${kb(wasm.length)} |`);
  console.log(`| gzip -9                            | ${kb(gzip)} |`);
  console.log(`| brotli q11                         | ${kb(brotli)} |`);
  console.log('');
  console.log('(timer resolution in a page without cross-origin isolation is 0.1 ms; the means are averages over many frames)');
  exitCode = result.bodiesStart >= BODIES_TARGET ? 0 : 1;
  if (exitCode !== 0) console.error(`only ${result.bodiesStart} bodies were reached`);
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
