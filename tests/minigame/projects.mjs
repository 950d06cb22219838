// The mini-game projects that `cargo xtask minigame` made, each booted in its platform's
// sandbox (sandbox.mjs) and played for one full session with touch events only, against the
// real backend (`playproof serve --dev` on SQLite). The proof the game sent is then checked
// offline with `playproof verify`.
//
// usage: node tests/minigame/projects.mjs PLAYPROOF_BINARY MINIGAME_DIR [platform…]

import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';

import { createRuntime, DEVICE } from './sandbox.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Which level each platform plays: short sessions of both modes. */
const PLAYS = {
  wechat: { level: 'm3-03-three-colours', mode: 'match3' },
  alipay: { level: 'md-05-vase', mode: 'merge_drop' },
  douyin: { level: 'm3-01-first-steps', mode: 'match3' },
};
const BOOT_TIMEOUT_MS = 30_000;
/**
 * A game's longest run in wall time. The three sandboxes share one event loop, and a loaded
 * machine runs their clocks slower than the wall's: Alipay's two minutes, five times over.
 */
const SESSION_TIMEOUT_MS = 600_000;
/** The longest wait for what a frame draws or a server's answer brings, on a loaded machine. */
const WAIT_MS = 30_000;

const [playproof, minigameDir, ...only] = process.argv.slice(2);
if (!playproof || !minigameDir) {
  console.error('usage: node tests/minigame/projects.mjs PLAYPROOF_BINARY MINIGAME_DIR [platform…]');
  process.exit(2);
}
const platforms = only.length > 0 ? only : Object.keys(PLAYS);
const work = mkdtempSync(join(tmpdir(), 'playproof-minigame-'));

async function waitFor(what, predicate, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The verification service with a known ticket key, so `playproof verify` can check offline. */
async function startBackend() {
  const keys = join(work, 'keys.json');
  await run(playproof, ['keys', 'new', '--out', keys]);
  const secret = JSON.parse(readFileSync(keys, 'utf8')).keys[0].secret_key;
  const child = spawn(playproof, [
    'serve', '--dev', '--db', `sqlite:${join(work, 'ledger.sqlite')}`,
    '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--key-id', '1',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLAYPROOF_TICKET_SECRET: secret } });
  let log = '';
  const url = await new Promise((done, fail) => {
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (match) done(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => fail(new Error(`playproof serve exited (${code}):\n${log}`)));
  });
  // Stopped, it may write its database until it exits: the work folder goes only after that.
  const stop = () => new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
      return;
    }
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
  return { url, keys, stop };
}

/** A copy of the project with config.js pointing at this backend and level. */
function projectCopy(platform, backendUrl, level) {
  const dir = join(work, platform);
  cpSync(join(minigameDir, platform), dir, { recursive: true });
  const configPath = join(dir, 'config.js');
  const config = readFileSync(configPath, 'utf8')
    .replace(/"backendUrl": "[^"]*"/, `"backendUrl": ${JSON.stringify(backendUrl)}`)
    .replace(/"devPlayer": "[^"]*"/, `"devPlayer": "minigame-${platform}"`)
    .replace(/"firstLevel": [^,\n]*/, `"firstLevel": ${JSON.stringify(level)}`);
  writeFileSync(configPath, config);
  return dir;
}

/** The board rectangle in window coordinates (the game lays out inside the safe area). */
function boardRect(game) {
  const [left, top, cell, rows, cols] = game.session.client.boardRect();
  return { left: left + DEVICE.safeArea.left, top: top + DEVICE.safeArea.top, cell, rows, cols };
}

/** Swipes cells in reading order until the game accepts a move (refused swipes cost nothing). */
/** Whether the game still takes input: the page stays 'playing' while its proof is verified. */
const running = (game) => game.session?.state === 'playing';

