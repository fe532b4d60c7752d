import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SEVERITY } from '../src/events/event.js';
import type { EventType } from '../src/events/event-type.js';
import { eventId } from '../src/store/event-id.js';
import { DB_FILE, SqliteStore } from '../src/store/sqlite-store.js';

/**
 * bench/store: a store holding years of events, and what it costs to read it and to start on it.
 *
 *   node dist/bench/store.js [--events 5000000] [--devices 10000] [--dir D] [--keep] [--runs 5]
 *
 * 1. Fill: a fresh storage dir opened with SqliteStore.open (schema migrated), then N events over
 *    400 days and D devices written straight through a second better-sqlite3 connection, one
 *    prepared statement, large transactions (a fill tool, not the product's write path), in time
 *    order (so `n` and the time index grow together, as in production), then
 *    ANALYZE and back to WAL.
 * 2. `netwatch events` (a new process each run, as an operator runs it): --device D --since 1h,
 *    --device D, --since 1h; median of --runs.
 * 3. `netwatch run` on that store: spawn → GET /healthz 200; heap used after it settles; SIGTERM.
 *
 * --dir D fills D (created, must not hold a netwatch.db) and keeps it; otherwise a temp dir in
 * $TMPDIR is used and removed unless --keep.
 */

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    devices: { type: 'string', default: '10000' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    'daemon-devices': { type: 'string', default: '100' },
    settle: { type: 'string', default: '5' },
  },
});
const N = Number(values.events);
const D = Number(values.devices);
const RUNS = Number(values.runs);
const DAEMON_DEVICES = Math.min(D, Number(values['daemon-devices']));
const SETTLE_MS = Number(values.settle) * 1000;
const DAY = 86_400_000;
const SPAN_MS = 400 * DAY;
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'netwatch-bench-store-'));
const keep = values.keep || values.dir !== undefined;
mkdirSync(dir, { recursive: true });
if (existsSync(join(dir, DB_FILE))) throw new Error(`${join(dir, DB_FILE)} exists: give an empty --dir`);

// --- deterministic randomness ---------------------------------------------------------------
let seed = 0x5eed;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

// --- the fleet --------------------------------------------------------------------------------
const SITES = ['eqsin', 'eqfra', 'ldn2', 'nyc1', 'sjc3', 'ams4', 'tyo2', 'syd1'] as const;
const siteOf = (i: number) => SITES[i % SITES.length] as string;
const nameOf = (i: number) => `asw${i}-${siteOf(i)}`;
const PROCESSES = ['fxpc', 'chassisd', 'vccpd', 'rpd', 'dcd', 'l2ald'] as const;
const USERS = ['netops', 'jdoe', 'automation', 'ansible', 'msmith'] as const;
const ALARMS = [
  ['yellow', 'FPC 0 PEM 1 Input Failure'],
  ['red', 'FPC 1 Major Errors'],
  ['yellow', 'Backup RE Active'],
  ['yellow', 'Host 0 Boot from backup root'],
  ['red', 'Fan Tray 0 Failure'],
  ['yellow', 'Rescue configuration is not set'],
] as const;
const ifName = () => `${pick(['ge', 'xe', 'et', 'mge'])}-${int(0, 3)}/${int(0, 1)}/${int(0, 47)}`;
const alias = () =>
  pick(['uplink to dsw1', 'uplink to dsw2', 'srv-db-', 'srv-web-', 'storage-', 'oob-mgmt', 'k8s-node-']) +
  int(1, 999);

