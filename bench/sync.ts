import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emptyMemory } from '../src/detect/memory.js';
import type { EventDraft } from '../src/events/event.js';
import { SqliteStore } from '../src/store/sqlite-store.js';

/**
 * bench/sync: what SQLite's `synchronous` setting costs the store, FULL against NORMAL, on the
 * same disk in one run. `node dist/bench/sync.js [--commits 300] [--dir D]` (D on a real disk,
 * not tmpfs: the point is the fsync). Figures in docs/decisions/0004-sqlite-store.md.
 */
const { values } = parseArgs({
  options: { commits: { type: 'string', default: '300' }, dir: { type: 'string', default: '.' } },
});
const N = Number(values.commits);

const writeBytes = () => Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
const memory = (device: string, t: number) => ({
  ...emptyMemory(device, t),
  // About the size of a 48-port switch's memory: counters and names.
  padding: Array.from({ length: 48 }, (_, i) => ({
    name: `ge-0/0/${i}`,
    in: BigInt(t) * 1000n + BigInt(i),
    out: BigInt(t),
  })),
});
const event = (device: string, i: number): EventDraft => ({
  time: Date.now(),
  device,
  site: 'lab',
  type: 'interface_down',
  severity: 'minor',
  source: 'poll',
  summary: `ge-0/0/${i % 48} on ${device} went down`,
  details: { interface: `ge-0/0/${i % 48}` },
  fact: `interface=ge-0/0/${i % 48}|at=${i}`,
});

async function run(sync: 'FULL' | 'NORMAL') {
  const dir = mkdtempSync(join(values.dir, 'netwatch-sync-'));
  const opened = await SqliteStore.open(dir, { synchronous: sync });
  if (!opened.ok) throw new Error(opened.reason);
  const store = opened.store;
  const shapes = {
    'one poll: 1 event + its memory': (i: number) => [
      { device: 'd0', events: [event('d0', i)], memory: { memory: memory('d0', i), identity: 'x' } },
    ],
    'one tick: 100 memories': (i: number) =>
      Array.from({ length: 100 }, (_, k) => ({
        device: `d${k}`,
        events: [],
        memory: { memory: memory(`d${k}`, i), identity: 'x' },
      })),
  };
  const out: string[] = [];
  for (const [name, make] of Object.entries(shapes)) {
    const bytes = writeBytes();
    const start = performance.now();
    for (let i = 0; i < N; i += 1) await store.commit(make(i) as Parameters<typeof store.commit>[0]);
    const ms = (performance.now() - start) / N;
    out.push(
      `${sync.padEnd(6)}  ${name.padEnd(32)} ${ms.toFixed(2).padStart(7)} ms/commit  ${((writeBytes() - bytes) / N / 1024).toFixed(1).padStart(7)} KiB written/commit`,
    );
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

console.log(`${N} commits each, WAL mode, on ${values.dir}`);
for (const line of [...(await run('NORMAL')), ...(await run('FULL'))]) console.log(line);
