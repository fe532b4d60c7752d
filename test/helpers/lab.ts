import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CollectMemo, collectDevice } from '../../src/collect/collect-device.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { DeviceConfig } from '../../src/config/types.js';
import { detect } from '../../src/detect/detect.js';
import { DEFAULT_SETTINGS, type DetectSettings } from '../../src/detect/detector.js';
import { type DeviceMemory, emptyMemory } from '../../src/detect/memory.js';
import type { EventDraft } from '../../src/events/event.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { memoryWithDefaults, parseStoredJson, serializeMemory } from '../../src/store/memory-codec.js';
import { device, v2c } from './devices.js';

/** A real recording moved through a scenario, cell by cell (tests only). */

export const recordingText = (name: string) =>
  readFileSync(join(import.meta.dirname, `../fixtures/snmprec/${name}.snmprec`), 'utf8');

/**
 * A recording with the interface rows (ifTable, ifXTable) of only these ifIndexes: the ex4600mp
 * has 854, and most tests move the VC and system tables or a few ports (fast polls).
 */
export function trimmedRecording(name: string, keepIfIndexes: readonly number[]): string {
  const keep = new Set(keepIfIndexes.map(String));
  return recordingText(name)
    .split('\n')
    .filter((line) => {
      const m = /^1\.3\.6\.1\.2\.1\.(?:2\.2\.1|31\.1\.1\.1)\.\d+\.(\d+)\|/.exec(line);
      return !m || keep.has(m[1] as string);
    })
    .join('\n');
}

const VC = '1.3.6.1.4.1.2636.3.40.1.4.1.1.1';
const HC_IN = '1.3.6.1.2.1.31.1.1.1.6';
const HC_OUT = '1.3.6.1.2.1.31.1.1.1.10';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const ENGINE_BOOTS = '1.3.6.1.6.3.10.2.1.2.0';
const ENGINE_TIME = '1.3.6.1.6.3.10.2.1.3.0';
const HR_UPTIME = '1.3.6.1.2.1.25.1.1.0';
const RE_UPTIME = '1.3.6.1.4.1.2636.3.1.13.1.13.9';
const RE_ROWS = ['1.0.0', '2.0.0'];

/** ex4600mp ports with HC counters: uplinks et-0/2/0 (994), et-1/2/0 (996); servers ge-0/0/18 (557), mge-2/0/29 (665), mge-2/0/31 (667); mge-0/0/40 (531) is admin-up, oper-down. */
export const PORTS = {
  uplinkA: 994,
  uplinkB: 996,
  server1: 557,
  server2: 665,
  server3: 667,
  newServer: 531,
} as const;

export class Lab {
  rec: SnmprecRecording;

  /**
   * The ex4600mp is served with the interfaces tests move (PORTS and a few more) unless `full`:
   * its 854 interface rows make every poll slow and matter only to tests of walk size.
   */
  constructor(name = 'junos_ex4600mp', options: { readonly full?: boolean } = {}) {
    this.rec = new SnmprecRecording(
      name === 'junos_ex4600mp' && !options.full
        ? trimmedRecording(name, [...Object.values(PORTS), 101, 103, 116, 509, 511, 513])
        : recordingText(name),
    );
  }

