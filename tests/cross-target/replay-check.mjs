// Replays recorded sessions in the wasm build of the core and compares every outcome field and
// every checkpoint hash with the native results. Runs unchanged in Node and in browsers.

export const REPLAY_ABI_VERSION = 1;
const STATUS_NAMES = { '-1': 'bad level', '-2': 'bad input log', '-3': 'replay rejected' };

const hex64 = (value) => value.toString(16).padStart(16, '0');

function hexToBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Instantiates the replay ABI of `game_wasm.wasm` from its bytes. */
export async function loadReplayer(wasmBytes) {
  const { instance } = await WebAssembly.instantiate(wasmBytes, {});
  const wasm = instance.exports;
  if (wasm.pp_replay_abi_version() !== REPLAY_ABI_VERSION) {
    throw new Error(`replay ABI version ${wasm.pp_replay_abi_version()}, expected ${REPLAY_ABI_VERSION}`);
  }
  const copyIn = (bytes) => {
    const pointer = wasm.pp_alloc(bytes.length);
    new Uint8Array(wasm.memory.buffer, pointer, bytes.length).set(bytes);
    return pointer;
  };
  return function replay(session) {
    const level = new TextEncoder().encode(session.level_json);
    const inputs = hexToBytes(session.inputs_hex);
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

/** Replays every session; returns counts and a line per mismatch. */
export async function checkSessions(wasmBytes, sessions) {
  const replay = await loadReplayer(wasmBytes);
  const report = { sessions: sessions.length, passed: 0, failed: 0, ticks: 0, checkpoints: 0, mismatches: [] };
  for (const [index, session] of sessions.entries()) {
    const problem = difference(session.expect, replay(session));
    report.checkpoints += session.expect.checkpoints.length;
    report.ticks += session.expect.ticks;
    if (problem === null) {
      report.passed += 1;
    } else {
      report.failed += 1;
      report.mismatches.push(`session ${index} (${session.level_file}, seed ${session.seed}): ${problem}`);
    }
  }
  return report;
}
