import { describe, expect, it } from 'vitest';
import { isUptimeWrap } from '../../src/detect/derive.js';
import { DetectRun, Lab, PORTS, types } from '../helpers/lab.js';

/** Table-driven detector tests on snapshots made from the real recordings (a copy mutated here). */

const STEP = 30_000;

/** A fake clock for a test: `next()` moves it on one poll interval (or k) and returns the time. */
function clock(start = 0) {
  let t = start;
  return {
    next(k = 1): number {
      t += k * STEP;
      return t;
    },
  };
}

/**
 * Polls once at t0 (learning), applies `change`, polls `polls` more times (30 s apart); returns
 * the events of those polls.
 */
async function afterChange(change: (lab: Lab) => void, name = 'junos_ex4600mp', polls = 1) {
  const run = new DetectRun(new Lab(name));
  expect(await run.poll(0)).toEqual([]);
  run.lab.age(30);
  change(run.lab);
  const events = [...(await run.poll(STEP))];
  for (let i = 2; i <= polls; i += 1) {
    run.lab.age(30);
    events.push(...(await run.poll(i * STEP)));
  }
  return events;
}

describe('virtual chassis detectors (ex4600mp recording)', () => {
  it.each([
    {
      name: 'roles swapped → one master_switchover with from/to',
      change: (l: Lab) => l.role(1, 2).role(0, 1),
      expected: ['master_switchover'],
      details: {
        from: 1,
        to: 0,
        from_serial: 'XR0123456790',
        to_serial: 'XR0123456789',
        from_model: 'ex4300-48mp',
      },
    },
    {
      name: 'member 3 removed → member_down (missing two polls in a row)',
      change: (l: Lab) => l.removeMember(3),
      expected: ['member_down'],
      details: { member: 3 },
      polls: 2,
    },
    {
      name: 'member 3 NotPrsnt → member_down (missing two polls in a row)',
      change: (l: Lab) => l.role(3, 0),
      expected: ['member_down'],
      details: { member: 3 },
      polls: 2,
    },
    {
      name: 'member 2 uptime backwards → member_reboot',
      change: (l: Lab) => l.memberUptime(2, 120),
      expected: ['member_reboot'],
      details: { member: 2, uptime_s: 120 },
    },
    {
      name: 'two masters → vc_split_brain',
      change: (l: Lab) => l.role(0, 1),
      expected: ['vc_split_brain'],
      details: { masters: [0, 1] },
    },
    {
      name: 'redundancy count 1 → 2 → master_switchover',
      change: (l: Lab) => l.redundancyCount('9.1.0.0', 2),
      expected: ['master_switchover'],
      details: { reason: 'autoSwitched', switchover_count: 2 },
    },
  ])('$name', async (c) => {
    const { change, expected, details } = c;
    const events = await afterChange(change, 'junos_ex4600mp', 'polls' in c ? c.polls : 1);
    expect(types(events)).toEqual(expected);
    expect(events[0]?.details).toMatchObject(details);
    expect(events[0]?.summary.length).toBeGreaterThan(20);
  });

  it('writes a 4 am sentence for a switchover', async () => {
    const [event] = await afterChange((l) => l.role(1, 2).role(0, 1));
    expect(event?.summary).toBe(
      'Virtual chassis master moved from member 1 (EX4300-48MP, XR0123456790) to member 0 (EX4300-48MP, XR0123456789)',
    );
    expect(event).toMatchObject({ severity: 'critical', source: 'poll', device: 'lab', site: 'test' });
  });

  it('a member that left and came back: member_down, then member_up', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.lab.role(5, 0);
    expect(await run.poll(STEP)).toEqual([]); // one poll without it: could be a partial walk
    expect(types(await run.poll(2 * STEP))).toEqual(['member_down']);
    expect(await run.poll(3 * STEP)).toEqual([]); // still gone: not "all OK", not reported again
    run.lab.role(5, 3);
    expect(types(await run.poll(4 * STEP))).toEqual(['member_up']);
  });

  it('one partial walk (7 of 8 members missing once) pages nobody', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    for (let m = 1; m < 8; m += 1) run.lab.removeMember(m);
    expect(await run.poll(STEP)).toEqual([]);
    run.lab = new Lab();
    run.fake.set('127.0.0.1', 161, run.lab.rec.varbinds);
    expect(await run.poll(2 * STEP)).toEqual([]);
  });

  it('a switchover while a poll failed is still seen when the master is back', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.fail(STEP);
    run.lab.role(1, 2).role(0, 1);
    expect(types(await run.poll(2 * STEP))).toEqual(['master_switchover']);
  });

  it('the whole chassis rebooting is one device_reboot, not eight member_reboots', async () => {
    const events = await afterChange((l) => l.reboot(55));
    expect(types(events)).toEqual(['device_reboot']);
    expect(events[0]?.fact).toMatch(/^boot=/);
  });
});

