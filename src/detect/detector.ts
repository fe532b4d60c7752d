import type { Observed } from '../collect/observed.js';
import type { RateResult } from '../collect/rates.js';
import type { PollResult } from '../collect/snapshot.js';
import type { DeviceConfig, TrafficDropSettings } from '../config/types.js';
import { type EventDetails, type EventDraft, SEVERITY } from '../events/event.js';
import type { EventType } from '../events/event-type.js';
import { transitionFact } from '../events/fact-key.js';
import type { DeviceMemory } from './memory.js';

/** Thresholds detectors read (from devices.yaml `detect`, with fixed defaults for the rest). */
export interface DetectSettings {
  readonly trafficDrop: TrafficDropSettings;
  readonly unreachableAfter: number;
  /** How far back the traffic baseline looks; no rate is computed across a longer gap. */
  readonly baselineWindowMs: number;
  /** Polls a watched process may sit not-runnable, or an up port's counters stay frozen. */
  readonly stuckAfter: number;
  /** Share of a group's traffic on one member that counts as imbalance. */
  readonly imbalanceShare: number;
  /**
   * Polls in a row an expected VC member or a watched process must be missing before member_down
   * or process_crash: agents serve partial tables now and then (seen from snmpsim while it
   * restarts), and one bad walk must not page. A process seen under a new PID is a crash at once.
   */
  readonly goneAfter: number;
}

export const DEFAULT_SETTINGS: Omit<DetectSettings, 'trafficDrop' | 'unreachableAfter'> = {
  baselineWindowMs: 15 * 60_000,
  stuckAfter: 3,
  imbalanceShare: 0.95,
  goneAfter: 2,
};

/** Facts derived once per poll and shared by every detector. */
export interface Derived {
  /** The SNMP agent restarted (sysUpTime back, not a wrap, or snmpEngineBoots up). */
  readonly agentRestarted: boolean;
  /** The device itself rebooted: the agent restarted and no independent clock says otherwise. */
  readonly deviceRebooted: boolean;
  readonly rebootWhy: string;
  /**
   * When deviceRebooted: the uptime (s) of the clock that restarted with the device (host or
   * Routing Engine, else sysUpTime), for the boot-epoch fact.
   */
  readonly bootUptimeS: number | undefined;
  /**
   * The device's boot epoch (`boot=…`, wall time minus uptime, to the minute), fixed at the first
   * poll and at each reboot and kept in memory: it tells one boot's facts (a crash of PID 1234, a
   * switchover count of 3) from the next boot's, where PIDs and counts repeat.
   */
  readonly bootEpoch: string | undefined;
  /**
   * The agent restarted but this poll carries none of the independent clocks earlier polls had
   * (a partial walk): whether the device rebooted is judged on the next poll that has them.
   * The reason, while undecided.
   */
  readonly restartPending: string | undefined;
  /** Rates against the previous snapshot; undefined when there is none. */
  readonly rates: RateResult | undefined;
}

export interface DetectContext {
  readonly device: DeviceConfig;
  readonly prev: DeviceMemory;
  /** The previous successful poll, compacted (observed.ts), if any. */
  readonly before: Observed | undefined;
  /** This poll, compacted the same way: what detectors compare `before` against. */
  readonly current: Observed | undefined;
  readonly result: PollResult;
  readonly now: number;
  readonly settings: DetectSettings;
  readonly derived: Derived;
}

export interface Detection {
  readonly events: readonly EventDraft[];
  readonly memory: Partial<DeviceMemory>;
}

/** A detector: pure, no clock, no logging. It owns a slice of DeviceMemory and returns it. */
export type Detector = (ctx: DetectContext) => Detection;

export const nothing: Detection = { events: [], memory: {} };

export function draft(
  ctx: DetectContext,
  type: EventType,
  summary: string,
  details: EventDetails,
  overrides: {
    readonly time?: number;
    readonly severity?: EventDraft['severity'];
    /** The fact's name when it is not "this thing changed at this time" (see events/fact-key.ts). */
    readonly fact?: string;
  } = {},
): EventDraft {
  const time = overrides.time ?? (ctx.result.ok ? ctx.result.snapshot.time : ctx.result.time);
  return {
    time,
    device: ctx.device.name,
    site: ctx.device.site,
    type,
    severity: overrides.severity ?? SEVERITY[type],
    source: 'poll',
    summary,
    details,
    fact: overrides.fact ?? transitionFact(details, time),
  };
}

/** `EX4300-48MP, XR0123456790`: how a member is named in summaries. */
export function describeMember(model: string, serial: string): string {
  const parts = [model.toUpperCase(), serial].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
