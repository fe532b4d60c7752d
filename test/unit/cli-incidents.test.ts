import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIncidentsList, runIncidentsShow, runIncidentWrite } from '../../src/cli/incidents.js';
import { runNote } from '../../src/cli/note.js';
import { runSilence } from '../../src/cli/silence.js';
import type { Incident } from '../../src/incident/incident.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

/**
 * The incident commands: list and show read the store (a temp SQLite store filled through the
 * commit's correlate hook); ack, resolve, note and silence go through the daemon's API (a tiny
 * fake API on loopback, or nothing listening).
 */

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(port: number, http = '') {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-cli-incidents-'));
  dirs.push(dir);
  const file = join(dir, 'devices.yaml');
  writeFileSync(
    file,
    `http: { listen: 127.0.0.1:${port}, external_url: https://netwatch.example.net${http} }\nstorage: { dir: ./data }\ndefaults: { snmp: { version: 2c, community: x } }\ndevices:\n  - { name: asw1-eqsin, host: 127.0.0.1, site: eqsin }\n  - { name: asw2-eqsin, host: 127.0.0.1, site: eqsin }\n`,
  );
  const lines: string[] = [];
  const out = { print: (l: string) => lines.push(l), error: (l: string) => lines.push(`E ${l}`) };
  return { dir, file, lines, out };
}

/** A loopback port nothing listens on (it was free a moment ago): connection refused. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const T0 = Date.parse('2022-04-19T04:49:20Z');
const resolved: Incident = {
  id: '2022-04-19-eqsin-asw1-eqsin',
  scope: 'device',
  site: 'eqsin',
  devices: ['asw1-eqsin'],
  // Device text with an ANSI escape: it must reach the terminal as visible text, not as colour.
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
const open: Incident = {
  id: '2022-04-20-eqsin-asw2-eqsin',
  scope: 'device',
  site: 'eqsin',
  devices: ['asw2-eqsin'],
  title: 'asw2-eqsin is unreachable',
  severity: 'major',
  status: 'open',
  openedAt: T0 + 86_400_000,
  impactStart: T0 + 86_400_000,
  flapping: false,
  entries: [],
};

/** The incidents written as the correlator writes them: inside a commit's transaction. */
async function filledStore(dir: string, incidents: readonly Incident[]): Promise<void> {
  const opened = await SqliteStore.open(join(dir, 'data'));
  if (!opened.ok) throw new Error(opened.reason);
  await opened.store.commit([], () => ({
    incidents: incidents.map((incident) => ({ incident, state: '{}' })),
    outbox: [],
  }));
  await opened.store.close();
}

