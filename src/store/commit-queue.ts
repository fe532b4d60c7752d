import type { CommitResult, Correlate, Observation, Store, StoreHealth } from './store.js';
import { StoreError } from './store.js';

/**
 * Group commit in front of the store. Observations submitted within `flushDelayMs` of each other
 * (the polls of one tick) commit in one transaction: one WAL append and one fsync for many
 * devices, instead of one per device.
 *
 * When the store fails (disk full, locked, unreachable) nothing is dropped: observations stay
 * queued, in order, and are retried with backoff while polling goes on; once the store is back,
 * every event found meanwhile is committed exactly once (the caller's in-process memory already
 * moved on, so nothing is found twice). A queued observation's memory is superseded by a later
 * one for the same device, so a long outage holds events, not one memory per poll. An
 * observation that fails as a bug (not a StoreError) is retried alone and, failing again,
 * dropped and reported: one bad device must not stop the store for the fleet.
 */

/**
 * One attempt's correlation: `correlate` runs inside the transaction from the correlator's state
 * as it is now; `adopt` makes its result the state once the commit resolved. A failed attempt is
 * simply not adopted, and the retry correlates again from the same state.
 */
export interface Correlation {
  readonly correlate: Correlate;
  readonly adopt: () => void;
  /** The attempt failed with the store down (fail open: page from memory). */
  readonly failed?: (batch: readonly Observation[], error: Error) => void;
}

export interface CommitQueueDeps {
  readonly store: Store;
  /** Incidents: a fresh correlation per store call (incident/incident-service.ts). */
  readonly correlation?: () => Correlation;
  /** Every successful commit, including late ones after a retry: what was recorded. */
  readonly onCommitted: (result: CommitResult) => void;
  /** Every failed attempt; `dropped` when observations were given up (bugs, overflow). */
  readonly onError: (error: Error, dropped: readonly Observation[]) => void;
  readonly flushDelayMs?: number;
  /** Backoff after a failure: first, then doubling up to max. */
  readonly retryMs?: readonly [first: number, max: number];
  /** Queued events beyond this are dropped oldest first (reported): memory stays bounded. */
  readonly maxPendingEvents?: number;
  /** Timer seam (tests drive it). */
  readonly setTimer?: (fn: () => void, ms: number) => () => void;
}

