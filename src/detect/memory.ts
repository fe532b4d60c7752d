import { type Observed, observedOf } from '../collect/observed.js';
import type { Snapshot } from '../collect/snapshot.js';

export { type Observed, observedOf };

/**
 * What netwatch remembers about one device between polls, and across restarts (state-store.ts).
 * Plain data. Each detector owns its slice and returns the new slice; nothing else writes it.
 */

export interface TrafficMemory {
  /**
   * Recent throughput samples [time ms, bits/s] inside the baseline window, none from a drop. The
   * time is the poll's monotonic time (`Snapshot.monoMs`, wall time when a poll had none): windows
   * are measured on it, so a wall-clock step neither empties nor stretches them.
   */
  readonly samples: readonly (readonly [number, number])[];
  readonly dropped: boolean;
  /** Consecutive polls below the drop (or, while dropped, above the recovery) threshold. */
  readonly streak: number;
  /** First low sample of the current streak: when the outage began (wall time, for stamps). */
  readonly onset: number | undefined;
  /** The same moment on the monotonic time line of `samples`: rebaseline_after counts from it. */
  readonly onsetAt: number | undefined;
  /** While dropped: the first good sample of the current streak, when traffic came back. */
  readonly recovering: number | undefined;
  /** The baseline when the drop was declared; recovery is measured against it. */
  readonly baselineAtDrop: number | undefined;
  readonly lastBps: number | undefined;
  /**
   * The traffic ports (sorted names) the baseline was measured over. A sample that misses any of
   * them is partial (an interface absent from a walk is unknown, not zero) and is not judged.
   */
  readonly ports: readonly string[];
  /** Partial samples in a row; after PARTIAL_RELEARN the port set is taken as changed for real. */
  readonly partial: number;
  /** The first partial sample of the current run: [wall time, monotonic time]. */
  readonly partialSince: readonly [number, number] | undefined;
}

/** A traffic scope with nothing learnt yet (also fills fields added since a memory was stored). */
export const EMPTY_TRAFFIC: TrafficMemory = {
  samples: [],
  dropped: false,
  streak: 0,
  onset: undefined,
  onsetAt: undefined,
  recovering: undefined,
  baselineAtDrop: undefined,
  lastBps: undefined,
  ports: [],
  partial: 0,
  partialSince: undefined,
};

export interface DeviceMemory {
  readonly device: string;
  /** Time of the observation this memory reflects (ms). */
  readonly savedAt: number;
  /** True for memory read back from disk, until the first poll after the restart is judged. */
  readonly fromDisk: boolean;
  /** The last successful poll, compacted: what "previous" means for the next poll. */
  readonly previous: Observed | undefined;
  readonly reach: { readonly failures: number; readonly unreachable: boolean };
  /** Polls in a row that missed their deadline while the device answered; poll_degraded sent. */
  readonly degraded: { readonly deadlines: number; readonly active: boolean };
  readonly vc: {
    /**
     * Every member ever seen present, by member id: a member that vanishes is missed, not "all
     * OK". Members are also known by serial: the same serial under a new id is a renumbering.
     */
    readonly expected: Readonly<Record<string, { readonly serial: string; readonly model: string }>>;
    /** Expected members missing from the latest polls: member id → consecutive polls missing. */
    readonly missing: Readonly<Record<string, number>>;
    /** Members declared down (member_down sent), until they return. */
    readonly absent: readonly number[];
    readonly master: number | undefined;
    readonly splitBrain: boolean;
    /**
     * Set from a judged device reboot until the device has been up BOOT_GRACE_S (detectors/vc.ts):
     * members rejoin a rebooted chassis one by one, so none is counted missing meanwhile.
     */
    readonly bootGrace?: boolean;
  };
  readonly processes: {
    /** Watched process name → the PIDs it ran as. */
    readonly pids: Readonly<Record<string, readonly number[]>>;
    /** Watched processes missing from the latest polls, not yet declared crashed: name → polls. */
    readonly missing: Readonly<Record<string, number>>;
    /** Crashed and not yet seen running again: name → old PID. */
    readonly crashed: Readonly<Record<string, number>>;
    readonly stuckPolls: Readonly<Record<string, number>>;
    readonly stuck: readonly string[];
  };
  readonly traffic: Readonly<Record<string, TrafficMemory>>;
  readonly frozen: { readonly polls: Readonly<Record<string, number>>; readonly active: readonly string[] };
  readonly imbalance: Readonly<Record<string, { readonly streak: number; readonly active: boolean }>>;
  readonly configIndex: number | undefined;
  /** See Derived.bootEpoch. */
  readonly bootEpoch: string | undefined;
  /** See Derived.restartPending: an agent restart not yet judged reboot or not. */
  readonly restartPending: { readonly why: string; readonly since: number } | undefined;
}

