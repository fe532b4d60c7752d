import type { RecordedEvent } from '../../src/events/event.js';
import type { Delivery, Incident, IncidentEntry, IncidentReport, Note } from '../../src/incident/incident.js';

/**
 * A hand-built IncidentReport of the eqsin-2022 story (scenarios/eqsin-2022.yaml), as the store
 * would hand it to a report: on 2022-04-19 a server is connected to mge-0/0/40 of asw1-eqsin
 * (04:49:00, lead-up); at 04:49:20 traffic through the switch falls to 2 % (OUTAGE BEGINS, the
 * drop's onset, confirmed by the poll at 04:49:40); fxpc dies with signal 6 and a core dump
 * (syslog, then its jnxSyslogTrap); the pages go to the receivers of the notify route `eqsin`
 * (PagerDuty, with working hours in Singapore, and Alertmanager): Alertmanager accepts at once,
 * PagerDuty answers 503 and takes the retry 14 s after impact; the VC master moves from member 0 to member 1
 * (poll, 04:49:30 — after the first page, before PagerDuty's); fxpc runs again at 04:53:00;
 * traffic is back at 04:54:32 (OUTAGE ENDS, 5 min 12 s); a responder's note at 04:58:10; netwatch
 * resolves after the 10 min quiet period and sends the resolves. Exported for every test that
 * needs a realistic incident (timeline, report, API).
 */

/** A UTC clock time on 2022-04-19 (scenario t=0 is 04:47:00, so `2m20s` is 04:49:20). */
export const at = (clock: string): number => Date.parse(`2022-04-19T${clock}Z`);

export const INCIDENT_ID = '2022-04-19-eqsin-asw1-eqsin';
export const DEVICE = 'asw1-eqsin';
export const SITE = 'eqsin';

export function event(
  fields: Pick<RecordedEvent, 'type' | 'severity' | 'source' | 'summary' | 'details' | 'time'> &
    Partial<Pick<RecordedEvent, 'device' | 'site' | 'id' | 'seq' | 'fact' | 'witnesses'>>,
): RecordedEvent {
  const time = fields.time;
  return {
    id: fields.id ?? `ev-${fields.type}-${time}`,
    seq: fields.seq ?? 1,
    device: fields.device ?? DEVICE,
    site: fields.site ?? SITE,
    fact: fields.fact ?? `at=${new Date(time).toISOString()}`,
    witnesses: fields.witnesses ?? [{ source: fields.source, time: new Date(time).toISOString() }],
    ...fields,
  };
}

export const eqsinEvents = {
  interfaceUp: event({
    id: 'ev-1',
    seq: 41,
    time: at('04:49:00.000'),
    type: 'interface_up',
    severity: 'info',
    source: 'trap',
    summary: 'mge-0/0/40 (srv-db42 eth0) on asw1-eqsin went up',
    details: { interface: 'mge-0/0/40', alias: 'srv-db42 eth0', if_index: 540, speed_mbps: 10000 },
    witnesses: [
      { source: 'trap', time: '2022-04-19T04:49:00.000Z' },
      { source: 'poll', time: '2022-04-19T04:49:20.000Z' },
    ],
  }),
  trafficDrop: event({
    id: 'ev-3',
    seq: 43,
    time: at('04:49:20.000'),
    type: 'traffic_drop',
    severity: 'critical',
    source: 'poll',
    summary: 'Traffic through asw1-eqsin fell to 9.4 Mbit/s, 2 % of its usual 470.0 Mbit/s',
    details: {
      scope: 'device',
      bps: 9_400_000,
      baseline_bps: 470_000_000,
      percent_of_baseline: 2,
      confirmed_at: '2022-04-19T04:49:40.000Z',
    },
    witnesses: [{ source: 'poll', time: '2022-04-19T04:49:40.000Z' }],
  }),
  processCrash: event({
    id: 'ev-2',
    seq: 42,
    time: at('04:49:20.600'),
    type: 'process_crash',
    severity: 'critical',
    source: 'syslog',
    summary: 'fxpc (PID 1234) on asw1-eqsin terminated by signal 6, core dumped',
    details: { process: 'fxpc', pid: 1234, signal: 6, core: true },
    witnesses: [
      { source: 'syslog', time: '2022-04-19T04:49:20.600Z' },
      { source: 'trap', time: '2022-04-19T04:49:20.700Z' },
    ],
  }),
  masterSwitchover: event({
    id: 'ev-4',
    seq: 44,
    time: at('04:49:30.000'),
    type: 'master_switchover',
    severity: 'critical',
    source: 'poll',
    summary:
      'Virtual chassis master moved from member 0 (EX4650-48Y, XR0123456789) to member 1 (EX4650-48Y, XR0123456790)',
    details: {
      from: 0,
      to: 1,
      from_model: 'ex4650-48y',
      from_serial: 'XR0123456789',
      to_model: 'ex4650-48y',
      to_serial: 'XR0123456790',
      reason: 'unknown',
    },
  }),
  processRestart: event({
    id: 'ev-5',
    seq: 45,
    time: at('04:53:00.300'),
    type: 'process_restart',
    severity: 'info',
    source: 'syslog',
    summary: 'fxpc is running again on asw1-eqsin as PID 5678',
    details: { process: 'fxpc', pid: 5678, old_pid: 1234 },
    witnesses: [
      { source: 'syslog', time: '2022-04-19T04:53:00.300Z' },
      { source: 'netconf', time: '2022-04-19T04:53:10.000Z' },
    ],
  }),
  trafficRecovered: event({
    id: 'ev-6',
    seq: 46,
    time: at('04:54:32.000'),
    type: 'traffic_recovered',
    severity: 'info',
    source: 'poll',
    summary: 'Traffic through asw1-eqsin is back to 468.2 Mbit/s (100 % of 470.0 Mbit/s) after about 5 min',
    details: {
      scope: 'device',
      bps: 468_200_000,
      baseline_bps: 470_000_000,
      drop_began: '2022-04-19T04:49:20.000Z',
      confirmed_at: '2022-04-19T04:55:02.000Z',
      reason: 'recovered',
    },
    witnesses: [{ source: 'poll', time: '2022-04-19T04:55:02.000Z' }],
  }),
} as const;

