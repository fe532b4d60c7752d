import { mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventDraft, NetwatchEvent } from '../events/event.js';
import { EVENT_TYPES } from '../events/event-type.js';
import { type EventFilter, eventId, type Journal, matches } from './journal.js';

/**
 * The real journal: `events.jsonl` in storage.dir, one JSON event per line, appended and
 * fdatasync'd before `append` resolves, so a `kill -9` right after loses nothing. Read back whole
 * at open into memory (events are rare next to polls) — the index for queries. A torn last line
 * from a crash mid-write is cut off at open. Why not SQLite: docs/decisions/0002-event-journal.md.
 */

const FILE = 'events.jsonl';
const TYPES = new Set<string>(EVENT_TYPES);

function parseLine(line: string): NetwatchEvent | undefined {
  try {
    const raw = JSON.parse(line) as Record<string, unknown>;
    if (typeof raw.id !== 'string' || typeof raw.time !== 'string' || !TYPES.has(String(raw.type)))
      return undefined;
    return { ...(raw as unknown as NetwatchEvent), time: Date.parse(raw.time) };
  } catch {
    return undefined;
  }
}

export class FileJournal implements Journal {
  readonly #events: NetwatchEvent[];
  #seq: number;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle | undefined,
    events: NetwatchEvent[],
  ) {
    this.#events = events;
    this.#seq = events.reduce((max, e) => Math.max(max, Number(e.id.split('-').pop()) || 0), 0);
  }

  /** Opens (creating) the journal in `dir`. `readOnly` for commands that only query. */
  static async open(dir: string, options: { readonly readOnly?: boolean } = {}): Promise<FileJournal> {
    const path = join(dir, FILE);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot read ${path}`, { cause: error });
    }
    const events: NetwatchEvent[] = [];
    let goodBytes = 0;
    let offset = 0;
    for (const line of text.split('\n')) {
      const end = offset + Buffer.byteLength(line) + 1;
      const event = line.trim() === '' ? undefined : parseLine(line);
      if (event) {
        events.push(event);
        goodBytes = end;
      }
      offset = end;
    }
    if (options.readOnly) return new FileJournal(undefined, events);
    mkdirSync(dir, { recursive: true });
    // A crash mid-append leaves a partial last line: cut it, or the next append would glue onto it.
    if (text.length > 0 && goodBytes < Buffer.byteLength(text)) truncateSync(path, goodBytes);
    return new FileJournal(await open(path, 'a'), events);
  }

  append(drafts: readonly EventDraft[]): Promise<readonly NetwatchEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    const handle = this.handle;
    if (!handle) return Promise.reject(new Error('journal opened read-only'));
    // One writer at a time keeps ids and file order the same.
    const run = this.#queue.then(async () => {
      const added = drafts.map((d) => ({ ...d, id: eventId(d.time, ++this.#seq) }));
      const text = added
        .map((e) => `${JSON.stringify({ ...e, time: new Date(e.time).toISOString() })}\n`)
        .join('');
      await handle.appendFile(text);
      await handle.datasync();
      this.#events.push(...added);
      return added;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Matching events by time (a drop is dated from its onset, so file order can differ), then id. */
  query(filter: EventFilter = {}): readonly NetwatchEvent[] {
    const found = this.#events
      .filter((e) => matches(e, filter))
      .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return filter.limit === undefined ? found : found.slice(-filter.limit);
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.handle?.close();
  }
}
