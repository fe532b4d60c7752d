import type { DeviceMemory } from '../detect/memory.js';
import type { EventDraft, RecordedEvent } from '../events/event.js';

/**
 * The store seam: events, device memory (and, in later issues, incidents, timeline, notes and the
 * outbox) behind one small asynchronous interface. Every method takes plain data computed before
 * the call (compute first, then commit) and returns a Promise, so a networked implementation
 * (PostgreSQL, for HA) fits unchanged. Every implementation passes `test/contract/store-contract.ts`.
 *
 * Failures a caller must expect (disk full, database locked, store unreachable) reject with a
 * `StoreError` carrying `retryable`; anything else is a bug and rejects with its cause.
 */

/** One device's observation: the events it produced and the memory that reflects them. */
export interface Observation {
  readonly device: string;
  readonly events: readonly EventDraft[];
  /** The device memory after this observation; omitted when it need not be written. */
  readonly memory?: StoredMemory;
}

/** Device memory as stored, with the identity it was learnt under. */
export interface StoredMemory {
  readonly memory: DeviceMemory;
  /**
   * A fingerprint of what the memory was learnt from (host, credentials): a device whose
   * fingerprint changed is a new device to compare against. Never a secret in clear.
   */
  readonly identity: string;
}

/** What one commit did, per observation in order. */
export interface CommitResult {
  /** Events newly recorded, with their id and per-device seq. */
  readonly recorded: readonly RecordedEvent[];
  /** Sightings of a fact the store already held: recorded as witnesses of that event. */
  readonly witnessed: readonly RecordedEvent[];
}

export interface EventQuery {
  readonly device?: string;
  /** Any type string: unknown types (from a newer netwatch) can be asked for too. */
  readonly type?: string;
  /** Inclusive lower bound on event time, ms. */
  readonly since?: number;
  /** Exclusive upper bound on event time, ms. */
  readonly until?: number;
  /** Replay: events with seq greater than this (a device's seq; use with `device`). */
  readonly afterSeq?: number;
  /** At most this many, the newest ones (still returned oldest first). */
  readonly limit?: number;
}

export interface StoreHealth {
  readonly ok: boolean;
  /** Why not, in a sentence ("disk full: SQLITE_FULL …"). */
  readonly reason?: string;
}

export interface Store {
  /**
   * One transaction for the whole batch: every observation's events and memory are stored, or
   * none are. Resolves only once durable (per the implementation's `synchronous` choice).
   * A draft whose (device, type, fact) is already stored adds a witness `{ source, time }`.
   */
  commit(batch: readonly Observation[]): Promise<CommitResult>;
  /** Every stored device memory, by device name. */
  loadMemories(): Promise<Map<string, StoredMemory>>;
  /** Events matching, ordered by time then id. */
  queryEvents(query: EventQuery): Promise<readonly RecordedEvent[]>;
  /** Deletes events older than `before` (ms); resolves with how many. */
  deleteEventsBefore(before: number): Promise<number>;
  close(): Promise<void>;
}

/** An expected store failure (disk full, locked, unreachable): a value the caller handles. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
