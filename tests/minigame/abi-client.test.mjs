// The mini-game artifact (target/minigame/game.wasm, made by `cargo xtask minigame`) through the
// shim's ABI client: what a host gets back for bad input (a clear error, never a trap), and the
// module's shape. Run with `node --test tests/minigame/`.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { abiApi, REQUIRED_EXPORTS } from '../../host-shim/src/wasm/abi-client.js';
import { WebGlStandIn } from './webgl-standin.mjs';

const wasmBytes = readFileSync('target/minigame/game.wasm');
const level = readFileSync('assets/levels/match3/m3-01-first-steps.json');
const theme = readFileSync('assets/themes/default.json', 'utf8');
const entropy = () => new Uint8Array(32).map((_, index) => index * 7 + 3);

async function load() {
  const { instance } = await WebAssembly.instantiate(wasmBytes, {});
  return abiApi(instance.exports);
}

function canvas() {
  const surface = { width: 300, height: 150 };
  surface.getContext = (kind) => (kind === 'webgl2' ? (surface.gl ??= new WebGlStandIn(surface, 2)) : null);
  return surface;
}

test('the module imports nothing and exports functions and its memory only', () => {
  const module = new WebAssembly.Module(wasmBytes);
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const kinds = new Set(WebAssembly.Module.exports(module).map((entry) => entry.kind));
  assert.deepEqual([...kinds].sort(), ['function', 'memory']);
  const names = WebAssembly.Module.exports(module).map((entry) => entry.name);
  for (const name of REQUIRED_EXPORTS) assert.ok(names.includes(name), `exports ${name}`);
});

test('entropy of the wrong length or without randomness is refused with a message', async () => {
  const { api } = await load();
  assert.throws(() => new api.Client(new Uint8Array(31)), /exactly 32 bytes of entropy, got 31/);
  assert.throws(() => new api.Client(new Uint8Array(32).fill(9)), /not random/);
});

test('the public key is 64 hex digits and the same entropy gives the same key', async () => {
  const { api } = await load();
  const first = new api.Client(entropy()).publicKeyHex();
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.equal(new api.Client(entropy()).publicKeyHex(), first);
});

test('a malformed ticket is refused with the decoder\'s reason', async () => {
  const { api } = await load();
  const client = new api.Client(entropy());
  assert.throws(() => client.start(new Uint8Array([1, 2, 3]), level), /the ticket is malformed/);
});

test('frames before a session and finishing a practice game are refused, not trapped', async () => {
  const { api } = await load();
  const client = new api.Client(entropy());
  assert.throws(() => client.frame(1 / 60, 0, 300, 500, 2, false), /no session: call start first/);
  client.startPractice(level, 42);
  assert.equal(client.isPractice(), true);
  client.attach(canvas(), theme, false);
  client.frame(1 / 60, 0, 300, 500, 2, true);
  assert.throws(() => client.finish(), /practice session has no ticket/);
});

test('a broken theme and a broken level name their problem', async () => {
  const { api } = await load();
  const client = new api.Client(entropy());
  client.startUnticketed(level, 7);
  assert.throws(() => client.attach(canvas(), '{"background": 3}', false), /the theme is invalid/);
  const problems = api.checkLevel(new TextEncoder().encode('{\n  "id": "x",\n  oops\n}'));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /line 3/);
  assert.deepEqual(api.checkLevel(level), []);
});

test('a session plays frames, draws once per frame and reports the HUD through memory', async () => {
  const { api, memory } = await load();
  const client = new api.Client(entropy());
  client.startUnticketed(level, 11);
  const surface = canvas();
  client.attach(surface, theme, false);
  const fields = api.hudFields().split(',');
  for (let frame = 0; frame < 120; frame += 1) client.frame(1 / 60, 0, 300, 500, 2, true);
  const hud = new Uint32Array(memory.buffer, client.hudPtr(), fields.length);
  assert.equal(hud[fields.indexOf('tick')], 120);
  assert.equal(hud[fields.indexOf('draw_calls')], 1);
  assert.equal(surface.gl.frames.draws, 120);
  assert.deepEqual([surface.width, surface.height], [600, 1000]);
  const [, , cell, rows, cols] = client.boardRect();
  assert.ok(cell > 0 && rows > 0 && cols > 0);
});
