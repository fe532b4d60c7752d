import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CollectMemo } from '../src/collect/collect-device.js';
import { collectDevice } from '../src/collect/collect-device.js';
import { SYSTEM } from '../src/collect/oids.js';
import type { SnmpSecurity } from '../src/config/types.js';
import { generatedFleet } from '../src/sim/default-fleet.js';
import { loadSeed } from '../src/sim/seed.js';
import { createNetSnmpConnector } from '../src/snmp/net-snmp-connector.js';
import type { SnmpConnector, SnmpSession } from '../src/snmp/types.js';
import { UdpMux } from '../src/snmp/udp-mux.js';
import { device, v2c } from '../test/helpers/devices.js';

/**
 * bench/simulate: can `netwatch simulate --devices N` stand in for a fleet? Starts the simulator
 * as its own process (stopped by its PID), times spawn → "started" line → first answer, then walks
 * every device with netwatch's own collector (collect/collect-device.ts over the shared UDP
 * sockets: the GET of the system scalars and the lock-step GetBulk of every interface, VC,
 * redundancy, RE and config-change column netwatch polls), `--passes` times: pass 1 is a first
 * poll (static columns included), later passes are steady polls (static columns cached). Every
 * device must answer every pass with as many interfaces as its seed recording has. Then Net-SNMP's
 * snmpbulkwalk walks the whole MIB tree of one device per seed (`--full-tree`). Prints the
 * simulator's RSS (/proc/PID/status VmRSS) and CPU (/proc/PID/stat utime + stime) per 1,000 walks.
 *
 *   npm run build && node dist/bench/simulate.js [--devices 2000] [--passes 2] [--concurrency 64]
 *     [--port 0] [--full-tree 4] [--time-limit 600]
 *
 * Loopback only (127.0.0.1). The whole run is bounded by --time-limit seconds; the simulator is
 * stopped (SIGTERM, then SIGKILL) whatever happens.
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    passes: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    /** The simulator's shared v2c port; 0: any free port (read from its output). */
    port: { type: 'string', default: '0' },
    /** Devices whose whole MIB tree snmpbulkwalk walks (sim-0001…: the seeds rotate every 4). */
    'full-tree': { type: 'string', default: '4' },
    'time-limit': { type: 'string', default: '600' },
    /** Extra node flags for the simulator process (profiling: --sim-node-arg=--cpu-prof). */
    'sim-node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const N = Number(values.devices);
const PASSES = Number(values.passes);
const C = Number(values.concurrency);
const FULL_TREE = Math.min(Number(values['full-tree']), N);
const CLK_TCK = 100;
const CLI = join(import.meta.dirname, '../src/cli.js');

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
const cpuOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
};
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);

let sim: ChildProcess | undefined;
let simExited = false;

/** Stops the simulator by its PID: SIGTERM, SIGKILL after 5 s. */
async function stopSimulator(): Promise<void> {
  const child = sim;
  if (!child || simExited || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const killer = setTimeout(() => {
    if (!simExited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(killer);
}

const limit = setTimeout(() => {
  console.error(`bench/simulate: over the time limit of ${values['time-limit']} s, stopping`);
  void stopSimulator().finally(() => process.exit(1));
}, Number(values['time-limit']) * 1000);
limit.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void stopSimulator().finally(() => process.exit(130)));

async function inParallel(
  count: number,
  work: (i: number, lane: number) => Promise<boolean>,
): Promise<number> {
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: Math.min(C, count) }, async (_, lane) => {
      while (next < count) {
        const i = next++;
        if (!(await work(i, lane))) failures += 1;
      }
    }),
  );
  return failures;
}

