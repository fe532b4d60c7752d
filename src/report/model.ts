import type { RecordedEvent } from '../events/event.js';
import type { Delivery, IncidentReport } from '../incident/incident.js';
import { urlSegment } from './escape.js';
import { firstSeen, firstWitness, incidentEvents } from './facts.js';
import { actionables, type Conclusions, conclusions } from './review.js';
import { type Question, scorecard } from './scorecard.js';
import { listText, type Summary, summarize } from './summary.js';
import { buildTimeline, deliveryText, eventSources, type TimelineLine } from './timeline.js';
import { formatDuration, formatLatency, isoUtc, utcClock, utcDateTime, utcDay } from './units.js';

/**
 * Everything a report says, format-neutral: built once from an IncidentReport, then written as
 * Markdown, wikitext or JSON by the renderers. Every string in it is plain text (the renderers
 * escape it all); nothing here reads a clock: what a report says is a function of the report.
 */

export interface ReportOptions {
  /**
   * `notify.page_on`: which event types page. Detection lists the events of these types as the
   * alerts that fired; without it, the incident's critical and major events (those that open or
   * join incidents) are listed.
   */
  readonly pageOn?: readonly string[];
}

/** Receivers that took a page, and those that did not (yet). */
export interface Paged {
  /** Receivers that accepted a trigger (or an update), in the report's receiver order. */
  readonly services: readonly string[];
  readonly failed: readonly { readonly receiver: string; readonly reason: string }[];
  readonly pending: readonly string[];
  /** "netwatch knows receivers, not people: 2 services paged (pagerduty, alertmanager)". */
  readonly text: string;
}

export interface Alert {
  readonly at: number;
  readonly kind: 'event' | 'page';
  /** The event type, or 'PAGED'. */
  readonly label: string;
  readonly text: string;
  readonly source?: string;
  /** For events: when netwatch first had it (first witness). */
  readonly recordedAt?: number;
  /** This event made the incident page-worthy. */
  readonly pageCause: boolean;
}

export interface Detection {
  readonly alerts: readonly Alert[];
  /** Impact → the first event netwatch recorded (its first witness's time). */
  readonly detection?: {
    readonly ms: number;
    readonly event: RecordedEvent;
    /** The first witness: when and how netwatch first had it. */
    readonly recordedAt: number;
    readonly source: string;
  };
  /** Impact → the first page a receiver accepted. */
  readonly paging?: { readonly ms: number; readonly receiver: string; readonly acceptedAt: number };
  /** Impact → acknowledged by a person. */
  readonly ack?: { readonly ms: number; readonly by: string; readonly at: number };
}

export interface Link {
  readonly text: string;
  readonly url: string;
}

export interface ReportModel {
  readonly report: IncidentReport;
  readonly timeline: readonly TimelineLine[];
  /** The UTC day of the whole timeline, when it is within one day (times then print as HH:MM:SS). */
  readonly day?: string;
  readonly summary: Summary;
  readonly paged: Paged;
  /** Maintenance, flapping and the correlator's remarks. */
  readonly marks: readonly string[];
  readonly detection: Detection;
  readonly conclusions: Conclusions;
  readonly links: readonly Link[];
  readonly actionables: readonly string[];
  readonly scorecard: readonly Question[];
}

/** What conclusions, actionables and the scorecard are computed from. */
export type ModelBase = Omit<ReportModel, 'conclusions' | 'actionables' | 'scorecard'>;

/** Receivers in the report's order, then any the outbox names that the report does not. */
export function receiverOrder(report: IncidentReport): string[] {
  return [...new Set([...report.receivers.map((r) => r.name), ...report.deliveries.map((d) => d.receiver)])];
}

const PAGING_ACTIONS: ReadonlySet<Delivery['action']> = new Set(['trigger', 'update']);

