import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

/**
 * Numbered schema migrations, in code, applied at open in order, each in its own transaction
 * (both SQLite and PostgreSQL have transactional DDL, so a failed migration leaves nothing
 * half-done) and recorded in `schema_migrations`. Never edit a released migration: add one.
 * A database with a migration newer than this code is opened (with a warning) unless that
 * migration is marked breaking: rolling upgrades and downgrades keep working.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly breaking: boolean;
  readonly up: (db: Kysely<Schema>, dialect: Dialect) => Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the schema builder is untyped by design (tables change shape across versions)
type AnyDb = Kysely<any>;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events and per-device sequence',
    breaking: true,
    async up(typed, dialect) {
      const db = typed as AnyDb;
      await db.schema
        .createTable('events')
        .addColumn('n', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('fact', 'text', (c) => c.notNull())
        .addColumn('witnesses', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('events_fact', ['device', 'type', 'fact'])
        .addUniqueConstraint('events_device_seq', ['device', 'seq'])
        .execute();
      await db.schema.createIndex('events_device_time').on('events').columns(['device', 'time']).execute();
      await db.schema.createIndex('events_time').on('events').column('time').execute();
      await db.schema
        .createTable('device_seq')
        .addColumn('device', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    name: 'device memory; events by type',
    breaking: false,
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable('device_memory')
        .addColumn('device', 'text', (c) => c.primaryKey())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('memory', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_type_time').on('events').columns(['type', 'time']).execute();
    },
  },
  {
    version: 3,
    name: 'incidents, outbox, notes',
    breaking: false,
    async up(typed, dialect) {
      const db = typed as AnyDb;
      const serial = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn('n', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          );
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('devices', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('incidents_status')
        .on('incidents')
        .columns(['status', 'opened_at'])
        .execute();
      await db.schema.createIndex('incidents_opened').on('incidents').column('opened_at').execute();
      await serial('outbox')
        .addColumn('incident', 'text', (c) => c.notNull())
        .addColumn('receiver', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'bigint', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('reason', 'text')
        .addColumn('degraded', 'bigint', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addUniqueConstraint('outbox_once', ['incident', 'receiver', 'action', 'seq'])
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['result', 'next_at']).execute();
      await serial('notes')
        .addColumn('incident', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notes_incident').on('notes').column('incident').execute();
    },
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export type MigrateResult =
  | { readonly ok: true; readonly applied: readonly number[]; readonly newerThanCode: readonly number[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Brings the database to `upTo` (the latest by default; tests stop earlier to test each
 * migration from the schema before it). Never throws for a database it cannot use: says why.
 */
export async function migrate(
  db: Kysely<Schema>,
  dialect: Dialect,
  upTo: number = LATEST_VERSION,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  await (db as AnyDb).schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('breaking', 'integer', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const done = await db
    .selectFrom('schema_migrations')
    .select(['version', 'breaking'])
    .orderBy('version')
    .execute();
  const known = new Set(migrations.map((m) => m.version));
  const newer = done.filter((d) => !known.has(Number(d.version)) && Number(d.version) > LATEST_VERSION);
  const breaking = newer.filter((d) => Number(d.breaking) === 1);
  if (breaking.length > 0)
    return {
      ok: false,
      reason: `the database has schema version ${Math.max(...breaking.map((d) => Number(d.version)))}, which this netwatch (schema ${LATEST_VERSION}) cannot read: run a newer netwatch`,
    };
  const applied = new Set(done.map((d) => Number(d.version)));
  const gaps = migrations.filter(
    (m) => !applied.has(m.version) && done.some((d) => Number(d.version) > m.version),
  );
  if (gaps.length > 0)
    return {
      ok: false,
      reason: `the database's migrations are out of order: ${gaps.map((g) => g.version).join(', ')} missing below applied ones`,
    };
  const ran: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version) || m.version > upTo) continue;
    await db.transaction().execute(async (tx) => {
      await m.up(tx, dialect);
      await tx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, breaking: m.breaking ? 1 : 0, applied_at: Date.now() })
        .execute();
    });
    ran.push(m.version);
  }
  return { ok: true, applied: ran, newerThanCode: newer.map((d) => Number(d.version)) };
}

/** The schema version the database is at. */
export async function schemaVersion(db: Kysely<Schema>): Promise<number> {
  const row = await sql<{ v: number | null }>`select max(version) as v from schema_migrations`.execute(db);
  return Number(row.rows[0]?.v ?? 0);
}