const e = eqsinEvents;
const entry = (
  kind: IncidentEntry['kind'],
  atMs: number,
  text: string,
  ev?: RecordedEvent,
): IncidentEntry => ({
  at: atMs,
  kind,
  text,
  ...(ev ? { event: ev } : {}),
});

export function eqsinIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: INCIDENT_ID,
    scope: 'device',
    site: SITE,
    devices: [DEVICE],
    title: 'fxpc crashed and the VC master moved on asw1-eqsin',
    severity: 'critical',
    status: 'resolved',
    openedAt: e.processCrash.time,
    impactStart: at('04:49:20.000'),
    impactEnd: at('04:54:32.000'),
    resolvedAt: at('05:04:32.000'),
    resolvedBy: 'netwatch',
    flapping: false,
    pageCause: {
      type: 'process_crash',
      at: e.processCrash.time,
      eventId: e.processCrash.id,
      severity: 'critical',
    },
    entries: [
      entry('lead_up', e.interfaceUp.time, e.interfaceUp.summary, e.interfaceUp),
      entry('outage_begins', at('04:49:20.000'), 'first impact: traffic_drop on asw1-eqsin'),
      entry('event', e.trafficDrop.time, e.trafficDrop.summary, e.trafficDrop),
      entry('event', e.processCrash.time, e.processCrash.summary, e.processCrash),
      entry('event', e.masterSwitchover.time, e.masterSwitchover.summary, e.masterSwitchover),
      entry('event', e.processRestart.time, e.processRestart.summary, e.processRestart),
      entry('event', e.trafficRecovered.time, e.trafficRecovered.summary, e.trafficRecovered),
      entry('outage_ends', at('04:54:32.000'), 'impact ended: traffic through asw1-eqsin recovered'),
      entry('resolved', at('05:04:32.000'), 'resolved by netwatch: no impact for 10 min (quiet period)'),
    ],
    ...overrides,
  };
}

export function eqsinDeliveries(): Delivery[] {
  const base = { incident: INCIDENT_ID } as const;
  return [
    {
      ...base,
      receiver: 'eqsin/pagerduty',
      action: 'trigger',
      createdAt: at('04:49:20.650'),
      acceptedAt: at('04:49:34.000'),
      result: 'accepted',
      attempts: 2,
    },
    {
      ...base,
      receiver: 'eqsin/alertmanager',
      action: 'trigger',
      createdAt: at('04:49:20.650'),
      acceptedAt: at('04:49:20.900'),
      result: 'accepted',
      attempts: 1,
    },
    // Alertmanager re-sends while the incident is open: counted, not shown in the timeline.
    {
      ...base,
      receiver: 'eqsin/alertmanager',
      action: 'refresh',
      createdAt: at('04:50:20.650'),
      acceptedAt: at('04:50:20.800'),
      result: 'accepted',
      attempts: 1,
    },
    {
      ...base,
      receiver: 'eqsin/pagerduty',
      action: 'resolve',
      createdAt: at('05:04:32.050'),
      acceptedAt: at('05:04:32.300'),
      result: 'accepted',
      attempts: 1,
    },
    {
      ...base,
      receiver: 'eqsin/alertmanager',
      action: 'resolve',
      createdAt: at('05:04:32.050'),
      acceptedAt: at('05:04:32.200'),
      result: 'accepted',
      attempts: 1,
    },
  ];
}

export function eqsinNotes(): Note[] {
  return [
    {
      incident: INCIDENT_ID,
      at: at('04:58:10.000'),
      author: 'alice',
      text: 'fxpc core copied off the box for JTAC',
    },
  ];
}

/** The eqsin-2022 report; any part can be replaced (e.g. `{ prior: [] }`, `{ deliveries: [...] }`). */
export function eqsinReport(overrides: Partial<IncidentReport> = {}): IncidentReport {
  return {
    incident: eqsinIncident(),
    deliveries: eqsinDeliveries(),
    notes: eqsinNotes(),
    prior: [
      {
        id: '2022-04-18-eqsin-asw1-eqsin',
        openedAt: Date.parse('2022-04-18T11:02:40.000Z'),
        types: ['traffic_drop', 'process_crash', 'master_switchover'],
      },
    ],
    receivers: [
      // Routed receivers are named `<route>/<kind>` (page/routing.ts).
      { name: 'eqsin/pagerduty', route: 'eqsin', hours: 'Mon-Fri 09:00-18:00 Asia/Singapore' },
      { name: 'eqsin/alertmanager', route: 'eqsin' },
    ],
    externalUrl: 'https://netwatch.example.net',
    ...overrides,
  };
}
