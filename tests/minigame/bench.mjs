// The mini-game build on a low-end budget: Node with the JIT disabled (`node --jitless`), as
// iOS runs mini-games outside high-performance mode. Reports:
// - the artifact sizes (game.wasm, game.wasm.br, playproof.js);
// - instantiate-to-first-frame: from reading the brotli package file to the first frame drawn;
// - wasm time per frame with about 100 merge-drop bodies, pieces still dropping so they stay
//   awake, through the same glue-free API the mini-game projects use.
//
// `--jitless` removes WebAssembly from V8 altogether (its release builds have no wasm
// interpreter), so without it the module runs in our own MVP interpreter
// (wasm-interpreter.mjs), itself interpreted: a pessimistic stand-in for a device's wasm
// interpreter. With WebAssembly present (any other flags), V8 runs it.
//
// Reaching 100 bodies takes thousands of frames, hours for the interpreter, so under
// `--jitless` a child process (JIT on) plays the same calls up to that point and hands over the
// module's linear memory, which holds all of the game's state (the interpreter then continues
// from the same bytes; wasm-interpreter.test.mjs checks that both engines play identically).
// usage: node --jitless tests/minigame/bench.mjs MINIGAME_DIR
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { execArgv } from 'node:process';

import { abiApi } from '../../host-shim/src/wasm/abi-client.js';
import { WebGlStandIn } from './webgl-standin.mjs';
import * as interpreter from './wasm-interpreter.mjs';

const interpreted = typeof WebAssembly === 'undefined';
const BODIES_TARGET = 100;
const FRAMES_MEASURED = interpreted ? 120 : 600;
const CSS = { width: 375, height: 731, dpr: 3 };

const [dir, snapshotOut] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node --jitless tests/minigame/bench.mjs MINIGAME_DIR');
  process.exit(2);
}
const flags = execArgv.join(' ');

// A wide box, so a hundred pieces fit under the danger line; otherwise md-01-classic's tiers
// (the same scene as the browser benchmark).
const classic = JSON.parse(readFileSync('assets/levels/merge/md-01-classic.json', 'utf8'));
const level = new TextEncoder().encode(JSON.stringify({
  id: 'bench-wide', name: 'Bench: wide box',
  game: {
    merge_drop: {
      ...classic.game.merge_drop,
      container: [[-12000, 24000], [-12000, 0], [12000, 0], [12000, 24000]],
      drop_y_milli: 22000, danger_y_milli: 21000, time_limit_ticks: 36000,
    },
  },
}));
const theme = readFileSync('assets/themes/default.json', 'utf8');
const canvas = { width: CSS.width * CSS.dpr, height: CSS.height * CSS.dpr, getContext: (kind) => (kind === 'webgl2' ? gl : null) };
const gl = new WebGlStandIn(canvas, 2);
const entropy = new Uint8Array(32).map((_, index) => index * 7 + 3);

const started = performance.now();
const bytes = brotliDecompressSync(readFileSync(join(dir, 'game.wasm.br')));
const { instance } = await (interpreted ? interpreter.instantiate(bytes, {}) : WebAssembly.instantiate(bytes, {}));
const { api, memory } = abiApi(instance.exports);
const client = new api.Client(entropy);
client.startUnticketed(level, 20261121);
client.attach(canvas, theme, false);
client.frame(1 / 60, 0, CSS.width, CSS.height, CSS.dpr, true);
const firstFrameMs = performance.now() - started;

let frame = 0;
let drop = 0;
const touches = () => new Float32Array(memory.buffer, client.touchBufferPtr(), 8);
/** One frame; drops across the box every 31 ticks (a fixed x sequence). Returns its ms. */
const step = (draw) => {
  let count = 0;
  if (frame % 31 === 0) {
    const x = 20 + ((drop * 137) % 335);
    touches().set([0, 1, x, 60, 2, 1, x, 60]);
    count = 2;
    drop += 1;
  }
  frame += 1;
  const before = performance.now();
  client.frame(1 / 60, count, CSS.width, CSS.height, CSS.dpr, draw);
  return performance.now() - before;
};
const warmUp = () => {
  while (client.bodyCount() < BODIES_TARGET && frame < 60 * 60 * 8) step(false);
};
if (snapshotOut) {
  // The child's part: warm up, hand over memory and counters, stop.
  warmUp();
  writeFileSync(snapshotOut, new Uint8Array(memory.buffer));
  writeFileSync(`${snapshotOut}.json`, JSON.stringify({ frame, drop }));
  process.exit(0);
}
if (interpreted) {
  const scratch = mkdtempSync(join(tmpdir(), 'playproof-bench-'));
  const snapshot = join(scratch, 'memory.bin');
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), dir, snapshot], { stdio: 'inherit' });
  const bytesWarm = readFileSync(snapshot);
  ({ frame, drop } = JSON.parse(readFileSync(`${snapshot}.json`, 'utf8')));
  rmSync(scratch, { recursive: true, force: true });
  const pages = bytesWarm.length / 65536 - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  new Uint8Array(memory.buffer).set(bytesWarm);
} else {
  warmUp();
}
const measure = (draw) => {
  const times = [];
  const begin = performance.now();
  for (let index = 0; index < FRAMES_MEASURED; index += 1) times.push(step(draw));
  const mean = (performance.now() - begin) / FRAMES_MEASURED;
  times.sort((a, b) => a - b);
  return { mean, p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] };
};
const bodiesStart = client.bodyCount();
const prepare = measure(false);
const withDraw = measure(true);

const kb = (path) => `${(statSync(join(dir, path)).size / 1024).toFixed(1)} KiB (${statSync(join(dir, path)).size} bytes)`;
const ms = (value) => `${value.toFixed(3)} ms`;
const engine = interpreted
  ? 'wasm in the MVP interpreter (wasm-interpreter.mjs), all JavaScript interpreted: no JIT, as iOS without high-performance mode'
  : 'wasm in V8';
console.log(`\nMini-game build under Node ${process.version} ${flags || '(default flags)'}: ${engine}\n`);
console.log('| measure | value |');
console.log('|---|---|');
console.log(`| game.wasm | ${kb('game.wasm')} |`);
console.log(`| game.wasm.br (budget 150,000 bytes) | ${kb('game.wasm.br')} |`);
console.log(`| playproof.js (shim bundle) | ${kb('playproof.js')} |`);
console.log(`| instantiate to first frame | ${ms(firstFrameMs)} |`);
console.log(`| bodies while measured | ${bodiesStart} to ${client.bodyCount()} |`);
console.log(`| wasm per frame (simulate + prepare), mean / p95 / max | ${ms(prepare.mean)} / ${ms(prepare.p95)} / ${ms(prepare.max)} |`);
console.log(`| frame with WebGL submission (stand-in), mean / p95 / max | ${ms(withDraw.mean)} / ${ms(withDraw.p95)} / ${ms(withDraw.max)} |`);
console.log(`| frames measured | ${FRAMES_MEASURED} each |`);
