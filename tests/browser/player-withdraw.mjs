// The player's withdrawal on the browser page, against the real service on the WeChat rail and
// the WeChat Pay stand-in (`paysim`), whose page of bills waiting for the player stands in for
// WeChat's confirmation page (in a tab of its own). On a phone upright (390x844 at 3x, Chinese) and sideways
// (English), by touch on the wasm's own buttons:
// - a player who earned (a verified game of theirs) opens the wallet, withdraws the minimum,
//   sees "waiting for your confirmation", confirms on the stand-in's page and sees "paid" with
//   the balance down; never "paid" before the server says `succeeded`;
// - a transfer the stand-in is told to fail ends "failed and refunded", the balance restored;
// - a player who closes the page without confirming cancels from the wallet: "cancelled and
//   refunded";
// - sideways: a withdrawal left waiting is found again after the page is reloaded (the game
//   restarted) and followed to "paid"; one left unconfirmed for a day ends "expired and
//   refunded";
// each screen's buttons checked for size, place and overlap, and screenshotted.
// usage: node player-withdraw.mjs PLAYPROOF_BIN PAYSIM_BIN WEB_DIR [SCREENSHOT_DIR]
import { join } from 'node:path';
import { startPayoutServices } from '../minigame/payout-services.mjs';
import { launchChromium } from './chromium.mjs';
import { tapButton, waitForScreen } from './play.mjs';

/** The rail's minimum (0.1 yuan), the amount each journey withdraws. */
const MIN_FEN = 10;
const DPR = 3;
const START_TIMEOUT_MS = 30_000;
const STATE_TIMEOUT_MS = 30_000;

