// Starts the real verification service (`playproof serve --dev`) on a fresh SQLite file, on
// loopback with ports the OS picks, serving the built web page. Resolves once it listens.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 60_000;

/**
 * `playproof`: the binary; `webDir`: the built page; `repoRoot`: where assets/ lives;
 * `payoutTables`: tables that replace the shipped ones for their levels (the service then reads
 * a copy of assets/payouts with these written over it); `args`: more `serve` arguments; `env`:
 * more environment variables (the operator token).
 */
export function startBackend({ playproof, webDir, repoRoot = process.cwd(), payoutTables = [], args = [], env = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'playproof-web-'));
  let payouts = join(repoRoot, 'assets/payouts');
  if (payoutTables.length > 0) {
    const copy = join(dir, 'payouts');
    cpSync(payouts, copy, { recursive: true });
    for (const table of payoutTables) {
      writeFileSync(join(copy, `${table.level_id}.json`), JSON.stringify(table, null, 2));
    }
    payouts = copy;
  }
  const child = spawn(playproof, [
    'serve', '--dev',
    '--db', `sqlite:${join(dir, 'ledger.sqlite')}`,
    '--listen', '127.0.0.1:0',
    '--metrics-listen', '127.0.0.1:0',
    '--levels', join(repoRoot, 'assets/levels'),
    '--payouts', payouts,
    '--static', webDir,
    ...args,
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  /** Stops the service and, once it has exited (it may write its database until then), removes its folder. */
  const stop = () => new Promise((done) => {
    const remove = () => {
      rmSync(dir, { recursive: true, force: true });
      done();
    };
    if (child.exitCode !== null || child.signalCode !== null) {
      remove();
      return;
    }
    child.once('exit', remove);
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`playproof serve did not start within ${START_TIMEOUT_MS} ms:\n${log}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop, log: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`playproof serve exited (${code}):\n${log}`));
    });
  });
}

/** The player's balance as the backend reports it (dev identity). */
export async function balanceFen(url, player) {
  const response = await fetch(`${url}/v1/balance`, { headers: { 'x-playproof-dev-player': player } });
  if (!response.ok) throw new Error(`balance: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()).balance_fen;
}
