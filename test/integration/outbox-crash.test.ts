import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { FaultPoint } from '../../src/fault.js';
import { type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';
import { type PagerDutyReceiver, startPagerDutyReceiver } from '../helpers/pagerduty-receiver.js';
import { SnmpsimLab, serveNewLabs, snmpsimConfig } from '../helpers/snmpsim-lab.js';
import { type StoredOutboxRow, storedOutbox } from '../helpers/stored-outbox.js';

/**
 * kill -9 of `netwatch run` at each fault point around the outbox (issue 9), against snmpsim
 * serving a real Juniper recording: a VC master switchover is found (critical, in page_on), so
 * the commit that records it opens an incident and writes a PagerDuty trigger to the outbox.
 *
 * - `outbox-before-commit`: the trigger is written, COMMIT not issued: nothing went out and
 *   nothing is stored; after the restart the switchover is found again and pages then.
 * - `after-commit` (the commit that carries the switchover): the trigger is stored, nothing was
 *   sent; after the restart the drainer sends it from the store at start.
 * - `outbox-after-send`: the loopback PagerDuty receiver accepted the trigger, the store never
 *   heard: after the restart it is sent again (at least once on the wire, the same dedup_key).
 *
 * Either way the receiver ends with exactly one distinct trigger for the incident (its ID as
 * dedup_key) — never zero — and the store with one trigger row, accepted. Each trial must really
 * hit its point ("fault point X hit"). `npm test` runs 2 trials per point;
 * NETWATCH_OUTBOX_CRASH_TRIALS runs more (bench/).
 */

const services = inject('services');
const { snmpsim } = services;
const INTERVAL_MS = 2000;
const TRIALS = Number(process.env.NETWATCH_OUTBOX_CRASH_TRIALS ?? 2) || 2;
const POINTS: readonly FaultPoint[] = ['outbox-before-commit', 'after-commit', 'outbox-after-send'];
const KEEP = [994, 996, 557];
const ROUTING_KEY = 'OutboxCrash0123456789abcdefABCDE';

const running: RunningNetwatch[] = [];
const labs: SnmpsimLab[] = [];
const receivers: PagerDutyReceiver[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) l.stop();
  await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exited(n: RunningNetwatch, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) return true;
    await sleep(100);
  }
  return false;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

const communityOf = (point: FaultPoint, index: number) => `outbox-${point}-${index}`;

interface Trial {
  readonly point: FaultPoint;
  readonly hit: boolean;
  /** Trigger requests the receiver accepted before the crash, and in all. */
  readonly acceptedBeforeRestart: number;
  readonly triggerRequests: number;
  /** Distinct (dedup_key, event_action) of the triggers accepted. */
  readonly distinctTriggers: readonly string[];
  readonly incidents: readonly string[];
  readonly triggerRows: readonly StoredOutboxRow[];
}

const triggers = (r: PagerDutyReceiver) => r.events.filter((e) => e.event.event_action === 'trigger');

/** One trial: crash at `point` while a switchover is found; restart on the same storage; count pages. */
async function trial(point: FaultPoint, index: number, lab: SnmpsimLab): Promise<Trial> {
  const receiver = await startPagerDutyReceiver({ routingKey: ROUTING_KEY });
  receivers.push(receiver);
  const community = communityOf(point, index);
  const port = 20100 + POINTS.indexOf(point) * 40 + (index % 40);
  const config = snmpsimConfig({
    community,
    httpPort: port,
    snmpsim,
    intervalMs: INTERVAL_MS,
    extra: `notify:\n  pagerduty: { routing_key: ${ROUTING_KEY}, url: ${receiver.url} }\n`,
  });
  const first = startNetwatch(config, { NETWATCH_FAULT: point });
  running.push(first);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  lab.change((l) => l.role(0, 2).role(1, 1)); // master 0 → 1: critical, pages
  const died = await exited(first, 8 * INTERVAL_MS);
  if (!died) throw new Error(`netwatch did not die at ${point}:\n${first.output()}`);
  const hit = first.output().includes(`netwatch: fault point ${point} hit`);
  const acceptedBeforeRestart = triggers(receiver).length;

  const second = startNetwatch(config, {}, first.dir);
  running.push(second);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  const data = join(first.dir, 'data');
  const delivered = () =>
    storedOutbox(data).outbox.some((r) => r.action === 'trigger' && r.result === 'accepted');
  // The switchover is found again on the first poll after the restart (before-commit), or the
  // pending trigger goes out at start (after-commit, after-send); then one more poll to see nothing else comes.
  await until(() => triggers(receiver).length > 0 && delivered(), 6 * INTERVAL_MS);
  await sleep(INTERVAL_MS);
  await second.stop();
  const stored = storedOutbox(data);
  return {
    point,
    hit,
    acceptedBeforeRestart,
    triggerRequests: receiver.requests.filter((q) => q.raw.includes('"event_action":"trigger"')).length,
    distinctTriggers: [...new Set(triggers(receiver).map((e) => `${e.dedupKey}|${e.event.event_action}`))],
    incidents: stored.incidents,
    triggerRows: stored.outbox.filter((r) => r.action === 'trigger'),
  };
}

describe('kill -9 around the outbox while a switchover pages', () => {
  it(
    `${TRIALS} trial(s) per point: exactly one trigger per incident after the restart, never zero`,
    async () => {
      const results: Trial[] = [];
      for (let i = 0; i < TRIALS; i += 1) {
        // The points side by side: separate daemons, devices, receivers and storage.
        const round = POINTS.map((p) => {
          const lab = new SnmpsimLab(snmpsim.dataDir, communityOf(p, i), KEEP);
          lab.change((l) => l.role(0, 1).role(1, 2));
          labs.push(lab);
          return lab;
        });
        await serveNewLabs(services.run);
        results.push(...(await Promise.all(POINTS.map((p, k) => trial(p, i, round[k] as SnmpsimLab)))));
        await Promise.all(running.splice(0).map((n) => n.stop('SIGKILL')));
        await Promise.all(receivers.splice(0).map((r) => r.close()));
        for (const l of labs.splice(0)) l.stop();
      }
      const summary = POINTS.map((p) => {
        const r = results.filter((t) => t.point === p);
        const once = r.filter((t) => t.distinctTriggers.length === 1).length;
        const wire = r.map((t) => t.triggerRequests).join(',');
        return `${p}: ${r.filter((t) => t.hit).length}/${r.length} hit, ${once}/${r.length} with one distinct trigger (trigger requests per trial: ${wire})`;
      });
      process.stderr.write(`outbox crash trials: ${summary.join('; ')}\n`);
      for (const t of results) {
        const what = `${t.point}`;
        expect(t.hit, `${what} was hit`).toBe(true);
        expect(t.incidents, `${what}: one incident`).toHaveLength(1);
        const incident = t.incidents[0] as string;
        expect(t.triggerRequests, `${what}: paged at least once`).toBeGreaterThanOrEqual(1);
        expect(t.distinctTriggers, `${what}: exactly one distinct trigger`).toEqual([`${incident}|trigger`]);
        expect(
          t.triggerRows.map((r) => `${r.receiver}:${r.result}`),
          `${what}: one trigger row, delivered`,
        ).toEqual(['pagerduty:accepted']);
        if (t.point === 'outbox-before-commit')
          expect(t.acceptedBeforeRestart, `${what}: nothing went out for an uncommitted page`).toBe(0);
        else if (t.point === 'outbox-after-send')
          expect(t.acceptedBeforeRestart, `${what}: the receiver had it before the kill`).toBe(1);
      }
    },
    30_000 + TRIALS * 30_000,
  );
});
