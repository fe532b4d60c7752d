import { describe, expect, it } from 'vitest';
import type { PollResult } from '../../src/collect/snapshot.js';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { DetectRun, Lab, PORTS, pollSteps, types } from '../helpers/lab.js';

/** Defects found by review of the pure detection code, each pinned by a scenario. */

const STEP = 30_000;
const MX = 'junos_mx5t-isis';
const RE_COUNT = '1.3.6.1.4.1.2636.3.1.14.1.8.9.1.0.0';
const REDUNDANCY = '1.3.6.1.4.1.2636.3.1.14';
const RE_UPTIME = '1.3.6.1.4.1.2636.3.1.13.1.13.9';
const steady = { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };

/** Polls `run` once per step after ageing the lab; returns all events. */
const steps = (run: DetectRun, from: number, n: number, flow?: Readonly<Record<number, number>>) =>
  pollSteps(run, from, n, STEP, flow);

/** Removes every cell under these OID prefixes from the lab (a walk that misses those tables). */
function without(run: DetectRun, ...prefixes: string[]): void {
  for (const line of run.lab.rec.text().split('\n')) {
    const oid = line.split('|')[0] ?? '';
    if (prefixes.some((p) => oid.startsWith(`${p}.`))) run.lab.rec.delete(oid);
  }
  run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
}

/** Puts a recording back into the lab (and the fake agent). */
function restore(run: DetectRun, text: string): void {
  run.lab.rec = new SnmprecRecording(text);
  run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
}

describe('RE switchover whose first walk after it is partial', () => {
  it('is still exactly one master_switchover, on the next full walk', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    run.lab.age(30).agentRestart(15); // the agent moved to the other RE
    run.lab.rec.set(RE_COUNT, '65', '1');
    const full = run.lab.rec.text();
    without(run, REDUNDANCY, RE_UPTIME);
    const first = await run.poll(2 * STEP);
    restore(run, full);
    const later = await steps(run, 3 * STEP, 3);
    expect(types([...first, ...later])).toEqual(['master_switchover']);
    expect(later[0]?.fact).toMatch(/\|count=1\|boot=/);
  });

  it('a second red alarm raised while one walk missed the alarm table is still alarm_raised', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    const alarmTable = '1.3.6.1.4.1.2636.3.4.2';
    const full = run.lab.rec.text();
    without(run, alarmTable);
    run.lab.age(30);
    expect(await run.poll(2 * STEP)).toEqual([]);
    restore(run, full);
    run.lab.rec.set(`${alarmTable}.3.1.0`, '2', '3').set(`${alarmTable}.3.2.0`, '66', '2');
    const events = await steps(run, 3 * STEP, 1);
    expect(types(events)).toEqual(['alarm_raised']);
  });
});

describe('traffic lost with its ports (an FPC or member offline)', () => {
  it('the uplinks leaving the walk for good is traffic_drop (ports_gone); their return recovers it', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 8, steady);
    run.lab.dropCounters(PORTS.uplinkA, PORTS.uplinkB);
    const events = await steps(run, 8 * STEP, 6, { [PORTS.server1]: 5e6 });
    expect(types(events)).toEqual(['traffic_drop']);
    expect(events[0]?.details).toMatchObject({
      scope: 'device',
      reason: 'ports_gone',
      ports_gone: ['et-0/2/0', 'et-1/2/0'],
    });
    expect(events[0]?.time).toBe(8 * STEP); // the first walk without them
    expect(run.memory.traffic.device?.ports).not.toContain('et-0/2/0');
    const back = await steps(run, 14 * STEP, 4, steady);
    expect(types(back)).toEqual(['traffic_recovered']);
    expect(back[0]?.details).toMatchObject({ reason: 'recovered', scope: 'device' });
  });

  it('ports leaving while the rest still carry the traffic relearn silently', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 8, steady);
    run.lab.dropCounters(PORTS.server1);
    const events = await steps(run, 8 * STEP, 6, { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6 });
    expect(events).toEqual([]);
    expect(run.memory.traffic.device?.ports).not.toContain('ge-0/0/18');
    expect(run.memory.traffic.device?.dropped).toBe(false);
  });
});

