import { describe, expect, it } from 'vitest';
import {
  classifyHttpStatus,
  DEFAULT_RETRY_POLICY,
  nextAttemptDelayMs,
  parseRetryAfter,
} from '../../src/page/retry-policy.js';
import { STATUS_TABLE } from '../helpers/page-message.js';

/** The pagers' one retry policy: classification, Retry-After, backoff with equal jitter and caps. */

describe('classifyHttpStatus', () => {
  it.each(STATUS_TABLE)('$status → $verdict', ({ status, verdict }) => {
    expect(classifyHttpStatus(status)).toBe(verdict);
  });

  it('treats impossible statuses as final', () => {
    for (const status of [0, 99, 600, 999, -1, Number.NaN]) expect(classifyHttpStatus(status)).toBe('final');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date against now, a past date as 0', () => {
    expect(parseRetryAfter('Thu, 15 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('Thu, 15 Jan 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const header of [null, undefined, '', '  ', '-1', '1.5', 'soon', '2 days', 'Thu, 99 Foo 2026']) {
      expect(parseRetryAfter(header, now), String(header)).toBeUndefined();
    }
  });
});

describe('nextAttemptDelayMs', () => {
  const low = () => 0;
  const high = () => 0.999_999;

  it('doubles from 1 s with equal jitter: delay in [e/2, e)', () => {
    expect(nextAttemptDelayMs(1, {}, low)).toBe(500);
    expect(nextAttemptDelayMs(1, {}, high)).toBe(1000);
    expect(nextAttemptDelayMs(2, {}, low)).toBe(1000);
    expect(nextAttemptDelayMs(5, {}, low)).toBe(8000);
    expect(nextAttemptDelayMs(9, {}, high)).toBe(256_000);
  });

  it('caps the backoff at capMs, also for absurd attempt counts', () => {
    expect(nextAttemptDelayMs(10, {}, low)).toBe(150_000);
    expect(nextAttemptDelayMs(10, {}, high)).toBe(300_000);
    expect(nextAttemptDelayMs(5000, {}, high)).toBe(300_000);
  });

  it('stays within [e/2, e] for any random value', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return (seed - 1) / 2_147_483_646;
    };
    for (let attempts = 1; attempts <= 40; attempts += 1) {
      const e = Math.min(300_000, 1000 * 2 ** (attempts - 1));
      for (let i = 0; i < 50; i += 1) {
        const delay = nextAttemptDelayMs(attempts, {}, random);
        expect(delay).toBeGreaterThanOrEqual(e / 2);
        expect(delay).toBeLessThanOrEqual(e);
      }
    }
  });

  it('honours Retry-After as a lower bound', () => {
    expect(nextAttemptDelayMs(1, { retryAfterMs: 2000 }, high)).toBe(2000);
    expect(nextAttemptDelayMs(1, { retryAfterMs: 120_000 }, low)).toBe(120_000);
    // A Retry-After shorter than the backoff does not shorten it (no tight loop on "0").
    expect(nextAttemptDelayMs(6, { retryAfterMs: 0 }, low)).toBe(16_000);
    expect(nextAttemptDelayMs(6, { retryAfterMs: 1000 }, low)).toBe(16_000);
  });

  it('caps Retry-After at an hour, and beyond the own cap', () => {
    expect(nextAttemptDelayMs(1, { retryAfterMs: 86_400_000 }, low)).toBe(3_600_000);
    expect(nextAttemptDelayMs(1, { retryAfterMs: 1_800_000 }, low)).toBe(1_800_000);
  });

  it('takes another policy', () => {
    const policy = { baseMs: 100, factor: 3, capMs: 1000, retryAfterCapMs: 5000 };
    expect(nextAttemptDelayMs(3, {}, high, policy)).toBe(900);
    expect(nextAttemptDelayMs(4, {}, high, policy)).toBe(1000);
    expect(nextAttemptDelayMs(1, { retryAfterMs: 60_000 }, low, policy)).toBe(5000);
  });

  it('throws on bugs: attempts < 1, random outside [0, 1), a broken policy', () => {
    expect(() => nextAttemptDelayMs(0, {}, low)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1.5, {}, low)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, {}, () => 1)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, {}, () => Number.NaN)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, {}, low, { ...DEFAULT_RETRY_POLICY, baseMs: 0 })).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, {}, low, { ...DEFAULT_RETRY_POLICY, capMs: 10 })).toThrow(RangeError);
  });
});
