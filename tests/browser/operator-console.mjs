// The operator console in a real browser against a real `playproof serve` on SQLite whose risk
// policy holds games played like the greedy bot. Bots' games come from `playproof demo-proof`
// with the server's own key ring, so the server verifies them exactly as it verifies players'.
// The journey: a wrong token, then the right one; the review queue with its signals; a held
// game's replay drawn by the player's wasm (pixels change, the final score is the verified
// one); release one hold, confiscate another, and a second decision answered 409 in plain
// words, the balances moving once; the player view with its linked account; withdrawals (a
// flagged player's review approved), campaign budgets (funded), and the decisions, each
// with the operator who made it.
// usage: node operator-console.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startBackend } from './backend.mjs';

// Greedy wins this one in twelve moves or so: enough (eight or more) to judge play quality.
const LEVEL_PATH = 'assets/levels/match3/m3-05-jelly.json';
const [playproof, webDir, screenshotDir] = process.argv.slice(2);
if (!playproof || !webDir) {
  console.error('usage: node operator-console.mjs PLAYPROOF_BIN WEB_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

const dir = mkdtempSync(join(tmpdir(), 'playproof-console-'));
const keys = join(dir, 'keys.json');
execFileSync(playproof, ['keys', 'new', '--out', keys]);
// Bots play faster than the wall clock here: the clock check is not what this journey is about.
const plausibility = join(dir, 'plausibility.json');
writeFileSync(plausibility, JSON.stringify({ default: { clock_slack_ms: 86_400_000 } }));
// Only the greedy-agreement signal counts: a game whose every swap is the greedy bot's is held.
const policy = JSON.parse(readFileSync('assets/risk/policy.json', 'utf8'));
for (const name of Object.keys(policy.weights)) policy.weights[name] = 0;
policy.weights.greedy_agreement = 0.8;
policy.thresholds = { flag: 0.3, hold: 0.6, refuse: 1.0 };
policy.clusters = { daily_cap_fen: null };
const riskPolicy = join(dir, 'risk.json');
writeFileSync(riskPolicy, JSON.stringify(policy));
const token = randomBytes(32).toString('hex');

const backend = await startBackend({
  playproof, webDir,
  args: ['--keys', keys, '--plausibility', plausibility, '--risk-policy', riskPolicy, '--withdrawal-min-fen', '1'],
  env: { PLAYPROOF_OPERATOR_TOKEN: token },
});
const browser = await launchChromium();

/** A bot's game as `player` (dev identity), proven with the server's keys and submitted. */
async function botGame(player, seed) {
  const out = join(dir, `${player}-${seed}.proof`);
  execFileSync(playproof, ['demo-proof', '--keys', keys, '--level', LEVEL_PATH, '--player', `dev-${player}`,
    '--seed', String(seed), '--out', out]);
  const response = await fetch(`${backend.url}/v1/proofs`, {
    method: 'POST', body: readFileSync(out),
    headers: { 'content-type': 'application/octet-stream', 'x-playproof-dev-player': player },
  });
  return response.json();
}

const operatorGet = async (path) => (await fetch(`${backend.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
const balance = async (player) => (await (await fetch(`${backend.url}/v1/balance`, { headers: { 'x-playproof-dev-player': player } })).json()).balance_fen;
const shot = async (tab, name) => { if (screenshotDir) await tab.screenshot({ path: `${screenshotDir}/console-${name}.png`, fullPage: true }); };
const message = (tab) => tab.evaluate(() => { const element = document.getElementById('message'); return element.hidden ? '' : element.textContent; });

/**
 * Waits until the console says `pattern` and has redrawn its screen: an action shows its message
 * first and redraws after, and the next step must act on the redrawn screen.
 */
async function saidAndRedrawn(tab, pattern) {
  await tab.waitForFunction((source) => new RegExp(source).test(document.getElementById('message').textContent)
    && !document.getElementById('view').hasAttribute('aria-busy'), pattern.source);
}

/** Opens held game `sessionId` and waits until its screen, not an earlier one, is drawn. */
async function openGame(tab, sessionId) {
  await tab.goto(`${backend.url}/operator#/game/${sessionId}`);
  await tab.waitForFunction((id) => {
    const view = document.getElementById('view');
    return !view.hasAttribute('aria-busy') && view.dataset.screen === 'game'
      && view.querySelector('dl dd')?.textContent === id;
  }, sessionId);
}

/** Answers the confirmation dialog with the keyboard (focus starts on Confirm). */
async function confirmWithKeyboard(tab) {
  await tab.waitForSelector('dialog#confirm[open]');
  await tab.keyboard.press('Enter');
  await tab.waitForFunction(() => !document.getElementById('confirm').open);
}

try {
  if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
  const games = [['bot', 11], ['bot', 12], ['bot', 13], ['bot', 14], ['bot', 15], ['farm', 16]];
  const receipts = [];
  for (const [player, seed] of games) receipts.push({ player, ...(await botGame(player, seed)) });
  check(receipts.every((receipt) => receipt.verdict === 'accepted' && receipt.payment === 'held'),
    `six greedy-bot games are accepted and held (${receipts.map((receipt) => `${receipt.verdict}/${receipt.payment}/${receipt.held_fen}`).join(', ')})`);
  // A lost game holds nothing (the level pays by stars): review two that hold money.
  const [released, confiscated] = receipts.filter((receipt) => receipt.player === 'bot' && receipt.held_fen > 0);
  const botHeldFen = receipts.filter((receipt) => receipt.player === 'bot').reduce((sum, receipt) => sum + receipt.held_fen, 0);

  // An operator's desk, not a phone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  tab.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  await tab.goto(`${backend.url}/operator`);
  await tab.waitForSelector('#login:not([hidden])');
  await shot(tab, 'login');

  // A wrong token first: refused in plain words, and the form stays.
  await tab.fill('#token', `${token.slice(0, -4)}0000`);
  await tab.press('#token', 'Enter');
  await tab.waitForFunction(() => /refused/.test(document.getElementById('message').textContent));
  check(/operator token was refused/.test(await message(tab)), `wrong token: "${await message(tab)}"`);
  check(await tab.isVisible('#login'), 'wrong token: the sign-in form is still there');
  await shot(tab, 'wrong-token');

  // The right token: the queue, each game with its signal explained.
  await tab.fill('#token', token);
  await tab.press('#token', 'Enter');
  await tab.waitForSelector('main[data-screen="queue"] table');
  const queueRows = await tab.$$eval('main tbody tr', (rows) => rows.map((row) => row.textContent));
  check(queueRows.length === games.length, `the queue lists the ${games.length} held games (${queueRows.length})`);
  check(queueRows.every((row) => /greedy_agreement/.test(row) && /greedy/.test(row)),
    'each queued game shows its greedy-agreement signal and explanation');
  check(await tab.evaluate((secret) => !document.documentElement.outerHTML.includes(secret), token),
    'the token appears nowhere in the page');
  await shot(tab, 'queue');

  // A held game: its replay, drawn by the player's wasm.
  await openGame(tab, released.session_id);
  await tab.waitForSelector('#replay[data-state="running"]', { timeout: 60_000 });
  const pixels = () => tab.evaluate(() => document.getElementById('replay-canvas').toDataURL());
  const before = await pixels();
  // The board stands still until the first move: wait for the second one to be played.
  await tab.waitForFunction(() => Number(document.getElementById('replay').dataset.inputsApplied) >= 2, null, { timeout: 60_000 });
  const after = await pixels();
  check(before !== after, 'the replay canvas changes as the game plays');
  await shot(tab, 'replay');
  await tab.selectOption('#replay-speed', '8');
  await tab.waitForSelector('#replay[data-state="finished"]', { timeout: 180_000 });
  const finalScore = await tab.evaluate(() => Number(document.getElementById('replay').dataset.finalScore));
  const verified = await tab.evaluate(() => Number(document.getElementById('verified-score').textContent));
  check(finalScore === verified && verified === released.score,
    `the viewer's final score ${finalScore} equals the verified ${verified} (receipt ${released.score})`);
  await shot(tab, 'replay-finished');

  // Release it (keyboard: focus the button, Enter, Enter on Confirm).
  const botBefore = await balance('bot');
  await tab.focus('#release');
  await tab.keyboard.press('Enter');
  await confirmWithKeyboard(tab);
  await saidAndRedrawn(tab, /Released/);
  check(await balance('bot') === botBefore + released.held_fen,
    `release moves ${released.held_fen} fen to the player once (${botBefore} -> ${await balance('bot')})`);

  // Confiscate another, then a second decision on it: 409 in plain words, nothing moves.
  await openGame(tab, confiscated.session_id);
  await tab.click('#confiscate');
  await confirmWithKeyboard(tab);
  await saidAndRedrawn(tab, /Confiscated/);
  const afterConfiscation = await balance('bot');
  const player = await operatorGet('/v1/operator/players/dev-bot');
  const stillHeldFen = botHeldFen - released.held_fen - confiscated.held_fen;
  check(afterConfiscation === botBefore + released.held_fen && player.held_fen === stillHeldFen,
    `confiscation pays the player nothing (balance ${afterConfiscation}, still held ${player.held_fen})`);
  // Escape cancels (after an earlier confirmation, which must not count again): nothing is sent.
  await tab.click('#release');
  await tab.waitForSelector('dialog#confirm[open]');
  await tab.keyboard.press('Escape');
  await tab.waitForFunction(() => !document.getElementById('confirm').open);
  check(/Confiscated/.test(await message(tab)), `Escape cancels the dialog: nothing sent ("${await message(tab)}")`);
  await tab.click('#release');
  await confirmWithKeyboard(tab);
  await saidAndRedrawn(tab, /Already decided/);
  check(/409 hold_already_reviewed/.test(await message(tab)), `a second decision: "${await message(tab)}"`);
  check(await balance('bot') === afterConfiscation, 'the second decision moves nothing');
  check(await tab.textContent('#review-state') === 'confiscated', 'the game shows its one review: confiscated');
  check((await tab.textContent('#reviewed-by')).startsWith('operator, '),
    `the game names who reviewed it: "${await tab.textContent('#reviewed-by')}"`);
  await shot(tab, 'already-reviewed');

  // The player: games with their risk, and the account linked through the shared address.
  await tab.fill('#player-id', 'dev-bot');
  await tab.press('#player-id', 'Enter');
  await tab.waitForSelector('main[data-screen="player"]');
  const playerText = await tab.textContent('main');
  check(/address/.test(playerText) && /dev-farm/.test(playerText), 'the player view links dev-bot to dev-farm by address');
  check((await tab.$$('main .decision-hold')).length === games.length - 1, 'the player view lists the bot\'s held games');
  await shot(tab, 'player');

  // Withdrawals: the flagged player's request waits for review; approve it.
  const parked = await (await fetch(`${backend.url}/v1/withdrawals`, {
    method: 'POST', body: JSON.stringify({ amount_fen: released.held_fen }),
    headers: { 'content-type': 'application/json', 'x-playproof-dev-player': 'bot', 'idempotency-key': 'console-journey' },
  })).json();
  check(parked.status === 'review', `a flagged player's withdrawal waits for review (${parked.status})`);
  await tab.click('nav a[href="#/withdrawals"]');
  await tab.waitForSelector('main[data-screen="withdrawals"]');
  check((await tab.textContent('main')).includes(parked.withdrawal_id), 'the review is listed');
  await tab.click('main button.primary');
  await confirmWithKeyboard(tab);
  await saidAndRedrawn(tab, /Approved/);
  const withdrawals = await operatorGet('/v1/operator/withdrawals');
  check(withdrawals.awaiting_review.length === 0 && withdrawals.recent.length === 1,
    `approved: it left the review list and is a withdrawal (${withdrawals.recent[0]?.state})`);
  await shot(tab, 'withdrawals');

  // Campaign budgets, and funding one.
  await tab.click('nav a[href="#/campaigns"]');
  await tab.waitForSelector('main[data-screen="campaigns"] table');
  const budgetBefore = (await operatorGet('/v1/operator/campaigns')).campaigns[0];
  await tab.fill('#fund-amount', '1234');
  await tab.click('#fund-form button');
  await confirmWithKeyboard(tab);
  await saidAndRedrawn(tab, /Funded/);
  const budgetAfter = (await operatorGet('/v1/operator/campaigns')).campaigns[0];
  check(budgetAfter.funded_fen === budgetBefore.funded_fen + 1234 && budgetAfter.left_fen === budgetBefore.left_fen + 1234,
    `funding adds 1234 fen to ${budgetAfter.campaign_id} (left ${budgetBefore.left_fen} -> ${budgetAfter.left_fen})`);
  await shot(tab, 'campaigns');

  // Decisions: each one above, newest first, with the operator who made it.
  await tab.click('nav a[href="#/decisions"]');
  await tab.waitForSelector('main[data-screen="decisions"] table');
  const decisions = await tab.$$eval('main tbody tr', (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
  const mine = decisions.filter(([, operator]) => operator === 'operator').map(([, , decision]) => decision);
  check(JSON.stringify(mine) === JSON.stringify(['funded a campaign', 'approved a withdrawal', 'confiscated a hold', 'released a hold']),
    `the decisions, newest first, each by "operator": ${JSON.stringify(decisions)}`);
  await shot(tab, 'decisions');

  // Logging out forgets the token.
  await tab.click('#logout');
  check(await tab.evaluate(() => sessionStorage.length === 0), 'logging out forgets the token');
} catch (error) {
  failures.push(error.message);
  console.error(error);
  console.error(backend.log());
} finally {
  await browser.close();
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\noperator console: all checks passed');
