// The operator console: review held games (signals, replay, release or confiscate), players,
// withdrawals and campaign budgets, over the service's /v1/operator/ endpoints.
//
// The token is typed in and kept in this tab's sessionStorage only; every request carries it as
// a bearer header (never a cookie, so no other site can make the browser use it). Everything on
// screen is built with textContent: no server string is ever parsed as HTML.
//
// The replay viewer runs the player's own wasm (`/pkg/`, the browser build the page uses) in
// watch mode: the level file, the seed and the input log replay the game tick by tick with the
// same core and renderer, and the final score must equal the verified one.

const TOKEN_KEY = 'playproof.operator.token';
const PAGE_ROWS = 20;
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];

const $ = (id) => document.getElementById(id);

/** An element with attributes (`on*` are listeners) and children (strings become text). */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const yuan = (fen) => `${(fen / 100).toFixed(2)} ¥`;
const when = (ms) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—');
const link = (hash, text) => el('a', { href: hash }, text);
const playerLink = (id) => link(`#/player/${encodeURIComponent(id)}`, id);
const gameLink = (id) => link(`#/game/${encodeURIComponent(id)}`, `${id.slice(0, 8)}…`);
const decision = (risk) => (risk ? el('span', { className: `decision-${risk.decision}` }, risk.decision) : '—');

function table(headers, rows, empty = 'Nothing here.') {
  if (rows.length === 0) return el('p', {}, empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) =>
      cell && cell.num !== undefined ? el('td', { className: 'num' }, cell.num) : el('td', {}, cell))))));
}
const num = (value) => ({ num: value });

// ---- Messages, token, requests ------------------------------------------------------------

function say(text, ok = false) {
  const message = $('message');
  message.textContent = text;
  message.className = ok ? 'ok' : '';
  message.hidden = !text;
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

function showLogin(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopReplay();
  $('nav').hidden = true;
  $('view').replaceChildren();
  $('login').hidden = false;
  say(reason ?? '');
  $('token').focus();
}

/** A refusal in plain words: what it means for the operator, then the service's own message. */
function explain(status, body) {
  const error = body?.error ?? {};
  const words = {
    unauthenticated: 'The operator token was refused. Check the token the service was started with (PLAYPROOF_OPERATOR_TOKEN).',
    operator_disabled: 'This service has no operator token configured: start it with PLAYPROOF_OPERATOR_TOKEN set.',
    rate_limited: 'Too many failed attempts from this address; wait before trying again.',
    hold_already_reviewed: 'Already decided: another operator (or an earlier click) reviewed this hold the other way. Nothing was changed.',
    withdrawal_review_decided: 'Already decided: this withdrawal review was decided the other way. Nothing was changed.',
  }[error.code];
  const detail = error.message ? ` (${status} ${error.code}: ${error.message})` : ` (HTTP ${status})`;
  return (words ?? 'The service refused this request.') + detail;
}

class Refused extends Error {
  constructor(status, body) {
    super(explain(status, body));
    this.status = status;
    this.code = body?.error?.code;
  }
}

async function api(path, { method = 'GET', body, idempotencyKey } = {}) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store',
  });
  const answer = await response.json().catch(() => ({}));
  if (response.ok) return answer;
  if (response.status === 401 || (response.status === 403 && answer?.error?.code === 'operator_disabled')) {
    showLogin(explain(response.status, answer));
  }
  throw new Refused(response.status, answer);
}

function confirmAction(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  // Escape closes the dialog without setting a value: the last answer must not linger.
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    $('confirm-ok').focus();
  });
}

/** Runs an operator action after confirmation; says what happened, then redraws the screen. */
async function act(question, path, options, done) {
  if (!(await confirmAction(question))) return;
  try {
    const answer = await api(path, { method: 'POST', ...options });
    say(done(answer), true);
  } catch (error) {
    say(error.message);
  }
  await route({ keepMessage: true });
}

// ---- Screens ------------------------------------------------------------------------------

function heading(text) {
  return el('h2', {}, text);
}

function signalsTable(signals) {
  return table(['signal', 'strength', 'measured', 'explanation'], signals.map((signal) => [
    signal.kind,
    el('span', {}, el('span', { className: 'bar', 'data-strength': signal.strength }), ` ${signal.strength.toFixed(2)}`),
    num(Number(signal.measured.toFixed(3))),
    signal.explanation,
  ]), 'No signals were recorded.');
}

