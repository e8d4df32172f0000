// Exponential backoff with jitter, shared by the socket's reconnects and the outbox's retries.

export interface BackoffOptions {
  /** The first delay, in ms (default 500). */
  base?: number;
  /** The longest delay, in ms (default 15000). */
  max?: number;
  /** A source of randomness in [0, 1) (default Math.random). */
  rand?: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): base·2^attempt, capped at
 * max, with ±25% jitter so that many browsers that lost the server at once do not all come
 * back at the same moment. Never below base/2 nor above max.
 */
export function backoff(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.base ?? 500;
  const max = opts.max ?? 15_000;
  const rand = opts.rand ?? Math.random;
  const n = Math.max(0, Math.min(Math.floor(attempt), 30));
  const plain = Math.min(max, base * 2 ** n);
  const jittered = plain * (0.75 + 0.5 * rand());
  return Math.round(Math.min(max, Math.max(base / 2, jittered)));
}
