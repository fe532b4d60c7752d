import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { collectDevice, pollDeadlineMs } from '../../src/collect/collect-device.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { device, v2c } from '../helpers/devices.js';
import { Lab } from '../helpers/lab.js';

/**
 * Collection on the clock seam: the deadline and durations on monotonic time, stamps on wall time.
 * The agent takes `perRequestMs` per request on the fake clock; the wall clock is stepped (an NTP
 * step, ±1 h) while the poll's walk is in flight.
 */

const dev = device('lab', 161, v2c('x'));
const HOUR = 3_600_000;

function rig(perRequestMs: number, stepAtRequest: number, stepMs: number) {
  const clock = new FakeClock({ monotonicMs: 5_000, wallMs: Date.UTC(2025, 5, 1) });
  const fake = new FakeSnmp();
  fake.set('127.0.0.1', 161, new Lab('junos_ex4600mp', { full: true }).rec.varbinds);
  let requests = 0;
  fake.latency = {
    perRequestMs,
    now: () => clock.monotonicMs(),
    advance: (ms) => {
      requests += 1;
      clock.advance(ms);
      if (requests === stepAtRequest) clock.stepWall(stepMs);
    },
  };
  const collect = () =>
    collectDevice({
      device: dev,
      address: '127.0.0.1',
      connector: fake,
      now: () => clock.wallMs(),
      monotonic: () => clock.monotonicMs(),
      memo: {},
    });
  return { clock, fake, collect, requestCount: () => requests };
}

const ok = (r: PollResult) => {
  if (!r.ok) throw new Error(`poll failed: ${r.reason} ${r.message}`);
  return r.snapshot;
};

describe('a wall-clock step during a poll', () => {
  it('+1 h does not cut the walk; duration and monoMs on monotonic time, time on wall time', async () => {
    const { clock, collect, requestCount } = rig(200, 2, +HOUR);
    const monoStart = clock.monotonicMs();
    const s = ok(await collect());
    const took = requestCount() * 200;
    expect(s.durationMs).toBe(took);
    expect(s.monoMs).toBe(monoStart + took);
    expect(s.monoMs).toBe(clock.monotonicMs());
    expect(s.time).toBe(clock.wallMs()); // the stamp is wall time, step included
  });

  it('-1 h neither disables the deadline nor makes the duration negative', async () => {
    // 3 s per request: the walk outlives the 24 s deadline whatever the wall clock says.
    const { clock, collect } = rig(3_000, 2, -HOUR);
    const monoStart = clock.monotonicMs();
    const r = await collect();
    if (r.ok) throw new Error('the walk should have been cut by the deadline');
    expect(r.reason).toBe('deadline');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.durationMs).toBe(clock.monotonicMs() - monoStart);
    expect(r.durationMs).toBeLessThanOrEqual(pollDeadlineMs(dev) + 3_000);
    expect(r.time).toBe(clock.wallMs());
  });

  it('-1 h on a fast poll: a positive duration', async () => {
    const { collect } = rig(100, 2, -HOUR);
    const s = ok(await collect());
    expect(s.durationMs).toBeGreaterThan(0);
  });

  it('a failure before the walk is stamped on wall time, timed on monotonic time', async () => {
    const { clock, fake, collect } = rig(500, 1, +HOUR);
    fake.set('127.0.0.1', 161, { ok: false, retryable: false, reason: 'refused', message: 'no' });
    const r = await collect();
    if (r.ok) throw new Error('expected a failure');
    expect(r.reason).toBe('refused');
    expect(r.durationMs).toBe(500);
    expect(r.time).toBe(clock.wallMs());
  });
});

describe('without a monotonic clock (one clock for all)', () => {
  it('monoMs is the same clock as time', async () => {
    const fake = new FakeSnmp();
    fake.set('127.0.0.1', 161, new Lab('junos_ex4600mp', { full: true }).rec.varbinds);
    const r = await collectDevice({
      device: dev,
      address: '127.0.0.1',
      connector: fake,
      now: () => 42_000,
      memo: {},
    });
    const s = ok(r);
    expect(s.time).toBe(42_000);
    expect(s.monoMs).toBe(42_000);
  });
});
