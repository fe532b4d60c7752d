import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../src/config/types.js';
import {
  cronProblem,
  isTimeZone,
  lastFireAtOrBefore,
  maintenanceAt,
  parseWorkingHours,
  type Silence,
  windowsCovering,
  withinWorkingHours,
} from '../../src/incident/maintenance.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);

function win(
  over: Partial<MaintenanceWindow> & Pick<MaintenanceWindow, 'cron' | 'durationMs'>,
): MaintenanceWindow {
  return { devices: ['asw1'], sites: [], all: false, reason: 'upgrade', tz: 'UTC', ...over };
}

describe('maintenanceAt: one window', () => {
  // 2025-06-01 is a Sunday.
  const sunday = win({ cron: '0 2 * * 0', durationMs: 2 * HOUR, reason: 'weekly upgrade window' });

  it('Sunday 02:00 for 2h: the start is inside, the end is not (end exclusive)', () => {
    const start = at('2025-06-01T02:00:00Z');
    const end = at('2025-06-01T04:00:00Z');
    expect(maintenanceAt([sunday], 'asw1', 'ams', start)).toEqual({
      kind: 'maintenance',
      reason: 'weekly upgrade window',
      from: start,
      until: end,
    });
    expect(maintenanceAt([sunday], 'asw1', 'ams', end - 1)?.until).toBe(end);
    expect(maintenanceAt([sunday], 'asw1', 'ams', end)).toBeUndefined();
    expect(maintenanceAt([sunday], 'asw1', 'ams', start - 1)).toBeUndefined();
    // Another day of the week, same hour.
    expect(maintenanceAt([sunday], 'asw1', 'ams', at('2025-06-02T03:00:00Z'))).toBeUndefined();
    // The next Sunday opens it again.
    expect(maintenanceAt([sunday], 'asw1', 'ams', at('2025-06-08T03:59:59.999Z'))?.from).toBe(
      at('2025-06-08T02:00:00Z'),
    );
  });

  it('answers the same whatever order the times are asked in (replay, out-of-order events)', () => {
    const times = [
      '2025-06-08T03:00:00Z',
      '2025-06-01T02:30:00Z',
      '2025-06-01T05:00:00Z',
      '2025-06-08T01:59:00Z',
    ];
    const forward = times.map((t) => maintenanceAt([sunday], 'asw1', 'ams', at(t)));
    const fresh = times.map((t) => maintenanceAt([{ ...sunday }], 'asw1', 'ams', at(t)));
    const backward = [...times].reverse().map((t) => maintenanceAt([sunday], 'asw1', 'ams', at(t)));
    expect(forward).toEqual(fresh);
    expect(backward.reverse()).toEqual(forward);
    expect(forward.map((c) => c !== undefined)).toEqual([true, true, false, false]);
  });

  it('a window spanning midnight covers the small hours of the next day (and the next weekday)', () => {
    const saturdayNight = win({ cron: '0 22 * * 6', durationMs: 4 * HOUR });
    // Saturday 2025-05-31 22:00 → Sunday 02:00.
    expect(maintenanceAt([saturdayNight], 'asw1', 'ams', at('2025-06-01T01:30:00Z'))).toMatchObject({
      from: at('2025-05-31T22:00:00Z'),
      until: at('2025-06-01T02:00:00Z'),
    });
    expect(maintenanceAt([saturdayNight], 'asw1', 'ams', at('2025-06-01T02:00:00Z'))).toBeUndefined();
    const nightly = win({ cron: '30 23 * * *', durationMs: 90 * MIN });
    expect(maintenanceAt([nightly], 'asw1', 'ams', at('2025-06-04T00:59:59Z'))?.from).toBe(
      at('2025-06-03T23:30:00Z'),
    );
  });

  it('reads the cron expression in its time zone', () => {
    // Sunday 02:00 in Singapore (UTC+8) is Saturday 18:00 UTC.
    const sg = win({ cron: '0 2 * * 0', durationMs: 2 * HOUR, tz: 'Asia/Singapore' });
    expect(maintenanceAt([sg], 'asw1', 'sin', at('2025-05-31T18:00:00Z'))?.until).toBe(
      at('2025-05-31T20:00:00Z'),
    );
    expect(maintenanceAt([sg], 'asw1', 'sin', at('2025-06-01T02:30:00Z'))).toBeUndefined();
  });

  it('a duration longer than the cron period: the latest start counts', () => {
    const hourly = win({ cron: '0 * * * *', durationMs: 90 * MIN });
    expect(maintenanceAt([hourly], 'asw1', 'ams', at('2025-06-01T10:20:00Z'))).toMatchObject({
      from: at('2025-06-01T10:00:00Z'),
      until: at('2025-06-01T11:30:00Z'),
    });
  });
});

