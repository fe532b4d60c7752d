import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIncidentsList, runIncidentsShow, runIncidentWrite } from '../../src/cli/incidents.js';
import { runNotifyTest } from '../../src/cli/notify-test.js';
import { runSilence } from '../../src/cli/silence.js';
import type { Incident } from '../../src/incident/incident.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startPagerDutyReceiver } from '../helpers/pagerduty-receiver.js';

/** The incident commands and `netwatch notify test`, against a store and loopback receivers. */

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const GOOD_KEY = 'aaaabbbbccccddddeeeeffff00001111';
const BAD_KEY = 'zzzzbbbbccccddddeeeeffff00001111';

function setup(extra: string, port = 47832) {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-cli-incidents-'));
  dirs.push(dir);
  const file = join(dir, 'devices.yaml');
  writeFileSync(
    file,
    `http: { listen: 127.0.0.1:${port}, external_url: https://netwatch.example.net, write_token: t0ken-for-tests }\nstorage: { dir: ./data }\ndefaults: { snmp: { version: 2c, community: x } }\ndevices:\n  - { name: asw1-eqsin, host: 127.0.0.1, site: eqsin }\n${extra}`,
  );
  const lines: string[] = [];
  const out = { print: (l: string) => lines.push(l), error: (l: string) => lines.push(`E ${l}`) };
  return { dir, file, lines, out };
}

const T0 = Date.parse('2022-04-19T04:49:20Z');
const incident: Incident = {
  id: '2022-04-19-eqsin-asw1-eqsin',
  scope: 'device',
  site: 'eqsin',
  devices: ['asw1-eqsin'],
  title: 'Virtual chassis master moved \u001b[31mfrom member 0 to member 1',
  severity: 'critical',
  status: 'resolved',
  openedAt: T0,
  impactStart: T0,
  impactEnd: T0 + 312_000,
  resolvedAt: T0 + 912_000,
  resolvedBy: 'netwatch',
  flapping: false,
  entries: [],
};

describe('netwatch notify test', () => {
  it('pages each receiver and route, resolves the test alert, and says which failed (exit 1)', async () => {
    const good = await startPagerDutyReceiver({ routingKey: GOOD_KEY });
    closers.push(() => good.close());
    const { file, lines, out } = setup(
      `notify:\n  pagerduty: { routing_key: ${GOOD_KEY}, url: "${good.url}" }\n  routes:\n    - { name: eqsin, match: { site: eqsin }, pagerduty: { routing_key: ${BAD_KEY}, url: "${good.url}" } }\n`,
    );
    const code = await runNotifyTest({ file, receiver: undefined, json: false }, {}, out);
    expect(code).toBe(1);
    expect(lines.find((l) => l.startsWith('pagerduty '))).toMatch(
      /^pagerduty +accepted \(trigger \d+ ms, resolve \d+ ms\)$/,
    );
    const routed = lines.find((l) => l.startsWith('eqsin/pagerduty'));
    expect(routed).toMatch(/FAILED: not retryable: .*400/);
    expect(lines.join('\n')).not.toContain(BAD_KEY);
    expect(lines.at(-1)).toBe('1 of 2 receiver(s) failed');
    expect(good.events.map((e) => e.event.event_action)).toEqual(['trigger', 'resolve']);
    expect(good.events[0]?.dedupKey).toMatch(/^netwatch-test-\d{8}T\d{6}Z$/);
  });

  it('one receiver by name; an unknown name or no receivers is a usage error (exit 2)', async () => {
    const good = await startPagerDutyReceiver({ routingKey: GOOD_KEY });
    closers.push(() => good.close());
    const { file, lines, out } = setup(
      `notify:\n  pagerduty: { routing_key: ${GOOD_KEY}, url: "${good.url}" }\n`,
    );
    expect(await runNotifyTest({ file, receiver: 'pagerduty', json: false }, {}, out)).toBe(0);
    expect(await runNotifyTest({ file, receiver: 'nope', json: false }, {}, out)).toBe(2);
    expect(lines.at(-1)).toBe('E netwatch notify test: no receiver named "nope"; configured: pagerduty');
    const none = setup('');
    expect(await runNotifyTest({ file: none.file, receiver: undefined, json: false }, {}, none.out)).toBe(2);
    expect(none.lines[0]).toMatch(/no receivers configured under notify:/);
  });
});

