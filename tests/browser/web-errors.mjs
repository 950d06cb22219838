// What the player sees when things go wrong, in a real browser against the real backend:
// - offline: the ticket request cannot reach the server, or the level's file cannot come;
// - proof rejected: the proof is altered on its way (one byte of the claimed score), so the
//   real verifier refuses it;
// - ticket expired: the server's answer for a late proof (stubbed: a real expiry takes the
//   ticket's lifetime).
// The match-3 games end early with Finish, which also covers the stop path.
// usage: node web-errors.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]
import { launchChromium } from './chromium.mjs';
import { startBackend } from './backend.mjs';
import {
  newTab, openStartScreen, pageState, screenName, startLevel, swipeOneMove, tapToStart, waitForScreen,
} from './play.mjs';

const LEVEL = 'm3-01-first-steps';
const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir) {
  console.error('usage: node web-errors.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

const shownMessage = (tab) => tab.evaluate(() => {
  const overlay = document.getElementById('message');
  return overlay.hidden ? null : overlay.textContent;
});

/** Plays one move, presses Finish and waits for the page to settle on a result or an error. */
async function oneMoveThenFinish(tab, url, player) {
  await startLevel(tab, url, { player, level: LEVEL });
  await swipeOneMove(tab);
  await tab.click('#stop');
  await tab.waitForFunction(() => ['done', 'error'].includes(window.playproofPage.state), null, { timeout: 60_000 });
  return pageState(tab);
}

const backend = await startBackend({ playproof, webDir });
const browser = await launchChromium();
try {
  const player = `err${Date.now().toString(36)}`;
  const tab = await newTab(browser);

  // A game ended early with Finish is verified and recorded like any other.
  const finished = await oneMoveThenFinish(tab, backend.url, player);
  check(finished.state === 'done' && finished.receipt?.verdict === 'accepted',
    `Finish after one move: the proof is accepted (${finished.state}, ${finished.receipt?.verdict})`);

  // Proof rejected: flip one byte of the proof in flight; the real server refuses it.
  await tab.route('**/v1/proofs', async (route) => {
    const bytes = Buffer.from(route.request().postDataBuffer());
    bytes[bytes.length - 80] ^= 0x01;
    const response = await route.fetch({ postData: bytes });
    await route.fulfill({ response });
  });
  const rejected = await oneMoveThenFinish(tab, backend.url, player);
  check(rejected.state === 'error' && rejected.error?.code === 'proof_rejected',
    `altered proof: the page reports ${JSON.stringify(rejected.error)}`);
  check((await shownMessage(tab)) === 'The server could not verify this game, so nothing was paid.',
    `altered proof: the player reads "${await shownMessage(tab)}"`);
  if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/error-proof-rejected.png` });
  await tab.unroute('**/v1/proofs');

  // Ticket expired (the server's answer, stubbed).
  await tab.route('**/v1/proofs', (route) => route.fulfill({
    status: 422, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'ticket_expired', message: 'the ticket expired' } }),
  }));
  const expired = await oneMoveThenFinish(tab, backend.url, player);
  check(expired.error?.code === 'ticket_expired', `late proof: the page reports ${JSON.stringify(expired.error)}`);
  check(/expired/.test(await shownMessage(tab) ?? ''), `late proof: the player reads "${await shownMessage(tab)}"`);
  await tab.unroute('**/v1/proofs');

  // Offline: the ticket request cannot leave the browser.
  await openStartScreen(tab, backend.url, { player, level: LEVEL });
  await tab.context().setOffline(true);
  await tapToStart(tab);
  await tab.waitForFunction(() => window.playproofPage.state === 'error', null, { timeout: 30_000 });
  const offline = await pageState(tab);
  check(offline.error?.code === 'offline', `offline: the page reports ${JSON.stringify(offline.error)}`);
  check(/connection/.test(await shownMessage(tab) ?? ''), `offline: the player reads "${await shownMessage(tab)}"`);
  await tab.context().setOffline(false);

  // The level's file cannot come (the connection dropped while the start screen showed): the
  // player reads the same words, and the level's intro offers the game again.
  await tab.route(`**/${LEVEL}.json`, (route) => route.abort('internetdisconnected'));
  await openStartScreen(tab, backend.url, { player, level: LEVEL });
  await tapToStart(tab);
  await tab.waitForFunction(() => window.playproofPage.state === 'error', null, { timeout: 30_000 });
  const noLevel = await pageState(tab);
  check(noLevel.error?.code === 'offline', `level file lost: the page reports ${JSON.stringify(noLevel.error)}`);
  check(/connection/.test(await shownMessage(tab) ?? ''), `level file lost: the player reads "${await shownMessage(tab)}"`);
  await waitForScreen(tab, 'intro').catch(() => {});
  const screen = await screenName(tab);
  check(screen === 'intro', `level file lost: the ${screen} screen offers the game again`);
  await tab.unroute(`**/${LEVEL}.json`);
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  await browser.close();
  await backend.stop();
}
console.log(`player-facing errors: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
