import type { IncidentReport } from '../incident/incident.js';
import { jsonText } from './escape.js';
import { buildReportModel, type ReportModel, type ReportOptions } from './model.js';
import type { Answer } from './scorecard.js';
import type { TimelineKind } from './timeline.js';
import { isoUtc, seconds } from './units.js';

/**
 * The report as JSON: a stable, versioned object for programs (the API, other tools). Times are
 * ISO-8601 UTC strings, durations and latencies in seconds (millisecond precision). Optional
 * values are `null`, never missing, so every key is always there. A change that removes or
 * changes a key bumps the version in `format`; new keys may be added within a version.
 */

export const REPORT_JSON_FORMAT = 'netwatch-incident-report/1';

export interface ReportJson {
  readonly format: typeof REPORT_JSON_FORMAT;
  readonly id: string;
  readonly title: string;
  readonly status: 'open' | 'resolved';
  readonly severity: 'critical' | 'major';
  readonly scope: 'device' | 'site' | 'fleet';
  readonly site: string;
  readonly devices: readonly string[];
  readonly openedAt: string;
  /** OUTAGE BEGINS. */
  readonly start: string;
  /** OUTAGE ENDS; null while impact is active. */
  readonly end: string | null;
  readonly durationSeconds: number | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly acked: { readonly by: string; readonly at: string } | null;
  readonly maintenance: { readonly reason: string; readonly until: string } | null;
  readonly flapping: boolean;
  /** Maintenance, flapping and the correlator's remarks, as sentences. */
  readonly marks: readonly string[];
  /** netwatch knows receivers, not people: `services` are the receivers that accepted a page. */
  readonly paged: {
    readonly services: readonly string[];
    readonly failed: readonly { readonly receiver: string; readonly reason: string }[];
    readonly pending: readonly string[];
    readonly text: string;
  };
  /** The summary's impact clauses; null when netwatch measured no impact. */
  readonly impact: string | null;
  readonly summary: string;
  readonly timeline: readonly {
    readonly at: string;
    readonly kind: TimelineKind;
    readonly label: string;
    readonly text: string;
    readonly source: string | null;
    readonly device: string | null;
    readonly eventId: string | null;
    readonly receiver: string | null;
    readonly author: string | null;
  }[];
  readonly detection: {
    readonly alerts: readonly {
      readonly at: string;
      readonly kind: 'event' | 'page';
      readonly label: string;
      readonly text: string;
      readonly source: string | null;
      readonly recordedAt: string | null;
      readonly pageCause: boolean;
    }[];
    /** Impact → the first event recorded (its earliest witness; `firstEvent.source` is that witness's source). */
    readonly detectionLatencySeconds: number | null;
    readonly firstEvent: {
      readonly type: string;
      readonly source: string;
      readonly recordedAt: string;
    } | null;
    /** Impact → the first page a receiver accepted. */
    readonly pagingLatencySeconds: number | null;
    readonly firstPage: { readonly receiver: string; readonly acceptedAt: string } | null;
    readonly ackLatencySeconds: number | null;
  };
  /** Known facts only; what the responders know is theirs to add. */
  readonly conclusions: {
    readonly wentWell: readonly string[];
    readonly wentPoorly: readonly string[];
    readonly lucky: readonly string[];
  };
  readonly links: readonly { readonly text: string; readonly url: string }[];
  readonly actionables: readonly string[];
  /** `answer: null` is a question for the humans (TODO). */
  readonly scorecard: readonly {
    readonly section: string;
    readonly question: string;
    readonly answer: Exclude<Answer, 'todo'> | null;
    readonly detail: string | null;
  }[];
}

export function reportJson(model: ReportModel): ReportJson {
  const { incident } = model.report;
  const { detection: d } = model;
  return {
    format: REPORT_JSON_FORMAT,
    id: incident.id,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    scope: incident.scope,
    site: incident.site,
    devices: incident.devices,
    openedAt: isoUtc(incident.openedAt),
    start: isoUtc(incident.impactStart),
    end: incident.impactEnd === undefined ? null : isoUtc(incident.impactEnd),
    durationSeconds:
      incident.impactEnd === undefined ? null : seconds(incident.impactEnd - incident.impactStart),
    resolvedAt: incident.resolvedAt === undefined ? null : isoUtc(incident.resolvedAt),
    resolvedBy: incident.resolvedBy ?? null,
    acked: incident.acked ? { by: incident.acked.by, at: isoUtc(incident.acked.at) } : null,
    maintenance: incident.maintenance
      ? { reason: incident.maintenance.reason, until: isoUtc(incident.maintenance.until) }
      : null,
    flapping: incident.flapping,
    marks: model.marks,
    paged: model.paged,
    impact: model.summary.impact ?? null,
    summary: model.summary.text,
    timeline: model.timeline.map((l) => ({
      at: isoUtc(l.at),
      kind: l.kind,
      label: l.label,
      text: l.text,
      source: l.source ?? null,
      device: l.device ?? null,
      eventId: l.eventId ?? null,
      receiver: l.receiver ?? null,
      author: l.author ?? null,
    })),
    detection: {
      alerts: d.alerts.map((a) => ({
        at: isoUtc(a.at),
        kind: a.kind,
        label: a.label,
        text: a.text,
        source: a.source ?? null,
        recordedAt: a.recordedAt === undefined ? null : isoUtc(a.recordedAt),
        pageCause: a.pageCause,
      })),
      detectionLatencySeconds: d.detection ? seconds(d.detection.ms) : null,
      firstEvent: d.detection
        ? {
            type: d.detection.event.type,
            source: d.detection.source,
            recordedAt: isoUtc(d.detection.recordedAt),
          }
        : null,
      pagingLatencySeconds: d.paging ? seconds(d.paging.ms) : null,
      firstPage: d.paging ? { receiver: d.paging.receiver, acceptedAt: isoUtc(d.paging.acceptedAt) } : null,
      ackLatencySeconds: d.ack ? seconds(d.ack.ms) : null,
    },
    conclusions: model.conclusions,
    links: model.links,
    actionables: model.actionables,
    scorecard: model.scorecard.map((q) => ({
      section: q.section,
      question: q.question,
      answer: q.answer === 'todo' ? null : q.answer,
      detail: q.detail ?? null,
    })),
  };
}

/** The report of an incident as JSON text (JSON.stringify is the only escaping it needs). */
export function renderJson(report: IncidentReport, options: ReportOptions = {}): string {
  return jsonText(reportJson(buildReportModel(report, options)));
}
