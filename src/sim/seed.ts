import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IF, RE_UPTIME, REDUNDANCY, SYSTEM, VC_MEMBER } from '../collect/oids.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { SnmprecRecording } from '../snmp/snmprec.js';
import { isUnder, type SnmpValue } from '../snmp/types.js';

/**
 * A real recording parsed once and shared, read-only, by every simulated device seeded from it:
 * 2,000 copies of the 29,521-row EX4300 VC would cost gigabytes; one copy plus per-device state
 * costs kilobytes per device. Cells that move on the simulation clock are tagged with a `Moving`
 * kind and their row key (ifIndex, member id, RE row) so a read is a switch, not a string match.
 */

export const Moving = {
  none: 0,
  sysUpTime: 1,
  engineTime: 2,
  engineBoots: 3,
  hostUptime: 4,
  reUptime: 5,
  memberUptime: 6,
  hcInOctets: 7,
  hcOutOctets: 8,
  inOctets: 9,
  outOctets: 10,
  hcInPkts: 11,
  hcOutPkts: 12,
  inPkts: 13,
  outPkts: 14,
} as const;
export type MovingKind = (typeof Moving)[keyof typeof Moving];

/** Columns whose rows move: column OID → kind. */
const MOVING_COLUMNS: readonly (readonly [string, MovingKind])[] = [
  [IF.ifHCInOctets, Moving.hcInOctets],
  [IF.ifHCOutOctets, Moving.hcOutOctets],
  [IF.ifInOctets, Moving.inOctets],
  [IF.ifOutOctets, Moving.outOctets],
  ['1.3.6.1.2.1.31.1.1.1.7', Moving.hcInPkts], // ifHCInUcastPkts
  ['1.3.6.1.2.1.31.1.1.1.11', Moving.hcOutPkts], // ifHCOutUcastPkts
  ['1.3.6.1.2.1.2.2.1.11', Moving.inPkts], // ifInUcastPkts
  ['1.3.6.1.2.1.2.2.1.17', Moving.outPkts], // ifOutUcastPkts
  [VC_MEMBER.uptime, Moving.memberUptime],
  [RE_UPTIME, Moving.reUptime],
];

const MOVING_SCALARS: ReadonlyMap<string, MovingKind> = new Map([
  [SYSTEM.sysUpTime, Moving.sysUpTime],
  [SYSTEM.snmpEngineTime, Moving.engineTime],
  [SYSTEM.snmpEngineBoots, Moving.engineBoots],
  [SYSTEM.hrSystemUptime, Moving.hostUptime],
]);

export interface SeedInterface {
  readonly ifIndex: number;
  readonly name: string;
  /** Mbit/s (ifHighSpeed), 0 when unknown. */
  readonly highSpeed: number;
  readonly adminUp: boolean;
  readonly operUp: boolean;
  /** Recorded counters (octets, packets) at the start; 0n where the recording has none. */
  readonly inOctets: bigint;
  readonly outOctets: bigint;
  readonly inPkts: bigint;
  readonly outPkts: bigint;
  readonly hasHc: boolean;
}

export interface SeedRedundancyRow {
  /** Index suffix after the column (`9.1.0.0`). */
  readonly index: string;
  /** The member / RE number from the description ("Routing Engine 1" → 1), or undefined. */
  readonly re: number | undefined;
}

export class Seed {
  readonly oids: readonly string[];
  readonly values: readonly SnmpValue[];
  /** Per row: its Moving kind, and the row key (ifIndex, member id; -1 for scalars). */
  readonly kinds: Uint8Array;
  readonly keys: Int32Array;
  /** The RE row suffix of a reUptime cell (`1.0.0`), by row position. */
  readonly reRows: ReadonlyMap<number, string>;
  readonly index: ReadonlyMap<string, number>;
  readonly interfaces: ReadonlyMap<number, SeedInterface>;
  readonly members: readonly number[];
  readonly redundancy: readonly SeedRedundancyRow[];

