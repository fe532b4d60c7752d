import type { EventDraft, NetwatchEvent } from '../events/event.js';
import type { EventType } from '../events/event-type.js';

/** The event journal seam: append-only, durable when `append` resolves, queryable. */

export interface EventFilter {
  readonly device?: string;
  readonly type?: EventType;
  /** Inclusive lower bound, ms. */
  readonly since?: number;
  readonly limit?: number;
}

export interface Journal {
  /** Gives each draft an id and makes it durable (fsync) before resolving. */
  append(drafts: readonly EventDraft[]): Promise<readonly NetwatchEvent[]>;
  query(filter?: EventFilter): readonly NetwatchEvent[];
  close(): Promise<void>;
}

export function matches(event: NetwatchEvent, filter: EventFilter): boolean {
  return (
    (filter.device === undefined || event.device === filter.device) &&
    (filter.type === undefined || event.type === filter.type) &&
    (filter.since === undefined || event.time >= filter.since)
  );
}

/** Sortable, human-readable ids: `20261121T094800Z-000042`. */
export function eventId(time: number, seq: number): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${String(seq).padStart(6, '0')}`;
}

/** The fake: the same contract in memory, recording every append. */
export class MemoryJournal implements Journal {
  readonly events: NetwatchEvent[] = [];
  #seq = 0;

  async append(drafts: readonly EventDraft[]): Promise<readonly NetwatchEvent[]> {
    const added = drafts.map((d) => ({ ...d, id: eventId(d.time, ++this.#seq) }));
    this.events.push(...added);
    return added;
  }

  query(filter: EventFilter = {}): readonly NetwatchEvent[] {
    const found = this.events.filter((e) => matches(e, filter));
    return filter.limit === undefined ? found : found.slice(-filter.limit);
  }

  async close(): Promise<void> {}
}

/** The journal sequence number inside an event id. */
export function seqOf(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1)) || 0;
}

const IDENTITY = ['scope', 'member', 'process', 'interface', 'color', 'change_index', 'group'] as const;

/**
 * What makes two events "the same report" for restart de-duplication: the type and the thing it
 * is about (switchovers also by from/to).
 */
export function dedupKey(event: {
  readonly type: string;
  readonly details: Readonly<Record<string, unknown>>;
}): string {
  const d = event.details;
  const about = IDENTITY.filter((k) => d[k] !== undefined).map((k) => `${k}=${String(d[k])}`);
  if (event.type === 'master_switchover') about.push(`from=${String(d.from)}`, `to=${String(d.to)}`);
  return [event.type, ...about].join('|');
}