describe('reachability and deadline polls', () => {
  const failed = (time: number, reason: 'timeout' | 'deadline'): PollResult => ({
    ok: false,
    device: 'lab',
    time,
    durationMs: 24_000,
    retryable: true,
    reason,
    message: reason,
  });

  it('a deadline poll resets the failure count: timeouts between answers are not unreachable', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    const seq = ['timeout', 'deadline', 'timeout', 'deadline', 'timeout'] as const;
    const events = seq.flatMap((reason, i) => run.observe(failed((i + 1) * STEP, reason), (i + 1) * STEP));
    expect(types(events)).toEqual([]);
    expect(run.memory.reach).toEqual({ failures: 1, unreachable: false });
  });

  it('once unreachable, a deadline poll (the agent answered) is device_reachable', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    const down = [1, 2, 3].flatMap((i) => run.observe(failed(i * STEP, 'timeout'), i * STEP));
    expect(types(down)).toEqual(['device_unreachable']);
    expect(types(run.observe(failed(4 * STEP, 'deadline'), 4 * STEP))).toEqual(['device_reachable']);
    expect(run.memory.reach).toEqual({ failures: 0, unreachable: false });
    expect(run.observe(failed(5 * STEP, 'deadline'), 5 * STEP)).toEqual([]);
  });
});

describe('a whole virtual chassis rebooting', () => {
  it('members that rejoin 90 s after the master are no member_down', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 2);
    run.lab.age(30).reboot(90);
    const rebooted = run.lab.rec.text();
    run.lab.removeMember(2).removeMember(3); // line cards rejoin after the master
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    const early = [...(await run.poll(2 * STEP)), ...(await steps(run, 3 * STEP, 2))];
    expect(types(early)).toEqual(['device_reboot']);
    restore(run, rebooted);
    run.lab.age(90).memberUptime(2, 5).memberUptime(3, 5);
    const later = [...(await run.poll(5 * STEP)), ...(await steps(run, 6 * STEP, 25))];
    expect(later).toEqual([]);
    expect(run.memory.vc.missing).toEqual({});
    expect(run.memory.vc.bootGrace).toBeUndefined();
  });

  it('a member that never rejoins is member_down once the boot grace has passed', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 2);
    run.lab.age(30).reboot(90).removeMember(3);
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    expect(types(await run.poll(2 * STEP))).toEqual(['device_reboot']);
    const events = await steps(run, 3 * STEP, 25);
    expect(types(events)).toEqual(['member_down']);
    expect(events[0]?.details).toMatchObject({ member: 3 });
    // uptime 90 s at the reboot poll; the grace ends at 600 s, then goneAfter (2) polls missing
    const graceEnds = 2 * STEP + (600 - 90) * 1000;
    expect(events[0]?.time).toBeGreaterThanOrEqual(graceEnds + STEP);
    expect(events[0]?.time).toBeLessThanOrEqual(graceEnds + 2 * STEP);
  });
});

describe('a wall-clock step (NTP) during a drop', () => {
  it('bends no rate and ends no live drop as rebaselined; stamps stay wall time', async () => {
    const run = new DetectRun(new Lab());
    const low = { [PORTS.uplinkA]: 20e6, [PORTS.uplinkB]: 20e6, [PORTS.server1]: 10e6 };
    await steps(run, 0, 6, steady);
    expect(types(await steps(run, 6 * STEP, 3, low))).toEqual(['traffic_drop']);
    const before = run.memory.traffic.device?.lastBps ?? 0;
    expect(before).toBeCloseTo(50e6, -5);
    run.wallOffsetMs = 3_600_000; // the wall clock steps +1 h; 30 s really pass per poll
    expect(await steps(run, 9 * STEP, 4, low)).toEqual([]);
    expect(run.memory.traffic.device?.dropped).toBe(true);
    expect(run.memory.traffic.device?.lastBps).toBeCloseTo(before, -5);
    const back = await steps(run, 13 * STEP, 2, steady);
    expect(types(back)).toEqual(['traffic_recovered']);
    expect(back[0]?.details).toMatchObject({ reason: 'recovered' });
    expect(back[0]?.time).toBe(13 * STEP + 3_600_000);
  });

  it('without monotonic time (old memory, hand-made snapshots) the wall clock is used', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 6, steady);
    const result = await run.collect(6 * STEP);
    if (!result.ok) throw new Error(result.message);
    const { monoMs: _, ...legacy } = result.snapshot;
    run.lab.age(30).flow(30, steady);
    expect(run.observe({ ok: true, snapshot: legacy }, 6 * STEP)).toEqual([]);
    expect(run.memory.previous?.monoMs).toBeUndefined();
    expect(await steps(run, 7 * STEP, 2, steady)).toEqual([]);
    expect(run.memory.traffic.device?.lastBps).toBeCloseTo(1e9, -6);
  });
});

