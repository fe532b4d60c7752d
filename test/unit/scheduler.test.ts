import { describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../../src/config/types.js';
import { nextSlot, phaseOf, Scheduler } from '../../src/schedule/scheduler.js';

const dev = (name: string, intervalMs = 30_000): DeviceConfig => ({
  name,
  host: '127.0.0.1',
  site: 's',
  intervalMs,
  watchProcesses: [],
  interfaceGroups: {},
});

function harness(concurrency = 100) {
  const started: string[] = [];
  const skipped: string[] = [];
  const finish = new Map<string, () => void>();
  const scheduler = new Scheduler(
    {
      poll: (d) =>
        new Promise<void>((resolve) => {
          started.push(d.name);
          finish.set(d.name, resolve);
        }),
      skipped: (d) => skipped.push(d.name),
    },
    concurrency,
  );
  return { scheduler, started, skipped, finish };
}

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
});