describe('netwatch incidents', () => {
  it('lists and shows incidents from the store, device text made printable', async () => {
    const { dir, file, lines, out } = setup('');
    const opened = await SqliteStore.open(join(dir, 'data'));
    if (!opened.ok) throw new Error(opened.reason);
    await opened.store.commit([], () => ({ incidents: [{ incident, state: '{}' }], outbox: [] }));
    await opened.store.close();
    expect(await runIncidentsList({ file, open: false, json: false }, {}, out)).toBe(0);
    expect(lines[0]).toMatch(
      /^2022-04-19-eqsin-asw1-eqsin +resolved device 2022-04-19 04:49:20Z → 2022-04-19 04:54:32Z +5m12s/,
    );
    expect(lines[0]).not.toContain('\u001b');
    lines.length = 0;
    expect(await runIncidentsList({ file, open: true, json: false }, {}, out)).toBe(0);
    expect(lines).toEqual(['no open incidents']);
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: incident.id, format: 'wiki' }, {}, out)).toBe(0);
    expect(lines.join('\n')).toContain('==Summary==');
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: 'nope', format: 'md' }, {}, out)).toBe(1);
    expect(await runIncidentsShow({ file, id: incident.id, format: 'pdf' }, {}, out)).toBe(2);
  });

  it('writes go through the daemon: not running → exit 1 with the address; its refusals are shown', async () => {
    const { file, lines, out } = setup('', 47833);
    expect(await runIncidentWrite({ file, id: incident.id, action: 'ack', author: 'alice' }, {}, out)).toBe(
      1,
    );
    expect(lines[0]).toMatch(
      /^E netwatch incidents ack: netwatch is not running at http:\/\/127\.0\.0\.1:47833 \(writes go through the daemon\)/,
    );
    // A daemon that refuses the token, and one that says the request is wrong.
    const answers = [
      { status: 401, body: { error: 'a valid bearer token is required' } },
      { status: 400, body: { error: 'text is required' } },
      { status: 201, body: { until: '2022-04-19T06:49:20.000Z' } },
    ];
    const seen: { url: string; auth: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body });
        const a = answers.shift() ?? { status: 500, body: {} };
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const live = setup('', port);
    expect(
      await runIncidentWrite(
        { file: live.file, id: incident.id, action: 'resolve', author: 'alice' },
        {},
        live.out,
      ),
    ).toBe(1);
    expect(live.lines.at(-1)).toBe('E netwatch incidents resolve: a valid bearer token is required');
    expect(
      await runIncidentWrite(
        { file: live.file, id: incident.id, action: 'notes', text: ' ', author: 'alice' },
        {},
        live.out,
      ),
    ).toBe(2);
    expect(
      await runSilence(
        { file: live.file, target: 'eqsin', for: '2h', reason: 'fibre works', author: 'bob' },
        {},
        live.out,
      ),
    ).toBe(0);
    expect(live.lines.at(-1)).toBe('silenced eqsin until 2022-04-19T06:49:20.000Z (by bob): fibre works');
    expect(seen.map((s) => s.url)).toEqual([
      '/api/incidents/2022-04-19-eqsin-asw1-eqsin/resolve',
      '/api/incidents/2022-04-19-eqsin-asw1-eqsin/notes',
      '/api/silences',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer t0ken-for-tests')).toBe(true);
    expect(JSON.parse(seen[2]?.body ?? '{}')).toEqual({
      target: 'eqsin',
      for: '2h',
      reason: 'fibre works',
      author: 'bob',
    });
  });
});
