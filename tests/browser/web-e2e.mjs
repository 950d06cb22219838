// End to end in a real browser against the real backend: the page plays a match-3 level with
// synthetic swipes and a merge-drop level with synthetic taps, each game's proof goes to
// `playproof serve`, and the balance the page shows is the one the backend reports.
// usage: node web-e2e.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]
import { mkdirSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';
import { balanceFen, startBackend } from './backend.mjs';
import { newTab, pageState, playMatch3, playMergeDrop, startLevel, waitForReceipt } from './play.mjs';

// The games' levels. The shipped payout tables pay for stars or score thresholds that a
// swipe-anything or drop-anywhere player reaches only sometimes, so this backend pays from the
// first point (tables below) and money really moves every run.
const MATCH3_LEVEL = 'm3-01-first-steps';
const MERGE_LEVEL = 'md-01-classic';
const PAYOUT_TABLES = [
  { level_id: MATCH3_LEVEL, basis: 'score', tiers: [{ at_least: 1, payout_fen: 7 }], pays_on_loss: true },
  { level_id: MERGE_LEVEL, basis: 'score', tiers: [{ at_least: 1, payout_fen: 3 }], pays_on_loss: true },
];
/**
 * md-01-classic's clock is three minutes of game time; the game ends sooner when the box
 * overflows. A loaded machine runs the game's clock slower than the wall's: three times over.
 */
const MERGE_DEADLINE_MS = 540_000;

const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir) {
  console.error('usage: node web-e2e.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/** Plays one level to its receipt and checks what the page shows against the backend. */
async function game(tab, backend, player, level, play) {
  const balanceBefore = await balanceFen(backend.url, player);
  await startLevel(tab, backend.url, { player, level });
  const played = await play();
  if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/e2e-${level}-end.png` });
  const result = await waitForReceipt(tab);
  check(result.state === 'done', `${level}: finished and submitted (${played}; state ${result.state}, error ${JSON.stringify(result.error)})`);
  const receipt = result.receipt ?? {};
  check(receipt.verdict === 'accepted', `${level}: the backend accepted the proof (verdict ${receipt.verdict})`);
  check(receipt.score === result.hud.score, `${level}: verified score ${receipt.score} equals the score played (${result.hud.score})`);
  const balanceAfter = await balanceFen(backend.url, player);
  check(balanceAfter === balanceBefore + receipt.payout_fen + receipt.boost_fen,
    `${level}: balance ${balanceBefore} -> ${balanceAfter} fen moved by the payout ${receipt.payout_fen}+${receipt.boost_fen}`);
  check(receipt.balance_fen === balanceAfter, `${level}: the receipt's balance is the backend's (${balanceAfter})`);
  await tab.waitForFunction((fen) => window.playproofPage.balanceFen === fen, balanceAfter, { timeout: 30_000 });
  // The result screen is drawn by the wasm: the balance is one of its labels.
  await tab.waitForFunction(() => window.playproofPage.screen === 'result', null, { timeout: 30_000 });
  await tab.waitForTimeout(200);
  const yuan = `¥${(balanceAfter / 100).toFixed(2)}`;
  const words = await tab.evaluate(() => window.playproofPage.words());
  check(words.includes(yuan), `${level}: the result screen shows the balance ${yuan} (${words.filter((word) => word.startsWith('¥')).join(' ')})`);
  if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/e2e-${level}-receipt.png` });
  return receipt;
}

const backend = await startBackend({ playproof, webDir, payoutTables: PAYOUT_TABLES });
const browser = await launchChromium();
const started = Date.now();
try {
  const player = `e2e${Date.now().toString(36)}`;
  const tab = await newTab(browser);
  const match3 = await game(tab, backend, player, MATCH3_LEVEL, async () => {
    await playMatch3(tab);
    return `${(await pageState(tab)).hud.inputs} moves`;
  });
  const merge = await game(tab, backend, player, MERGE_LEVEL, async () => {
    const taps = await playMergeDrop(tab, { deadlineMs: MERGE_DEADLINE_MS });
    return `${taps} taps`;
  });
  const { balanceFen: shown } = await pageState(tab);
  check(match3.payout_fen > 0 && merge.payout_fen > 0,
    `both games earned money (${match3.payout_fen} and ${merge.payout_fen} fen): the credit path ran`);
  check(shown === match3.payout_fen + match3.boost_fen + merge.payout_fen + merge.boost_fen,
    `the new player's balance is the sum of both payouts (${shown} fen)`);
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
  console.error(backend.log());
} finally {
  await browser.close();
  await backend.stop();
}
console.log(`web end-to-end (${browser.version()}): ${failures.length === 0 ? 'passed' : `${failures.length} failed`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures.length === 0 ? 0 : 1);
