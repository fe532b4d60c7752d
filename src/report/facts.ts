import type { RecordedEvent } from '../events/event.js';
import type { IncidentReport } from '../incident/incident.js';
import type { TimelineKind, TimelineLine } from './timeline.js';
import { parseTime } from './units.js';

/**
 * Typed reads of what events and the timeline hold, shared by the summary, the conclusions and
 * the actionables. Details are read defensively: they come from the store and may have been
 * written by another version; a key that is absent or of another type is simply not a fact.
 */

export function detailString(event: RecordedEvent, key: string): string | undefined {
  const value = event.details[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function detailNumber(event: RecordedEvent, key: string): number | undefined {
  const value = event.details[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A number or a non-empty string (a member id, a signal name). */
export function detailValue(event: RecordedEvent, key: string): string | undefined {
  return detailString(event, key) ?? detailNumber(event, key)?.toString();
}

export function detailList(event: RecordedEvent, key: string): readonly string[] {
  const value = event.details[key];
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * A crash's process, signal and core dump. SPEC "Events": process, old/new PID, signal, core
 * file. A core is known when the details name its file (`core_file`) or say one was dumped
 * (`core: true`, as a "Core dumped!" syslog line does).
 */
export interface CrashFacts {
  readonly process: string;
  readonly signal?: string;
  readonly core: boolean;
  readonly coreFile?: string;
}

export function crashFacts(event: RecordedEvent): CrashFacts {
  const signal = detailValue(event, 'signal');
  const coreFile = detailString(event, 'core_file');
  return {
    process: detailString(event, 'process') ?? 'a process',
    ...(signal === undefined ? {} : { signal }),
    core: coreFile !== undefined || event.details.core === true,
    ...(coreFile === undefined ? {} : { coreFile }),
  };
}

/**
 * When and by which source netwatch first had the fact: its earliest witness. The event's own
 * time can be earlier (a traffic drop is dated back to its onset and confirmed polls later).
 */
export function firstWitness(event: RecordedEvent): { readonly source: string; readonly time: number } {
  let first: { source: string; time: number } | undefined;
  for (const w of event.witnesses) {
    const time = parseTime(w.time);
    if (time !== undefined && (first === undefined || time < first.time)) first = { source: w.source, time };
  }
  return first ?? { source: event.source, time: event.time };
}

export function firstSeen(event: RecordedEvent): number {
  return firstWitness(event).time;
}

/** The incident's events (not the lead-up), in timeline order. */
export function incidentEvents(report: IncidentReport): RecordedEvent[] {
  return report.incident.entries.flatMap((e) => (e.kind === 'event' && e.event ? [e.event] : []));
}

export function leadUpEvents(report: IncidentReport): RecordedEvent[] {
  return report.incident.entries.flatMap((e) => (e.kind === 'lead_up' && e.event ? [e.event] : []));
}

/**
 * Timeline lines that are a person acting on the incident, by kind: a note, an ack, a resolve by
 * a person (not netwatch's quiet period), an operator event (baseline accepted) or a
 * configuration change.
 */
const ACTS: Partial<Record<TimelineKind, (line: TimelineLine) => boolean>> = {
  note: () => true,
  acked: () => true,
  resolved: (line) => line.author !== undefined && line.author !== 'netwatch',
  event: (line) => line.source === 'operator' || line.label === 'config_change',
};

/**
 * Did anyone act between the start of the impact and `until`, as far as netwatch knows? Used to
 * say "recovered without intervention" only when netwatch saw no such act.
 */
export function intervened(
  report: IncidentReport,
  timeline: readonly TimelineLine[],
  until: number,
): boolean {
  const start = report.incident.impactStart;
  return timeline.some((line) => line.at >= start && line.at <= until && (ACTS[line.kind]?.(line) ?? false));
}
