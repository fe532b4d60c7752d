import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import { DEFAULT_PROCESSES } from '../../src/sim/scenario/schema.js';
import type { FleetDevice } from '../../src/sim/scenario/types.js';
import { Simulator } from '../../src/sim/simulator.js';
import { CLI } from '../helpers/netwatch-process.js';

/**
 * Fidelity of the fleet simulator: a simulated device answers the same OIDs with the same values
 * as the recording it was seeded from, and `netwatch poll` says the same about both.
 *
 * For each recording in test/fixtures/snmprec, the whole tree (from `.1`, so the LLDP rows under
 * 1.0.8802 too) is walked on snmpsim serving the recording (community = file name) and on the
 * simulator (community = device name, here the recording's name) with Net-SNMP's snmpbulkwalk —
 * a client independent of ours. Every cell is compared by type and value, except:
 *
 * - the moving cells (MOVING below): clocks and counters, which the simulator starts at the
 *   recorded value and moves forward. They must exist on both sides with the same type, never be
 *   behind the recording (a 32-bit counter or TimeTicks may wrap) and, for clocks, be ahead by no
 *   more than the time the simulator has run (catches a unit mix-up: s vs cs).
 * - sysName.0: the simulator sets it to the device name (the recordings hold `<private>`); it
 *   must equal the device name.
 * - snmpEngineBoots.0: the recordings lack it, real Junos serves it, the simulator adds it (1).
 *
 * Order: the simulator's walk must be strictly increasing (RFC 3416). snmpsim serves a recording
 * in file order, and junos_ex4600mp.snmprec has one pair of rows out of order
 * (ipNetToPhysicalPhysAddress …1169.2.16.254.128…2.16.219… before …0.0.113.116.247): snmpsim
 * returns them in that wrong order, the simulator (which sorts the seed) in the right one. The
 * cells are compared as sets, so the difference in order is not a difference in content.
 */

const { snmpsim } = inject('services');
const run = promisify(execFile);

/** The largest first: its snmpsim walk is most of the file's time, and the tests run concurrently. */
const RECORDINGS = ['junos_ex4600mp', 'junos_mx5t-isis', 'junos_qfx5100', 'junos'] as const;
const FIXTURES = join(import.meta.dirname, '../fixtures/snmprec');

const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const ENGINE_BOOTS = '1.3.6.1.6.3.10.2.1.2.0';

/** A cell that moves on the simulator's clock: a clock (its unit in ms) or a counter. */
type Moving = { readonly what: string; readonly clockUnitMs?: number };

/** Moving cells: exact scalar OIDs and column prefixes (every row below them). */
const MOVING: ReadonlyMap<string, Moving> = new Map([
  ['1.3.6.1.2.1.1.3.0', { what: 'sysUpTime', clockUnitMs: 10 }],
  ['1.3.6.1.6.3.10.2.1.3.0', { what: 'snmpEngineTime', clockUnitMs: 1000 }],
  ['1.3.6.1.2.1.25.1.1.0', { what: 'hrSystemUptime', clockUnitMs: 10 }],
  ['1.3.6.1.4.1.2636.3.1.13.1.13.9', { what: 'jnxOperatingUpTime (RE)', clockUnitMs: 10 }],
  ['1.3.6.1.4.1.2636.3.40.1.4.1.1.1.7', { what: 'jnxVirtualChassisMemberUptime', clockUnitMs: 1000 }],
  ['1.3.6.1.2.1.31.1.1.1.6', { what: 'ifHCInOctets' }],
  ['1.3.6.1.2.1.31.1.1.1.7', { what: 'ifHCInUcastPkts' }],
  ['1.3.6.1.2.1.31.1.1.1.10', { what: 'ifHCOutOctets' }],
  ['1.3.6.1.2.1.31.1.1.1.11', { what: 'ifHCOutUcastPkts' }],
  ['1.3.6.1.2.1.2.2.1.10', { what: 'ifInOctets' }],
  ['1.3.6.1.2.1.2.2.1.11', { what: 'ifInUcastPkts' }],
  ['1.3.6.1.2.1.2.2.1.16', { what: 'ifOutOctets' }],
  ['1.3.6.1.2.1.2.2.1.17', { what: 'ifOutUcastPkts' }],
]);

