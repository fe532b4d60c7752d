import { CONFIG_CHANGE, IF, REDUNDANCY, SYSTEM, VC_MEMBER } from '../collect/oids.js';
import { compareOids, isUnder, type SnmpValue, type Varbind } from '../snmp/types.js';
import type { Happening, StampedHappening } from './happening.js';
import type { FleetDevice, MemberRole, PartialTable, StepAction } from './scenario/types.js';
import { Moving, type Seed, type SeedInterface } from './seed.js';
import { diurnalFactor, hashOf, octetsBetween, prng } from './traffic.js';

/**
 * One simulated Junos switch: a shared, read-only seed recording plus this device's state —
 * clocks, interface counters, VC roles and presence, processes, and whether it answers at all.
 * Reads are lazy functions of the scenario time passed in (nothing ticks): a counter read at any
 * moment is exact, so a 60× clock costs no more CPU than a 1× one. Steps change state and record
 * happenings (traps and syslog lines to be); transitions that complete later (a reboot's return)
 * are due times checked on every read and every `advance`.
 */

const ROLE_CODE = { master: 1, backup: 2, linecard: 3 } as const satisfies Record<MemberRole, number>;
const ROLE_OF: Readonly<Record<number, MemberRole>> = { 1: 'master', 2: 'backup', 3: 'linecard' };
const VC_ROWS = '1.3.6.1.4.1.2636.3.40.1.4.1.1.1';
const HC_COLUMNS = [6, 7, 8, 9, 10, 11, 12, 13].map((c) => `1.3.6.1.2.1.31.1.1.1.${c}`);
const PARTIAL_SUBTREES = {
  vc: [VC_ROWS],
  interfaces: ['1.3.6.1.2.1.31.1.1.1'],
  redundancy: ['1.3.6.1.4.1.2636.3.1.14.1'],
  alarms: ['1.3.6.1.4.1.2636.3.4.2'],
} as const satisfies Record<PartialTable, readonly string[]>;
const CONFIG_SOURCE_CODE: Readonly<Record<string, number>> = { other: 1, cli: 2, junoscript: 3, snmp: 5 };
const PHYSICAL = /^(ge|xe|et|mge|fe|ce|te)-\d+\//;
const U32 = 2 ** 32;
const U64 = 1n << 64n;
const OCTETS_PER_PACKET = 700;
/** How long a Junos switch takes from power to its SNMP agent answering. */
const BOOT_MS = 3 * 60_000;
const CONFIG_CHANGE_TABLE = '1.3.6.1.4.1.2636.3.18.1.7.1';

interface IfState {
  readonly seed: SeedInterface;
  oper: boolean;
  readonly admin: boolean;
  /** Octets at `anchorMs`; counters read as anchor + ∫ rate since. */
  inBase: bigint;
  outBase: bigint;
  anchorMs: number;
  /** Bytes per second in each direction at factor 1 (0 for logical units, aggregates, VC ports). */
  readonly baseRate: number;
  factor: number;
  frozen: boolean;
  /** The process whose stall froze the port (its restart unfreezes it). */
  stalledBy: string | undefined;
  /** Packet counters: packets at the counter origin, and the octets then (a reboot zeroes both). */
  inPktsBase: bigint;
  outPktsBase: bigint;
  inOrigin: bigint;
  outOrigin: bigint;
}

interface ProcessState {
  pid: number;
  running: boolean;
}

export interface CoreDump {
  readonly file: string;
  readonly process: string;
  readonly timeMs: number;
}

export interface SimDeviceOptions {
  readonly fleet: FleetDevice;
  readonly seed: Seed;
  /** Scenario time at which the device starts: the recording's clocks read their values then. */
  readonly startMs: number;
}

export class SimDevice {
  readonly name: string;
  readonly seed: Seed;
  readonly fleet: FleetDevice;
  readonly cores: CoreDump[] = [];
  /** Requests answered / ignored (silent, dropped, down), for the progress line and benchmarks. */
  answered = 0;
  ignored = 0;