  role(member: number, role: 0 | 1 | 2 | 3): this {
    this.rec.set(`${VC}.3.${member}`, '2', String(role));
    return this;
  }
  memberUptime(member: number, seconds: number): this {
    this.rec.set(`${VC}.7.${member}`, '2', String(seconds));
    return this;
  }
  removeMember(member: number): this {
    for (let col = 2; col <= 12; col += 1) this.rec.delete(`${VC}.${col}.${member}`);
    return this;
  }
  redundancyCount(index: string, count: number): this {
    this.rec.set(`1.3.6.1.4.1.2636.3.1.14.1.8.${index}`, '65', String(count));
    return this;
  }
  oper(ifIndex: number, up: boolean): this {
    this.rec.set(`1.3.6.1.2.1.2.2.1.8.${ifIndex}`, '2', up ? '1' : '2');
    return this;
  }
  sysUpTime(cs: number): this {
    this.rec.set(SYS_UPTIME, '67', String(cs));
    return this;
  }
  /** hrSystemUptime, the host clock (centiseconds). */
  hostUptime(cs: number): this {
    this.rec.set(HR_UPTIME, '67', String(cs));
    return this;
  }
  /** jnxOperatingUpTime of every Routing Engine row the recording has (centiseconds). */
  reUptime(cs: number): this {
    for (const row of RE_ROWS)
      if (this.rec.get(`${RE_UPTIME}.${row}`)) this.rec.set(`${RE_UPTIME}.${row}`, '2', String(cs));
    return this;
  }
  /** snmpEngineBoots and snmpEngineTime (what an agent restart resets / bumps). */
  engine(boots: number, timeS: number): this {
    this.rec.set(ENGINE_BOOTS, '2', String(boots)).set(ENGINE_TIME, '2', String(timeS));
    return this;
  }
  engineBoots(): number {
    const v = this.rec.get(ENGINE_BOOTS);
    return v?.type === 'int' ? v.value : 0;
  }
  /** The SNMP agent alone restarted `seconds` ago: its clocks reset, the host's keep counting. */
  agentRestart(seconds: number): this {
    return this.sysUpTime(seconds * 100).engine(this.engineBoots() + 1, seconds);
  }
  /** The whole device rebooted `seconds` ago: every clock it has restarts. */
  reboot(seconds: number): this {
    this.agentRestart(seconds)
      .hostUptime(seconds * 100)
      .reUptime(seconds * 100);
    for (let m = 0; m < 32; m += 1) if (this.rec.get(`${VC}.7.${m}`)) this.memberUptime(m, seconds);
    return this;
  }
  /** A walk that misses these interfaces' HC counters (a partial reply). */
  dropCounters(...ifIndexes: number[]): this {
    for (const i of ifIndexes) this.rec.delete(`${HC_IN}.${i}`).delete(`${HC_OUT}.${i}`);
    return this;
  }
  /** Moves a member to a new id (same serial and everything else): a renumbering. */
  renumber(from: number, to: number): this {
    for (let col = 2; col <= 12; col += 1) {
      const oid = `${VC}.${col}.${from}`;
      const line = this.rec
        .text()
        .split('\n')
        .find((l) => l.startsWith(`${oid}|`));
      if (!line) continue;
      const [, tag, value] = line.split('|');
      this.rec.delete(oid).set(`${VC}.${col}.${to}`, tag ?? '4', value ?? '');
    }
    return this;
  }
  counter(ifIndex: number, inOctets: bigint, outOctets: bigint): this {
    this.rec.set(`${HC_IN}.${ifIndex}`, '70', String(inOctets));
    this.rec.set(`${HC_OUT}.${ifIndex}`, '70', String(outOctets));
    return this;
  }
  /** Adds `seconds` of traffic at `bps` (split evenly in and out) to each port. */
  flow(seconds: number, bps: Readonly<Record<number, number>>): this {
    for (const [ifIndex, rate] of Object.entries(bps)) {
      const octets = BigInt(Math.round((rate / 16) * seconds));
      const inNow = this.rec.get(`${HC_IN}.${ifIndex}`);
      const outNow = this.rec.get(`${HC_OUT}.${ifIndex}`);
      const i = inNow?.type === 'counter64' ? inNow.value : 0n;
      const o = outNow?.type === 'counter64' ? outNow.value : 0n;
      this.counter(Number(ifIndex), i + octets, o + octets);
    }
    return this;
  }
  /** Moves every clock (sysUpTime, engine time, host, RE and member uptimes) on by `seconds`. */
  age(seconds: number): this {
    const up = this.rec.get(SYS_UPTIME);
    if (up?.type === 'timeticks') this.sysUpTime(Math.round(up.value + seconds * 100) % 2 ** 32);
    const host = this.rec.get(HR_UPTIME);
    if (host?.type === 'timeticks') this.hostUptime(Math.round(host.value + seconds * 100) % 2 ** 32);
    for (const row of RE_ROWS) {
      const re = this.rec.get(`${RE_UPTIME}.${row}`);
      if (re?.type === 'int' && re.value < 2 ** 31 - 1)
        this.rec.set(`${RE_UPTIME}.${row}`, '2', String(Math.round(re.value + seconds * 100)));
    }
    this.#memberSeconds += seconds;
    const whole = Math.floor(this.#memberSeconds);
    this.#memberSeconds -= whole;
    if (whole > 0)
      for (let m = 0; m < 32; m += 1) {
        const u = this.rec.get(`${VC}.7.${m}`);
        if (u?.type === 'int') this.memberUptime(m, u.value + whole);
      }
    return this;
  }
  #memberSeconds = 0;
}

export const TEST_SETTINGS: DetectSettings = {
  ...DEFAULT_SETTINGS,
  trafficDrop: {
    dropRatio: 0.5,
    recoverRatio: 0.8,
    minBps: 1_000_000,
    forPolls: 2,
    rebaselineAfterMs: 3_600_000,
  },
  unreachableAfter: 3,
};

/** Polls a lab through the fake SNMP seam and runs detection: one device, a fake clock. */
export class DetectRun {
  readonly fake = new FakeSnmp();
  memory: DeviceMemory;
  readonly events: EventDraft[] = [];
  readonly device: DeviceConfig;
  /** Kept across polls like the poller's, so static columns are cached as in production. */
  memo: CollectMemo = {};
  /** Milliseconds each SNMP request takes on the fake clock (0: instant). */
  requestMs = 0;
  /**
   * Wall time minus monotonic time: `poll(time)` takes `time` on the monotonic clock and stamps
   * the snapshot at `time + wallOffsetMs` (0: one clock). Moving it is a wall-clock step (NTP).
   */
  wallOffsetMs = 0;

