import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { silentLogger } from '../src/log.js';
import { Metrics } from '../src/metrics/metrics.js';
import { Pipeline } from '../src/pipeline.js';
import { Poller } from '../src/poller.js';
import { createNetSnmpConnector } from '../src/snmp/net-snmp-connector.js';
import { createResolver } from '../src/snmp/resolve-host.js';
import { UdpMux } from '../src/snmp/udp-mux.js';
import { CommitQueue } from '../src/store/commit-queue.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { serializeMemory } from '../src/store/memory-codec.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Observation } from '../src/store/store.js';
import { device, v2c } from '../test/helpers/devices.js';
import { TEST_SETTINGS } from '../test/helpers/lab.js';

/**
 * The measuring half of bench/poll.sh (run inside its namespace). Polls N agents back to back,
 * first with netwatch (in this process), then through prometheus-snmp-exporter (another process),
 * and prints both side by side with the ratio. The agents are Net-SNMP snmpd (`--agents snmpd`:
 * device i on port base-port + i, community "bench", exporter module netwatch_equivalent) or
 * `netwatch simulate` (`--agents sim`: the devices, ports and communities of the devices.yaml it
 * wrote, `--sim-config`; the exporter module of each device is named after it, as bench/poll.sh
 * generates them: snmp_exporter 0.21 has one community per module).
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    'base-port': { type: 'string', default: '20000' },
    exporter: { type: 'string', default: '127.0.0.1:19117' },
    'exporter-pid': { type: 'string' },
    /** Where the store lives (a real disk, so write_bytes counts); a temp dir in $TMPDIR by default. */
    'storage-dir': { type: 'string' },
    /** Diagnosis: commit events only, never device memory (what do the memory writes cost?). */
    'no-memory': { type: 'boolean', default: false },
    agents: { type: 'string', default: 'snmpd' },
    /** --agents sim: the devices.yaml `netwatch simulate --write-config` wrote. */
    'sim-config': { type: 'string' },
    /** The agents' process (the simulator): its CPU and RSS while each side polls. */
    'agent-pid': { type: 'string' },
  },
});
const SIM = values.agents === 'sim';
if (!SIM && values.agents !== 'snmpd') throw new Error(`--agents is snmpd or sim, not ${values.agents}`);
if (SIM && values['sim-config'] === undefined) throw new Error('--agents sim needs --sim-config');
const N = Number(values.devices);
const ROUNDS = Number(values.rounds);
const C = Number(values.concurrency);
const BASE = Number(values['base-port']);
const EXPORTER_PID = Number(values['exporter-pid']);
const AGENT_PID = values['agent-pid'] === undefined ? undefined : Number(values['agent-pid']);
const CLK_TCK = 100;

interface Figures {
  cpuSeconds: number;
  wallSeconds: number[];
  peakRssMiB: number;
  peakSockets: number;
  failures: number;
  polls: number;
  /** Bytes the process caused to be written to storage (/proc/PID/io write_bytes), per round. */
  writeBytes: number[];
  warmupWriteBytes: number;
  /** The agents' process (--agent-pid) over the measured rounds: CPU seconds, peak RSS. */
  agentCpuSeconds: number;
  agentPeakRssMiB: number;
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

/** write_bytes of /proc/PID/io: bytes this process caused to be sent to the block layer. */
function writeBytesOf(pid: number | 'self'): number {
  return Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);
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
    writeBytes: [],
    warmupWriteBytes: 0,
    agentCpuSeconds: Number.NaN,
    agentPeakRssMiB: 0,
  };
  const beforeWarmup = writeBytesOf(pid);
  await round(); // warm-up: first polls learn per-device facts; not counted
  figures.warmupWriteBytes = writeBytesOf(pid) - beforeWarmup;
  const sampler = setInterval(() => {
    figures.peakRssMiB = Math.max(figures.peakRssMiB, rssMiB(pid));
    figures.peakSockets = Math.max(figures.peakSockets, socketsOf(pid));
    if (AGENT_PID !== undefined)
      figures.agentPeakRssMiB = Math.max(figures.agentPeakRssMiB, rssMiB(AGENT_PID));
  }, 50);
  const cpuBefore = cpu();
  const agentCpuBefore = AGENT_PID === undefined ? Number.NaN : cpuOf(AGENT_PID);
  for (let r = 0; r < ROUNDS; r += 1) {
    const started = performance.now();
    const written = writeBytesOf(pid);
    figures.failures += await round();
    figures.wallSeconds.push((performance.now() - started) / 1000);
    figures.writeBytes.push(writeBytesOf(pid) - written);
    figures.polls += N;
  }
  figures.cpuSeconds = cpu() - cpuBefore;
  if (AGENT_PID !== undefined) figures.agentCpuSeconds = cpuOf(AGENT_PID) - agentCpuBefore;
  clearInterval(sampler);
  return figures;
}