describe('netwatch incidents list / show (from the store)', () => {
  it('one line per incident, newest first; --open; device text made printable', async () => {
    const { dir, file, lines, out } = setup(await freePort());
    await filledStore(dir, [resolved, open]);
    expect(await runIncidentsList({ file, open: false, json: false }, {}, out)).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^2022-04-20-eqsin-asw2-eqsin +open +device asw2-eqsin +2022-04-20 04:49:20Z → … +ongoing +asw2-eqsin is unreachable$/,
    );
    expect(lines[1]).toMatch(
      /^2022-04-19-eqsin-asw1-eqsin +resolved device asw1-eqsin +2022-04-19 04:49:20Z → 2022-04-19 04:54:32Z +5m12s +Virtual chassis master moved \\x1b\[31mfrom member 0 to member 1$/,
    );
    expect(lines.join('\n')).not.toContain('\u001b');
    lines.length = 0;
    expect(await runIncidentsList({ file, open: true, json: false }, {}, out)).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^2022-04-20-eqsin-asw2-eqsin +open /)]);
  });

  it('--json: the API’s incident summaries', async () => {
    const { dir, file, lines, out } = setup(await freePort());
    await filledStore(dir, [resolved, open]);
    expect(await runIncidentsList({ file, open: false, json: true }, {}, out)).toBe(0);
    const parsed = JSON.parse(lines.join('\n')) as Record<string, unknown>[];
    expect(parsed.map((i) => i.id)).toEqual([open.id, resolved.id]);
    expect(parsed[1]).toMatchObject({
      status: 'resolved',
      scope: 'device',
      devices: ['asw1-eqsin'],
      title: resolved.title,
      outage_begins: '2022-04-19T04:49:20.000Z',
      outage_ends: '2022-04-19T04:54:32.000Z',
    });
  });

  it('no incidents; no store at storage.dir is a failure (exit 1), not an empty list', async () => {
    const { dir, file, lines, out } = setup(await freePort());
    expect(await runIncidentsList({ file, open: false, json: false }, {}, out)).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^E netwatch incidents: no store at /)]);
    lines.length = 0;
    await filledStore(dir, []);
    expect(await runIncidentsList({ file, open: true, json: false }, {}, out)).toBe(0);
    expect(lines).toEqual(['no open incidents']);
  });

  it('show prints the report (md by default, wiki, json); unknown ID exit 1; bad format exit 2', async () => {
    const { dir, file, lines, out } = setup(await freePort());
    await filledStore(dir, [resolved]);
    expect(await runIncidentsShow({ file, id: resolved.id, format: 'md' }, {}, out)).toBe(0);
    expect(lines.join('\n')).toContain('## Summary');
    expect(lines.join('\n')).not.toContain('\u001b');
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: resolved.id, format: 'wiki' }, {}, out)).toBe(0);
    expect(lines.join('\n')).toContain('==Summary==');
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: resolved.id, format: 'json' }, {}, out)).toBe(0);
    expect(JSON.stringify(JSON.parse(lines.join('\n')))).toContain(resolved.id);
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: 'nope', format: 'md' }, {}, out)).toBe(1);
    expect(lines).toEqual(['E netwatch incidents show: no incident nope (netwatch incidents lists them)']);
    lines.length = 0;
    expect(await runIncidentsShow({ file, id: resolved.id, format: 'pdf' }, {}, out)).toBe(2);
    expect(lines).toEqual(['E netwatch incidents show: --format is one of md, wiki, json, not "pdf"']);
  });
});

interface Seen {
  readonly url: string;
  readonly auth: string;
  readonly body: Record<string, unknown>;
}

/** A fake daemon API that answers the scripted statuses in order and records each request. */
async function fakeApi(
  answers: { readonly status: number; readonly body: Record<string, unknown> }[],
): Promise<{ readonly port: number; readonly seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      seen.push({
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        body: JSON.parse(text) as Record<string, unknown>,
      });
      const answer = answers.shift() ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, seen };
}

const TOKEN = ', write_token: t0ken-for-tests';

