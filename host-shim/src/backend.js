// The verification service's client: ticket, proof, balance. Platform-neutral: every request
// goes through the adapter, and every failure becomes a PlayerError with a code the game shows.

/** Failures a player can see, with the text the game shows. */
export const PLAYER_ERRORS = {
  offline: 'No connection. Check your network and try again.',
  ticket_expired: 'This game took too long and its ticket expired. Start a new game.',
  proof_rejected: 'The server could not verify this game, so nothing was paid.',
  already_submitted: 'This game was already submitted.',
  server: 'The server is having trouble. Please try again in a moment.',
  unknown_level: 'This level is not available.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  quiet_hours: 'The game is resting during quiet hours. Come back when they end. See you soon!',
  daily_play_limit: "That's all the play for today. Have a good rest, and see you tomorrow!",
  client: 'Something went wrong in the game.',
};

/**
 * Refusals by the operator's responsible-play rules. A game that can say them in its own words
 * (the player's game: the intro) does; the shim's sentence is only for hosts without one.
 */
export const REST_REFUSALS = new Set(['quiet_hours', 'daily_play_limit']);

export class PlayerError extends Error {
  /** `code` is a key of PLAYER_ERRORS; `reason` the server's reason code, if any. */
  constructor(code, reason, detail) {
    super(PLAYER_ERRORS[code] ?? PLAYER_ERRORS.client);
    this.name = 'PlayerError';
    this.code = code;
    this.reason = reason ?? null;
    this.detail = detail ?? null;
  }

  /** `error` as the player sees it: itself if a PlayerError, else the game's own failure. */
  static of(error) {
    return error instanceof PlayerError
      ? error
      : new PlayerError('client', 'exception', String(error?.message ?? error));
  }
}

function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) {
    throw new PlayerError('client', 'bad_hex', 'the server sent a malformed ticket');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Maps a refusal `{ error: { code, message } }` to what the player is told. */
function refusal(status, body) {
  const reason = body?.error?.code ?? `http_${status}`;
  const message = body?.error?.message ?? '';
  if (reason === 'ticket_expired') return new PlayerError('ticket_expired', reason, message);
  if (reason === 'session_already_consumed') return new PlayerError('already_submitted', reason, message);
  if (reason === 'unknown_level') return new PlayerError('unknown_level', reason, message);
  // The operator's quiet hours: not an error of the game's; the detail says when play resumes.
  if (reason === 'quiet_hours') return new PlayerError('quiet_hours', reason, message);
  if (reason === 'daily_play_limit') return new PlayerError('daily_play_limit', reason, message);
  if (status === 429) return new PlayerError('rate_limited', reason, message);
  if (status >= 500) return new PlayerError('server', reason, message);
  if (status === 422 || status === 400) return new PlayerError('proof_rejected', reason, message);
  return new PlayerError('client', reason, message);
}

export class Backend {
  /**
   * `adapter.request(method, url, { headers, body })` resolves to `{ status, json }` or throws
   * when the network is unreachable. `identity` gives the request headers that name the player
   * (a bearer token, or the dev header).
   */
  constructor(adapter, { baseUrl = '', identity = {} } = {}) {
    this.adapter = adapter;
    this.baseUrl = baseUrl;
    this.identity = identity;
  }

  async call(method, path, { json, bytes } = {}) {
    const headers = { ...this.identity };
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (bytes !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = bytes;
    }
    let response;
    try {
      response = await this.adapter.request(method, this.baseUrl + path, { headers, body });
    } catch (error) {
      throw new PlayerError('offline', 'network', String(error?.message ?? error));
    }
    if (response.status >= 200 && response.status < 300) return response.json;
    throw refusal(response.status, response.json);
  }

  /** A ticket for `levelId`, bound to the session key's public half. */
  async ticket(levelId, sessionPublicKeyHex) {
    const response = await this.call('POST', '/v1/tickets', {
      json: { level_id: levelId, session_public_key: sessionPublicKeyHex },
    });
    return { ...response, ticket: hexToBytes(response.ticket_hex) };
  }

  /** Submits the proof; resolves to the receipt (verdict, score, payout, balance). */
  async submitProof(proofBytes) {
    return this.call('POST', '/v1/proofs', { bytes: proofBytes });
  }

  async balance() {
    return this.call('GET', '/v1/balance');
  }

  /** The latest transfers (the wallet's history). */
  async history() {
    return this.call('GET', '/v1/transfers');
  }

  /** A level's top verified scores, by public pseudonym. */
  async leaderboard(levelId) {
    return this.call('GET', `/v1/levels/${encodeURIComponent(levelId)}/leaderboard`);
  }

  /** The game of a level's board entry at `rank` (1 is the top), for a ghost replay. */
  async leaderboardRun(levelId, rank) {
    return this.call('GET', `/v1/levels/${encodeURIComponent(levelId)}/leaderboard/${rank}/run`);
  }

  /** The operator's responsible-play policy (`GET /v1/play-policy`). */
  async playPolicy() {
    return this.call('GET', '/v1/play-policy');
  }

  /** What each level pays and the player's best stars (`GET /v1/levels`). */
  async levelMap() {
    return this.call('GET', '/v1/levels');
  }
}
