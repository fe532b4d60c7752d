import { describe, expect, it } from 'vitest';
import {
  type Clock,
  FakeClock,
  formatClockSpec,
  parseClockSpec,
  realClock,
  scaledClock,
} from '../../src/clock.js';
import { createCronCalendar, FakeCalendar } from '../../src/schedule/calendar.js';
import { createClockTicker, FakeTicker, type Timers } from '../../src/schedule/ticker.js';

/** Hand-driven timers: `next()` moves the fake clock to the earliest timer (delay × speed) and fires it. */
function manualTimers(clock: FakeClock, speed = 1) {
  let seq = 0;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      seq += 1;
      pending.set(seq, { fn, ms });
      delays.push(ms);
      return seq;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  const next = (clockMs?: number) => {
    const [id, t] = [...pending][0] ?? [];
    if (id === undefined || !t) throw new Error('no timer pending');
    pending.delete(id);
    clock.advance(clockMs ?? t.ms * speed);
    t.fn();
  };
  return { timers, next, pending, delays };
}

describe('clocks', () => {
  it('the fake clock steps wall time without moving monotonic time', () => {
    const clock = new FakeClock({ monotonicMs: 5, wallMs: 1_000 });
    clock.advance(10);
    clock.stepWall(-3_600_000);
    expect(clock.monotonicMs()).toBe(15);
    expect(clock.wallMs()).toBe(1_010 - 3_600_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('the real clock: steady monotonic time near Unix time, wall from Date.now', () => {
    const clock = realClock();
    const a = clock.monotonicMs();
    const b = clock.monotonicMs();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(clock.wallMs() - Date.now())).toBeLessThan(1000);
  });

  it('a scaled clock runs speed× faster from its origin, and two with the same origin agree', () => {
    let real = 10_000;
    const options = {
      speed: 60,
      origin: { wallMs: Date.UTC(2025, 0, 1), realMs: 10_000 },
      realNowMs: () => real,
    };
    const a = scaledClock(options);
    const b = scaledClock({ ...options, origin: a.origin });
    expect(a.monotonicMs()).toBe(0);
    expect(a.wallMs()).toBe(Date.UTC(2025, 0, 1));
    real += 500; // half a real second: 30 clock seconds
    expect(a.monotonicMs()).toBe(30_000);
    expect(a.wallMs()).toBe(Date.UTC(2025, 0, 1) + 30_000);
    expect(b.monotonicMs()).toBe(a.monotonicMs());
    expect(a.speed).toBe(60);
    expect(() => scaledClock({ speed: 0 })).toThrow(RangeError);
  });
});

describe('ticker', () => {
  it('ticks on whole periods of monotonic time and hands over that time', () => {
    const clock = new FakeClock({ monotonicMs: 1_250, wallMs: 0 });
    const t = manualTimers(clock);
    const ticks: number[] = [];
    const ticker = createClockTicker({ clock, timers: t.timers });
    ticker.start((now) => ticks.push(now));
    expect(t.delays).toEqual([750]);
    t.next();
    t.next();
    clock.stepWall(3_600_000); // a wall step: the next delay is unchanged
    t.next();
    expect(ticks).toEqual([2_000, 3_000, 4_000]);
    expect(t.delays).toEqual([750, 1000, 1000, 1000]);
  });

  it('re-arms a timer that fired early, and skips ticks missed while blocked', () => {
    const clock = new FakeClock({ monotonicMs: 0, wallMs: 0 });
    const t = manualTimers(clock);
    const ticks: number[] = [];
    createClockTicker({ clock, timers: t.timers }).start((now) => ticks.push(now));
    t.next(999); // 1 ms early
    expect(ticks).toEqual([]);
    expect(t.delays.at(-1)).toBe(1);
    t.next(3_501); // the event loop was blocked for seconds
    expect(ticks).toEqual([4_500]);
    expect(t.delays.at(-1)).toBe(500); // back on whole periods, no burst
  });

  it('on a scaled clock, ticks come speed× faster in real time', () => {
    const clock = new FakeClock({ monotonicMs: 0, wallMs: 0 });
    // The fake clock's time, claiming to run 50× real time like scaledClock({ speed: 50 }).
    const scaled: Clock = { monotonicMs: () => clock.monotonicMs(), wallMs: () => clock.wallMs(), speed: 50 };
    const t = manualTimers(clock, 50);
    const ticks: number[] = [];
    createClockTicker({ clock: scaled, timers: t.timers }).start((now) => ticks.push(now));
    t.next();
    t.next();
    expect(t.delays).toEqual([20, 20, 20]);
    expect(ticks).toEqual([1000, 2000]);
  });

  it('stop cancels the pending timer; a throwing tick is reported and ticking goes on', () => {
    const clock = new FakeClock({ monotonicMs: 0, wallMs: 0 });
    const t = manualTimers(clock);
    const errors: unknown[] = [];
    const ticker = createClockTicker({ clock, timers: t.timers, onError: (e) => errors.push(e) });
    ticker.start(() => {
      throw new Error('boom');
    });
    t.next();
    expect(errors).toHaveLength(1);
    expect(t.pending.size).toBe(1);
    ticker.stop();
    expect(t.pending.size).toBe(0);
  });

  it('the real ticker ticks with a real clock and stops cleanly', async () => {
    const ticks: number[] = [];
    const ticker = createClockTicker({ clock: realClock(), periodMs: 5 });
    await new Promise<void>((resolve) =>
      ticker.start((now) => {
        ticks.push(now);
        if (ticks.length === 2) resolve();
      }),
    );
    ticker.stop();
    expect(ticks[1]).toBeGreaterThan(ticks[0] ?? Number.POSITIVE_INFINITY);
  });

  it('the fake ticker advances its clock period by period', () => {
    const clock = new FakeClock({ monotonicMs: 0, wallMs: 0 });
    const ticker = new FakeTicker(clock, 1000);
    const ticks: number[] = [];
    ticker.start((now) => ticks.push(now));
    ticker.advance(2_500);
    ticker.stop();
    ticker.advance(1000);
    expect(ticks).toEqual([1000, 2000, 2500]);
  });
});

describe('calendar', () => {
  it('the fake calendar records daily jobs and runs them on demand', async () => {
    const calendar = new FakeCalendar();
    let runs = 0;
    calendar.daily('retention', '17 3 * * *', () => {
      runs += 1;
    });
    expect(calendar.jobs.get('retention')?.cronExpr).toBe('17 3 * * *');
    await calendar.run('retention');
    expect(runs).toBe(1);
    expect(() => calendar.daily('retention', '17 3 * * *', () => {})).toThrow(/already exists/);
    expect(() => calendar.daily('bad', 'every day', () => {})).toThrow(/invalid cron/);
    calendar.stop();
    expect(calendar.jobs.size).toBe(0);
  });

  it('the node-cron calendar rejects a bad expression and stops its jobs', () => {
    const calendar = createCronCalendar();
    expect(() => calendar.daily('bad', '99 * * * *', () => {})).toThrow(/invalid cron/);
    calendar.daily('retention', '17 3 * * *', () => {});
    calendar.stop();
    calendar.daily('retention', '17 3 * * *', () => {}); // the name is free again after stop
    calendar.stop();
  });
});

describe('NETWATCH_CLOCK: one compressed clock across processes', () => {
  it('reads back what it printed, and two clocks built from it agree', () => {
    let real = 1_000_000;
    const a = scaledClock({
      speed: 60,
      origin: { wallMs: Date.UTC(2022, 3, 19), realMs: real },
      realNowMs: () => real,
    });
    const spec = parseClockSpec(formatClockSpec(a));
    if (typeof spec === 'string') throw new Error(spec);
    const b = scaledClock({ ...spec, realNowMs: () => real });
    real += 1500;
    expect(a.wallMs()).toBe(Date.UTC(2022, 3, 19) + 90_000);
    expect(b.wallMs()).toBe(a.wallMs());
    expect(b.monotonicMs()).toBe(a.monotonicMs());
  });

  it('refuses text that is not one, with the form it expects', () => {
    expect(parseClockSpec('speed=60')).toBe(
      'expected speed=X,wall=MS,real=MS with X from 0.001 to 10000 and Unix ms, got "speed=60"',
    );
    for (const bad of [
      'speed=0,wall=1,real=2',
      'speed=2,wall=x,real=2',
      'speed=60,wall=,real=',
      'speed=1,speed=5,wall=1,real=2',
      'speed=60=junk,wall=1,real=2',
      'speed=1e-300,wall=1,real=2',
      'speed=20000,wall=1,real=2',
    ])
      expect(parseClockSpec(bad), bad).toMatch(/^expected/);
  });
});
