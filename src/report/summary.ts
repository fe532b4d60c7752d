import type { RecordedEvent } from '../events/event.js';
import type { EventType } from '../events/event-type.js';
import type { IncidentReport } from '../incident/incident.js';
import {
  crashFacts,
  detailList,
  detailNumber,
  detailString,
  detailValue,
  incidentEvents,
  intervened,
  leadUpEvents,
} from './facts.js';
import type { TimelineLine } from './timeline.js';
import { formatDuration } from './units.js';

/**
 * The report's Summary: one generated paragraph from the incident's events, cause before
 * consequence before impact, e.g. "Process fxpc on asw1-eqsin crashed (signal 6, core dumped);
 * the virtual chassis master moved from member 0 to member 1; traffic through asw1-eqsin fell by
 * 98 % for 5 min 12 s and recovered without intervention." Only facts the events hold: a detail
 * that is absent is left out, never guessed. One clause per kind of event, from the CLAUSES
 * registry; types without a clause (informational ones, or types from a newer version) add none.
 */

export interface Summary {
  /** The paragraph (plain text: may hold device text). */
  readonly text: string;
  /** The impact clauses alone (metadata "Impact"); absent when netwatch measured no impact. */
  readonly impact?: string;
}

/** A drop (or an unreachability) and how it ended. */
export interface Outcome {
  /** "traffic through asw1-eqsin", "traffic through interface group uplinks on asw1-eqsin". */
  readonly subject: string;
  readonly device: string;
  readonly began: number;
  readonly percentFell?: number;
  /** When it ended: the recovery event's time. */
  readonly ended?: number;
  /** Ended by rebaselining (`reason: rebaselined`): the traffic did not come back. */
  readonly settled: boolean;
  /** Ended and nobody acted (note, ack, operator event, config change) before the end. */
  readonly unaided: boolean;
}

interface ClauseContext {
  readonly report: IncidentReport;
  readonly events: readonly RecordedEvent[];
  readonly traffic: readonly Outcome[];
  readonly timeline: readonly TimelineLine[];
  /** Devices the paragraph has named so far (clauses run in order; local to one summarize call). */
  readonly named: Set<string>;
}

