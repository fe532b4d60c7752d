import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../src/detect/detector.js';
import { silentLogger } from '../src/log.js';
import { Metrics } from '../src/metrics/metrics.js';
import { Pipeline } from '../src/pipeline.js';
import { Poller } from '../src/poller.js';
import { createNetSnmpConnector } from '../src/snmp/net-snmp-connector.js';
import { createResolver } from '../src/snmp/resolve-host.js';
import { UdpMux } from '../src/snmp/udp-mux.js';
import { CommitQueue } from '../src/store/commit-queue.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { device, v2c } from '../test/helpers/devices.js';

/**
 * The measuring half of bench/poll.sh (run inside its namespace). Polls N agents back to back,
 * first with netwatch (in this process), then through prometheus-snmp-exporter (another process),
 * and prints both side by side with the ratio.
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    'base-port': { type: 'string', default: '20000' },
    exporter: { type: 'string', default: '127.0.0.1:19117' },
    'exporter-pid': { type: 'string' },
  },
});
const N = Number(values.devices);
const ROUNDS = Number(values.rounds);
const C = Number(values.concurrency);
const BASE = Number(values['base-port']);
const EXPORTER_PID = Number(values['exporter-pid']);
const CLK_TCK = 100;

interface Figures {
  cpuSeconds: number;
  wallSeconds: number[];
  peakRssMiB: number;
  peakSockets: number;
  failures: number;
  polls: number;
}

function socketsOf(pid: number | 'self'): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n += 1;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

function rssMiB(pid: number | 'self'): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

async function inParallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<boolean>,
): Promise<number> {
  let next = 0;
  let failures = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      if (!(await work(i))) failures += 1;
    }
  });
  await Promise.all(lanes);
  return failures;
}

async function measure(
  pid: number | 'self',
  cpu: () => number,
  round: () => Promise<number>,
): Promise<Figures> {
  const figures: Figures = {
    cpuSeconds: 0,
    wallSeconds: [],
    peakRssMiB: 0,
    peakSockets: 0,
    failures: 0,
    polls: 0,
  };
  await round(); // warm-up: first polls learn per-device facts; not counted
  const sampler = setInterval(() => {
    figures.peakRssMiB = Math.max(figures.peakRssMiB, rssMiB(pid));
    figures.peakSockets = Math.max(figures.peakSockets, socketsOf(pid));
  }, 50);
  const cpuBefore = cpu();
  for (let r = 0; r < ROUNDS; r += 1) {
    const started = performance.now();
    figures.failures += await round();
    figures.wallSeconds.push((performance.now() - started) / 1000);
    figures.polls += N;
  }
  figures.cpuSeconds = cpu() - cpuBefore;
  clearInterval(sampler);
  return figures;
}

const devices = Array.from({ length: N }, (_, i) =>
  device(`bench${i}`, BASE + i, v2c('bench'), { timeoutMs: 2000 }),
);

// --- netwatch: what `netwatch run` does per poll: collect over shared sockets, detect, journal,
// save the device memory, record metrics; one /metrics render per round (one Prometheus scrape).
const mux = new UdpMux();
const metrics = new Metrics({ processMetrics: false });
metrics.setDevices(devices);
const storage = mkdtempSync(join(tmpdir(), 'netwatch-bench-state-'));
const opened = await SqliteStore.open(storage);
if (!opened.ok) throw new Error(opened.reason);
const queue = new CommitQueue({
  store: opened.store,
  onCommitted: ({ recorded }) => metrics.recordEvents(recorded),
  onError: (error) => {
    throw error;
  },
});
const pipeline = new Pipeline(
  {
    queue,
    metrics,
    logger: silentLogger,
    identityOf: (d) => d.name,
    settings: () => ({
      ...DEFAULT_SETTINGS,
      trafficDrop: {
        dropRatio: 0.5,
        recoverRatio: 0.8,
        minBps: 1_000_000,
        forPolls: 2,
        rebaselineAfterMs: 3_600_000,
      },
      unreachableAfter: 3,
    }),
  },
  new Map(),
);
const poller = new Poller({
  connector: createNetSnmpConnector({ mux, now: Date.now }),
  resolve: createResolver(),
  now: Date.now,
  onResult: async (d, r) => {
    await pipeline.handle(d, r, Date.now());
  },
});
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let requests = 0;
const netwatch = await measure('self', selfCpu, async () => {
  const failures = await inParallel(N, C, async (i) => {
    const r = await poller.poll(devices[i] as (typeof devices)[number]);
    if (r.ok) requests += r.snapshot.requests;
    return r.ok;
  });
  await metrics.render();
  return failures;
});
const series = (await metrics.render()).split('\n').filter((l) => l.startsWith('netwatch_')).length;
globalThis.gc?.();
const liveHeapMiB = process.memoryUsage().heapUsed / 1048576;
await queue.drain();
const events = (await opened.store.queryEvents({})).length;
await opened.store.close();
rmSync(storage, { recursive: true, force: true });
mux.close();

// --- snmp_exporter 0.21: one HTTP scrape per device, same agents, same concurrency.
const exporter = await measure(
  EXPORTER_PID,
  () => cpuOf(EXPORTER_PID),
  () =>
    inParallel(N, C, async (i) => {
      const response = await fetch(
        `http://${values.exporter}/snmp?module=netwatch_equivalent&target=127.0.0.1:${BASE + i}`,
      );
      const body = await response.text();
      return response.ok && body.includes('ifHCInOctets{');
    }),
);
const exporterPackets = await (async () => {
  const body = await (
    await fetch(`http://${values.exporter}/snmp?module=netwatch_equivalent&target=127.0.0.1:${BASE}`)
  ).text();
  return Number(/^snmp_scrape_packets_sent (\d+)/m.exec(body)?.[1] ?? Number.NaN);
})();

const per1000 = (f: Figures) => (f.cpuSeconds / f.polls) * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const row = (label: string, a: string, b: string, ratio?: number) =>
  `${label.padEnd(34)}${a.padStart(14)}${b.padStart(16)}${ratio === undefined ? '' : ratio.toFixed(2).padStart(9)}`;

console.log(
  `\nbench/poll: ${N} devices × ${ROUNDS} rounds, concurrency ${C}, 48 interfaces each (Net-SNMP snmpd on loopback)`,
);
console.log(`${row('', 'netwatch', 'snmp_exporter', undefined)}    ratio`);
console.log(
  row(
    'CPU seconds per 1,000 device polls',
    per1000(netwatch).toFixed(3),
    per1000(exporter).toFixed(3),
    per1000(netwatch) / per1000(exporter),
  ),
);
console.log(
  row(
    'cycle wall time, median (s)',
    median(netwatch.wallSeconds).toFixed(2),
    median(exporter.wallSeconds).toFixed(2),
    median(netwatch.wallSeconds) / median(exporter.wallSeconds),
  ),
);
console.log(
  row(
    'peak RSS (MiB)',
    netwatch.peakRssMiB.toFixed(0),
    exporter.peakRssMiB.toFixed(0),
    netwatch.peakRssMiB / exporter.peakRssMiB,
  ),
);
console.log(
  row(
    'peak sockets open',
    String(netwatch.peakSockets),
    String(exporter.peakSockets),
    netwatch.peakSockets / Math.max(1, exporter.peakSockets),
  ),
);
console.log(
  row(
    'SNMP requests per device poll',
    (requests / (netwatch.polls + N)).toFixed(1),
    String(exporterPackets),
    requests / (netwatch.polls + N) / exporterPackets,
  ),
);
console.log(row('failed polls', String(netwatch.failures), String(exporter.failures)));
console.log(
  `netwatch live heap after a full GC: ${liveHeapMiB.toFixed(0)} MiB (snapshots and memory of every device; RSS also holds V8's unreturned pages)`,
);
console.log(`netwatch /metrics after the run: ${series} netwatch_ series; events journaled: ${events}`);
const coresFor2000 = (per1000(netwatch) * 2) / 30;
console.log(
  `projection: 2,000 devices every 30 s = ${coresFor2000.toFixed(2)} cores of netwatch CPU (target: within 2 cores)`,
);