async function swipeOneMove(runtime, game) {
  const { left, top, cell, rows, cols } = boardRect(game);
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < cols; col += 1) {
      for (const [dx, dy] of [[1, 0], [0, 1]]) {
        for (let attempt = 0; attempt < 40; attempt += 1) {
          if (!running(game)) return;
          const before = game.hud.inputs ?? 0;
          const x = left + (col + 0.5) * cell;
          const y = top + (row + 0.5) * cell;
          runtime.touch('down', [[7, x, y]]);
          await sleep(40);
          for (let step = 1; step <= 3; step += 1) {
            runtime.touch('move', [[7, x + (dx * cell * 0.8 * step) / 3, y + (dy * cell * 0.8 * step) / 3]]);
            await sleep(20);
          }
          runtime.touch('up', [[7, x + dx * cell * 0.8, y + dy * cell * 0.8]]);
          await sleep(120);
          if (!running(game) || (game.hud.inputs ?? 0) > before) return;
          if (game.session.client.lastRefusal() !== 'board_not_stable') break;
          await sleep(200);
        }
      }
    }
  }
  throw new Error('no swipe was accepted anywhere on the board');
}

/** Drops pieces near the middle as fast as the cooldown allows, until the game ends. */
async function playMergeDrop(runtime, game) {
  const { top, cell: scale } = boardRect(game);
  const xs = [0.5, 0.45, 0.55, 0.5, 0.4, 0.6].map((share) => DEVICE.windowWidth * share);
  for (let taps = 0; running(game); taps += 1) {
    const x = xs[taps % xs.length];
    runtime.touch('down', [[3, x, top + scale]]);
    await sleep(30);
    runtime.touch('up', [[3, x, top + scale]]);
    await sleep(450);
  }
}

/**
 * Taps the centre of the button that does `act` on the wasm's current screen (for `open`, the
 * tile of level `index`). The boxes are the wasm's own, in CSS pixels from the safe area's
 * corner, where the game is laid out.
 */
async function tapButton(runtime, game, act, index = -1) {
  const button = game.buttons().find((entry) => entry.act === act && (index < 0 || entry.index === index));
  if (!button) throw new Error(`no ${act} button on the ${game.screen} screen`);
  const x = DEVICE.safeArea.left + button.x + button.w / 2;
  const y = DEVICE.safeArea.top + button.y + button.h / 2;
  runtime.touch('down', [[5, x, y]]);
  await sleep(30);
  runtime.touch('up', [[5, x, y]]);
}

const waitForScreen = (platform, game, screen) => waitFor(`${platform}: the ${screen} screen`,
  () => game.screen === screen && game, WAIT_MS);

/** The words the last frames rasterised. */
const texts = (runtime) => runtime.gl().summary().texts.map((entry) => entry.text);

/**
 * Waits until the frames have rasterised every word of `words` (a frame or a server's answer
 * may be on its way); the assertion after it says what was drawn instead.
 */
const drawn = (runtime, words) => waitFor(`the words ${words.join(', ')}`,
  () => words.every((word) => texts(runtime).includes(word)), WAIT_MS).catch(() => {});

/** From the intro the start screen opened, to the map and level `index`'s intro, by touch. */
async function openLevel(runtime, game, platform, index) {
  await tapButton(runtime, game, 'map');
  await waitForScreen(platform, game, 'map');
  const firstTile = () => game.buttons().find((entry) => entry.act === 'open')?.index;
  for (let page = 0; !game.buttons().some((entry) => entry.act === 'open' && entry.index === index); page += 1) {
    if (page > 10) throw new Error(`${platform}: level ${index} is on no page of the map`);
    // A tap is read on the next frame: wait for the next page before tapping again, or two
    // queued taps turn two pages and pass the level by.
    const shown = firstTile();
    await tapButton(runtime, game, 'page_next');
    await waitFor(`${platform}: the map's next page`, () => firstTile() !== shown, WAIT_MS);
  }
  await tapButton(runtime, game, 'open', index);
  await waitFor(`${platform}: level ${index}'s intro`, () => game.screen === 'intro' && (game.request >>> 8) === index, WAIT_MS);
}

