import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { FaultPoint } from '../../src/fault.js';
import { type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';
import { SnmpsimLab, serveNewLabs, snmpsimConfig } from '../helpers/snmpsim-lab.js';
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
const EXPECTED = ['interface_down', 'master_switchover', 'member_down'];

const running: RunningNetwatch[] = [];
const labs: SnmpsimLab[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) l.stop();
  await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = (community: string, httpPort: number) =>
  snmpsimConfig({ community, httpPort, snmpsim, intervalMs: INTERVAL_MS });

async function exited(n: RunningNetwatch, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) return true;
    await sleep(100);
  }
  return false;
}

const communityOf = (point: FaultPoint, index: number) => `fault-${point}-${index}`;

interface Trial {
  readonly types: string[];
  readonly hit: boolean;
  /** Events stored with more than one sighting: a change found again and recorded as a witness. */
  readonly rewitnessed: number;
}

/** One trial: crash at `point` while a switchover, a port and a lost member are found; restart; count. */
async function trial(point: FaultPoint, index: number, lab: SnmpsimLab): Promise<Trial> {
  const community = communityOf(point, index);
  const port = 19900 + POINTS.indexOf(point) * 40 + (index % 40);
  const first = startNetwatch(config(community, port), { NETWATCH_FAULT: point });
  running.push(first);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  // The first commit that carries events, where the daemon dies, holds a master move and a port
  // going down (both keyed by the time first seen: found again after a lost commit, they would
  // be new facts, so a non-atomic commit shows up as duplicates); member 5 is declared down
  // after two polls missing, in a later commit.
  lab.change((l) => l.role(0, 2).role(1, 1).role(5, 0).oper(557, false));
  const died = await exited(first, 8 * INTERVAL_MS);
  const hit = first.output().includes(`fault point ${point} hit`);
  if (!died) throw new Error(`netwatch did not die at ${point}:\n${first.output()}`);

  const second = startNetwatch(config(community, port), {}, first.dir);
  running.push(second);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  await sleep(4 * INTERVAL_MS);
  await second.stop();
  const events = storedEvents(join(first.dir, 'data'));
  return {
    types: events.map((e) => e.type),
    hit,
    rewitnessed: events.filter((e) => e.witnesses.length > 1).length,
  };
}

describe('kill -9 at each fault point while events are found', () => {
  it(
    `${TRIALS} trial(s) per point: every event once after the restart`,
    async () => {
      const results: Record<string, Trial[]> = {};
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
          results[p] = [...(results[p] ?? []), round[k] as Trial];
        });
        await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
        for (const l of labs.splice(0)) l.stop();
      }
      const summary = POINTS.map((p) => {
        const r = results[p] ?? [];
        const good = r.filter(
          (t) => t.hit && t.rewitnessed === 0 && [...t.types].sort().join() === EXPECTED.join(),
        ).length;
        return `${p}: ${r.filter((t) => t.hit).length}/${r.length} hit, ${good}/${r.length} with every event exactly once`;
      });
      process.stderr.write(`crash trials: ${summary.join('; ')}\n`);
      for (const p of POINTS)
        for (const t of results[p] ?? []) {
          expect(t.hit, `${p} was hit`).toBe(true);
          expect([...t.types].sort(), `${p}: each event once`).toEqual(EXPECTED);
          expect(t.rewitnessed, `${p}: nothing found twice`).toBe(0);
        }
    },
    60_000 + TRIALS * 40_000,
  );
});
