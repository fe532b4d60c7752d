import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { FaultPoint } from '../../src/fault.js';
import { type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';
import { SnmpsimLab, serveNewLabs } from '../helpers/snmpsim-lab.js';
import { storedEvents } from '../helpers/stored-events.js';

/**
 * kill -9 inside each window of a commit, against `netwatch run` on snmpsim while events are
 * being found. NETWATCH_FAULT makes the daemon print "fault point X hit" and SIGKILL itself the
 * first time a commit carrying events reaches X, so each trial provably hit its window. After a
 * restart every event is there once: none twice, none lost.
 *
 * `npm test` runs 2 trials per point; bench/crash.sh runs 20 (NETWATCH_CRASH_TRIALS).
 */

const services = inject('services');
const { snmpsim } = services;
const INTERVAL_MS = 2000;
const TRIALS = Number(process.env.NETWATCH_CRASH_TRIALS ?? 2) || 2;
const POINTS: readonly FaultPoint[] = ['mid-state-write', 'before-commit', 'after-commit'];
const KEEP = [994, 996, 557];

const running: RunningNetwatch[] = [];
const labs: SnmpsimLab[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) l.stop();
  await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = (community: string, port: number) => `
http: { listen: 127.0.0.1:${port} }
storage: { dir: ./data }
defaults:
  interval: ${INTERVAL_MS / 1000}s
  site: eqsin
  snmp: { version: 2c, community: ${community}, port: ${snmpsim.port}, timeout: 1s, retries: 1 }
devices:
  - { name: asw1-eqsin, host: ${snmpsim.host} }
`;

async function exited(n: RunningNetwatch, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) return true;
    await sleep(100);
  }
  return false;
}

/** One trial: crash at `point` while a switchover and a lost member are found; restart; count. */
const communityOf = (point: FaultPoint, index: number) => `fault-${point}-${index}`;

async function trial(
  point: FaultPoint,
  index: number,
  lab: SnmpsimLab,
): Promise<{ types: string[]; hit: boolean }> {
  const community = communityOf(point, index);
  const port = 19900 + POINTS.indexOf(point) * 40 + (index % 40);
  const first = startNetwatch(config(community, port), { NETWATCH_FAULT: point });
  running.push(first);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  // Two facts: the master moves at once; member 5 is declared down after two polls missing.
  lab.change((l) => l.role(0, 2).role(1, 1).role(5, 0));
  const died = await exited(first, 8 * INTERVAL_MS);
  const hit = first.output().includes(`fault point ${point} hit`);
  if (!died) throw new Error(`netwatch did not die at ${point}:\n${first.output()}`);

  const second = startNetwatch(config(community, port), {}, first.dir);
  running.push(second);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  await sleep(4 * INTERVAL_MS);
  await second.stop();
  return { types: storedEvents(join(first.dir, 'data')).map((e) => e.type), hit };
}

describe('kill -9 at each fault point while events are found', () => {
  it(
    `${TRIALS} trial(s) per point: every event once after the restart`,
    async () => {
      const results: Record<string, { types: string[]; hit: boolean }[]> = {};
      for (let i = 0; i < TRIALS; i += 1) {
        // The three points side by side: separate daemons, devices and storage.
        const round3 = POINTS.map((p) => {
          const lab = new SnmpsimLab(snmpsim.dataDir, communityOf(p, i), KEEP);
          lab.change((l) => l.role(0, 1).role(1, 2));
          labs.push(lab);
          return lab;
        });
        await serveNewLabs(services.run);
        const round = await Promise.all(POINTS.map((p, k) => trial(p, i, round3[k] as SnmpsimLab)));
        POINTS.forEach((p, k) => {
          results[p] = [...(results[p] ?? []), round[k] as { types: string[]; hit: boolean }];
        });
        await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
        for (const l of labs.splice(0)) l.stop();
      }
      const summary = POINTS.map((p) => {
        const r = results[p] ?? [];
        const good = r.filter(
          (t) => t.hit && [...t.types].sort().join() === 'master_switchover,member_down',
        ).length;
        return `${p}: ${r.filter((t) => t.hit).length}/${r.length} hit, ${good}/${r.length} with every event exactly once`;
      });
      process.stderr.write(`crash trials: ${summary.join('; ')}\n`);
      for (const p of POINTS)
        for (const t of results[p] ?? []) {
          expect(t.hit, `${p} was hit`).toBe(true);
          expect([...t.types].sort(), `${p}: each event once`).toEqual(['master_switchover', 'member_down']);
        }
    },
    60_000 + TRIALS * 40_000,
  );
});
