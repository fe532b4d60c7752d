import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectDevice } from '../../src/collect/collect-device.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { LogFields, Logger } from '../../src/log.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { Pipeline } from '../../src/pipeline.js';
import { CommitQueue } from '../../src/store/commit-queue.js';
import { DelegatingStore } from '../../src/store/delegate.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type Correlate, type Observation, StoreError } from '../../src/store/store.js';
import { DetectRun, Lab, TEST_SETTINGS } from '../helpers/lab.js';

/** detect → commit → metrics on a real SQLite store, driven by a fake clock and the fake agent. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

class CapturingLogger implements Logger {
  readonly lines: { level: string; msg: string; fields: LogFields }[] = [];
  info = (msg: string, fields: LogFields = {}) => this.lines.push({ level: 'info', msg, fields });
  warn = (msg: string, fields: LogFields = {}) => this.lines.push({ level: 'warn', msg, fields });
  error = (msg: string, fields: LogFields = {}) => this.lines.push({ level: 'error', msg, fields });
}

/** A store that fails like a full disk while `full` is set, and counts what reached it. */
class FlakyStore extends DelegatingStore {
  full = false;
  commits = 0;
  override async commit(batch: readonly Observation[], correlate?: Correlate) {
    if (this.full) throw new StoreError('store commit failed: disk full: SQLITE_FULL', true);
    this.commits += 1;
    return this.inner.commit(batch, correlate);
  }
}

async function rig(lab = new Lab()) {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-pipeline-'));
  dirs.push(dir);
  const opened = await SqliteStore.open(dir, { synchronous: 'NORMAL' });
  if (!opened.ok) throw new Error(opened.reason);
  const store = new FlakyStore(opened.store);
  const run = new DetectRun(lab);
  const metrics = new Metrics({ processMetrics: false });
  metrics.setDevices([run.device]);
  const logger = new CapturingLogger();
  const timers: (() => void)[] = [];
  const queue = new CommitQueue({
    store,
    onCommitted: ({ recorded }) => metrics.recordEvents(recorded),
    onError: () => metrics.recordStoreError('commit'),
    // The test fires timers itself: no sleeps.
    setTimer: (fn) => {
      timers.push(fn);
      return () => {
        const i = timers.indexOf(fn);
        if (i >= 0) timers.splice(i, 1);
      };
    },
  });
  const flush = async () => {
    for (const fn of timers.splice(0)) fn();
    await queue.drain();
  };
  const pipeline = new Pipeline(
    { queue, metrics, logger, settings: () => TEST_SETTINGS, identityOf: () => 'id' },
    await store.loadMemories(),
  );
  const poll = (time: number) =>
    collectDevice({
      device: run.device,
      address: '127.0.0.1',
      connector: run.fake,
      now: () => time,
      memo: {},
    });
  const handle = async (time: number, result?: PollResult) => {
    const found = pipeline.handle(run.device, result ?? (await poll(time)), time);
    await flush();
    return found;
  };
  return { store, run, metrics, logger, pipeline, handle, flush, queue, lab, dir };
}

