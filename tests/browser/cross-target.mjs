// The cross-target check inside headless Chromium: the page replays the sessions in the wasm
// build and compares every checkpoint hash with the native results.
// usage: node cross-target.mjs GAME_WASM SESSIONS_JSON
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serve } from './static-server.mjs';

const PAGE_TIMEOUT_MS = 10 * 60 * 1000;

const [wasmPath, sessionsPath] = process.argv.slice(2);
if (!wasmPath || !sessionsPath) {
  console.error('usage: node cross-target.mjs GAME_WASM SESSIONS_JSON');
  process.exit(2);
}

const page = `<!doctype html><meta charset="utf-8"><title>cross-target</title>
<script type="module">
  import { checkSessions } from '/replay-check.mjs';
  const [wasm, sessions] = await Promise.all([
    fetch('/game_wasm.wasm').then((response) => response.arrayBuffer()),
    fetch('/sessions.json').then((response) => response.json()),
  ]);
  window.report = await checkSessions(wasm, sessions);
</script>`;

const server = await serve({
  '/': { body: page, type: 'text/html; charset=utf-8' },
  '/replay-check.mjs': fileURLToPath(new URL('../cross-target/replay-check.mjs', import.meta.url)),
  '/game_wasm.wasm': wasmPath,
  '/sessions.json': sessionsPath,
});
const browser = await launchChromium();
let exitCode = 1;
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await tab.goto(`${server.url}/`);
  await tab.waitForFunction(() => window.report !== undefined, null, { timeout: PAGE_TIMEOUT_MS });
  const report = await tab.evaluate(() => window.report);
  report.mismatches.forEach((line) => console.log(`MISMATCH ${line}`));
  console.log(`cross-target (${browser.version()}): ${report.sessions} sessions, ${report.ticks} ticks, ${report.checkpoints} checkpoint hashes compared`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  exitCode = report.failed === 0 && report.sessions > 0 ? 0 : 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
