import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runNotifyTest, testIncidentId } from '../../src/cli/notify-test.js';

/**
 * `netwatch notify test` against a loopback "PagerDuty" that accepts on one path and answers like
 * PagerDuty to a wrong routing key on another: the per-receiver lines, the resolve after an
 * accepted trigger, the exit code, and no secret in the output.
 */

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GOOD_KEY = 'aaaabbbbccccddddeeeeffff00001111';
const BAD_KEY = 'zzzzbbbbccccddddeeeeffff00001111';
const INVALID = {
  status: 'invalid event',
  message: 'Event object is invalid',
  errors: ['Invalid routing key'],
};

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** 202 on /good, PagerDuty's 400 on /bad; records what it got. */
async function fakePagerDuty(): Promise<{ readonly base: string; readonly received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ path: req.url ?? '', body });
      const ok = req.url === '/good';
      res
        .writeHead(ok ? 202 : 400, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            ok ? { status: 'success', message: 'Event processed', dedup_key: body.dedup_key } : INVALID,
          ),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function setup(notify: string) {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-cli-notify-'));
  dirs.push(dir);
  const file = join(dir, 'devices.yaml');
  writeFileSync(
    file,
    `http: { listen: 127.0.0.1:0, external_url: https://netwatch.example.net }\nstorage: { dir: ./data }\ndefaults: { snmp: { version: 2c, community: x } }\ndevices:\n  - { name: asw1-eqsin, host: 127.0.0.1, site: eqsin }\n${notify}`,
  );
  const lines: string[] = [];
  const out = { print: (l: string) => lines.push(l), error: (l: string) => lines.push(`E ${l}`) };
  return { file, lines, out };
}

const twoReceivers = (base: string) =>
  `notify:\n  pagerduty: { routing_key: ${GOOD_KEY}, url: "${base}/good" }\n  routes:\n    - { name: eqsin, match: { site: eqsin }, pagerduty: { routing_key: ${BAD_KEY}, url: "${base}/bad" } }\n`;

const NOW = Date.parse('2026-11-22T10:05:09.123Z');

describe('netwatch notify test', () => {
  it('one line per receiver, route receivers named with their route; a 400 fails it (exit 1)', async () => {
    const pd = await fakePagerDuty();
    const { file, lines, out } = setup(twoReceivers(pd.base));
    const code = await runNotifyTest({ file, receiver: undefined, json: false }, {}, out, () => NOW);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^pagerduty {14}accepted \(trigger \d+ ms, resolve \d+ ms\)$/);
    expect(lines[1]).toBe(
      'route eqsin/pagerduty  FAILED: HTTP 400: Event object is invalid: Invalid routing key (not retryable)',
    );
    expect(lines[2]).toBe('1 of 2 receiver(s) failed');
    const output = lines.join('\n');
    expect(output).not.toContain(GOOD_KEY);
    expect(output).not.toContain(BAD_KEY);

    // The accepted receiver got the trigger then its resolve under the same dedup key; the
    // refused one got the trigger only (nothing to resolve).
    const id = testIncidentId(NOW);
    expect(id).toBe('netwatch-test-20261122T100509');
    const good = pd.received.filter((r) => r.path === '/good').map((r) => r.body);
    expect(good.map((b) => [b.event_action, b.dedup_key])).toEqual([
      ['trigger', id],
      ['resolve', id],
    ]);
    expect(good[0]).toMatchObject({
      routing_key: GOOD_KEY,
      payload: {
        summary: 'netwatch test page: please ignore',
        source: 'netwatch',
        severity: 'error',
        group: 'test',
        class: 'test',
        custom_details: { incident: id, scope: 'device', devices: ['netwatch'], remarks: ['test page'] },
      },
      links: [{ href: 'https://netwatch.example.net' }],
    });
    expect(pd.received.filter((r) => r.path === '/bad').map((r) => r.body.event_action)).toEqual(['trigger']);
  });

  it('--json: one object per receiver', async () => {
    const pd = await fakePagerDuty();
    const { file, lines, out } = setup(twoReceivers(pd.base));
    expect(await runNotifyTest({ file, receiver: undefined, json: true }, {}, out, () => NOW)).toBe(1);
    const parsed = JSON.parse(lines.join('\n')) as Record<string, unknown>[];
    expect(parsed).toMatchObject([
      { receiver: 'pagerduty', route: null, ok: true, trigger: { ok: true }, resolve: { ok: true } },
      {
        receiver: 'eqsin/pagerduty',
        route: 'eqsin',
        ok: false,
        trigger: {
          ok: false,
          retryable: false,
          reason: 'HTTP 400: Event object is invalid: Invalid routing key',
        },
        resolve: null,
      },
    ]);
    expect(lines.join('\n')).not.toContain(BAD_KEY);
  });

  it('RECEIVER picks one receiver (or a route’s); only it is paged', async () => {
    const pd = await fakePagerDuty();
    const { file, lines, out } = setup(twoReceivers(pd.base));
    expect(await runNotifyTest({ file, receiver: 'pagerduty', json: false }, {}, out, () => NOW)).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^pagerduty {2}accepted \(trigger \d+ ms, resolve \d+ ms\)$/),
      'all 1 receiver(s) accepted the test page',
    ]);
    expect(pd.received.map((r) => r.path)).toEqual(['/good', '/good']);
    lines.length = 0;
    expect(await runNotifyTest({ file, receiver: 'eqsin', json: false }, {}, out, () => NOW)).toBe(1);
    expect(lines[0]).toMatch(/^route eqsin\/pagerduty {2}FAILED: HTTP 400: .*\(not retryable\)$/);
    expect(pd.received.map((r) => r.path)).toEqual(['/good', '/good', '/bad']);
  });

  it('an unknown receiver lists the names; no receivers at all: exit 2, nothing sent', async () => {
    const pd = await fakePagerDuty();
    const { file, lines, out } = setup(twoReceivers(pd.base));
    expect(await runNotifyTest({ file, receiver: 'opsgenie', json: false }, {}, out)).toBe(2);
    expect(lines).toEqual([
      'E netwatch notify test: no receiver or route named "opsgenie"; configured: pagerduty, eqsin/pagerduty',
    ]);
    const none = setup('');
    expect(await runNotifyTest({ file: none.file, receiver: undefined, json: false }, {}, none.out)).toBe(2);
    expect(none.lines).toEqual([
      expect.stringMatching(/^E netwatch notify test: no receivers configured under notify:/),
    ]);
    expect(pd.received).toEqual([]);
  });

  it('a receiver that does not answer is a retryable failure, the others still tested', async () => {
    const pd = await fakePagerDuty();
    // A port that was free a moment ago: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { file, lines, out } = setup(
      `notify:\n  pagerduty: { routing_key: ${GOOD_KEY}, url: "${pd.base}/good" }\n  webhook: { url: "http://127.0.0.1:${deadPort}/hook" }\n`,
    );
    expect(await runNotifyTest({ file, receiver: undefined, json: false }, {}, out, () => NOW)).toBe(1);
    expect(lines[0]).toMatch(/^pagerduty {2}accepted/);
    expect(lines[1]).toBe('webhook    FAILED: connection refused (retryable)');
  });
});