/** The simulator's devices: name (= v2c community, = exporter module), port (its own or the shared one). */
const simDevices = SIM
  ? (
      parseYaml(readFileSync(values['sim-config'] as string, 'utf8')) as {
        devices: { name: string; snmp: { port: number } }[];
      }
    ).devices.slice(0, N)
  : [];
if (SIM && simDevices.length < N)
  throw new Error(`${values['sim-config']} lists ${simDevices.length} devices, not ${N}`);
const devices = Array.from({ length: N }, (_, i) => {
  const sim = simDevices[i];
  return sim
    ? device(sim.name, sim.snmp.port, v2c(sim.name), { timeoutMs: 2000 })
    : device(`bench${i}`, BASE + i, v2c('bench'), { timeoutMs: 2000 });
});
const exporterUrl = (i: number) => {
  const d = devices[i] as (typeof devices)[number];
  return `http://${values.exporter}/snmp?module=${SIM ? d.name : 'netwatch_equivalent'}&target=127.0.0.1:${d.snmp?.port}`;
};

// --- netwatch: what `netwatch run` does per poll: collect over shared sockets, detect, journal,
// save the device memory, record metrics; one /metrics render per round (one Prometheus scrape).
const mux = new UdpMux();
const metrics = new Metrics({ processMetrics: false });
metrics.setDevices(devices);
const storage = mkdtempSync(join(values['storage-dir'] ?? tmpdir(), 'netwatch-bench-state-'));
const TMPFS_MAGIC = 0x01021994;
if (statfsSync(storage).type === TMPFS_MAGIC)
  console.warn(`warning: ${storage} is on tmpfs: write_bytes will not count the store's writes`);
