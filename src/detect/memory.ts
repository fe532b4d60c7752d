import type { Snapshot } from '../collect/snapshot.js';

/**
 * What netwatch remembers about one device between polls, and across restarts (state-store.ts).
 * Plain data. Each detector owns its slice and returns the new slice; nothing else writes it.
 */

export interface TrafficMemory {
  /** Recent throughput samples [time ms, bits/s] inside the baseline window, none from a drop. */
  readonly samples: readonly (readonly [number, number])[];
  readonly dropped: boolean;
  /** Consecutive polls below the drop (or, while dropped, above the recovery) threshold. */
  readonly streak: number;
  /** First low sample of the current streak: when the outage began. */
  readonly onset: number | undefined;
  /** While dropped: the first good sample of the current streak, when traffic came back. */
  readonly recovering: number | undefined;
  /** The baseline when the drop was declared; recovery is measured against it. */
  readonly baselineAtDrop: number | undefined;
  readonly lastBps: number | undefined;
}

export interface DeviceMemory {
  readonly device: string;
  /** Time of the observation this memory reflects (ms). */
  readonly savedAt: number;
  /** True for memory read back from disk, until the first poll after the restart is judged. */
  readonly fromDisk: boolean;
  /** The last successful snapshot: what "previous" means for the next poll. */
  readonly last: Snapshot | undefined;
  readonly reach: { readonly failures: number; readonly unreachable: boolean };
  readonly vc: {
    /** Every member ever seen present: a member that vanishes is missed, not "all OK". */
    readonly expected: Readonly<Record<string, { readonly serial: string; readonly model: string }>>;
    /** Expected members missing from the latest polls: member id → consecutive polls missing. */
    readonly missing: Readonly<Record<string, number>>;
    /** Members declared down (member_down sent), until they return. */
    readonly absent: readonly number[];
    readonly master: number | undefined;
    readonly splitBrain: boolean;
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
  /** Journal sequence of this device's last event that this memory already reflects. */
  readonly journalSeq: number;
}

export function emptyMemory(device: string, now: number): DeviceMemory {
  return {
    device,
    savedAt: now,
    fromDisk: false,
    last: undefined,
    reach: { failures: 0, unreachable: false },
    vc: { expected: {}, missing: {}, absent: [], master: undefined, splitBrain: false },
    processes: { pids: {}, missing: {}, crashed: {}, stuckPolls: {}, stuck: [] },
    traffic: {},
    frozen: { polls: {}, active: [] },
    imbalance: {},
    configIndex: undefined,
    journalSeq: 0,
  };
}
