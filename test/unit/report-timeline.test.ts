import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/incident/incident.js';
import { buildTimeline, deliveryText } from '../../src/report/timeline.js';
import {
  at,
  eqsinDeliveries,
  eqsinEvents,
  eqsinIncident,
  eqsinReport,
  INCIDENT_ID,
} from './report-fixture.js';

/** `expected` appears in `labels` in this order (other labels may come between). */
function inOrder(labels: readonly string[], expected: readonly string[]): boolean {
  let i = 0;
  for (const label of labels) if (label === expected[i]) i += 1;
  return i === expected.length;
}

const delivery = (fields: Partial<Delivery>): Delivery => ({
  incident: INCIDENT_ID,
  receiver: 'pagerduty',
  action: 'trigger',
  createdAt: at('04:49:21.000'),
  result: 'accepted',
  attempts: 1,
  ...fields,
});

describe('buildTimeline', () => {
  it('tells the eqsin-2022 story in the order the scenario expects', () => {
    const labels = buildTimeline(eqsinReport()).map((l) => l.label);
    expect(
      inOrder(labels, [
        'interface_up',
        'OUTAGE BEGINS',
        'process_crash',
        'master_switchover',
        'PAGED',
        'traffic_recovered',
        'OUTAGE ENDS',
        'RESOLVED',
      ]),
    ).toBe(true);
    expect(
      inOrder(labels, [
        'interface_up',
        'OUTAGE BEGINS',
        'traffic_drop',
        'master_switchover',
        'PAGED',
        'traffic_recovered',
      ]),
    ).toBe(true);
    expect(labels).toEqual([
      'interface_up',
      'OUTAGE BEGINS',
      'traffic_drop',
      'process_crash',
      'PAGED',
      'master_switchover',
      'PAGED',
      'process_restart',
      'traffic_recovered',
      'OUTAGE ENDS',
      'NOTE',
      'RESOLVED',
      'RESOLVE SENT',
      'RESOLVE SENT',
    ]);
  });

  it('is sorted by time', () => {
    const times = buildTimeline(eqsinReport()).map((l) => l.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('event lines carry the type as label, the summary, the witnesses as source and the device', () => {
    const crash = buildTimeline(eqsinReport()).find((l) => l.label === 'process_crash');
    expect(crash).toEqual({
      at: eqsinEvents.processCrash.time,
      kind: 'event',
      label: 'process_crash',
      text: eqsinEvents.processCrash.summary,
      source: 'syslog, trap',
      device: 'asw1-eqsin',
      eventId: eqsinEvents.processCrash.id,
    });
    expect(buildTimeline(eqsinReport())[0]).toMatchObject({
      kind: 'lead_up',
      label: 'interface_up',
      source: 'trap, poll',
    });
  });

  it('same millisecond: OUTAGE BEGINS before the events at its onset, PAGED after the event, OUTAGE ENDS after the recovery, RESOLVE SENT after RESOLVED', () => {
    const base = eqsinIncident();
    // The correlator may write the drop before OUTAGE BEGINS (it learns the onset from the drop).
    const shuffled = [...base.entries].reverse();
    const t = at('04:49:20.000');
    const report = eqsinReport({
      incident: { ...base, entries: shuffled },
      deliveries: [delivery({ createdAt: t - 5, acceptedAt: t })],
    });
    const atT = buildTimeline(report)
      .filter((l) => l.at === t)
      .map((l) => l.label);
    expect(atT).toEqual(['OUTAGE BEGINS', 'traffic_drop', 'PAGED']);
    const end = buildTimeline(report)
      .filter((l) => l.at === at('04:54:32.000'))
      .map((l) => l.label);
    expect(end).toEqual(['traffic_recovered', 'OUTAGE ENDS']);
    const resolvedAt = at('05:04:32.000');
    const resolveSameMs = buildTimeline(
      eqsinReport({
        deliveries: [delivery({ action: 'resolve', createdAt: resolvedAt, acceptedAt: resolvedAt })],
      }),
    )
      .filter((l) => l.at === resolvedAt)
      .map((l) => l.label);
    expect(resolveSameMs).toEqual(['RESOLVED', 'RESOLVE SENT']);
  });

  it('PAGED: accepted with its latency from impact, failed with the reason, pending at its due time', () => {
    const start = at('04:49:20.000');
    expect(deliveryText(delivery({ acceptedAt: start + 14_000 }), start)).toBe(
      'pagerduty (accepted 14 s after impact)',
    );
    expect(
      deliveryText(
        delivery({
          receiver: 'alertmanager',
          result: 'failed',
          reason: 'HTTP 400 Invalid routing key',
        }),
        start,
      ),
    ).toBe('alertmanager: failed — HTTP 400 Invalid routing key (1 attempt)');
    expect(deliveryText(delivery({ result: 'pending', attempts: 3, reason: 'HTTP 503' }), start)).toBe(
      'pagerduty: pending, not accepted yet (3 attempts, last: HTTP 503)',
    );
    expect(deliveryText(delivery({ acceptedAt: start + 900, degraded: true }), start)).toBe(
      'pagerduty (accepted 0.9 s after impact; sent from memory: the store could not be written)',
    );
    const pending = buildTimeline(
      eqsinReport({ deliveries: [delivery({ result: 'pending', createdAt: at('04:49:21.000') })] }),
    ).find((l) => l.kind === 'paged');
    expect(pending).toMatchObject({ at: at('04:49:21.000'), label: 'PAGED', receiver: 'pagerduty' });
  });

  it('updates and resolves have their own labels; Alertmanager refreshes are not listed', () => {
    const lines = buildTimeline(
      eqsinReport({
        deliveries: [
          ...eqsinDeliveries(),
          delivery({ action: 'update', createdAt: at('04:52:00.000'), acceptedAt: at('04:52:00.300') }),
        ],
      }),
    ).filter((l) => l.kind === 'paged');
    expect(lines.map((l) => l.label)).toEqual([
      'PAGED',
      'PAGED',
      'PAGE UPDATED',
      'RESOLVE SENT',
      'RESOLVE SENT',
    ]);
    expect(lines.find((l) => l.label === 'PAGE UPDATED')?.text).toBe('pagerduty (accepted)');
  });

  it('notes are stamped with their author', () => {
    const note = buildTimeline(eqsinReport()).find((l) => l.kind === 'note');
    expect(note).toEqual({
      at: at('04:58:10.000'),
      kind: 'note',
      label: 'NOTE',
      text: 'by alice: fxpc core copied off the box for JTAC',
      source: 'operator',
      author: 'alice',
    });
  });
});
