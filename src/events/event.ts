import type { EventType, Severity } from './event-type.js';

/** Where an event was seen. */
export type EventSource = 'poll' | 'trap' | 'syslog' | 'netconf' | 'operator';

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
  /**
   * Names the fact itself, independent of which source saw it or when it was seen (a switchover:
   * the new master and the redundancy count; a crash: the process and its old PID; a reboot: the
   * boot epoch). With the device and type it is unique in the store: a second sighting of the
   * same fact is a witness, never a second event. See events/fact-key.ts.
   */
  readonly fact: string;
}

/** A journaled event: the one schema for journal, API, metric labels and reports. */
export interface NetwatchEvent extends EventDraft {
  readonly id: string;
  /** Per-device sequence number, gap-free from 1: the order consumers (incidents) replay in. */
  readonly seq: number;
}

/**
 * An event as read back from the store. Its type may be one this version does not know (written
 * by a newer netwatch): such events are kept and shown as they are, never deleted or rewritten.
 */
export interface RecordedEvent extends Omit<NetwatchEvent, 'type' | 'severity' | 'source'> {
  readonly type: string;
  readonly severity: string;
  readonly source: string;
  /** Every source that saw this fact, first first: `{ source, time }` (UTC ISO-8601). */
  readonly witnesses: readonly { readonly source: string; readonly time: string }[];
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
  baseline_accepted: 'info',
  member_renumbered: 'info',
  poll_degraded: 'minor',
  netconf_host_key_changed: 'major',
} as const satisfies Record<EventType, Severity>;

/** Event serialised for JSON output (time as UTC ISO-8601). */
export function eventToJson(event: NetwatchEvent | RecordedEvent): Record<string, unknown> {
  if (!('witnesses' in event)) return { ...event, time: new Date(event.time).toISOString() };
  const { witnesses, ...rest } = event;
  return { ...rest, time: new Date(event.time).toISOString(), details: { ...event.details, witnesses } };
}