const [playproof, paysim, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !paysim || !webDir) {
  console.error('usage: node player-withdraw.mjs PLAYPROOF_BIN PAYSIM_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

/** The wasm's buttons on screen: inside the canvas, >= 44 CSS px each way, apart; a screenshot. */
async function checkScreen(tab, name, step, viewport) {
  const buttons = await tab.evaluate(() => window.playproofPage.buttons());
  const inside = buttons.every((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= viewport.width + 0.5 && b.y + b.h <= viewport.height + 0.5);
  const big = buttons.every((b) => b.w >= 43.5 && b.h >= 43.5);
  const apart = buttons.every((a, i) => buttons.every((b, j) => j <= i
    || a.x + a.w <= b.x + 0.01 || b.x + b.w <= a.x + 0.01 || a.y + a.h <= b.y + 0.01 || b.y + b.h <= a.y + 0.01));
  check(buttons.length > 0 && inside && big && apart,
    `${name} wallet, ${step}: ${buttons.length} buttons inside the screen, >= 44 px, apart (${buttons.map((b) => b.act).join(' ')})`);
  if (screenshotDir) await tab.screenshot({ path: join(screenshotDir, `withdraw-${name}-${step}.png`) });
}

/** Whether the wasm's labels come to say `text` (frames are slow on a busy machine). */
async function says(tab, text) {
  try {
    await tab.waitForFunction((wanted) => window.playproofPage.words().includes(wanted), text, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const followed = (tab) => tab.evaluate(() => ({
  state: window.playproofPage.withdrawal?.state ?? null,
  states: window.playproofPage.withdrawalStates,
  words: window.playproofPage.words(),
}));

async function waitForState(tab, state) {
  try {
    await tab.waitForFunction((wanted) => window.playproofPage.withdrawal?.state === wanted, state, { timeout: STATE_TIMEOUT_MS });
  } catch (error) {
    const page = await tab.evaluate(() => ({
      states: window.playproofPage.withdrawalStates, error: window.playproofPage.error, buttons: window.playproofPage.buttons().map((b) => b.act),
    }));
    throw new Error(`the withdrawal never became ${state}: ${JSON.stringify(page)}`);
  }
  await tab.waitForTimeout(300); // the next frames draw it
}

/**
 * The player's "WeChat": the WeChat Pay stand-in's page of bills waiting for confirmation, in a
 * tab of its own (a browser has no WeChat), and a tap on one of its buttons for the bill being
 * followed (the bill number is the withdrawal id).
 */
async function standinPage(tab, services, action) {
  const { withdrawal_id: id } = await tab.evaluate(() => window.playproofPage.withdrawal);
  const wechat = await tab.context().newPage();
  await wechat.goto(`${services.paysimUrl}/standin/`);
  // The page posts the player's choice, then reloads: done once the stand-in has answered and
  // the page has loaded again (closing a page in the middle of its reload can hang).
  const answered = wechat.waitForResponse((response) => response.url().endsWith(`/standin/${action}`), { timeout: STATE_TIMEOUT_MS });
  const reloaded = wechat.waitForEvent('load', { timeout: STATE_TIMEOUT_MS });
  await wechat.locator(`li[data-bill="${id}"] button[data-action="${action}"]`).tap({ timeout: STATE_TIMEOUT_MS });
  const status = (await answered).status();
  if (status !== 204) throw new Error(`the stand-in answered ${action} with HTTP ${status}`);
  await reloaded;
  await wechat.close();
  // Back to the game, as a player switching back would: a tab left in the background gets no
  // animation frames, and input sent to it can wait for ever.
  await tab.bringToFront();
}

/** Opens the page for `player` and goes to the wallet by touch (start, intro, map, wallet). */
async function openWallet(tab, url, player, viewport) {
  await tab.goto(`${url}/?player=${player}&preserve`);
  await tab.waitForFunction(() => window.playproofPage?.firstFrameMs != null, null, { timeout: START_TIMEOUT_MS });
  await tab.touchscreen.tap(viewport.width / 2, viewport.height * 0.8);
  await waitForScreen(tab, 'intro');
  await tapButton(tab, 'map');
  await waitForScreen(tab, 'map');
  await tapButton(tab, 'wallet');
  await waitForScreen(tab, 'wallet');
  await tab.waitForTimeout(500);
}

/** Waits until the wasm's screen offers `act` (taps act on the next frames). */
const waitForButton = (tab, act) => tab.waitForFunction((wanted) => window.playproofPage.buttons()
  .some((button) => button.act === wanted), act, { timeout: STATE_TIMEOUT_MS });

/** Withdraw, the minimum (the first amount offered), Confirm; checks each step's screen. */
async function askForMinimum(tab, name, viewport, { screens = false } = {}) {
  await waitForButton(tab, 'withdraw');
  await tapButton(tab, 'withdraw');
  await waitForButton(tab, 'amount');
  if (screens) await checkScreen(tab, name, 'amounts', viewport);
  await tapButton(tab, 'amount', 0);
  await waitForButton(tab, 'confirm');
  if (screens) await checkScreen(tab, name, 'confirm', viewport);
  await tapButton(tab, 'confirm');
}

/**
 * The minimum asked for, confirmed in the game, then settled on the stand-in's page by `action`
 * until the game follows it to `state`; what the game showed on the way.
 */
async function withdrawSettled(tab, name, viewport, services, action, state) {
  await askForMinimum(tab, name, viewport);
  await waitForState(tab, 'awaiting_confirmation');
  await standinPage(tab, services, action);
  await waitForState(tab, state);
  return followed(tab);
}

async function portrait(browser, services) {
  const name = 'portrait';
  const viewport = { width: 390, height: 844 };
  const player = `wd${Date.now().toString(36)}`;
  // Two games: the paid withdrawal leaves enough for the failed one.
  await services.earn(player, 5);
  const earned = await services.earn(player, 6);
  check(earned >= 2 * MIN_FEN, `${name}: the player earned ${earned} fen in verified games`);
  const context = await browser.newContext({ viewport, deviceScaleFactor: DPR, hasTouch: true, isMobile: true, locale: 'zh-CN' });
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await openWallet(tab, services.url, player, viewport);
  await checkScreen(tab, name, 'idle', viewport);

  // Paid: waiting for the player, confirmed on the stand-in's page, paid once the server says so.
  await askForMinimum(tab, name, viewport, { screens: true });
  await waitForState(tab, 'awaiting_confirmation');
  const waiting = await followed(tab);
  check((await says(tab, '请在微信中确认收款 ¥0.10')) && !waiting.words.some((word) => word.includes('已到账')),
    `${name}: "waiting for your confirmation", nothing shown as paid (${waiting.states.join(' → ')})`);
  await standinPage(tab, services, 'decline');
  await checkScreen(tab, name, 'waiting', viewport);
  const stillWaiting = await followed(tab);
  check(stillWaiting.state === 'awaiting_confirmation' && !stillWaiting.words.some((word) => word.includes('已到账')),
    `${name}: closing the page without confirming leaves it waiting (${stillWaiting.state})`);
  await waitForButton(tab, 'cancel_withdrawal');
  await tapButton(tab, 'cancel_withdrawal');
  await waitForState(tab, 'cancelled');
  const cancelled = await followed(tab);
  check((await says(tab, '已取消，¥0.10 已退回余额')) && (await services.balanceFen(player)) === earned,
    `${name}: cancelled before confirming: "cancelled and refunded", balance back to ${earned} (${cancelled.states.join(' → ')})`);
  await checkScreen(tab, name, 'cancelled', viewport);
  await tapButton(tab, 'dismiss');

  const paid = await withdrawSettled(tab, name, viewport, services, 'confirm', 'succeeded');
  const balanceAfterPaid = await services.balanceFen(player);
  check((await says(tab, '¥0.10 已到账')) && balanceAfterPaid === earned - MIN_FEN,
    `${name}: confirmed: "paid", balance ${earned} → ${balanceAfterPaid} (${paid.states.join(' → ')})`);
  check(paid.states.at(-1) === 'succeeded' && paid.states.at(-2) === 'awaiting_confirmation',
    `${name}: paid only after the server said succeeded (${paid.states.join(' → ')})`);
  await checkScreen(tab, name, 'paid', viewport);
  await tapButton(tab, 'dismiss');

  // Failed: the stand-in is told the transfer fails after the player confirmed.
  const failed = await withdrawSettled(tab, name, viewport, services, 'fail', 'failed');
  const balanceAfterFailed = await services.balanceFen(player);
  check((await says(tab, '提现失败，¥0.10 已退回余额')) && balanceAfterFailed === earned - MIN_FEN,
    `${name}: the transfer failed: "failed and refunded", balance restored to ${balanceAfterFailed} (${failed.states.join(' → ')})`);
  await checkScreen(tab, name, 'failed', viewport);
  await context.close();
}

async function landscape(browser, services) {
  const name = 'landscape';
  const viewport = { width: 844, height: 390 };
  const player = `wl${Date.now().toString(36)}`;
  // Two games: the paid withdrawal leaves enough for the expired one.
  await services.earn(player, 5);
  const earned = await services.earn(player, 6);
  const context = await browser.newContext({ viewport, deviceScaleFactor: DPR, hasTouch: true, isMobile: true, locale: 'en-US' });
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await openWallet(tab, services.url, player, viewport);
  await checkScreen(tab, name, 'idle', viewport);
  await askForMinimum(tab, name, viewport, { screens: true });
  await waitForState(tab, 'awaiting_confirmation');
  await standinPage(tab, services, 'decline');
  const waiting = await followed(tab);
  check((await says(tab, 'Confirm ¥0.10 in WeChat')), `${name}: in English, "Confirm ¥0.10 in WeChat"`);
  await checkScreen(tab, name, 'waiting', viewport);

  // The game restarts with the withdrawal still waiting: the wallet finds it again.
  await openWallet(tab, services.url, player, viewport);
  await waitForState(tab, 'awaiting_confirmation');
  await standinPage(tab, services, 'confirm');
  await waitForState(tab, 'succeeded');
  const paid = await followed(tab);
  const balanceAfter = await services.balanceFen(player);
  check((await says(tab, '¥0.10 paid')) && balanceAfter === earned - MIN_FEN,
    `${name}: after a restart the open withdrawal was followed again and paid (${paid.states.join(' → ')}; balance ${earned} → ${balanceAfter})`);
  await checkScreen(tab, name, 'paid', viewport);
  await tapButton(tab, 'dismiss');

  // Expired: the day passes without the player's confirmation.
  const expired = await withdrawSettled(tab, name, viewport, services, 'expire', 'expired');
  const balanceAfterExpiry = await services.balanceFen(player);
  const said = expired.words.filter((word) => word.includes('¥0.10'));
  check((await says(tab, 'Not confirmed in time; ¥0.10 is back')) && balanceAfterExpiry === earned - MIN_FEN,
    `${name}: unconfirmed for a day: "expired and refunded", balance ${balanceAfterExpiry} (${expired.states.join(' → ')}; said ${JSON.stringify(said)})`);
  await checkScreen(tab, name, 'expired', viewport);
  await context.close();
}

/**
 * The whole journey takes under a minute on a quiet machine; past this it is stuck (a browser
 * input that is never acknowledged has no timeout of its own), and fails instead of holding up
 * the test command.
 */
const JOURNEY_TIMEOUT_MS = 6 * 60_000;
const watchdog = setTimeout(() => {
  console.error(`player withdrawals: stuck after ${JOURNEY_TIMEOUT_MS / 60_000} minutes`);
  services?.stop();
  process.exit(1);
}, JOURNEY_TIMEOUT_MS);
watchdog.unref();

let browser = null;
let services = null;
try {
  services = await startPayoutServices({ playproof, paysim, rail: 'wechat', staticDir: webDir });
  browser = await launchChromium();
  await portrait(browser, services);
  await landscape(browser, services);
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
  if (services) console.error(services.log());
} finally {
  await browser?.close();
  services?.stop();
}
console.log(`player withdrawals: ${failures.length === 0 ? 'passed' : `${failures.length} failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
