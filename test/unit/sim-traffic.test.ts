import { describe, expect, it } from 'vitest';
import { diurnalFactor, hashOf, octetsBetween, prng } from '../../src/sim/traffic.js';

/**
 * The closed-form traffic integral every simulated counter reads: additive over any split (a
 * counter read at any cadence or clock speed lands on the same value), never negative, exact
 * without a day swing, and centred on the configured rate over a day.
 */

const T0 = Date.UTC(2024, 5, 3, 0, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Relative closeness for sums of large floats. */
function expectClose(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-6, Math.abs(expected) * relative));
}

describe('octetsBetween', () => {
  const random = prng(7);
  const cases = Array.from({ length: 400 }, () => {
    const a = T0 + Math.floor(random() * 30 * DAY);
    const b = a + Math.floor(random() * (random() < 0.5 ? 1000 : 3 * DAY));
    const c = b + Math.floor(random() * (random() < 0.5 ? 1000 : 3 * DAY));
    return { rate: random() * 5e9, diurnal: random() < 0.2 ? 0 : random() * 0.95, a, b, c };
  });

  it('is additive: ∫[a,b] + ∫[b,c] = ∫[a,c], for any rates, swings and splits', () => {
    for (const { rate, diurnal, a, b, c } of cases)
      expectClose(
        octetsBetween(rate, diurnal, a, b) + octetsBetween(rate, diurnal, b, c),
        octetsBetween(rate, diurnal, a, c),
      );
  });

  it('is additive over many small steps (a 1 s poller) as over one big one', () => {
    const rate = 1.25e9;
    let sum = 0;
    for (let t = T0; t < T0 + HOUR; t += 1000) sum += octetsBetween(rate, 0.6, t, t + 1000);
    expectClose(sum, octetsBetween(rate, 0.6, T0, T0 + HOUR), 1e-9);
  });

  it('is never negative, and grows with the end time', () => {
    for (const { rate, diurnal, a, b, c } of cases) {
      const ab = octetsBetween(rate, diurnal, a, b);
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(octetsBetween(rate, diurnal, a, c)).toBeGreaterThanOrEqual(ab);
    }
    // at the trough of the strongest allowed swing, over a millisecond
    const trough = Date.UTC(2024, 5, 3, 2, 0, 0);
    expect(octetsBetween(1e9, 0.95, trough, trough + 1)).toBeGreaterThan(0);
  });

  it('is 0 for an empty or reversed interval and for a zero or negative rate', () => {
    expect(octetsBetween(1e9, 0.5, T0, T0)).toBe(0);
    expect(octetsBetween(1e9, 0.5, T0 + 1000, T0)).toBe(0);
    expect(octetsBetween(0, 0.5, T0, T0 + DAY)).toBe(0);
    expect(octetsBetween(-5, 0, T0, T0 + DAY)).toBe(0);
  });

  it('equals rate × Δt when diurnal = 0 (to the precision of epoch seconds in a double, ~0.25 µs)', () => {
    expect(octetsBetween(125_000_000, 0, T0, T0 + 60_000)).toBe(7_500_000_000);
    for (const { rate, a, b } of cases) {
      const exact = (rate * (b - a)) / 1000;
      expect(Math.abs(octetsBetween(rate, 0, a, b) - exact)).toBeLessThanOrEqual(rate * 5e-7);
    }
    expect(Math.abs(octetsBetween(1000, 0, T0, T0 + 1) - 1)).toBeLessThan(1e-3);
  });

  it('over a whole day carries rate × 86 400 s whatever the swing; the peak is at 14:00 UTC', () => {
    for (const diurnal of [0.1, 0.5, 0.95])
      for (const start of [T0, T0 + 5 * HOUR + 123, T0 + 17 * DAY + 13 * HOUR])
        expectClose(octetsBetween(1e6, diurnal, start, start + DAY), 1e6 * 86_400, 1e-9);
    const minute = (h: number) => {
      const t = T0 + h * HOUR;
      return octetsBetween(1e6, 0.5, t - 30_000, t + 30_000);
    };
    const byHour = Array.from({ length: 24 }, (_, h) => minute(h));
    expect(byHour.indexOf(Math.max(...byHour))).toBe(14);
    expect(byHour.indexOf(Math.min(...byHour))).toBe(2);
    expectClose(minute(14), 1e6 * 60 * 1.5, 1e-6);
    expectClose(minute(2), 1e6 * 60 * 0.5, 1e-6);
  });

  it('its derivative is the rate the progress line shows (diurnalFactor)', () => {
    for (const h of [0, 3, 8, 14, 20]) {
      const t = T0 + h * HOUR;
      expectClose(octetsBetween(1e6, 0.4, t, t + 1000) / 1, 1e6 * diurnalFactor(0.4, t + 500), 1e-7);
    }
  });
});

describe('prng and hashOf', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    const a = prng(12345);
    const b = prng(12345);
    const c = prng(12346);
    const seqA = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(seqA);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(seqA);
    expect(new Set(seqA).size).toBeGreaterThan(990);
  });

  it('values lie in [0, 1) and are spread evenly', () => {
    const next = prng(hashOf('tor1-par'));
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i += 1) {
      const v = next();
      expect(v >= 0 && v < 1).toBe(true);
      buckets[Math.floor(v * 10)] = (buckets[Math.floor(v * 10)] ?? 0) + 1;
    }
    for (const n of buckets) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('seeds outside 32 bits wrap rather than break; hashOf is stable (FNV-1a)', () => {
    expect(Array.from({ length: 5 }, prng(2 ** 32 + 5))).toEqual(Array.from({ length: 5 }, prng(5)));
    expect(hashOf('')).toBe(0x811c9dc5);
    expect(hashOf('a')).toBe(0xe40c292c);
    expect(hashOf('asw1-eqsin')).toBe(hashOf('asw1-eqsin'));
    expect(hashOf('asw1-eqsin')).not.toBe(hashOf('asw2-eqsin'));
  });
});
