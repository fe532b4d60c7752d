import { describe, expect, it } from 'vitest';
import { CONFIG_CHANGE, IF, RE_UPTIME, REDUNDANCY, SYSTEM, VC_MEMBER } from '../../src/collect/oids.js';
import type { Happening } from '../../src/sim/happening.js';
import type { FleetDevice, StepAction } from '../../src/sim/scenario/types.js';
import { loadSeed } from '../../src/sim/seed.js';
import { SimDevice } from '../../src/sim/sim-device.js';
import { prng } from '../../src/sim/traffic.js';
import type { SnmpValue, Varbind } from '../../src/snmp/types.js';

/**
 * The simulated switch as a poller sees it, on the real recordings, at explicit scenario times
 * (nothing sleeps): clocks, counters, what each scenario step does to the MIB, and GETNEXT order.
 */

const T0 = Date.UTC(2024, 5, 3, 10, 0, 0);
const S = 1000;
const MIN = 60 * S;
const U32 = 2 ** 32;

const VC_ROWS = '1.3.6.1.4.1.2636.3.40.1.4.1.1.1';
const HC_COLUMNS = [6, 7, 8, 9, 10, 11, 12, 13].map((c) => `1.3.6.1.2.1.31.1.1.1.${c}`);
const IF_HC_IN_PKTS = '1.3.6.1.2.1.31.1.1.1.7';
const IF_HC_OUT_PKTS = '1.3.6.1.2.1.31.1.1.1.11';

/** ex4600mp (8-member EX4300 VC): its physical ports that are up in the recording. */
const EX_PORTS = {
  'ge-0/0/18': 557,
  'mge-2/0/29': 665,
  'mge-2/0/31': 667,
  'et-0/2/0': 994,
  'et-1/2/0': 996,
} as const;
type ExPort = keyof typeof EX_PORTS;
const EX_PORT_NAMES = Object.keys(EX_PORTS) as ExPort[];

function fleetOf(seed: string, over: Partial<FleetDevice> = {}): FleetDevice {
  return {
    name: 'sw1',
    seed,
    roles: new Map(),
    traffic: { utilisation: 0.1, diurnal: 0 },
    counters: 'hc',
    interfaceGroups: new Map(),
    processes: ['fxpc', 'rpd', 'chassisd'],
    ...over,
  };
}

function deviceOf(seed: string, over: Partial<FleetDevice> = {}, startMs = T0): SimDevice {
  return new SimDevice({ fleet: fleetOf(seed, over), seed: loadSeed(seed), startMs });
}

/** The EX4300 VC as the eqsin scenario declares it: member 0 master, member 1 backup. */
const vc = (over: Partial<FleetDevice> = {}) =>
  deviceOf('junos_ex4600mp', {
    roles: new Map([
      [0, 'master'],
      [1, 'backup'],
    ]),
    interfaceGroups: new Map([['uplinks', ['et-0/2/0', 'et-1/2/0']]]),
    ...over,
  });

const isException = (v: SnmpValue): boolean =>
  v.type === 'noSuchObject' || v.type === 'noSuchInstance' || v.type === 'endOfMibView' || v.type === 'null';

function num(d: SimDevice, oid: string, now: number): number {
  const v = d.get(oid, now);
  if (v.type === 'int' || v.type === 'timeticks' || v.type === 'counter32' || v.type === 'gauge32')
    return v.value;
  throw new Error(`${oid}: expected a number, got ${JSON.stringify(v)}`);
}

function big(d: SimDevice, oid: string, now: number): bigint {
  const v = d.get(oid, now);
  if (v.type === 'counter64') return v.value;
  throw new Error(`${oid}: expected a Counter64, got ${JSON.stringify(v)}`);
}

function text(d: SimDevice, oid: string, now: number): string {
  const v = d.get(oid, now);
  if (v.type === 'octets') return v.value.toString('utf8');
  throw new Error(`${oid}: expected a string, got ${JSON.stringify(v)}`);
}

/** A recorded number, straight from the seed (not through the device). */
function recorded(seed: string, oid: string): number {
  const v = loadSeed(seed).get(oid);
  if (v && (v.type === 'int' || v.type === 'timeticks' || v.type === 'counter32')) return v.value;
  throw new Error(`${seed} has no number at ${oid}`);
}

/** Numeric OID order written here, independently of the code under test. */
function oidCompare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}
const under = (oid: string, root: string) => oid.startsWith(`${root}.`);

/** GETNEXT from `from` (default: before everything, LLDP-MIB's 1.0.8802 included) to the end of the MIB view. */
function walk(d: SimDevice, now: number, from = '0'): Varbind[] {
  const out: Varbind[] = [];
  for (let vb = d.next(from, now); vb; vb = d.next(vb.oid, now)) {
    out.push(vb);
    if (out.length > 100_000) throw new Error('walk does not end');
  }
  return out;
}

/** GETNEXT within one subtree (what a poller's column walk does). */
function walkUnder(d: SimDevice, now: number, root: string): Varbind[] {
  const out: Varbind[] = [];
  for (let vb = d.next(root, now); vb && under(vb.oid, root); vb = d.next(vb.oid, now)) out.push(vb);
  return out;
}

const kinds = (d: SimDevice): Happening['kind'][] => d.drain().map((h) => h.happening.kind);

function apply(d: SimDevice, action: StepAction, now: number): void {
  d.apply(action, now);
}

// --- clocks ----------------------------------------------------------------------------------

