import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { type EventDraft, SEVERITY } from '../../src/events/event.js';
import type { EventType } from '../../src/events/event-type.js';
import { IncidentService } from '../../src/incident/incident-service.js';
import { loadReport } from '../../src/report/load-report.js';
import { renderReport } from '../../src/report/render.js';
import { CommitQueue } from '../../src/store/commit-queue.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

/**
 * The correlator inside real commits (SQLite): incidents and outbox rows written with the events,
 * the state rebuilt from the store after a restart, and history for the Scorecard.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CONFIG = `
http: { listen: 127.0.0.1:0, external_url: https://netwatch.example.net }
defaults: { snmp: { version: 2c, community: public } }
devices:
  - { name: asw1-eqsin, host: 127.0.0.1, site: eqsin }
  - { name: asw2-eqsin, host: 127.0.0.1, site: eqsin }
notify:
  pagerduty: { routing_key: aaaabbbbccccddddeeeeffff00001111, url: http://127.0.0.1:9/v2/enqueue }
  alertmanager: { urls: [http://127.0.0.1:9] }
`;

function config(): Config {
  const loaded = loadConfigText(CONFIG, 'devices.yaml', {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded));
  return loaded.config;
}

const DAY1 = Date.parse('2022-04-19T04:49:00Z');
const MIN = 60_000;

function draft(type: EventType, time: number, details: EventDraft['details'] = {}): EventDraft {
  return {
    time,
    device: 'asw1-eqsin',
    site: 'eqsin',
    type,
    severity: SEVERITY[type],
    source: 'poll',
    summary: `${type} on asw1-eqsin`,
    details,
    fact: `${type}-${time}`,
  };
}

async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-incidents-'));
  dirs.push(dir);
  let now = DAY1;
  const opened = await SqliteStore.open(dir, { synchronous: 'NORMAL', wallMs: () => now });
  if (!opened.ok) throw new Error(opened.reason);
  const store = opened.store;
  const cfg = config();
  let due = 0;
  const service = await IncidentService.load(store, {
    config: () => cfg,
    wallMs: () => now,
    silences: () => [],
    onPagesDue: () => {
      due += 1;
    },
    onFailOpen: () => undefined,
  });
  const queue = new CommitQueue({
    store,
    correlation: () => service.correlation(),
    onCommitted: () => undefined,
    onError: (error) => {
      throw error;
    },
    flushDelayMs: 0,
  });
  return {
    store,
    cfg,
    service,
    queue,
    due: () => due,
    at: (ms: number) => {
      now = ms;
    },
    submit: (...events: EventDraft[]) => queue.submit({ device: 'asw1-eqsin', events }),
    close: async () => {
      queue.close();
      await store.close();
    },
  };
}

describe('incident service over a real store', () => {
  it('writes the incident and one trigger per receiver with the events; the resolve after the quiet period', async () => {
    const r = await rig();
    r.at(DAY1 + MIN);
    expect(await r.submit(draft('master_switchover', DAY1 + MIN))).toBe(true);
    const [row] = await r.store.queryIncidents({ open: true });
    expect(row?.incident.id).toBe('2022-04-19-eqsin-asw1-eqsin');
    const due = await r.store.dueOutbox(DAY1 + MIN, 10);
    expect(due.map((d) => `${d.receiver}:${d.action}`).sort()).toEqual([
      'alertmanager:trigger',
      'pagerduty:trigger',
    ]);
    expect(due[0]?.message.link).toBe('https://netwatch.example.net/incidents/2022-04-19-eqsin-asw1-eqsin');
    expect(r.due()).toBe(1);
    // Deliver both, then let the quiet period pass: one resolve to each receiver that got the trigger.
    await r.store.markOutbox(
      due.map((d) => ({ id: d.id, outcome: { result: 'accepted', at: DAY1 + MIN + 1000 } })),
    );
    r.at(DAY1 + 12 * MIN);
    await r.queue.tick();
    const resolved = await r.store.getIncident('2022-04-19-eqsin-asw1-eqsin');
    expect(resolved?.incident.status).toBe('resolved');
    const resolves = await r.store.dueOutbox(DAY1 + 12 * MIN, 10);
    expect(resolves.map((d) => `${d.receiver}:${d.action}`).sort()).toEqual([
      'alertmanager:resolve',
      'pagerduty:resolve',
    ]);
    await r.close();
  });

  it('a restart rebuilds the same correlator state from the store', async () => {
    const r = await rig();
    r.at(DAY1 + 2 * MIN);
    await r.submit(draft('interface_up', DAY1, { interface: 'mge-0/0/40' }));
    await r.submit(
      draft('master_switchover', DAY1 + MIN),
      draft('traffic_drop', DAY1 + 20_000, { scope: 'device' }),
    );
    const before = r.service.state;
    const again = await IncidentService.load(r.store, {
      config: () => r.cfg,
      wallMs: () => DAY1 + 2 * MIN,
      silences: () => [],
      onPagesDue: () => undefined,
      onFailOpen: () => undefined,
    });
    expect([...again.state.incidents.values()]).toEqual([...before.incidents.values()]);
    expect(again.state.openOf).toEqual(before.openOf);
    expect(again.state.ids).toEqual(before.ids);
    expect([...(again.state.recent.get('asw1-eqsin') ?? [])].map((e) => e.type)).toEqual(
      [...(before.recent.get('asw1-eqsin') ?? [])].map((e) => e.type),
    );
    await r.close();
  });

  it('a second identical incident the next day: its Scorecard names the first', async () => {
    const r = await rig();
    const story = async (t0: number) => {
      r.at(t0 + MIN);
      await r.submit(draft('master_switchover', t0 + MIN, { from_member: 0, member: 1 }));
      r.at(t0 + 15 * MIN);
      await r.queue.tick();
    };
    await story(DAY1);
    await story(DAY1 + 86_400_000);
    const rows = await r.store.queryIncidents({});
    expect(rows.map((x) => x.incident.id)).toEqual([
      '2022-04-20-eqsin-asw1-eqsin',
      '2022-04-19-eqsin-asw1-eqsin',
    ]);
    const report = await loadReport(r.store, r.cfg, '2022-04-20-eqsin-asw1-eqsin');
    expect(report?.prior.map((p) => p.id)).toEqual(['2022-04-19-eqsin-asw1-eqsin']);
    const md = renderReport('md', report as NonNullable<typeof report>).body;
    const line = md
      .split('\n')
      .find((l) => l.includes('Is this incident sufficiently different from earlier incidents?'));
    expect(line).toMatch(/no\b.*2022-04-19-eqsin-asw1-eqsin/);
    const first = await loadReport(r.store, r.cfg, '2022-04-19-eqsin-asw1-eqsin');
    expect(first?.prior).toEqual([]);
    await r.close();
  });
});

describe('incident service: a correlator bug', () => {
  it('costs the incident changes of that commit, never its events; it is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-incidents-bug-'));
    dirs.push(dir);
    const opened = await SqliteStore.open(dir, { synchronous: 'NORMAL', wallMs: () => DAY1 });
    if (!opened.ok) throw new Error(opened.reason);
    const cfg = config();
    const bugs: string[] = [];
    const service = await IncidentService.load(opened.store, {
      config: () => cfg,
      wallMs: () => DAY1,
      silences: () => {
        throw new Error('boom');
      },
      onPagesDue: () => undefined,
      onFailOpen: () => undefined,
      onBug: (error) => bugs.push(error.message),
    });
    const queue = new CommitQueue({
      store: opened.store,
      correlation: () => service.correlation(),
      onCommitted: () => undefined,
      onError: (error) => {
        throw error;
      },
      flushDelayMs: 0,
    });
    expect(await queue.submit({ device: 'asw1-eqsin', events: [draft('master_switchover', DAY1)] })).toBe(
      true,
    );
    expect((await opened.store.queryEvents({})).map((e) => e.type)).toEqual(['master_switchover']);
    expect(await opened.store.queryIncidents({})).toEqual([]);
    expect(bugs[0]).toBe('boom');
    queue.close();
    await opened.store.close();
  });
});