async function playOne(platform, backend) {
  const { level, mode } = PLAYS[platform];
  const root = projectCopy(platform, backend.url, level);
  const runtime = createRuntime({ platform, root: resolve(root) });
  runtime.run();
  // The start screen, drawn by the wasm with its labels; a tap anywhere opens the next level's
  // intro; the map leads to this platform's level; its intro's Start plays it.
  const game = await waitFor(`${platform}: the start screen`, () => {
    const game = runtime.global.playproofGame;
    if (game?.state === 'failed') throw new Error(`${platform}: boot failed: ${game.error.message}`);
    return game?.screen === 'start' && game.frames > 3 ? game : null;
  }, BOOT_TIMEOUT_MS);
  // The platform's loading indicator covered the wasm's compilation and went with the first frame.
  assert.deepEqual(runtime.loading.map((entry) => (entry.hidden ? 'hidden' : entry.shown)), ['加载中', 'hidden'],
    `${platform}: a loading indicator while the wasm compiled, hidden once the start screen was drawn`);
  const startTexts = texts(runtime);
  assert.ok(startTexts.includes('开始游戏'), `${platform}: the start screen's title was rasterised in Chinese (${startTexts})`);
  assert.ok(runtime.gl().summary().textDraws > 0, `${platform}: labels were drawn from the text texture`);
  runtime.touch('down', [[5, 40, 700]]);
  runtime.touch('up', [[5, 40, 700]]);
  await waitForScreen(platform, game, 'intro');
  const levelIndex = JSON.parse(readFileSync(join(root, 'config.js'), 'utf8').replace(/^[^{]*/, '').replace(/;\s*$/, '')).levels
    .findIndex((entry) => entry.id === level);
  await openLevel(runtime, game, platform, levelIndex);
  await drawn(runtime, ['开始']);
  assert.ok(texts(runtime).includes('开始'), `${platform}: the intro offers Start (${texts(runtime)})`);
  await tapButton(runtime, game, 'play');
  await waitFor(`${platform}: the game to start`, () => {
    if (game.state === 'error') throw new Error(`${platform}: ${JSON.stringify(game.error)}`);
    return game.state === 'playing' && game.hud.tick > 0;
  }, BOOT_TIMEOUT_MS);
  assert.deepEqual({ ...game.textCodec }, { encoder: 'polyfill', decoder: 'polyfill' }, 'the runtime had no TextEncoder/TextDecoder, so the shim installed its own');
  assert.equal(game.levelId, level);
  const started = Date.now();

  // Hidden: no frames, no game time. Shown again: the game goes on.
  const tickBeforeHide = game.hud.tick;
  runtime.hide();
  await sleep(300);
  assert.ok(game.hud.tick - tickBeforeHide <= 2, `${platform}: the game ran while hidden`);
  runtime.show();
  await waitFor(`${platform}: frames after show`, () => game.hud.tick > tickBeforeHide + 5, WAIT_MS);
  const resumedTexts = runtime.gl().summary().texts.map((entry) => entry.text);
  assert.ok(resumedTexts.includes('继续游戏'), `${platform}: the game said it resumed (${resumedTexts})`);

  const deadline = setTimeout(() => { game.session?.cancel(); }, SESSION_TIMEOUT_MS);
  if (mode === 'match3') {
    while (running(game) && game.receipts.length === 0) {
      await swipeOneMove(runtime, game);
    }
  } else {
    await playMergeDrop(runtime, game);
  }
  await waitFor(`${platform}: the receipt`, () => ['done', 'error'].includes(game.state) && game, 60_000);
  assert.equal(game.receipts.length, 1, `${platform}: one game played`);
  clearTimeout(deadline);
  if (game.state !== 'done') throw new Error(`${platform}: the game ended in ${game.state}: ${JSON.stringify(game.error)}`);
  const receipt = game.receipts.at(-1);
  const proofRequest = runtime.requests.find((request) => request.url.endsWith('/v1/proofs'));
  assert.ok(proofRequest, `${platform}: the proof went through the platform's request API`);
  assert.equal(proofRequest.headers['content-type'], 'application/octet-stream');
  const proofPath = join(work, `${platform}.proof`);
  writeFileSync(proofPath, proofRequest.body);
  const { stdout } = await run(playproof, ['verify', proofPath, '--keys', backend.keys, '--levels', 'assets/levels', '--json']);
  const verdict = JSON.parse(stdout);
  const gl = runtime.gl().summary();
  const result = {
    platform, level, moves: game.hud.inputs, seconds: Math.round((Date.now() - started) / 1000),
    score: receipt.score, payoutFen: receipt.payout_fen, verify: verdict,
    gl, messages: runtime.messages.length, canvases: runtime.canvasCount(),
  };
  assert.equal(verdict.verdict, 'accepted', `${platform}: playproof verify accepts the proof: ${stdout}`);
  assert.equal(verdict.score, receipt.score, `${platform}: verify and the server agree on the score`);
  assert.equal(receipt.score, game.hud.score, `${platform}: the HUD showed the verified score`);
  assert.ok(runtime.vibrations.length > 0 && runtime.vibrations.length < gl.draws,
    `${platform}: clears and merges buzzed, a few times, not every frame (${runtime.vibrations.length})`);
  assert.deepEqual(runtime.audioErrors, [], `${platform}: every sound file decodes`);
  const cueFiles = new Set(runtime.sounds.map((sound) => sound.src.replace(/^\//, '')));
  assert.ok(cueFiles.has('sounds/move.wav') && (cueFiles.has('sounds/clear.wav') || cueFiles.has('sounds/special.wav')),
    `${platform}: moves and clears were heard (${[...cueFiles]})`);
  assert.ok(cueFiles.has('sounds/win.wav') || cueFiles.has('sounds/end.wav'), `${platform}: the game's end was heard (${[...cueFiles]})`);
  assert.ok(runtime.sounds.length < gl.draws, `${platform}: a cue per event, not one every frame (${runtime.sounds.length})`);
  assert.equal(runtime.canvasCount(), 2, `${platform}: two canvases, the one on screen and one off screen for the labels`);
  const hudTexts = gl.texts.map((entry) => entry.text);
  const counterLabel = mode === 'match3' ? '剩余步数' : '剩余时间';
  assert.ok(hudTexts.includes('得分') && hudTexts.includes(counterLabel),
    `${platform}: the HUD's labels were rasterised in the system language (${hudTexts})`);
  // Device pixels: the canvas covers the window; the game is drawn inside the safe area (GL's
  // viewport counts from the bottom edge).
  const { pixelRatio: dpr, windowWidth, windowHeight, safeArea } = DEVICE;
  assert.deepEqual([gl.canvas.width, gl.canvas.height], [windowWidth * dpr, windowHeight * dpr], `${platform}: canvas at the device pixel ratio`);
  assert.deepEqual({ ...gl.viewport }, {
    x: safeArea.left * dpr, y: (windowHeight - safeArea.bottom) * dpr, width: safeArea.width * dpr, height: safeArea.height * dpr,
  }, `${platform}: drawn inside the safe area`);
  assert.equal(gl.version, 2, `${platform}: WebGL2 was used where offered`);
  assert.ok(gl.draws > 100, `${platform}: frames were drawn (${gl.draws})`);
  assert.ok(gl.draws <= gl.clears, `${platform}: at most one draw call per frame`);
  // The result is a screen of the game, not a system dialog, and nothing starts by itself.
  assert.equal(runtime.messages.length, 0, `${platform}: no system dialog (${JSON.stringify(runtime.messages)})`);
  await waitForScreen(platform, game, 'result');
  await drawn(runtime, ['服务器已验证']);
  assert.ok(texts(runtime).includes('服务器已验证'), `${platform}: the result shows the server's verdict (${texts(runtime)})`);
  await sleep(500);
  assert.equal(game.state, 'done', `${platform}: no next game started on its own`);
  // The level's board, by touch: the game just played is on it; tapping its row plays it
  // back with the same wasm and renderer (a ghost replay), and a tap returns to the board.
  assert.equal(receipt.payment, 'paid', `${platform}: the game was paid as played, so it ranks`);
  await openLevel(runtime, game, platform, levelIndex);
  await tapButton(runtime, game, 'leaderboard');
  await waitFor(`${platform}: the board's entries`, () => game.buttons().some((entry) => entry.act === 'watch'), WAIT_MS);
  await drawn(runtime, ['排行榜']);
  assert.ok(texts(runtime).includes('排行榜'), `${platform}: the board is drawn (${texts(runtime)})`);
  await tapButton(runtime, game, 'watch');
  await waitForScreen(platform, game, 'watching');
  const drawsBeforeReplay = runtime.gl().summary().draws;
  await waitFor(`${platform}: the replay's caption`, () => texts(runtime).includes('回放 · 轻触返回'), WAIT_MS);
  await waitFor(`${platform}: the replay drawn frame after frame`,
    () => runtime.gl().summary().draws > drawsBeforeReplay + 20, WAIT_MS);
  runtime.touch('down', [[5, 200, 400]]);
  await sleep(30);
  runtime.touch('up', [[5, 200, 400]]);
  await waitForScreen(platform, game, 'leaderboard');
  await tapButton(runtime, game, 'back');
  await waitForScreen(platform, game, 'intro');
  // On through the screens by touch: the map, the wallet, back, settings.
  await tapButton(runtime, game, 'map');
  await waitForScreen(platform, game, 'map');
  await tapButton(runtime, game, 'wallet');
  await waitForScreen(platform, game, 'wallet');
  const withdrawLine = platform === 'douyin' ? '抖音版只能赚取奖励，不能提现' : '最低提现 ¥0.10';
  await drawn(runtime, ['余额', withdrawLine]);
  const walletTexts = texts(runtime);
  assert.ok(walletTexts.includes('余额') && walletTexts.includes(withdrawLine),
    `${platform}: the wallet shows the balance and the withdraw line (${walletTexts})`);
  await tapButton(runtime, game, 'map');
  await waitForScreen(platform, game, 'map');
  await tapButton(runtime, game, 'settings');
  await waitForScreen(platform, game, 'settings');
  await tapButton(runtime, game, 'language');
  await drawn(runtime, ['Settings']);
  assert.ok(texts(runtime).includes('Settings'), `${platform}: settings switch the game to English (${texts(runtime)})`);
  // The settings are kept on the device: launched again, the game starts in English.
  const kept = Number(runtime.storage.get('playproof.settings'));
  assert.equal(kept & 8, 8, `${platform}: the language choice was kept in the platform's storage (${kept})`);
  const again = createRuntime({ platform, root: resolve(root), storage: runtime.storage });
  again.run();
  await waitFor(`${platform}: the start screen after a relaunch`, () => {
    const relaunched = again.global.playproofGame;
    return relaunched?.screen === 'start' && relaunched.frames > 3 && texts(again).includes('Play') ? relaunched : null;
  }, BOOT_TIMEOUT_MS);
  return result;
}

const backend = await startBackend();
let failed = false;
try {
  const results = await Promise.allSettled(platforms.map((platform) => playOne(platform, backend)));
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') {
      const value = result.value;
      console.log(`ok ${value.platform}: ${value.level} played with touches (${value.moves} ${PLAYS[value.platform].mode === 'match3' ? 'moves' : 'drops'}, ${value.seconds} s), score ${value.score}, paid ${value.payoutFen} fen; playproof verify: accepted; ${value.gl.draws} draw calls over ${value.gl.clears} frames, up to ${value.gl.instancesMax} instances`);
    } else {
      failed = true;
      console.error(`FAILED ${platforms[index]}: ${result.reason?.stack ?? result.reason}`);
    }
  }
} finally {
  await backend.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