describe('clocks advance exactly with scenario time from the recorded values', () => {
  const seed = 'junos_ex4600mp';
  const clocks = {
    sysUpTime: { oid: SYSTEM.sysUpTime, perSecond: 100 },
    hrSystemUptime: { oid: SYSTEM.hrSystemUptime, perSecond: 100 },
    snmpEngineTime: { oid: SYSTEM.snmpEngineTime, perSecond: 1 },
    'member 0 uptime (s)': { oid: `${VC_MEMBER.uptime}.0`, perSecond: 1 },
    'member 2 uptime (s)': { oid: `${VC_MEMBER.uptime}.2`, perSecond: 1 },
    'RE 1 jnxOperatingUpTime (cs)': { oid: `${RE_UPTIME}.1.0.0`, perSecond: 100 },
  } as const;

  it('reads the recording at the start (sysUpTime 962501586 cs as recorded)', () => {
    const d = deviceOf(seed);
    expect(num(d, SYSTEM.sysUpTime, T0)).toBe(962_501_586);
    for (const { oid } of Object.values(clocks)) expect(num(d, oid, T0)).toBe(recorded(seed, oid));
  });

  it.each(Object.entries(clocks))(
    '%s = recorded + elapsed, at several later times',
    (_name, { oid, perSecond }) => {
      const d = deviceOf(seed);
      const base = recorded(seed, oid);
      for (const elapsedMs of [
        0,
        9,
        10,
        999,
        1000,
        59_999,
        3_600_000,
        86_400_000 + 123,
        40 * 86_400_000 + 7,
      ]) {
        const expected = base + Math.floor((elapsedMs * perSecond) / 1000);
        expect(num(d, oid, T0 + elapsedMs), `${oid} at +${elapsedMs} ms`).toBe(expected);
      }
    },
  );

  it('starting the device at another scenario time shifts nothing: the clocks read elapsed time', () => {
    const d = deviceOf(seed, {}, T0 + 5 * MIN);
    expect(num(d, SYSTEM.sysUpTime, T0 + 5 * MIN)).toBe(962_501_586);
    expect(num(d, SYSTEM.sysUpTime, T0 + 6 * MIN)).toBe(962_501_586 + 6000);
  });

  it('sysUpTime wraps at 2^32 cs (QFX5100 recorded at 3169229834 cs, 130 days before its wrap)', () => {
    const seedName = 'junos_qfx5100';
    const d = deviceOf(seedName);
    const sysUp = recorded(seedName, SYSTEM.sysUpTime);
    expect(sysUp).toBe(3_169_229_834);
    const wrapAt = T0 + (U32 - sysUp) * 10;
    expect(num(d, SYSTEM.sysUpTime, wrapAt - 10)).toBe(U32 - 1);
    expect(num(d, SYSTEM.sysUpTime, wrapAt)).toBe(0);
    expect(num(d, SYSTEM.sysUpTime, wrapAt + 12_340)).toBe(1234);
    expect(d.get(SYSTEM.sysUpTime, wrapAt).type).toBe('timeticks');
    // hrSystemUptime (recorded 6604 cs ahead) wraps 66 s earlier, on its own
    const hr = recorded(seedName, SYSTEM.hrSystemUptime);
    expect(num(d, SYSTEM.hrSystemUptime, wrapAt)).toBe((hr + (U32 - sysUp)) % U32);
    expect(num(d, SYSTEM.hrSystemUptime, wrapAt)).toBe(hr - sysUp);
  });

  it('snmpEngineBoots is served (added where the recording lacks it) and stays put while time passes', () => {
    const d = deviceOf(seed);
    expect(loadSeed(seed).get(SYSTEM.snmpEngineBoots)).toBeUndefined();
    expect(num(d, SYSTEM.snmpEngineBoots, T0)).toBe(1);
    expect(num(d, SYSTEM.snmpEngineBoots, T0 + 30 * 86_400_000)).toBe(1);
  });
});

// --- counters --------------------------------------------------------------------------------

