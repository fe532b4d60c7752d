import type { EventType, Severity } from './event-type.js';

/** Where an event was seen. */
export type EventSource = 'poll' | 'trap' | 'syslog' | 'netconf';

export type EventDetails = Readonly<
  Record<string, string | number | boolean | null | readonly (string | number)[]>
>;

/** What a detector emits: an event before the journal gives it an id. */
export interface EventDraft {
  /** UTC ms. For traffic_drop, the onset (first low sample), not the poll that confirmed it. */
  readonly time: number;
  readonly device: string;
  readonly site: string;
  readonly type: EventType;
  readonly severity: Severity;
  readonly source: EventSource;
  /** One sentence an on-call engineer understands at 4 am. */
  readonly summary: string;
  readonly details: EventDetails;
}

/** A journaled event: the one schema for journal, API, metric labels and reports. */
export interface NetwatchEvent extends EventDraft {
  readonly id: string;
}

/** Default severity per type; a detector may raise it (e.g. a red alarm is major). */
export const SEVERITY = {
  process_crash: 'critical',
  process_restart: 'info',
  process_stuck: 'major',
  master_switchover: 'critical',
  member_down: 'major',
  member_up: 'info',
  member_reboot: 'major',
  vc_split_brain: 'critical',
  device_reboot: 'major',
  device_unreachable: 'major',
  device_reachable: 'info',
  traffic_drop: 'critical',
  traffic_recovered: 'info',
  traffic_imbalance: 'major',
  interface_down: 'minor',
  interface_up: 'info',
  config_change: 'info',
  alarm_raised: 'minor',
  alarm_cleared: 'info',
} as const satisfies Record<EventType, Severity>;

/** Event serialised for JSON output (time as UTC ISO-8601). */
export function eventToJson(event: NetwatchEvent): Record<string, unknown> {
  return { ...event, time: new Date(event.time).toISOString() };
}