interface Clause {
  /** Where the clause goes: causes (crash, reboot) first, then what they did, then the impact. */
  readonly rank: number;
  /** The clause is an impact (the metadata's "Impact" row). */
  readonly impact: boolean;
  readonly describe: (events: readonly RecordedEvent[], ctx: ClauseContext) => string | undefined;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * One phrase per device, joined. `describe` gets the device, its events of the type and whether
 * the paragraph already named the device; the device counts as named afterwards.
 */
function perDevice(
  events: readonly RecordedEvent[],
  ctx: ClauseContext,
  describe: (device: string, evs: RecordedEvent[], named: boolean) => string,
): string {
  return listText(
    [...groupBy(events, (e) => e.device)].map(([device, evs]) => {
      const text = describe(device, evs, ctx.named.has(device));
      ctx.named.add(device);
      return text;
    }),
  );
}

/** The first event of `type` on the same device after `event` that `same` accepts. */
function laterOf(
  ctx: ClauseContext,
  event: RecordedEvent,
  type: string,
  same: (e: RecordedEvent) => boolean = () => true,
): RecordedEvent | undefined {
  return ctx.events.find(
    (e) => e.type === type && e.device === event.device && e.time >= event.time && same(e),
  );
}

const members = (events: readonly RecordedEvent[]) =>
  listText([...new Set(events.map((e) => detailValue(e, 'member') ?? '?'))]);

function crashes(ctx: ClauseContext, device: string, evs: readonly RecordedEvent[]): string {
  const items = [...groupBy(evs, (e) => crashFacts(e).process)].map(([process, same]) => {
    const [first] = same;
    const facts = first ? crashFacts(first) : undefined;
    const detail = [
      same.length > 1 ? `${same.length} times` : undefined,
      facts?.signal === undefined ? undefined : `signal ${facts.signal}`,
      facts?.core ? 'core dumped' : undefined,
    ].filter((d) => d !== undefined);
    const restart =
      first && laterOf(ctx, first, 'process_restart', (e) => detailString(e, 'process') === process);
    return {
      process,
      detail: detail.length > 0 ? ` (${detail.join(', ')})` : '',
      back:
        first && restart ? ` and was running again ${formatDuration(restart.time - first.time)} later` : '',
    };
  });
  const [only] = items;
  // "process fxpc on asw1-eqsin crashed (signal 6, core dumped)": with one process the detail reads best last.
  if (items.length === 1 && only)
    return `process ${only.process} on ${device} crashed${only.detail}${only.back}`;
  return `processes ${listText(items.map((i) => `${i.process}${i.detail}`))} on ${device} crashed`;
}

function switchovers(device: string, evs: readonly RecordedEvent[], named: boolean): string {
  const moves = evs.map((e) => {
    const from = detailValue(e, 'from');
    const to = detailValue(e, 'to');
    if (from !== undefined && to !== undefined) return `from member ${from} to member ${to}`;
    return to === undefined ? undefined : `to member ${to} after a routing engine switchover`;
  });
  // Right after a clause that named the device, "of asw1-eqsin" again only slows the reader down.
  const of = named ? '' : ` of ${device}`;
  if (moves.some((m) => m === undefined)) return `the routing engine${of} switched over`;
  return `the virtual chassis master${of} moved ${moves.join(', then ')}`;
}

function outcomeText(outcome: Outcome, open: boolean): string {
  const fell = outcome.percentFell === undefined ? 'fell' : `fell by ${outcome.percentFell} %`;
  if (outcome.ended === undefined)
    return `${outcome.subject} ${fell}${open ? ' and had not recovered when this report was written' : ' and no recovery was recorded'}`;
  const lasted = formatDuration(outcome.ended - outcome.began);
  if (outcome.settled)
    return `${outcome.subject} ${fell}, and after ${lasted} traffic settled at a new level`;
  return `${outcome.subject} ${fell} for ${lasted} and recovered${outcome.unaided ? ' without intervention' : ''}`;
}

function unreachable(ctx: ClauseContext, evs: readonly RecordedEvent[]): string {
  const firsts = [...groupBy(evs, (e) => e.device).values()].flatMap((same) => same.slice(0, 1));
  const back = firsts.flatMap((e) => {
    const again = laterOf(ctx, e, 'device_reachable');
    return again ? [again.time - e.time] : [];
  });
  const lastBack = Math.max(...firsts.flatMap((e) => laterOf(ctx, e, 'device_reachable')?.time ?? []));
  const unaided = back.length > 0 && !intervened(ctx.report, ctx.timeline, lastBack);
  const without = unaided ? ' without intervention' : '';
  const [only] = firsts;
  if (firsts.length === 1 && only) {
    const [lasted] = back;
    return `${only.device} stopped answering SNMP${lasted === undefined ? '' : ` for ${formatDuration(lasted)} and answered again${without}`}`;
  }
  const sites = new Set(firsts.map((e) => e.site));
  const who =
    ctx.report.incident.scope === 'fleet'
      ? `${firsts.length} devices across ${sites.size} sites became unreachable`
      : `${firsts.length} devices${sites.size === 1 ? ` at site ${[...sites].join('')}` : ''} became unreachable`;
  if (back.length === firsts.length)
    return `${who} and all answered again within ${formatDuration(Math.max(...back))}${without}`;
  return back.length > 0 ? `${who}; ${back.length} of them answered again` : who;
}

/** One clause per event type. Pairs (drop → recovery, down → up) are told by the first of the pair. */
const CLAUSES = {
  config_change: {
    rank: 0,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(
        evs,
        ctx,
        (d, same) =>
          `the configuration of ${d} was changed${same.length > 1 ? ` ${same.length} times` : ''} by ${listText([...new Set(same.map((e) => detailString(e, 'user') ?? 'an unknown user'))])}`,
      ),
  },
  process_crash: {
    rank: 10,
    impact: false,
    describe: (evs, ctx) => perDevice(evs, ctx, (d, same) => crashes(ctx, d, same)),
  },
  process_stuck: {
    rank: 12,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d, same) => {
        const procs = same.flatMap((e) => detailString(e, 'process') ?? []);
        const ports = same.flatMap((e) => detailList(e, 'interfaces'));
        return procs.length > 0
          ? `process ${listText(procs)} on ${d} was stuck`
          : `the counters of ${ports.length} up port${ports.length === 1 ? '' : 's'} on ${d} froze after carrying traffic`;
      }),
  },
  device_reboot: {
    rank: 20,
    impact: false,
    describe: (evs, ctx) => perDevice(evs, ctx, (d) => `${d} rebooted`),
  },
  member_reboot: {
    rank: 22,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d, same) => `virtual chassis member ${members(same)} of ${d} rebooted`),
  },
  member_down: {
    rank: 24,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d, same) => {
        const [first] = same;
        const up =
          first &&
          laterOf(ctx, first, 'member_up', (e) => detailValue(e, 'member') === detailValue(first, 'member'));
        const back =
          first && up && same.length === 1
            ? ` and rejoined ${formatDuration(up.time - first.time)} later`
            : '';
        return `virtual chassis member ${members(same)} left ${d}${back}`;
      }),
  },
  vc_split_brain: {
    rank: 26,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(
        evs,
        ctx,
        (d, same) =>
          `members ${listText(same.flatMap((e) => detailList(e, 'masters')))} of ${d} both claimed to be virtual chassis master`,
      ),
  },
  master_switchover: { rank: 30, impact: false, describe: (evs, ctx) => perDevice(evs, ctx, switchovers) },
  alarm_raised: {
    rank: 40,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d, same) => `${listText([...new Set(same.map(alarmName))])} was raised on ${d}`),
  },
  netconf_host_key_changed: {
    rank: 45,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d) => `the SSH host key of ${d} changed and netwatch refused its NETCONF session`),
  },
  poll_degraded: {
    rank: 50,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d) => `${d} answered SNMP but its walks missed their deadline`),
  },
  traffic_imbalance: {
    rank: 55,
    impact: false,
    describe: (evs, ctx) =>
      perDevice(evs, ctx, (d, same) => {
        const [e] = same;
        const share = e === undefined ? undefined : detailNumber(e, 'share');
        const busiest = e === undefined ? undefined : detailString(e, 'busiest');
        const group = e === undefined ? undefined : detailString(e, 'group');
        return `${busiest ?? 'one member'} carried ${share === undefined ? 'almost all' : `${Math.round(share * 100)} %`} of interface group ${group ?? '?'} on ${d}`;
      }),
  },
  device_unreachable: { rank: 60, impact: true, describe: (evs, ctx) => unreachable(ctx, evs) },
  traffic_drop: {
    rank: 70,
    impact: true,
    describe: (_evs, ctx) =>
      listText(ctx.traffic.map((o) => outcomeText(o, ctx.report.incident.status === 'open'))) || undefined,
  },
  interface_down: {
    rank: 80,
    impact: false,
    describe: (evs, ctx) => perDevice(evs, ctx, (d, same) => `${ports(same)} on ${d} went down`),
  },
  interface_up: {
    rank: 80,
    impact: false,
    describe: (evs, ctx) => perDevice(evs, ctx, (d, same) => `${ports(same)} on ${d} came up`),
  },
} satisfies Partial<Record<EventType, Clause>>;