describe('reachability, alarms, config, interfaces, processes', () => {
  it('device_unreachable after 3 failed polls, device_reachable after', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    expect(run.fail(STEP)).toEqual([]);
    expect(run.fail(2 * STEP)).toEqual([]);
    expect(types(run.fail(3 * STEP))).toEqual(['device_unreachable']);
    expect(run.fail(4 * STEP)).toEqual([]);
    expect(types(await run.poll(5 * STEP))).toEqual(['device_reachable']);
  });

  it('alarm_raised and alarm_cleared on the red alarm', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.lab.rec.set('1.3.6.1.4.1.2636.3.4.2.3.1.0', '2', '3');
    expect(types(await run.poll(STEP))).toEqual(['alarm_raised']);
    run.lab.rec.set('1.3.6.1.4.1.2636.3.4.2.3.1.0', '2', '2');
    expect(types(await run.poll(2 * STEP))).toEqual(['alarm_cleared']);
  });

  it('config_change for each new JUNIPER-CFGMGMT-MIB entry, with who and how', async () => {
    const run = new DetectRun(new Lab());
    const cfg = '1.3.6.1.4.1.2636.3.18.1.7.1';
    run.lab.rec.set(`${cfg}.2.7`, '67', '100').set(`${cfg}.4.7`, '2', '2').set(`${cfg}.5.7`, '4', 'alice');
    expect(await run.poll(0)).toEqual([]); // history at first sight is not news
    run.lab.rec
      .set(`${cfg}.2.8`, '67', '200')
      .set(`${cfg}.4.8`, '2', '3')
      .set(`${cfg}.5.8`, '4', 'automation');
    const [event] = await run.poll(STEP);
    expect(event).toMatchObject({
      type: 'config_change',
      details: { user: 'automation', source: 'junoscript' },
    });
  });

  it('interface_up on an admin-up port that comes up', async () => {
    const events = await afterChange((l) => l.oper(PORTS.newServer, true));
    expect(types(events)).toEqual(['interface_up']);
    expect(events[0]?.details).toMatchObject({ interface: 'mge-0/0/40' });
  });

  it('process_crash and process_restart from hrSWRunTable', async () => {
    const lab = new Lab();
    const run = new DetectRun(lab, undefined, { watchProcesses: ['fxpc'] });
    const proc = (pid: number, name = 'fxpc') =>
      lab.rec.set(`1.3.6.1.2.1.25.4.2.1.2.${pid}`, '4', name).set(`1.3.6.1.2.1.25.4.2.1.7.${pid}`, '2', '1');
    proc(1, 'init');
    proc(4242);
    await run.poll(0);
    lab.rec.delete('1.3.6.1.2.1.25.4.2.1.2.4242').delete('1.3.6.1.2.1.25.4.2.1.7.4242');
    expect(await run.poll(STEP)).toEqual([]); // missing once: could be a partial walk
    const [crash] = await run.poll(1.5 * STEP);
    expect(crash).toMatchObject({
      type: 'process_crash',
      details: { process: 'fxpc', old_pid: 4242, new_pid: null },
    });
    proc(5151);
    expect(types(await run.poll(2 * STEP))).toEqual(['process_restart']);
    // Seen under a new PID with no gap: a crash and a restart at once.
    lab.rec.delete('1.3.6.1.2.1.25.4.2.1.2.5151').delete('1.3.6.1.2.1.25.4.2.1.7.5151');
    proc(6161);
    expect(types(await run.poll(3 * STEP))).toEqual(['process_crash', 'process_restart']);
  });
});

