import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTimeline } from '../../src/report/timeline.js';
import { formatVerdicts } from '../../src/sim/scenario/expect.js';
import { loadScenarioFile, resolveScenarioPath } from '../../src/sim/scenario/load.js';
import { runScenarioWithDaemon, type ScenarioOutcome } from '../../src/sim/scenario/with-daemon.js';
import { waitUntil } from '../helpers/loopback-receiver.js';
import { type PagerDutyReceiver, startPagerDutyReceiver } from '../helpers/pagerduty-receiver.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 9's end-to-end claim: the eqsin-2022 story on the simulator's shared clock, against the
 * real daemon, a real Alertmanager (group_wait 0, its webhook on a loopback receiver) and a
 * loopback PagerDuty that validates every Events v2 request: one incident, one trigger (dedup_key
 * = incident ID), one Alertmanager notification with the incident label, the timeline in order,
 * one resolve to each receiver.
 */

const ROUTING_KEY = 'eqsin2022e2e0000000000000000abcd'; // 32 characters, like PagerDuty's

describe('eqsin-2022 pages once and writes the timeline (real Alertmanager, loopback PagerDuty)', () => {
  const services = inject('services');
  let pagerduty: PagerDutyReceiver;
  let hook: WebhookReceiver;
  let outcome: ScenarioOutcome;

  beforeAll(async () => {
    pagerduty = await startPagerDutyReceiver({ routingKey: ROUTING_KEY });
    // Alertmanager's webhook target is fixed by scripts/test-services.sh.
    const port = Number(services.alertmanager.webhook.split(':')[1]);
    hook = await startWebhookReceiver({ port });
    const loaded = await loadScenarioFile(resolveScenarioPath('eqsin-2022'));
    if (!loaded.ok) throw new Error('eqsin-2022 does not load');
    outcome = await runScenarioWithDaemon({
      scenario: loaded.scenario,
      speed: 30,
      notify: {
        pagerduty: { routing_key: ROUTING_KEY, url: pagerduty.url },
        alertmanager: { urls: [services.alertmanager.url], resend: '1m' },
      },
    });
    // Alertmanager notifies on its own schedule (group_interval 1s): wait for the resolve.
    await waitUntil(
      () => hook.posts.some((p) => JSON.stringify(p.body).includes('"status":"resolved"')),
      15_000,
      'the resolved notification from Alertmanager',
    ).catch(() => undefined);
  }, 300_000);

  afterAll(async () => {
    await pagerduty?.close();
    await hook?.close();
  });

  it('opens one incident, and the scenario expectations hold', () => {
    expect(
      outcome.verdicts.filter((v) => v.status === 'failed'),
      formatVerdicts(outcome.verdicts),
    ).toEqual([]);
    const mine = outcome.incidents.filter((r) => r.incident.devices.includes('asw1-eqsin'));
    expect(mine.map((r) => r.incident.id)).toHaveLength(1);
    expect(outcome.incidents).toHaveLength(1);
  });

  it('writes the timeline in order: lead-up, OUTAGE BEGINS, drop, switchover, PAGED, recovery, OUTAGE ENDS, resolved', () => {
    const report = outcome.incidents[0];
    if (!report) throw new Error('no incident');
    const lines = buildTimeline(report);
    const labels = lines.map((l) => l.label);
    const order = [
      'interface_up',
      'OUTAGE BEGINS',
      'traffic_drop',
      'master_switchover',
      'PAGED',
      'traffic_recovered',
      'OUTAGE ENDS',
    ];
    let i = 0;
    for (const label of labels) if (label === order[i]) i += 1;
    expect(i, labels.join(' → ')).toBe(order.length);
    expect(lines.find((l) => l.label === 'interface_up')?.kind).toBe('lead_up');
    expect(report.incident.status).toBe('resolved');
    // …then resolved, after OUTAGE ENDS (the resolve pages follow it).
    expect(labels.indexOf('RESOLVED'), labels.join(' → ')).toBeGreaterThan(labels.indexOf('OUTAGE ENDS'));
  });

  it('PagerDuty: one trigger with the incident ID as dedup_key, one resolve, each a valid Events v2 request', () => {
    const id = outcome.incidents[0]?.incident.id;
    expect(
      pagerduty.requests.every((r) => r.status === 202),
      JSON.stringify(pagerduty.requests.map((r) => r.status)),
    ).toBe(true);
    const actions = pagerduty.events.map((e) => `${e.event.event_action}:${e.dedupKey}`);
    expect(actions).toEqual([`trigger:${id}`, `resolve:${id}`]);
    const trigger = pagerduty.events[0]?.event;
    expect(trigger?.payload?.source).toBe('asw1-eqsin');
    expect(trigger?.payload?.group).toBe('eqsin');
    expect(trigger?.links?.[0]?.href).toContain(`/incidents/${id}`);
  });

  it('Alertmanager: one firing notification carrying the incident label, then its resolve', () => {
    const id = outcome.incidents[0]?.incident.id;
    type Notification = { status: string; alerts: { status: string; labels: Record<string, string> }[] };
    const notes = hook.posts
      .map((p) => p.body as Notification)
      .filter((n) => n.alerts.some((a) => a.labels.alertname === 'NetwatchIncident'));
    const firing = notes.filter((n) => n.status === 'firing');
    const resolved = notes.filter((n) => n.status === 'resolved');
    expect(firing, JSON.stringify(notes)).toHaveLength(1);
    expect(firing[0]?.alerts[0]?.labels.incident).toBe(id);
    expect(resolved, JSON.stringify(notes)).toHaveLength(1);
    expect(resolved[0]?.alerts[0]?.labels.incident).toBe(id);
  });
});