describe('interface counters', () => {
  const hcIn = (ifIndex: number) => `${IF.ifHCInOctets}.${ifIndex}`;
  const hcOut = (ifIndex: number) => `${IF.ifHCOutOctets}.${ifIndex}`;

  it('rate = utilisation × ifHighSpeed (in), 0.9 of it out, exactly, with no day swing', () => {
    const d = deviceOf('junos_qfx5100', { traffic: { utilisation: 0.1, diurnal: 0 } });
    const xe0 = 513; // xe-0/0/0, 10 Gbit/s, up
    expect(num(d, `${IF.ifHighSpeed}.${xe0}`, T0)).toBe(10_000);
    const in0 = big(d, hcIn(xe0), T0);
    const out0 = big(d, hcOut(xe0), T0);
    const in1 = big(d, hcIn(xe0), T0 + 60 * S);
    const out1 = big(d, hcOut(xe0), T0 + 60 * S);
    // 0.1 × 10 Gbit/s = 125 MB/s → 7.5 GB in a minute
    expect(Number(in1 - in0)).toBeCloseTo(7_500_000_000, -1);
    expect(Number(out1 - out0)).toBeCloseTo(0.9 * 7_500_000_000, -1);
    // a 1 Gbit/s port carries a tenth of that
    const ge47 = 512;
    expect(Number(big(d, hcIn(ge47), T0 + 60 * S) - big(d, hcIn(ge47), T0))).toBeCloseTo(750_000_000, -1);
    // logical units, loopbacks and down ports carry nothing
    for (const ifIndex of [6, 22]) expect(big(d, hcIn(ifIndex), T0 + 60 * S)).toBe(big(d, hcIn(ifIndex), T0));
  });

  it('the recorded counter is where it starts', () => {
    const d = vc();
    expect(big(d, hcIn(EX_PORTS['mge-2/0/29']), T0)).toBe(14_678_521_985n);
  });

  it('with a day swing, a whole day carries exactly rate × 86400 s, and the rate moves with the hour', () => {
    const d = deviceOf('junos_qfx5100', { traffic: { utilisation: 0.1, diurnal: 0.5 } });
    const xe0 = 513;
    const day = big(d, hcIn(xe0), T0 + 86_400_000) - big(d, hcIn(xe0), T0);
    expect(Number(day)).toBeCloseTo(125_000_000 * 86_400, -3);
    const minuteAt = (h: number) => {
      const t = Date.UTC(2024, 5, 3, h) + 86_400_000;
      return Number(big(d, hcIn(xe0), t + MIN) - big(d, hcIn(xe0), t));
    };
    expect(minuteAt(14) / minuteAt(2)).toBeCloseTo(1.5 / 0.5, 2); // peak 14:00 UTC, trough 02:00
  });

  it('HC counters never go backwards across any sequence of steps (reboot_device excepted)', () => {
    for (let run = 0; run < 6; run += 1) {
      const random = prng(1000 + run);
      const d = vc({ traffic: { utilisation: 0.2, diurnal: 0.6 } });
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const columns = [IF.ifHCInOctets, IF.ifHCOutOctets, IF_HC_IN_PKTS, IF_HC_OUT_PKTS];
      const read = (now: number) =>
        new Map(
          EX_PORT_NAMES.flatMap((p) =>
            columns.map((c) => [`${c}.${EX_PORTS[p]}`, big(d, `${c}.${EX_PORTS[p]}`, now)]),
          ),
        );
      let now = T0;
      let before = read(now);
      const log: string[] = [];
      for (let i = 0; i < 80; now += Math.floor(random() * 40 * MIN) + 1, i += 1) {
        d.advance(now);
        const after = read(now);
        for (const [oid, v] of after)
          expect(
            v >= (before.get(oid) ?? 0n),
            `${oid} went back at step ${i} (run ${run}): ${log.join('; ')}`,
          ).toBe(true);
        before = after;
        const action: StepAction = pick<() => StepAction>([
          () => ({ kind: 'traffic', factor: pick([0, 0.02, 0.5, 1, 1.7, 3]) }),
          () => ({ kind: 'traffic', factor: pick([0, 0.3, 2]), interface: pick(EX_PORT_NAMES) }),
          () => ({ kind: 'traffic', factor: pick([0, 0.5, 4]), group: 'uplinks' }),
          () => ({ kind: 'link', interface: pick(EX_PORT_NAMES), state: pick(['up', 'down'] as const) }),
          () => ({ kind: 'stall_process', process: 'fxpc', interfaces: [pick(EX_PORT_NAMES)] }),
          () => ({ kind: 'restart_process', process: 'fxpc' }),
          () => ({
            kind: 'reboot_member',
            member: pick([1, 2]),
            downForMs: Math.floor(random() * 10 * MIN) + 1,
          }),
          () => ({ kind: 'restart_agent', downForMs: 20 * S }),
          () => ({ kind: 'crash_process', process: 'fxpc', signal: 6, core: true }),
          () => ({ kind: 'set_role', member: pick([0, 1]), role: pick(['master', 'backup'] as const) }),
          () => ({ kind: 'partial_walk', forMs: 5 * MIN, missing: ['vc', 'redundancy'] }),
          () => ({ kind: 'drop_polls', ratio: 0.5, forMs: MIN }),
        ])();
        log.push(`${(now - T0) / S}s ${JSON.stringify(action)}`);
        apply(d, action, now);
      }
    }
  });

  it('counters are flat while a port is down, while traffic is 0, and while its daemon is stalled', () => {
    const d = vc();
    const p = EX_PORTS['mge-2/0/29'];
    const at = (t: number) => big(d, hcIn(p), t);
    const t1 = T0 + MIN;
    apply(d, { kind: 'link', interface: 'mge-2/0/29', state: 'down' }, t1);
    expect(num(d, `${IF.ifOperStatus}.${p}`, t1)).toBe(2);
    expect(at(t1 + 10 * MIN)).toBe(at(t1));
    apply(d, { kind: 'link', interface: 'mge-2/0/29', state: 'up' }, t1 + 10 * MIN);
    expect(at(t1 + 11 * MIN)).toBeGreaterThan(at(t1 + 10 * MIN));

    const t2 = T0 + 20 * MIN;
    apply(d, { kind: 'traffic', factor: 0 }, t2);
    expect(at(t2 + 5 * MIN)).toBe(at(t2));
    apply(d, { kind: 'traffic', factor: 1 }, t2 + 5 * MIN);

    const t3 = T0 + 30 * MIN;
    apply(d, { kind: 'stall_process', process: 'fxpc', interfaces: ['mge-2/0/29'] }, t3);
    expect(num(d, `${IF.ifOperStatus}.${p}`, t3 + MIN)).toBe(1); // the port stays up
    expect(at(t3 + 5 * MIN)).toBe(at(t3));
    // its partner carries on
    const partner = EX_PORTS['mge-2/0/31'];
    expect(big(d, hcIn(partner), t3 + 5 * MIN)).toBeGreaterThan(big(d, hcIn(partner), t3));
  });

  it('restarting the stalled daemon unwedges its ports (stuck-daemon: "restarting the daemon … unwedges it")', () => {
    const d = vc();
    const p = EX_PORTS['mge-2/0/29'];
    const t1 = T0 + 2 * MIN;
    apply(d, { kind: 'stall_process', process: 'fxpc', interfaces: ['mge-2/0/29'] }, t1);
    apply(d, { kind: 'restart_process', process: 'fxpc' }, t1 + 8 * MIN);
    expect(big(d, hcIn(p), t1 + 8 * MIN)).toBe(big(d, hcIn(p), t1));
    expect(big(d, hcIn(p), t1 + 9 * MIN)).toBeGreaterThan(big(d, hcIn(p), t1 + 8 * MIN));
  });

  it('a device reboot resets every counter to 0 when the device is back; they count up from there', () => {
    const d = vc();
    const t1 = T0 + 10 * MIN;
    apply(d, { kind: 'stall_process', process: 'fxpc', interfaces: ['mge-2/0/31'] }, t1 - MIN);
    apply(d, { kind: 'reboot_device', downForMs: 5 * MIN }, t1);
    const back = t1 + 5 * MIN;
    d.advance(back);
    for (const p of EX_PORT_NAMES)
      for (const c of [IF.ifHCInOctets, IF.ifHCOutOctets, IF_HC_IN_PKTS, IF_HC_OUT_PKTS])
        expect(big(d, `${c}.${EX_PORTS[p]}`, back), `${c} of ${p}`).toBe(0n);
    const later = back + 10 * MIN;
    for (const p of EX_PORT_NAMES) {
      const i = EX_PORTS[p];
      expect(big(d, hcIn(i), later), p).toBeGreaterThan(0n);
      expect(big(d, `${IF_HC_IN_PKTS}.${i}`, later), `packets of ${p}`).toBeGreaterThan(0n);
      // 10 Gbit/s × 0.1 × 600 s, give or take a rounding: counted from 0, not from the old value
      if (p.startsWith('mge')) expect(Number(big(d, hcIn(i), later))).toBeCloseTo(125_000_000 * 600, -2);
    }
  });

  it('an SNMP agent restart does not touch the counters', () => {
    const d = vc();
    const p = EX_PORTS['et-0/2/0'];
    const before = big(d, hcIn(p), T0 + MIN);
    apply(d, { kind: 'restart_agent', downForMs: 20 * S }, T0 + MIN);
    d.advance(T0 + 2 * MIN);
    expect(big(d, hcIn(p), T0 + 2 * MIN)).toBeGreaterThan(before);
  });
});

