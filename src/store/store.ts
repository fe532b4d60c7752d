import type { DeviceMemory } from '../detect/memory.js';
import type { EventDraft, RecordedEvent } from '../events/event.js';
import type { Delivery, Incident, Note, PageAction } from '../incident/incident.js';
import type { PageMessage } from '../page/pager.js';

/**
 * The store seam: events, device memory, incidents (with their timeline), notes and the outbox
 * of pages behind one small asynchronous interface. Every method takes plain data computed before
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

/** An incident as stored: the public document and the correlator's private state (opaque JSON). */
export interface StoredIncident {
  readonly incident: Incident;
  readonly state: string;
}

/** A page that became due: written with the change that caused it. */
export interface OutboxDraft {
  readonly incident: string;
  /**
   * The receiver, for a trigger. An update or resolve goes to every receiver that has the
   * incident's trigger (`'*'`): a route changed by a reload never strands an open alert.
   */
  readonly receiver: string;
  readonly action: Exclude<PageAction, 'refresh'>;
  readonly createdAt: number;
  /** Without `deliveryId`: the store gives each entry its own. */
  readonly message: Omit<PageMessage, 'deliveryId'>;
}

/** What the correlator wrote in a commit's transaction. */
export interface IncidentWrites {
  readonly incidents: readonly StoredIncident[];
  readonly outbox: readonly OutboxDraft[];
}

/**
 * Called inside the commit's transaction with the events it recorded (in batch order), so the
 * incidents and pages they cause commit with them. Must be synchronous and pure of I/O; it may
 * be called again for a retried batch (the caller adopts its state only once the commit resolved).
 */
export type Correlate = (recorded: readonly RecordedEvent[]) => IncidentWrites;

export interface OutboxEntry {
  readonly id: number;
  readonly incident: string;
  readonly receiver: string;
  readonly action: Exclude<PageAction, 'refresh'>;
  readonly seq: number;
  readonly createdAt: number;
  readonly nextAt: number;
  readonly attempts: number;
  readonly message: PageMessage;
}

/** The outcome of one delivery attempt, to record. */
export type OutboxOutcome =
  | { readonly result: 'accepted'; readonly at: number; readonly degraded?: boolean }
  | { readonly result: 'pending'; readonly nextAt: number; readonly reason: string }
  | { readonly result: 'failed'; readonly reason: string };

export interface OutboxMark {
  readonly id: number;
  readonly outcome: OutboxOutcome;
}

export interface IncidentQuery {
  readonly open?: boolean;
  readonly device?: string;
  /** Opened at or after (ms). */
  readonly since?: number;
  /** Opened before (ms). */
  readonly until?: number;
  /** The newest this many (returned newest first). */
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
  commit(batch: readonly Observation[], correlate?: Correlate): Promise<CommitResult>;
  /** Every stored device memory, by device name. */
  loadMemories(): Promise<Map<string, StoredMemory>>;
  /** Events matching, ordered by time then id. */
  queryEvents(query: EventQuery): Promise<readonly RecordedEvent[]>;
  /** Incidents matching, newest first. */
  queryIncidents(query: IncidentQuery): Promise<readonly StoredIncident[]>;
  getIncident(id: string): Promise<StoredIncident | undefined>;
  /** Outbox entries due at `now` (pending, next attempt ≤ now), oldest first. */
  dueOutbox(now: number, limit: number): Promise<readonly OutboxEntry[]>;
  /** Records attempts' outcomes (attempts + 1 each), in one transaction: one fsync per round. */
  markOutbox(marks: readonly OutboxMark[]): Promise<void>;
  /** Entries not yet delivered nor failed, and the earliest time one can be handed out (dueOutbox). */
  outboxPending(): Promise<{ readonly count: number; readonly nextAt: number | undefined }>;
  /** The pages of an incident, as its timeline shows them. */
  deliveries(incident: string): Promise<readonly Delivery[]>;
  addNote(note: Note): Promise<void>;
  notes(incident: string): Promise<readonly Note[]>;
  /** A small named value (e.g. operators' silences, JSON). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
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
