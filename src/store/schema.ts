import type { Generated } from 'kysely';

/**
 * The tables, as kysely sees them. Portable SQL only (SQLite now, PostgreSQL later): text, bigint
 * (ms since the epoch, counters), JSON kept as text. Times are numbers of ms, never SQL dates, so
 * both databases compare them the same way.
 */
export interface EventsTable {
  /** Insertion order; internal. */
  readonly n: Generated<number>;
  /** Public id: `20261121T094800Z-000042` (time of the event, global counter). */
  readonly id: string;
  readonly device: string;
  /** Per-device sequence, gap-free from 1. */
  readonly seq: number;
  readonly time: number;
  readonly site: string;
  readonly type: string;
  readonly severity: string;
  readonly source: string;
  readonly summary: string;
  /** JSON object. */
  readonly details: string;
  /** With device and type, unique: names the fact (events/fact-key.ts). */
  readonly fact: string;
  /** JSON array of { source, time }: every sighting of this fact. */
  readonly witnesses: string;
  readonly recorded_at: number;
}

export interface DeviceMemoryTable {
  readonly device: string;
  readonly identity: string;
  /** JSON (bigints as {"$bigint": "…"}), store/memory-codec.ts. */
  readonly memory: string;
  readonly saved_at: number;
}

export interface DeviceSeqTable {
  readonly device: string;
  readonly last_seq: number;
}

export interface MetaTable {
  readonly key: string;
  readonly value: string;
}

export interface MigrationsTable {
  readonly version: number;
  readonly name: string;
  /** 1 when code older than this migration must not open the database. */
  readonly breaking: number;
  readonly applied_at: number;
}

export interface IncidentsTable {
  readonly id: string;
  readonly site: string;
  /** JSON array of device names, the first first (`LIKE '%"name"%'` finds a device's). */
  readonly devices: string;
  readonly status: string;
  readonly opened_at: number;
  readonly resolved_at: number | null;
  readonly updated_at: number;
  /** JSON: the Incident (incident/incident.ts), as the API and reports read it. */
  readonly doc: string;
  /** JSON: the correlator's private part of it (active impacts, storm and page flags). */
  readonly state: string;
}

export interface OutboxTable {
  readonly n: Generated<number>;
  readonly incident: string;
  readonly receiver: string;
  /** trigger | update | resolve (refreshes are not stored: they are re-sent from open incidents). */
  readonly action: string;
  /** 0 for trigger and resolve (one each per incident and receiver); 1, 2… for updates. */
  readonly seq: number;
  readonly created_at: number;
  /** When the next attempt is due. */
  readonly next_at: number;
  readonly attempts: number;
  /** pending | accepted | failed (final). */
  readonly result: string;
  readonly accepted_at: number | null;
  readonly reason: string | null;
  /** 1 when it was delivered from memory while the store could not be written. */
  readonly degraded: number;
  /** JSON: the PageMessage without its delivery id. */
  readonly message: string;
  /** Claimed by a sender until then (HA replicas, later). */
  readonly lease_until: number | null;
}

export interface NotesTable {
  readonly n: Generated<number>;
  readonly incident: string;
  readonly at: number;
  readonly author: string;
  readonly text: string;
}

export interface Schema {
  incidents: IncidentsTable;
  outbox: OutboxTable;
  notes: NotesTable;
  events: EventsTable;
  device_memory: DeviceMemoryTable;
  device_seq: DeviceSeqTable;
  meta: MetaTable;
  schema_migrations: MigrationsTable;
}
