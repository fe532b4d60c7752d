import { describe, expect, it } from 'vitest';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { DetectRun, Lab, PORTS, pollSteps, TEST_SETTINGS, types } from '../helpers/lab.js';

/** Detection under real conditions: agent restarts, partial walks, renumbering, slow agents. */

const STEP = 30_000;
const MX = 'junos_mx5t-isis';
const RE_COUNT = '1.3.6.1.4.1.2636.3.1.14.1.8.9.1.0.0';

/** Polls `run` once per step after ageing the lab; returns all events. */
const steps = (run: DetectRun, from: number, n: number, flow?: Readonly<Record<number, number>>) =>
  pollSteps(run, from, n, STEP, flow);

describe('agent restart is not a reboot (MX, no VC table)', () => {
  it('an SNMP agent restart on an MX (host and RE clocks keep counting) is no event', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    run.lab.age(30).agentRestart(20);
    expect(await run.poll(2 * STEP)).toEqual([]);
    expect(await steps(run, 3 * STEP, 2)).toEqual([]);
  });

  it('an MX reboot (every clock back) is exactly one device_reboot', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    run.lab.reboot(40);
    const events = await run.poll(2 * STEP);
    expect(types(events)).toEqual(['device_reboot']);
    expect(events[0]?.fact).toBe(
      `boot=${new Date(Math.round((2 * STEP - 40_000) / 60_000) * 60_000).toISOString()}`,
    );
    expect(await steps(run, 3 * STEP, 2)).toEqual([]);
  });

  it('an RE switchover that restarted the agent (sysUpTime back) is master_switchover', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    run.lab.age(30).agentRestart(15);
    run.lab.rec.set(RE_COUNT, '65', '1');
    const events = await run.poll(2 * STEP);
    expect(types(events)).toEqual(['master_switchover']);
    expect(events[0]?.fact).toMatch(/\|count=1\|boot=/);
  });

  it('an agent restart whose first walk misses the independent clocks is no event, then or after', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    const full = run.lab.rec.text();
    run.lab.age(30).agentRestart(20);
    const restarted = run.lab.rec.text();
    run.lab.rec.delete('1.3.6.1.2.1.25.1.1.0').delete('1.3.6.1.4.1.2636.3.1.13.1.13.9');
    expect(await run.poll(2 * STEP)).toEqual([]);
    expect(run.memory.restartPending?.why).toMatch(/sysUpTime went back/);
    run.lab.rec = new SnmprecRecording(restarted);
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    run.lab.age(30);
    expect(await run.poll(3 * STEP)).toEqual([]); // the clocks kept counting: only the agent
    expect(run.memory.restartPending).toBeUndefined();
    expect(full).not.toBe(restarted);
  });

  it('a reboot whose first walk misses the independent clocks is one device_reboot, on the next poll', async () => {
    const run = new DetectRun(new Lab(MX));
    await steps(run, 0, 2);
    run.lab.reboot(40);
    const rebooted = run.lab.rec.text();
    run.lab.rec.delete('1.3.6.1.2.1.25.1.1.0').delete('1.3.6.1.4.1.2636.3.1.13.1.13.9');
    expect(await run.poll(2 * STEP)).toEqual([]);
    run.lab.rec = new SnmprecRecording(rebooted);
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    run.lab.age(30);
    expect(types(await run.poll(3 * STEP))).toEqual(['device_reboot']);
    expect(await steps(run, 4 * STEP, 2)).toEqual([]);
  });

  it('a crash at a PID seen before a reboot is a new fact: the boot epoch tells them apart', async () => {
    const a = new DetectRun(new Lab(MX));
    await steps(a, 0, 1);
    const before = a.memory.bootEpoch;
    a.lab.reboot(40);
    await a.poll(STEP);
    expect(a.memory.bootEpoch).toMatch(/^boot=/);
    expect(a.memory.bootEpoch).not.toBe(before);
  });

  it('only a device with no independent clock at all is taken at the agent’s word', async () => {
    const lab = new Lab(MX);
    lab.rec.delete('1.3.6.1.2.1.25.1.1.0').delete('1.3.6.1.4.1.2636.3.1.13.1.13.9');
    const run = new DetectRun(lab);
    await steps(run, 0, 2);
    run.lab.age(30).agentRestart(20);
    expect(types(await run.poll(2 * STEP))).toEqual(['device_reboot']);
  });
});

describe('alarms', () => {
  it('a second red alarm while red is already on is alarm_raised (major); back to 0 is alarm_cleared', async () => {
    const run = new DetectRun(new Lab());
    const red = '1.3.6.1.4.1.2636.3.4.2.3';
    run.lab.rec.set(`${red}.1.0`, '2', '3').set(`${red}.2.0`, '66', '1');
    await run.poll(0);
    run.lab.rec.set(`${red}.2.0`, '66', '2');
    const [raised] = await run.poll(STEP);
    expect(raised).toMatchObject({
      type: 'alarm_raised',
      severity: 'major',
      details: { color: 'red', count_before: 1, count: 2 },
    });
    expect(await run.poll(2 * STEP)).toEqual([]);
    run.lab.rec.set(`${red}.1.0`, '2', '2').set(`${red}.2.0`, '66', '0');
    expect(types(await run.poll(3 * STEP))).toEqual(['alarm_cleared']);
  });
});

