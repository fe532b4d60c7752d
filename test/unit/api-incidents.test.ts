import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentRoutes } from '../../src/api-incidents.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { startHttpServer } from '../../src/http/server.js';
import type { Incident } from '../../src/incident/incident.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

/** The incident routes over a real store and HTTP server: reads, reports, writes and their guards. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.parse('2022-04-19T04:49:20Z');
const incident: Incident = {
  id: '2022-04-19-eqsin-asw1-eqsin',
  scope: 'device',
  site: 'eqsin',
  devices: ['asw1-eqsin'],
  title: 'fxpc <script>alert(1)</script> crashed |} [[x]]',
  severity: 'critical',
  status: 'open',
  openedAt: T0,
  impactStart: T0,
  flapping: false,
  entries: [{ at: T0, kind: 'outage_begins', text: 'first impact' }],
};

async function rig(token: string | undefined = 'write-t0ken') {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-api-incidents-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const loaded = loadConfigText(
    `http: { listen: 127.0.0.1:0${token ? `, write_token: ${token}` : ''} }\ndefaults: { snmp: { version: 2c, community: x } }\ndevices:\n  - { name: asw1-eqsin, host: 127.0.0.1, site: eqsin }\n`,
    'devices.yaml',
    {},
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded));
  const config: Config = loaded.config;
  const opened = await SqliteStore.open(dir);
  if (!opened.ok) throw new Error(opened.reason);
  const store = opened.store;
  cleanups.push(() => store.close());
  await store.commit([], () => ({ incidents: [{ incident, state: '{}' }], outbox: [] }));
  const operated: string[] = [];
  const server = await startHttpServer(
    { host: '127.0.0.1', port: 0 },
    incidentRoutes({
      config: () => config,
      store,
      wallMs: () => T0 + 60_000,
      actions: {
        operate: async (input) => {
          operated.push(`${input.kind}:${input.incident}:${input.author}`);
          return true;
        },
        silence: async () => undefined,
        silences: () => [],
      },
      onStoreError: () => undefined,
    }),
  );
  cleanups.push(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    });
  return { base, store, operated, post };
}

describe('incident API', () => {
  it('lists incidents and shows one with its timeline, pages and notes', async () => {
    const { base } = await rig();
    const list = (await (await fetch(`${base}/api/incidents?open=1`)).json()) as { id: string }[];
    expect(list.map((i) => i.id)).toEqual([incident.id]);
    const one = (await (await fetch(`${base}/api/incidents/${incident.id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(one.id).toBe(incident.id);
    expect(one.outage_begins).toBe('2022-04-19T04:49:20.000Z');
    expect(Array.isArray(one.timeline)).toBe(true);
    expect((await fetch(`${base}/api/incidents/nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/incidents/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('serves the reports with their content types; device text stays escaped', async () => {
    const { base } = await rig();
    const md = await fetch(`${base}/api/incidents/${incident.id}/report.md`);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    const mdText = await md.text();
    expect(mdText).not.toContain('<script>');
    const wiki = await (await fetch(`${base}/api/incidents/${incident.id}/report.wiki`)).text();
    expect(wiki).toContain('==Summary==');
    expect(wiki.split('\n').filter((l) => l.startsWith('|}'))).toHaveLength(1);
    const json = (await (await fetch(`${base}/api/incidents/${incident.id}/report.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(json)).toContain('<script>alert(1)</script>');
    expect((await fetch(`${base}/api/incidents/${incident.id}/report.pdf`)).status).toBe(404);
  });

  it('writes need the bearer token; notes are stored with their author; ack and resolve reach the correlator', async () => {
    const { store, operated, post } = await rig();
    expect((await post(`/api/incidents/${incident.id}/notes`, { author: 'alice', text: 'hi' })).status).toBe(
      401,
    );
    expect(
      (await post(`/api/incidents/${incident.id}/notes`, { author: 'alice', text: 'hi' }, 'wrong-t0ken'))
        .status,
    ).toBe(401);
    expect((await post(`/api/incidents/${incident.id}/notes`, { text: 'hi' }, 'write-t0ken')).status).toBe(
      400,
    );
    const created = await post(
      `/api/incidents/${incident.id}/notes`,
      { author: 'alice', text: 'JTAC case 2022-0419-0001' },
      'write-t0ken',
    );
    expect(created.status).toBe(201);
    expect((await store.notes(incident.id)).map((n) => `${n.author}: ${n.text}`)).toEqual([
      'alice: JTAC case 2022-0419-0001',
    ]);
    expect((await post(`/api/incidents/${incident.id}/ack`, { author: 'bob' }, 'write-t0ken')).status).toBe(
      200,
    );
    expect((await post('/api/incidents/nope/resolve', { author: 'bob' }, 'write-t0ken')).status).toBe(404);
    expect(operated).toEqual([`ack:${incident.id}:bob`]);
    const big = await post(
      `/api/incidents/${incident.id}/notes`,
      { author: 'a', text: 'x'.repeat(70_000) },
      'write-t0ken',
    );
    expect(big.status).toBe(400);
  });

  it('without http.write_token, writes are disabled (403)', async () => {
    const { post } = await rig('');
    const answer = await post(`/api/incidents/${incident.id}/ack`, { author: 'bob' }, 'anything');
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toMatch(/set http.write_token/);
  });
});
