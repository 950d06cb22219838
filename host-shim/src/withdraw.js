// A withdrawal from the host's side: ask the server, hand WeChat's confirmation package to
// `wx.requestMerchantTransfer`, then follow the server's state until it is final. The states are
// the server's (docs/PAYOUTS.md); this file holds no words: a wallet screen shows each state with
// the game's own strings. Money is shown as paid only when the server says `succeeded`: the
// success callback of `requestMerchantTransfer` only means WeChat's confirmation page was shown.

/** The server's payout states and what a wallet screen should make of them. */
export const WITHDRAW_STATES = {
  requested: { final: false, paid: false },
  submitted: { final: false, paid: false },
  awaiting_confirmation: { final: false, paid: false },
  succeeded: { final: true, paid: true },
  failed: { final: true, paid: false }, // the money is back in the balance
  cancelled: { final: true, paid: false }, // the money is back in the balance
  expired: { final: true, paid: false }, // not confirmed within 24 hours; the money is back
};

/** Platforms whose players can withdraw. Douyin has no merchant-to-user transfer: earn only. */
export const WITHDRAW_PLATFORMS = { wechat: true, alipay: true, douyin: false, browser: true };

/** How often the state is asked for, and for how long in all (the player may take a while). */
export const WITHDRAW_POLL_MS = 1_000;
export const WITHDRAW_WAIT_MS_MAX = 10 * 60 * 1_000;

/**
 * Withdraws `amountFen`. `request(method, url, {headers, body})` answers `{status, json}` (the
 * adapters' `request`); `api` is the platform object (`wx`, `my`, `tt`, or null in a browser);
 * `headers` carry the player's credentials; `idempotencyKey` makes a retry the same withdrawal.
 * `onState(state, withdrawal)` is called on each change. Resolves to the final withdrawal, or
 * `{ state: 'unsupported' }` on a platform that cannot withdraw; rejects with the server's
 * refusal (`error.code`) or when the wait is over.
 */
export async function withdraw({
  platform, api, request, base, headers = {}, amountFen, idempotencyKey, onState = () => {},
  pollMs = WITHDRAW_POLL_MS, waitMsMax = WITHDRAW_WAIT_MS_MAX, sleep = defaultSleep,
}) {
  if (!WITHDRAW_PLATFORMS[platform]) return { state: 'unsupported' };
  const created = await request('POST', `${base}/v1/withdrawals`, {
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ amount_fen: amountFen }),
  });
  if (created.status !== 201 && created.status !== 200) throw refusal(created);
  const id = created.json.withdrawal_id;
  let last = null;
  let confirmationShown = false;
  const started = Date.now();
  for (;;) {
    const answer = await request('GET', `${base}/v1/withdrawals/${id}`, { headers });
    if (answer.status !== 200) throw refusal(answer);
    const withdrawal = answer.json;
    if (withdrawal.state !== last) {
      last = withdrawal.state;
      onState(withdrawal.state, withdrawal);
    }
    if (WITHDRAW_STATES[withdrawal.state]?.final) return withdrawal;
    if (withdrawal.confirmation && !confirmationShown && platform === 'wechat') {
      confirmationShown = true;
      await showConfirmation(api, withdrawal.confirmation);
    }
    if (Date.now() - started > waitMsMax) throw new Error(`withdrawal ${id} is still ${last}`);
    await sleep(pollMs);
  }
}

/** WeChat's confirmation page. Its outcome is only that the page was shown (or not): the
 *  server's state says what happened. */
function showConfirmation(api, { mch_id: mchId, app_id: appId, package: pkg }) {
  return new Promise((resolve) => {
    if (typeof api?.requestMerchantTransfer !== 'function') {
      resolve(false);
      return;
    }
    api.requestMerchantTransfer({
      mchId, appId, package: pkg,
      success: () => resolve(true),
      fail: () => resolve(false),
    });
  });
}

function refusal(answer) {
  const error = new Error(answer.json?.error?.message ?? `HTTP ${answer.status}`);
  error.code = answer.json?.error?.code ?? 'http_error';
  error.status = answer.status;
  return error;
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