const opened = await SqliteStore.open(storage);
if (!opened.ok) throw new Error(opened.reason);
/** What reaches the store, per round: commits (transactions), memories written, their bytes. */
const written = { commits: 0, memories: 0, memoryBytes: 0, events: 0 };
const perRound: (typeof written)[] = [];
class Counted extends DelegatingStore {
  override commit(batch: readonly Observation[]) {
    const kept: readonly Observation[] = values['no-memory']
      ? batch.flatMap((o): Observation[] =>
          o.events.length > 0 ? [{ device: o.device, events: o.events }] : [],
        )
      : batch;
    written.commits += 1;
    for (const o of kept) {
      written.events += o.events.length;
      if (o.memory) {
        written.memories += 1;
        written.memoryBytes += serializeMemory(o.memory.memory).length;
      }
    }
    return this.inner.commit(kept);
  }
}
const counted = new Counted(opened.store);
const queue = new CommitQueue({
  store: counted,
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
    settings: () => TEST_SETTINGS,
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
// CommitQueue's flush timer is unref'd (store/commit-queue.ts realTimer): when the last polls of a
// round wait for their commit, nothing else may hold the event loop, and Node would exit (code 13,
// unsettled top-level await). The daemon's HTTP server and ticker hold it there; this does here.
const keepAlive = setInterval(() => {}, 1000);
const netwatch = await measure('self', selfCpu, async () => {
  const failures = await inParallel(N, C, async (i) => {
    const r = await poller.poll(devices[i] as (typeof devices)[number]);
    if (r.ok) requests += r.snapshot.requests;
    return r.ok;
  });
  await metrics.render();
  // Every commit of this round done (each poll already waited for its own, as in the daemon):
  // its bytes belong to this round.
  await queue.drain();
  perRound.push({ ...written });
  Object.assign(written, { commits: 0, memories: 0, memoryBytes: 0, events: 0 });
  return failures;
});
clearInterval(keepAlive);
const series = (await metrics.render()).split('\n').filter((l) => l.startsWith('netwatch_')).length;
globalThis.gc?.();
const liveHeapMiB = process.memoryUsage().heapUsed / 1048576;
await queue.drain();
const events = (await opened.store.queryEvents({})).length;
const dbFiles = readdirSync(storage)
  .map((f) => `${f} ${(statSync(join(storage, f)).size / 1048576).toFixed(1)} MiB`)
  .join(', ');
await opened.store.close();
rmSync(storage, { recursive: true, force: true });
mux.close();

// --- snmp_exporter 0.21: one HTTP scrape per device, same agents, same concurrency.
/** SNMP packets the exporter sent, summed over every scrape (snmp_scrape_packets_sent), and scrapes. */
const exporterSent = { packets: 0, scrapes: 0 };
const exporter = await measure(
  EXPORTER_PID,
  () => cpuOf(EXPORTER_PID),
  () =>
    inParallel(N, C, async (i) => {
      const response = await fetch(exporterUrl(i));
      const body = await response.text();
      const packets = /^snmp_scrape_packets_sent (\d+)/m.exec(body)?.[1];
      if (packets !== undefined) {
        exporterSent.packets += Number(packets);
        exporterSent.scrapes += 1;
      }
      // A simulated SRX (the junos seed) has no ifXTable: every device has sysUpTime.
      return response.ok && body.includes(SIM ? '\nsysUpTime ' : 'ifHCInOctets{');
    }),
);
const exporterPackets = exporterSent.packets / exporterSent.scrapes;

const per1000 = (f: Figures) => (f.cpuSeconds / f.polls) * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const row = (label: string, a: string, b: string, ratio?: number) =>
  `${label.padEnd(34)}${a.padStart(14)}${b.padStart(16)}${ratio === undefined ? '' : ratio.toFixed(2).padStart(9)}`;

const simPorts = new Set(devices.map((d) => d.snmp?.port)).size;
console.log(
  SIM
    ? `\nbench/poll: ${N} devices × ${ROUNDS} rounds, concurrency ${C}, netwatch simulate on loopback (${simPorts === 1 ? 'one shared UDP port, community = device name' : `${simPorts} UDP ports, one per device, community = device name`}; seeds in rotation: ex4600mp 854 interfaces, qfx5100 50, junos SRX ifDescr only, qfx5100 50)`
    : `\nbench/poll: ${N} devices × ${ROUNDS} rounds, concurrency ${C}, 48 interfaces each (Net-SNMP snmpd on loopback)`,
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
    exporterPackets.toFixed(Number.isInteger(exporterPackets) ? 0 : 1),
    requests / (netwatch.polls + N) / exporterPackets,
  ),
);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : sum(xs) / xs.length);
// Disk writes per device poll. A device's memory is written on its 1st poll (the warm-up: first
// sight), on its 2nd (its traffic baseline starts: stableKey's contract is "identical from the
// second poll on"), then only when it changes or every 10th poll since the last write
// (pipeline.ts checkpointEvery): here the 12th poll, measured round 11. Steady = rounds 2..,
// without checkpoint rounds; amortised = one checkpoint per 10 polls.
const isCheckpointRound = (r: number) => r >= 11 && (r - 1) % 10 === 0; // r counted from 1
const steadyRounds = netwatch.writeBytes.filter((_, i) => i >= 1 && !isCheckpointRound(i + 1));
const checkpointRounds = netwatch.writeBytes.filter((_, i) => isCheckpointRound(i + 1));
const steadyPerPoll = mean(steadyRounds) / N;
const checkpointMeasured = checkpointRounds.length > 0;
// Without a measured checkpoint, round 1 (the 2nd poll, which rewrites every memory) stands for it.
const checkpointPerPoll =
  (checkpointMeasured ? mean(checkpointRounds) : (netwatch.writeBytes[0] ?? Number.NaN)) / N;
