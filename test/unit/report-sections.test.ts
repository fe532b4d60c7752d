import { describe, expect, it } from 'vitest';
import type { Delivery, IncidentReport } from '../../src/incident/incident.js';
import { buildReportModel, metadataRows } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import { answerText } from '../../src/report/scorecard.js';
import {
  at,
  eqsinDeliveries,
  eqsinEvents,
  eqsinIncident,
  eqsinReport,
  event,
  INCIDENT_ID,
} from './report-fixture.js';

function answer(report: IncidentReport, question: string): string {
  const q = buildReportModel(report).scorecard.find((s) => s.question === question);
  if (!q) throw new Error(`no question ${question}`);
  return answerText(q);
}

const failedPage: Delivery = {
  incident: INCIDENT_ID,
  receiver: 'alertmanager',
  action: 'trigger',
  createdAt: at('04:49:20.650'),
  result: 'failed',
  attempts: 1,
  reason: 'HTTP 400 Invalid routing key',
};

describe('Scorecard', () => {
  it('answers what the data knows for eqsin-2022', () => {
    const r = eqsinReport();
    expect(answer(r, 'Did existing monitoring notify the initial responders?')).toBe(
      'yes — eqsin/pagerduty and eqsin/alertmanager accepted the page, the first 0.9 s after impact',
    );
    expect(answer(r, 'Were fewer than five people paged?')).toBe(
      'yes — 2 services paged (eqsin/pagerduty, eqsin/alertmanager); netwatch knows receivers, not people, so this counts services',
    );
    expect(answer(r, 'Were pages routed to the correct sub-team(s)?')).toBe(
      'yes — route eqsin (eqsin/pagerduty, eqsin/alertmanager)',
    );
    // 04:49:34 UTC on Tuesday 2022-04-19 is 12:49 in Singapore.
    expect(answer(r, 'Were pages routed to online engineers?')).toBe(
      'yes — eqsin/pagerduty paged Tue 12:49 Asia/Singapore, within Mon-Fri 09:00-18:00 Asia/Singapore',
    );
    expect(answer(r, 'Is this incident sufficiently different from earlier incidents?')).toBe(
      'no — like 2022-04-18-eqsin-asw1-eqsin (same device, same event types)',
    );
    expect(answer(r, 'Is there a task for the incident?')).toBe('TODO');
  });

  it('no prior incident: yes, over the last 90 days', () => {
    expect(
      answer(eqsinReport({ prior: [] }), 'Is this incident sufficiently different from earlier incidents?'),
    ).toBe('yes — no incident of this device with these event types in the last 90 days');
  });

  it('default receivers and no working hours: unknown, saying why', () => {
    const r = eqsinReport({ receivers: [{ name: 'eqsin/pagerduty' }, { name: 'eqsin/alertmanager' }] });
    expect(answer(r, 'Were pages routed to the correct sub-team(s)?')).toBe(
      'unknown — default receivers: no route matched',
    );
    expect(answer(r, 'Were pages routed to online engineers?')).toBe(
      'unknown — no route declares working hours',
    );
  });

  it('a page outside the route\'s hours is "no"; hours it cannot read are "unknown"', () => {
    const outside = eqsinReport({
      receivers: [{ name: 'eqsin/pagerduty', route: 'eqsin', hours: 'Mon-Fri 14:00-18:00 Asia/Singapore' }],
    });
    expect(answer(outside, 'Were pages routed to online engineers?')).toBe(
      'no — eqsin/pagerduty paged Tue 12:49 Asia/Singapore, outside Mon-Fri 14:00-18:00 Asia/Singapore',
    );
    const night = eqsinReport({
      receivers: [{ name: 'eqsin/pagerduty', route: 'eqsin', hours: 'Mon-Fri 22:00-06:00 UTC' }],
    });
    expect(answer(night, 'Were pages routed to online engineers?')).toMatch(/^yes — .*Tue 04:49 UTC, within/);
    const unreadable = eqsinReport({
      receivers: [{ name: 'eqsin/pagerduty', route: 'eqsin', hours: 'office hours' }],
    });
    expect(answer(unreadable, 'Were pages routed to online engineers?')).toBe(
      'unknown — eqsin/pagerduty: working hours "office hours" not understood',
    );
  });

  it('a failed page: monitoring did not notify, and the report says why', () => {
    const r = eqsinReport({ deliveries: [failedPage], receivers: [] });
    expect(answer(r, 'Did existing monitoring notify the initial responders?')).toBe(
      'no — netwatch knows receivers, not people: no service paged; page to alertmanager failed: HTTP 400 Invalid routing key',
    );
    const model = buildReportModel(r);
    expect(model.conclusions.wentPoorly).toContain(
      'Page to alertmanager failed: HTTP 400 Invalid routing key',
    );
    expect(model.conclusions.wentPoorly).toContain('No service was paged');
    expect(model.actionables).toContain(
      'Fix the page to alertmanager (HTTP 400 Invalid routing key); netwatch notify test alertmanager checks it',
    );
    expect(model.detection.paging).toBeUndefined();
  });

  it('inside a maintenance window nothing pages, by design', () => {
    const r = eqsinReport({
      incident: eqsinIncident({ maintenance: { reason: 'line card swap', until: at('06:00:00.000') } }),
      deliveries: [],
    });
    expect(answer(r, 'Did existing monitoring notify the initial responders?')).toBe(
      'no — inside a maintenance window: nothing pages',
    );
    const model = buildReportModel(r);
    expect(model.conclusions.wentPoorly).not.toContain('No service was paged');
    expect(model.marks).toEqual(['inside maintenance window (line card swap) until 2022-04-19 06:00:00 UTC']);
  });
});

