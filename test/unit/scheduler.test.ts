import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import type { DeviceConfig } from '../../src/config/types.js';
import { nextSlot, phaseOf, Scheduler } from '../../src/schedule/scheduler.js';
import { FakeTicker } from '../../src/schedule/ticker.js';

const dev = (name: string, intervalMs = 30_000): DeviceConfig => ({
  name,
  host: '127.0.0.1',
  site: 's',
  intervalMs,
  watchProcesses: [],
  interfaceGroups: {},
});

function harness(concurrency = 100, stamp?: () => number) {
  const started: string[] = [];
  const skipped: string[] = [];
  /** Every poll started, with the config it was given and the monotonic time it started at. */
  const polls: { device: DeviceConfig; at: number }[] = [];
  const finish = new Map<string, () => void>();
  let now = 0;
  const scheduler = new Scheduler(
    {
      poll: (d) =>
        new Promise<void>((resolve) => {
          started.push(d.name);
          polls.push({ device: d, at: stamp?.() ?? now });
          finish.set(d.name, resolve);
        }),
      skipped: (d) => skipped.push(d.name),
    },
    concurrency,
  );
  const tick = (t: number) => {
    now = t;
    scheduler.tick(t);
  };
  /** Ends every poll in flight and lets their `finally` run. */
  const finishAll = async () => {
    const pending = [...h.finish.values()];
    h.finish.clear();
    for (const resolve of pending) resolve();
    await flush();
  };
  const h = { scheduler, started, skipped, finish, polls, tick, finishAll };
  return h;
}

const flush = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
};