function movingOf(oid: string): Moving | undefined {
  for (const [root, moving] of MOVING) if (oid === root || oid.startsWith(`${root}.`)) return moving;
  return undefined;
}

// --- walking with Net-SNMP -------------------------------------------------------------------

/** One cell as snmpbulkwalk prints it: `Counter64`, `INTEGER`, `Hex-STRING`…; the value as text. */
interface Cell {
  readonly type: string;
  readonly value: string;
}

interface Walk {
  /** OIDs (no leading dot) in the order the agent returned them. */
  readonly order: readonly string[];
  readonly cells: ReadonlyMap<string, Cell>;
  /** OIDs returned more than once. */
  readonly repeated: readonly string[];
}

/**
 * `snmpbulkwalk -On -Oe -Ox -OU`: numeric OIDs, numeric enums, every octet string in hex (no
 * ambiguity between text and binary; long ones continue on the next lines), no units. No MIBs
 * are loaded and no snmp.conf is read (a private SNMPCONFPATH).
 */
async function bulkwalk(host: string, port: number, community: string, confDir: string): Promise<Walk> {
  const { stdout } = await run(
    'snmpbulkwalk',
    [
      '-v2c',
      '-c',
      community,
      '-On',
      '-Oe',
      '-Ox',
      '-OU',
      '-Cr100',
      '-t',
      '5',
      '-r',
      '1',
      `${host}:${port}`,
      '.1',
    ],
    {
      env: { PATH: process.env.PATH, MIBS: '', SNMPCONFPATH: confDir },
      maxBuffer: 256 << 20,
    },
  );
  return parseWalk(stdout);
}

function parseWalk(text: string): Walk {
  const order: string[] = [];
  const raw = new Map<string, string>();
  const repeated: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^\.([\d.]+) = (.*)$/.exec(line);
    if (!head) {
      // A continuation of a long Hex-STRING.
      if (current !== undefined && line.trim()) raw.set(current, `${raw.get(current)} ${line.trim()}`);
      continue;
    }
    const [, oid = '', rest = ''] = head;
    current = undefined;
    // The last response of a bulk walk runs past the end: endOfMibView varbinds, not cells.
    if (rest.startsWith('No more variables left in this MIB View')) continue;
    if (raw.has(oid)) repeated.push(oid);
    else order.push(oid);
    raw.set(oid, rest);
    current = oid;
  }
  const cells = new Map<string, Cell>();
  for (const [oid, rest] of raw) cells.set(oid, parseCell(rest));
  return { order, cells, repeated };
}

function parseCell(rest: string): Cell {
  const text = rest.replace(/\s+/g, ' ').trim();
  // -Ox prints an empty octet string as `""`, without a type.
  if (text === '""') return { type: 'Hex-STRING', value: '' };
  const typed = /^([A-Za-z][\w-]*): ?(.*)$/.exec(text);
  if (!typed) return { type: '?', value: text };
  const [, type = '', value = ''] = typed;
  // `Timeticks: (397991513) 46 days, 1:31:55.13`: the number only.
  if (type === 'Timeticks') return { type, value: /^\((\d+)\)/.exec(value)?.[1] ?? value };
  return { type, value };
}

function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function show(cell: Cell | undefined): string {
  if (!cell) return '(absent)';
  if (cell.type === 'Hex-STRING') {
    const bytes = Buffer.from(cell.value.replace(/ /g, ''), 'hex');
    const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
    const shown = printable ? JSON.stringify(bytes.toString('latin1')) : cell.value;
    return `${cell.type}: ${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown}`;
  }
  return `${cell.type}: ${cell.value}`;
}

const U32 = 2n ** 32n;
const WRAPS = new Set(['Counter32', 'Timeticks']);

