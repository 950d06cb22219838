// The wallet's withdraw flow in the mini-game projects that `cargo xtask minigame` made, each
// booted in its platform's sandbox (sandbox.mjs) and reached by touch (start, intro, map,
// wallet), against the real service:
// - WeChat (the WeChat rail and the WeChat Pay stand-in): Withdraw, the minimum, Confirm; the
//   game calls `wx.requestMerchantTransfer` with the server's package, shows "waiting for your
//   confirmation" and nothing as paid while WeChat's page is up, and "paid" once the server
//   says `succeeded`, the balance down;
// - Alipay (no confirmation step; the manual rail, where an operator's report settles it, as
//   Alipay's answer would): "sent", then the result;
// - Douyin: earns only, no withdraw button.
// Run with `node --test tests/minigame/` after `cargo test` built the binaries and `cargo xtask
// minigame` the projects (or set PLAYPROOF_BINARY, PAYSIM_BINARY and MINIGAME_DIR).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { createRuntime, DEVICE } from './sandbox.mjs';
import { APP_ID, MCHID, startPayoutServices } from './payout-services.mjs';

const PLAYPROOF = process.env.PLAYPROOF_BINARY ?? 'target/debug/playproof';
const PAYSIM = process.env.PAYSIM_BINARY ?? 'target/debug/paysim';
const MINIGAME_DIR = process.env.MINIGAME_DIR ?? 'target/minigame';
const WAIT_MS = 30_000;
const missing = [PLAYPROOF, PAYSIM, join(MINIGAME_DIR, 'wechat')].filter((path) => !existsSync(path));
const skip = missing.length > 0 ? `not built: ${missing.join(', ')}` : false;

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const work = mkdtempSync(join(tmpdir(), 'playproof-wallet-'));
/** Every booted game, hidden at the end: a hidden game asks for no frames, so the test ends. */
const runtimes = [];
after(() => {
  for (const runtime of runtimes) runtime.hide();
  rmSync(work, { recursive: true, force: true });
});