describe('32-bit counters', () => {
  it('ifInOctets = ifHCInOctets mod 2^32, on the same device model, at any time and across steps', () => {
    const hc = deviceOf('junos_qfx5100', { traffic: { utilisation: 0.5, diurnal: 0.3 } });
    const c32 = deviceOf('junos_qfx5100', { traffic: { utilisation: 0.5, diurnal: 0.3 }, counters: '32bit' });
    const ports = [512, 513, 518, 520, 524];
    const steps: [number, StepAction][] = [
      [5 * MIN, { kind: 'traffic', factor: 3 }],
      [7 * MIN, { kind: 'link', interface: 'xe-0/0/1', state: 'down' }],
      [9 * MIN, { kind: 'link', interface: 'xe-0/0/1', state: 'up' }],
      [12 * MIN, { kind: 'traffic', factor: 0.1, interface: 'xe-0/0/0' }],
    ];
    let wrapped = 0;
    let last = new Map<number, number>();
    let applied = 0;
    for (let t = 0; t <= 20 * MIN; t += 7 * S) {
      const now = T0 + t;
      for (; applied < steps.length && (steps[applied] as [number, StepAction])[0] <= t; applied += 1) {
        const [at, action] = steps[applied] as [number, StepAction];
        hc.apply(action, T0 + at);
        c32.apply(action, T0 + at);
      }
      for (const p of ports) {
        const v32 = c32.get(`${IF.ifInOctets}.${p}`, now);
        expect(v32).toEqual({
          type: 'counter32',
          value: Number(big(hc, `${IF.ifHCInOctets}.${p}`, now) % BigInt(U32)),
        });
        expect(c32.get(`${IF.ifOutOctets}.${p}`, now)).toEqual({
          type: 'counter32',
          value: Number(big(hc, `${IF.ifHCOutOctets}.${p}`, now) % BigInt(U32)),
        });
        const value = num(c32, `${IF.ifInOctets}.${p}`, now);
        if (value < (last.get(p) ?? 0)) wrapped += 1;
      }
      last = new Map(ports.map((p) => [p, num(c32, `${IF.ifInOctets}.${p}`, now)]));
    }
    expect(wrapped).toBeGreaterThan(0); // 5 Gbit/s wraps a 32-bit counter every ~7 s
  });

  it('counters: 32bit hides the ifXTable HC columns from GET and GETNEXT but still serves ifInOctets', () => {
    for (const seed of ['junos_qfx5100', 'junos_ex4600mp']) {
      const d = deviceOf(seed, { counters: '32bit' });
      const now = T0 + MIN;
      const ifs = [...loadSeed(seed).interfaces.keys()];
      for (const ifIndex of ifs) {
        for (const column of HC_COLUMNS) expect(isException(d.get(`${column}.${ifIndex}`, now))).toBe(true);
        expect(d.get(`${IF.ifInOctets}.${ifIndex}`, now).type, `${seed} ifInOctets.${ifIndex}`).toBe(
          'counter32',
        );
        expect(d.get(`${IF.ifOutOctets}.${ifIndex}`, now).type).toBe('counter32');
      }
      const all = walk(d, now);
      expect(all.filter((vb) => HC_COLUMNS.some((c) => under(vb.oid, c)))).toEqual([]);
      // a column walk of ifHCInOctets leaves the column at once
      const next = d.next(IF.ifHCInOctets, now);
      expect(next && HC_COLUMNS.some((c) => under(next.oid, c))).toBe(false);
      // ifInOctets walks: one row per interface
      expect(walkUnder(d, now, IF.ifInOctets).map((vb) => vb.oid)).toEqual(
        ifs.sort((a, b) => a - b).map((i) => `${IF.ifInOctets}.${i}`),
      );
      // the other ifXTable columns are still there
      const port = seed === 'junos_qfx5100' ? 513 : EX_PORTS['mge-2/0/29'];
      expect(text(d, `${IF.ifName}.${port}`, now)).toMatch(/^x?m?[a-z]e-\d/);
      expect(num(d, `${IF.ifHighSpeed}.${port}`, now)).toBe(10_000);
    }
  });

  it('a 32-bit-only device still shows traffic (its counters move)', () => {
    const d = deviceOf('junos_qfx5100', { counters: '32bit', traffic: { utilisation: 0.004, diurnal: 0 } });
    const a = num(d, `${IF.ifInOctets}.513`, T0);
    const b = num(d, `${IF.ifInOctets}.513`, T0 + 10 * S);
    expect(Math.abs(((b - a + U32) % U32) - 5_000_000 * 10)).toBeLessThanOrEqual(1);
  });
});

// --- steps -------------------------------------------------------------------------------------

describe('set_role: switchover and split brain', () => {
  const role = (d: SimDevice, m: number, now: number) => num(d, `${VC_MEMBER.role}.${m}`, now);
  const row = (col: string, index: string) => `${col}.${index}`;
  const RE1 = '9.1.0.0'; // "Routing Engine 1"
  const RE0 = '9.2.0.0'; // "Routing Engine 0"

  it('the fleet roles are served at the start', () => {
    const d = vc();
    expect([role(d, 0, T0), role(d, 1, T0), role(d, 2, T0)]).toEqual([1, 2, 3]);
    expect(Object.fromEntries(d.roles())).toMatchObject({ 0: 'master', 1: 'backup', 2: 'linecard' });
  });

  it('member 0 gives up mastership, member 1 takes it: roles, jnxRedundancyTable and a switchover happening', () => {
    const d = vc();
    const t = T0 + 2 * MIN + 50 * S;
    const countBefore = num(d, row(REDUNDANCY.switchoverCount, RE1), t);
    expect(countBefore).toBe(1); // as recorded
    d.apply({ kind: 'set_role', member: 0, role: 'backup' }, t);
    d.apply({ kind: 'set_role', member: 1, role: 'master' }, t);
    expect([role(d, 0, t), role(d, 1, t)]).toEqual([2, 1]);
    expect(num(d, row(REDUNDANCY.state, RE1), t)).toBe(2); // master
    expect(num(d, row(REDUNDANCY.state, RE0), t)).toBe(3); // backup
    expect(d.get(row(REDUNDANCY.switchoverCount, RE1), t)).toEqual({
      type: 'counter32',
      value: countBefore + 1,
    });
    expect(num(d, row(REDUNDANCY.switchoverReason, RE1), t)).toBe(4); // autoSwitched
    expect(d.get(row(REDUNDANCY.switchoverTime, RE1), t)).toEqual({
      type: 'timeticks',
      value: num(d, SYSTEM.sysUpTime, t),
    });
    const happened = d.drain();
    expect(happened).toEqual([
      {
        device: 'sw1',
        timeMs: t,
        uptimeCs: num(d, SYSTEM.sysUpTime, t),
        happening: { kind: 'switchover', from: 0, to: 1, redundancyIndex: RE1, switchoverCount: 2 },
      },
    ]);
    // and back: RE0's row becomes master and counts its first switchover
    const t2 = t + 10 * MIN;
    d.apply({ kind: 'set_role', member: 1, role: 'backup' }, t2);
    d.apply({ kind: 'set_role', member: 0, role: 'master' }, t2);
    expect(num(d, row(REDUNDANCY.state, RE0), t2)).toBe(2);
    expect(num(d, row(REDUNDANCY.state, RE1), t2)).toBe(3);
    expect(num(d, row(REDUNDANCY.switchoverCount, RE0), t2)).toBe(1);
    expect(num(d, row(REDUNDANCY.switchoverCount, RE1), t2)).toBe(2);
    expect(d.drain().map((h) => h.happening)).toEqual([
      { kind: 'switchover', from: 1, to: 0, redundancyIndex: RE0, switchoverCount: 1 },
    ]);
  });

  it('the switchover count still rises when a partial walk hides the redundancy table at that moment', () => {
    const d = vc();
    const t = T0 + 5 * MIN;
    d.apply({ kind: 'partial_walk', forMs: 6 * MIN, missing: ['redundancy'] }, t - MIN);
    d.apply({ kind: 'set_role', member: 0, role: 'backup' }, t);
    d.apply({ kind: 'set_role', member: 1, role: 'master' }, t);
    expect(d.drain().map((h) => h.happening)).toMatchObject([{ kind: 'switchover', switchoverCount: 2 }]);
    expect(num(d, row(REDUNDANCY.switchoverCount, RE1), t + 10 * MIN)).toBe(2);
  });

  it('split brain: a second master beside the master records no switchover and leaves the redundancy table', () => {
    const d = vc();
    const t = T0 + 2 * MIN;
    const table = (now: number) => walkUnder(d, now, '1.3.6.1.4.1.2636.3.1.14.1');
    const before = table(t);
    d.apply({ kind: 'set_role', member: 1, role: 'master' }, t);
    expect([role(d, 0, t), role(d, 1, t)]).toEqual([1, 1]);
    expect(d.drain()).toEqual([]);
    expect(table(t)).toEqual(before);
    // the links come back, member 1 returns to backup: still no switchover (member 0 stayed master)
    d.apply({ kind: 'set_role', member: 1, role: 'backup' }, t + 4 * MIN);
    expect([role(d, 0, t + 4 * MIN), role(d, 1, t + 4 * MIN)]).toEqual([1, 2]);
    expect(d.drain()).toEqual([]);
  });

  it('an unknown member is a scenario bug (throws), not a silent no-op', () => {
    expect(() => vc().apply({ kind: 'set_role', member: 9, role: 'master' }, T0)).toThrow(/no VC member 9/);
  });
});

