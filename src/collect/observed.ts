import type { Alarms, ProcessSample, RedundancyRow, Snapshot, Supported, VcMember } from './snapshot.js';

/**
 * The compact "previous poll" a device's memory keeps between polls: only what detectors and
 * rates compare against, never names/aliases/speeds or tables no detector reads. Plain JSON-able
 * data (bigint counters allowed): it is persisted with the memory (a few KB, not the ~90 KB
 * Snapshot of an 854-interface virtual chassis).
 */

export interface ObservedClocks {
  /** sysUpTime, centiseconds (the SNMP agent's clock; wraps at 2^32). */
  readonly upTimeCs: number;
  readonly engineBoots: number | undefined;
  readonly engineTimeS: number | undefined;
  /** hrSystemUptime, centiseconds: the host's clock. */
  readonly hostUpTimeCs: number | undefined;
  /** Routing Engine index → jnxOperatingUpTime (centiseconds); only rows with a usable value. */
  readonly reUpTimesCs: Readonly<Record<string, number>>;
}

export interface ObservedInterface {
  readonly index: number;
  readonly name: string;
  readonly adminUp: boolean | undefined;
  readonly operUp: boolean | undefined;
  readonly inOctets: bigint | undefined;
  readonly outOctets: bigint | undefined;
  readonly counterBits: 64 | 32 | undefined;
  readonly discontinuityCs: number | undefined;
  /**
   * ifHighSpeed (Mbit/s), a static column, for 32-bit counters only: how many times the counter
   * can wrap between two polls.
   */
  readonly speedMbps?: number | undefined;
}

export type ObservedMember = Pick<VcMember, 'id' | 'role' | 'serial' | 'model' | 'uptimeS'>;
export type ObservedRedundancy = Pick<
  RedundancyRow,
  'index' | 'state' | 'switchoverCount' | 'reason' | 'descr'
>;

export interface Observed {
  /** When the poll finished (ms, the poller's wall clock): event stamps. */
  readonly time: number;
  /**
   * The same moment on the monotonic clock (`Snapshot.monoMs`), when the poll had it: rate
   * denominators, gaps and windows, which a wall-clock step must not bend. Absent in old memory.
   */
  readonly monoMs?: number | undefined;
  readonly clocks: ObservedClocks;
  readonly interfaces: Supported<readonly ObservedInterface[]>;
  readonly vcMembers: Supported<readonly ObservedMember[]>;
  readonly redundancy: Supported<readonly ObservedRedundancy[]>;
  readonly alarms: Supported<Alarms>;
  /** Rows of watched processes only. */
  readonly processes: Supported<readonly ProcessSample[]>;
}

/**
 * Milliseconds between two observations: on the monotonic clock when both carry it (a wall-clock
 * step between them changes nothing), else on the wall clock (old memory, hand-made snapshots).
 */
export function elapsedMs(
  before: Pick<Observed, 'time' | 'monoMs'>,
  now: Pick<Observed, 'time' | 'monoMs'>,
): number {
  return before.monoMs !== undefined && now.monoMs !== undefined
    ? now.monoMs - before.monoMs
    : now.time - before.time;
}

const mapSupported = <T, U>(s: Supported<readonly T[]>, f: (t: T) => U): Supported<readonly U[]> =>
  s.supported ? { supported: true, value: s.value.map(f) } : { supported: false };

/**
 * The compact observation of a snapshot. Pure. `watch` limits the process rows kept to watched
 * names (all rows when omitted: a legacy memory does not know the device's watch list).
 */
export function observedOf(snapshot: Snapshot, watch?: readonly string[]): Observed {
  const re: Record<string, number> = {};
  if (snapshot.routingEngines?.supported)
    for (const r of snapshot.routingEngines.value) if (r.upTimeCs !== undefined) re[r.index] = r.upTimeCs;
  const processes = snapshot.processes;
  return {
    time: snapshot.time,
    monoMs: snapshot.monoMs,
    clocks: {
      upTimeCs: snapshot.system.upTimeCs,
      engineBoots: snapshot.system.engineBoots,
      engineTimeS: snapshot.system.engineTimeS,
      hostUpTimeCs: snapshot.system.hostUpTimeCs,
      reUpTimesCs: re,
    },
    interfaces: mapSupported(snapshot.interfaces, (i) => ({
      index: i.index,
      name: i.name,
      adminUp: i.adminUp,
      operUp: i.operUp,
      inOctets: i.inOctets,
      outOctets: i.outOctets,
      counterBits: i.counterBits,
      discontinuityCs: i.discontinuityCs,
      // Only 32-bit counters need it (rates.ts); kept off the rest to keep the memory compact.
      speedMbps: i.counterBits === 32 ? i.speedMbps : undefined,
    })),
    vcMembers: mapSupported(snapshot.vcMembers, (m) => ({
      id: m.id,
      role: m.role,
      serial: m.serial,
      model: m.model,
      uptimeS: m.uptimeS,
    })),
    redundancy: mapSupported(snapshot.redundancy, (r) => ({
      index: r.index,
      state: r.state,
      switchoverCount: r.switchoverCount,
      reason: r.reason,
      descr: r.descr,
    })),
    alarms: snapshot.alarms,
    processes:
      processes.supported && watch
        ? { supported: true, value: processes.value.filter((p) => watch.includes(p.name)) }
        : processes,
  };
}