/** Not unref'd: a flush someone awaits must keep the process alive until it ran. */
const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export class CommitQueue {
  #pending: Observation[] = [];
  #pendingEvents = 0;
  #waiters: ((committed: boolean) => void)[] = [];
  #cancelTimer: (() => void) | undefined;
  #flushing: Promise<void> | undefined;
  #backoffMs = 0;
  #health: StoreHealth = { ok: true };
  #closed = false;
  /** A commit is due even with nothing queued: time passed for the correlator (`tick`). */
  #ticked = false;

  constructor(private readonly deps: CommitQueueDeps) {}

  /** Queues an observation; resolves true once committed, false if this attempt failed (it stays queued). */
  submit(observation: Observation): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (observation.memory)
      // A newer memory supersedes a queued one for the same device (its events stay, in order).
      this.#pending = this.#pending.flatMap((o) => {
        if (o.device !== observation.device || !o.memory) return [o];
        const { memory: _superseded, ...rest } = o;
        return rest.events.length > 0 ? [rest] : [];
      });
    this.#pending.push(observation);
    this.#pendingEvents += observation.events.length;
    this.#trim();
    // While the store is failing, do not make the caller wait for the next retry: polls go on.
    const done = this.#health.ok
      ? new Promise<boolean>((resolve) => this.#waiters.push(resolve))
      : Promise.resolve(false);
    this.#schedule(this.#backoffMs > 0 ? this.#backoffMs : (this.deps.flushDelayMs ?? 10));
    return done;
  }

  /**
   * Time passed: the correlator gets a commit (which writes only if incidents changed), batched
   * with any queued observations. Resolves once that commit was attempted.
   */
  tick(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    this.#ticked = true;
    const done = new Promise<boolean>((resolve) => this.#waiters.push(resolve));
    this.#schedule(this.#backoffMs > 0 ? this.#backoffMs : (this.deps.flushDelayMs ?? 10));
    return done;
  }

  get health(): StoreHealth {
    return this.#health;
  }

  get pendingEvents(): number {
    return this.#pendingEvents;
  }

  /** Commits what is queued now (shutdown); resolves when that attempt ends. */
  async drain(): Promise<boolean> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#flushing;
    if (this.#pending.length > 0 || this.#ticked) await this.#flush();
    return this.#pending.length === 0;
  }

  close(): void {
    this.#closed = true;
    this.#cancelTimer?.();
    for (const w of this.#waiters.splice(0)) w(false);
  }

  #schedule(ms: number): void {
    if (this.#cancelTimer || this.#flushing || this.#closed) return;
    const setTimer = this.deps.setTimer ?? realTimer;
    this.#cancelTimer = setTimer(() => {
      this.#cancelTimer = undefined;
      void this.#flush();
    }, ms);
  }

  #trim(): void {
    const max = this.deps.maxPendingEvents ?? 100_000;
    if (this.#pendingEvents <= max) return;
    const dropped: Observation[] = [];
    while (this.#pendingEvents > max && this.#pending.length > 0) {
      const first = this.#pending.shift() as Observation;
      this.#pendingEvents -= first.events.length;
      dropped.push(first);
    }
    this.deps.onError(
      new StoreError(`store queue over ${max} events: the oldest were dropped`, false),
      dropped,
    );
  }

  #flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    const batch = this.#pending;
    const waiters = this.#waiters;
    this.#ticked = false;
    this.#pending = [];
    this.#pendingEvents = 0;
    this.#waiters = [];
    const run = async () => {
      const ok = await this.#commit(batch);
      if (ok) {
        this.#backoffMs = 0;
        this.#health = { ok: true };
      } else {
        const [first, max] = this.deps.retryMs ?? [1000, 10_000];
        this.#backoffMs = this.#backoffMs === 0 ? first : Math.min(max, this.#backoffMs * 2);
      }
      for (const w of waiters) w(ok);
    };
    this.#flushing = run().finally(() => {
      this.#flushing = undefined;
      if (this.#pending.length > 0 || this.#ticked) this.#schedule(Math.max(this.#backoffMs, 0));
    });
    return this.#flushing;
  }

  /** True when the batch is stored (or given up as a bug); false when it went back on the queue. */
  async #commit(batch: readonly Observation[]): Promise<boolean> {
    const outcome = await this.#attempt(batch);
    if (outcome.kind === 'stored') return true;
    if (outcome.kind === 'failed') {
      this.#requeue(batch);
      // Time still has to reach the correlator once the store is back.
      if (batch.length === 0) this.#ticked = true;
      return false;
    }
    if (batch.length === 0) {
      if (outcome.kind === 'bug') this.deps.onError(outcome.error, []);
      return true;
    }
    // A bug in some observation: find it by committing one at a time, in order. A store failure
    // on the way puts that one and everything after it back, still in order.
    for (const [i, one] of batch.entries()) {
      const single = batch.length === 1 ? outcome : await this.#attempt([one]);
      if (single.kind === 'failed') {
        this.#requeue(batch.slice(i));
        return false;
      }
      if (single.kind === 'bug') this.deps.onError(single.error, [one]);
    }
    return true;
  }

  /** One store call: stored, failed (a store condition: retry), or a bug in the batch. */
  async #attempt(
    batch: readonly Observation[],
  ): Promise<{ readonly kind: 'stored' | 'failed' } | { readonly kind: 'bug'; readonly error: Error }> {
    let result: Awaited<ReturnType<Store['commit']>>;
    const correlation = this.deps.correlation?.();
    try {
      result = await this.deps.store.commit(batch, correlation?.correlate);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof StoreError && failure.retryable) {
        this.#health = { ok: false, reason: failure.message };
        this.deps.onError(failure, []);
        this.#failOpen(correlation, batch, failure);
        return { kind: 'failed' };
      }
      return { kind: 'bug', error: failure };
    }
    correlation?.adopt();
    // Outside the try: a throwing listener must not make a stored batch look unstored (and retried).
    try {
      this.deps.onCommitted(result);
    } catch (error) {
      this.deps.onError(error instanceof Error ? error : new Error(String(error)), []);
    }
    return { kind: 'stored' };
  }

  /** The store is down: the correlator still sees these events, so a page can go out from memory. */
  #failOpen(correlation: Correlation | undefined, batch: readonly Observation[], failure: Error): void {
    if (!correlation?.failed) return;
    try {
      correlation.failed(batch, failure);
    } catch (error) {
      this.deps.onError(error instanceof Error ? error : new Error(String(error)), []);
    }
  }

  #requeue(batch: readonly Observation[]): void {
    // Older observations go first; a newer queued memory for the same device supersedes an old one.
    const newer = new Set(this.#pending.filter((o) => o.memory).map((o) => o.device));
    const back = batch.flatMap((o) => {
      if (!o.memory || !newer.has(o.device)) return [o];
      const { memory: _superseded, ...rest } = o;
      return rest.events.length > 0 ? [rest] : [];
    });
    this.#pending = [...back, ...this.#pending];
    this.#pendingEvents = this.#pending.reduce((n, o) => n + o.events.length, 0);
    this.#trim();
  }
}
