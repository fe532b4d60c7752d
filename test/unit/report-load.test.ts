import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { Config } from '../../src/config/types.js';
import type { Incident } from '../../src/incident/incident.js';
import { incidentTypes, loadReport } from '../../src/report/load-report.js';
import type { IncidentQuery, Store, StoredIncident } from '../../src/store/store.js';
import { eqsinDeliveries, eqsinIncident, eqsinNotes, eqsinReport, INCIDENT_ID } from './report-fixture.js';

const DAY = 86_400_000;

/** The store calls loadReport makes, over a list of incidents (queryIncidents as the SQL does it). */
function fakeStore(
  incidents: readonly Incident[],
): Pick<Store, 'getIncident' | 'deliveries' | 'notes' | 'queryIncidents'> {
  const stored = (incident: Incident): StoredIncident => ({ incident, state: '{}' });
  return {
    getIncident: async (id) => {
      const found = incidents.find((i) => i.id === id);
      return found ? stored(found) : undefined;
    },
    deliveries: async (id) => (id === INCIDENT_ID ? eqsinDeliveries() : []),
    notes: async (id) => (id === INCIDENT_ID ? eqsinNotes() : []),
    queryIncidents: async (q: IncidentQuery) =>
      incidents
        .filter(
          (i) =>
            (q.device === undefined || i.devices.includes(q.device)) &&
            (q.since === undefined || i.openedAt >= q.since) &&
            (q.until === undefined || i.openedAt < q.until),
        )
        .sort((a, b) => b.openedAt - a.openedAt)
        .map(stored),
  };
}

const config: Pick<Config, 'notify' | 'http'> = {
  http: { listen: { host: '127.0.0.1', port: 9877 }, externalUrl: 'https://netwatch.example.net/' },
  notify: {
    pageOn: ['process_crash', 'master_switchover', 'traffic_drop'],
    timeoutMs: 10_000,
    pagerduty: { routingKey: new Secret('default-key'), url: 'http://127.0.0.1:1/enqueue' },
    routes: [
      {
        name: 'eqsin',
        sites: ['eqsin'],
        devices: [],
        pagerduty: { routingKey: new Secret('eqsin-key'), url: 'http://127.0.0.1:1/enqueue' },
        alertmanager: { urls: ['http://127.0.0.1:2'], resendMs: 60_000 },
        hours: 'Mon-Fri 09:00-18:00 Asia/Singapore',
      },
    ],
  },
};

describe('loadReport', () => {
  const today = eqsinIncident();
  const earlier = (id: string, daysBefore: number, entries = today.entries): Incident => ({
    ...today,
    id,
    openedAt: today.openedAt - daysBefore * DAY,
    entries,
  });

  it('reads the incident, its pages and notes, names the receivers as the config does, finds repeats', async () => {
    const other = earlier('2022-04-18-eqsin-asw1-eqsin', 1);
    const tooOld = earlier('2022-01-01-eqsin-asw1-eqsin', 100);
    const different = earlier(
      '2022-04-10-eqsin-asw1-eqsin',
      9,
      today.entries.filter((e) => e.event?.type !== 'master_switchover'),
    );
    const report = await loadReport(fakeStore([today, other, tooOld, different]), config, INCIDENT_ID);
    expect(report).toEqual({
      ...eqsinReport(),
      prior: [{ id: other.id, openedAt: other.openedAt, types: incidentTypes(today) }],
      receivers: [
        { name: 'eqsin/pagerduty', route: 'eqsin', hours: 'Mon-Fri 09:00-18:00 Asia/Singapore' },
        { name: 'eqsin/alertmanager', route: 'eqsin', hours: 'Mon-Fri 09:00-18:00 Asia/Singapore' },
      ],
    });
    expect(incidentTypes(today)).toEqual(['master_switchover', 'process_crash', 'traffic_drop']);
  });

  it('an unknown incident is undefined', async () => {
    expect(await loadReport(fakeStore([]), config, 'nope')).toBeUndefined();
  });
});
