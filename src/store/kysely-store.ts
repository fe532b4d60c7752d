import type { Kysely, Selectable, Transaction } from 'kysely';
import type { EventDraft, RecordedEvent } from '../events/event.js';
import { faultPoint } from '../fault.js';
import type { Note } from '../incident/incident.js';
import { eventId } from './event-id.js';
import { toDelivery, toOutboxEntry, toStoredIncident, writeIncidents } from './incident-rows.js';
import { memoryWithDefaults, parseStoredJson, serializeMemory } from './memory-codec.js';
import type { Schema } from './schema.js';
import type {
  CommitResult,
  Correlate,
  EventQuery,
  IncidentQuery,
  Observation,
  OutboxEntry,
  OutboxMark,
  Store,
  StoredIncident,
  StoredMemory,
} from './store.js';
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

  /**
   * Portable under concurrent writers (two replicas on one PostgreSQL): a device's events are
   * written while holding its `device_seq` row (taken first, by an upsert that changes nothing),
   * so the fact check, the seq and the insert of one device never interleave with another
   * writer's. Ids are `<event time>-<device>-<seq>`: unique by (device, seq), no global counter.
   */
  commit(batch: readonly Observation[], correlate?: Correlate): Promise<CommitResult> {
    // Nothing recorded, nothing to correlate but the passing of time: write only if that changed something.
    const idle = batch.length === 0 ? correlate?.([]) : undefined;
    if (batch.length === 0 && (!idle || (idle.incidents.length === 0 && idle.outbox.length === 0)))
      return Promise.resolve({ recorded: [], witnessed: [] });
    const hasEvents = batch.some((o) => o.events.length > 0);
    return this.guard('commit', async () => {
      const result = await this.db.transaction().execute(async (tx) => {
        const recorded: RecordedEvent[] = [];
        const witnessed: RecordedEvent[] = [];
        const now = this.wallMs();
        for (const obs of batch) {
          if (obs.events.length > 0) {
            let seq = await lockSeq(tx, obs.device);
            const first = seq;
            for (const draft of obs.events) {
              const seen = await witness(tx, draft);
              if (seen) {
                witnessed.push(seen);
                continue;
              }
              seq += 1;
              const row: Row = {
                n: 0,
                id: eventId(draft.time, `${draft.device}-${seq}`),
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
            if (seq !== first)
              await tx
                .updateTable('device_seq')
                .set({ last_seq: seq })
                .where('device', '=', obs.device)
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
        const writes = idle ?? correlate?.(recorded);
        if (writes && (writes.incidents.length > 0 || writes.outbox.length > 0)) {
          const pages = await writeIncidents(tx, writes, now);
          if (pages > 0) faultPoint('outbox-before-commit');
        }
        if (hasEvents) faultPoint('before-commit');
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

  queryIncidents(query: IncidentQuery): Promise<readonly StoredIncident[]> {
    return this.guard('query', async () => {
      let q = this.db.selectFrom('incidents').selectAll();
      if (query.open !== undefined) q = q.where('status', query.open ? '=' : '<>', 'open');
      if (query.since !== undefined) q = q.where('opened_at', '>=', query.since);
      if (query.until !== undefined) q = q.where('opened_at', '<', query.until);
      if (query.device !== undefined) q = q.where('devices', 'like', `%${JSON.stringify(query.device)}%`);
      q = q.orderBy('opened_at', 'desc').orderBy('id', 'desc');
      if (query.limit !== undefined) q = q.limit(query.limit);
      const rows = await q.execute();
      return rows.map(toStoredIncident);
    });
  }

  getIncident(id: string): Promise<StoredIncident | undefined> {
    return this.guard('query', async () => {
      const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toStoredIncident(row) : undefined;
    });
  }

  dueOutbox(now: number, limit: number): Promise<readonly OutboxEntry[]> {
    return this.guard('query', async () => {
      // Only the oldest undelivered entry of each (incident, receiver): a resolve or an update
      // never overtakes a trigger that is still being retried.
      const rows = await this.db
        .selectFrom('outbox as o')
        .selectAll('o')
        .where('o.result', '=', 'pending')
        .where('o.next_at', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox as p')
                .select('p.n')
                .whereRef('p.incident', '=', 'o.incident')
                .whereRef('p.receiver', '=', 'o.receiver')
                .where('p.result', '=', 'pending')
                .whereRef('p.n', '<', 'o.n'),
            ),
          ),
        )
        .orderBy('o.next_at', 'asc')
        .orderBy('o.n', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toOutboxEntry);
    });
  }

  markOutbox(marks: readonly OutboxMark[]): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return this.guard('outbox', async () => {
      await this.db.transaction().execute(async (tx) => {
        for (const { id, outcome } of marks) {
          const set =
            outcome.result === 'accepted'
              ? {
                  result: 'accepted',
                  accepted_at: outcome.at,
                  reason: null,
                  degraded: outcome.degraded ? 1 : 0,
                }
              : outcome.result === 'pending'
                ? { result: 'pending', next_at: outcome.nextAt, reason: outcome.reason }
                : { result: 'failed', reason: outcome.reason };
          await tx
            .updateTable('outbox')
            .set((eb) => ({ ...set, attempts: eb('attempts', '+', 1) }))
            .where('n', '=', id)
            .execute();
        }
      });
    });
  }

  outboxPending(): Promise<{ readonly count: number; readonly nextAt: number | undefined }> {
    return this.guard('query', async () => {
      const counted = await this.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('result', '=', 'pending')
        .executeTakeFirst();
      // When the next one is due: only entries dueOutbox can hand out count. A resolve waiting
      // behind its trigger's retry is long "due" by its own next_at; counting it would make the
      // drainer wake at once, find nothing, and spin until the trigger is accepted.
      const row = await this.db
        .selectFrom('outbox as o')
        .select((eb) => eb.fn.min('o.next_at').as('next'))
        .where('o.result', '=', 'pending')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox as p')
                .select('p.n')
                .whereRef('p.incident', '=', 'o.incident')
                .whereRef('p.receiver', '=', 'o.receiver')
                .where('p.result', '=', 'pending')
                .whereRef('p.n', '<', 'o.n'),
            ),
          ),
        )
        .executeTakeFirst();
      const next = row?.next;
      return {
        count: Number(counted?.count ?? 0),
        nextAt: next === null || next === undefined ? undefined : Number(next),
      };
    });
  }

  deliveries(incident: string) {
    return this.guard('query', async () => {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('incident', '=', incident)
        .orderBy('n', 'asc')
        .execute();
      return rows.map(toDelivery);
    });
  }

  addNote(note: Note): Promise<void> {
    return this.guard('note', async () => {
      await this.db.insertInto('notes').values(note).execute();
    });
  }

  notes(incident: string): Promise<readonly Note[]> {
    return this.guard('query', async () => {
      const rows = await this.db
        .selectFrom('notes')
        .select(['incident', 'at', 'author', 'text'])
        .where('incident', '=', incident)
        .orderBy('n', 'asc')
        .execute();
      return rows.map((r) => ({ ...r, at: Number(r.at) }));
    });
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.guard('query', async () => {
      const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    });
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.guard('meta', async () => {
      await this.db
        .insertInto('meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
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

/**
 * The device's last seq, with its row held for the rest of the transaction: an upsert that
 * changes nothing takes the row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already holds the
 * database), so concurrent writers of one device queue here instead of colliding later.
 */
async function lockSeq(tx: Transaction<Schema>, device: string): Promise<number> {
  const row = await tx
    .insertInto('device_seq')
    .values({ device, last_seq: 0 })
    .onConflict((oc) => oc.column('device').doUpdateSet({ last_seq: (eb) => eb.ref('device_seq.last_seq') }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
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