describe('a whole virtual chassis rebooting, judged on a walk without the member table', () => {
  it('still gives the slow members their boot grace', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 2);
    run.lab.age(30).reboot(90);
    const rebooted = run.lab.rec.text();
    without(run, '1.3.6.1.4.1.2636.3.40.1.4.1.1.1');
    expect(types(await run.poll(2 * STEP))).toEqual(['device_reboot']);
    restore(run, rebooted);
    run.lab.removeMember(2).removeMember(3);
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    const events = await steps(run, 3 * STEP, 4);
    expect(types(events)).toEqual([]);
  });
});

describe('config_change: news, not history', () => {
  const CC = '1.3.6.1.4.1.2636.3.18.1.7.1';
  const commit = (run: DetectRun, index: number, timeCs: number, user: string) => {
    run.lab.rec
      .set(`${CC}.2.${index}`, '67', String(timeCs))
      .set(`${CC}.4.${index}`, '2', '2')
      .set(`${CC}.5.${index}`, '4', user);
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
  };
  const uptime = (run: DetectRun) => {
    const v = run.lab.rec.get('1.3.6.1.2.1.1.3.0');
    return v?.type === 'timeticks' ? v.value : 0;
  };
  const configEvents = (events: readonly { type: string; details: Readonly<Record<string, unknown>> }[]) =>
    events
      .filter((e) => e.type === 'config_change')
      .map((e) => `${e.details.user}#${e.details.change_index}`);

  it('reports the first commit on a device whose table was empty when netwatch started', async () => {
    const run = new DetectRun(new Lab(MX));
    expect(configEvents(await steps(run, 0, 2))).toEqual([]);
    commit(run, 1, uptime(run) + 1500, 'alice');
    expect(configEvents(await steps(run, 2, 2))).toEqual(['alice#1']);
  });

  it('reports nothing for commits made before netwatch first saw the table (a walk had missed it)', async () => {
    const run = new DetectRun(new Lab(MX));
    const up = uptime(run);
    for (const [i, user] of [
      [5, 'bob'],
      [6, 'carol'],
      [7, 'dave'],
    ] as const)
      commit(run, i, up - 100_000 + i, user);
    const full = run.lab.rec.text();
    without(run, CC);
    expect(configEvents(await steps(run, 0, 2))).toEqual([]);
    restore(run, full);
    expect(configEvents(await steps(run, 2, 2))).toEqual([]);
    commit(run, 8, uptime(run) + 500, 'erin');
    expect(configEvents(await steps(run, 4, 1))).toEqual(['erin#8']);
  });

  it('after a reboot empties the table, the first new commit (index 1 again) is news', async () => {
    const run = new DetectRun(new Lab(MX));
    commit(run, 7, uptime(run) - 1000, 'bob');
    expect(configEvents(await steps(run, 0, 2))).toEqual([]);
    const text = run.lab.rec.text();
    restore(
      run,
      text
        .split('\n')
        .filter((l) => !l.startsWith(`${CC}.`))
        .join('\n'),
    );
    run.lab.reboot(120);
    expect(configEvents(await steps(run, 2, 2))).toEqual([]);
    commit(run, 1, uptime(run) + 500, 'frank');
    expect(configEvents(await steps(run, 4, 1))).toEqual(['frank#1']);
  });
});