describe('scheduler (fake clock)', () => {
  it('spreads 2,000 devices over the interval instead of one burst', () => {
    const counts = new Array<number>(30).fill(0);
    for (let i = 0; i < 2000; i += 1) {
      const second = Math.floor(phaseOf(`sw${i}.example.net`, 30_000) / 1000);
      counts[second] = (counts[second] ?? 0) + 1;
    }
    expect(Math.max(...counts)).toBeLessThan((2000 / 30) * 1.6);
    expect(Math.min(...counts)).toBeGreaterThan((2000 / 30) * 0.5);
  });

  it('polls each device once per interval at its own phase', async () => {
    const h = harness();
    const d = dev('a', 10_000);
    const phase = phaseOf('a', 10_000);
    h.scheduler.setDevices([d], 0);
    for (let t = 0; t <= 30_000; t += 1000) {
      h.scheduler.tick(t);
      for (const resolve of h.finish.values()) resolve();
      h.finish.clear();
      await new Promise((r) => setImmediate(r));
    }
    expect(h.started).toHaveLength(3);
    expect(nextSlot(0, 10_000, phase)).toBe(phase);
  });

  it('skips and counts a poll that is still running when due, never stacks it', async () => {
    const h = harness();
    h.scheduler.setDevices([dev('slow', 1000)], 0, { immediately: true });
    h.scheduler.tick(0);
    h.scheduler.tick(1000);
    h.scheduler.tick(2000);
    expect(h.started).toEqual(['slow']);
    expect(h.skipped.length).toBeGreaterThanOrEqual(1);
    h.finish.get('slow')?.();
    await new Promise((r) => setImmediate(r));
    h.scheduler.tick(4000);
    expect(h.started).toEqual(['slow', 'slow']);
  });

  it('never runs more than `concurrency` polls at once', () => {
    const h = harness(3);
    h.scheduler.setDevices(
      ['a', 'b', 'c', 'd', 'e'].map((n) => dev(n)),
      0,
      { immediately: true },
    );
    h.scheduler.tick(0);
    expect(h.started).toHaveLength(3);
    expect(h.scheduler.inFlight).toBe(5);
  });

  it('SIGHUP with an interval change while seven devices poll: each polled at least twice after', async () => {
    const h = harness();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    h.scheduler.setDevices(
      names.map((n) => dev(n, 10_000)),
      0,
      { immediately: true },
    );
    h.tick(0);
    expect(h.finish.size).toBe(7); // all seven in flight, held across the reload
    h.scheduler.setDevices(
      names.map((n) => dev(n, 5_000)),
      500,
    );
    await h.finishAll(); // the polls started under the old config end after the reload
    const before = h.polls.length;
    for (let t = 1000; t <= 30_000; t += 1000) {
      h.tick(t);
      await h.finishAll();
    }
    const after = h.polls.slice(before);
    for (const n of names) {
      const times = after.filter((p) => p.device.name === n).map((p) => p.at);
      expect(times.length, n).toBeGreaterThanOrEqual(2);
      // On the new schedule: the new interval's slots.
      for (const t of times) expect(t % 5_000, n).toBe((Math.ceil(phaseOf(n, 5_000) / 1000) * 1000) % 5_000);
    }
  });

  it('a device whose host changed mid-poll keeps being polled, at its new host', async () => {
    const h = harness();
    h.scheduler.setDevices([dev('x', 10_000)], 0, { immediately: true });
    h.tick(0);
    const moved = { ...dev('x', 10_000), host: '192.0.2.7' };
    h.scheduler.setDevices([moved], 100);
    await h.finishAll();
    const renamedInterval = { ...moved, host: '192.0.2.8', intervalMs: 20_000 };
    for (let t = 1000; t <= 40_000; t += 1000) {
      if (t === 15_000) h.scheduler.setDevices([renamedInterval], t);
      h.tick(t);
      if (t !== 15_000) await h.finishAll(); // one poll held across the second reload too
    }
    const hosts = h.polls.slice(1).map((p) => p.device.host);
    expect(hosts).toContain('192.0.2.7');
    expect(hosts.at(-1)).toBe('192.0.2.8');
    expect(h.polls.filter((p) => p.at > 15_000).length).toBeGreaterThanOrEqual(1);
  });

  it('a device removed while queued is not polled; re-added while polling, it waits for that poll', async () => {
    const h = harness(1);
    h.scheduler.setDevices([dev('a'), dev('b')], 0, { immediately: true });
    h.tick(0);
    expect(h.started).toEqual(['a']); // b queued behind the concurrency limit
    h.scheduler.setDevices([dev('a')], 10);
    await h.finishAll();
    expect(h.started).toEqual(['a']);
    expect(h.scheduler.inFlight).toBe(0);
    // Re-added while its previous poll still runs: skipped (counted), never two polls at once.
    h.scheduler.setDevices([dev('a', 1000)], 20, { immediately: true });
    h.tick(20);
    expect(h.started).toEqual(['a', 'a']);
    h.scheduler.setDevices([], 30);
    h.scheduler.setDevices([dev('a', 1000)], 40, { immediately: true });
    h.tick(40);
    expect(h.started).toEqual(['a', 'a']);
    expect(h.skipped).toEqual(['a']);
    await h.finishAll();
    h.tick(2000);
    expect(h.started).toEqual(['a', 'a', 'a']);
  });

  it('a wall-clock step of ±1 h changes nothing', async () => {
    /**
     * Three minutes of a ticker-driven scheduler; `step` may move the wall clock along the way.
     * Poll start times are recorded on the monotonic clock. `feed` is what the tick hands the
     * scheduler: the ticker's monotonic time (the design), or wall time (the old daemon passed
     * Date.now) to show this test notices the difference.
     */
    const run = async (
      step: (clock: FakeClock, second: number) => void,
      feed: 'monotonic' | 'wall' = 'monotonic',
    ) => {
      const clock = new FakeClock({ monotonicMs: 1_000_000, wallMs: Date.UTC(2025, 2, 30, 0, 59, 30) });
      const ticker = new FakeTicker(clock, 1000);
      const h = harness(100, () => clock.monotonicMs());
      const time = () => (feed === 'wall' ? clock.wallMs() : clock.monotonicMs());
      h.scheduler.setDevices(
        ['a', 'b', 'c'].map((n) => dev(n, 30_000)),
        time(),
      );
      ticker.start((t) => h.tick(feed === 'wall' ? clock.wallMs() : t));
      for (let second = 0; second < 180; second += 1) {
        step(clock, second);
        ticker.advance(1000);
        await h.finishAll();
      }
      return h.polls.map((p) => `${p.device.name}@${p.at}`);
    };
    const steps = (clock: FakeClock, second: number) => {
      if (second === 40) clock.stepWall(3_600_000);
      if (second === 100) clock.stepWall(-3_600_000);
      if (second === 130) clock.stepWall(-3_600_000);
    };
    const steady = await run(() => {});
    expect(steady).toHaveLength(18);
    expect(await run(steps)).toEqual(steady);
    // The same steps with wall time fed to the scheduler do move polls (a burst, then a gap).
    expect(await run(steps, 'wall')).not.toEqual(steady);
  });

  it('exposes each scheduled device and its interval', () => {
    const h = harness();
    h.scheduler.setDevices([dev('a', 10_000), dev('b', 60_000)], 0);
    expect(h.scheduler.intervalOf('b')).toBe(60_000);
    expect(h.scheduler.intervalOf('zz')).toBeUndefined();
    expect(h.scheduler.scheduled().map((d) => [d.name, d.intervalMs, d.busy])).toEqual([
      ['a', 10_000, false],
      ['b', 60_000, false],
    ]);
  });
});