describe('traffic', () => {
  const steady = { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };
  const scaled = (k: number) => Object.fromEntries(Object.entries(steady).map(([i, v]) => [i, v * k]));

  /** Six steady polls to build a baseline; returns the clock for what follows. */
  async function warm(run: DetectRun, polls = 6) {
    const c = clock();
    for (let i = 0; i < polls; i += 1) {
      run.lab.age(30).flow(30, steady);
      expect(await run.poll(c.next())).toEqual([]);
    }
    return c;
  }

  it('traffic_drop dated from the first low poll, then traffic_recovered', async () => {
    const run = new DetectRun(new Lab());
    const { next } = await warm(run);
    run.lab.age(30).flow(30, scaled(0.02));
    const onset = next();
    expect(await run.poll(onset)).toEqual([]); // one low poll: not yet (for: 2)
    run.lab.age(30).flow(30, scaled(0.02));
    const [drop] = await run.poll(next());
    expect(drop).toMatchObject({
      type: 'traffic_drop',
      time: onset,
      details: { scope: 'device', percent_of_baseline: 2 },
    });
    run.lab.age(30).flow(30, steady);
    await run.poll(next());
    run.lab.age(30).flow(30, steady);
    expect(types(await run.poll(next()))).toEqual(['traffic_recovered']);
  });

  it('traffic_imbalance when one group member carries everything', async () => {
    const run = new DetectRun(new Lab(), undefined, {
      interfaceGroups: { uplinks: ['et-0/2/0', 'et-1/2/0'] },
    });
    const { next } = await warm(run);
    const lopsided = { [PORTS.uplinkA]: 800e6, [PORTS.uplinkB]: 1e3, [PORTS.server1]: 200e6 };
    run.lab.age(30).flow(30, lopsided);
    await run.poll(next());
    run.lab.age(30).flow(30, lopsided);
    const events = await run.poll(next());
    expect(types(events)).toContain('traffic_imbalance');
    expect(events.find((e) => e.type === 'traffic_imbalance')?.details).toMatchObject({
      group: 'uplinks',
      busiest: 'et-0/2/0',
    });
  });

  it('process_stuck when a busy up port freezes dead', async () => {
    const run = new DetectRun(new Lab());
    const { next } = await warm(run);
    const frozen = { [PORTS.uplinkA]: 0, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };
    const events = [];
    for (let i = 0; i < 3; i += 1) {
      run.lab.age(30).flow(30, frozen);
      events.push(...(await run.poll(next())));
    }
    expect(types(events)).toEqual(['process_stuck']);
    expect(events[0]?.details).toMatchObject({ interfaces: ['et-0/2/0'] });
  });
});