const amortisedPerPoll = (steadyPerPoll * 9 + checkpointPerPoll) / 10;
console.log(
  row(
    'disk bytes written per device poll',
    Number.isFinite(amortisedPerPoll) ? amortisedPerPoll.toFixed(0) : 'n/a',
    (sum(exporter.writeBytes) / exporter.polls).toFixed(0),
  ),
);
console.log(row('failed polls', String(netwatch.failures), String(exporter.failures)));
if (AGENT_PID !== undefined) {
  const agentPer1000 = (f: Figures) => (f.agentCpuSeconds / f.polls) * 1000;
  console.log(
    row(
      `${SIM ? 'simulator' : 'agents'} CPU s per 1,000 polls`,
      agentPer1000(netwatch).toFixed(3),
      agentPer1000(exporter).toFixed(3),
      agentPer1000(netwatch) / agentPer1000(exporter),
    ),
  );
  console.log(
    row(
      `${SIM ? 'simulator' : 'agents'} peak RSS (MiB)`,
      netwatch.agentPeakRssMiB.toFixed(0),
      exporter.agentPeakRssMiB.toFixed(0),
    ),
  );
}
const MB = 1e6;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `\nnetwatch disk writes (write_bytes of /proc/self/io: database, WAL and their fsyncs${values['no-memory'] ? '; --no-memory: events only, device memory never written' : ''}):`,
);
const [warm, ...measured] = perRound;
const describeRound = (label: string, bytes: number, w: typeof written | undefined) =>
  `  ${label.padEnd(24)} ${kib(bytes).padStart(12)} = ${(bytes / N).toFixed(0).padStart(6)} B/poll; ${w?.commits ?? 0} commits, ${w?.memories ?? 0} memories written (${kib(w?.memoryBytes ?? 0)} of JSON), ${w?.events ?? 0} events`;
console.log(describeRound('warm-up (poll 1)', netwatch.warmupWriteBytes, warm));
netwatch.writeBytes.forEach((bytes, r) => {
  const what = r === 0 ? ' (poll 2)' : isCheckpointRound(r + 1) ? ' (checkpoint)' : '';
  console.log(describeRound(`round ${r + 1}${what}`, bytes, measured[r]));
});
console.log(`  store after the run: ${dbFiles}`);
const per10k = (perPoll: number) => `${((perPoll * 10_000) / 30 / MB).toFixed(3)} MB/s`;
if (steadyRounds.length > 0)
  console.log(
    `  steady (rounds 2.., no checkpoint): ${steadyPerPoll.toFixed(0)} B per device poll → 10,000 devices every 30 s: ${per10k(steadyPerPoll)}`,
  );
else console.log('  no steady round measured (needs ROUNDS >= 2)');
console.log(
  `  checkpoint (every memory rewritten): ${checkpointPerPoll.toFixed(0)} B per device poll, ${checkpointMeasured ? 'measured (round 11)' : 'estimated by round 1, the 2nd poll, which rewrites every memory too (measured at ROUNDS >= 11)'}`,
);
if (Number.isFinite(amortisedPerPoll))
  console.log(
    `  amortised, one checkpoint per 10 polls: ${amortisedPerPoll.toFixed(0)} B per device poll → 10,000 devices every 30 s: ${per10k(amortisedPerPoll)} (target < 2 MB/s)`,
  );
else
  console.log(
    `  amortised: n/a without a steady round; if steady rounds write nothing (as at 2,000 devices), one checkpoint per 10 polls is ${(checkpointPerPoll / 10).toFixed(0)} B per device poll → ${per10k(checkpointPerPoll / 10)}`,
  );
console.log(
  `netwatch live heap after a full GC: ${liveHeapMiB.toFixed(0)} MiB (snapshots and memory of every device; RSS also holds V8's unreturned pages)`,
);
console.log(`netwatch /metrics after the run: ${series} netwatch_ series; events journaled: ${events}`);
const coresFor2000 = (per1000(netwatch) * 2) / 30;
console.log(
  `projection: 2,000 devices every 30 s = ${coresFor2000.toFixed(2)} cores of netwatch CPU (target: within 2 cores)`,
);