function alarmName(event: RecordedEvent): string {
  const color = detailString(event, 'color');
  return color === undefined ? 'a chassis alarm' : `a ${color} chassis alarm`;
}

/** "interface mge-0/0/40 (srv-db42 eth0)", "interfaces ge-0/0/1 and ge-0/0/2". */
function ports(events: readonly RecordedEvent[]): string {
  const names = events.map((e) => {
    const alias = detailString(e, 'alias');
    return `${detailString(e, 'interface') ?? '?'}${alias === undefined ? '' : ` (${alias})`}`;
  });
  return `interface${names.length === 1 ? '' : 's'} ${listText(names)}`;
}

const CLAUSE_OF: Partial<Record<string, Clause>> = CLAUSES;

/** Each traffic_drop of the incident and the recovery of the same device and scope after it. */
export function trafficOutcomes(report: IncidentReport, timeline: readonly TimelineLine[]): Outcome[] {
  const events = incidentEvents(report);
  return events
    .filter((e) => e.type === 'traffic_drop')
    .map((drop) => {
      const scope = detailString(drop, 'scope') ?? 'device';
      const end = events.find(
        (e) =>
          e.type === 'traffic_recovered' &&
          e.device === drop.device &&
          (detailString(e, 'scope') ?? 'device') === scope &&
          e.time >= drop.time,
      );
      const percent = detailNumber(drop, 'percent_of_baseline');
      const subject = scope.startsWith('group:')
        ? `traffic through interface group ${scope.slice(6)} on ${drop.device}`
        : `traffic through ${drop.device}`;
      return {
        subject,
        device: drop.device,
        began: drop.time,
        ...(percent === undefined ? {} : { percentFell: 100 - percent }),
        ...(end === undefined ? {} : { ended: end.time }),
        settled: end !== undefined && detailString(end, 'reason') === 'rebaselined',
        unaided: end !== undefined && !intervened(report, timeline, end.time),
      };
    });
}

