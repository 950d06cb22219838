// The backend client under Node's test runner, with a fake adapter: what each server answer
// becomes for the player.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backend, PlayerError } from '../src/index.js';

function adapterAnswering(answer) {
  const requests = [];
  return {
    requests,
    request: async (method, url, init) => {
      requests.push({ method, url, ...init });
      return answer(method, url, init);
    },
  };
}

test('a ticket request carries the public key and returns the ticket bytes', async () => {
  const adapter = adapterAnswering(() => ({
    status: 200,
    json: { session_id: 'ab', ticket_hex: '5050544b01ff', level_id: 'm3-01', seed: '7', expires_at_ms: 1 },
  }));
  const backend = new Backend(adapter, { identity: { 'x-playproof-dev-player': 'ann' } });
  const ticket = await backend.ticket('m3-01', 'aa'.repeat(32));
  assert.deepEqual(Array.from(ticket.ticket), [0x50, 0x50, 0x54, 0x4b, 0x01, 0xff]);
  const [request] = adapter.requests;
  assert.equal(request.url, '/v1/tickets');
  assert.equal(request.headers['x-playproof-dev-player'], 'ann');
  assert.deepEqual(JSON.parse(request.body), { level_id: 'm3-01', session_public_key: 'aa'.repeat(32) });
});

test('a proof is sent as octet-stream bytes', async () => {
  const adapter = adapterAnswering(() => ({ status: 200, json: { verdict: 'accepted' } }));
  const receipt = await new Backend(adapter).submitProof(new Uint8Array([1, 2, 3]));
  assert.equal(receipt.verdict, 'accepted');
  assert.equal(adapter.requests[0].headers['content-type'], 'application/octet-stream');
});

const cases = [
  ['network down', () => { throw new TypeError('Failed to fetch'); }, 'offline'],
  ['expired ticket', () => ({ status: 422, json: { error: { code: 'ticket_expired', message: 'late' } } }), 'ticket_expired'],
  ['score mismatch', () => ({ status: 422, json: { error: { code: 'score_mismatch', message: 'no' } } }), 'proof_rejected'],
  ['bad signature', () => ({ status: 400, json: { error: { code: 'bad_session_signature' } } }), 'proof_rejected'],
  ['already decided', () => ({ status: 409, json: { error: { code: 'session_already_consumed' } } }), 'already_submitted'],
  ['database down', () => ({ status: 503, json: { error: { code: 'storage_unavailable' } } }), 'server'],
  ['rate limited', () => ({ status: 429, json: { error: { code: 'rate_limited' } } }), 'rate_limited'],
  ['quiet hours', () => ({ status: 403, json: { error: { code: 'quiet_hours', message: 'play rests from 22:00 to 08:00' } } }), 'quiet_hours'],
  ['daily limit', () => ({ status: 403, json: { error: { code: 'daily_play_limit', message: 'tomorrow' } } }), 'daily_play_limit'],
];

for (const [name, answer, code] of cases) {
  test(`${name} becomes the player error "${code}"`, async () => {
    const backend = new Backend(adapterAnswering(answer));
    await assert.rejects(backend.submitProof(new Uint8Array([1])), (error) => {
      assert.ok(error instanceof PlayerError);
      assert.equal(error.code, code);
      assert.ok(error.message.length > 10, 'a sentence the player can read');
      return true;
    });
  });
}