describe('operator writes (through the daemon)', () => {
  it('no daemon: exit 1, "not running at host:port", for each write command', async () => {
    const port = await freePort();
    const { file, lines, out } = setup(port, TOKEN);
    expect(await runIncidentWrite({ file, id: resolved.id, action: 'ack', author: 'alice' }, {}, out)).toBe(
      1,
    );
    expect(await runNote({ file, id: resolved.id, text: 'looking', author: 'alice' }, {}, out)).toBe(1);
    expect(
      await runSilence({ file, target: 'eqsin', for: '2h', reason: 'fibre works', author: 'bob' }, {}, out),
    ).toBe(1);
    const not = `netwatch is not running at 127.0.0.1:${port} (writes go through the daemon)`;
    expect(lines).toEqual([
      `E netwatch incidents ack: ${not}`,
      `E netwatch note: ${not}`,
      `E netwatch silence: ${not}`,
    ]);
  });

  it('the API’s refusals: 401/403 exit 1 with its message, 404 exit 1, 400 exit 2', async () => {
    const api = await fakeApi([
      { status: 401, body: { error: 'a valid bearer token is required' } },
      { status: 403, body: { error: 'operator actions are disabled: set http.write_token in devices.yaml' } },
      { status: 404, body: { error: 'no incident nope' } },
      { status: 400, body: { error: 'text is required' } },
    ]);
    const { file, lines, out } = setup(api.port, TOKEN);
    expect(
      await runIncidentWrite({ file, id: resolved.id, action: 'resolve', author: 'alice' }, {}, out),
    ).toBe(1);
    expect(await runIncidentWrite({ file, id: resolved.id, action: 'ack', author: 'alice' }, {}, out)).toBe(
      1,
    );
    expect(await runIncidentWrite({ file, id: 'nope', action: 'ack', author: 'alice' }, {}, out)).toBe(1);
    expect(await runNote({ file, id: resolved.id, text: ' ', author: 'alice' }, {}, out)).toBe(2);
    expect(lines).toEqual([
      'E netwatch incidents resolve: a valid bearer token is required',
      'E netwatch incidents ack: operator actions are disabled: set http.write_token in devices.yaml',
      'E netwatch incidents ack: no incident nope',
      'E netwatch note: text is required',
    ]);
    expect(api.seen.map((s) => s.url)).toEqual([
      '/api/incidents/2022-04-19-eqsin-asw1-eqsin/resolve',
      '/api/incidents/2022-04-19-eqsin-asw1-eqsin/ack',
      '/api/incidents/nope/ack',
      '/api/incidents/2022-04-19-eqsin-asw1-eqsin/notes',
    ]);
    expect(api.seen.every((s) => s.auth === 'Bearer t0ken-for-tests')).toBe(true);
    expect(lines.join('\n')).not.toContain('t0ken-for-tests');
  });

  it('accepted writes: the body the API takes, the author from --author or the login name', async () => {
    const api = await fakeApi([
      { status: 201, body: { incident: resolved.id, author: 'alice' } },
      { status: 200, body: { incident: open.id, action: 'ack', committed: true } },
      { status: 202, body: { incident: open.id, action: 'resolve', committed: false } },
      { status: 201, body: { until: '2022-04-19T06:49:20.000Z' } },
    ]);
    const { file, lines, out } = setup(api.port, TOKEN);
    expect(
      await runNote({ file, id: resolved.id, text: 'fxpc core sent to JTAC', author: 'alice' }, {}, out),
    ).toBe(0);
    expect(await runIncidentWrite({ file, id: open.id, action: 'ack', author: undefined }, {}, out)).toBe(0);
    expect(await runIncidentWrite({ file, id: open.id, action: 'resolve', author: 'carol' }, {}, out)).toBe(
      0,
    );
    expect(
      await runSilence({ file, target: 'eqsin', for: '2h', reason: 'fibre works', author: 'bob' }, {}, out),
    ).toBe(0);
    expect(lines[0]).toBe(`note added to ${resolved.id} (by alice)`);
    expect(lines[1]).toMatch(/^acknowledged 2022-04-20-eqsin-asw2-eqsin \(by .+\)$/);
    expect(lines[2]).toBe(`resolved ${open.id} (by carol) (queued: applied with the daemon's next commit)`);
    expect(lines[3]).toBe('silenced eqsin until 2022-04-19T06:49:20.000Z (by bob): fibre works');
    expect(api.seen.map((s) => s.body)).toEqual([
      { author: 'alice', text: 'fxpc core sent to JTAC' },
      { author: expect.any(String) },
      { author: 'carol' },
      { target: 'eqsin', for: '2h', reason: 'fibre works', author: 'bob' },
    ]);
    expect(api.seen[1]?.body.author).not.toBe('');
    expect(api.seen[3]?.url).toBe('/api/silences');
  });

  it('silence: a --for that is not a duration is a usage error before any request', async () => {
    const api = await fakeApi([]);
    const { file, lines, out } = setup(api.port, TOKEN);
    expect(
      await runSilence({ file, target: 'eqsin', for: 'two hours', reason: 'x', author: 'bob' }, {}, out),
    ).toBe(2);
    expect(lines).toEqual([
      'E netwatch silence: --for takes a duration such as 30m, 2h or 1d, not "two hours"',
    ]);
    expect(api.seen).toEqual([]);
  });
});
