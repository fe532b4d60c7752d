import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDevice } from '../../src/collect/collect-device.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { DeviceConfig } from '../../src/config/types.js';
import { detect } from '../../src/detect/detect.js';
import { DEFAULT_SETTINGS, type DetectSettings } from '../../src/detect/detector.js';
import { type DeviceMemory, emptyMemory } from '../../src/detect/memory.js';
import type { EventDraft } from '../../src/events/event.js';
import { parseMemory, serializeMemory } from '../../src/journal/state-store.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { device, v2c } from './devices.js';

/** A real recording moved through a scenario, cell by cell (tests only). */

export const recordingText = (name: string) =>
  readFileSync(join(import.meta.dirname, `../fixtures/snmprec/${name}.snmprec`), 'utf8');

const VC = '1.3.6.1.4.1.2636.3.40.1.4.1.1.1';
const HC_IN = '1.3.6.1.2.1.31.1.1.1.6';
const HC_OUT = '1.3.6.1.2.1.31.1.1.1.10';

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

  constructor(name = 'junos_ex4600mp') {
    this.rec = new SnmprecRecording(recordingText(name));
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
    this.rec.set('1.3.6.1.2.1.1.3.0', '67', String(cs));
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
  /** Moves every member's uptime and sysUpTime on by `seconds`, as a live device would. */
  age(seconds: number): this {
    const up = this.rec.get('1.3.6.1.2.1.1.3.0');
    if (up?.type === 'timeticks') this.sysUpTime(Math.round(up.value + seconds * 100) % 2 ** 32);
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
  trafficDrop: { dropRatio: 0.5, recoverRatio: 0.8, minBps: 1_000_000, forPolls: 2 },
  unreachableAfter: 3,
};

/** Polls a lab through the fake SNMP seam and runs detection: one device, a fake clock. */
export class DetectRun {
  readonly fake = new FakeSnmp();
  memory: DeviceMemory;
  readonly events: EventDraft[] = [];
  readonly device: DeviceConfig;

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
    const result = await collectDevice({
      device: this.device,
      address: '127.0.0.1',
      connector: this.fake,
      now: () => time,
      memo: {},
    });
    return this.observe(result, time);
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
    this.memory = { ...parseMemory(serializeMemory(this.memory)), fromDisk: true };
  }
}

export const types = (events: readonly EventDraft[]) => events.map((e) => e.type);
