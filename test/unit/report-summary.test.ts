import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/events/event.js';
import type { Incident, IncidentEntry, IncidentReport } from '../../src/incident/incident.js';
import { summarize } from '../../src/report/summary.js';
import { buildTimeline } from '../../src/report/timeline.js';
import { at, eqsinEvents, eqsinIncident, eqsinReport, event } from './report-fixture.js';

const summaryOf = (report: IncidentReport) => summarize(report, buildTimeline(report));

/** A report whose incident holds exactly these events (plus OUTAGE BEGINS at the first). */
function reportOf(events: readonly RecordedEvent[], overrides: Partial<Incident> = {}): IncidentReport {
  const start = Math.min(...events.map((e) => e.time));
  const entries: IncidentEntry[] = [
    { at: start, kind: 'outage_begins', text: 'first impact' },
    ...events.map((e): IncidentEntry => ({ at: e.time, kind: 'event', text: e.summary, event: e })),
  ];
  return eqsinReport({
    incident: eqsinIncident({ entries, impactStart: start, ...overrides }),
    notes: [],
    deliveries: [],
  });
}

const e = eqsinEvents;

describe('summarize', () => {
  it('eqsin-2022: cause, consequence, impact and how it ended, then the lead-up', () => {
    const summary = summaryOf(eqsinReport());
    expect(summary.text).toBe(
      'Process fxpc on asw1-eqsin crashed (signal 6, core dumped) and was running again 3 min 40 s later; ' +
        'the virtual chassis master moved from member 0 to member 1; ' +
        'traffic through asw1-eqsin fell by 98 % for 5 min 12 s and recovered without intervention. ' +
        'Lead-up: interface mge-0/0/40 (srv-db42 eth0) on asw1-eqsin came up 20 s before the outage began.',
    );
    expect(summary.impact).toBe(
      'traffic through asw1-eqsin fell by 98 % for 5 min 12 s and recovered without intervention',
    );
  });

  it('"without intervention" only when nobody acted before the end', () => {
    const note = { incident: 'x', at: at('04:52:00.000'), author: 'bob', text: 'bouncing the uplink' };
    expect(summaryOf(eqsinReport({ notes: [note] })).text).toContain('for 5 min 12 s and recovered.');
    expect(summaryOf(eqsinReport({ notes: [note] })).text).not.toContain('without intervention');
    const acked = eqsinIncident();
    const withAck = {
      ...acked,
      entries: [
        ...acked.entries,
        { at: at('04:50:00.000'), kind: 'acked', text: 'acked by bob', author: 'bob' } as const,
      ].sort((a, b) => a.at - b.at),
    };
    expect(summaryOf(eqsinReport({ incident: withAck })).text).not.toContain('without intervention');
    // A note after the end changes nothing (the fixture has one at 04:58:10).
    expect(summaryOf(eqsinReport()).text).toContain('recovered without intervention');
  });

  it('a rebaselined recovery is no recovery: traffic settled at a new level', () => {
    const settled = event({
      ...e.trafficRecovered,
      time: at('05:49:20.000'),
      details: { ...e.trafficRecovered.details, reason: 'rebaselined' },
    });
    const text = summaryOf(reportOf([e.trafficDrop, settled])).text;
    expect(text).toBe(
      'Traffic through asw1-eqsin fell by 98 %, and after 1 h traffic settled at a new level.',
    );
  });

  it('an open incident says the traffic has not recovered', () => {
    const text = summaryOf(reportOf([e.trafficDrop], { status: 'open' })).text;
    expect(text).toBe(
      'Traffic through asw1-eqsin fell by 98 % and had not recovered when this report was written.',
    );
  });

  it('clauses go cause first whatever the order of the events', () => {
    const text = summaryOf(reportOf([e.masterSwitchover, e.trafficDrop, e.processCrash])).text;
    expect(text.indexOf('Process fxpc')).toBe(0);
    expect(text.indexOf('virtual chassis master')).toBeLessThan(text.indexOf('traffic through'));
  });

  it('says only what the details hold', () => {
    const crash = event({
      time: at('04:49:20.000'),
      type: 'process_crash',
      severity: 'critical',
      source: 'poll',
      summary: 'rpd (PID 7) is no longer running on asw1-eqsin',
      details: { process: 'rpd', old_pid: 7, new_pid: null },
    });
    const second = event({ ...crash, id: 'ev-x', details: { process: 'dcd', signal: 11 } });
    expect(summaryOf(reportOf([crash])).text).toBe('Process rpd on asw1-eqsin crashed.');
    expect(summaryOf(reportOf([crash, second])).text).toBe(
      'Processes rpd and dcd (signal 11) on asw1-eqsin crashed.',
    );
    const drop = event({ ...e.trafficDrop, details: { scope: 'group:uplinks' } });
    expect(summaryOf(reportOf([drop], { status: 'resolved' })).text).toBe(
      'Traffic through interface group uplinks on asw1-eqsin fell and no recovery was recorded.',
    );
  });

  it('a site incident counts its devices', () => {
    const down = (n: number, back?: number) => [
      event({
        id: `u${n}`,
        time: at('04:00:00.000') + n * 1000,
        device: `asw${n}-sin`,
        site: 'sin',
        type: 'device_unreachable',
        severity: 'major',
        source: 'poll',
        summary: `asw${n}-sin stopped answering SNMP`,
        details: { failed_polls: 3 },
      }),
      ...(back === undefined
        ? []
        : [
            event({
              id: `r${n}`,
              time: at('04:00:00.000') + n * 1000 + back,
              device: `asw${n}-sin`,
              site: 'sin',
              type: 'device_reachable',
              severity: 'info',
              source: 'poll',
              summary: 'back',
              details: {},
            }),
          ]),
    ];
    const devices = [1, 2, 3, 4, 5].map((n) => `asw${n}-sin`);
    const scope = { scope: 'site', site: 'sin', devices } as const;
    const all = [1, 2, 3, 4, 5].flatMap((n) => down(n, 60_000 * n));
    const summary = summaryOf(reportOf(all, scope));
    expect(summary.text).toBe(
      '5 devices at site sin became unreachable and all answered again within 5 min without intervention.',
    );
    expect(summary.impact).toContain('5 devices at site sin became unreachable');
    const some = [1, 2, 3, 4, 5].flatMap((n) => down(n, n <= 2 ? 60_000 : undefined));
    expect(summaryOf(reportOf(some, scope)).text).toBe(
      '5 devices at site sin became unreachable; 2 of them answered again.',
    );
    expect(summaryOf(reportOf(down(1, 90_000))).text).toBe(
      'asw1-sin stopped answering SNMP for 1 min 30 s and answered again without intervention.',
    );
  });

  it('no clause for the events: the title, as a sentence', () => {
    const newer = event({
      time: at('04:49:20.000'),
      type: 'optics_on_fire',
      severity: 'critical',
      source: 'poll',
      summary: 'x',
      details: {},
    });
    expect(summaryOf(reportOf([newer], { title: 'optics on fire on asw1-eqsin' }))).toEqual({
      text: 'Optics on fire on asw1-eqsin.',
    });
  });
});
