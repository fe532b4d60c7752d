import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { Secret } from '../../src/config/secret.js';
import type { LogFields, Logger } from '../../src/log.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { type DrainerDeps, OutboxDrainer } from '../../src/page/outbox-drainer.js';
import type { PageMessage } from '../../src/page/pager.js';
import { createPagerDutyPager } from '../../src/page/pagerduty.js';
import { DelegatingStore } from '../../src/store/delegate.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type OutboxDraft, type Store, StoreError } from '../../src/store/store.js';
import { pageMessage } from '../helpers/page-message.js';
import { startPagerDutyReceiver, throttled } from '../helpers/pagerduty-receiver.js';

/**
 * The outbox drainer against a real SQLite store and the loopback PagerDuty receiver, on a fake
 * clock (issue 9, "Receivers misbehaving"): retries with backoff and Retry-After, a receiver down
 * for ten minutes, a final 400, a resolve that waits for its trigger, a page sent from memory
 * while the store was down and recorded later without a second send, and one row per draft.
 * Time passes only by `clock.advance`; the drainer runs only by `runOnce()`.
 */

const KEY = 'R0ut1ngK3y0123456789abcdefABCDEF';
const WALL = Date.UTC(2026, 0, 15, 12, 0, 0);
const INCIDENT = '2022-05-05-eqsin-asw1-eqsin';
const MIN = 60_000;

interface Logged {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store whose every method fails like a full disk while `down` is set. */
class FailingStore extends DelegatingStore {
  down = false;
  #check(): void {
    if (this.down) throw new StoreError('disk full: SQLITE_FULL', true);
  }
  override commit(...args: Parameters<Store['commit']>) {
    if (this.down) return Promise.reject(new StoreError('disk full: SQLITE_FULL', true));
    return super.commit(...args);
  }
  override async dueOutbox(now: number, limit: number) {
    this.#check();
    return super.dueOutbox(now, limit);
  }
  override async markOutbox(...args: Parameters<Store['markOutbox']>) {
    this.#check();
    return super.markOutbox(...args);
  }
  override async outboxPending() {
    this.#check();
    return super.outboxPending();
  }
}

async function rig(
  options: {
    readonly routingKey?: string;
    readonly timers?: DrainerDeps['timers'];
    readonly memoryLimit?: number;
  } = {},
) {
  const clock = new FakeClock({ wallMs: WALL });
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-outbox-'));
  const opened = await SqliteStore.open(dir, { synchronous: 'NORMAL', wallMs: () => clock.wallMs() });
  if (!opened.ok) throw new Error(opened.reason);
  const store = new FailingStore(opened.store);
  const receiver = await startPagerDutyReceiver({ routingKey: KEY, now: () => clock.wallMs() });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => opened.store.close());
  cleanups.push(() => receiver.close());
  const pager = createPagerDutyPager({
    name: 'pagerduty',
    url: receiver.url,
    routingKey: new Secret(options.routingKey ?? KEY),
    timeoutMs: 2000,
    now: () => clock.wallMs(),
  });
  const logged: Logged[] = [];
  const log =
    (level: Logged['level']) =>
    (msg: string, fields: LogFields = {}) =>
      logged.push({ level, msg, fields });
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const metrics = new Metrics({ processMetrics: false });
  const drainer = new OutboxDrainer({
    store,
    pagers: () => new Map([['pagerduty', pager]]),
    clock,
    logger,
    metrics: metrics.paging,
    random: () => 0.5,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
  });
  const pages = async (result: string, action = 'trigger') => {
    const { values } = await metrics.paging.pages.get();
    return (
      values.find(
        (v) => v.labels.receiver === 'pagerduty' && v.labels.action === action && v.labels.result === result,
      )?.value ?? 0
    );
  };
  /** Writes outbox drafts the way a commit does (in the transaction, with no events). */
  const write = (...outbox: OutboxDraft[]) => store.commit([], () => ({ incidents: [], outbox }));
  /** Advances the fake clock to the next due entry (never past `limit`); false if none is due by then. */
  const advanceToDue = async (limit: number): Promise<boolean> => {
    const { nextAt } = await store.outboxPending();
    if (nextAt === undefined || nextAt > limit) {
      clock.advance(Math.max(0, limit - clock.wallMs()));
      return false;
    }
    clock.advance(Math.max(0, nextAt - clock.wallMs()));
    return true;
  };
  return { clock, store, receiver, drainer, logged, pages, write, advanceToDue };
}

