import { describe, expect, it } from 'vitest';
import { emptyMemory } from '../../src/detect/memory.js';
import { CommitQueue } from '../../src/store/commit-queue.js';
import { type CommitResult, type Observation, type Store, StoreError } from '../../src/store/store.js';
import { ev } from '../contract/store-contract.js';

/** The group-commit queue against a scripted store: every failure path keeps or reports data. */

class ScriptedStore implements Pick<Store, 'commit'> {
  readonly batches: (readonly Observation[])[] = [];
  fail: 'none' | 'full' = 'none';
  /** Observations of this device throw like a bug. */
  poison: string | undefined;
  async commit(batch: readonly Observation[]): Promise<CommitResult> {
    if (this.fail === 'full') throw new StoreError('disk full', true);
    if (batch.some((o) => o.device === this.poison))
      throw new TypeError('Do not know how to serialize a BigInt');
    this.batches.push(batch);
    return { recorded: [], witnessed: [] };
  }
}

function rig(options: { maxPendingEvents?: number } = {}) {
  const store = new ScriptedStore();
  const timers: (() => void)[] = [];
  const errors: { message: string; dropped: string[] }[] = [];
  let committed = 0;
  let throwOnCommitted = false;
  const queue = new CommitQueue({
    store: store as unknown as Store,
    onCommitted: () => {
      committed += 1;
      if (throwOnCommitted) throw new Error('listener bug');
    },
    onError: (error, dropped) =>
      errors.push({ message: error.message, dropped: dropped.map((o) => o.device) }),
    setTimer: (fn) => {
      timers.push(fn);
      return () => timers.splice(timers.indexOf(fn), 1);
    },
    ...options,
  });
  const fire = async () => {
    for (const fn of timers.splice(0)) fn();
    await queue.drain();
  };
  return {
    store,
    queue,
    errors,
    fire,
    committed: () => committed,
    throwing: () => {
      throwOnCommitted = true;
    },
  };
}

const mem = (device: string, t: number) => ({
  memory: { ...emptyMemory(device, t), savedAt: t },
  identity: 'x',
});

describe('commit queue', () => {
  it('commits the submissions of one tick in one batch', async () => {
    const r = rig();
    const a = r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'f1')], memory: mem('a', 1) });
    const b = r.queue.submit({ device: 'b', events: [], memory: mem('b', 1) });
    await r.fire();
    expect(await Promise.all([a, b])).toEqual([true, true]);
    expect(r.store.batches.map((batch) => batch.map((o) => o.device))).toEqual([['a', 'b']]);
  });

  it('keeps everything queued while the store fails; a newer memory supersedes, events stay in order', async () => {
    const r = rig();
    r.store.fail = 'full';
    r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'f1')], memory: mem('a', 1) });
    await r.fire();
    expect(r.queue.health.ok).toBe(false);
    // While failing, submit answers at once (polls go on) and queues.
    expect(await r.queue.submit({ device: 'a', events: [], memory: mem('a', 2) })).toBe(false);
    expect(
      await r.queue.submit({ device: 'a', events: [ev('a', 'member_up', 'f2')], memory: mem('a', 3) }),
    ).toBe(false);
    r.store.fail = 'none';
    await r.fire();
    const [batch] = r.store.batches;
    expect(batch?.flatMap((o) => o.events.map((e) => e.fact))).toEqual(['f1', 'f2']);
    expect(batch?.filter((o) => o.memory).map((o) => o.memory?.memory.savedAt)).toEqual([3]);
    expect(r.queue.health.ok).toBe(true);
  });

  it('a bug in one observation drops only that one, reported; the rest of the batch is stored', async () => {
    const r = rig();
    r.store.poison = 'bad';
    r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'f1')] });
    r.queue.submit({ device: 'bad', events: [ev('bad', 'member_down', 'f2')] });
    r.queue.submit({ device: 'c', events: [ev('c', 'member_down', 'f3')] });
    await r.fire();
    expect(r.store.batches.map((b) => b.map((o) => o.device))).toEqual([['a'], ['c']]);
    expect(r.errors.map((e) => e.dropped)).toEqual([['bad']]);
  });

  it('a store failure while isolating a bug puts the rest back in order', async () => {
    const r = rig();
    r.store.poison = 'bad';
    r.queue.submit({ device: 'bad', events: [ev('bad', 'member_down', 'f0')] });
    r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'p1')] });
    r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'p2')] });
    // The store fills up right after the poisoned batch is first tried.
    const inner = r.store.commit.bind(r.store);
    let calls = 0;
    r.store.commit = async (batch) => {
      calls += 1;
      if (calls === 3) r.store.fail = 'full';
      return inner(batch);
    };
    await r.fire();
    r.store.fail = 'none';
    await r.fire();
    expect(r.store.batches.flatMap((b) => b.flatMap((o) => o.events.map((e) => e.fact)))).toEqual([
      'p1',
      'p2',
    ]);
    expect(r.errors.filter((e) => e.dropped.length > 0).map((e) => e.dropped)).toEqual([['bad']]);
  });

  it('a throwing listener does not make a stored batch look unstored', async () => {
    const r = rig();
    r.throwing();
    r.queue.submit({ device: 'a', events: [ev('a', 'member_down', 'f1')] });
    await r.fire();
    await r.fire();
    expect(r.store.batches).toHaveLength(1);
    expect(r.errors.map((e) => e.message)).toEqual(['listener bug']);
  });

  it('bounds what it holds: past maxPendingEvents the oldest are dropped and reported', async () => {
    const r = rig({ maxPendingEvents: 2 });
    r.store.fail = 'full';
    for (const f of ['f1', 'f2', 'f3']) r.queue.submit({ device: f, events: [ev(f, 'member_down', f)] });
    expect(r.queue.pendingEvents).toBe(2);
    expect(r.errors.at(-1)?.dropped).toEqual(['f1']);
  });
});
