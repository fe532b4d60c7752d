import { parseDuration } from '../config/duration.js';
import type { Environment } from '../config/env.js';
import { storageDirOf } from '../config/storage.js';
import { eventToJson } from '../events/event.js';
import { EVENT_TYPES } from '../events/event-type.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { printable } from '../text.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch events [--device D] [--type T] [--since 2h] [--json]`: the stored events, oldest
 * first. Reads the store beside a running daemon (SQLite WAL: readers never block the writer).
 * Events of a type this version does not know are shown as they are, marked "(unknown type)".
 */
export interface EventsOptions {
  readonly file: string;
  readonly device: string | undefined;
  readonly type: string | undefined;
  readonly since: string | undefined;
  readonly json: boolean;
}

const KNOWN = new Set<string>(EVENT_TYPES);

export async function runEvents(
  options: EventsOptions,
  env: Environment,
  out: Output,
  now = Date.now(),
): Promise<number> {
  if (options.type !== undefined && !/^[a-z][a-z0-9_]{0,63}$/.test(options.type)) {
    out.error(
      `netwatch events: "${printable(options.type, 80)}" is not an event type; known: ${EVENT_TYPES.join(', ')}`,
    );
    return 2;
  }
  const sinceMs = options.since === undefined ? undefined : parseDuration(options.since);
  if (options.since !== undefined && sinceMs === undefined) {
    out.error(`netwatch events: --since takes a duration such as 30m, 2h or 7d, not "${options.since}"`);
    return 2;
  }
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const opened = await SqliteStore.open(storageDirOf(loaded.config), { existing: true });
  if (!opened.ok) {
    out.error(`netwatch events: ${opened.reason}`);
    return 1;
  }
  let events: Awaited<ReturnType<typeof opened.store.queryEvents>>;
  try {
    events = await opened.store.queryEvents({
      ...(options.device !== undefined ? { device: options.device } : {}),
      ...(options.type !== undefined ? { type: options.type } : {}),
      ...(sinceMs !== undefined ? { since: now - sinceMs } : {}),
    });
  } catch (error) {
    out.error(`netwatch events: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await opened.store.close();
  }
  if (options.json) {
    out.print(JSON.stringify(events.map(eventToJson), null, 2));
    return 0;
  }
  if (events.length === 0) {
    out.print('no events');
    return 0;
  }
  for (const e of events) {
    const time = new Date(e.time)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    const type = KNOWN.has(e.type) ? e.type : `${e.type} (unknown type)`;
    out.print(
      `${time}  ${printable(e.severity, 8).padEnd(8)} ${printable(e.device, 64).padEnd(16)} ${printable(type, 64).padEnd(18)} ${printable(e.summary, 300)}`,
    );
  }
  return 0;
}
