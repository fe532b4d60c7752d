/**
 * The one retry policy of the pagers (pure): how an HTTP answer is classified, how a `Retry-After`
 * header is read, and how long the outbox waits before the next attempt. Pagers classify and
 * parse; only the outbox drainer decides when to try again (decision 0006).
 */

/** What an HTTP status means for a page: delivered, worth another attempt, or never going to work. */
export type HttpClass = 'ok' | 'retryable' | 'final';

/**
 * 2xx: ok. 429 (throttled), 408 (the server gave up waiting for our request: a transport hiccup)
 * and 5xx: retryable. Everything else — 4xx (a bad key or payload stays bad), 3xx (pagers follow no
 * redirects: a moved endpoint is a configuration error), anything outside 100..599 — is final.
 * This is Alertmanager's `Retrier.Check` with PagerDuty v2's extra 429, plus 408.
 */
export function classifyHttpStatus(status: number): HttpClass {
  if (status >= 200 && status <= 299) return 'ok';
  if (status === 429 || status === 408) return 'retryable';
  if (status >= 500 && status <= 599) return 'retryable';
  return 'final';
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as a delay in ms from `nowMs`: delay-seconds
 * (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, read against `nowMs`, which must be
 * wall-clock time because the date is the server's). A date in the past is 0. Absent, empty or
 * unreadable: undefined (the policy's own backoff applies).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only date-shaped text: Date.parse also accepts "1" or "2 days" as dates.
  if (!/[a-z]{3}/i.test(value) || !/\d{1,2}:\d{2}:\d{2}/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface RetryPolicy {
  /** Backoff before the second attempt (before jitter). */
  readonly baseMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /** Longest own backoff (before jitter halves the lower bound). */
  readonly capMs: number;
  /** Longest wait a receiver's `Retry-After` can impose: a page that waits longer is useless. */
  readonly retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1000,
  factor: 2,
  capMs: 300_000,
  retryAfterCapMs: 3_600_000,
};

/**
 * The delay before the next attempt, after `attempts` attempts have failed (≥ 1; the last one
 * failed with `failure`).
 *
 * Exponential backoff with **equal jitter**: `e = min(capMs, baseMs × factor^(attempts−1))`, delay
 * uniform in `[e/2, e)`. Equal rather than full jitter (`[0, e)`) so that a receiver answering
 * 503 really gets a growing pause (never a near-zero retry), while pages queued by one storm
 * still spread over half the window. With the defaults: ~1 s, 2 s, 4 s … 256 s, then 150–300 s.
 *
 * A `Retry-After` is honoured as a lower bound: the delay is at least `retryAfterMs` (the receiver
 * asked for it), at least the jittered backoff (a receiver saying "0" gets no tight loop), and at
 * most `retryAfterCapMs`.
 *
 * `random` returns [0, 1) (Math.random, or a seeded one in tests). Bad arguments are bugs: throw.
 */
export function nextAttemptDelayMs(
  attempts: number,
  failure: { readonly retryAfterMs?: number },
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`nextAttemptDelayMs: attempts must be an integer ≥ 1, got ${attempts}`);
  }
  const { baseMs, factor, capMs, retryAfterCapMs } = policy;
  if (!(baseMs > 0 && factor >= 1 && capMs >= baseMs && retryAfterCapMs >= capMs)) {
    throw new RangeError(
      'nextAttemptDelayMs: policy needs baseMs > 0, factor ≥ 1, baseMs ≤ capMs ≤ retryAfterCapMs',
      {
        cause: policy,
      },
    );
  }
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`nextAttemptDelayMs: random() must be in [0, 1), got ${r}`);
  // factor^(attempts-1) may overflow to Infinity for huge counts: min() brings it back to the cap.
  const exponential = Math.min(capMs, baseMs * factor ** (attempts - 1));
  const jittered = Math.round(exponential / 2 + r * (exponential / 2));
  const retryAfter = failure.retryAfterMs;
  if (retryAfter === undefined || !Number.isFinite(retryAfter) || retryAfter < 0) return jittered;
  return Math.min(retryAfterCapMs, Math.max(jittered, Math.ceil(retryAfter)));
}