describe('benign: zero crash, switchover, reboot or drop events', () => {
  const ALARMING = new Set([
    'process_crash',
    'master_switchover',
    'device_reboot',
    'member_reboot',
    'member_down',
    'traffic_drop',
    'vc_split_brain',
    'device_unreachable',
  ]);
  const alarming = (run: DetectRun) => run.events.filter((e) => ALARMING.has(e.type));
  const steady = { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };

  it('32-bit counter wrap', async () => {
    const lab = new Lab('junos_qfx5100');
    const run = new DetectRun(lab);
    // Take the HC columns away so the device is polled through 32-bit ifTable counters.
    lab.rec.delete('1.3.6.1.2.1.31.1.1.1.6').delete('1.3.6.1.2.1.31.1.1.1.10');
    // At 1 Gbit/s a 32-bit counter wraps at most once in 30 s (a 10G port could wrap many times:
    // its rate is unknown, see walk-and-rates.test.ts).
    lab.rec.set('1.3.6.1.2.1.31.1.1.1.15.513', '66', '1000');
    let counter = 2 ** 32 - 5 * 37_500_000; // wraps after 5 polls at 10 Mbit/s (1.25 MB/s × 30 s)
    const ifIndex = 513; // xe-0/0/0
    for (let i = 0; i < 10; i += 1) {
      lab.rec.set(`1.3.6.1.2.1.2.2.1.10.${ifIndex}`, '65', String(counter % 2 ** 32));
      lab.rec.set(`1.3.6.1.2.1.2.2.1.16.${ifIndex}`, '65', String(counter % 2 ** 32));
      lab.age(30);
      await run.poll(i * STEP);
      counter += 37_500_000;
    }
    expect(alarming(run)).toEqual([]);
    expect(run.memory.traffic.device?.lastBps).toBeCloseTo(20e6, -5); // in + out, no wrap spike
  });

  it('497-day sysUpTime wrap', async () => {
    const run = new DetectRun(new Lab());
    run.lab.sysUpTime(2 ** 32 - 1_000);
    await run.poll(0);
    run.lab.age(30); // 3,000 cs on, through the wrap: sysUpTime now reads 2,000
    expect(run.lab.rec.get('1.3.6.1.2.1.1.3.0')).toEqual({ type: 'timeticks', value: 2_000 });
    await run.poll(STEP);
    expect(isUptimeWrap(2 ** 32 - 1_000, 2_000, 30_000)).toBe(true);
    expect(alarming(run)).toEqual([]);
  });

  it('SNMP agent restarted: sysUpTime and counters reset with a discontinuity, member uptimes go on', async () => {
    const run = new DetectRun(new Lab());
    const { next } = clock();
    for (let i = 0; i < 5; i += 1) {
      run.lab.age(30).flow(30, steady);
      await run.poll(next());
    }
    run.lab.sysUpTime(500);
    for (const ifIndex of [PORTS.uplinkA, PORTS.uplinkB, PORTS.server1]) {
      run.lab.counter(ifIndex, 1000n, 1000n);
      run.lab.rec.set(`1.3.6.1.2.1.31.1.1.1.19.${ifIndex}`, '67', '400');
    }
    for (let m = 0; m < 8; m += 1)
      run.lab.rec.set(`1.3.6.1.4.1.2636.3.40.1.4.1.1.1.7.${m}`, '2', String(11_749_940 + 200));
    await run.poll(next());
    for (let i = 0; i < 4; i += 1) {
      run.lab.age(30).flow(30, steady);
      await run.poll(next());
    }
    expect(alarming(run)).toEqual([]);
  });

  it('1 and 2 timed-out polls in a row', async () => {
    const run = new DetectRun(new Lab());
    const { next } = clock();
    for (let i = 0; i < 4; i += 1) {
      run.lab.age(30).flow(30, steady);
      await run.poll(next());
    }
    run.fail(next());
    run.lab.age(60).flow(60, steady);
    await run.poll(next());
    run.fail(next());
    run.fail(next());
    run.lab.age(90).flow(90, steady);
    await run.poll(next());
    expect(run.events).toEqual([]);
  });

  it('netwatch restarted between polls', async () => {
    const run = new DetectRun(new Lab());
    const { next } = clock();
    for (let i = 0; i < 4; i += 1) {
      run.lab.age(30).flow(30, steady);
      await run.poll(next());
    }
    run.restart();
    run.lab.age(60).flow(60, steady);
    await run.poll(next(2));
    expect(run.events).toEqual([]);
  });

  it('a switchover while netwatch was down is reported once, marked', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.restart();
    run.lab.role(1, 2).role(0, 1);
    const [event] = await run.poll(10 * STEP);
    expect(event?.details).toMatchObject({ detected_after_restart: true });
    expect(event?.summary).toContain('(detected after a netwatch restart)');
    expect(await run.poll(11 * STEP)).toEqual([]);
  });

  it('a single-member VC (qfx5100) and its disagreeing uptimes', async () => {
    const run = new DetectRun(new Lab('junos_qfx5100'));
    for (let i = 0; i < 5; i += 1) {
      run.lab.age(30);
      await run.poll(i * STEP);
    }
    expect(run.events).toEqual([]);
  });

  it('a member already NotPrsnt when first seen', async () => {
    const run = new DetectRun(new Lab().role(6, 0));
    for (let i = 0; i < 4; i += 1) {
      run.lab.age(30);
      await run.poll(i * STEP);
    }
    expect(run.events).toEqual([]);
  });

  it('slow diurnal decline of traffic by 40 % over an hour', async () => {
    const run = new DetectRun(new Lab());
    const polls = 120; // 30 s apart: one hour
    for (let i = 0; i <= polls; i += 1) {
      const k = 1 - 0.4 * (i / polls);
      run.lab
        .age(30)
        .flow(30, { [PORTS.uplinkA]: 400e6 * k, [PORTS.uplinkB]: 400e6 * k, [PORTS.server1]: 200e6 * k });
      await run.poll(i * STEP);
    }
    expect(alarming(run)).toEqual([]);
    expect(run.memory.traffic.device?.lastBps).toBeCloseTo(600e6, -6);
  });
});