/** What is wrong with a moving cell (recorded → simulated), or undefined. */
function checkMoving(moving: Moving, recorded: Cell, simulated: Cell, elapsedMs: number): string | undefined {
  if (recorded.type !== simulated.type) return `type ${simulated.type}, recorded ${recorded.type}`;
  if (!/^\d+$/.test(recorded.value) || !/^-?\d+$/.test(simulated.value))
    return `not a number: ${show(simulated)}, recorded ${show(recorded)}`;
  let delta = BigInt(simulated.value) - BigInt(recorded.value);
  if (WRAPS.has(recorded.type)) {
    // 32-bit unsigned: forward across the wrap is forward; half the range back is backwards.
    delta = ((delta % U32) + U32) % U32;
    if (delta >= U32 / 2n) return `went back: ${simulated.value}, recorded ${recorded.value}`;
  } else if (delta < 0n) return `went back: ${simulated.value}, recorded ${recorded.value}`;
  if (moving.clockUnitMs !== undefined) {
    const most = BigInt(Math.ceil(elapsedMs / moving.clockUnitMs) + 1);
    if (delta > most)
      return `ran ahead: +${delta} (${moving.clockUnitMs} ms units) after ${Math.round(elapsedMs)} ms, recorded ${recorded.value}, now ${simulated.value}`;
  }
  return undefined;
}

/** Every difference between snmpsim's walk (the recording) and the simulator's, readable. */
function differences(recorded: Walk, simulated: Walk, deviceName: string, elapsedMs: number): string[] {
  const out: string[] = [];
  for (const oid of simulated.repeated) out.push(`${oid}: the simulator returned it twice`);
  for (let i = 1; i < simulated.order.length; i += 1) {
    const [before, after] = [simulated.order[i - 1] as string, simulated.order[i] as string];
    if (compareOids(before, after) >= 0) out.push(`${after}: returned after ${before} (not increasing)`);
  }
  for (const [oid, rec] of recorded.cells) {
    const sim = simulated.cells.get(oid);
    if (!sim) {
      out.push(`${oid}: missing from the simulator (recorded ${show(rec)})`);
      continue;
    }
    if (oid === SYS_NAME) {
      const expected = Buffer.from(deviceName).toString('hex').toUpperCase().match(/../g)?.join(' ') ?? '';
      if (sim.type !== 'Hex-STRING' || sim.value !== expected)
        out.push(`${oid} sysName: ${show(sim)}, expected the device name ${JSON.stringify(deviceName)}`);
      continue;
    }
    const moving = movingOf(oid);
    if (moving) {
      const problem = checkMoving(moving, rec, sim, elapsedMs);
      if (problem) out.push(`${oid} ${moving.what}: ${problem}`);
      continue;
    }
    if (sim.type !== rec.type || sim.value !== rec.value)
      out.push(`${oid}: simulator ${show(sim)}, recording ${show(rec)}`);
  }
  for (const [oid, sim] of simulated.cells) {
    if (recorded.cells.has(oid)) continue;
    // The one cell the simulator adds: snmpEngineBoots.0, which real Junos serves, the recordings lack.
    if (oid === ENGINE_BOOTS && sim.type === 'INTEGER' && sim.value === '1') continue;
    out.push(`${oid}: only in the simulator (${show(sim)})`);
  }
  return out;
}

function rowsIn(recording: string): number {
  return readFileSync(join(FIXTURES, `${recording}.snmprec`), 'utf8')
    .split('\n')
    .filter((line) => /^[\d.]+\|[^|]+\|/.test(line)).length;
}

// --- netwatch poll -----------------------------------------------------------------------------

async function poll(device: string, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'poll', device, '-c', file], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const UPTIME = /\b(?:\d+d \d+h \d+m|\d+h \d+m|\d+m \d+s)\b/g;

/**
 * The summary without what legitimately differs between the two agents:
 * - the device name (devices.yaml: `recorded` / `simulated`);
 * - `polled in X ms with N requests`: the time is the agent's speed, and the number of requests
 *   depends on how many GetBulk repetitions an agent fits in one response (snmpsim answers
 *   fewer per response than the simulator, which fills up to ~60 kB);
 * - uptimes (sysUpTime, snmpEngineTime, VC member uptimes): the simulator's clocks have moved on;
 * - sysName: the simulator's is the device name (the recordings hold `<private>`);
 * - `, engine boots 1`: the simulator serves snmpEngineBoots.0 where the recording has none.
 * Nothing else is printed from moving cells (no throughput without `--rate`).
 */
