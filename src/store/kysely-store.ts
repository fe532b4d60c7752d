import type { Kysely, Selectable, Transaction } from 'kysely';
import type { EventDraft, RecordedEvent } from '../events/event.js';
import { faultPoint } from '../fault.js';
import { eventId } from './event-id.js';
import { memoryWithDefaults, parseStoredJson, serializeMemory } from './memory-codec.js';
import type { Schema } from './schema.js';
import type { CommitResult, EventQuery, Observation, Store, StoredMemory } from './store.js';
import { StoreError } from './store.js';

/**
 * The Store contract in portable SQL through kysely: the same code serves SQLite and (later)
 * PostgreSQL; a dialect brings its connection, its DDL choices and its error classifier.
 */

/** Maps a driver error to an expected failure, or undefined for a bug. */
export type ErrorClassifier = (
  error: unknown,
) => { readonly retryable: boolean; readonly message: string } | undefined;

type Row = Selectable<Schema['events']>;

const MAX_WITNESSES = 32;
const COUNTER = 'event_counter';

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toEvent(row: Row): RecordedEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    time: Number(row.time),
    device: row.device,
    site: row.site,
    type: row.type,
    severity: row.severity,
    source: row.source,
    summary: row.summary,
    details: parseJson(row.details, {}),
    fact: row.fact,
    witnesses: parseJson(row.witnesses, []),
  };
}

export class KyselyStore implements Store {
  constructor(
    protected readonly db: Kysely<Schema>,
    private readonly classify: ErrorClassifier,
    private readonly wallMs: () => number,
  ) {}

