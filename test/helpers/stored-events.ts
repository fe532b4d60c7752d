import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** An event row as the store holds it (tests read the database behind the daemon's back). */
export interface StoredEvent {
  readonly id: string;
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  readonly fact: string;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly witnesses: readonly { source: string; time: string }[];
}

/** Every event in `storageDir/netwatch.db`, in commit order; [] before the store exists. */
export function storedEvents(storageDir: string): StoredEvent[] {
  const path = join(storageDir, 'netwatch.db');
  if (!existsSync(path)) return [];
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db
      .prepare('select id, seq, time, type, fact, summary, details, witnesses from events order by n')
      .all() as {
      id: string;
      seq: number;
      time: number;
      type: string;
      fact: string;
      summary: string;
      details: string;
      witnesses: string;
    }[];
    return rows.map((r) => ({
      ...r,
      time: new Date(r.time).toISOString(),
      details: JSON.parse(r.details) as Record<string, unknown>,
      witnesses: JSON.parse(r.witnesses) as StoredEvent['witnesses'],
    }));
  } catch (error) {
    // The schema may not be there yet (the daemon is still creating it).
    if (error instanceof Error && /no such table/.test(error.message)) return [];
    throw error;
  } finally {
    db.close();
  }
}
