import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { realClock } from '../src/clock.js';
import { loadConfigText } from '../src/config/load.js';
import { type EventDraft, SEVERITY } from '../src/events/event.js';
import { IncidentService } from '../src/incident/incident-service.js';
import { silentLogger } from '../src/log.js';
import { Metrics } from '../src/metrics/metrics.js';
import { OutboxDrainer } from '../src/page/outbox-drainer.js';
import { buildPagers, refreshIntervals } from '../src/page/pagers.js';
import { receiversFor } from '../src/page/routing.js';
import { CommitQueue } from '../src/store/commit-queue.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

/**
 * bench/page-latency: how long from "event committed" to "page accepted by the receiver", with
 * the product's own pieces in one process — the SQLite store (synchronous FULL), the commit queue
 * with the correlator inside each commit, the outbox drainer, the real PagerDuty and Alertmanager
 * pagers — against loopback receivers that answer at once (202 / 200).
 *
 *   npm run build && node dist/bench/page-latency.js [--incidents 1000] [--spread 10] [--resend 3]
 *
 * 1. N master_switchover events on N devices of N sites (no storm joins them: N incidents), one
 *    every spread/N seconds (a poll tick spreads its devices over the interval), each through
 *    CommitQueue.submit; "committed" is when that promise resolves true. Each makes a PagerDuty
 *    trigger and an Alertmanager alert. p50/p99/max of (PagerDuty received − committed).
 * 2. With those N incidents open, the drainer's Alertmanager refresh (every --resend s) re-sends
 *    all of them: the round's duration, and the event loop's delay while it runs (what a poll
 *    scheduled at that moment would wait), beside the delay when idle.
 */

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '1000' },
    spread: { type: 'string', default: '10' },
    resend: { type: 'string', default: '3' },
  },
});
const N = Number(values.incidents);
const SPREAD_MS = Number(values.spread) * 1000;
const RESEND_S = Number(values.resend);

interface Receiver {
  readonly url: string;
  readonly server: Server;
  readonly arrivals: { readonly at: number; readonly body: unknown }[];
}

async function receiver(status: number): Promise<Receiver> {
  const arrivals: { at: number; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      arrivals.push({ at: performance.now(), body: JSON.parse(raw) as unknown });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, arrivals };
}

const pct = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (v: number) => `${v.toFixed(1)} ms`;

const pd = await receiver(202);
const am = await receiver(200);
const devices = Array.from({ length: N }, (_, i) => `sw${i}`);
const yaml = `
http: { listen: 127.0.0.1:0, external_url: https://netwatch.example.net }
defaults: { snmp: { version: 2c, community: bench } }
devices:
${devices.map((d) => `  - { name: ${d}, host: 127.0.0.1, site: site-${d} }`).join('\n')}
notify:
  pagerduty: { routing_key: benchbenchbenchbenchbenchbench00, url: "${pd.url}/v2/enqueue" }
  alertmanager: { urls: ["${am.url}"], resend: ${RESEND_S}s }
`;
const loaded = loadConfigText(yaml, 'bench.yaml', {});
if (!loaded.ok) throw new Error(JSON.stringify(loaded));
const config = loaded.config;
const dir = mkdtempSync(join(tmpdir(), 'netwatch-bench-pages-'));
const opened = await SqliteStore.open(dir);
if (!opened.ok) throw new Error(opened.reason);
const store = opened.store;
const clock = realClock();
const metrics = new Metrics({ processMetrics: false });
let drainer: OutboxDrainer | undefined;
const service = await IncidentService.load(store, {
  config: () => config,
  wallMs: () => clock.wallMs(),
  silences: () => [],
  onPagesDue: () => drainer?.nudge(),
  onFailOpen: (drafts) => drainer?.failOpen(drafts),
});
const pagers = buildPagers(config.notify, () => clock.wallMs());
drainer = new OutboxDrainer({
  store,
  pagers: () => pagers,
  clock,
  logger: silentLogger,
  metrics: metrics.paging,
  refresh: () => ({
    incidents: service.openIncidents(),
    receivers: refreshIntervals(config.notify),
    receiversOf: (i) => receiversFor(config.notify, i).map((t) => t.name),
    externalUrl: config.http.externalUrl,
  }),
});
const storeErrors: string[] = [];
const queue = new CommitQueue({
  store,
  correlation: () => service.correlation(),
  onCommitted: () => undefined,
  onError: (error) => {
    storeErrors.push(error.message);
  },
});
drainer.start();

