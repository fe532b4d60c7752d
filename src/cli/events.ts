import { parseDuration } from '../config/duration.js';
import type { Environment } from '../config/env.js';
import { storageDirOf } from '../config/storage.js';
import { eventToJson } from '../events/event.js';
import { EVENT_TYPES, type EventType } from '../events/event-type.js';
import { FileJournal } from '../journal/file-journal.js';
import { printable } from '../text.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/** `netwatch events [--device D] [--type T] [--since 2h] [--json]`: the journal, oldest first. */
export interface EventsOptions {
  readonly file: string;
  readonly device: string | undefined;
  readonly type: string | undefined;
  readonly since: string | undefined;
  readonly json: boolean;
}

export async function runEvents(
  options: EventsOptions,
  env: Environment,
  out: Output,
  now = Date.now(),
): Promise<number> {
  if (options.type !== undefined && !(EVENT_TYPES as readonly string[]).includes(options.type)) {
    out.error(`netwatch events: unknown type "${options.type}"; one of: ${EVENT_TYPES.join(', ')}`);
    return 2;
  }
  const sinceMs = options.since === undefined ? undefined : parseDuration(options.since);
  if (options.since !== undefined && sinceMs === undefined) {
    out.error(`netwatch events: --since takes a duration such as 30m, 2h or 7d, not "${options.since}"`);
    return 2;
  }
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const journal = await FileJournal.open(storageDirOf(loaded.config), { readOnly: true });
  const events = journal.query({
    ...(options.device !== undefined ? { device: options.device } : {}),
    ...(options.type !== undefined ? { type: options.type as EventType } : {}),
    ...(sinceMs !== undefined ? { since: now - sinceMs } : {}),
  });
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
    out.print(
      `${time}  ${e.severity.padEnd(8)} ${e.device.padEnd(16)} ${e.type.padEnd(18)} ${printable(e.summary, 300)}`,
    );
  }
  return 0;
}
