// The cross-target check under Node.
// usage: node tests/cross-target/check.mjs GAME_WASM SESSIONS_JSON
import { readFileSync } from 'node:fs';
import { checkSessions } from './replay-check.mjs';

const [wasmPath, sessionsPath] = process.argv.slice(2);
if (!wasmPath || !sessionsPath) {
  console.error('usage: node check.mjs GAME_WASM SESSIONS_JSON');
  process.exit(2);
}
const report = await checkSessions(readFileSync(wasmPath), JSON.parse(readFileSync(sessionsPath, 'utf8')));
report.mismatches.forEach((line) => console.log(`MISMATCH ${line}`));
console.log(`cross-target (node ${process.version}): ${report.sessions} sessions, ${report.ticks} ticks, ${report.checkpoints} checkpoint hashes compared`);
console.log(`${report.passed} passed, ${report.failed} failed`);
process.exit(report.failed === 0 && report.sessions > 0 ? 0 : 1);