// 1. Event committed → page accepted.
const committed = new Map<string, number>();
const t0 = Date.now();
await Promise.all(
  devices.map(async (device, i) => {
    await new Promise((r) => setTimeout(r, (i * SPREAD_MS) / N));
    const time = clock.wallMs();
    const draft: EventDraft = {
      time,
      device,
      site: `site-${device}`,
      type: 'master_switchover',
      severity: SEVERITY.master_switchover,
      source: 'poll',
      summary: `Virtual chassis master moved on ${device}`,
      details: { from_member: 0, member: 1 },
      fact: `bench-${device}-${time}`,
    };
    if (await queue.submit({ device, events: [draft] })) committed.set(device, performance.now());
  }),
);
const deadline = Date.now() + 120_000;
while (pd.arrivals.length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const latencies: number[] = [];
for (const { at, body } of pd.arrivals) {
  const key = String((body as { dedup_key?: unknown }).dedup_key ?? '');
  const device = /-site-(sw\d+)-(sw\d+)$/.exec(key)?.[2];
  const c = device === undefined ? undefined : committed.get(device);
  if (c !== undefined) latencies.push(at - c);
}
latencies.sort((a, b) => a - b);
const phase1 = (Date.now() - t0) / 1000;

// 2. A refresh round of every open incident to Alertmanager, with the event loop watched.
const idle = monitorEventLoopDelay({ resolution: 1 });
idle.enable();
await new Promise((r) => setTimeout(r, 1000));
idle.disable();
const before = am.arrivals.length;
const busy = monitorEventLoopDelay({ resolution: 1 });
busy.enable();
const roundDeadline = Date.now() + (RESEND_S + 30) * 1000;
while (am.arrivals.length < before + N && Date.now() < roundDeadline)
  await new Promise((r) => setTimeout(r, 20));
busy.disable();
const round = am.arrivals.slice(before, before + N);
const roundMs = round.length > 1 ? (round.at(-1)?.at ?? 0) - (round[0]?.at ?? 0) : Number.NaN;

await drainer.stop();
queue.close();
await store.close();
pd.server.close();
am.server.close();
rmSync(dir, { recursive: true, force: true });

const row = (a: string, b: string) => console.log(`${a.padEnd(56)} ${b}`);
console.log(
  `page latency: ${N} incidents over ${values.spread} s, SQLite synchronous=FULL, loopback receivers`,
);
row('PagerDuty triggers received', `${pd.arrivals.length} of ${N} (${latencies.length} matched)`);
row('committed → accepted p50', ms(pct(latencies, 50)));
row('committed → accepted p99', ms(pct(latencies, 99)));
row('committed → accepted max', ms(latencies.at(-1) ?? Number.NaN));
row('phase 1 wall time', `${phase1.toFixed(1)} s`);
row(`Alertmanager refresh round (${N} open incidents)`, `${round.length} re-sent in ${ms(roundMs)}`);
row('event loop delay idle p99 / max', `${ms(idle.percentile(99) / 1e6)} / ${ms(idle.max / 1e6)}`);
row(
  'event loop delay during the refresh p99 / max',
  `${ms(busy.percentile(99) / 1e6)} / ${ms(busy.max / 1e6)}`,
);
row('store commit errors (retried)', `${storeErrors.length}${storeErrors[0] ? `: ${storeErrors[0]}` : ''}`);
row('verdict', pct(latencies, 99) < 1000 ? 'p99 under 1 s: met' : 'p99 under 1 s: NOT met');
