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

export interface Schema {
  events: EventsTable;
  device_memory: DeviceMemoryTable;
  device_seq: DeviceSeqTable;
  meta: MetaTable;
  schema_migrations: MigrationsTable;
}