  constructor(
    readonly name: string,
    text: string,
  ) {
    const rec = new SnmprecRecording(text);
    const varbinds = rec.varbinds;
    this.oids = varbinds.map((v) => v.oid);
    this.values = varbinds.map((v) => v.value);
    this.kinds = new Uint8Array(varbinds.length);
    this.keys = new Int32Array(varbinds.length).fill(-1);
    const reRows = new Map<number, string>();
    const index = new Map<string, number>();
    varbinds.forEach((v, i) => {
      index.set(v.oid, i);
      const scalar = MOVING_SCALARS.get(v.oid);
      if (scalar !== undefined) {
        this.kinds[i] = scalar;
        return;
      }
      for (const [column, kind] of MOVING_COLUMNS) {
        if (!isUnder(v.oid, column)) continue;
        const suffix = v.oid.slice(column.length + 1);
        this.kinds[i] = kind;
        if (kind === Moving.reUptime) reRows.set(i, suffix);
        else this.keys[i] = Number(suffix);
        return;
      }
    });
    this.reRows = reRows;
    this.index = index;
    this.interfaces = this.#interfaces(rec);
    this.members = this.#rowsOf(VC_MEMBER.role).map(Number);
    this.redundancy = this.#rowsOf(REDUNDANCY.state).map((suffix) => {
      const descr = rec.get(`${REDUNDANCY.descr}.${suffix}`);
      const m = descr?.type === 'octets' ? /(\d+)\s*$/.exec(descr.value.toString('utf8')) : null;
      return { index: suffix, re: m ? Number(m[1]) : undefined };
    });
  }

  get(oid: string): SnmpValue | undefined {
    const i = this.index.get(oid);
    return i === undefined ? undefined : this.values[i];
  }

  /** Row suffixes of one column, in OID order. */
  #rowsOf(column: string): string[] {
    return this.oids.filter((oid) => isUnder(oid, column)).map((oid) => oid.slice(column.length + 1));
  }

  #interfaces(rec: SnmprecRecording): Map<number, SeedInterface> {
    const num = (v: SnmpValue | undefined): number =>
      v && (v.type === 'int' || v.type === 'gauge32' || v.type === 'counter32') ? v.value : 0;
    const big = (v: SnmpValue | undefined): bigint =>
      v?.type === 'counter64' ? v.value : v?.type === 'counter32' ? BigInt(v.value) : 0n;
    const out = new Map<number, SeedInterface>();
    for (const suffix of this.#rowsOf(IF.ifOperStatus)) {
      const ifIndex = Number(suffix);
      const name = rec.get(`${IF.ifName}.${suffix}`) ?? rec.get(`${IF.ifDescr}.${suffix}`);
      const hcIn = rec.get(`${IF.ifHCInOctets}.${suffix}`);
      out.set(ifIndex, {
        ifIndex,
        name: name?.type === 'octets' ? name.value.toString('utf8') : `if${ifIndex}`,
        highSpeed: num(rec.get(`${IF.ifHighSpeed}.${suffix}`)),
        adminUp: num(rec.get(`${IF.ifAdminStatus}.${suffix}`)) === 1,
        operUp: num(rec.get(`${IF.ifOperStatus}.${suffix}`)) === 1,
        inOctets: big(hcIn ?? rec.get(`${IF.ifInOctets}.${suffix}`)),
        outOctets: big(rec.get(`${IF.ifHCOutOctets}.${suffix}`) ?? rec.get(`${IF.ifOutOctets}.${suffix}`)),
        inPkts: big(rec.get(`1.3.6.1.2.1.31.1.1.1.7.${suffix}`) ?? rec.get(`1.3.6.1.2.1.2.2.1.11.${suffix}`)),
        outPkts: big(
          rec.get(`1.3.6.1.2.1.31.1.1.1.11.${suffix}`) ?? rec.get(`1.3.6.1.2.1.2.2.1.17.${suffix}`),
        ),
        hasHc: hcIn !== undefined,
      });
    }
    return out;
  }
}

/** The recordings' folder: test/fixtures/snmprec at the package root. */
export function seedsDir(): string {
  return join(PACKAGE_ROOT, 'test/fixtures/snmprec');
}

const cache = new Map<string, Seed>();

/** The seed of that name (`junos_ex4600mp`), parsed once per process. */
export function loadSeed(name: string, dir = seedsDir()): Seed {
  const key = join(dir, name);
  let seed = cache.get(key);
  if (!seed) {
    seed = new Seed(name, readFileSync(join(dir, `${name}.snmprec`), 'utf8'));
    cache.set(key, seed);
  }
  return seed;
}
