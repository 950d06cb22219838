// The benchmark's wasm interpreter (wasm-interpreter.mjs) must run the mini-game artifact
// exactly as V8 does, or its timings would measure something else: the same merge-drop and
// match-3 frames through both, compared word for word (HUD) and float for float (render list).
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { abiApi } from '../../host-shim/src/wasm/abi-client.js';
import * as interpreter from './wasm-interpreter.mjs';
import { WebGlStandIn } from './webgl-standin.mjs';

const wasmBytes = readFileSync('target/minigame/game.wasm');
const theme = readFileSync('assets/themes/default.json', 'utf8');
const FRAMES = 240;

/** Plays FRAMES frames with a drop or a swipe every 8 frames; returns what the host sees. */
async function play(instantiate, levelPath) {
  const { instance } = await instantiate(wasmBytes, {});
  const { api, memory } = abiApi(instance.exports);
  const client = new api.Client(new Uint8Array(32).map((_, index) => index * 5 + 1));
  client.startUnticketed(readFileSync(levelPath), 424242);
  const canvas = { width: 640, height: 1120 };
  canvas.getContext = (kind) => (kind === 'webgl2' ? new WebGlStandIn(canvas, 2) : null);
  client.attach(canvas, theme, false);
  const hudWords = api.hudFields().split(',').length;
  const frames = [];
  client.frame(1 / 60, 0, 320, 560, 2, false);
  const [left, top, cell, rows, cols] = client.boardRect();
  for (let frame = 1; frame < FRAMES; frame += 1) {
    let count = 0;
    if (frame % 8 === 0) {
      // Merge-drop: a drop across the box. Match-3: a swipe right or down from the next cell.
      const swipe = frame / 8;
      const row = rows > 0 ? Math.floor(swipe / 2) % rows : 0;
      const col = cols > 0 ? swipe % cols : 0;
      const x = rows > 0 ? left + (col + 0.5) * cell : 40 + ((frame * 37) % 220);
      const y = rows > 0 ? top + (row + 0.5) * cell : 200;
      const [dx, dy] = swipe % 2 === 0 ? [cell, 0] : [0, cell];
      new Float32Array(memory.buffer, client.touchBufferPtr(), 12).set([0, 1, x, y, 1, 1, x + dx, y + dy, 2, 1, x + dx, y + dy]);
      count = 3;
    }
    client.frame(1 / 60, count, 320, 560, 2, false);
    const block = new Uint32Array(memory.buffer, instance.exports.pp_render_ptr(), 4);
    const instances = new Float32Array(memory.buffer, block[2], block[3] * 12);
    frames.push({
      hud: Array.from(new Uint32Array(memory.buffer, client.hudPtr(), hudWords)),
      instances: Array.from(instances),
    });
  }
  const hud = Object.fromEntries(api.hudFields().split(',').map((name, index) => [name, frames.at(-1).hud[index]]));
  return { frames, hud, bodies: client.bodyCount() };
}

for (const level of ['assets/levels/merge/md-01-classic.json', 'assets/levels/match3/m3-02-rainbow.json']) {
  test(`the interpreter plays ${level} exactly as V8 does`, async () => {
    const native = await play((bytes, imports) => WebAssembly.instantiate(bytes, imports), level);
    const interpreted = await play(interpreter.instantiate, level);
    assert.equal(native.hud.tick, FRAMES);
    assert.ok(native.hud.inputs > 0, 'the touches became moves or drops');
    assert.deepEqual(interpreted, native);
  });
}