/** The clauses for a set of events, in CLAUSES order (ties: the type seen first first). */
function clauses(events: readonly RecordedEvent[], ctx: ClauseContext): { text: string; impact: boolean }[] {
  return [...groupBy(events, (e) => e.type)]
    .flatMap(([type, evs]) => {
      const clause = CLAUSE_OF[type];
      return clause ? [{ clause, evs }] : [];
    })
    .sort((a, b) => a.clause.rank - b.clause.rank)
    .flatMap(({ clause, evs }) => {
      const text = clause.describe(evs, ctx);
      return text === undefined || text === '' ? [] : [{ text, impact: clause.impact }];
    });
}

/** Upper-cases the first letter unless the sentence starts with a device name (names keep their case). */
function sentence(text: string, devices: readonly string[]): string {
  const keep = devices.some((d) => text.startsWith(d));
  const body = text.replace(/\.+$/, '');
  return `${keep ? body : `${body.charAt(0).toUpperCase()}${body.slice(1)}`}.`;
}

/** What came before: "Lead-up: interface mge-0/0/40 on asw1-eqsin came up 20 s before the outage began." */
function leadUp(report: IncidentReport, ctx: ClauseContext): string | undefined {
  const lead = leadUpEvents(report);
  const parts = [...groupBy(lead, (e) => e.type)].map(([type, evs]) => {
    const what =
      CLAUSE_OF[type]?.describe(evs, { ...ctx, events: lead }) ?? evs[0]?.summary.replace(/\.$/, '');
    const first = Math.min(...evs.map((e) => e.time));
    return `${what} ${formatDuration(report.incident.impactStart - first)} before the outage began`;
  });
  return parts.length === 0 ? undefined : `Lead-up: ${parts.join('; ')}.`;
}

export function summarize(report: IncidentReport, timeline: readonly TimelineLine[]): Summary {
  const events = incidentEvents(report);
  const ctx: ClauseContext = {
    report,
    events,
    timeline,
    traffic: trafficOutcomes(report, timeline),
    named: new Set(),
  };
  const said = clauses(events, ctx);
  // Device names keep their case even at the start of the sentence.
  const devices = [...new Set([...report.incident.devices, ...events.map((e) => e.device)])];
  const main =
    said.length > 0
      ? sentence(said.map((c) => c.text).join('; '), devices)
      : sentence(report.incident.title, devices);
  const impact = said.filter((c) => c.impact).map((c) => c.text);
  return {
    text: [main, leadUp(report, ctx)].filter((s) => s !== undefined).join(' '),
    ...(impact.length === 0 ? {} : { impact: impact.join('; ') }),
  };
}