function draft(
  clock: FakeClock,
  action: OutboxDraft['action'] = 'trigger',
  overrides: Partial<PageMessage> = {},
  receiver = 'pagerduty',
): OutboxDraft {
  const { deliveryId: _id, ...message } = pageMessage({ action, ...overrides });
  return { incident: INCIDENT, receiver, action, createdAt: clock.wallMs(), message };
}

describe('outbox drainer: receivers misbehaving', () => {
  it('503, then 429 with Retry-After: 2, then 202: delivered once after three attempts', async () => {
    const r = await rig();
    await r.write(draft(r.clock));
    r.receiver.script(503, throttled('2'), 'handle');

    expect(await r.drainer.runOnce()).toBe(1); // 503
    expect(r.receiver.requests.map((q) => q.status)).toEqual([503]);
    // Own backoff after the first failure: 1 s with equal jitter at random 0.5 → 750 ms.
    r.clock.advance(749);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
    r.clock.advance(1);
    await r.drainer.runOnce(); // 429, Retry-After: 2
    expect(r.receiver.requests.map((q) => q.status)).toEqual([503, 429]);
    // Retry-After 2 s beats the own backoff (2 s × ¾ = 1.5 s): nothing before 2 s.
    r.clock.advance(1999);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(2);
    r.clock.advance(1);
    await r.drainer.runOnce(); // 202
    expect(r.receiver.requests.map((q) => q.status)).toEqual([503, 429, 202]);
    const [, second, third] = r.receiver.requests;
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(2000);

    expect(r.receiver.events).toHaveLength(1);
    expect(r.receiver.events[0]?.event).toMatchObject({ event_action: 'trigger', dedup_key: INCIDENT });
    const [delivery] = await r.store.deliveries(INCIDENT);
    expect(delivery).toMatchObject({ result: 'accepted', attempts: 3, acceptedAt: r.clock.wallMs() });
    expect(await r.pages('retry')).toBe(2);
    expect(await r.pages('accepted')).toBe(1);
    expect(await r.pages('failed')).toBe(0);
    expect(r.logged.filter((l) => l.msg === 'page not delivered; retrying')).toHaveLength(2);

    // Delivered: nothing more, however long we wait.
    r.clock.advance(60 * MIN);
    expect(await r.drainer.runOnce()).toBe(0);
    expect(r.receiver.requests).toHaveLength(3);
    expect(await r.store.outboxPending()).toEqual({ count: 0, nextAt: undefined });
  });

  it('connection refused for 10 minutes: retried with growing pauses, delivered once on recovery', async () => {
    const r = await rig();
    const start = r.clock.wallMs();
    await r.receiver.down();
    await r.write(draft(r.clock));
    const attemptsAt: number[] = [];
    for (;;) {
      attemptsAt.push(r.clock.wallMs());
      expect(await r.drainer.runOnce()).toBe(1);
      if (!(await r.advanceToDue(start + 10 * MIN))) break;
    }
    expect(r.clock.wallMs()).toBe(start + 10 * MIN);
    expect(r.receiver.requests).toHaveLength(0); // nothing got through
    expect(r.receiver.events).toHaveLength(0);
    // Backoff doubles (750 ms, 1.5 s, 3 s, … capped at 150–300 s): a handful of tries, no hammering.
    const gaps = attemptsAt.slice(1).map((t, i) => t - (attemptsAt[i] as number));
    expect(gaps.slice(0, 4)).toEqual([750, 1500, 3000, 6000]);
    for (let i = 1; i < gaps.length; i += 1) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1] as number);
    expect(attemptsAt.length).toBeGreaterThanOrEqual(8);
    expect(attemptsAt.length).toBeLessThanOrEqual(14);
    const [waiting] = await r.store.deliveries(INCIDENT);
    expect(waiting).toMatchObject({ result: 'pending', attempts: attemptsAt.length });
    expect(waiting?.reason).toMatch(/connection refused/);
    expect(await r.pages('retry')).toBe(attemptsAt.length);

    await r.receiver.up();
    // Not before its next attempt is due …
    const { nextAt } = await r.store.outboxPending();
    expect(nextAt).toBeGreaterThan(r.clock.wallMs());
    expect(await r.drainer.runOnce()).toBe(0);
    expect(r.receiver.requests).toHaveLength(0);
    // … then once.
    expect(await r.advanceToDue(r.clock.wallMs() + 10 * MIN)).toBe(true);
    await r.drainer.runOnce();
    expect(r.receiver.events).toHaveLength(1);
    expect(r.receiver.requests).toHaveLength(1);
    const [delivered] = await r.store.deliveries(INCIDENT);
    expect(delivered).toMatchObject({ result: 'accepted', attempts: attemptsAt.length + 1 });
    expect(await r.pages('accepted')).toBe(1);

    r.clock.advance(60 * MIN);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
  });

  it('400: marked failed with the reason, counted, logged, never retried', async () => {
    const r = await rig({ routingKey: 'WrongKey0123456789abcdefABCDEF00' });
    await r.write(draft(r.clock));
    await r.drainer.runOnce();
    expect(r.receiver.requests.map((q) => q.status)).toEqual([400]);
    const [delivery] = await r.store.deliveries(INCIDENT);
    expect(delivery).toMatchObject({ result: 'failed', attempts: 1 });
    expect(delivery?.reason).toMatch(/400.*Invalid routing key/);
    expect(delivery?.reason).not.toContain('WrongKey');
    expect(await r.pages('failed')).toBe(1);
    expect(await r.pages('retry')).toBe(0);
    const refused = r.logged.find((l) => l.msg === 'page refused by the receiver: not retried');
    expect(refused).toMatchObject({ level: 'error', fields: { incident: INCIDENT, receiver: 'pagerduty' } });
    expect(String(refused?.fields.reason)).toMatch(/Invalid routing key/);

    for (let i = 0; i < 60; i += 1) {
      r.clock.advance(MIN);
      await r.drainer.runOnce();
    }
    expect(r.receiver.requests).toHaveLength(1);
    expect(await r.store.outboxPending()).toEqual({ count: 0, nextAt: undefined });
  });

  it('a resolve due while its trigger is retried is not sent before the trigger is accepted', async () => {
    const r = await rig();
    const t0 = r.clock.wallMs();
    await r.write(draft(r.clock));
    r.receiver.script(503, 503);
    await r.drainer.runOnce(); // trigger: 503, next attempt at t0 + 750
    r.clock.advance(100);
    // The incident ended meanwhile: its resolve goes to every receiver that has the trigger.
    await r.write(draft(r.clock, 'resolve', { resolvedAt: r.clock.wallMs() }, '*'));
    const rows = await r.store.deliveries(INCIDENT);
    expect(rows.map((d) => `${d.receiver}:${d.action}:${d.result}`)).toEqual([
      'pagerduty:trigger:pending',
      'pagerduty:resolve:pending',
    ]);
    // The resolve is due by its own time, but waits for the trigger: nothing goes out, and the
    // next thing due is the trigger's retry (not the blocked resolve, which would wake the
    // drainer in a loop).
    expect(await r.drainer.runOnce()).toBe(0);
    expect(r.receiver.requests).toHaveLength(1);
    expect(await r.store.outboxPending()).toEqual({ count: 2, nextAt: t0 + 750 });
    r.clock.advance(650);
    await r.drainer.runOnce(); // trigger: 503 again, next attempt 1.5 s later
    expect(await r.store.outboxPending()).toEqual({ count: 2, nextAt: t0 + 2250 });
    r.clock.advance(1000);
    expect(await r.drainer.runOnce()).toBe(0); // resolve long due, trigger not yet
    r.clock.advance(500);
    await r.drainer.runOnce(); // trigger: 202 (the resolve was still blocked when this round looked)
    await r.drainer.runOnce(); // now the resolve
    r.clock.advance(10 * MIN);
    await r.drainer.runOnce();

    const actions = r.receiver.requests.map(
      (q) => `${(JSON.parse(q.raw) as { event_action: string }).event_action}:${q.status}`,
    );
    expect(actions).toEqual(['trigger:503', 'trigger:503', 'trigger:202', 'resolve:202']);
    expect(r.receiver.events.map((e) => [e.event.event_action, e.dedupKey])).toEqual([
      ['trigger', INCIDENT],
      ['resolve', INCIDENT],
    ]);
    const done = await r.store.deliveries(INCIDENT);
    expect(done.map((d) => `${d.action}:${d.result}:${d.attempts}`)).toEqual([
      'trigger:accepted:3',
      'resolve:accepted:1',
    ]);
  });

  it('the running drainer sleeps until the trigger retry while a resolve waits behind it (no busy loop)', async () => {
    const sleeps: number[] = [];
    let slept: () => void = () => undefined;
    const r = await rig({
      timers: {
        setTimeout: (_fn, ms) => {
          sleeps.push(ms);
          slept();
          return sleeps.length;
        },
        clearTimeout: () => undefined,
      },
    });
    await r.write(draft(r.clock));
    r.receiver.script(503);
    await r.drainer.runOnce(); // trigger: 503, next attempt in 750 ms
    r.clock.advance(100);
    await r.write(draft(r.clock, 'resolve', { resolvedAt: r.clock.wallMs() }, '*'));
    const asleep = new Promise<void>((resolve) => {
      slept = resolve;
    });
    r.drainer.start(); // one round (nothing can go out), then a sleep
    await asleep;
    await r.drainer.stop();
    expect(r.receiver.requests).toHaveLength(1);
    expect(sleeps).toEqual([650]);
  });

  it('a page sent from memory while the store was down is recorded as delivered (degraded) without a second send', async () => {
    const r = await rig();
    r.store.down = true;
    // The commit that makes the page due fails: the correlator hands the page to failOpen instead.
    await expect(r.write(draft(r.clock))).rejects.toBeInstanceOf(StoreError);
    r.drainer.failOpen([
      draft(r.clock, 'trigger', { degraded: true, remarks: ['netwatch store degraded: sent from memory'] }),
    ]);
    // The same page handed over again (the commit queue retries and fails again): still one.
    r.drainer.failOpen([draft(r.clock, 'trigger', { degraded: true })]);
    expect(r.drainer.memoryPending).toBe(1);
    await r.drainer.runOnce();
    expect(r.receiver.events).toHaveLength(1);
    const sentAt = r.clock.wallMs();
    const sent = r.receiver.events[0]?.event;
    expect(sent).toMatchObject({ event_action: 'trigger', dedup_key: INCIDENT });
    expect(sent?.payload?.custom_details).toMatchObject({ degraded: true });
    expect(r.drainer.memoryPending).toBe(0);
    expect(
      r.logged.some((l) => l.msg === 'outbox unreadable; pages made before the store failed wait for it'),
    ).toBe(true);
    expect(await r.pages('accepted')).toBe(1);

    // Rounds while the store stays down send nothing more.
    r.clock.advance(MIN);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);

    // The store is back: the retried commit writes the same page (not degraded: it is stored).
    r.store.down = false;
    r.clock.advance(MIN);
    await r.write(draft(r.clock));
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
    const [delivery] = await r.store.deliveries(INCIDENT);
    expect(delivery).toMatchObject({ result: 'accepted', degraded: true, acceptedAt: sentAt, attempts: 1 });
    expect(await r.store.outboxPending()).toEqual({ count: 0, nextAt: undefined });
    expect(await r.pages('accepted')).toBe(1);

    r.clock.advance(60 * MIN);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
  });

  it('the memory outbox keeps no page for good: refused ones go once stored, unrecorded ones make room', async () => {
    const r = await rig({ memoryLimit: 1 });
    const page = (incident: string) => ({
      ...draft(r.clock, 'trigger', { incident, degraded: true }),
      incident,
    });
    const sent = () => r.receiver.requests.map((q) => (JSON.parse(q.raw) as { dedup_key: string }).dedup_key);

    // Outage 1: A is refused (400) from memory; once the store is back and holds A, its entry
    // takes over (refused again, marked failed) and the memory copy goes.
    r.store.down = true;
    r.receiver.script(400);
    r.drainer.failOpen([page('A')]);
    await r.drainer.runOnce();
    r.store.down = false;
    await r.write({ ...draft(r.clock, 'trigger', { incident: 'A' }), incident: 'A' });
    r.receiver.script(400);
    await r.drainer.runOnce();
    expect((await r.store.deliveries('A')).map((d) => d.result)).toEqual(['failed']);

    // Outage 2: B goes out from memory; the store comes back without ever recording B.
    r.store.down = true;
    r.drainer.failOpen([page('B')]);
    await r.drainer.runOnce();
    r.store.down = false;
    await r.drainer.runOnce();

    // Outage 3: C must still page, though the memory holds B (sent, never recorded).
    r.store.down = true;
    r.clock.advance(MIN);
    r.drainer.failOpen([page('C')]);
    expect(r.drainer.memoryPending).toBe(1);
    await r.drainer.runOnce();
    expect(sent()).toEqual(['A', 'A', 'B', 'C']);
    expect(r.logged.some((l) => l.msg.startsWith('memory outbox full'))).toBe(false);

    // More pages in one outage than the bound: the extra one is refused and logged; this
    // outage's page already sent is not forgotten, so handing them over again sends nothing twice.
    r.drainer.failOpen([page('C'), page('D')]);
    r.drainer.failOpen([page('C'), page('D')]);
    await r.drainer.runOnce();
    expect(sent()).toEqual(['A', 'A', 'B', 'C']);
    expect(r.logged.filter((l) => l.msg.startsWith('memory outbox full'))).toHaveLength(2);
  });

  it('a page still pending in memory when the store records it is sent once, from the store', async () => {
    const r = await rig();
    r.store.down = true;
    await r.receiver.down();
    r.drainer.failOpen([draft(r.clock, 'trigger', { degraded: true })]);
    await r.drainer.runOnce(); // connection refused: retried from memory in 750 ms
    expect(r.drainer.memoryPending).toBe(1);
    r.store.down = false;
    await r.write(draft(r.clock)); // due now, before the memory copy
    await r.receiver.up();
    await r.drainer.runOnce();
    expect(r.drainer.memoryPending).toBe(0);
    r.clock.advance(10 * MIN);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
    expect(r.receiver.events[0]?.event.payload?.custom_details).not.toHaveProperty('degraded');
    const [delivery] = await r.store.deliveries(INCIDENT);
    expect(delivery).toMatchObject({ result: 'accepted', attempts: 1 });
  });

  it('exactly one trigger per incident and receiver, however often the draft is written', async () => {
    const r = await rig();
    const trigger = draft(r.clock);
    await r.write(trigger, trigger);
    r.clock.advance(1000);
    await r.write(draft(r.clock));
    expect(await r.store.deliveries(INCIDENT)).toHaveLength(1);
    await r.drainer.runOnce();
    r.clock.advance(1000);
    await r.write(draft(r.clock)); // after delivery too
    await r.drainer.runOnce();
    r.clock.advance(60 * MIN);
    await r.drainer.runOnce();
    expect(r.receiver.requests).toHaveLength(1);
    expect(r.receiver.events.map((e) => e.event.event_action)).toEqual(['trigger']);
    const rows = await r.store.deliveries(INCIDENT);
    expect(rows.map((d) => `${d.receiver}:${d.action}:${d.result}`)).toEqual(['pagerduty:trigger:accepted']);
  });
});
