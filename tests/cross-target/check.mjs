// Replays the sessions written by `sessions cross-target` inside the wasm build of the core and
// compares every outcome field and every checkpoint hash with the native results.
//
// usage: node tests/cross-target/check.mjs GAME_WASM SESSIONS_JSON
import { readFileSync } from 'node:fs';

const REPLAY_ABI_VERSION = 1;
const STATUS_NAMES = { '-1': 'bad level', '-2': 'bad input log', '-3': 'replay rejected' };

const [wasmPath, sessionsPath] = process.argv.slice(2);
if (!wasmPath || !sessionsPath) {
  console.error('usage: node check.mjs GAME_WASM SESSIONS_JSON');
  process.exit(2);
}

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const wasm = instance.exports;
if (wasm.pp_abi_version() !== REPLAY_ABI_VERSION) {
  console.error(`replay ABI version ${wasm.pp_abi_version()}, expected ${REPLAY_ABI_VERSION}`);
  process.exit(1);
}

function copyIn(bytes) {
  const pointer = wasm.pp_alloc(bytes.length);
  new Uint8Array(wasm.memory.buffer, pointer, bytes.length).set(bytes);
  return pointer;
}

const hex64 = (value) => value.toString(16).padStart(16, '0');

function replayInWasm(session) {
  const level = new TextEncoder().encode(session.level_json);
  const inputs = Buffer.from(session.inputs_hex, 'hex');
  const levelPointer = copyIn(level);
  const inputsPointer = copyIn(inputs);
  const status = wasm.pp_replay(levelPointer, level.length, inputsPointer, inputs.length, BigInt(session.seed));
  wasm.pp_free(levelPointer, level.length);
  wasm.pp_free(inputsPointer, inputs.length);
  if (status !== 0) return { error: STATUS_NAMES[status] ?? `status ${status}` };
  // Views are made after the call: the memory may have grown and detached older ones.
  const view = new DataView(wasm.memory.buffer, wasm.pp_result_ptr(), wasm.pp_result_len());
  const count = view.getUint32(19, true);
  const checkpoints = [];
  for (let index = 0; index < count; index += 1) {
    const offset = 23 + index * 12;
    checkpoints.push(`${view.getUint32(offset, true)}:${hex64(view.getBigUint64(offset + 4, true))}`);
  }
  return {
    score: view.getUint32(0, true),
    stars: view.getUint8(4),
    finished: view.getUint8(5) === 1,
    passed: view.getUint8(6) === 1,
    ticks: view.getUint32(7, true),
    final_hash: hex64(view.getBigUint64(11, true)),
    checkpoints,
  };
}

function difference(expected, actual) {
  if (actual.error) return actual.error;
  for (const field of ['score', 'stars', 'finished', 'passed', 'ticks', 'final_hash']) {
    if (expected[field] !== actual[field]) return `${field}: native ${expected[field]}, wasm ${actual[field]}`;
  }
  if (expected.checkpoints.length !== actual.checkpoints.length) {
    return `checkpoint count: native ${expected.checkpoints.length}, wasm ${actual.checkpoints.length}`;
  }
  const index = expected.checkpoints.findIndex((hash, i) => hash !== actual.checkpoints[i]);
  return index < 0 ? null : `checkpoint ${index}: native ${expected.checkpoints[index]}, wasm ${actual.checkpoints[index]}`;
}

const sessions = JSON.parse(readFileSync(sessionsPath, 'utf8'));
let passed = 0;
let failed = 0;
let checkpoints = 0;
let ticks = 0;
for (const [index, session] of sessions.entries()) {
  const problem = difference(session.expect, replayInWasm(session));
  checkpoints += session.expect.checkpoints.length;
  ticks += session.expect.ticks;
  if (problem === null) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`MISMATCH session ${index} (${session.level_file}, seed ${session.seed}): ${problem}`);
  }
}
console.log(`cross-target (node ${process.version}): ${sessions.length} sessions, ${ticks} ticks, ${checkpoints} checkpoint hashes compared`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && sessions.length > 0 ? 0 : 1);
