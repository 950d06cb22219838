// A withdrawal from the host's side: ask the server, hand WeChat's confirmation package to
// `wx.requestMerchantTransfer`, then follow the server's state until it is final. The states are
// the server's (docs/PAYOUTS.md); this file holds no words: the wallet screen shows each state
// with the game's own strings. Money is shown as paid only when the server says `succeeded`:
// the success callback of `requestMerchantTransfer` only means WeChat's confirmation page was
// shown and the player confirmed on it, which the state reports as `confirmed`, not as paid.

/** The server's payout states and what a wallet screen should make of them. */
export const WITHDRAW_STATES = {
  requested: { final: false, paid: false },
  submitted: { final: false, paid: false },
  awaiting_confirmation: { final: false, paid: false },
  succeeded: { final: true, paid: true },
  failed: { final: true, paid: false }, // the money is back in the balance
  cancelled: { final: true, paid: false }, // the money is back in the balance
  expired: { final: true, paid: false }, // not confirmed within 24 hours; the money is back
  // A flagged player's request parked for an operator's review (HTTP 202): nothing moved yet,
  // and nothing the player can do about it, so the host stops following it.
  review: { final: true, paid: false },
};

/** Platforms whose players can withdraw. Douyin has no merchant-to-user transfer: earn only. */
export const WITHDRAW_PLATFORMS = { wechat: true, alipay: true, douyin: false, browser: true };

/** How often the state is asked for, and for how long in all (the player may take a while;
 *  a withdrawal still open after that is found again when the wallet is opened). */
export const WITHDRAW_POLL_MS = 1_000;
export const WITHDRAW_WAIT_MS_MAX = 10 * 60 * 1_000;

/**
 * Withdraws `amountFen`. `request(method, url, {headers, body})` answers `{status, json}` (the
 * adapters' `request`); `api` is the platform object (`wx`, `my`, `tt`; in a browser, an object
 * whose `requestMerchantTransfer` opens the WeChat Pay stand-in's confirmation page, or null);
 * `headers` carry the player's credentials; `idempotencyKey` makes a retry the same
 * withdrawal. `onState(state, withdrawal)` is called on each change (a confirmation on WeChat's
 * page is a change: `withdrawal.confirmed` becomes true). Resolves to the final withdrawal, or
 * `{ state: 'unsupported' }` on a platform that cannot withdraw; rejects with the server's
 * refusal (`error.code`) or when the wait is over.
 */
export async function withdraw({
  platform, api, request, base, headers = {}, amountFen, idempotencyKey, onState = () => {},
  pollMs = WITHDRAW_POLL_MS, waitMsMax = WITHDRAW_WAIT_MS_MAX, sleep = defaultSleep, onId = () => {},
}) {
  if (!WITHDRAW_PLATFORMS[platform]) return { state: 'unsupported' };
  const created = await request('POST', `${base}/v1/withdrawals`, {
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ amount_fen: amountFen }),
  });
  if (![200, 201, 202].includes(created.status)) throw refusal(created);
  if (created.json.state === 'review') {
    onState('review', created.json);
    return created.json;
  }
  onId(created.json.withdrawal_id);
  return follow({ api, request, base, headers, id: created.json.withdrawal_id, onState, pollMs, waitMsMax, sleep });
}

/**
 * Follows withdrawal `id` (one just asked for, or one the server lists as open) until its state
 * is final; the same options as `withdraw`. While the bill waits for the player, WeChat's
 * confirmation page is shown once per follow.
 */
export async function follow({
  api, request, base, headers = {}, id, onState = () => {},
  pollMs = WITHDRAW_POLL_MS, waitMsMax = WITHDRAW_WAIT_MS_MAX, sleep = defaultSleep,
}) {
  let last = null;
  let confirmationShown = false;
  let confirmed = false;
  const started = Date.now();
  for (;;) {
    const answer = await request('GET', `${base}/v1/withdrawals/${encodeURIComponent(id)}`, { headers });
    if (answer.status !== 200) throw refusal(answer);
    const withdrawal = { ...answer.json, confirmed: confirmed && answer.json.state === 'awaiting_confirmation' };
    const seen = `${withdrawal.state}/${withdrawal.confirmed}`;
    if (seen !== last) {
      last = seen;
      onState(withdrawal.state, withdrawal);
    }
    if (WITHDRAW_STATES[withdrawal.state]?.final) return withdrawal;
    if (withdrawal.confirmation && !confirmationShown && typeof api?.requestMerchantTransfer === 'function') {
      confirmationShown = true;
      confirmed = await showConfirmation(api, withdrawal.confirmation);
      continue; // ask again at once: the player's answer may have settled it
    }
    if (Date.now() - started > waitMsMax) {
      const error = new Error(`withdrawal ${id} is still ${withdrawal.state}`);
      error.stillOpen = true; // not a refusal: the wallet finds it again when opened
      throw error;
    }
    await sleep(pollMs);
  }
}

/** The player's open withdrawals as the server lists them (`GET /v1/withdrawals`), newest first. */
export async function openWithdrawals({ request, base, headers = {} }) {
  const answer = await request('GET', `${base}/v1/withdrawals`, { headers });
  if (answer.status !== 200) throw refusal(answer);
  return answer.json.withdrawals;
}

/**
 * Asks the server to cancel withdrawal `id` (only a bill still waiting for the player can be);
 * resolves to the withdrawal as the server answers. The followed state says when it is done.
 */
export async function cancel({ request, base, headers = {}, id }) {
  const answer = await request('POST', `${base}/v1/withdrawals/${encodeURIComponent(id)}/cancel`, { headers });
  if (answer.status !== 200 && answer.status !== 202) throw refusal(answer);
  return answer.json;
}

/** WeChat's confirmation page. Resolves to whether the player confirmed on it; only the
 *  server's state says whether money moved. */
function showConfirmation(api, { mch_id: mchId, app_id: appId, package: pkg }) {
  return new Promise((resolve) => {
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