/** Bars' widths from their data attribute (CSSOM: the page's CSP allows no inline styles). */
function sizeBars(root) {
  for (const bar of root.querySelectorAll('.bar')) {
    bar.style.width = `${Math.round(Number(bar.dataset.strength) * 6)}rem`;
  }
}

async function queueScreen(params) {
  const after = params.get('after');
  const page = await api(`/v1/operator/review-queue?limit=${PAGE_ROWS}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  const rows = page.games.map((game) => [
    when(game.risk?.decided_at_ms), playerLink(game.player_id), game.level_id, num(game.score),
    num(yuan(game.risk?.held_fen ?? 0)), num(game.risk ? game.risk.score.toFixed(3) : '—'),
    el('ul', {}, (game.risk?.signals ?? []).filter((signal) => signal.strength > 0)
      .map((signal) => el('li', {}, `${signal.kind}: ${signal.explanation}`))),
    link(`#/game/${encodeURIComponent(game.session_id)}`, 'Review'),
  ]);
  return [
    heading(`Review queue: held games waiting for a decision`),
    table(['held at', 'player', 'level', 'score', 'held', 'risk', 'signals', ''], rows, 'No held game is waiting.'),
    page.next ? link(`#/queue?after=${encodeURIComponent(page.next)}`, 'Next page') : null,
  ];
}

async function gameScreen(sessionId) {
  const game = await api(`/v1/operator/games/${encodeURIComponent(sessionId)}`);
  const risk = game.risk;
  const facts = el('dl', {},
    el('dt', {}, 'session'), el('dd', {}, game.session_id),
    el('dt', {}, 'player'), el('dd', {}, playerLink(game.player_id)),
    el('dt', {}, 'level'), el('dd', {}, game.level_id),
    el('dt', {}, 'verdict'), el('dd', {}, game.verdict, game.message ? `: ${game.message}` : ''),
    el('dt', {}, 'verified score'), el('dd', { id: 'verified-score' }, game.score),
    el('dt', {}, 'stars'), el('dd', {}, game.stars),
    el('dt', {}, 'decided'), el('dd', {}, when(game.consumed_at_ms)),
    el('dt', {}, 'risk'), el('dd', {}, risk ? [decision(risk), ` score ${risk.score.toFixed(3)}`] : 'no risk check'),
    el('dt', {}, 'held'), el('dd', {}, risk ? yuan(risk.held_fen) : '—'),
    el('dt', {}, 'review'), el('dd', { id: 'review-state' }, risk?.review ?? (risk?.decision === 'hold' ? 'waiting' : '—')),
    risk?.reviewed_by && [el('dt', {}, 'reviewed by'), el('dd', { id: 'reviewed-by' }, risk.reviewed_by, ', ', when(risk.reviewed_at_ms))],
    game.replay && [
      el('dt', {}, 'level hash'), el('dd', {}, game.replay.level_hash),
      el('dt', {}, 'seed'), el('dd', {}, game.replay.seed),
      el('dt', {}, 'ticks'), el('dd', {}, game.replay.ticks),
      el('dt', {}, 'final hash'), el('dd', {}, game.replay.final_hash),
    ]);
  const actions = risk?.decision === 'hold' ? el('p', { className: 'controls' },
    el('button', {
      type: 'button', className: 'primary', id: 'release',
      onclick: () => act(`Release ${yuan(risk.held_fen)} to ${game.player_id}?`,
        `/v1/operator/holds/${encodeURIComponent(game.session_id)}/release`, {},
        (answer) => `Released: ${yuan(answer.held_fen)} moved to ${answer.player_id}'s balance.`),
    }, 'Approve (release to player)'),
    el('button', {
      type: 'button', className: 'danger', id: 'confiscate',
      onclick: () => act(`Confiscate ${yuan(risk.held_fen)} held from ${game.player_id}? The base goes back to the house and any boost to its campaign.`,
        `/v1/operator/holds/${encodeURIComponent(game.session_id)}/confiscate`, {},
        (answer) => `Confiscated: ${yuan(answer.held_fen)} taken back from ${answer.player_id}.`),
    }, 'Reject (confiscate)')) : null;
  const screen = [
    heading('Game'), facts, actions,
    el('h3', {}, 'Signals'), signalsTable(risk?.signals ?? []),
    el('h3', {}, 'Replay'),
    game.replay ? replayViewer(game) : el('p', {}, game.verdict === 'accepted'
      ? 'No proof is kept for this game any more: its retention period is over (playproof ledger prune-proofs), or it was accepted before proofs were kept.'
      : 'No proof was kept for this game: only accepted games can be watched.'),
    el('h3', {}, 'Ledger movements'),
    table(['seq', 'kind', 'from', 'to', 'amount', 'at'], game.transfers.map((transfer) => [
      num(transfer.seq), transfer.kind, transfer.from, transfer.to, num(yuan(transfer.amount_fen)), when(transfer.created_at_ms),
    ]), 'No money moved for this game.'),
  ];
  return screen;
}