  /** Runs `fn`; an expected driver failure becomes a StoreError, anything else stays a bug. */
  protected async guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const known = this.classify(error);
      if (known)
        throw new StoreError(`store ${op} failed: ${known.message}`, known.retryable, { cause: error });
      throw new Error(`store ${op} failed`, { cause: error });
    }
  }

  commit(batch: readonly Observation[]): Promise<CommitResult> {
    if (batch.length === 0) return Promise.resolve({ recorded: [], witnessed: [] });
    const hasEvents = batch.some((o) => o.events.length > 0);
    return this.guard('commit', async () => {
      const result = await this.db.transaction().execute(async (tx) => {
        const recorded: RecordedEvent[] = [];
        const witnessed: RecordedEvent[] = [];
        const now = this.wallMs();
        let counter = hasEvents ? await readCounter(tx) : 0;
        for (const obs of batch) {
          if (obs.events.length > 0) {
            const seqRow = await tx
              .selectFrom('device_seq')
              .select('last_seq')
              .where('device', '=', obs.device)
              .executeTakeFirst();
            let seq = Number(seqRow?.last_seq ?? 0);
            for (const draft of obs.events) {
              const seen = await witness(tx, draft);
              if (seen) {
                witnessed.push(seen);
                continue;
              }
              seq += 1;
              counter += 1;
              const row: Row = {
                n: 0,
                id: eventId(draft.time, counter),
                device: draft.device,
                seq,
                time: draft.time,
                site: draft.site,
                type: draft.type,
                severity: draft.severity,
                source: draft.source,
                summary: draft.summary,
                details: JSON.stringify(draft.details),
                fact: draft.fact,
                witnesses: JSON.stringify([
                  { source: draft.source, time: new Date(draft.time).toISOString() },
                ]),
                recorded_at: now,
              };
              const { n: _n, ...values } = row;
              await tx.insertInto('events').values(values).execute();
              recorded.push(toEvent(row));
            }
            await tx
              .insertInto('device_seq')
              .values({ device: obs.device, last_seq: seq })
              .onConflict((oc) => oc.column('device').doUpdateSet({ last_seq: seq }))
              .execute();
            faultPoint('mid-state-write');
          }
          if (obs.memory) {
            const values = {
              device: obs.device,
              identity: obs.memory.identity,
              memory: serializeMemory(obs.memory.memory),
              saved_at: obs.memory.memory.savedAt,
            };
            await tx
              .insertInto('device_memory')
              .values(values)
              .onConflict((oc) =>
                oc.column('device').doUpdateSet({
                  identity: values.identity,
                  memory: values.memory,
                  saved_at: values.saved_at,
                }),
              )
              .execute();
          }
        }
        if (hasEvents) {
          await tx
            .insertInto('meta')
            .values({ key: COUNTER, value: String(counter) })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(counter) }))
            .execute();
          faultPoint('before-commit');
        }
        return { recorded, witnessed };
      });
      if (hasEvents) faultPoint('after-commit');
      return result;
    });
  }

  loadMemories(): Promise<Map<string, StoredMemory>> {
    return this.guard('load', async () => {
      const rows = await this.db.selectFrom('device_memory').selectAll().execute();
      const out = new Map<string, StoredMemory>();
      for (const row of rows) {
        let memory: ReturnType<typeof memoryWithDefaults>;
        try {
          memory = memoryWithDefaults(parseStoredJson(row.memory), row.device);
        } catch {
          memory = undefined; // a torn or foreign row: the device is learnt again
        }
        if (memory) out.set(row.device, { memory, identity: row.identity });
      }
      return out;
    });
  }

  queryEvents(query: EventQuery): Promise<readonly RecordedEvent[]> {
    return this.guard('query', async () => {
      let q = this.db.selectFrom('events').selectAll();
      if (query.device !== undefined) q = q.where('device', '=', query.device);
      if (query.type !== undefined) q = q.where('type', '=', query.type);
      if (query.since !== undefined) q = q.where('time', '>=', query.since);
      if (query.until !== undefined) q = q.where('time', '<', query.until);
      if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
      if (query.limit === undefined) {
        const rows = await q.orderBy('time', 'asc').orderBy('n', 'asc').execute();
        return rows.map(toEvent);
      }
      const rows = await q.orderBy('time', 'desc').orderBy('n', 'desc').limit(query.limit).execute();
      return rows.reverse().map(toEvent);
    });
  }

  installationValue(key: string, make: () => string): Promise<string> {
    return this.guard('load', async () => {
      await this.db
        .insertInto('meta')
        .values({ key: `installation.${key}`, value: make() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const row = await this.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', `installation.${key}`)
        .executeTakeFirstOrThrow();
      return row.value;
    });
  }

  deleteEventsBefore(before: number): Promise<number> {
    return this.guard('retention', async () => {
      // In chunks: a first run over years of history must not hold one giant transaction.
      let total = 0;
      for (;;) {
        const chunk = await this.db
          .deleteFrom('events')
          .where('n', 'in', (sub) =>
            sub.selectFrom('events').select('n').where('time', '<', before).limit(10_000),
          )
          .executeTakeFirst();
        const deleted = Number(chunk.numDeletedRows);
        total += deleted;
        if (deleted < 10_000) return total;
      }
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** The last id counter used: the meta row, or past every stored row if that is behind (ids stay unique). */
async function readCounter(tx: Transaction<Schema>): Promise<number> {
  const row = await tx.selectFrom('meta').select('value').where('key', '=', COUNTER).executeTakeFirst();
  const max = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.max('n').as('n'))
    .executeTakeFirst();
  return Math.max(Number(row?.value ?? 0) || 0, Number(max?.n ?? 0) || 0);
}

/** A fact already stored: add this sighting to its witnesses and return it, else undefined. */
async function witness(tx: Transaction<Schema>, draft: EventDraft): Promise<RecordedEvent | undefined> {
  const row = await tx
    .selectFrom('events')
    .selectAll()
    .where('device', '=', draft.device)
    .where('type', '=', draft.type)
    .where('fact', '=', draft.fact)
    .executeTakeFirst();
  if (!row) return undefined;
  const list = parseJson<{ source: string; time: string }[]>(row.witnesses, []);
  const sighting = { source: draft.source, time: new Date(draft.time).toISOString() };
  if (
    list.length < MAX_WITNESSES &&
    !list.some((w) => w.source === sighting.source && w.time === sighting.time)
  ) {
    list.push(sighting);
    await tx
      .updateTable('events')
      .set({ witnesses: JSON.stringify(list) })
      .where('n', '=', row.n)
      .execute();
  }
  return toEvent({ ...row, witnesses: JSON.stringify(list) });
}
