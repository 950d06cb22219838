// The host's withdraw flow (host-shim/src/withdraw.js) against the real service on the WeChat
// rail and the WeChat Pay stand-in (`paysim`): the server makes a bill waiting for the player,
// the flow hands its package to `wx.requestMerchantTransfer` (here: the stand-in's confirmation
// page, as WeChat's would be), and reports `succeeded` only once the server has the verified
// notification. Douyin earns only. Run with `node --test tests/minigame/` after `cargo test`
// built the binaries (or set PLAYPROOF_BINARY and PAYSIM_BINARY).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withdraw } from '../../host-shim/src/withdraw.js';

const PLAYPROOF = process.env.PLAYPROOF_BINARY ?? 'target/debug/playproof';
const PAYSIM = process.env.PAYSIM_BINARY ?? 'target/debug/paysim';
const LEVEL = 'assets/levels/match3/m3-01-first-steps.json';
const APIV3_KEY = 'standin-apiv3-key-not-a-secret!!';
const MCHID = '1900000109';
const APP_ID = 'wxstandin00000000';

/** Starts `binary` and resolves with the first stdout line matching `pattern`. */
function start(binary, args, env, pattern) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary} did not start:\n${log}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const match = log.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.stderr.on('data', (chunk) => { log += chunk; });
    child.on('exit', (code) => reject(new Error(`${binary} exited (${code}):\n${log}`)));
  });
  return { child, ready };
}

/** The adapters' request shape over Node's fetch. */
async function request(method, url, { headers, body }) {
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

test('a WeChat withdrawal shows the confirmation page and is paid only when the server says so', {
  skip: !existsSync(PLAYPROOF) || !existsSync(PAYSIM) ? 'the binaries are not built' : false,
}, async () => {
  const work = mkdtempSync(join(tmpdir(), 'playproof-withdraw-'));
  const children = [];
  try {
    execFileSync(PLAYPROOF, ['keys', 'new', '--out', join(work, 'keys.json')]);
    writeFileSync(join(work, 'plausibility.json'), '{ "default": { "clock_slack_ms": 86400000, "input_interval_ticks_min": 0 } }');
    // The game that earns here is a bot's; this test is about payouts, not risk: the shipped
    // policy with every signal weighed 0 and no decision below certainty.
    const risk = JSON.parse(readFileSync('assets/risk/policy.json', 'utf8'));
    for (const signal of Object.keys(risk.weights)) risk.weights[signal] = 0;
    for (const decision of Object.keys(risk.thresholds)) risk.thresholds[decision] = 1;
    risk.tickets.one_open_per_player = false;
    writeFileSync(join(work, 'risk-policy.json'), JSON.stringify(risk));
    const paysim = start(PAYSIM, [
      '--listen', '127.0.0.1:0', '--dir', join(work, 'paysim'), '--mchid', MCHID, '--app-id', APP_ID,
      '--merchant-serial', 'STANDIN', '--platform-key-id', 'PUB_KEY_ID_STANDIN', '--confirm-after-ms', '0',
    ], { PLAYPROOF_WECHAT_PAY_APIV3_KEY: APIV3_KEY }, /stand-in on (http:\/\/[0-9.:]+)/);
    children.push(paysim.child);
    const [, paysimBase] = await paysim.ready;
    // The service must know its notify URL before it listens: pick a port the OS just freed.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const serve = start(PLAYPROOF, [
      'serve', '--dev', '--db', `sqlite:${join(work, 'ledger.sqlite')}`, '--listen', `127.0.0.1:${port}`,
      '--metrics-listen', '127.0.0.1:0', '--keys', join(work, 'keys.json'),
      '--plausibility', join(work, 'plausibility.json'), '--risk-policy', join(work, 'risk-policy.json'),
      '--payout-rail', 'wechat', '--wechat-pay-mchid', MCHID, '--wechat-pay-app-id', APP_ID,
      '--wechat-pay-key', join(work, 'paysim', 'standin-merchant-key.pem'), '--wechat-pay-serial', 'STANDIN',
      '--wechat-pay-public-key', join(work, 'paysim', 'standin-wechatpay-public-key.pem'),
      '--wechat-pay-public-key-id', 'PUB_KEY_ID_STANDIN', '--wechat-pay-base-url', paysimBase,
      '--payout-notify-base', `http://127.0.0.1:${port}`,
    ], { PLAYPROOF_WECHAT_PAY_APIV3_KEY: APIV3_KEY }, /listening on (http:\/\/[0-9.:]+)/);
    children.push(serve.child);
    const [, base] = await serve.ready;

    // Earn: a bot's game, proven with the server's own key ring.
    const headers = { 'x-playproof-dev-player': 'zoe' };
    const proofPath = join(work, 'proof.bin');
    execFileSync(PLAYPROOF, ['demo-proof', '--keys', join(work, 'keys.json'), '--level', LEVEL, '--out', proofPath, '--player', 'dev-zoe', '--seed', '5']);
    const receipt = await request('POST', `${base}/v1/proofs`, {
      headers: { ...headers, 'content-type': 'application/octet-stream' }, body: readFileSync(proofPath),
    });
    assert.equal(receipt.json.verdict, 'accepted');
    const earned = receipt.json.balance_fen;
    assert.ok(earned >= 10, `earned ${earned} fen`);

    const shown = [];
    const seen = [];
    const wx = {
      // WeChat's confirmation page: the player confirms.
      requestMerchantTransfer(options) {
        shown.push({ mchId: options.mchId, appId: options.appId });
        // The state must not be paid while the page is up.
        fetch(`${paysimBase}/standin/confirm`, { method: 'POST', body: JSON.stringify({ package: options.package }) })
          .then(() => options.success({}), options.fail);
      },
    };
    const final = await withdraw({
      platform: 'wechat', api: wx, request, base, headers, amountFen: 10, idempotencyKey: 'first',
      pollMs: 100, waitMsMax: 30_000, onState: (state) => seen.push(state),
    });
    assert.equal(final.state, 'succeeded');
    assert.deepEqual(shown, [{ mchId: MCHID, appId: APP_ID }]);
    assert.equal(seen.at(-1), 'succeeded');
    assert.ok(seen.includes('awaiting_confirmation'), `states seen: ${seen}`);
    assert.ok(seen.indexOf('awaiting_confirmation') < seen.indexOf('succeeded'));
    const balance = await request('GET', `${base}/v1/balance`, { headers });
    assert.equal(balance.json.balance_fen, earned - 10);
    assert.equal(balance.json.pending_withdrawal_fen, 0);

    // A refusal comes back with the server's code; Douyin never asks the server.
    await assert.rejects(
      withdraw({ platform: 'wechat', api: wx, request, base, headers, amountFen: 5, idempotencyKey: 'small' }),
      (error) => error.code === 'below_withdrawal_minimum',
    );
    const douyin = await withdraw({ platform: 'douyin', api: {}, request: () => assert.fail('no request on Douyin'), base, amountFen: 10, idempotencyKey: 'dy' });
    assert.deepEqual(douyin, { state: 'unsupported' });
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});