async function playerScreen(playerId, params) {
  const before = params.get('before');
  const player = await api(`/v1/operator/players/${encodeURIComponent(playerId)}?limit=${PAGE_ROWS}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const risk = player.risk;
  return [
    heading(`Player ${player.player_id}`),
    el('dl', {},
      el('dt', {}, 'balance'), el('dd', {}, yuan(player.balance_fen)),
      el('dt', {}, 'held'), el('dd', {}, yuan(player.held_fen)),
      el('dt', {}, 'pending withdrawals'), el('dd', {}, yuan(player.pending_withdrawal_fen)),
      el('dt', {}, 'games played / abandoned'), el('dd', {}, `${risk.games_played} / ${risk.games_abandoned}`),
      el('dt', {}, 'platform risk rank'), el('dd', {}, risk.platform_risk_rank),
      el('dt', {}, 'flagged'), el('dd', {}, risk.flagged_at_ms ? when(risk.flagged_at_ms) : 'no')),
    el('h3', {}, 'Linked accounts'),
    table(['link', 'value', 'first seen', 'shared with'], player.links.map((linkRow) => [
      linkRow.kind, linkRow.value, when(linkRow.first_seen_ms),
      linkRow.shared_with.length === 0 ? 'nobody' : el('span', {}, linkRow.shared_with.flatMap((id, index) => [index ? ', ' : '', playerLink(id)])),
    ]), 'No links recorded.'),
    el('h3', {}, 'Games and risk over time (newest first)'),
    table(['when', 'game', 'level', 'verdict', 'score', 'won (paid or held)', 'risk', 'decision', 'review'], player.games.map((game) => [
      when(game.consumed_at_ms), gameLink(game.session_id), game.level_id, game.verdict, num(game.score),
      num(yuan(game.payout_fen + game.boost_fen)),
      game.risk ? el('span', {}, el('span', { className: 'bar', 'data-strength': game.risk.score }), ` ${game.risk.score.toFixed(3)}`) : '—',
      decision(game.risk),
      game.risk?.review ?? (game.risk?.decision === 'hold' ? 'waiting' : ''),
    ]), 'No games.'),
    player.next ? link(`#/player/${encodeURIComponent(player.player_id)}?before=${encodeURIComponent(player.next)}`, 'Older games') : null,
    el('h3', {}, 'Withdrawals'),
    table(['id', 'amount', 'status', 'state', 'rail', 'requested'], player.withdrawals.map((withdrawal) => [
      withdrawal.withdrawal_id, num(yuan(withdrawal.amount_fen)), withdrawal.status, withdrawal.state, withdrawal.rail, when(withdrawal.requested_at_ms),
    ]), 'No withdrawals.'),
    el('h3', {}, 'Withdrawal reviews'),
    table(['review', 'amount', 'status', 'requested', 'decided', 'by'], player.reviews.map((review) => [
      review.review_id, num(yuan(review.amount_fen)), review.status, when(review.requested_at_ms), when(review.decided_at_ms),
      review.decided_by ?? '',
    ]), 'No reviews.'),
  ];
}

function history(item) {
  return item.history.map((step) => `${step.state} (${step.source}, ${when(step.at_ms)})`).join(' → ');
}

