import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** An outbox row as the store holds it (tests read the database behind the daemon's back). */
export interface StoredOutboxRow {
  readonly incident: string;
  readonly receiver: string;
  readonly action: string;
  readonly seq: number;
  readonly result: string;
  readonly attempts: number;
  readonly degraded: boolean;
  readonly reason: string | null;
}

/** The incident IDs and outbox rows in `storageDir/netwatch.db` (in insertion order); empty before the store exists. */
export function storedOutbox(storageDir: string): {
  readonly incidents: readonly string[];
  readonly outbox: readonly StoredOutboxRow[];
} {
  const path = join(storageDir, 'netwatch.db');
  if (!existsSync(path)) return { incidents: [], outbox: [] };
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const incidents = (
      db.prepare('select id from incidents order by opened_at, id').all() as { id: string }[]
    ).map((r) => r.id);
    const rows = db
      .prepare(
        'select incident, receiver, action, seq, result, attempts, degraded, reason from outbox order by n',
      )
      .all() as (Omit<StoredOutboxRow, 'degraded'> & { degraded: number })[];
    return {
      incidents,
      outbox: rows.map((r) => ({
        ...r,
        seq: Number(r.seq),
        attempts: Number(r.attempts),
        degraded: Number(r.degraded) === 1,
      })),
    };
  } catch (error) {
    // The schema may not be there yet (the daemon is still creating it).
    if (error instanceof Error && /no such table/.test(error.message)) return { incidents: [], outbox: [] };
    throw error;
  } finally {
    db.close();
  }
}