describe('reboot_member', () => {
  const memberRows = (d: SimDevice, now: number, member: number) =>
    walkUnder(d, now, VC_ROWS).filter((vb) => vb.oid.endsWith(`.${member}`));

  it('a line-card member leaves the VC table (GET and GETNEXT), its ports go down, and it returns fresh', () => {
    const d = vc();
    const t = T0 + 2 * MIN;
    const cellsBefore = memberRows(d, t, 2);
    expect(cellsBefore).toHaveLength(11);
    d.apply({ kind: 'reboot_member', member: 2, downForMs: 4 * MIN }, t);
    const during = t + MIN;
    expect(d.get(`${VC_MEMBER.role}.2`, during)).toEqual({ type: 'noSuchInstance' });
    expect(d.get(`${VC_MEMBER.serial}.2`, during)).toEqual({ type: 'noSuchInstance' });
    expect(memberRows(d, during, 2)).toEqual([]);
    // GETNEXT from member 1's role goes straight to member 3's
    expect(d.next(`${VC_MEMBER.role}.1`, during)?.oid).toBe(`${VC_MEMBER.role}.3`);
    expect(walkUnder(d, during, VC_MEMBER.role).map((vb) => vb.oid.split('.').pop())).toEqual([
      '0',
      '1',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(d.roles().has(2)).toBe(false);
    expect(num(d, `${IF.ifOperStatus}.${EX_PORTS['mge-2/0/29']}`, during)).toBe(2);
    expect(num(d, `${IF.ifOperStatus}.${EX_PORTS['ge-0/0/18']}`, during)).toBe(1); // member 0's port stays up
    const down = d.drain();
    // Junos announces the ports and their logical units (mge-2/0/29.0…) going down
    expect(down.map((h) => h.happening.kind)).toEqual([
      'vccp_adjdown',
      'member_down',
      'link',
      'link',
      'link',
      'link',
    ]);
    expect(down[1]?.happening).toEqual({
      kind: 'member_down',
      member: 2,
      role: 'linecard',
      serial: 'XR0123456791',
      model: 'ex4300-48mp',
    });
    expect(down.slice(2).map((h) => h.happening)).toEqual(
      expect.arrayContaining([
        { kind: 'link', ifIndex: 665, ifName: 'mge-2/0/29', up: false, adminUp: true },
        { kind: 'link', ifIndex: 667, ifName: 'mge-2/0/31', up: false, adminUp: true },
      ]),
    );
    expect(
      down.slice(2).every((h) => h.happening.kind === 'link' && /^mge-2\//.test(h.happening.ifName)),
    ).toBe(true);

    // back after down_for: rows back, uptime near 0 (it booted meanwhile), ports up, member_up
    const back = t + 4 * MIN;
    d.advance(back);
    expect(memberRows(d, back, 2).map((vb) => vb.oid)).toEqual(cellsBefore.map((vb) => vb.oid));
    expect(num(d, `${VC_MEMBER.role}.2`, back)).toBe(3);
    const uptime = num(d, `${VC_MEMBER.uptime}.2`, back);
    expect(uptime).toBeGreaterThanOrEqual(0);
    expect(uptime).toBeLessThanOrEqual(60);
    expect(num(d, `${VC_MEMBER.uptime}.2`, back + 10 * S)).toBe(uptime + 10);
    // the other members kept their uptime
    expect(num(d, `${VC_MEMBER.uptime}.0`, back)).toBe(
      recorded('junos_ex4600mp', `${VC_MEMBER.uptime}.0`) + 360,
    );
    const up = d.drain();
    expect(up.map((h) => [h.happening.kind, h.timeMs])).toEqual([
      ['member_up', back],
      ...down.slice(2).map(() => ['link', back]),
    ]);
    expect(up.slice(1).map((h) => h.happening)).toEqual(
      down.slice(2).map((h) => ({ ...h.happening, up: true })),
    );
    expect(up[0]?.happening).toMatchObject({ kind: 'member_up', member: 2, role: 'linecard' });
    expect(num(d, `${IF.ifOperStatus}.665`, back)).toBe(1);
    expect(d.roles().get(2)).toBe('linecard');
  });

  it('the master member reboots: the backup takes over, the old master is gone, then back as backup (one master)', () => {
    const d = vc();
    const role = (m: number, now: number) => d.get(`${VC_MEMBER.role}.${m}`, now);
    const t = T0 + 2 * MIN;
    d.apply({ kind: 'reboot_member', member: 0, downForMs: 3 * MIN }, t);
    const k = kinds(d);
    expect(k.slice(0, 2)).toEqual(['vccp_adjdown', 'member_down']);
    expect(k.at(-1)).toBe('switchover');
    expect(k.slice(2, -1).every((x) => x === 'link')).toBe(true);
    const during = t + MIN;
    expect(role(0, during)).toEqual({ type: 'noSuchInstance' });
    expect(memberRows(d, during, 0)).toEqual([]);
    expect(role(1, during)).toEqual({ type: 'int', value: 1 });
    const back = t + 3 * MIN;
    d.advance(back);
    expect(role(0, back)).toEqual({ type: 'int', value: 2 });
    expect(role(1, back)).toEqual({ type: 'int', value: 1 });
    const masters = walkUnder(d, back, VC_MEMBER.role).filter(
      (vb) => vb.value.type === 'int' && vb.value.value === 1,
    );
    expect(masters.map((vb) => vb.oid)).toEqual([`${VC_MEMBER.role}.1`]);
    expect(Object.fromEntries(d.roles())).toMatchObject({ 0: 'backup', 1: 'master' });
  });

  it('same with the recording’s own roles (no fleet override: member 1 is master in the recording)', () => {
    const d = deviceOf('junos_ex4600mp');
    const t = T0 + MIN;
    expect(num(d, `${VC_MEMBER.role}.1`, t)).toBe(1);
    d.apply({ kind: 'reboot_member', member: 1, downForMs: 2 * MIN }, t);
    expect(d.get(`${VC_MEMBER.role}.1`, t + MIN)).toEqual({ type: 'noSuchInstance' });
    d.advance(t + 2 * MIN);
    expect(num(d, `${VC_MEMBER.role}.0`, t + 2 * MIN)).toBe(1);
    expect(num(d, `${VC_MEMBER.role}.1`, t + 2 * MIN)).toBe(2);
  });
});

describe('reboot_device', () => {
  it('answers nothing while down; back with sysUpTime ~0, engineBoots + 1, a cold_start at the return time', () => {
    const d = deviceOf('junos_qfx5100');
    const t = T0 + 10 * MIN;
    const boots = num(d, SYSTEM.snmpEngineBoots, t);
    d.apply({ kind: 'reboot_device', downForMs: 3 * MIN }, t);
    for (const during of [t, t + 1, t + MIN, t + 3 * MIN - 1]) {
      expect(d.answers(during), `answers at +${during - t} ms`).toBe(false);
      expect(d.reachable(during)).toBe(false);
    }
    expect(d.drain()).toEqual([]); // nothing announced while it boots
    const back = t + 3 * MIN;
    const later = back + 7 * S; // the first poll after it is back
    expect(d.answers(later)).toBe(true);
    expect(num(d, SYSTEM.sysUpTime, later)).toBe(700);
    expect(num(d, SYSTEM.sysUpTime, back)).toBe(0);
    expect(num(d, SYSTEM.snmpEngineBoots, later)).toBe(boots + 1);
    expect(d.engineBoots).toBe(boots + 1);
    expect(num(d, SYSTEM.snmpEngineTime, later)).toBe(7);
    // the host and the members booted when the reboot began: every clock went back
    expect(num(d, SYSTEM.hrSystemUptime, later)).toBeLessThan(4 * 60 * 100);
    expect(num(d, `${VC_MEMBER.uptime}.0`, later)).toBeLessThan(4 * 60);
    expect(d.drain()).toEqual([
      { device: 'sw1', timeMs: back, uptimeCs: 0, happening: { kind: 'cold_start' } },
    ]);
    // the redundancy count restarts with the device
    expect(num(d, `${REDUNDANCY.switchoverCount}.9.1.0.0`, later)).toBe(0);
  });

  it('advance() alone (nobody polling) brings it back and records cold_start once', () => {
    const d = deviceOf('junos_qfx5100');
    d.apply({ kind: 'reboot_device', downForMs: MIN }, T0);
    expect(d.nextDueMs()).toBe(T0 + MIN);
    d.advance(T0 + 30 * S);
    expect(d.drain()).toEqual([]);
    d.advance(T0 + 5 * MIN);
    d.advance(T0 + 6 * MIN);
    expect(d.drain().map((h) => [h.happening.kind, h.timeMs])).toEqual([['cold_start', T0 + MIN]]);
    expect(d.nextDueMs()).toBeUndefined();
  });

  it('processes get new PIDs', () => {
    const d = deviceOf('junos_qfx5100');
    const before = d.processes().get('fxpc')?.pid;
    d.apply({ kind: 'reboot_device', downForMs: MIN }, T0);
    d.advance(T0 + MIN);
    expect(d.processes().get('fxpc')?.pid).not.toBe(before);
  });
});

describe('restart_agent, stop_answering, drop_polls, partial_walk', () => {
  it('restart_agent: silent for down_for, then sysUpTime from 0, engineBoots + 1, hrSystemUptime keeps counting', () => {
    const d = deviceOf('junos_qfx5100');
    const t = T0 + 6 * MIN;
    const hr0 = recorded('junos_qfx5100', SYSTEM.hrSystemUptime);
    d.apply({ kind: 'restart_agent', downForMs: 20 * S }, t);
    expect(d.answers(t + 10 * S)).toBe(false);
    expect(d.answers(t + 25 * S)).toBe(true);
    expect(num(d, SYSTEM.sysUpTime, t + 25 * S)).toBe(500);
    expect(num(d, SYSTEM.snmpEngineBoots, t + 25 * S)).toBe(2);
    expect(num(d, SYSTEM.snmpEngineTime, t + 25 * S)).toBe(5);
    expect(num(d, SYSTEM.hrSystemUptime, t + 25 * S)).toBe(hr0 + (6 * 60 + 25) * 100);
    expect(num(d, `${VC_MEMBER.uptime}.0`, t + 25 * S)).toBe(
      recorded('junos_qfx5100', `${VC_MEMBER.uptime}.0`) + 6 * 60 + 25,
    );
    expect(d.drain()).toEqual([
      { device: 'sw1', timeMs: t + 20 * S, uptimeCs: 0, happening: { kind: 'agent_restart' } },
    ]);
  });

  it('stop_answering: nothing for its window, everything after; without a window, never again', () => {
    const d = deviceOf('junos_qfx5100');
    d.apply({ kind: 'stop_answering', forMs: MIN }, T0);
    expect([T0, T0 + 59_999].map((t) => d.answers(t))).toEqual([false, false]);
    expect(d.answers(T0 + MIN)).toBe(true);
    expect({ answered: d.answered, ignored: d.ignored }).toEqual({ answered: 1, ignored: 2 });
    const e = deviceOf('junos_qfx5100');
    e.apply({ kind: 'stop_answering' }, T0);
    expect(e.answers(T0 + 365 * 86_400_000)).toBe(false);
    expect(e.reachable(T0 + 365 * 86_400_000)).toBe(false);
  });

  it('drop_polls: about `ratio` of the requests in the window go unanswered, none after; the same run drops the same', () => {
    const pattern = (name: string, ratio: number) => {
      const d = deviceOf('junos_qfx5100', { name });
      d.apply({ kind: 'drop_polls', ratio, forMs: MIN }, T0);
      const inWindow = Array.from({ length: 1000 }, (_, i) => d.answers(T0 + i * 50));
      const after = Array.from({ length: 100 }, (_, i) => d.answers(T0 + MIN + i));
      return { inWindow, after };
    };
    const half = pattern('tor1', 0.5);
    const dropped = half.inWindow.filter((a) => !a).length;
    expect(dropped).toBeGreaterThan(420);
    expect(dropped).toBeLessThan(580);
    expect(half.after.every(Boolean)).toBe(true);
    expect(pattern('tor1', 0.5)).toEqual(half); // seeded by the device name
    expect(pattern('tor1', 1).inWindow.some(Boolean)).toBe(false);
    expect(pattern('tor1', 0).inWindow.every(Boolean)).toBe(true);
    expect(pattern('tor1', 0.03).inWindow.filter((a) => !a).length).toBeLessThan(80);
  });

  it('partial_walk hides exactly the missing subtrees from GET and GETNEXT, only during its window', () => {
    const d = vc();
    const t = T0 + 9 * 60 * MIN;
    const full = walk(d, t - 1).map((vb) => vb.oid);
    d.apply({ kind: 'partial_walk', forMs: 6 * MIN, missing: ['vc', 'redundancy'] }, t);
    const hidden = ['1.3.6.1.4.1.2636.3.40.1.4.1.1.1', '1.3.6.1.4.1.2636.3.1.14.1'];
    const partial = walk(d, t + MIN).map((vb) => vb.oid);
    expect(partial).toEqual(full.filter((oid) => !hidden.some((h) => under(oid, h))));
    expect(full.length - partial.length).toBeGreaterThan(80); // 8 members × 11 + 2 × 6
    expect(d.get(`${VC_MEMBER.role}.0`, t + MIN)).toEqual({ type: 'noSuchInstance' });
    expect(d.get(`${REDUNDANCY.state}.9.1.0.0`, t + MIN).type).toBe('noSuchInstance');
    // GETNEXT into a hidden table lands on the first cell after it
    const afterVc = full.find((oid) => oidCompare(oid, VC_ROWS) > 0 && !under(oid, VC_ROWS));
    expect(d.next(VC_MEMBER.role, t + MIN)?.oid).toBe(afterVc);
    // the polls the daemon relies on for liveness are still there
    expect(num(d, SYSTEM.sysUpTime, t + MIN)).toBeGreaterThan(0);
    // and after the window, everything is back
    expect(walk(d, t + 6 * MIN).map((vb) => vb.oid)).toEqual(full);
    expect(num(d, `${VC_MEMBER.role}.0`, t + 6 * MIN)).toBe(1);
    expect(d.answers(t + MIN)).toBe(true); // a partial walk still answers
  });

  it.each([
    ['interfaces', '1.3.6.1.2.1.31.1.1.1'],
    ['alarms', '1.3.6.1.4.1.2636.3.4.2'],
  ] as const)('partial_walk %s hides %s', (table, root) => {
    const d = deviceOf('junos_qfx5100');
    const full = walk(d, T0).map((vb) => vb.oid);
    expect(full.some((oid) => under(oid, root))).toBe(true);
    d.apply({ kind: 'partial_walk', forMs: MIN, missing: [table] }, T0);
    expect(walk(d, T0 + 30 * S).map((vb) => vb.oid)).toEqual(full.filter((oid) => !under(oid, root)));
    expect(walk(d, T0 + MIN).map((vb) => vb.oid)).toEqual(full);
  });
});

describe('config_change, crash_process, restart_process', () => {
  it('config_change adds a jnxCmCfgChgEventTable row: time (sysUpTime), source (cli = 2), user', () => {
    const d = vc();
    const t = T0 + 3 * MIN;
    d.apply({ kind: 'config_change', user: 'alice', source: 'cli' }, t);
    d.apply({ kind: 'config_change', user: 'netconf-bot', source: 'junoscript' }, t + MIN);
    expect(d.get(`${CONFIG_CHANGE.time}.1`, t + 2 * MIN)).toEqual({
      type: 'timeticks',
      value: num(d, SYSTEM.sysUpTime, t),
    });
    expect(num(d, `${CONFIG_CHANGE.source}.1`, t + 2 * MIN)).toBe(2);
    expect(text(d, `${CONFIG_CHANGE.user}.1`, t + 2 * MIN)).toBe('alice');
    expect(num(d, `${CONFIG_CHANGE.source}.2`, t + 2 * MIN)).toBe(3);
    expect(text(d, `${CONFIG_CHANGE.user}.2`, t + 2 * MIN)).toBe('netconf-bot');
    // a walk of the table finds the rows, column by column
    expect(walkUnder(d, t + 2 * MIN, '1.3.6.1.4.1.2636.3.18.1.7.1').map((vb) => vb.oid)).toEqual([
      `${CONFIG_CHANGE.time}.1`,
      `${CONFIG_CHANGE.time}.2`,
      `${CONFIG_CHANGE.source}.1`,
      `${CONFIG_CHANGE.source}.2`,
      `${CONFIG_CHANGE.user}.1`,
      `${CONFIG_CHANGE.user}.2`,
    ]);
    expect(d.drain().map((h) => h.happening)).toEqual([
      { kind: 'config_commit', user: 'alice', source: 'cli' },
      { kind: 'config_commit', user: 'netconf-bot', source: 'junoscript' },
    ]);
  });

  it('crash_process records the core file and the PID; restart_process gives a new PID', () => {
    const d = vc();
    const t = T0 + 2 * MIN + 20 * S;
    const pid = d.processes().get('fxpc')?.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    d.apply({ kind: 'crash_process', process: 'fxpc', signal: 6, core: true }, t);
    expect(d.processes().get('fxpc')?.running).toBe(false);
    expect(d.cores).toHaveLength(1);
    expect(d.cores[0]).toMatchObject({ process: 'fxpc', timeMs: t });
    expect(d.cores[0]?.file).toMatch(new RegExp(`^/var/crash/core\\.fxpc\\..*\\b${pid}\\.gz$`));
    const crash = d.drain();
    expect(crash).toEqual([
      {
        device: 'sw1',
        timeMs: t,
        uptimeCs: num(d, SYSTEM.sysUpTime, t),
        happening: { kind: 'process_crash', process: 'fxpc', pid, signal: 6, coreFile: d.cores[0]?.file },
      },
    ]);
    d.apply({ kind: 'restart_process', process: 'fxpc' }, t + 4 * MIN);
    const restarted = d.processes().get('fxpc');
    expect(restarted?.running).toBe(true);
    expect(restarted?.pid).not.toBe(pid);
    expect(d.drain().map((h) => h.happening)).toEqual([
      { kind: 'process_start', process: 'fxpc', pid: restarted?.pid },
    ]);
    // a crash without a core dump leaves no file
    d.apply({ kind: 'crash_process', process: 'rpd', signal: 9, core: false }, t + 5 * MIN);
    expect(d.cores).toHaveLength(1);
    expect(d.drain()[0]?.happening).not.toHaveProperty('coreFile');
    // other processes keep their PID
    expect(() => d.apply({ kind: 'crash_process', process: 'nope', signal: 6, core: true }, t)).toThrow(
      /runs no process nope/,
    );
  });
});

// --- GETNEXT order ---------------------------------------------------------------------------

describe('GETNEXT order', () => {
  function expectOrdered(vbs: readonly Varbind[]): void {
    for (let i = 1; i < vbs.length; i += 1) {
      const a = (vbs[i - 1] as Varbind).oid;
      const b = (vbs[i] as Varbind).oid;
      if (!(oidCompare(a, b) < 0)) throw new Error(`not increasing at ${i}: ${a} then ${b}`);
    }
  }

  /** Each cell a GET would serve (no exception), plus cells the device adds beyond the seed. */
  const served = (d: SimDevice, seed: string, now: number) =>
    loadSeed(seed).oids.filter((oid) => !isException(d.get(oid, now))).length;

  it.each(['junos_ex4600mp', 'junos_qfx5100', 'junos', 'junos_mx5t-isis'])(
    '%s: the whole walk is strictly increasing, the seed’s count + snmpEngineBoots',
    (seed) => {
      const d = deviceOf(seed);
      const vbs = walk(d, T0 + MIN);
      expectOrdered(vbs);
      const added = loadSeed(seed).get(SYSTEM.snmpEngineBoots) ? 0 : 1;
      expect(vbs.length).toBe(loadSeed(seed).oids.length + added);
      // from 1.3.6, as snmpwalk starts: everything but LLDP-MIB (1.0.8802), which sorts before it
      const from136 = walk(d, T0 + MIN, '1.3.6');
      expect(from136.length).toBe(
        loadSeed(seed).oids.filter((o) => oidCompare(o, '1.3.6') > 0).length + added,
      );
      expect(from136).toEqual(vbs.filter((vb) => oidCompare(vb.oid, '1.3.6') > 0));
      expect(vbs.filter((vb) => vb.oid === SYSTEM.snmpEngineBoots)).toHaveLength(1);
      // GETNEXT and GET agree on every cell
      for (const vb of vbs) expect(d.get(vb.oid, T0 + MIN)).toEqual(vb.value);
    },
  );

  it('stays ordered and complete across hidden subtrees and inserted OIDs', () => {
    const d = vc({ counters: '32bit' });
    const t = T0 + 10 * MIN;
    d.apply({ kind: 'reboot_member', member: 3, downForMs: 10 * MIN }, t);
    d.apply({ kind: 'partial_walk', forMs: 10 * MIN, missing: ['redundancy', 'alarms'] }, t);
    for (let i = 0; i < 3; i += 1) d.apply({ kind: 'config_change', user: `u${i}`, source: 'cli' }, t + i);
    const now = t + MIN;
    const vbs = walk(d, now);
    expectOrdered(vbs);
    const seed = loadSeed('junos_ex4600mp');
    const inserted32 = [...seed.interfaces.keys()].flatMap((i) =>
      [IF.ifInOctets, IF.ifOutOctets].map((c) => `${c}.${i}`).filter((oid) => !seed.index.has(oid)),
    ).length;
    expect(vbs.length).toBe(served(d, 'junos_ex4600mp', now) + 1 + 9 + inserted32);
    for (const vb of vbs) expect(d.get(vb.oid, now)).toEqual(vb.value);
    expect(vbs.some((vb) => under(vb.oid, VC_ROWS) && vb.oid.endsWith('.3'))).toBe(false);
    // GETNEXT from inside or just before a hidden subtree, or from an OID nobody has, still moves forward
    for (const from of [
      '1.3.6.1.4.1.2636.3.1.14',
      '1.3.6.1.4.1.2636.3.1.14.1.7.9.1.0.0',
      '1.3.6.1.2.1.31.1.1.1.6.999999',
      `${VC_MEMBER.role}.2`,
      '1.3.6.1.4.1.2636.3.18.1.7.1.2.1',
      '1.3.6.1.6.3.10.2.1.1',
    ]) {
      const next = d.next(from, now);
      expect(next && oidCompare(next.oid, from) > 0, from).toBe(true);
      expect(vbs.find((vb) => oidCompare(vb.oid, from) > 0)?.oid, from).toBe(next?.oid);
    }
    expect(d.next('2', now)).toBeUndefined();
    expect(d.next(vbs.at(-1)?.oid ?? '', now)).toBeUndefined();
  });
});

describe('scenario roles at the start', () => {
  it('make the routing engines’ redundancy rows agree (RE 0 master, RE 1 backup), counts as recorded', () => {
    const d = vc(); // roles 0 master, 1 backup over a recording where member 1 is master
    // ex4600mp rows: 9.1.0.0 is "Routing Engine 1", 9.2.0.0 is "Routing Engine 0".
    expect(num(d, `${REDUNDANCY.state}.9.2.0.0`, T0)).toBe(2);
    expect(num(d, `${REDUNDANCY.state}.9.1.0.0`, T0)).toBe(3);
    expect(num(d, `${REDUNDANCY.switchoverCount}.9.1.0.0`, T0)).toBe(
      recorded('junos_ex4600mp', `${REDUNDANCY.switchoverCount}.9.1.0.0`),
    );
  });

  it('leave the recording’s rows alone when the scenario sets no roles', () => {
    const d = deviceOf('junos_ex4600mp');
    expect(num(d, `${REDUNDANCY.state}.9.1.0.0`, T0)).toBe(2);
    expect(num(d, `${REDUNDANCY.state}.9.2.0.0`, T0)).toBe(3);
  });
});

describe('review fixes', () => {
  it('after a 10-minute power loss the host and members count from the last 3 minutes (boot), the agent from its first answer', () => {
    const d = vc();
    d.apply({ kind: 'reboot_device', downForMs: 10 * MIN }, T0);
    const later = T0 + 10 * MIN + 5 * S;
    expect(num(d, SYSTEM.hrSystemUptime, later)).toBe((3 * MIN + 5 * S) / 10);
    expect(num(d, `${VC_MEMBER.uptime}.0`, later)).toBe((3 * MIN + 5 * S) / 1000);
    expect(num(d, SYSTEM.sysUpTime, later)).toBe(500);
  });

  it('a reboot empties the config-change table and restarts its numbering', () => {
    const d = vc();
    d.apply({ kind: 'config_change', user: 'alice', source: 'cli' }, T0);
    d.apply({ kind: 'config_change', user: 'bob', source: 'cli' }, T0 + MIN);
    expect(text(d, `${CONFIG_CHANGE.user}.2`, T0 + 2 * MIN)).toBe('bob');
    d.apply({ kind: 'reboot_device', downForMs: MIN }, T0 + 2 * MIN);
    const back = T0 + 4 * MIN;
    expect(walkUnder(d, back, '1.3.6.1.4.1.2636.3.18.1.7.1')).toEqual([]);
    d.apply({ kind: 'config_change', user: 'carol', source: 'cli' }, back);
    expect(walkUnder(d, back, '1.3.6.1.4.1.2636.3.18.1.7.1').map((vb) => vb.oid.split('.').pop())).toEqual([
      '1',
      '1',
      '1',
    ]);
    expect(text(d, `${CONFIG_CHANGE.user}.1`, back)).toBe('carol');
  });

  it('a link step takes the port’s logical units with it', () => {
    const d = vc();
    const unit = [...d.seed.interfaces.values()].find((i) => i.name === 'et-0/2/0.0');
    if (!unit) throw new Error('the ex4600mp has et-0/2/0.0');
    expect(num(d, `${IF.ifOperStatus}.${unit.ifIndex}`, T0)).toBe(1);
    d.apply({ kind: 'link', interface: 'et-0/2/0', state: 'down' }, T0);
    expect(num(d, `${IF.ifOperStatus}.${unit.ifIndex}`, T0)).toBe(2);
    d.apply({ kind: 'link', interface: 'et-0/2/0', state: 'up' }, T0 + MIN);
    expect(num(d, `${IF.ifOperStatus}.${unit.ifIndex}`, T0 + MIN)).toBe(1);
  });
});
