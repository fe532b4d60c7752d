import type { RecordedEvent } from '../events/event.js';
import type { EventType } from '../events/event-type.js';
import { crashFacts, detailString, detailValue, incidentEvents, leadUpEvents } from './facts.js';
import type { ModelBase } from './model.js';
import { listText, trafficOutcomes } from './summary.js';
import { formatDuration, formatLatency } from './units.js';

/**
 * Conclusions and Actionables: the facts netwatch knows, put where a reviewer looks for them, and
 * suggestions that follow from those facts. Never a claim the data does not hold; what only the
 * responders know stays a TODO for them (the renderers add the TODO lines).
 */

export interface Conclusions {
  readonly wentWell: readonly string[];
  readonly wentPoorly: readonly string[];
  readonly lucky: readonly string[];
}

export function conclusions(model: ModelBase): Conclusions {
  const { report, detection, paged } = model;
  const { incident } = report;
  const wentWell: string[] = [];
  const wentPoorly: string[] = [];
  const lucky: string[] = [];

  const d = detection.detection;
  if (d)
    wentWell.push(`netwatch recorded the first event ${formatLatency(d.ms)} after impact (${d.event.type})`);
  const accepted = report.deliveries
    .filter((p) => p.action === 'trigger' && p.acceptedAt !== undefined)
    .sort((a, b) => (a.acceptedAt ?? 0) - (b.acceptedAt ?? 0));
  if (detection.paging) {
    const each = accepted.map(
      (p) => `${p.receiver} ${formatLatency((p.acceptedAt ?? 0) - incident.impactStart)}`,
    );
    wentWell.push(`Paged ${formatLatency(detection.paging.ms)} after impact (${listText(each)})`);
  }
  for (const p of accepted.filter((a) => a.attempts > 1))
    wentPoorly.push(`${p.receiver} accepted the page only on attempt ${p.attempts}`);
  for (const f of paged.failed) wentPoorly.push(`Page to ${f.receiver} failed: ${f.reason}`);
  for (const r of paged.pending) wentPoorly.push(`Page to ${r} was not accepted (still pending)`);
  if (report.deliveries.some((p) => p.degraded))
    wentPoorly.push('Pages were sent from memory: the store could not be written');
  if (paged.services.length === 0 && !incident.maintenance) wentPoorly.push('No service was paged');
  if (incident.flapping) wentPoorly.push(`${listText([...incident.devices])} was flapping`);
  const reopened = incident.entries.filter((e) => e.kind === 'reopened').length;
  if (reopened > 0)
    wentPoorly.push(
      `Impact returned within the quiet period: the incident reopened ${reopened === 1 ? 'once' : `${reopened} times`}`,
    );

  for (const o of trafficOutcomes(report, model.timeline)) {
    if (o.ended === undefined) continue;
    const lasted = formatDuration(o.ended - o.began);
    if (o.settled)
      wentPoorly.push(`${o.subject} did not come back: after ${lasted} traffic settled at a new level`);
    else if (o.unaided) lucky.push(`${o.subject} recovered without intervention after ${lasted}`);
    else wentWell.push(`${o.subject} recovered after ${lasted}`);
  }
  return { wentWell, wentPoorly, lucky };
}

interface SuggestContext {
  readonly model: ModelBase;
  /** Milliseconds from the event to OUTAGE BEGINS (lead-up events). */
  readonly before: (event: RecordedEvent) => string;
}

type Suggest = (events: readonly RecordedEvent[], ctx: SuggestContext) => string[];

/** Suggestions from the incident's own events, by type. */
const FROM_EVENTS = {
  process_crash: (events) =>
    events.flatMap((e) => {
      const crash = crashFacts(e);
      const signal = crash.signal === undefined ? '' : ` (signal ${crash.signal})`;
      return crash.core
        ? [
            `Look for a Junos PR matching the ${crash.process} core dump${signal}`,
            `Open a JTAC case with the core file of ${crash.process} from ${e.device}${crash.coreFile === undefined ? '' : ` (${crash.coreFile})`}`,
          ]
        : [`Look for a Junos PR matching the ${crash.process} crash${signal}`];
    }),
  master_switchover: (events) =>
    events.map((e) => {
      const from = detailValue(e, 'from');
      const to = detailValue(e, 'to');
      const move = from !== undefined && to !== undefined ? ` from member ${from} to member ${to}` : '';
      return `Find out why the virtual chassis master of ${e.device} moved${move}`;
    }),
  device_reboot: (events) => events.map((e) => `Find out why ${e.device} rebooted`),
  member_down: (events) =>
    events.map(
      (e) => `Find out why virtual chassis member ${detailValue(e, 'member') ?? '?'} left ${e.device}`,
    ),
  vc_split_brain: (events) =>
    events.map((e) => `Check the virtual chassis ports of ${e.device}: two members claimed master`),
  netconf_host_key_changed: (events) =>
    events.map((e) => `Verify the new SSH host key of ${e.device} out of band before pinning it`),
} satisfies Partial<Record<EventType, Suggest>>;

/** Suggestions from lead-up events: what changed just before may be the cause. */
const FROM_LEAD_UP = {
  interface_up: (events, ctx) =>
    events.map(
      (e) =>
        `Check whether ${detailString(e, 'interface') ?? 'the interface'} on ${e.device} coming up ${ctx.before(e)} before the outage is related`,
    ),
  interface_down: (events, ctx) =>
    events.map(
      (e) =>
        `Check whether ${detailString(e, 'interface') ?? 'the interface'} on ${e.device} going down ${ctx.before(e)} before the outage is related`,
    ),
  config_change: (events, ctx) =>
    events.map(
      (e) =>
        `Review the configuration change on ${e.device} by ${detailString(e, 'user') ?? 'an unknown user'} ${ctx.before(e)} before the outage`,
    ),
} satisfies Partial<Record<EventType, Suggest>>;

function byType(
  events: readonly RecordedEvent[],
  table: Partial<Record<string, Suggest>>,
  ctx: SuggestContext,
): string[] {
  const types = [...new Set(events.map((e) => e.type))];
  return types.flatMap(
    (t) =>
      table[t]?.(
        events.filter((e) => e.type === t),
        ctx,
      ) ?? [],
  );
}

export function actionables(model: ModelBase): string[] {
  const { report } = model;
  const ctx: SuggestContext = {
    model,
    before: (e) => formatDuration(report.incident.impactStart - e.time),
  };
  const pages = model.paged.failed.map(
    (f) => `Fix the page to ${f.receiver} (${f.reason}); netwatch notify test ${f.receiver} checks it`,
  );
  return [
    ...new Set([
      ...byType(incidentEvents(report), FROM_EVENTS, ctx),
      ...byType(leadUpEvents(report), FROM_LEAD_UP, ctx),
      ...pages,
    ]),
  ];
}