async function waitFor(what, predicate, timeoutMs = WAIT_MS) {
  const started = Date.now();
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The platform's project, pointed at `url` as dev player `player`, booted to its start screen. */
async function boot(platform, url, player) {
  const dir = join(work, platform);
  cpSync(join(MINIGAME_DIR, platform), dir, { recursive: true });
  const configPath = join(dir, 'config.js');
  writeFileSync(configPath, readFileSync(configPath, 'utf8')
    .replace(/"backendUrl": "[^"]*"/, `"backendUrl": ${JSON.stringify(url)}`)
    .replace(/"devPlayer": "[^"]*"/, `"devPlayer": ${JSON.stringify(player)}`));
  const runtime = createRuntime({ platform, root: resolve(dir) });
  runtimes.push(runtime);
  runtime.run();
  const game = await waitFor(`${platform}: the start screen`, () => {
    const game = runtime.global.playproofGame;
    if (game?.state === 'failed') throw new Error(`${platform}: boot failed: ${game.error.message}`);
    return game?.screen === 'start' && game.frames > 3 ? game : null;
  });
  return { runtime, game };
}

/** Taps the centre of the wasm's button for `act` (its boxes are in CSS px from the safe area). */
async function tap(runtime, game, act, index = -1) {
  const button = game.buttons().find((entry) => entry.act === act && (index < 0 || entry.index === index));
  if (!button) throw new Error(`no ${act} button on the ${game.screen} screen`);
  const x = DEVICE.safeArea.left + button.x + button.w / 2;
  const y = DEVICE.safeArea.top + button.y + button.h / 2;
  runtime.touch('down', [[5, x, y]]);
  await sleep(30);
  runtime.touch('up', [[5, x, y]]);
  await sleep(120);
}

const screen = (game, name) => waitFor(`the ${name} screen`, () => game.screen === name);
/** The words the last frames rasterised. */
const texts = (runtime) => runtime.gl().summary().texts.map((entry) => entry.text);

/** From the start screen to the wallet by touch, its balance drawn. */
async function openWallet(runtime, game, balanceText) {
  runtime.touch('down', [[5, 40, 700]]);
  runtime.touch('up', [[5, 40, 700]]);
  await screen(game, 'intro');
  await tap(runtime, game, 'map');
  await screen(game, 'map');
  await tap(runtime, game, 'wallet');
  await screen(game, 'wallet');
  await waitFor(`the balance ${balanceText}`, () => texts(runtime).includes(balanceText));
}

/** Withdraw, the first amount offered (the rail's minimum), Confirm. */
async function withdrawMinimum(runtime, game) {
  await tap(runtime, game, 'withdraw');
  await tap(runtime, game, 'amount', 0);
  await tap(runtime, game, 'confirm');
}

const yuan = (fen) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

test('WeChat: the confirmation page gets the server\'s package, and paid shows only after the server says so', { skip }, async () => {
  const services = await startPayoutServices({ playproof: PLAYPROOF, paysim: PAYSIM, rail: 'wechat' });
  try {
    const player = 'wallet-wechat';
    const earned = await services.earn(player, 5);
    const { runtime, game } = await boot('wechat', services.url, player);
    await openWallet(runtime, game, yuan(earned));
    const atConfirmation = {};
    runtime.merchantTransfer.answer = async (options) => {
      // WeChat's page is up: the game waits for the player and shows nothing as paid.
      await sleep(300);
      atConfirmation.texts = texts(runtime);
      const id = game.withdrawal.withdrawal_id;
      const response = await fetch(`${services.url}/v1/withdrawals/${id}`, { headers: { 'x-playproof-dev-player': player } });
      atConfirmation.server = await response.json();
      // The player confirms on the stand-in's side of the page.
      await fetch(`${services.paysimUrl}/standin/confirm`, { method: 'POST', body: JSON.stringify({ package: options.package }) });
      return true;
    };
    await withdrawMinimum(runtime, game);
    await waitFor('succeeded', () => game.withdrawal?.state === 'succeeded');
    await sleep(300);
    assert.equal(runtime.merchantTransfer.calls.length, 1, 'one confirmation page');
    assert.deepEqual(runtime.merchantTransfer.calls[0], {
      mchId: MCHID, appId: APP_ID, package: atConfirmation.server.confirmation.package,
    }, 'wx.requestMerchantTransfer got the server\'s package');
    assert.ok(atConfirmation.texts.includes('请在微信中确认收款 ¥0.10'), `waiting for the player (${atConfirmation.texts})`);
    assert.ok(!atConfirmation.texts.some((text) => text.includes('已到账')), 'nothing shown as paid while the page is up');
    // The sandbox's arrays are of its own realm: copied before comparing.
    const states = Array.from(game.withdrawalStates);
    assert.equal(states.at(-1), 'succeeded');
    assert.match(states.at(-2), /^awaiting_confirmation/, `states: ${states}`);
    assert.ok(texts(runtime).includes('¥0.10 已到账'), `paid (${texts(runtime)})`);
    assert.equal(await services.balanceFen(player), earned - 10);
    await waitFor('the balance down', () => texts(runtime).includes(yuan(earned - 10)));
  } finally {
    services.stop();
  }
});

test('Alipay and Douyin: Alipay shows the result without a confirmation step; Douyin has no withdraw button', { skip }, async () => {
  const services = await startPayoutServices({ playproof: PLAYPROOF, paysim: PAYSIM, rail: 'manual' });
  try {
    const alipayPlayer = 'wallet-alipay';
    const earned = await services.earn(alipayPlayer, 5);
    const alipay = await boot('alipay', services.url, alipayPlayer);
    await openWallet(alipay.runtime, alipay.game, yuan(earned));
    await withdrawMinimum(alipay.runtime, alipay.game);
    await waitFor('sent', () => alipay.game.withdrawal?.state === 'requested');
    await sleep(300);
    assert.ok(texts(alipay.runtime).includes('提现 ¥0.10 已提交'), `sent (${texts(alipay.runtime)})`);
    assert.ok(!texts(alipay.runtime).some((text) => text.includes('已到账')), 'not paid before the report');
    assert.equal(await services.operator(`/v1/operator/withdrawals/${alipay.game.withdrawal.withdrawal_id}/paid`), 200);
    await waitFor('succeeded', () => alipay.game.withdrawal?.state === 'succeeded');
    await sleep(300);
    assert.ok(texts(alipay.runtime).includes('¥0.10 已到账'), `paid (${texts(alipay.runtime)})`);
    assert.ok(!alipay.game.withdrawalStates.includes('awaiting_confirmation'), 'no confirmation step');

    const douyinPlayer = 'wallet-douyin';
    const douyinEarned = await services.earn(douyinPlayer, 5);
    const douyin = await boot('douyin', services.url, douyinPlayer);
    await openWallet(douyin.runtime, douyin.game, yuan(douyinEarned));
    assert.ok(texts(douyin.runtime).includes('抖音版只能赚取奖励，不能提现'), 'the wallet says it earns only');
    assert.deepEqual(Array.from(douyin.game.buttons(), (button) => button.act), ['map'], 'no withdraw button');
    assert.ok(!douyin.runtime.requests.some((request) => request.url.includes('/v1/withdrawals')), 'never asks the server');
  } finally {
    services.stop();
  }
});
