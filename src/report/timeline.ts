import type { RecordedEvent } from '../events/event.js';
import type {
  Delivery,
  IncidentEntry,
  IncidentEntryKind,
  IncidentReport,
  Note,
  PageAction,
} from '../incident/incident.js';
import { formatLatency } from './units.js';

/**
 * The incident's timeline as people read it: the correlator's entries, the pages from the outbox
 * and the responders' notes, merged in time order. The one list the reports, the API and the web
 * page show, and the one the scenario checker matches by label (event types, 'OUTAGE BEGINS',
 * 'OUTAGE ENDS', 'PAGED'). Texts are plain and may hold device text: renderers escape them.
 */

export type TimelineKind = IncidentEntryKind | 'paged' | 'note';

export interface TimelineLine {
  /** UTC ms. */
  readonly at: number;
  readonly kind: TimelineKind;
  /**
   * The event type for `lead_up` and `event`; 'OUTAGE BEGINS', 'OUTAGE ENDS'; 'PAGED' for a
   * trigger, 'PAGE UPDATED' for an update (site incident growing), 'RESOLVE SENT' for a resolve;
   * 'NOTE', 'MARKED', 'REOPENED', 'ACKED', 'RESOLVED'.
   */
  readonly label: string;
  readonly text: string;
  /** Who saw an event (its witnesses' sources, first first: "syslog, trap"); 'operator' for notes. */
  readonly source?: string;
  readonly device?: string;
  /** The event's id, for `lead_up` and `event` lines. */
  readonly eventId?: string;
  /** The receiver, for `paged` lines. */
  readonly receiver?: string;
  /** Who wrote a note, acked or resolved by hand. */
  readonly author?: string;
}

/** Labels of correlator entries: the event's own type for events, fixed words for the rest. */
const ENTRY_LABEL = {
  lead_up: (entry) => entry.event?.type ?? 'lead-up',
  outage_begins: () => 'OUTAGE BEGINS',
  event: (entry) => entry.event?.type ?? 'event',
  marked: () => 'MARKED',
  reopened: () => 'REOPENED',
  outage_ends: () => 'OUTAGE ENDS',
  acked: () => 'ACKED',
  resolved: () => 'RESOLVED',
} satisfies Record<IncidentEntryKind, (entry: IncidentEntry) => string>;

/**
 * Order of lines stamped with the same millisecond: the outage begins before the events dated at
 * its onset (the drop is dated back to the first low sample, the very moment of OUTAGE BEGINS);
 * a page after the event that caused it; the end after the recovery that ended it; the
 * resolution last. Within one kind, input order (entries are in the correlator's order).
 */
const TIE_ORDER = {
  lead_up: 0,
  reopened: 1,
  outage_begins: 2,
  event: 3,
  marked: 4,
  paged: 5,
  note: 6,
  acked: 7,
  outage_ends: 8,
  resolved: 9,
} satisfies Record<TimelineKind, number>;

/**
 * What each page action shows as. `refresh` (Alertmanager re-sends while the incident is open) is
 * not news to a reader: it is counted in metrics, not listed.
 */
const PAGE_LINE = {
  trigger: { label: 'PAGED', sinceImpact: true, tie: TIE_ORDER.paged },
  update: { label: 'PAGE UPDATED', sinceImpact: false, tie: TIE_ORDER.paged },
  // A resolve is sent because the incident resolved: after RESOLVED, even within the same ms.
  resolve: { label: 'RESOLVE SENT', sinceImpact: false, tie: TIE_ORDER.resolved + 1 },
  refresh: undefined,
} satisfies Record<
  PageAction,
  { readonly label: string; readonly sinceImpact: boolean; readonly tie: number } | undefined
>;

/** The sources that saw an event, first first and each once: "syslog, trap". */
export function eventSources(event: RecordedEvent): string {
  const sources = [...new Set(event.witnesses.map((w) => w.source))];
  return sources.length === 0 ? event.source : sources.join(', ');
}

function entryLine(entry: IncidentEntry): TimelineLine {
  const event = entry.event;
  return {
    at: entry.at,
    kind: entry.kind,
    label: ENTRY_LABEL[entry.kind](entry),
    text: entry.text === '' && event ? event.summary : entry.text,
    ...(event ? { source: eventSources(event), device: event.device, eventId: event.id } : {}),
    ...(entry.author === undefined ? {} : { author: entry.author }),
  };
}

function attemptsText(attempts: number): string {
  return attempts > 1 ? `${attempts} attempts` : '1 attempt';
}

/** "pagerduty (accepted 14 s after impact)", "alertmanager: failed — HTTP 400 …", "…: pending". */
export function deliveryText(delivery: Delivery, impactStart: number): string {
  const shape = PAGE_LINE[delivery.action];
  const degraded = delivery.degraded ? '; sent from memory: the store could not be written' : '';
  const reason = delivery.reason ?? 'no reason recorded';
  const outcome = {
    accepted: () => {
      const since =
        shape?.sinceImpact && delivery.acceptedAt !== undefined
          ? ` ${formatLatency(delivery.acceptedAt - impactStart)} after impact`
          : '';
      const retried = delivery.attempts > 1 ? `, on attempt ${delivery.attempts}` : '';
      return `${delivery.receiver} (accepted${since}${retried}${degraded})`;
    },
    failed: () => `${delivery.receiver}: failed — ${reason} (${attemptsText(delivery.attempts)}${degraded})`,
    pending: () =>
      `${delivery.receiver}: pending, not accepted yet (${attemptsText(delivery.attempts)}${delivery.reason === undefined ? '' : `, last: ${delivery.reason}`}${degraded})`,
  } satisfies Record<Delivery['result'], () => string>;
  return outcome[delivery.result]();
}

function deliveryLine(delivery: Delivery, impactStart: number): Ranked | undefined {
  const shape = PAGE_LINE[delivery.action];
  if (shape === undefined) return undefined;
  const line: TimelineLine = {
    // A page counts from when the receiver took it; until then, from when it became due.
    at: delivery.acceptedAt ?? delivery.createdAt,
    kind: 'paged',
    label: shape.label,
    text: deliveryText(delivery, impactStart),
    receiver: delivery.receiver,
  };
  return { line, tie: shape.tie };
}

function noteLine(note: Note): TimelineLine {
  return {
    at: note.at,
    kind: 'note',
    label: 'NOTE',
    text: `by ${note.author}: ${note.text}`,
    source: 'operator',
    author: note.author,
  };
}

/** A line and its place among lines of the same millisecond. */
interface Ranked {
  readonly line: TimelineLine;
  readonly tie: number;
}

const ranked = (line: TimelineLine): Ranked => ({ line, tie: TIE_ORDER[line.kind] });

/** The timeline of an incident report, in time order (ties: see TIE_ORDER). */
export function buildTimeline(report: IncidentReport): TimelineLine[] {
  const { incident } = report;
  const lines = [
    ...incident.entries.map((e) => ranked(entryLine(e))),
    ...report.deliveries.flatMap((d) => deliveryLine(d, incident.impactStart) ?? []),
    ...report.notes.map((n) => ranked(noteLine(n))),
  ];
  return lines
    .map((item, index) => ({ ...item, index }))
    .sort((a, b) => a.line.at - b.line.at || a.tie - b.tie || a.index - b.index)
    .map(({ line }) => line);
}