  constructor(
    public lab: Lab,
    readonly settings: DetectSettings = TEST_SETTINGS,
    extra: Partial<DeviceConfig> = {},
  ) {
    this.device = { ...device('lab', 161, v2c('x')), ...extra };
    this.fake.set('127.0.0.1', 161, lab.rec.varbinds);
    this.memory = emptyMemory('lab', 0);
  }

  async poll(time: number): Promise<EventDraft[]> {
    const result = await this.collect(time);
    return this.observe(result, time + this.wallOffsetMs);
  }

  /**
   * One collect through the fake seam at monotonic `time`; with requestMs set, each request moves
   * the fake clock.
   */
  async collect(time: number): Promise<PollResult> {
    let t = time;
    this.fake.latency =
      this.requestMs > 0
        ? {
            perRequestMs: this.requestMs,
            now: () => t,
            advance: (ms) => {
              t += ms;
            },
          }
        : undefined;
    return collectDevice({
      device: this.device,
      address: '127.0.0.1',
      connector: this.fake,
      now: () => t + this.wallOffsetMs,
      monotonic: () => t,
      memo: this.memo,
    });
  }

  /** A poll that timed out. */
  fail(time: number): EventDraft[] {
    return this.observe(
      {
        ok: false,
        device: 'lab',
        time,
        durationMs: 2000,
        retryable: true,
        reason: 'timeout',
        message: 'no answer',
      },
      time,
    );
  }

  observe(result: PollResult, time: number): EventDraft[] {
    const outcome = detect(this.device, this.memory, result, time, this.settings);
    this.memory = outcome.memory;
    this.events.push(...outcome.events);
    return [...outcome.events];
  }

  /** netwatch restarts: memory survives through the store, marked as read from disk. */
  restart(): void {
    this.memory = {
      ...(memoryWithDefaults(parseStoredJson(serializeMemory(this.memory)), this.memory.device) ??
        this.memory),
      fromDisk: true,
    };
  }
}

export const types = (events: readonly EventDraft[]) => events.map((e) => e.type);

/** Polls `run` once per step after ageing its lab (and moving `flow` through it); all events. */
export async function pollSteps(
  run: DetectRun,
  from: number,
  n: number,
  stepMs: number,
  flow?: Readonly<Record<number, number>>,
): Promise<EventDraft[]> {
  const events: EventDraft[] = [];
  for (let i = 0; i < n; i += 1) {
    run.lab.age(stepMs / 1000);
    if (flow) run.lab.flow(stepMs / 1000, flow);
    events.push(...(await run.poll(from + i * stepMs)));
  }
  return events;
}
