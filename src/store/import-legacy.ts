import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Insertable, Kysely } from 'kysely';
import { memoryFromLegacy } from '../detect/memory.js';
import { parseStoredJson, serializeMemory } from './memory-codec.js';
import type { Schema } from './schema.js';

/**
 * One-time import of the storage written before the store: `events.jsonl` (one JSON event per
 * line) and `state/<device>.json` (device memory holding the last snapshot). Streamed line by
 * line (the journal may exceed what one string can hold), all in one transaction with the
 * `legacy_import` mark, so a crash mid-import leaves nothing half-imported and the next start
 * imports again. Every parseable event is kept, including types this version does not know;
 * a torn last line is skipped. The files are left in place: they are the user's.
 */

const MARK = 'legacy_import';
const CHUNK = 500;

export interface ImportReport {
  readonly events: number;
  readonly skippedLines: number;
  readonly memories: number;
}

type EventRow = Insertable<Schema['events']>;

function toRow(line: string, now: number): EventRow | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const time = typeof raw.time === 'string' ? Date.parse(raw.time) : Number.NaN;
  if (typeof raw.id !== 'string' || typeof raw.device !== 'string' || typeof raw.type !== 'string')
    return undefined;
  if (!Number.isFinite(time)) return undefined;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  const details = raw.details !== null && typeof raw.details === 'object' ? raw.details : {};
  return {
    id: raw.id,
    device: raw.device,
    seq: 0,
    time,
    site: str(raw.site, ''),
    type: raw.type,
    severity: str(raw.severity, 'info'),
    source: str(raw.source, 'poll'),
    summary: str(raw.summary, ''),
    details: JSON.stringify(details),
    // The old journal had no fact keys; its id names each event uniquely.
    fact: `legacy|id=${raw.id}`,
    witnesses: JSON.stringify([{ source: str(raw.source, 'poll'), time: new Date(time).toISOString() }]),
    recorded_at: now,
  };
}

/** Imports `dir`'s legacy files once; undefined when there was nothing to do. */
export async function importLegacy(
  db: Kysely<Schema>,
  dir: string,
  now: number,
): Promise<ImportReport | undefined> {
  const done = await db.selectFrom('meta').select('value').where('key', '=', MARK).executeTakeFirst();
  if (done) return undefined;
  const journal = join(dir, 'events.jsonl');
  const stateDir = join(dir, 'state');
  if (!existsSync(journal) && !existsSync(stateDir)) return undefined;

  return db.transaction().execute(async (tx) => {
    const seqs = new Map<string, number>();
    for (const row of await tx.selectFrom('device_seq').selectAll().execute())
      seqs.set(row.device, Number(row.last_seq));
    let events = 0;
    let skippedLines = 0;
    let chunk: EventRow[] = [];
    // A line repeated in the journal (a copy, a bad merge) is one event: ids already taken are
    // skipped before they consume a seq, so seqs stay gap-free. Numeric ids cost a number each.
    const seenNumbers = new Set<number>();
    const seenOther = new Set<string>();
    const firstSighting = (id: string): boolean => {
      const n = Number(id.slice(id.lastIndexOf('-') + 1));
      const set = Number.isSafeInteger(n) && n > 0 ? seenNumbers : seenOther;
      const key = set === seenNumbers ? n : id;
      if ((set as Set<number | string>).has(key)) return false;
      (set as Set<number | string>).add(key);
      return true;
    };
    const flush = async () => {
      if (chunk.length === 0) return;
      await tx
        .insertInto('events')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .execute();
      chunk = [];
    };
    if (existsSync(journal)) {
      const lines = createInterface({
        input: createReadStream(journal, 'utf8'),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const row = toRow(line, now);
        if (!row || !firstSighting(row.id)) {
          skippedLines += 1;
          continue;
        }
        const seq = (seqs.get(row.device) ?? 0) + 1;
        seqs.set(row.device, seq);
        chunk.push({ ...row, seq });
        events += 1;
        if (chunk.length >= CHUNK) await flush();
      }
      await flush();
    }
    for (const [device, last_seq] of seqs)
      await tx
        .insertInto('device_seq')
        .values({ device, last_seq })
        .onConflict((oc) => oc.column('device').doUpdateSet({ last_seq }))
        .execute();

    let memories = 0;
    if (existsSync(stateDir)) {
      for (const file of readdirSync(stateDir)) {
        if (!file.endsWith('.json')) continue;
        let memory: ReturnType<typeof memoryFromLegacy>;
        try {
          memory = memoryFromLegacy(parseStoredJson(readFileSync(join(stateDir, file), 'utf8')));
        } catch {
          memory = undefined; // torn or foreign: that device is learnt again
        }
        if (!memory) continue;
        await tx
          .insertInto('device_memory')
          // Identity unknown (the old files had none): accepted by whatever the config says now.
          .values({
            device: memory.device,
            identity: '',
            memory: serializeMemory(memory),
            saved_at: memory.savedAt,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        memories += 1;
      }
    }
    const report = { events, skippedLines, memories };
    await tx
      .insertInto('meta')
      .values({ key: MARK, value: JSON.stringify({ ...report, at: new Date(now).toISOString() }) })
      .execute();
    return report;
  });
}