export function emptyMemory(device: string, now: number): DeviceMemory {
  return {
    device,
    savedAt: now,
    fromDisk: false,
    previous: undefined,
    reach: { failures: 0, unreachable: false },
    degraded: { deadlines: 0, active: false },
    vc: { expected: {}, missing: {}, absent: [], master: undefined, splitBrain: false },
    processes: { pids: {}, missing: {}, crashed: {}, stuckPolls: {}, stuck: [] },
    traffic: {},
    frozen: { polls: {}, active: [] },
    imbalance: {},
    configIndex: undefined,
    bootEpoch: undefined,
    restartPending: undefined,
  };
}

/**
 * JSON with sorted object keys and bigint as text: the same data always gives the same string.
 * `skip(path)` leaves a key out (path = the keys from the root, array positions included).
 */
function canonical(value: unknown, skip: (path: readonly string[]) => boolean, path: string[] = []): string {
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v, i) => canonical(v, skip, [...path, String(i)])).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([k, v]) => v !== undefined && !skip([...path, k]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, skip, [...path, k])}`).join(',')}}`;
}

/** Fields that move on every poll of a healthy device (clocks, counters, traffic samples). */
const VOLATILE_ROOT = new Set(['savedAt', 'fromDisk']);
const VOLATILE_PREVIOUS = new Set(['time', 'monoMs', 'clocks', 'inOctets', 'outOctets', 'uptimeS']);
const VOLATILE_TRAFFIC = new Set(['samples', 'lastBps']);

function isVolatile(path: readonly string[]): boolean {
  const [root] = path;
  const key = path[path.length - 1] ?? '';
  if (path.length === 1) return VOLATILE_ROOT.has(key);
  if (root === 'previous') return VOLATILE_PREVIOUS.has(key);
  // traffic.<scope>.<field>
  if (root === 'traffic') return path.length === 3 && VOLATILE_TRAFFIC.has(key);
  return false;
}

/**
 * A deterministic serialization of everything in the memory that is not expected to change
 * while a device is steady: the caller writes the memory to disk when this changes (plus a
 * periodic checkpoint for the volatile rest). Contract: on a steady device with flowing traffic
 * it stays identical from the second poll on; any state a detector would act on changes it.
 */
export function stableKey(memory: DeviceMemory): string {
  return canonical(steadyView(memory), isVolatile);
}

/**
 * running(1) and runnable(2) alternate on every poll of a busy, healthy process: in `previous`
 * they are one state (notRunnable and invalid stay distinct; a stuck process is also counted in
 * `processes.stuckPolls`).
 */
function steadyView(memory: DeviceMemory): DeviceMemory {
  const previous = memory.previous;
  const rows = previous?.processes;
  if (!previous || !rows?.supported || !rows.value.some((r) => r.status === 'runnable')) return memory;
  const value = rows.value.map((r) => (r.status === 'runnable' ? { ...r, status: 'running' as const } : r));
  return { ...memory, previous: { ...previous, processes: { supported: true, value } } };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Converts a memory file written by the previous version (`last: Snapshot`, `journalSeq`, no
 * `previous`/`degraded`, traffic without `ports`) into this shape; bigints already revived
 * (store/memory-codec.ts parseStoredJson). Missing sections get their defaults. Undefined when `raw` is not
 * a device memory at all.
 */
export function memoryFromLegacy(raw: unknown): DeviceMemory | undefined {
  if (!isRecord(raw) || typeof raw.device !== 'string') return undefined;
  const savedAt = typeof raw.savedAt === 'number' ? raw.savedAt : 0;
  const base = emptyMemory(raw.device, savedAt);
  const section = <K extends keyof DeviceMemory>(key: K): DeviceMemory[K] =>
    (isRecord(raw[key])
      ? { ...(base[key] as object), ...(raw[key] as object) }
      : base[key]) as DeviceMemory[K];
  const last = raw.last as Snapshot | undefined;
  let previous: Observed | undefined = isRecord(raw.previous)
    ? (raw.previous as unknown as Observed)
    : undefined;
  if (!previous && isRecord(last) && isRecord(last.system)) {
    // Older snapshots lack newer optional tables: fill them before compacting.
    const none = { supported: false } as const;
    previous = observedOf({
      ...last,
      interfaces: last.interfaces ?? none,
      processes: last.processes ?? none,
      vcMembers: last.vcMembers ?? none,
      vcPorts: last.vcPorts ?? none,
      redundancy: last.redundancy ?? none,
      alarms: last.alarms ?? none,
      configChanges: last.configChanges ?? none,
    });
  }
  const traffic: Record<string, TrafficMemory> = {};
  if (isRecord(raw.traffic))
    for (const [scope, t] of Object.entries(raw.traffic))
      if (isRecord(t)) traffic[scope] = { ...EMPTY_TRAFFIC, ...(t as Partial<TrafficMemory>) };
  return {
    device: raw.device,
    savedAt,
    fromDisk: raw.fromDisk === true,
    previous,
    reach: section('reach'),
    degraded: section('degraded'),
    vc: section('vc'),
    processes: section('processes'),
    traffic,
    frozen: section('frozen'),
    imbalance: isRecord(raw.imbalance) ? (raw.imbalance as DeviceMemory['imbalance']) : {},
    configIndex: typeof raw.configIndex === 'number' ? raw.configIndex : undefined,
    bootEpoch: undefined,
    restartPending: undefined,
  };
}