describe('Conclusions, Actionables, Detection, metadata', () => {
  it('eqsin-2022: known facts in the right places', () => {
    const { conclusions, actionables } = buildReportModel(eqsinReport());
    expect(conclusions).toEqual({
      wentWell: [
        'netwatch recorded the first event 0.6 s after impact (process_crash)',
        'Paged 0.9 s after impact (eqsin/alertmanager 0.9 s and eqsin/pagerduty 14 s)',
      ],
      wentPoorly: ['eqsin/pagerduty accepted the page only on attempt 2'],
      lucky: ['traffic through asw1-eqsin recovered without intervention after 5 min 12 s'],
    });
    expect(actionables).toEqual([
      'Look for a Junos PR matching the fxpc core dump (signal 6)',
      'Open a JTAC case with the core file of fxpc from asw1-eqsin',
      'Find out why the virtual chassis master of asw1-eqsin moved from member 0 to member 1',
      'Check whether mge-0/0/40 on asw1-eqsin coming up 20 s before the outage is related',
    ]);
  });

  it('a JTAC case only when there is a core', () => {
    const incident = eqsinIncident();
    const noCore = event({ ...eqsinEvents.processCrash, details: { process: 'fxpc', signal: 9 } });
    const entries = incident.entries.map((en) =>
      en.event?.id === noCore.id ? { ...en, event: noCore } : en,
    );
    const { actionables } = buildReportModel(eqsinReport({ incident: { ...incident, entries } }));
    expect(actionables).toContain('Look for a Junos PR matching the fxpc crash (signal 9)');
    expect(actionables.some((a) => a.includes('JTAC'))).toBe(false);
    const withFile = event({
      ...eqsinEvents.processCrash,
      details: { process: 'fxpc', core_file: '/var/tmp/fxpc.core.0.gz' },
    });
    const filed = incident.entries.map((en) =>
      en.event?.id === withFile.id ? { ...en, event: withFile } : en,
    );
    expect(
      buildReportModel(eqsinReport({ incident: { ...incident, entries: filed } })).actionables,
    ).toContain('Open a JTAC case with the core file of fxpc from asw1-eqsin (/var/tmp/fxpc.core.0.gz)');
  });

  it('Detection: the alerts that fired, detection latency from the first witness, paging latency', () => {
    const { detection } = buildReportModel(eqsinReport());
    expect(detection.alerts.map((a) => `${a.label}${a.pageCause ? ' (cause)' : ''}`)).toEqual([
      'traffic_drop',
      'process_crash (cause)',
      'PAGED',
      'master_switchover',
      'PAGED',
    ]);
    expect(detection.detection).toMatchObject({ ms: 600, source: 'syslog', recordedAt: at('04:49:20.600') });
    expect(detection.paging).toEqual({
      ms: 900,
      receiver: 'eqsin/alertmanager',
      acceptedAt: at('04:49:20.900'),
    });
    const onlyCrash = buildReportModel(eqsinReport(), { pageOn: ['process_crash'] }).detection.alerts;
    expect(onlyCrash.filter((a) => a.kind === 'event').map((a) => a.label)).toEqual(['process_crash']);
  });

  it('an open incident: no end, no duration, and no impact measured is a TODO', () => {
    const incident = eqsinIncident({
      status: 'open',
      entries: eqsinIncident().entries.filter(
        (en) => en.event?.type !== 'traffic_drop' && en.event?.type !== 'traffic_recovered',
      ),
    });
    const { impactEnd: _e, resolvedAt: _r, resolvedBy: _b, ...open } = incident;
    const rows = metadataRows(
      buildReportModel(eqsinReport({ incident: open, deliveries: eqsinDeliveries().slice(0, 2) })),
    );
    const row = (field: string) => rows.find((r) => r.field === field)?.value;
    expect(row('End')).toBe('impact ongoing');
    expect(row('Duration')).toBe('ongoing');
    expect(row('Resolved')).toBe('not yet');
    expect(row('Impact')).toMatch(/^TODO: /);
  });

  it('a timeline over two UTC days prints full ISO times', () => {
    const late = {
      incident: INCIDENT_ID,
      at: Date.parse('2022-04-20T01:00:00.000Z'),
      author: 'bob',
      text: 'post-mortem',
    };
    const body = renderReport('md', eqsinReport({ notes: [late] })).body;
    expect(body).toContain('## Timeline (all times UTC)');
    expect(body).toContain('- 2022-04-19T04:49:20Z **OUTAGE BEGINS**');
    expect(body).toContain('- 2022-04-20T01:00:00Z **NOTE** by bob: post-mortem');
  });
});