describe('maintenanceAt: daylight saving time (Europe/Berlin, US)', () => {
  it('spring forward: a start in the skipped hour opens when the gap ends (as Vixie cron runs it)', () => {
    // 2025-03-30 02:00 CET → 03:00 CEST (01:00 UTC). 02:30 does not exist that day.
    const w = win({ cron: '30 2 * * *', durationMs: HOUR, tz: 'Europe/Berlin' });
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-03-30T01:15:00Z'))).toMatchObject({
      from: at('2025-03-30T01:00:00Z'), // 03:00 CEST
      until: at('2025-03-30T02:00:00Z'),
    });
    // The day before and the day after: 02:30 local, one hour apart in UTC.
    expect(lastFireAtOrBefore(w, at('2025-03-29T12:00:00Z'))).toBe(at('2025-03-29T01:30:00Z'));
    expect(lastFireAtOrBefore(w, at('2025-03-31T12:00:00Z'))).toBe(at('2025-03-31T00:30:00Z'));
  });

  it('spring forward in New York: Sunday 02:00 for 2h still happens (from 03:00 EDT)', () => {
    // 2025-03-09: 02:00 EST → 03:00 EDT (07:00 UTC).
    const w = win({ cron: '0 2 * * 0', durationMs: 2 * HOUR, tz: 'America/New_York' });
    expect(maintenanceAt([w], 'asw1', 'nyc', at('2025-03-09T08:00:00Z'))).toMatchObject({
      from: at('2025-03-09T07:00:00Z'),
      until: at('2025-03-09T09:00:00Z'),
    });
  });

  it('the duration is elapsed time: a window across the change lasts its duration, not its wall-clock span', () => {
    // 01:00 CET (00:00 UTC) + 3h = 03:00 UTC = 05:00 CEST.
    const w = win({ cron: '0 1 * * *', durationMs: 3 * HOUR, tz: 'Europe/Berlin' });
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-03-30T02:59:59Z'))?.until).toBe(
      at('2025-03-30T03:00:00Z'),
    );
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-03-30T03:00:00Z'))).toBeUndefined();
  });

  it('fall back: a start in the repeated hour opens once, at its first occurrence', () => {
    // 2025-10-26 03:00 CEST → 02:00 CET (01:00 UTC): 02:30 happens at 00:30 and 01:30 UTC.
    const w = win({ cron: '30 2 * * *', durationMs: 30 * MIN, tz: 'Europe/Berlin' });
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-10-26T00:45:00Z'))?.from).toBe(
      at('2025-10-26T00:30:00Z'),
    );
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-10-26T01:45:00Z'))).toBeUndefined();
    expect(lastFireAtOrBefore(w, at('2025-10-26T12:00:00Z'))).toBe(at('2025-10-26T00:30:00Z'));
  });

  it('an interval window (every 15 minutes) keeps firing on both sides of the change', () => {
    const w = win({ cron: '*/15 * * * *', durationMs: 5 * MIN, tz: 'Europe/Berlin' });
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-10-26T01:31:00Z'))?.from).toBe(
      at('2025-10-26T01:30:00Z'),
    );
    expect(maintenanceAt([w], 'asw1', 'fra', at('2025-03-30T01:02:00Z'))?.from).toBe(
      at('2025-03-30T01:00:00Z'),
    );
  });
});

