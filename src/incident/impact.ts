import type { RecordedEvent } from '../events/event.js';
import type { EventType, Severity } from '../events/event-type.js';

/**
 * What an event means for an incident's impact, as data. Pure.
 *
 * A *lasting* impact starts with one event and ends with its counterpart (a drop ends when that
 * scope recovers, a member loss when that member is back); while any is active the outage goes
 * on. Every other critical/major event is a *point* impact (a crash, a switchover, a reboot): the
 * outage of an incident made only of those ends at the last of them.
 */

type KeyOf = (event: RecordedEvent) => string;

const detail = (event: RecordedEvent, key: string): string => {
  const value = event.details[key];
  return value === undefined || value === null ? '' : String(value);
};

/** Lasting impacts: the key one impact is known by, to be matched by the event that ends it. */
export const LASTING = {
  traffic_drop: (e) => `traffic:${detail(e, 'scope')}`,
  member_down: (e) => `member:${detail(e, 'member')}`,
  device_unreachable: () => 'reachability',
  alarm_raised: (e) => `alarm:${detail(e, 'color')}`,
} as const satisfies Partial<Record<EventType, KeyOf>>;

/** Events that end a lasting impact, with the key of the impact they end. */
export const ENDS = {
  traffic_recovered: (e) => `traffic:${detail(e, 'scope')}`,
  member_up: (e) => `member:${detail(e, 'member')}`,
  device_reachable: () => 'reachability',
  alarm_cleared: (e) => `alarm:${detail(e, 'color')}`,
} as const satisfies Partial<Record<EventType, KeyOf>>;

const lasting: Readonly<Record<string, KeyOf>> = LASTING;
const ends: Readonly<Record<string, KeyOf>> = ENDS;

export function lastingKey(event: RecordedEvent): string | undefined {
  return lasting[event.type]?.(event);
}

export function endedKey(event: RecordedEvent): string | undefined {
  return ends[event.type]?.(event);
}

/**
 * A recovery that is not one: the detector gave up waiting and learnt the low level as the new
 * normal (`traffic_recovered` with `reason: rebaselined`). The impact stays for an operator.
 */
export function isRebaselined(event: RecordedEvent): boolean {
  return event.type === 'traffic_recovered' && event.details.reason === 'rebaselined';
}

export const IMPACT_SEVERITIES: ReadonlySet<string> = new Set<Severity>(['critical', 'major']);

const RANK: Readonly<Record<string, number>> = { critical: 0, major: 1, minor: 2, info: 3 };

/** The more severe of two severities (unknown strings rank lowest). */
export function worse(a: string, b: string): string {
  return (RANK[a] ?? 9) <= (RANK[b] ?? 9) ? a : b;
}