describe('pipeline', () => {
  it('commits the events of a poll with the memory that reflects them; a restart finds nothing again', async () => {
    const r = await rig();
    await r.handle(0);
    r.lab.age(30).role(1, 2).role(0, 1);
    expect((await r.handle(30_000)).map((e) => e.type)).toEqual(['master_switchover']);
    const stored = await r.store.loadMemories();
    expect(stored.get('lab')?.memory.vc.master).toBe(0);

    // A new process on the same store: the first poll compares against the stored memory.
    const again = new Pipeline(
      {
        queue: r.queue,
        metrics: r.metrics,
        logger: r.logger,
        settings: () => TEST_SETTINGS,
        identityOf: () => 'id',
      },
      await r.store.loadMemories(),
    );
    r.lab.age(30);
    const pending = again.handle(
      r.run.device,
      await collectDevice({
        device: r.run.device,
        address: '127.0.0.1',
        connector: r.run.fake,
        now: () => 60_000,
        memo: {},
      }),
      60_000,
    );
    await r.flush();
    expect(await pending).toEqual([]);
    expect(await r.store.queryEvents({ type: 'master_switchover' })).toHaveLength(1);
    expect(await r.metrics.render()).toContain(
      'netwatch_events_total{device="lab",site="test",type="master_switchover",severity="critical"} 1',
    );
  });

  it('the same move again later is a new event, not a witness of the first (1→0, 0→1, 1→0)', async () => {
    const r = await rig();
    await r.handle(0);
    const flips: [number, number][] = [
      [0, 1],
      [1, 0],
      [0, 1],
    ];
    let t = 0;
    for (const [master, backup] of flips) {
      t += 30_000;
      r.lab.age(30).role(master, 1).role(backup, 2);
      expect((await r.handle(t)).map((e) => e.type)).toEqual(['master_switchover']);
    }
    const stored = await r.store.queryEvents({ type: 'master_switchover' });
    expect(stored.map((e) => [e.details.from, e.details.to])).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(stored.every((e) => e.witnesses.length === 1)).toBe(true);
  });

  it('writes memory only when it changed meaningfully, plus a checkpoint every 10 polls', async () => {
    const r = await rig();
    for (let i = 0; i < 12; i += 1) {
      r.lab.age(30).flow(30, { 994: 400e6, 996: 400e6 });
      await r.handle(i * 30_000);
    }
    // First poll, the second (baseline learnt, traffic ports known) and one checkpoint at most.
    expect(r.store.commits).toBeLessThanOrEqual(4);
    expect(r.store.commits).toBeGreaterThanOrEqual(2);
  });

  it('a detector that throws is logged with the device and counted; the next poll runs normally', async () => {
    const r = await rig();
    await r.handle(0);
    const good = await (async () => {
      r.lab.age(30);
      return collectDevice({
        device: r.run.device,
        address: '127.0.0.1',
        connector: r.run.fake,
        now: () => 30_000,
        memo: {},
      });
    })();
    if (!good.ok) throw new Error('fake poll failed');
    // A snapshot no real parse produces: a bug in detection must not stop the device.
    const poisoned: PollResult = {
      ok: true,
      snapshot: { ...good.snapshot, configChanges: { supported: true, value: null as unknown as [] } },
    };
    expect(await r.handle(30_000, poisoned)).toEqual([]);
    const logged = r.logger.lines.find((l) => l.level === 'error');
    expect(logged?.msg).toContain('detection failed');
    expect(logged?.fields.device).toBe('lab');
    expect(await r.metrics.render()).toContain('netwatch_internal_errors_total{stage="detect"} 1');
    r.lab.age(30).role(1, 2).role(0, 1);
    expect((await r.handle(60_000)).map((e) => e.type)).toEqual(['master_switchover']);
  });

  it('with the disk full, polls go on and every event found meanwhile is stored once when space is back', async () => {
    const r = await rig();
    await r.handle(0);
    r.store.full = true;
    r.lab.age(30).role(1, 2).role(0, 1);
    expect((await r.handle(30_000)).map((e) => e.type)).toEqual(['master_switchover']);
    expect(r.queue.health.ok).toBe(false);
    r.lab.age(30).role(0, 2).role(1, 1);
    expect((await r.handle(60_000)).map((e) => e.type)).toEqual(['master_switchover']);
    r.lab.age(30);
    await r.handle(90_000);
    expect(await r.store.queryEvents({})).toEqual([]);
    expect(await r.metrics.render()).toMatch(/netwatch_store_errors_total\{op="commit"\} [1-9]/);
    r.store.full = false;
    await r.flush();
    expect(r.queue.health.ok).toBe(true);
    const stored = await r.store.queryEvents({});
    expect(stored.map((e) => [e.type, e.details.from, e.details.to, e.seq])).toEqual([
      ['master_switchover', 1, 0, 1],
      ['master_switchover', 0, 1, 2],
    ]);
    expect((await r.store.loadMemories()).get('lab')?.memory.vc.master).toBe(1);
  });
});