function paged(report: IncidentReport): Paged {
  const pages = report.deliveries.filter((d) => PAGING_ACTIONS.has(d.action));
  const order = receiverOrder(report);
  const services = order.filter((r) => pages.some((d) => d.receiver === r && d.result === 'accepted'));
  const failed = order.flatMap((r) => {
    const fail = pages.find((d) => d.receiver === r && d.result === 'failed');
    return fail && !services.includes(r)
      ? [{ receiver: r, reason: fail.reason ?? 'no reason recorded' }]
      : [];
  });
  const pending = order.filter(
    (r) => !services.includes(r) && pages.some((d) => d.receiver === r && d.result === 'pending'),
  );
  const count = services.length === 1 ? '1 service paged' : `${services.length} services paged`;
  const text = [
    `netwatch knows receivers, not people: ${services.length === 0 ? 'no service paged' : `${count} (${services.join(', ')})`}`,
    ...failed.map((f) => `page to ${f.receiver} failed: ${f.reason}`),
    ...(pending.length === 0 ? [] : [`${listText(pending)} not accepted yet`]),
    ...(report.incident.maintenance && pages.length === 0
      ? ['inside a maintenance window: nothing pages']
      : []),
  ].join('; ');
  return { services, failed, pending, text };
}

function marks(report: IncidentReport): string[] {
  const { incident } = report;
  return [
    ...(incident.maintenance
      ? [
          `inside maintenance window (${incident.maintenance.reason}) until ${utcDateTime(incident.maintenance.until)}`,
        ]
      : []),
    ...(incident.flapping ? [`${listText([...incident.devices])} flapping: one page, then updates`] : []),
    ...incident.entries.flatMap((e) => (e.kind === 'marked' ? [e.text] : [])),
  ];
}

function detection(
  report: IncidentReport,
  timeline: readonly TimelineLine[],
  options: ReportOptions,
): Detection {
  const { incident } = report;
  const pageOn = options.pageOn === undefined ? undefined : new Set(options.pageOn);
  const fired = (e: RecordedEvent) =>
    pageOn ? pageOn.has(e.type) : e.severity === 'critical' || e.severity === 'major';
  const events = incidentEvents(report);
  const eventAlerts: Alert[] = events.filter(fired).map((e) => ({
    at: e.time,
    kind: 'event',
    label: e.type,
    text: e.summary,
    source: eventSources(e),
    recordedAt: firstSeen(e),
    pageCause: incident.pageCause?.eventId === e.id,
  }));
  const triggers = report.deliveries.filter((d) => d.action === 'trigger');
  const pageAlerts: Alert[] = triggers.map((d) => ({
    at: d.acceptedAt ?? d.createdAt,
    kind: 'page',
    label: 'PAGED',
    text: deliveryText(d, incident.impactStart),
    pageCause: false,
  }));
  const [first] = [...events].sort((a, b) => firstSeen(a) - firstSeen(b));
  const accepted = triggers
    .flatMap((d) => (d.acceptedAt === undefined ? [] : [{ receiver: d.receiver, acceptedAt: d.acceptedAt }]))
    .sort((a, b) => a.acceptedAt - b.acceptedAt)[0];
  const acked = timeline.find((l) => l.kind === 'acked');
  return {
    alerts: [...eventAlerts, ...pageAlerts].sort((a, b) => a.at - b.at),
    ...(first
      ? {
          detection: {
            ms: firstSeen(first) - incident.impactStart,
            event: first,
            recordedAt: firstWitness(first).time,
            source: firstWitness(first).source,
          },
        }
      : {}),
    ...(accepted ? { paging: { ms: accepted.acceptedAt - incident.impactStart, ...accepted } } : {}),
    ...(acked
      ? { ack: { ms: acked.at - incident.impactStart, by: acked.author ?? 'someone', at: acked.at } }
      : {}),
  };
}

function links(report: IncidentReport): Link[] {
  const base = report.externalUrl.replace(/\/+$/, '');
  const id = urlSegment(report.incident.id);
  return [
    { text: `Incident ${report.incident.id} in netwatch`, url: `${base}/incidents/${id}` },
    ...report.incident.devices.map((d) => ({
      text: `Device ${d} in netwatch`,
      url: `${base}/devices/${urlSegment(d)}`,
    })),
    { text: 'This report as Markdown', url: `${base}/api/incidents/${id}/report.md` },
    { text: 'This report as MediaWiki', url: `${base}/api/incidents/${id}/report.wiki` },
    { text: 'This report as JSON', url: `${base}/api/incidents/${id}/report.json` },
  ];
}

