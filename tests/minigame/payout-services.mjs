// The real service on a payout rail, for the withdraw tests (the sandboxes' and the browser's):
// `playproof serve --dev` on a fresh SQLite file, on the WeChat rail against the WeChat Pay
// stand-in (`paysim`, started here) or on the manual rail (an operator settles). The players
// earn with verified games (a bot's input log proven with the server's own key ring).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const APIV3_KEY = 'standin-apiv3-key-not-a-secret!!';
export const MCHID = '1900000109';
export const APP_ID = 'wxstandin00000000';
/** The operator's bearer token on the manual rail: made up, opens nothing anywhere else. */
export const OPERATOR_TOKEN = 'standin-operator-token-0123456789abcdefghijklmnop';
const LEVEL = 'assets/levels/match3/m3-01-first-steps.json';
const START_TIMEOUT_MS = 60_000;

/**
 * A loopback port free a moment ago: the OS picks it for a listener that closes at once. (A
 * port picked at random may be one the OS has lent to an outgoing connection.)
 */
const freePort = () => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

/** Starts `binary` and resolves `ready` with the first output match of `pattern`. */
function start(binary, args, env, pattern) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary} did not start:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      log += chunk;
      const match = log.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${binary} exited (${code}):\n${log}`)));
  });
  return { child, ready, log: () => log };
}

/**
 * Starts the service (and on `rail: 'wechat'` the stand-in first). `playproof`, `paysim`: the
 * binaries; `staticDir`: a built page to serve, if any. Resolves to `{ url, paysimUrl, earn,
 * balanceFen, operator, log, stop }`.
 */
export async function startPayoutServices({ playproof, paysim, rail, staticDir }) {
  const work = mkdtempSync(join(tmpdir(), `playproof-payouts-${rail}-`));
  const children = [];
  const logs = [];
  const stop = () => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  try {
    execFileSync(playproof, ['keys', 'new', '--out', join(work, 'keys.json')]);
    writeFileSync(join(work, 'plausibility.json'), '{ "default": { "clock_slack_ms": 86400000, "input_interval_ticks_min": 0 } }');
    // The games that earn here are a bot's; these tests are about payouts, not risk: the shipped
    // policy with every signal weighed 0 and no decision below certainty.
    const risk = JSON.parse(readFileSync('assets/risk/policy.json', 'utf8'));
    for (const signal of Object.keys(risk.weights)) risk.weights[signal] = 0;
    for (const decision of Object.keys(risk.thresholds)) risk.thresholds[decision] = 1;
    risk.tickets.one_open_per_player = false;
    writeFileSync(join(work, 'risk-policy.json'), JSON.stringify(risk));
    // The service must know its notify URL before it listens: a port chosen beforehand.
    const port = await freePort();
    const env = { PLAYPROOF_WECHAT_PAY_APIV3_KEY: APIV3_KEY, PLAYPROOF_OPERATOR_TOKEN: OPERATOR_TOKEN };
    let railArgs = ['--payout-rail', 'manual'];
    let paysimUrl = null;
    if (rail === 'wechat') {
      const standin = start(paysim, [
        '--listen', '127.0.0.1:0', '--dir', join(work, 'paysim'), '--mchid', MCHID, '--app-id', APP_ID,
        '--merchant-serial', 'STANDIN', '--platform-key-id', 'PUB_KEY_ID_STANDIN', '--confirm-after-ms', '0',
      ], env, /stand-in on (http:\/\/[0-9.:]+)/);
      children.push(standin.child);
      logs.push(standin.log);
      [, paysimUrl] = await standin.ready;
      railArgs = [
        '--payout-rail', 'wechat', '--wechat-pay-mchid', MCHID, '--wechat-pay-app-id', APP_ID,
        '--wechat-pay-key', join(work, 'paysim', 'standin-merchant-key.pem'), '--wechat-pay-serial', 'STANDIN',
        '--wechat-pay-public-key', join(work, 'paysim', 'standin-wechatpay-public-key.pem'),
        '--wechat-pay-public-key-id', 'PUB_KEY_ID_STANDIN', '--wechat-pay-base-url', paysimUrl,
        '--payout-notify-base', `http://127.0.0.1:${port}`,
      ];
    }
    const serve = start(playproof, [
      'serve', '--dev', '--db', `sqlite:${join(work, 'ledger.sqlite')}`, '--listen', `127.0.0.1:${port}`,
      '--metrics-listen', '127.0.0.1:0', '--keys', join(work, 'keys.json'),
      '--plausibility', join(work, 'plausibility.json'), '--risk-policy', join(work, 'risk-policy.json'),
      ...(staticDir ? ['--static', staticDir] : []), ...railArgs,
    ], env, /listening on (http:\/\/[0-9.:]+)/);
    children.push(serve.child);
    logs.push(serve.log);
    const [, url] = await serve.ready;
    let proofs = 0;
    return {
      url,
      paysimUrl,
      /** A verified game of dev player `player` (the name the page or project sends); resolves
       *  to the balance after it. */
      async earn(player, seed) {
        proofs += 1;
        const proofPath = join(work, `proof-${proofs}.bin`);
        execFileSync(playproof, ['demo-proof', '--keys', join(work, 'keys.json'), '--level', LEVEL, '--out', proofPath,
          '--player', `dev-${player}`, '--seed', String(seed)]);
        const response = await fetch(`${url}/v1/proofs`, {
          method: 'POST', body: readFileSync(proofPath),
          headers: { 'x-playproof-dev-player': player, 'content-type': 'application/octet-stream' },
        });
        const receipt = await response.json();
        if (receipt.verdict !== 'accepted') throw new Error(`the game was not accepted: ${JSON.stringify(receipt)}`);
        return receipt.balance_fen;
      },
      async balanceFen(player) {
        const response = await fetch(`${url}/v1/balance`, { headers: { 'x-playproof-dev-player': player } });
        return (await response.json()).balance_fen;
      },
      /** An operator's call (manual rail: `/v1/operator/withdrawals/{id}/paid`). */
      async operator(path) {
        const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
        return response.status;
      },
      log: () => logs.map((log) => log()).join('\n'),
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
