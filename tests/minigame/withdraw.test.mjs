// The host's withdraw flow (host-shim/src/withdraw.js) against the real service on the WeChat
// rail and the WeChat Pay stand-in (`paysim`): the server makes a bill waiting for the player,
// the flow hands its package to `wx.requestMerchantTransfer` (here: the stand-in's confirmation
// page, as WeChat's would be), and reports `succeeded` only once the server has the verified
// notification. Douyin earns only. Run with `node --test tests/minigame/` after `cargo test`
// built the binaries (or set PLAYPROOF_BINARY and PAYSIM_BINARY).
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withdraw } from '../../host-shim/src/withdraw.js';
import { APP_ID, MCHID, startPayoutServices } from './payout-services.mjs';

const PLAYPROOF = process.env.PLAYPROOF_BINARY ?? 'target/debug/playproof';
const PAYSIM = process.env.PAYSIM_BINARY ?? 'target/debug/paysim';

/** The adapters' request shape over Node's fetch. */
async function request(method, url, { headers, body }) {
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

test('a WeChat withdrawal shows the confirmation page and is paid only when the server says so', {
  skip: !existsSync(PLAYPROOF) || !existsSync(PAYSIM) ? 'the binaries are not built' : false,
}, async () => {
  const services = await startPayoutServices({ playproof: PLAYPROOF, paysim: PAYSIM, rail: 'wechat' });
  try {
    const { url: base, paysimUrl } = services;
    const headers = { 'x-playproof-dev-player': 'zoe' };
    const earned = await services.earn('zoe', 5);
    assert.ok(earned >= 10, `earned ${earned} fen`);

    const shown = [];
    const seen = [];
    const wx = {
      // WeChat's confirmation page: the player confirms.
      requestMerchantTransfer(options) {
        shown.push({ mchId: options.mchId, appId: options.appId });
        fetch(`${paysimUrl}/standin/confirm`, { method: 'POST', body: JSON.stringify({ package: options.package }) })
          .then(() => options.success({}), options.fail);
      },
    };
    const final = await withdraw({
      platform: 'wechat', api: wx, request, base, headers, amountFen: 10, idempotencyKey: 'first',
      pollMs: 100, waitMsMax: 30_000, onState: (state, withdrawal) => seen.push(withdrawal.confirmed ? `${state} (confirmed)` : state),
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
    services.stop();
  }
});