describe('traffic under partial walks and lasting drops', () => {
  const steady = { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };

  it('one walk that misses some interfaces’ counters gives no traffic event', async () => {
    const run = new DetectRun(new Lab());
    await steps(run, 0, 6, steady);
    const full = new Lab();
    full.rec = run.lab.rec; // keep counters flowing, drop the cells for one walk only
    const saved = [PORTS.uplinkA, PORTS.uplinkB].flatMap((i) =>
      ['1.3.6.1.2.1.31.1.1.1.6', '1.3.6.1.2.1.31.1.1.1.10'].map(
        (c) => [`${c}.${i}`, run.lab.rec.get(`${c}.${i}`)] as const,
      ),
    );
    run.lab.age(30).flow(30, steady).dropCounters(PORTS.uplinkA, PORTS.uplinkB);
    expect(await run.poll(6 * STEP)).toEqual([]);
    for (const [oid, v] of saved)
      if (v?.type === 'counter64') run.lab.rec.set(oid, '70', String(v.value + 3_000_000_000n));
    expect(await steps(run, 7 * STEP, 4, steady)).toEqual([]);
  });

  it('a drop that lasts past rebaseline_after ends rebaselined; a later new drop is caught', async () => {
    const settings = {
      ...TEST_SETTINGS,
      trafficDrop: { ...TEST_SETTINGS.trafficDrop, rebaselineAfterMs: 10 * 60_000 },
    };
    const run = new DetectRun(new Lab(), settings);
    const low = { [PORTS.uplinkA]: 20e6, [PORTS.uplinkB]: 20e6, [PORTS.server1]: 10e6 };
    await steps(run, 0, 6, steady);
    const dropped = await steps(run, 6 * STEP, 2, low);
    expect(types(dropped)).toEqual(['traffic_drop']);
    const later = await steps(run, 8 * STEP, 20, low);
    expect(types(later)).toEqual(['traffic_recovered']);
    expect(later[0]?.details).toMatchObject({ reason: 'rebaselined', scope: 'device' });
    const off = { [PORTS.uplinkA]: 0, [PORTS.uplinkB]: 0, [PORTS.server1]: 0 };
    const traffic = (await steps(run, 28 * STEP, 3, off)).filter((e) => e.type.startsWith('traffic'));
    expect(types(traffic)).toEqual(['traffic_drop']);
  });
});

describe('virtual chassis members known by serial', () => {
  it('a renumbered member is one member_renumbered, never member_down; memory follows the new id', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.lab.age(30).renumber(5, 9);
    const events = await run.poll(STEP);
    expect(types(events)).toEqual(['member_renumbered']);
    expect(events[0]).toMatchObject({
      severity: 'info',
      details: { member: 9, from_member: 5, serial: 'XR0123456794' },
    });
    expect(await steps(run, 2 * STEP, 3)).toEqual([]);
    expect(Object.keys(run.memory.vc.expected)).toContain('9');
    expect(Object.keys(run.memory.vc.expected)).not.toContain('5');
  });

  it('the master renumbered is no switchover', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.lab.age(30).renumber(1, 12);
    expect(types(await run.poll(STEP))).toEqual(['member_renumbered']);
    expect(run.memory.vc.master).toBe(12);
  });
});

describe('a slow 854-interface chassis', () => {
  it('misses its deadline as `deadline`, never unreachable; after N, one poll_degraded', async () => {
    const run = new DetectRun(new Lab('junos_ex4600mp', { full: true }));
    await run.poll(0);
    run.requestMs = 2_000; // 36 requests × 2 s ≫ the 24 s deadline of a 30 s interval
    const first = await run.collect(STEP);
    expect(first).toMatchObject({ ok: false, reason: 'deadline' });
    const events = [];
    for (let i = 1; i <= 5; i += 1) events.push(...(await run.poll(i * STEP * 2)));
    expect(types(events)).toEqual(['poll_degraded']);
    expect(events[0]).toMatchObject({ severity: 'minor', details: { deadline_polls: 3 } });
    expect(run.memory.reach).toEqual({ failures: 0, unreachable: false });
    run.requestMs = 0;
    expect(await run.poll(20 * STEP)).toEqual([]);
    expect(run.memory.degraded).toEqual({ deadlines: 0, active: false });
  });

  it('a device that does not answer its GET is still a timeout', async () => {
    const run = new DetectRun(new Lab());
    run.fake.agents.clear(); // nothing answers, not even SNMPv3 discovery
    expect(await run.collect(0)).toMatchObject({ ok: false, reason: 'timeout' });
  });
});