async function withdrawalsScreen(params) {
  const before = params.get('before');
  const view = await api(`/v1/operator/withdrawals?limit=${PAGE_ROWS}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const reviewButtons = (review) => el('span', { className: 'controls' },
    el('button', {
      type: 'button', className: 'primary',
      onclick: () => act(`Approve ${review.player_id}'s withdrawal of ${yuan(review.amount_fen)}? It then goes out on the payout rail.`,
        `/v1/operator/withdrawal-reviews/${encodeURIComponent(review.review_id)}/approve`, {},
        (answer) => `Approved: withdrawal ${answer.withdrawal_id} of ${yuan(answer.amount_fen)} is ${answer.state}.`),
    }, 'Approve'),
    el('button', {
      type: 'button', className: 'danger',
      onclick: () => act(`Reject ${review.player_id}'s withdrawal of ${yuan(review.amount_fen)}? The money stays in their balance.`,
        `/v1/operator/withdrawal-reviews/${encodeURIComponent(review.review_id)}/reject`, {},
        () => `Rejected: the money stays in ${review.player_id}'s balance.`),
    }, 'Reject'));
  const rows = (items) => items.map((item) => [
    item.withdrawal_id, playerLink(item.player_id), num(yuan(item.amount_fen)), item.status, item.state, item.rail,
    when(item.requested_at_ms), history(item),
  ]);
  const headers = ['id', 'player', 'amount', 'status', 'state', 'rail', 'requested', 'history'];
  return [
    heading('Withdrawals'),
    el('h3', {}, 'Awaiting review (flagged players)'),
    table(['review', 'player', 'amount', 'requested', ''], view.awaiting_review.map((review) => [
      review.review_id, playerLink(review.player_id), num(yuan(review.amount_fen)), when(review.requested_at_ms), reviewButtons(review),
    ]), 'No withdrawal is waiting for review.'),
    el('h3', {}, 'Open (not yet paid or failed)'), table(headers, rows(view.open), 'No open withdrawals.'),
    el('h3', {}, 'Recent (newest first)'), table(headers, rows(view.recent), 'No withdrawals yet.'),
    view.next ? link(`#/withdrawals?before=${encodeURIComponent(view.next)}`, 'Older withdrawals') : null,
  ];
}

async function campaignsScreen() {
  const view = await api('/v1/operator/campaigns');
  const form = el('form', { className: 'controls', id: 'fund-form' },
    el('label', { for: 'fund-campaign' }, 'Campaign'),
    el('select', { id: 'fund-campaign', name: 'campaign' }, view.campaigns.map((campaign) => el('option', { value: campaign.campaign_id }, campaign.campaign_id))),
    el('label', { for: 'fund-amount' }, 'Amount (fen)'),
    el('input', { id: 'fund-amount', name: 'amount', type: 'number', min: 1, step: 1, required: true }),
    el('button', { type: 'submit', className: 'primary' }, 'Fund'));
  // One key per form shown: a double submit funds once.
  const key = `console-${crypto.getRandomValues(new Uint32Array(2)).join('-')}`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const campaign = form.campaign.value;
    const amountFen = Number(form.amount.value);
    act(`Move ${yuan(amountFen)} from the sponsor into campaign ${campaign}?`,
      `/v1/operator/campaigns/${encodeURIComponent(campaign)}/fund`, { body: { amount_fen: amountFen }, idempotencyKey: key },
      (answer) => `Funded: campaign ${answer.campaign_id} now has ${yuan(answer.balance_fen)}.`);
  });
  return [
    heading('Campaign budgets'),
    table(['campaign', 'funded', 'spent', 'returned', 'left'], view.campaigns.map((campaign) => [
      campaign.campaign_id, num(yuan(campaign.funded_fen)), num(yuan(campaign.spent_fen)),
      num(yuan(campaign.returned_fen)), num(yuan(campaign.left_fen)),
    ]), 'No campaigns.'),
    view.campaigns.length > 0 ? form : null,
  ];
}

const DECISION_WORDS = {
  release_hold: 'released a hold',
  confiscate_hold: 'confiscated a hold',
  approve_withdrawal: 'approved a withdrawal',
  reject_withdrawal: 'rejected a withdrawal',
  settle_paid: 'settled a withdrawal as paid',
  settle_failed: 'settled a withdrawal as failed',
  fund_campaign: 'funded a campaign',
};