function normalise(summary: string, sysName: string): string {
  return summary
    .split('\n')
    .map((line, i) => {
      if (i === 0)
        return line.replace(
          /^\S+ (\(.*?\)): reachable, polled in [\d.]+ ms with \d+ requests$/,
          '<device> $1: reachable, polled in <ms> with <n> requests',
        );
      if (line.startsWith('  system      '))
        return line.replace(`  system      ${sysName} — `, '  system      <sysName> — ');
      return line.replace(UPTIME, '<uptime>');
    })
    .join('\n');
}

// --- the tests ---------------------------------------------------------------------------------

let simulator: Simulator;
let startedMs: number;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'netwatch-sim-fidelity-'));
  const devices: FleetDevice[] = RECORDINGS.map((recording) => ({
    name: recording,
    seed: recording,
    roles: new Map(),
    traffic: { utilisation: 0.1, diurnal: 0 },
    counters: 'hc',
    interfaceGroups: new Map(),
    processes: [...DEFAULT_PROCESSES],
  }));
  startedMs = Date.now();
  simulator = await Simulator.start({ clock: realClock(), devices, port: 0, seedsDir: FIXTURES });
});

afterAll(async () => {
  await simulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent.each(RECORDINGS)('simulated %s against snmpsim serving the recording', (recording) => {
  it('answers the same OIDs with the same values, outside the moving clocks and counters', async () => {
    const [recorded, simulated] = await Promise.all([
      bulkwalk(snmpsim.host, snmpsim.port, recording, dir),
      bulkwalk(simulator.address, simulator.port, recording, dir),
    ]);
    const elapsedMs = Date.now() - startedMs;
    const diffs = differences(recorded, simulated, recording, elapsedMs);
    expect(
      diffs.length,
      `${diffs.length} difference(s) (simulator vs recording), the first 20:\n${diffs.slice(0, 20).join('\n')}\n`,
    ).toBe(0);
    // The harness itself: snmpsim served every row of the recording, once (a walk cut short would
    // shrink both sides alike).
    expect(recorded.cells.size, 'rows snmpsim served').toBe(rowsIn(recording));
    expect(recorded.repeated).toEqual([]);
  });

  it('netwatch poll prints the same health summary for both', async () => {
    const file = join(dir, `${recording}.yaml`);
    writeFileSync(
      file,
      `defaults:
  interval: 60s
  snmp: { timeout: 5s, retries: 1 }
devices:
  - { name: recorded, host: ${snmpsim.host}, snmp: { version: 2c, community: ${recording}, port: ${snmpsim.port} } }
  - { name: simulated, host: ${simulator.address}, snmp: { version: 2c, community: ${recording}, port: ${simulator.port} } }
`,
    );
    const [recorded, simulated] = await Promise.all([poll('recorded', file), poll('simulated', file)]);
    expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
    expect(simulated.code, simulated.stdout + simulated.stderr).toBe(0);
    // What is normalised away is still checked where it is known: the simulator's sysName is
    // the device name, and it reports the engine boots the recording lacks.
    expect(simulated.stdout).toContain(`  system      ${recording} — `);
    const recordedBoots = /, engine boots \d+/.test(recorded.stdout);
    if (!recordedBoots) expect(simulated.stdout).toMatch(/^ {2}uptime .*, engine boots 1$/m);
    const simulatedSummary = recordedBoots
      ? simulated.stdout
      : simulated.stdout.replace(/, engine boots 1$/m, '');
    const recordedName = /^ {2}system {6}(.*?) — /m.exec(recorded.stdout)?.[1] ?? '';
    expect(normalise(simulatedSummary, recording)).toBe(normalise(recorded.stdout, recordedName));
  });
});