/** A connector whose sessions count the varbinds they receive. */
function counting(inner: SnmpConnector<SnmpSecurity>, tally: { varbinds: number; requests: number }) {
  const connector: SnmpConnector<SnmpSecurity> = {
    probe: (host, port, timeoutMs) => inner.probe(host, port, timeoutMs),
    open(security, options) {
      const session = inner.open(security, options);
      const counted: SnmpSession = {
        async get(oids) {
          const r = await session.get(oids);
          if (r.ok) tally.varbinds += r.value.length;
          return r;
        },
        async walkColumns(columns) {
          const r = await session.walkColumns(columns);
          if (r.ok) for (const rows of r.value) tally.varbinds += rows.length;
          return r;
        },
        get requests() {
          return session.requests;
        },
        close() {
          tally.requests += session.requests;
          session.close();
        },
      };
      return counted;
    },
  };
  return connector;
}

async function main(): Promise<number> {
  const fleet = generatedFleet(N);
  const interfacesOf = new Map<string, number>();
  for (const d of fleet)
    if (!interfacesOf.has(d.seed)) interfacesOf.set(d.seed, loadSeed(d.seed).interfaces.size);

  // --- start ----------------------------------------------------------------------------------
  const spawned = performance.now();
  const child = spawn(
    process.execPath,
    [...values['sim-node-arg'], CLI, 'simulate', '--devices', String(N), '--port', values.port],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  sim = child;
  child.once('exit', () => {
    simExited = true;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the simulator');
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const started = await new Promise<{ atMs: number; selfSeconds: number; port: number }>(
    (resolve, reject) => {
      let out = '';
      let line: { atMs: number; selfSeconds: number } | undefined;
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const s = /started in ([\d.]+) s/.exec(out);
        if (s && !line) line = { atMs: performance.now() - spawned, selfSeconds: Number(s[1]) };
        const p = /SNMP v2c: udp\/(\d+)/.exec(out);
        if (line && p) resolve({ ...line, port: Number(p[1]) });
      });
      child.once('exit', (code) =>
        reject(new Error(`the simulator exited (${code}) before starting: ${stderr}`)),
      );
    },
  );
  const startupCpu = cpuOf(pid);

  const tally = { varbinds: 0, requests: 0 };
  // One UDP socket per lane: every device sits behind the same 127.0.0.1 port, and UdpMux routes a
  // reply to every session talking to its source address:port, each of which decodes it (net-snmp
  // then matches request IDs). With the daemon's one mux of 4 sockets, 64 sessions in flight would
  // decode every reply ~16 times: the client, not the simulator, would be measured.
  const muxes = Array.from({ length: C + 1 }, () => new UdpMux(1));
  const connectors = muxes.map((mux) =>
    counting(createNetSnmpConnector({ mux, now: () => performance.now() }), tally),
  );
  const connector = connectors[C] as SnmpConnector<SnmpSecurity>;
  const devices = fleet.map((d) =>
    device(d.name, started.port, v2c(d.name), { timeoutMs: 2000, retries: 1, intervalMs: 60_000 }),
  );

  // First answer: a GET of sysUpTime to the first device, retried every 50 ms.
  let firstAnswerMs = Number.NaN;
  for (let tries = 0; tries < 200; tries += 1) {
    const session = connector.open(v2c(fleet[0]?.name ?? 'sim-0001'), {
      host: '127.0.0.1',
      port: started.port,
      timeoutMs: 50,
      retries: 0,
      maxRepetitions: 25,
      deadline: performance.now() + 1000,
    });
    const r = await session.get([SYSTEM.sysUpTime]);
    session.close();
    if (r.ok) {
      firstAnswerMs = performance.now() - spawned;
      break;
    }
  }
  if (Number.isNaN(firstAnswerMs)) throw new Error('the simulator never answered a GET');
  tally.varbinds = 0;
  tally.requests = 0;
  const rssStarted = rssMiB(pid);
  console.log(
    `\nbench/simulate: netwatch simulate --devices ${N} (PID ${pid}, udp/${started.port} on 127.0.0.1), ${fleet.length} devices: ${[
      ...interfacesOf,
    ]
      .map(
        ([seed, n]) =>
          `${fleet.filter((d) => d.seed === seed).length} × ${seed} (${n > 0 ? `${n} interfaces` : 'no ifOperStatus: interfaces not checked'})`,
      )
      .join(', ')}`,
  );
  console.log(
    `  spawn → "started" line          ${seconds(started.atMs)} s (it reports Simulator.start: ${started.selfSeconds.toFixed(1)} s)`,
  );
  console.log(`  spawn → first answer (GET)      ${seconds(firstAnswerMs)} s`);
  console.log(`  simulator CPU to start          ${startupCpu.toFixed(2)} s`);
  console.log(`  simulator RSS after startup     ${rssStarted.toFixed(0)} MiB`);

  // --- walks ----------------------------------------------------------------------------------
  const memos = new Map<string, CollectMemo>(fleet.map((d) => [d.name, {}]));
  let failed = 0;
  let peakRss = rssStarted;
  const sampler = setInterval(() => {
    if (!simExited) peakRss = Math.max(peakRss, rssMiB(pid));
  }, 50);
  console.log(
    `\n  walks: netwatch's poll (collect/collect-device.ts: GET of the system scalars + lock-step GetBulk of the interface/VC/redundancy/RE/config columns, max-repetitions 25), ${C} devices at a time`,
  );
  console.log(
    `  ${'pass'.padEnd(22)}${'walks'.padStart(7)}${'failed'.padStart(8)}${'wall s'.padStart(9)}${'walks/s'.padStart(9)}${'req/walk'.padStart(10)}${'vb/walk'.padStart(9)}${'sim CPU s/1000 walks'.padStart(22)}${'bench CPU s/1000'.padStart(18)}${'sim RSS MiB'.padStart(13)}`,
  );
  const passes: { cpuPer1000: number; walksPerS: number }[] = [];
  for (let p = 1; p <= PASSES; p += 1) {
    tally.varbinds = 0;
    tally.requests = 0;
    const problems: string[] = [];
    /** Interfaces in each walk's snapshot, by seed (-1: the snapshot says interfaces unsupported). */
    const seen = new Map<string, Map<number, number>>();
    const cpu0 = cpuOf(pid);
    const self0 = selfCpu();
    const t0 = performance.now();
    const failures = await inParallel(N, async (i, lane) => {
      const d = devices[i] as (typeof devices)[number];
      const seed = fleet[i]?.seed ?? '';
      const r = await collectDevice({
        device: d,
        address: '127.0.0.1',
        connector: connectors[lane] as SnmpConnector<SnmpSecurity>,
        now: Date.now,
        monotonic: () => performance.now(),
        memo: memos.get(d.name) ?? {},
      });
      if (!r.ok) {
        problems.push(`${d.name}: ${r.reason} ${r.message}`);
        return false;
      }
      const got = r.snapshot.interfaces.supported ? r.snapshot.interfaces.value.length : -1;
      const bySeed = seen.get(seed) ?? new Map<number, number>();
      seen.set(seed, bySeed.set(got, (bySeed.get(got) ?? 0) + 1));
      // A seed without ifOperStatus rows (the junos SRX recording: ifDescr only) is not checked.
      if ((interfacesOf.get(seed) ?? 0) > 0 && got !== interfacesOf.get(seed)) {
        problems.push(`${d.name}: ${got} interfaces, its seed ${seed} has ${interfacesOf.get(seed)}`);
        return false;
      }
      if (r.snapshot.system.name !== d.name) {
        problems.push(`${d.name}: sysName ${r.snapshot.system.name}`);
        return false;
      }
      return true;
    });
    const wall = (performance.now() - t0) / 1000;
    const simCpu = cpuOf(pid) - cpu0;
    const benchCpu = selfCpu() - self0;
    failed += failures;
    const cpuPer1000 = (simCpu / N) * 1000;
    passes.push({ cpuPer1000, walksPerS: N / wall });
    const label = p === 1 ? '1 (first poll)' : `${p} (steady)`;
    console.log(
      `  ${label.padEnd(22)}${String(N).padStart(7)}${String(failures).padStart(8)}${wall.toFixed(2).padStart(9)}${(N / wall).toFixed(0).padStart(9)}${(tally.requests / N).toFixed(1).padStart(10)}${(tally.varbinds / N).toFixed(0).padStart(9)}${cpuPer1000.toFixed(2).padStart(22)}${((benchCpu / N) * 1000).toFixed(2).padStart(18)}${rssMiB(pid).toFixed(0).padStart(13)}`,
    );
    console.log(
      `    interfaces per snapshot: ${[...seen]
        .map(
          ([seed, counts]) =>
            `${seed} ${[...counts].map(([n, k]) => `${n < 0 ? 'unsupported' : n}×${k}`).join(' ')}`,
        )
        .join('; ')}`,
    );
    for (const problem of problems.slice(0, 10)) console.log(`    ${problem}`);
    if (problems.length > 10) console.log(`    … and ${problems.length - 10} more`);
  }
  clearInterval(sampler);
  for (const mux of muxes) mux.close();
  const rssAfter = rssMiB(pid);
  console.log(
    `  simulator RSS after the walks   ${rssAfter.toFixed(0)} MiB (peak sampled every 50 ms: ${peakRss.toFixed(0)} MiB)`,
  );
  console.log(
    `  all ${N} devices answered every pass: ${failed === 0 ? 'yes' : `NO (${failed} failed walks)`}`,
  );

  // --- full-tree sample -----------------------------------------------------------------------
  if (FULL_TREE > 0) {
    console.log(
      `\n  full-tree walks: snmpbulkwalk -v2c -Cr25 of "." (the whole MIB view), one device at a time`,
    );
    console.log(
      `  ${'device'.padEnd(12)}${'seed'.padEnd(18)}${'varbinds'.padStart(9)}${'requests'.padStart(10)}${'wall s'.padStart(9)}${'sim CPU s'.padStart(11)}`,
    );
    for (const d of fleet.slice(0, FULL_TREE)) {
      const cpu0 = cpuOf(pid);
      const t0 = performance.now();
      const lines = await new Promise<number>((resolve, reject) => {
        execFile(
          'snmpbulkwalk',
          [
            '-v2c',
            '-c',
            d.name,
            '-Cr25',
            '-On',
            '-Oq',
            '-t',
            '5',
            '-r',
            '1',
            `127.0.0.1:${started.port}`,
            '.',
          ],
          { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout) => {
            if (error) reject(error);
            else resolve(stdout.split('\n').filter((l) => l.startsWith('.')).length);
          },
        );
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuOf(pid) - cpu0;
      console.log(
        `  ${d.name.padEnd(12)}${d.seed.padEnd(18)}${String(lines).padStart(9)}${String(Math.ceil(lines / 25)).padStart(10)}${wall.toFixed(2).padStart(9)}${cpu.toFixed(2).padStart(11)}`,
      );
    }
  }

  const simOut = stderr.trim();
  if (simOut) console.log(`\n  simulator stderr:\n${simOut.split('\n').slice(0, 20).join('\n')}`);
  const first = passes[0];
  const steady = passes.at(-1);
  console.log(
    `\nsummary: ${N} devices started in ${seconds(started.atMs)} s (spawn → "started"; first answer ${seconds(firstAnswerMs)} s), RSS ${rssStarted.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; simulator CPU per 1,000 walks ${first?.cpuPer1000.toFixed(2)} s (first poll)${steady && passes.length > 1 ? `, ${steady.cpuPer1000.toFixed(2)} s (steady)` : ''}; ${first?.walksPerS.toFixed(0)}${steady && passes.length > 1 ? ` / ${steady.walksPerS.toFixed(0)}` : ''} walks/s; ${failed === 0 ? `all ${N} answered` : `${failed} failed walks`}`,
  );
  return failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`bench/simulate: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stopSimulator();
  clearTimeout(limit);
}
process.exit(code);