/** What each operator decided, newest first: the record of who moved the money. */
async function decisionsScreen(params) {
  const before = params.get('before');
  const page = await api(`/v1/operator/actions?limit=${PAGE_ROWS}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const subject = (action) => (action.action.endsWith('_hold')
    ? link(`#/game/${encodeURIComponent(action.subject)}`, action.subject)
    : action.subject);
  return [
    heading('Decisions: who moved the money'),
    table(['when', 'operator', 'decision', 'on'], page.actions.map((action) => [
      when(action.at_ms), action.operator, DECISION_WORDS[action.action] ?? action.action, subject(action),
    ]), 'No decision yet.'),
    page.next != null ? link(`#/decisions?before=${page.next}`, 'Older decisions') : null,
  ];
}

// ---- Replay viewer ------------------------------------------------------------------------

let wasmLoading;
let replay; // { stop() } of the viewer on screen

/** The player's wasm (browser build) from the page build the service serves. */
function loadWasm() {
  wasmLoading ??= (async () => {
    const [build, glue] = await Promise.all([import('/pkg/build.js'), import('/pkg/game_wasm.js')]);
    await glue.default({ module_or_path: `/pkg/${build.WASM_FILE}` });
    return glue;
  })();
  return wasmLoading;
}

function stopReplay() {
  replay?.stop();
  replay = undefined;
}

function hexBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