  /** Scenario time at which each clock read 0. */
  #agentStart: number;
  #engineStart: number;
  #hostStart: number;
  readonly #reStart = new Map<string, number>();
  readonly #memberStart = new Map<number, number>();
  #engineBoots: number;
  /** Cell values that differ from the seed (null: the cell is gone); OIDs the seed lacks are in #extra. */
  readonly #overrides = new Map<string, SnmpValue | null>();
  #extra: string[] = [];
  readonly #hidden: string[] = [];
  readonly #ifs = new Map<number, IfState>();
  readonly #byName = new Map<string, number>();
  readonly #roles = new Map<number, MemberRole>();
  readonly #absent = new Set<number>();
  readonly #processes = new Map<string, ProcessState>();
  #factor = 1;
  readonly #groupFactors = new Map<string, number>();
  #silentUntil = -Infinity;
  #downUntil = -Infinity;
  #dropUntil = -Infinity;
  #dropRatio = 0;
  readonly #random: () => number;
  #partialUntil = -Infinity;
  #partial: readonly string[] = [];
  #configIndex = 0;
  readonly #due: { atMs: number; run: (now: number) => void }[] = [];
  readonly #happened: StampedHappening[] = [];

  constructor({ fleet, seed, startMs }: SimDeviceOptions) {
    this.name = fleet.name;
    this.seed = seed;
    this.fleet = fleet;
    this.#random = prng(hashOf(fleet.name));
    const num = (oid: string): number | undefined => {
      const v = seed.get(oid);
      return v && (v.type === 'int' || v.type === 'timeticks') ? v.value : undefined;
    };
    const sysUp = num(SYSTEM.sysUpTime) ?? 0;
    this.#agentStart = startMs - sysUp * 10;
    this.#engineStart = startMs - (num(SYSTEM.snmpEngineTime) ?? sysUp / 100) * 1000;
    this.#hostStart = startMs - (num(SYSTEM.hrSystemUptime) ?? sysUp) * 10;
    this.#engineBoots = num(SYSTEM.snmpEngineBoots) ?? 1;
    if (!seed.get(SYSTEM.snmpEngineBoots))
      this.#insert(SYSTEM.snmpEngineBoots, { type: 'int', value: this.#engineBoots });
    for (const [i, row] of seed.reRows) {
      const v = seed.values[i];
      this.#reStart.set(row, startMs - (v?.type === 'int' || v?.type === 'timeticks' ? v.value : 0) * 10);
    }
    for (const member of seed.members) {
      this.#memberStart.set(member, startMs - (num(`${VC_MEMBER.uptime}.${member}`) ?? 0) * 1000);
      const role = ROLE_OF[num(`${VC_MEMBER.role}.${member}`) ?? 3] ?? 'linecard';
      this.#roles.set(member, role);
    }
    for (const [member, role] of fleet.roles) this.#setRole(member, role);
    this.#lastMaster = this.#master();
    // Roles set by the scenario: the routing engines' redundancy rows agree with them (the
    // switchover counts stay as recorded).
    if (fleet.roles.size > 0)
      for (const row of seed.redundancy) {
        const role = row.re === undefined ? undefined : this.#roles.get(row.re);
        if (role === 'master' || role === 'backup')
          this.#override(`${REDUNDANCY.state}.${row.index}`, {
            type: 'int',
            value: role === 'master' ? 2 : 3,
          });
      }
    this.#override(SYSTEM.sysName, { type: 'octets', value: Buffer.from(fleet.name) });
    if (fleet.counters === '32bit') this.#hidden.push(...HC_COLUMNS);
    for (const [ifIndex, s] of seed.interfaces) {
      const physical = PHYSICAL.test(s.name) && !s.name.includes('.');
      this.#ifs.set(ifIndex, {
        seed: s,
        oper: s.operUp,
        admin: s.adminUp,
        inBase: s.inOctets,
        outBase: s.outOctets,
        anchorMs: startMs,
        baseRate: physical ? (fleet.traffic.utilisation * s.highSpeed * 1e6) / 8 : 0,
        factor: 1,
        frozen: false,
        stalledBy: undefined,
        inPktsBase: s.inPkts,
        outPktsBase: s.outPkts,
        inOrigin: s.inOctets,
        outOrigin: s.outOctets,
      });
      this.#byName.set(s.name, ifIndex);
      // A 32-bit-only device serves ifInOctets/ifOutOctets on every interface, moving like the
      // HC counters (the recordings hold them for a few interfaces only).
      if (fleet.counters === '32bit')
        for (const [column, kind] of [
          [IF.ifInOctets, Moving.inOctets],
          [IF.ifOutOctets, Moving.outOctets],
        ] as const) {
          const oid = `${column}.${ifIndex}`;
          if (seed.index.has(oid)) continue;
          this.#moving32.set(oid, { kind, ifIndex });
          this.#overrides.set(oid, { type: 'counter32', value: 0 });
          this.#extra.push(oid);
        }
    }
    this.#extra.sort(compareOids);
    let pid = 1000 + (hashOf(fleet.name) % 50_000);
    for (const process of fleet.processes) {
      pid += 1 + (hashOf(process) % 97);
      this.#processes.set(process, { pid, running: true });
    }
  }

  // --- reading --------------------------------------------------------------------------------

  /** Whether anything answers at all at `now` (not rebooting, not silent): no counting, no drops. */
  reachable(now: number): boolean {
    this.advance(now);
    return now >= this.#silentUntil && now >= this.#downUntil;
  }

  /** Whether the agent answers a request at `now` (counts it either way). */
  answers(now: number): boolean {
    this.advance(now);
    const quiet =
      now < this.#silentUntil ||
      now < this.#downUntil ||
      (now < this.#dropUntil && this.#random() < this.#dropRatio);
    if (quiet) this.ignored += 1;
    else this.answered += 1;
    return !quiet;
  }

  get(oid: string, now: number): SnmpValue {
    this.advance(now);
    if (this.#isHidden(oid, now)) return { type: 'noSuchInstance' };
    const i = this.seed.index.get(oid);
    const override = this.#overrides.get(oid);
    if (override === null) return { type: 'noSuchInstance' };
    if (override) return this.#extraValue(oid, override, now);
    if (i === undefined) return { type: 'noSuchObject' };
    return this.#value(i, now);
  }

  /** The next cell after `oid` in OID order (GETNEXT), or undefined at the end of the MIB view. */
  next(oid: string, now: number): Varbind | undefined {
    this.advance(now);
    const { oids, index } = this.seed;
    // A walk asks for the cell after the one it was just given, nearly always a seed row: one map
    // lookup instead of a binary search of numeric OID compares (half the simulator's CPU).
    const at = index.get(oid);
    let i = at === undefined ? firstAfter(oids, oid) : at + 1;
    while (i < oids.length) {
      const candidate = oids[i] as string;
      const hidden = this.#hiddenRoot(candidate, now);
      if (hidden !== undefined) i = firstAfterSubtree(oids, hidden, i);
      else if (this.#overrides.get(candidate) === null) i += 1;
      else break;
    }
    const fromSeed = oids[i];
    let fromExtra: string | undefined;
    for (let j = firstAfter(this.#extra, oid); j < this.#extra.length && fromExtra === undefined; j += 1) {
      const o = this.#extra[j] as string;
      if (this.#hiddenRoot(o, now) === undefined && this.#overrides.get(o) !== null) fromExtra = o;
    }
    if (fromSeed === undefined && fromExtra === undefined) return undefined;
    if (fromExtra !== undefined && (fromSeed === undefined || compareOids(fromExtra, fromSeed) < 0))
      return { oid: fromExtra, value: this.get(fromExtra, now) };
    const override = this.#overrides.get(fromSeed as string);
    return {
      oid: fromSeed as string,
      value: override ? this.#extraValue(fromSeed as string, override, now) : this.#value(i, now),
    };
  }

  #isHidden(oid: string, now: number): boolean {
    return this.#hiddenRoot(oid, now) !== undefined;
  }

  #hiddenRoot(oid: string, now: number): string | undefined {
    for (const root of this.#hidden) if (oid === root || isUnder(oid, root)) return root;
    if (now < this.#partialUntil)
      for (const root of this.#partial) if (oid === root || isUnder(oid, root)) return root;
    return undefined;
  }

  /** The value of seed row `i` at `now`: the recording's, or its moving counterpart. */
  #value(i: number, now: number): SnmpValue {
    const base = this.seed.values[i] as SnmpValue;
    const kind = this.seed.kinds[i] as number;
    if (kind === Moving.none) return base;
    const key = this.seed.keys[i] as number;
    switch (kind) {
      case Moving.sysUpTime:
        return { type: 'timeticks', value: this.uptimeCs(now) };
      case Moving.engineTime:
        return { type: 'int', value: Math.floor((now - this.#engineStart) / 1000) };
      case Moving.engineBoots:
        return { type: 'int', value: this.#engineBoots };
      case Moving.hostUptime:
        return { type: 'timeticks', value: Math.floor((now - this.#hostStart) / 10) % U32 };
      case Moving.reUptime: {
        const start = this.#reStart.get(this.seed.reRows.get(i) ?? '') ?? this.#hostStart;
        return {
          type: base.type === 'timeticks' ? 'timeticks' : 'int',
          value: Math.min(2 ** 31 - 1, Math.floor((now - start) / 10)),
        };
      }
      case Moving.memberUptime:
        return {
          type: 'int',
          value: Math.floor((now - (this.#memberStart.get(key) ?? this.#hostStart)) / 1000),
        };
      default:
        return this.#counter(kind, key, base, now);
    }
  }

  #counter(kind: number, ifIndex: number, base: SnmpValue, now: number): SnmpValue {
    const s = this.#ifs.get(ifIndex);
    if (!s) return base;
    const inbound =
      kind === Moving.hcInOctets ||
      kind === Moving.inOctets ||
      kind === Moving.hcInPkts ||
      kind === Moving.inPkts;
    let octets = this.#octets(s, inbound, now);
    if (kind >= Moving.hcInPkts) {
      const start = inbound ? s.inOrigin : s.outOrigin;
      const pkts =
        (inbound ? s.inPktsBase : s.outPktsBase) +
        (octets > start ? (octets - start) / BigInt(OCTETS_PER_PACKET) : 0n);
      octets = pkts;
    }
    if (base.type === 'counter64') return { type: 'counter64', value: octets % U64 };
    return { type: 'counter32', value: Number(octets % BigInt(U32)) };
  }

  #rate(s: IfState): number {
    // Anchored while the device is down (a reboot folded every port): nothing moves until it is back.
    if (!s.oper || s.frozen || s.anchorMs < this.#downUntil) return 0;
    let factor = this.#factor * s.factor;
    for (const [group, f] of this.#groupFactors)
      if (this.fleet.interfaceGroups.get(group)?.includes(s.seed.name)) factor *= f;
    return s.baseRate * factor;
  }

  #octets(s: IfState, inbound: boolean, now: number): bigint {
    const base = inbound ? s.inBase : s.outBase;
    const rate = this.#rate(s) * (inbound ? 1 : 0.9);
    return base + BigInt(Math.floor(octetsBetween(rate, this.fleet.traffic.diurnal, s.anchorMs, now)));
  }

  /** Re-anchors a port's counters at `now` before its rate changes (the integral so far is kept). */
  #fold(s: IfState, now: number): void {
    s.inBase = this.#octets(s, true, now);
    s.outBase = this.#octets(s, false, now);
    s.anchorMs = now;
  }

  #foldAll(now: number): void {
    for (const s of this.#ifs.values()) this.#fold(s, now);
  }

  get engineBoots(): number {
    return this.#engineBoots;
  }

  uptimeCs(now: number): number {
    return Math.max(0, Math.floor((now - this.#agentStart) / 10)) % U32;
  }

  #extraValue(oid: string, value: SnmpValue, now: number): SnmpValue {
    if (oid === SYSTEM.snmpEngineBoots) return { type: 'int', value: this.#engineBoots };
    const moving = this.#moving32.get(oid);
    if (moving) return this.#counter(moving.kind, moving.ifIndex, value, now);
    return value;
  }

  /** 32-bit counter cells added beyond the seed (counters: 32bit): OID → kind and ifIndex. */
  readonly #moving32 = new Map<string, { kind: number; ifIndex: number }>();

  // --- state the simulator reports ------------------------------------------------------------

  roles(): ReadonlyMap<number, MemberRole> {
    return new Map([...this.#roles].filter(([m]) => !this.#absent.has(m)));
  }

  processes(): ReadonlyMap<string, Readonly<ProcessState>> {
    return this.#processes;
  }

  /** Device throughput now (bits/s, both directions), for progress lines. */
  throughputBps(now: number): number {
    if (now < this.#downUntil) return 0;
    let bytes = 0;
    for (const s of this.#ifs.values()) bytes += this.#rate(s) * 1.9;
    return bytes * 8 * diurnalFactor(this.fleet.traffic.diurnal, now);
  }

  /** Happenings recorded since the last call, in order. */
  drain(): StampedHappening[] {
    return this.#happened.splice(0);
  }

  /** Runs transitions due by `now` (a reboot's return…). Called on every read and by the runner. */
  advance(now: number): void {
    for (;;) {
      let first = -1;
      this.#due.forEach((d, i) => {
        if (d.atMs <= now && (first < 0 || d.atMs < (this.#due[first] as { atMs: number }).atMs)) first = i;
      });
      if (first < 0) return;
      const [due] = this.#due.splice(first, 1);
      due?.run(due.atMs);
    }
  }

  /** The next due transition's time, or undefined. */
  nextDueMs(): number | undefined {
    return this.#due.length ? Math.min(...this.#due.map((d) => d.atMs)) : undefined;
  }

  #later(atMs: number, run: (now: number) => void): void {
    this.#due.push({ atMs, run });
  }

  #record(now: number, happening: Happening): void {
    this.#happened.push({ device: this.name, timeMs: now, uptimeCs: this.uptimeCs(now), happening });
  }

  // --- steps ----------------------------------------------------------------------------------

  /** Applies one scenario step at scenario time `now`. Unknown interfaces/members throw (a scenario bug). */
  apply(action: StepAction, now: number): void {
    this.advance(now);
    STEPS[action.kind](this, action as never, now);
  }

  /**
   * A member takes a role. Becoming master while no other member is master is a switchover (from
   * the last master); becoming master beside a master is a split brain, which Junos announces
   * with no switchover trap.
   */
  setRole(member: number, role: MemberRole, now: number): void {
    this.#member(member);
    const before = this.#master();
    if (before !== undefined) this.#lastMaster = before;
    this.#setRole(member, role);
    if (role === 'master' && before === undefined && this.#lastMaster !== member)
      this.#switchover(this.#lastMaster, member, now);
    if (role === 'master') this.#lastMaster = member;
  }

  #lastMaster: number | undefined;

  #setRole(member: number, role: MemberRole): void {
    this.#roles.set(member, role);
    this.#override(`${VC_MEMBER.role}.${member}`, { type: 'int', value: ROLE_CODE[role] });
  }

  #master(): number | undefined {
    for (const [m, r] of this.#roles) if (r === 'master' && !this.#absent.has(m)) return m;
    return undefined;
  }

  /** jnxRedundancyTable follows the VC master: the new master's RE row says master, count + 1. */
  #switchover(from: number | undefined, to: number, now: number): void {
    let index: string | undefined;
    let count: number | undefined;
    for (const row of this.seed.redundancy) {
      if (row.re === to) {
        index = row.index;
        // The cell as the device holds it, even while a partial walk hides the table.
        const countOid = `${REDUNDANCY.switchoverCount}.${row.index}`;
        const before = this.#overrides.get(countOid) ?? this.seed.get(countOid);
        count = (before?.type === 'counter32' ? before.value : 0) + 1;
        this.#override(`${REDUNDANCY.state}.${row.index}`, { type: 'int', value: 2 });
        this.#override(`${REDUNDANCY.switchoverCount}.${row.index}`, { type: 'counter32', value: count });
        this.#override(`${REDUNDANCY.switchoverTime}.${row.index}`, {
          type: 'timeticks',
          value: this.uptimeCs(now),
        });
        this.#override(`${REDUNDANCY.switchoverReason}.${row.index}`, { type: 'int', value: 4 });
      } else if (row.re === from) {
        this.#override(`${REDUNDANCY.state}.${row.index}`, { type: 'int', value: 3 });
      }
    }
    this.#record(now, {
      kind: 'switchover',
      from,
      to,
      ...(index !== undefined ? { redundancyIndex: index } : {}),
      ...(count !== undefined ? { switchoverCount: count } : {}),
    });
  }

  crash(process: string, signal: number, core: boolean, now: number): void {
    const p = this.#process(process);
    p.running = false;
    const member = this.#master() ?? 0;
    const coreFile = core
      ? `/var/crash/core.${process}.fpc${member}.${Math.floor(now / 1000)}.${p.pid}.gz`
      : undefined;
    if (coreFile) this.cores.push({ file: coreFile, process, timeMs: now });
    this.#record(now, {
      kind: 'process_crash',
      process,
      pid: p.pid,
      signal,
      ...(coreFile ? { coreFile } : {}),
    });
  }

  restartProcess(process: string, now: number): void {
    const p = this.#process(process);
    p.pid += 1 + (hashOf(`${process}${now}`) % 400);
    p.running = true;
    for (const s of this.#ifs.values())
      if (s.stalledBy === process) {
        this.#fold(s, now);
        s.frozen = false;
        s.stalledBy = undefined;
      }
    this.#record(now, { kind: 'process_start', process, pid: p.pid });
  }

  stall(process: string, interfaces: readonly string[], now: number): void {
    for (const name of interfaces) {
      const s = this.#if(name);
      this.#fold(s, now);
      s.frozen = true;
      s.stalledBy = process;
    }
  }

  traffic(factor: number, scope: { interface?: string; group?: string }, now: number): void {
    this.#foldAll(now);
    if (scope.interface !== undefined) this.#if(scope.interface).factor = factor;
    else if (scope.group !== undefined) this.#groupFactors.set(scope.group, factor);
    else this.#factor = factor;
  }

  /** A cable plugged or pulled: the port and its logical units (`et-0/2/0.0`) change together. */
  link(name: string, up: boolean, now: number): void {
    this.#setOper(this.#if(name), up, now);
    // The units follow silently: the port's linkUp/linkDown is the announcement.
    for (const unit of this.#ifs.values())
      if (unit.seed.name.startsWith(`${name}.`) && unit.admin) this.#setOper(unit, up, now, false);
  }

  #setOper(s: IfState, up: boolean, now: number, announce = true): void {
    if (s.oper === up) return;
    this.#fold(s, now);
    s.oper = up;
    this.#override(`${IF.ifOperStatus}.${s.seed.ifIndex}`, { type: 'int', value: up ? 1 : 2 });
    if (announce)
      this.#record(now, { kind: 'link', ifIndex: s.seed.ifIndex, ifName: s.seed.name, up, adminUp: s.admin });
  }

  /** The config-change table lives in memory: a reboot empties it and restarts its numbering. */
  #clearConfigChanges(): void {
    const rows = this.#extra.filter((oid) => isUnder(oid, CONFIG_CHANGE_TABLE));
    if (rows.length === 0) return;
    this.#extra = this.#extra.filter((oid) => !isUnder(oid, CONFIG_CHANGE_TABLE));
    for (const oid of rows) this.#overrides.delete(oid);
    this.#configIndex = 0;
  }

  configChange(user: string, source: string, now: number): void {
    this.#configIndex += 1;
    const i = this.#configIndex;
    this.#insert(`${CONFIG_CHANGE.time}.${i}`, { type: 'timeticks', value: this.uptimeCs(now) });
    this.#insert(`${CONFIG_CHANGE.source}.${i}`, { type: 'int', value: CONFIG_SOURCE_CODE[source] ?? 1 });
    this.#insert(`${CONFIG_CHANGE.user}.${i}`, { type: 'octets', value: Buffer.from(user) });
    this.#record(now, { kind: 'config_commit', user, source });
  }

  rebootMember(member: number, downForMs: number, now: number): void {
    this.#member(member);
    const role = this.#roles.get(member) ?? 'linecard';
    const ports = [...this.#ifs.values()].filter(
      (s) => memberOf(s.seed.name) === member && s.oper && s.admin,
    );
    this.#record(now, { kind: 'vccp_adjdown', member });
    this.#absent.add(member);
    for (let col = 2; col <= 12; col += 1) this.#hideCell(`${VC_ROWS}.${col}.${member}`);
    this.#record(now, { kind: 'member_down', member, role, ...this.#memberFacts(member) });
    for (const s of ports) this.#setOper(s, false, now);
    if (role === 'master') {
      const backup = [...this.#roles].find(([m, r]) => r === 'backup' && !this.#absent.has(m))?.[0];
      if (backup !== undefined) {
        this.#setRole(backup, 'master');
        this.#switchover(member, backup, now);
        this.#setRole(member, 'backup');
      }
    }
    this.#later(now + downForMs, (at) => {
      this.#absent.delete(member);
      for (let col = 2; col <= 12; col += 1) this.#unhideCell(`${VC_ROWS}.${col}.${member}`);
      this.#memberStart.set(member, at - Math.min(downForMs, 60_000));
      this.#record(at, {
        kind: 'member_up',
        member,
        role: this.#roles.get(member) ?? 'linecard',
        ...this.#memberFacts(member),
      });
      for (const s of ports) this.#setOper(s, true, at);
    });
  }

  #memberFacts(member: number): { serial: string; model: string } {
    const text = (oid: string) => {
      const v = this.seed.get(oid);
      return v?.type === 'octets' ? v.value.toString('utf8') : '';
    };
    return { serial: text(`${VC_MEMBER.serial}.${member}`), model: text(`${VC_MEMBER.model}.${member}`) };
  }

  rebootDevice(downForMs: number, now: number): void {
    this.#foldAll(now);
    this.#downUntil = now + downForMs;
    this.#later(now + downForMs, (at) => {
      // Power came back and the box booted for the last BOOT_MS of the outage (or all of a short
      // one): the host, its REs and members count from then, the SNMP agent from its first answer.
      const booted = at - Math.min(downForMs, BOOT_MS);
      this.#hostStart = booted;
      for (const row of this.#reStart.keys()) this.#reStart.set(row, booted);
      for (const m of this.#memberStart.keys()) this.#memberStart.set(m, booted);
      this.#clearConfigChanges();
      this.#agentStart = at;
      this.#engineStart = at;
      this.#engineBoots += 1;
      for (const s of this.#ifs.values()) {
        s.inBase = 0n;
        s.outBase = 0n;
        s.anchorMs = at;
        s.inPktsBase = 0n;
        s.outPktsBase = 0n;
        s.inOrigin = 0n;
        s.outOrigin = 0n;
        s.frozen = false; // every daemon restarted
        s.stalledBy = undefined;
      }
      for (const row of this.seed.redundancy)
        this.#override(`${REDUNDANCY.switchoverCount}.${row.index}`, { type: 'counter32', value: 0 });
      for (const p of this.#processes.values()) {
        p.pid = 1000 + (hashOf(`${this.name}${at}`) % 5000) + (p.pid % 97);
        p.running = true;
      }
      this.#record(at, { kind: 'cold_start' });
    });
  }

  restartAgent(downForMs: number, now: number): void {
    this.#silentUntil = Math.max(this.#silentUntil, now + downForMs);
    this.#later(now + downForMs, (at) => {
      this.#agentStart = at;
      this.#engineStart = at;
      this.#engineBoots += 1;
      this.#record(at, { kind: 'agent_restart' });
    });
  }

  stopAnswering(forMs: number | undefined, now: number): void {
    this.#silentUntil = forMs === undefined ? Infinity : Math.max(this.#silentUntil, now + forMs);
  }

  dropPolls(ratio: number, forMs: number, now: number): void {
    this.#dropRatio = ratio;
    this.#dropUntil = now + forMs;
  }

  partialWalk(missing: readonly PartialTable[], forMs: number, now: number): void {
    this.#partial = missing.flatMap((t) => PARTIAL_SUBTREES[t]);
    this.#partialUntil = now + forMs;
  }

  // --- helpers ------------------------------------------------------------------------------

  #if(name: string): IfState {
    const ifIndex = this.#byName.get(name);
    const s = ifIndex === undefined ? undefined : this.#ifs.get(ifIndex);
    if (!s)
      throw new Error(
        `${this.name} has no interface ${name} (its recording ${this.seed.name} does not list it)`,
      );
    return s;
  }

  #member(member: number): void {
    if (!this.#roles.has(member))
      throw new Error(
        `${this.name} has no VC member ${member} (members: ${[...this.#roles.keys()].join(', ') || 'none'})`,
      );
  }

  #process(name: string): ProcessState {
    const p = this.#processes.get(name);
    if (!p)
      throw new Error(
        `${this.name} runs no process ${name} (fleet processes: ${[...this.#processes.keys()].join(', ')})`,
      );
    return p;
  }

  #override(oid: string, value: SnmpValue): void {
    // A hidden cell (an absent member's row) takes the value when it comes back.
    if (this.#overrides.get(oid) === null) this.#stash.set(oid, value);
    else if (this.seed.index.has(oid)) this.#overrides.set(oid, value);
    else this.#insert(oid, value);
  }

  #insert(oid: string, value: SnmpValue): void {
    if (!this.#overrides.has(oid) && !this.seed.index.has(oid)) {
      this.#extra.push(oid);
      this.#extra.sort(compareOids);
    }
    this.#overrides.set(oid, value);
  }

  #hideCell(oid: string): void {
    if (this.seed.index.has(oid) || this.#overrides.has(oid)) {
      const current = this.#overrides.get(oid);
      if (current) this.#stash.set(oid, current);
      this.#overrides.set(oid, null);
    }
  }

  #unhideCell(oid: string): void {
    const stashed = this.#stash.get(oid);
    this.#stash.delete(oid);
    if (stashed) this.#overrides.set(oid, stashed);
    else this.#overrides.delete(oid);
  }

  readonly #stash = new Map<string, SnmpValue>();
}