const WEIGHTS: readonly (readonly [EventType, number])[] = [
  ['interface_down', 22],
  ['interface_up', 22],
  ['config_change', 12],
  ['device_unreachable', 5],
  ['device_reachable', 5],
  ['alarm_raised', 5],
  ['alarm_cleared', 5],
  ['traffic_drop', 4],
  ['traffic_recovered', 4],
  ['poll_degraded', 3],
  ['process_crash', 2],
  ['process_restart', 2],
  ['member_reboot', 2],
  ['member_down', 2],
  ['member_up', 2],
  ['device_reboot', 2],
  ['master_switchover', 1],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((n, [, w]) => n + w, 0);
function pickType(): EventType {
  let r = rand() * TOTAL_WEIGHT;
  for (const [t, w] of WEIGHTS) {
    r -= w;
    if (r < 0) return t;
  }
  return 'interface_down';
}

type Details = Record<string, string | number | boolean | null>;

/** A realistic summary, details (~200–400 bytes of JSON) and the "about" part of the fact. */
function content(
  type: EventType,
  device: string,
  time: number,
): { summary: string; details: Details; about: string } {
  const poll = {
    poll_ms: int(180, 2400),
    requests: int(2, 7),
    agent: 'snmp',
    sys_uptime_s: int(3600, 90_000_000),
  };
  switch (type) {
    case 'interface_down':
    case 'interface_up': {
      const name = ifName();
      const up = type === 'interface_up';
      const details = {
        interface: name,
        if_index: int(500, 1600),
        alias: alias(),
        admin_status: 'up',
        oper_status: up ? 'up' : 'down',
        previous_status: up ? 'down' : 'up',
        speed_mbps: pick([1000, 10000, 25000, 100000]),
        in_bps_before: int(0, 4_000_000_000),
        out_bps_before: int(0, 4_000_000_000),
        ...poll,
      };
      return {
        summary: `${name} (${details.alias}) went ${up ? 'up' : 'down'} on ${device}`,
        details,
        about: `interface=${name}`,
      };
    }
    case 'config_change': {
      const index = int(1, 90_000);
      const user = pick(USERS);
      return {
        summary: `configuration committed by ${user} on ${device} (change ${index})`,
        details: {
          change_index: index,
          user,
          source: pick(['cli', 'netconf', 'junoscript']),
          commit_comment: pick(['', 'ticket NET-4711', 'weekly window', 'rollback 1', 'add vlan 2201']),
          lines_changed: int(1, 400),
          ...poll,
        },
        about: `change_index=${index}`,
      };
    }
    case 'device_unreachable':
    case 'device_reachable': {
      const down = type === 'device_unreachable';
      return {
        summary: down
          ? `${device} stopped answering SNMP (3 polls in a row: timeout)`
          : `${device} answers SNMP again`,
        details: {
          scope: 'snmp',
          reason: down ? pick(['timeout', 'refused', 'resolve']) : 'ok',
          failed_polls: down ? 3 : 0,
          down_for_s: down ? 0 : int(60, 86_400),
          last_error: down ? 'no response within 2000 ms (1 retry)' : null,
          ...poll,
        },
        about: 'scope=snmp',
      };
    }
    case 'alarm_raised':
    case 'alarm_cleared': {
      const [color, text] = pick(ALARMS);
      return {
        summary: `${color} alarm ${type === 'alarm_raised' ? 'raised' : 'cleared'} on ${device}: ${text}`,
        details: {
          color,
          text,
          alarm_count: int(0, 4),
          red_count: int(0, 2),
          yellow_count: int(0, 3),
          ...poll,
        },
        about: `color=${color}`,
      };
    }
    case 'traffic_drop':
    case 'traffic_recovered': {
      const baseline = int(50_000_000, 40_000_000_000);
      const drop = type === 'traffic_drop';
      const now = Math.round(baseline * (drop ? rand() * 0.4 : 0.8 + rand() * 0.3));
      return {
        summary: drop
          ? `throughput on ${device} fell to ${Math.round((now / baseline) * 100)} % of its baseline`
          : `throughput on ${device} is back to ${Math.round((now / baseline) * 100)} % of its baseline`,
        details: {
          scope: 'device',
          baseline_bps: baseline,
          current_bps: now,
          drop_ratio: 0.5,
          recover_ratio: 0.8,
          for_polls: 2,
          ...poll,
        },
        about: 'scope=device',
      };
    }
    case 'poll_degraded':
      return {
        summary: `polls of ${device} miss their deadline (5 in a row) although it answers`,
        details: {
          scope: 'deadline',
          deadline_ms: 10_000,
          missed: 5,
          slowest_ms: int(10_000, 30_000),
          ...poll,
        },
        about: 'scope=deadline',
      };
    case 'process_crash':
    case 'process_restart': {
      const process = pick(PROCESSES);
      const oldPid = int(1000, 99_999);
      return {
        summary:
          type === 'process_crash'
            ? `${process} crashed on ${device} (PID ${oldPid}, signal 11, core dumped)`
            : `${process} is running again on ${device} (PID ${oldPid + int(1, 900)})`,
        details: {
          process,
          old_pid: oldPid,
          new_pid: oldPid + int(1, 900),
          signal: 11,
          core_file: `/var/crash/${process}.core.${oldPid}.gz`,
          member: int(0, 3),
          ...poll,
        },
        about: `member=${int(0, 3)}|process=${process}`,
      };
    }
    case 'member_reboot':
    case 'member_down':
    case 'member_up': {
      const member = int(0, 7);
      const serial = `PE37${int(10_000, 99_999)}${int(1000, 9999)}`;
      return {
        summary: `VC member ${member} (${serial}) ${type === 'member_reboot' ? 'rebooted' : type === 'member_down' ? 'left the virtual chassis' : 'rejoined the virtual chassis'} on ${device}`,
        details: {
          member,
          serial,
          model: 'ex4300-48mp',
          role: pick(['linecard', 'backup']),
          uptime_s: int(60, 900),
          previous_uptime_s: int(100_000, 90_000_000),
          ...poll,
        },
        about: `member=${member}|serial=${serial}`,
      };
    }
    case 'device_reboot':
      return {
        summary: `${device} rebooted (uptime ${int(60, 600)} s; member uptimes agree)`,
        details: {
          scope: 'device',
          previous_uptime_s: int(100_000, 90_000_000),
          engine_boots: int(2, 60),
          reason: pick(['power cycle', 'reboot requested', 'unknown']),
          ...poll,
        },
        about: `boot=${new Date(time - 120_000).toISOString()}`,
      };
    case 'master_switchover': {
      const from = int(0, 1);
      return {
        summary: `VC master moved from member ${from} to member ${1 - from} on ${device}`,
        details: {
          from,
          to: 1 - from,
          reason: pick(['relinquished', 'master failure', 'manual']),
          switchover_count: int(1, 20),
          ...poll,
        },
        about: `member=${1 - from}`,
      };
    }
    default:
      return { summary: `${type} on ${device}`, details: { ...poll }, about: '' };
  }
}

// --- 1. fill ----------------------------------------------------------------------------------
const fmtMiB = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

console.log(
  `bench/store: ${N.toLocaleString('en')} events over 400 days, ${D.toLocaleString('en')} devices, in ${dir}`,
);
const opened = await SqliteStore.open(dir);
if (!opened.ok) throw new Error(opened.reason);
await opened.store.close();

const now = Date.now();
const start = now - SPAN_MS;
// The device whose recent events `netwatch events --device D --since 1h` reads: an average one
// (about N/D events), given a few in the last hour.
const target = Math.min(D - 1, 17);
const targetName = nameOf(target);

const fillStarted = performance.now();
const db = new Database(join(dir, DB_FILE));
// A fill tool: rollback journal in memory (better-sqlite3's defensive mode refuses OFF), no
// fsync, no WAL (which would write every page twice); WAL again at the end.
db.pragma('journal_mode = DELETE');
db.pragma('journal_mode = MEMORY');
db.pragma('synchronous = OFF');
db.pragma('locking_mode = EXCLUSIVE');
db.pragma('cache_size = -1048576'); // 1 GiB: the device indexes take random inserts
db.pragma('temp_store = MEMORY');
// The plain indexes are dropped for the fill and made again from their own SQL (identical
// schema): one sorted build each instead of 5 M random inserts. The unique ones stay.
const plainIndexes = db
  .prepare(
    "select name, sql from sqlite_master where type = 'index' and tbl_name = 'events' and sql is not null",
  )
  .all() as { name: string; sql: string }[];
for (const index of plainIndexes) db.exec(`drop index "${index.name}"`);
const insert = db.prepare(
  `insert into events (id, device, seq, time, site, type, severity, source, summary, details, fact, witnesses, recorded_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const seqs = new Int32Array(D);
const names = Array.from({ length: D }, (_, i) => nameOf(i));
const BATCH = 100_000;
const stepMs = SPAN_MS / N;
// Facts carry the time to the second (events/fact-key.ts); below one event per second the fleet
// could hold two same-type, same-thing events in one second, so the counter keeps them apart.
const factNeedsCounter = stepMs < 1000;
let detailBytes = 0;
const fillBatch = db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i += 1) {
    const counter = i + 1;
    // Monotonic: event i falls in its own slot of the 400 days, with jitter inside the slot.
    const time = Math.floor(start + i * stepMs + rand() * stepMs * 0.9);
    const recent = time >= now - 3_600_000;
    const d = recent && i % 60 === 0 ? target : Math.floor(rand() * D);
    const device = names[d] as string;
    const type = pickType();
    const { summary, details, about } = content(type, device, time);
    const at = `at=${new Date(Math.floor(time / 1000) * 1000).toISOString()}`;
    const fact = `${about === '' ? at : `${about}|${at}`}${factNeedsCounter ? `|n=${counter}` : ''}`;
    const detailsJson = JSON.stringify(details);
    detailBytes += detailsJson.length;
    const source =
      type === 'config_change' || type === 'process_crash' ? pick(['poll', 'syslog', 'trap']) : 'poll';
    seqs[d] = (seqs[d] ?? 0) + 1;
    insert.run(
      // As the store makes them (kysely-store.ts): event time, device, per-device seq.
      eventId(time, `${device}-${seqs[d]}`),
      device,
      seqs[d],
      time,
      siteOf(d),
      type,
      type === 'alarm_raised' && details.color === 'red' ? 'major' : SEVERITY[type],
      source,
      summary,
      detailsJson,
      fact,
      JSON.stringify([{ source, time: new Date(time).toISOString() }]),
      time + int(5, 400),
    );
  }
});
for (let from = 0; from < N; from += BATCH) {
  fillBatch(from, Math.min(N, from + BATCH));
  if ((from + BATCH) % 1_000_000 === 0)
    console.log(
      `  ${((from + BATCH) / 1e6).toFixed(0)} M events, ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`,
    );
}
const insertSeq = db.prepare('insert into device_seq (device, last_seq) values (?, ?)');
db.transaction(() => {
  for (let d = 0; d < D; d += 1) if ((seqs[d] ?? 0) > 0) insertSeq.run(names[d], seqs[d]);
})();
const insertedS = (performance.now() - fillStarted) / 1000;
for (const index of plainIndexes) db.exec(index.sql);
const indexedS = (performance.now() - fillStarted) / 1000 - insertedS;
db.exec('ANALYZE');
db.pragma('locking_mode = NORMAL');
db.pragma('journal_mode = WAL');
db.pragma('wal_checkpoint(TRUNCATE)');

// The plans of the queries the product runs (kysely's SQL for queryEvents).
const plans: [string, string, unknown[]][] = [
  [
    '--device D --since 1h',
    'select * from "events" where "device" = ? and "time" >= ? order by "time" asc, "n" asc',
    [targetName, now - 3_600_000],
  ],
  ['--device D', 'select * from "events" where "device" = ? order by "time" asc, "n" asc', [targetName]],
  ['--since 1h', 'select * from "events" where "time" >= ? order by "time" asc, "n" asc', [now - 3_600_000]],
  ['commit: device seq', 'select "last_seq" from "device_seq" where "device" = ?', [targetName]],
  [
    'commit: witness lookup',
    'select * from "events" where "device" = ? and "type" = ? and "fact" = ?',
    [targetName, 'interface_down', 'x'],
  ],
];
const planOf = (sqlText: string, params: unknown[]) =>
  (db.prepare(`explain query plan ${sqlText}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ');
const planLines = plans.map(([label, sqlText, params]) => `  ${label.padEnd(24)} ${planOf(sqlText, params)}`);
const targetCount = (
  db.prepare('select count(*) as c from events where device = ?').get(targetName) as { c: number }
).c;
const targetRecent = (
  db
    .prepare('select count(*) as c from events where device = ? and time >= ?')
    .get(targetName, now - 3_600_000) as { c: number }
).c;
const allRecent = (
  db.prepare('select count(*) as c from events where time >= ?').get(now - 3_600_000) as { c: number }
).c;
db.close();
const fillS = (performance.now() - fillStarted) / 1000;
const dbBytes = sizeOf(join(dir, DB_FILE)) + sizeOf(join(dir, `${DB_FILE}-wal`));

console.log(
  `fill: ${fillS.toFixed(1)} s (${insertedS.toFixed(1)} s inserting, ${(N / insertedS / 1000).toFixed(0)} k events/s; ${indexedS.toFixed(1)} s building ${plainIndexes.map((i) => i.name).join(', ')}; the rest ANALYZE and WAL)`,
);
console.log(
  `file: ${fmtMiB(dbBytes)} (${(dbBytes / N).toFixed(0)} bytes per event with its indexes; details JSON ${(detailBytes / N).toFixed(0)} bytes on average)`,
);
console.log(
  `${targetName}: ${targetCount} events, ${targetRecent} in the last hour; whole fleet: ${allRecent} in the last hour`,
);
console.log('query plans:');
for (const line of planLines) console.log(line);

// --- the configuration both commands read ---------------------------------------------------
async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
/** UDP ports nobody listens on: bound to find them, then closed (polls there get no answer). */
async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createSocket>>((resolve, reject) => {
          const s = createSocket('udp4');
          s.once('error', reject);
          s.bind(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
const httpPort = await freeTcpPort();
const udpPorts = await freeUdpPorts(DAEMON_DEVICES);
const configFile = join(dir, 'devices.yaml');
writeFileSync(
  configFile,
  [
    '# written by bench/store: the devices point at 127.0.0.1 ports nobody answers on',
    `http: { listen: "127.0.0.1:${httpPort}" }`,
    'storage: { dir: ".", retention: 400d }',
    'defaults:',
    '  interval: 60s',
    '  snmp: { version: 2c, community: public, timeout: 1s, retries: 0 }',
    'devices:',
    ...udpPorts.map(
      (port, i) => `  - { name: ${nameOf(i)}, host: 127.0.0.1, site: ${siteOf(i)}, snmp: { port: ${port} } }`,
    ),
    '',
  ].join('\n'),
);

// --- 2. netwatch events -----------------------------------------------------------------------
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
function run(
  args: readonly string[],
): Promise<{ ms: number; code: number | null; lines: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const argv = args[0] === 'node' ? args.slice(1) : [CLI, ...args];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines += 1;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, lines, stderr }));
  });
}
const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function timed(label: string, args: readonly string[], targetMs?: number): Promise<number> {
  const times: number[] = [];
  let lines = 0;
  for (let r = 0; r < RUNS; r += 1) {
    const result = await run(args);
    if (result.code !== 0)
      throw new Error(`netwatch ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    times.push(result.ms);
    lines = result.lines;
  }
  const m = median(times);
  console.log(
    `  ${label.padEnd(34)} ${m.toFixed(0).padStart(6)} ms median of ${RUNS} (${times.map((t) => t.toFixed(0)).join(', ')}), ${lines} lines${
      targetMs === undefined ? '' : `   target < ${targetMs} ms: ${verdict(m < targetMs)}`
    }`,
  );
  return m;
}

console.log(`\nnetwatch events (a new process per run, wall time spawn → exit):`);
await timed('node itself (node -e 0)', ['node', '-e', '0']);
await timed('netwatch --version', ['--version']);
await timed(
  `--device ${targetName} --since 1h`,
  ['events', '-c', configFile, '--device', targetName, '--since', '1h'],
  200,
);
await timed(`--device ${targetName}`, ['events', '-c', configFile, '--device', targetName]);
await timed('--since 1h (every device)', ['events', '-c', configFile, '--since', '1h']);

// Where the time of one `netwatch events` goes: loading modules (a fresh process, in the order
// the command loads them) and the store work itself (open + migrate check + query + close,
// here in this process, modules already loaded).
const importProbe = `const t = {}; for (const m of ['zod', 'yaml', './dist/src/cli/check.js', 'kysely', 'better-sqlite3', './dist/src/cli/events.js']) { const s = performance.now(); await import(m); t[m] = Math.round(performance.now() - s); } console.log(JSON.stringify(t));`;
const imports: Record<string, number[]> = {};
for (let r = 0; r < RUNS; r += 1) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', importProbe], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.once('close', resolve));
  for (const [m, ms] of Object.entries(JSON.parse(out) as Record<string, number>)) {
    const list = imports[m] ?? [];
    list.push(ms);
    imports[m] = list;
  }
}
console.log(
  `  module load in a fresh process (median ms, in load order): ${Object.entries(imports)
    .map(([m, xs]) => `${m.replace('./dist/src/', '')} ${median(xs)}`)
    .join(', ')}`,
);
const storeWork = async (query: Parameters<SqliteStore['queryEvents']>[0]) => {
  const times: number[] = [];
  let rows = 0;
  for (let r = 0; r < RUNS; r += 1) {
    const started = performance.now();
    const o = await SqliteStore.open(dir);
    if (!o.ok) throw new Error(o.reason);
    rows = (await o.store.queryEvents(query)).length;
    await o.store.close();
    times.push(performance.now() - started);
  }
  return `${median(times).toFixed(1)} ms (${rows} rows)`;
};
console.log(
  `  store work in-process (open + query + close, median): --device D --since 1h ${await storeWork({ device: targetName, since: Date.now() - 3_600_000 })}; --device D ${await storeWork({ device: targetName })}; --since 1h ${await storeWork({ since: Date.now() - 3_600_000 })}`,
);

// --- 3. netwatch run ---------------------------------------------------------------------------
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const logFile = join(dir, 'daemon.log');
const logFd = openSync(logFile, 'w');
const spawnedAt = performance.now();
const daemon: ChildProcess = spawn(process.execPath, [CLI, 'run', '-c', configFile], {
  stdio: ['ignore', logFd, logFd],
});
closeSync(logFd);
let exited: number | null | undefined;
const exit = new Promise<void>((resolve) =>
  daemon.once('exit', (code) => {
    exited = code;
    resolve();
  }),
);
const base = `http://127.0.0.1:${httpPort}`;
let healthyMs: number | undefined;
while (healthyMs === undefined && exited === undefined && performance.now() - spawnedAt < 60_000) {
  try {
    const response = await fetch(`${base}/healthz`);
    if (response.status === 200) healthyMs = performance.now() - spawnedAt;
    await response.body?.cancel();
  } catch {
    // not listening yet
  }
  if (healthyMs === undefined) await sleep(10);
}
console.log(`\nnetwatch run (${DAEMON_DEVICES} devices at 127.0.0.1 ports nobody answers on, interval 60s):`);
if (healthyMs === undefined) {
  console.log(
    `  daemon did not answer /healthz (exit ${String(exited)}); log: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
  );
  if (exited === undefined) daemon.kill('SIGKILL');
  process.exit(1);
}
console.log(
  `  start: spawn → /healthz 200       ${healthyMs.toFixed(0).padStart(6)} ms   target < 3000 ms: ${verdict(healthyMs < 3000)}`,
);
await sleep(SETTLE_MS);
const metricsText = await (await fetch(`${base}/metrics`)).text();
const heapUsed = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metricsText)?.[1] ?? Number.NaN);
const pid = daemon.pid as number;
const rss = rssMiB(pid);
if (Number.isFinite(heapUsed))
  console.log(
    `  heap used ${SETTLE_MS / 1000} s after start         ${(heapUsed / 1048576).toFixed(0).padStart(6)} MiB  target < 100 MiB: ${verdict(heapUsed / 1048576 < 100)}   (nodejs_heap_size_used_bytes; RSS ${rss.toFixed(0)} MiB)`,
  );
else console.log(`  nodejs_heap_size_used_bytes not in /metrics; process RSS ${rss.toFixed(0)} MiB (VmRSS)`);
const stopAt = performance.now();
daemon.kill('SIGTERM');
await Promise.race([exit, sleep(30_000)]);
if (exited === undefined) {
  console.log('  daemon still running 30 s after SIGTERM: killed');
  daemon.kill('SIGKILL');
  await exit;
} else
  console.log(
    `  stop: SIGTERM → exit ${exited}            ${(performance.now() - stopAt).toFixed(0).padStart(6)} ms`,
  );

if (keep) console.log(`\nkept: ${dir} (devices.yaml, netwatch.db, daemon.log)`);
else rmSync(dir, { recursive: true, force: true });