describe('maintenanceAt: coverage, several windows, silences', () => {
  const t = at('2025-06-01T02:30:00Z');

  it('covers by device, by site, or all; others are not covered', () => {
    const byDevice = win({ cron: '0 2 * * 0', durationMs: HOUR, devices: ['asw1'] });
    const bySite = win({ cron: '0 2 * * 0', durationMs: HOUR, devices: [], sites: ['ams'] });
    const all = win({ cron: '0 2 * * 0', durationMs: HOUR, devices: [], all: true });
    expect(maintenanceAt([byDevice], 'asw1', 'sin', t)).toBeDefined();
    expect(maintenanceAt([byDevice], 'asw2', 'ams', t)).toBeUndefined();
    expect(maintenanceAt([bySite], 'asw2', 'ams', t)).toBeDefined();
    expect(maintenanceAt([bySite], 'asw2', 'sin', t)).toBeUndefined();
    expect(maintenanceAt([all], 'anything', 'anywhere', t)).toBeDefined();
    expect(windowsCovering([byDevice, bySite, all], 'asw2', 'ams')).toEqual([bySite, all]);
  });

  it('when several windows cover T, the one ending last', () => {
    const short = win({ cron: '0 2 * * 0', durationMs: HOUR, reason: 'short' });
    const long = win({
      cron: '0 1 * * 0',
      durationMs: 3 * HOUR,
      devices: [],
      sites: ['ams'],
      reason: 'long',
    });
    const over = win({ cron: '0 0 * * 0', durationMs: 2 * HOUR, reason: 'over' }); // ended at 02:00
    expect(maintenanceAt([short, long, over], 'asw1', 'ams', t)).toMatchObject({
      reason: 'long',
      until: at('2025-06-01T04:00:00Z'),
    });
    expect(maintenanceAt([short, over], 'asw1', 'ams', t)?.reason).toBe('short');
    expect(maintenanceAt([], 'asw1', 'ams', t)).toBeUndefined();
  });

  it('a silence covers [from, until) and mixes with windows', () => {
    const silence: Silence = {
      devices: [],
      sites: ['ams'],
      from: at('2025-06-01T02:10:00Z'),
      until: at('2025-06-01T05:00:00Z'),
      reason: 'cabling work',
      author: 'alice',
    };
    const window = win({ cron: '0 2 * * 0', durationMs: HOUR });
    expect(maintenanceAt([window, silence], 'asw1', 'ams', t)).toEqual({
      kind: 'silence',
      reason: 'cabling work',
      from: silence.from,
      until: silence.until,
      author: 'alice',
    });
    expect(maintenanceAt([silence], 'asw1', 'ams', silence.from)).toBeDefined();
    expect(maintenanceAt([silence], 'asw1', 'ams', silence.from - 1)).toBeUndefined();
    expect(maintenanceAt([silence], 'asw1', 'ams', silence.until)).toBeUndefined();
    expect(maintenanceAt([silence], 'asw1', 'sin', t)).toBeUndefined();
    expect(maintenanceAt([{ ...silence, sites: [], devices: ['asw1'] }], 'asw1', 'sin', t)?.kind).toBe(
      'silence',
    );
    // Once the silence is over, the window still runs until 03:00.
    expect(
      maintenanceAt([window, { ...silence, until: at('2025-06-01T02:20:00Z') }], 'asw1', 'ams', t)?.kind,
    ).toBe('maintenance');
  });

  it('is cheap per event: 100,000 questions across a month of events, 20 windows', () => {
    // Performance note: each window's cron is compiled once and its last fire interval is kept, so
    // a question about a time in the same interval costs a comparison; a search (a new interval)
    // is some hundred microseconds. Events arrive close to time order, so searches are rare.
    const windows = Array.from({ length: 20 }, (_, i) =>
      win({ cron: `${i} 2 * * ${i % 7}`, durationMs: 2 * HOUR, tz: i % 2 ? 'Europe/Berlin' : 'UTC' }),
    );
    const start = at('2025-06-01T00:00:00Z');
    const began = performance.now();
    let covered = 0;
    for (let i = 0; i < 100_000; i += 1) {
      if (maintenanceAt(windows, 'asw1', 'ams', start + i * 26_000)) covered += 1;
    }
    const elapsed = performance.now() - began;
    expect(covered).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('cron expressions and time zones', () => {
  it('wants five fields that fire', () => {
    expect(cronProblem('0 2 * * 0')).toBeUndefined();
    expect(cronProblem('0 2 * * MON-FRI', 'Asia/Singapore')).toBeUndefined();
    expect(cronProblem('*/5 * * * * *')).toMatch(/use 5 fields/);
    expect(cronProblem('61 2 * * 0')).toMatch(/use 5 fields/);
    expect(cronProblem('0 2 30 2 *')).toMatch(/never fires/);
  });

  it('knows IANA time zones, not offsets or typos', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Singapore')).toBe(true);
    expect(isTimeZone('Asia/Singapur')).toBe(false);
    expect(isTimeZone('+08:00')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('working hours (route metadata)', () => {
  it('parses days, a time range and a time zone', () => {
    const parsed = parseWorkingHours('Mon-Fri 09:00-18:00 Asia/Singapore');
    expect(parsed.ok && [...parsed.hours.days].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.ok && parsed.hours).toMatchObject({
      startMinute: 540,
      endMinute: 1080,
      tz: 'Asia/Singapore',
    });
    const wrap = parseWorkingHours('Fri-Mon,Wed 22:00-06:00 UTC');
    expect(wrap.ok && [...wrap.hours.days].sort()).toEqual([0, 1, 3, 5, 6]);
    for (const bad of [
      'Mon-Fri 09:00-18:00',
      'Mon-Fry 09:00-18:00 UTC',
      'Mon-Fri 09:00-25:00 UTC',
      'Mon-Fri 24:00-06:00 UTC',
      'Mon 09:00-09:00 UTC',
      'Mon-Fri 09:00-18:00 Asia/Singapur',
    ])
      expect(parseWorkingHours(bad).ok).toBe(false);
  });

  it('answers "was this during working hours?" in the route time zone', () => {
    const hours = 'Mon-Fri 09:00-18:00 Asia/Singapore';
    // Monday 2025-06-02 10:00 in Singapore = 02:00 UTC.
    expect(withinWorkingHours(hours, at('2025-06-02T02:00:00Z'))).toBe(true);
    expect(withinWorkingHours(hours, at('2025-06-02T00:59:59Z'))).toBe(false); // 08:59
    expect(withinWorkingHours(hours, at('2025-06-02T10:00:00Z'))).toBe(false); // 18:00, end exclusive
    expect(withinWorkingHours(hours, at('2025-06-01T02:00:00Z'))).toBe(false); // Sunday
  });

  it('a range across midnight belongs to the day it starts on', () => {
    const nights = 'Fri 22:00-06:00 UTC';
    expect(withinWorkingHours(nights, at('2025-06-06T23:00:00Z'))).toBe(true); // Friday night
    expect(withinWorkingHours(nights, at('2025-06-07T05:59:00Z'))).toBe(true); // Saturday morning
    expect(withinWorkingHours(nights, at('2025-06-07T06:00:00Z'))).toBe(false);
    expect(withinWorkingHours(nights, at('2025-06-06T05:00:00Z'))).toBe(false); // Friday morning
    expect(withinWorkingHours('Mon-Sun 00:00-24:00 UTC', at('2025-06-07T23:59:00Z'))).toBe(true);
  });
});