async function fetchOk(path) {
  const response = await fetch(path, { credentials: 'omit' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

function replayViewer(game) {
  const canvas = el('canvas', { id: 'replay-canvas', width: 360, height: 560, 'aria-label': 'Replay of the game' });
  const status = el('p', { id: 'replay-status', 'aria-live': 'polite' }, 'Loading the game’s wasm…');
  const play = el('button', { type: 'button', id: 'replay-play', disabled: true }, 'Pause');
  const restart = el('button', { type: 'button', id: 'replay-restart', disabled: true }, 'Restart');
  const speed = el('select', { id: 'replay-speed', disabled: true, 'aria-label': 'Speed' },
    SPEEDS.map((value) => el('option', { value, selected: value === 1 }, `${value}×`)));
  const inputs = el('details', {}, el('summary', {}, `Input log: ${game.replay.inputs.length} inputs`),
    el('ol', { className: 'inputs', start: 0 }, game.replay.inputs.map((input) => el('li', {}, `tick ${input.tick}: ${input.action}`))));
  const viewer = el('div', { id: 'replay' },
    el('div', {}, canvas, el('div', { className: 'controls' }, play, restart, el('label', {}, 'Speed ', speed))),
    el('div', {}, status, inputs));
  startViewer(game, { canvas, status, play, restart, speed, viewer }).catch((error) => {
    status.textContent = `The replay cannot be shown: ${error.message}. (It needs the page build: start the service with --static, as cargo xtask run does.)`;
    viewer.dataset.state = 'unavailable';
  });
  return viewer;
}

async function startViewer(game, ui) {
  stopReplay();
  // The screen this viewer belongs to; the operator may leave it while the wasm loads.
  const generation = routeGeneration;
  const [wasm, levels, theme] = await Promise.all([
    loadWasm(),
    fetchOk('/levels/index.json').then((response) => response.json()),
    fetchOk('/themes/default.json').then((response) => response.text()),
  ]);
  const level = levels.find((entry) => entry.id === game.level_id);
  if (!level) throw new Error(`the page build has no level ${game.level_id}`);
  const levelBytes = new Uint8Array(await (await fetchOk(`/${level.path}`)).arrayBuffer());
  const { drawTextAtlas } = await import('/shim/render/text.js');
  if (generation !== routeGeneration) return;
  const client = new wasm.Client(crypto.getRandomValues(new Uint8Array(32)));
  client.attach(ui.canvas, theme, true);
  client.setLanguage(navigator.language ?? 'en');
  client.startWatch(levelBytes, hexBytes(game.replay.level_hash), BigInt(game.replay.seed), hexBytes(game.replay.input_log_hex));
  const textCanvas = document.createElement('canvas');
  let textGeneration = -1;
  let paused = false;
  let frame;
  let last;
  let stopped = false;
  const control = (restartNow = false) => client.watchControl(Number(ui.speed.value), paused, restartNow);
  ui.play.addEventListener('click', () => {
    paused = !paused;
    ui.play.textContent = paused ? 'Play' : 'Pause';
    control();
  });
  ui.restart.addEventListener('click', () => { control(true); });
  ui.speed.addEventListener('change', () => control());
  for (const element of [ui.play, ui.restart, ui.speed]) element.disabled = false;
  const step = (now) => {
    if (stopped) return;
    const dt = last === undefined ? 0 : Math.min((now - last) / 1000, 0.25);
    last = now;
    const rect = ui.canvas.getBoundingClientRect();
    client.frameWatch(dt, rect.width, rect.height, window.devicePixelRatio || 1);
    if (client.textGeneration() !== textGeneration) {
      const atlas = JSON.parse(client.textAtlas());
      drawTextAtlas(textCanvas, atlas);
      client.uploadText(textCanvas, atlas.generation);
      textGeneration = atlas.generation;
    }
    const watch = JSON.parse(client.watchStatus());
    ui.viewer.dataset.state = watch.state;
    ui.viewer.dataset.tick = watch.tick;
    ui.viewer.dataset.inputsApplied = watch.inputs_applied;
    ui.viewer.dataset.score = watch.score;
    const progress = `tick ${watch.tick} of ${game.replay.ticks} · input ${watch.inputs_applied} of ${watch.inputs_total} · score ${watch.score}`;
    if (watch.state === 'finished') {
      const same = watch.score === game.score;
      ui.status.textContent = `Finished: score ${watch.score}. The server verified ${game.score}: ${same ? 'the same' : 'DIFFERENT'}. ${progress}`;
      ui.viewer.dataset.finalScore = watch.score;
    } else if (watch.state === 'broken') {
      ui.status.textContent = `The log stops at input ${watch.broken_input} (${watch.refusal ?? 'session too long'}): it is not this level's game. ${progress}`;
    } else {
      ui.status.textContent = `${paused ? 'Paused' : 'Playing'} at ${watch.speed}×: ${progress}`;
    }
    frame = requestAnimationFrame(step);
  };
  frame = requestAnimationFrame(step);
  replay = {
    stop() {
      stopped = true;
      cancelAnimationFrame(frame);
      client.free();
    },
  };
}

// ---- Routing ------------------------------------------------------------------------------

/**
 * Counts the screens asked for. A screen builds from the service's answers, which may come back
 * after the operator has moved on: only the newest screen asked for is shown, so a late answer
 * never puts another game's buttons under the operator's hand.
 */
let routeGeneration = 0;

async function route({ keepMessage = false } = {}) {
  routeGeneration += 1;
  const generation = routeGeneration;
  const current = () => generation === routeGeneration;
  if (!token()) {
    showLogin();
    return;
  }
  $('login').hidden = true;
  $('nav').hidden = false;
  if (!keepMessage) say('');
  const [path, search] = (location.hash.slice(1) || '/queue').split('?');
  const params = new URLSearchParams(search ?? '');
  const [, screen, id] = path.split('/');
  for (const anchor of $('nav').querySelectorAll('a')) {
    anchor.toggleAttribute('aria-current', anchor.getAttribute('href') === `#/${screen}`);
    if (anchor.hasAttribute('aria-current')) anchor.setAttribute('aria-current', 'page');
  }
  stopReplay();
  const view = $('view');
  view.setAttribute('aria-busy', 'true');
  try {
    const builders = {
      queue: () => queueScreen(params),
      game: () => gameScreen(decodeURIComponent(id ?? '')),
      player: () => playerScreen(decodeURIComponent(id ?? ''), params),
      withdrawals: () => withdrawalsScreen(params),
      campaigns: () => campaignsScreen(),
      decisions: () => decisionsScreen(params),
    };
    const children = await (builders[screen] ?? builders.queue)();
    if (!current()) return;
    view.replaceChildren(...children.flat().filter(Boolean));
    view.dataset.screen = screen in builders ? screen : 'queue';
    sizeBars(view);
  } catch (error) {
    if (!current()) return;
    if (!(error instanceof Refused && error.status === 401)) say(error.message);
    view.replaceChildren();
  } finally {
    if (current()) view.removeAttribute('aria-busy');
  }
}

function start() {
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    try {
      await api('/v1/operator/review-queue?limit=1');
      say('');
      await route();
      $('view').focus();
    } catch (error) {
      if (!(error instanceof Refused && error.status === 401)) say(error.message);
    }
  });
  $('logout').addEventListener('click', () => showLogin('Signed out.'));
  $('player-search').addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/player/${encodeURIComponent($('player-id').value.trim())}`;
  });
  window.addEventListener('hashchange', () => route());
  route();
}

start();