/** The VC member (FPC) a Junos port name belongs to: `ge-2/0/29` → 2. */
function memberOf(name: string): number | undefined {
  const m = /^[a-z]+-(\d+)\//.exec(name);
  return m ? Number(m[1]) : undefined;
}

type StepOf<K extends StepAction['kind']> = Extract<StepAction, { kind: K }>;

/** One implementation per step kind (explicit registry: a new kind fails to compile until added). */
const STEPS = {
  set_role: (d, a, now) => d.setRole(a.member, a.role, now),
  crash_process: (d, a, now) => d.crash(a.process, a.signal, a.core, now),
  restart_process: (d, a, now) => d.restartProcess(a.process, now),
  stall_process: (d, a, now) => d.stall(a.process, a.interfaces, now),
  traffic: (d, a, now) =>
    d.traffic(
      a.factor,
      {
        ...(a.interface !== undefined ? { interface: a.interface } : {}),
        ...(a.group !== undefined ? { group: a.group } : {}),
      },
      now,
    ),
  link: (d, a, now) => d.link(a.interface, a.state === 'up', now),
  config_change: (d, a, now) => d.configChange(a.user, a.source, now),
  reboot_member: (d, a, now) => d.rebootMember(a.member, a.downForMs, now),
  reboot_device: (d, a, now) => d.rebootDevice(a.downForMs, now),
  restart_agent: (d, a, now) => d.restartAgent(a.downForMs, now),
  stop_answering: (d, a, now) => d.stopAnswering(a.forMs, now),
  drop_polls: (d, a, now) => d.dropPolls(a.ratio, a.forMs, now),
  partial_walk: (d, a, now) => d.partialWalk(a.missing, a.forMs, now),
} satisfies { [K in StepAction['kind']]: (d: SimDevice, a: StepOf<K>, now: number) => void };

/** Index of the first OID that sorts after `oid`. */
function firstAfter(oids: readonly string[], oid: string): number {
  let lo = 0;
  let hi = oids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOids(oids[mid] as string, oid) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first OID at or after `from` that lies outside the subtree `root`. */
function firstAfterSubtree(oids: readonly string[], root: string, from: number): number {
  let lo = from;
  let hi = oids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const o = oids[mid] as string;
    if (o === root || isUnder(o, root) || compareOids(o, root) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