export function buildReportModel(report: IncidentReport, options: ReportOptions = {}): ReportModel {
  const timeline = buildTimeline(report);
  const summary = summarize(report, timeline);
  const days = new Set(timeline.map((l) => utcDay(l.at)));
  const [day] = days;
  const model: ModelBase = {
    report,
    timeline,
    ...(days.size === 1 && day !== undefined ? { day } : {}),
    summary,
    paged: paged(report),
    marks: marks(report),
    detection: detection(report, timeline, options),
    links: links(report),
  };
  return {
    ...model,
    conclusions: conclusions(model),
    actionables: actionables(model),
    scorecard: scorecard(model),
  };
}

/** The metadata table, as label/value rows (md and wiki write the same rows). */
export function metadataRows(model: ReportModel): { readonly field: string; readonly value: string }[] {
  const { incident } = model.report;
  const end = incident.impactEnd;
  const scope = {
    device: 'one device',
    site: `site ${incident.site} (${incident.devices.length} devices)`,
    fleet: `fleet: netwatch could not reach most of its devices (${incident.devices.length})`,
  } satisfies Record<typeof incident.scope, string>;
  return [
    { field: 'Incident ID', value: incident.id },
    { field: 'Title', value: incident.title },
    { field: 'Status', value: incident.status },
    { field: 'Severity', value: incident.severity },
    { field: 'Start', value: `${utcDateTime(incident.impactStart)} (OUTAGE BEGINS)` },
    { field: 'End', value: end === undefined ? 'impact ongoing' : `${utcDateTime(end)} (OUTAGE ENDS)` },
    { field: 'Duration', value: end === undefined ? 'ongoing' : formatDuration(end - incident.impactStart) },
    {
      field: 'Resolved',
      value:
        incident.resolvedAt === undefined
          ? 'not yet'
          : `${utcDateTime(incident.resolvedAt)}${incident.resolvedBy === undefined ? '' : ` by ${incident.resolvedBy}`}`,
    },
    ...(incident.acked
      ? [{ field: 'Acknowledged', value: `${utcDateTime(incident.acked.at)} by ${incident.acked.by}` }]
      : []),
    { field: 'Scope', value: scope[incident.scope] },
    { field: 'Site', value: incident.site },
    { field: 'Devices', value: incident.devices.join(', ') },
    { field: 'People paged', value: model.paged.text },
    {
      field: 'Impact',
      value:
        model.summary.impact ??
        'TODO: netwatch measured no impact (no traffic drop, nothing unreachable): describe it',
    },
    { field: 'Marks', value: model.marks.length === 0 ? 'none' : model.marks.join('; ') },
    { field: 'Task', value: 'TODO: create a task and link it' },
  ];
}

/** Times as the timeline shows them: HH:MM:SS within one UTC day, full ISO otherwise. */
export function timeFormat(model: ReportModel): (ms: number) => string {
  return model.day === undefined ? (ms) => isoUtc(ms).replace(/\.\d{3}Z$/, 'Z') : utcClock;
}

/** How each kind of alert reads after its time (md and wiki write the same words). */
const ALERT_TEXT = {
  event: (a) =>
    `${a.label} via ${a.source ?? '?'}${a.recordedAt === undefined ? '' : `, first recorded ${isoUtc(a.recordedAt)}`}${a.pageCause ? ', made the incident page-worthy' : ''}: ${a.text}`,
  page: (a) => `${a.label} ${a.text}`,
} satisfies Record<Alert['kind'], (alert: Alert) => string>;

export function alertText(alert: Alert): string {
  return ALERT_TEXT[alert.kind](alert);
}

/** Detection as sentences (md and wiki list them; JSON carries the numbers). */
export function detectionLines(model: ReportModel): string[] {
  const { detection: d } = model;
  const lines = [
    d.detection
      ? `Detection latency: ${formatLatency(d.detection.ms)}, from OUTAGE BEGINS to the first event netwatch recorded (${d.detection.event.type}, first witnessed via ${d.detection.source} at ${isoUtc(d.detection.recordedAt)})`
      : 'Detection latency: unknown (no event recorded)',
    d.paging
      ? `Paging latency: ${formatLatency(d.paging.ms)}, from OUTAGE BEGINS to the first page a receiver accepted (${d.paging.receiver})`
      : 'Paging latency: none, no page was accepted',
  ];
  if (d.ack) lines.push(`Acknowledged by ${d.ack.by} ${formatLatency(d.ack.ms)} after impact`);
  return lines;
}
