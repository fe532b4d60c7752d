import type { Clock } from '../clock.js';
import { faultPoint } from '../fault.js';
import type { Incident } from '../incident/incident.js';
import type { Logger } from '../log.js';
import type { PagingMetrics } from '../metrics/paging-metrics.js';
import type { OutboxDraft, OutboxEntry, OutboxMark, OutboxOutcome, Store } from '../store/store.js';
import { printable } from '../text.js';
import { pageMessage } from './message.js';
import type { PageMessage, Pager, SendResult } from './pager.js';
import { nextAttemptDelayMs } from './retry-policy.js';

/**
 * Delivers the outbox: the one retrier (SPEC.md "Pages"). Entries come from the store (written
 * with the change that made them due); each is sent by its receiver's Pager, then marked. Order:
 * the store hands out only the oldest undelivered entry of each (incident, receiver), so a
 * resolve never overtakes its trigger. Policy: page/retry-policy.ts (backoff with jitter,
 * Retry-After honoured, capped); a final failure (400) is marked, logged and counted, not retried.
 *
 * At least once on the wire, idempotent at the receiver (dedup_key, delivery id): a crash after
 * a send and before its mark re-sends it after restart. Fail open: when the store cannot be
 * written, pages handed to `failOpen` are kept in a bounded memory outbox and sent from there
 * (marked degraded); once the store is back and holds the same entry, it is marked delivered
 * without a second send.
 */

export interface DrainerDeps {
  readonly store: Store;
  /** Pagers by receiver name (rebuilt on reload). */
  readonly pagers: () => ReadonlyMap<string, Pager>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: PagingMetrics;
  /** [0, 1): jitter. */
  readonly random?: () => number;
  /** Open incidents that paged, and the Alertmanager receivers to refresh them at (name → interval). */
  readonly refresh?: () => {
    readonly incidents: readonly Incident[];
    readonly receivers: ReadonlyMap<string, number>;
    readonly receiversOf: (incident: Incident) => readonly string[];
    readonly externalUrl: string;
  };
  readonly timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** Entries sent at once. */
  readonly concurrency?: number;
  /** Memory outbox bound (fail open). */
  readonly memoryLimit?: number;
}

interface MemoryEntry {
  readonly draft: OutboxDraft;
  attempts: number;
  nextAt: number;
  state: 'pending' | 'accepted' | 'failed';
}

const key = (incident: string, receiver: string, action: string) =>
  `${incident}\u0000${receiver}\u0000${action}`;

/** Longest real-time sleep: the clock may be scaled or stepped; look again at least this often. */
const MAX_SLEEP_MS = 5_000;

export class OutboxDrainer {
  #timer: unknown;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  readonly #memory = new Map<string, MemoryEntry>();
  /** Receiver name → wall ms of the last refresh round. */
  readonly #refreshed = new Map<string, number>();
  #refreshRound = 0;
  #refreshing: Promise<number> | undefined;

  constructor(private readonly deps: DrainerDeps) {}

  start(): void {
    this.#stopped = false;
    this.nudge();
  }

  /** Something became due: run now (or right after the run in progress). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#cancel();
    this.#running = this.#loop().then(
      (realMs) => this.#rest(realMs),
      () => this.#rest(1000),
    );
  }

  /**
   * The loop ended with nothing due for `realMs`: sleep, unless a nudge came while it was ending
   * (a page committed after the last look at the outbox must not wait for the timer).
   */
  #rest(realMs: number | undefined): void {
    this.#running = undefined;
    if (this.#stopped || realMs === undefined) return;
    if (this.#again) {
      this.nudge();
      return;
    }
    const timers = this.deps.timers ?? {
      setTimeout,
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      this.nudge();
    }, realMs);
  }

  /** Stops the loop after one last attempt at what is due now (SIGTERM: flush the outbox). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel();
    await this.#running;
    await this.runOnce();
    await this.#refreshing;
  }

  /** The store is down: these pages go out from memory (deduplicated, bounded). */
  failOpen(drafts: readonly OutboxDraft[]): void {
    const limit = this.deps.memoryLimit ?? 1000;
    // Each failed commit hands over every page its queued events make due (this outage's pages).
    const current = new Set(drafts.map((d) => key(d.incident, d.receiver, d.action)));
    for (const draft of drafts) {
      const k = key(draft.incident, draft.receiver, draft.action);
      if (this.#memory.has(k)) continue;
      if (this.#memory.size >= limit) {
        // A page already sent (or refused) is kept only to spare a second send once the store
        // records it; one the store never recorded (an earlier outage) must not crowd out a new
        // page. This outage's own pages stay, or they would be sent again on the next hand-over.
        for (const [old, m] of this.#memory)
          if (m.state !== 'pending' && !current.has(old)) {
            this.#memory.delete(old);
            break;
          }
      }
      if (this.#memory.size >= limit) {
        this.deps.logger.error('memory outbox full: a page made while the store is down is dropped', {
          incident: draft.incident,
          receiver: draft.receiver,
        });
        continue;
      }
      this.#memory.set(k, { draft, attempts: 0, nextAt: draft.createdAt, state: 'pending' });
      this.deps.logger.warn('store unwritable: paging from memory (fail open)', {
        incident: draft.incident,
        receiver: draft.receiver,
        action: draft.action,
      });
    }
    this.nudge();
  }

  get memoryPending(): number {
    let n = 0;
    for (const m of this.#memory.values()) if (m.state === 'pending') n += 1;
    return n;
  }

  /** Rounds while something is due or nudged; resolves how long to sleep (real ms), or undefined when stopped. */
  async #loop(): Promise<number | undefined> {
    do {
      this.#again = false;
      try {
        await this.runOnce();
      } catch (error) {
        this.deps.logger.error('outbox round failed; trying again shortly', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    } while (this.#again && !this.#stopped);
    return this.#stopped ? undefined : this.#sleepMs();
  }

  async #sleepMs(): Promise<number> {
    const { clock } = this.deps;
    const now = clock.wallMs();
    let next = now + 60_000 * (clock.speed ?? 1);
    try {
      const pending = await this.deps.store.outboxPending();
      this.deps.metrics.outboxPending.set(pending.count + this.memoryPending);
      if (pending.nextAt !== undefined) next = Math.min(next, pending.nextAt);
    } catch {
      next = Math.min(next, now + 1000);
    }
    for (const m of this.#memory.values()) if (m.state === 'pending') next = Math.min(next, m.nextAt);
    const refresh = this.deps.refresh?.();
    if (refresh)
      for (const [receiver, interval] of refresh.receivers)
        next = Math.min(next, (this.#refreshed.get(receiver) ?? now) + interval);
    return Math.min(MAX_SLEEP_MS, Math.max(0, (next - now) / (clock.speed ?? 1)));
  }

  #cancel(): void {
    if (this.#timer === undefined) return;
    const timers = this.deps.timers ?? {
      setTimeout,
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One round: memory first (the store may be down), then the store's due entries, then refreshes. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.wallMs();
    let sent = 0;
    sent += await this.#drainMemory(now);
    let due: readonly OutboxEntry[] = [];
    try {
      due = await this.deps.store.dueOutbox(now, this.deps.concurrency ?? 32);
    } catch (error) {
      this.deps.logger.error('outbox unreadable; pages made before the store failed wait for it', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const marks = await Promise.all(due.map((entry) => this.#deliver(entry)));
    try {
      // One transaction (one fsync) for the round's outcomes.
      await this.deps.store.markOutbox(marks);
    } catch (error) {
      // Left pending in the store: sent again later (idempotent by dedup_key / delivery id).
      this.deps.logger.error('could not record page deliveries; they will be sent again', {
        pages: marks.length,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    sent += due.length;
    // Refreshes run beside the rounds, never in them: re-sending a thousand open incidents must
    // not hold back a new page.
    if (!this.#refreshing)
      this.#refreshing = this.#refresh(now)
        .catch((error: unknown) => {
          this.deps.logger.error('Alertmanager refresh failed; tried again at the next interval', {
            error: error instanceof Error ? error.message : String(error),
          });
          return 0;
        })
        .finally(() => {
          this.#refreshing = undefined;
        });
    return sent;
  }

  /** Sends one entry (or recognises it as sent from memory); the outcome to record. */
  async #deliver(entry: OutboxEntry): Promise<OutboxMark> {
    const { logger, metrics } = this.deps;
    const remembered = this.#memory.get(key(entry.incident, entry.receiver, entry.action));
    let outcome: OutboxOutcome;
    if (remembered?.state === 'accepted') {
      // Sent from memory while the store was down: recorded now, not sent twice.
      outcome = { result: 'accepted', at: remembered.nextAt, degraded: true };
      this.#memory.delete(key(entry.incident, entry.receiver, entry.action));
    } else {
      // The store holds this page now and its entry is the one retried: the memory copy (still
      // pending, or refused) goes, so it neither sends a second time nor stays for good.
      if (remembered) this.#memory.delete(key(entry.incident, entry.receiver, entry.action));
      const result = await this.#send(entry.receiver, entry.message);
      const now = this.deps.clock.wallMs();
      if (result.ok) {
        faultPoint('outbox-after-send');
        outcome = { result: 'accepted', at: now };
        this.#accepted(entry.receiver, entry.message, entry.attempts + 1, now);
      } else if (result.retryable) {
        const delay = nextAttemptDelayMs(entry.attempts + 1, result, this.deps.random ?? Math.random);
        outcome = { result: 'pending', nextAt: now + delay, reason: result.reason };
        metrics.recordPage(entry.receiver, entry.action, 'retry');
        logger.warn('page not delivered; retrying', {
          incident: entry.incident,
          receiver: entry.receiver,
          action: entry.action,
          attempts: entry.attempts + 1,
          retry_in_s: Math.round(delay / 1000),
          reason: printable(result.reason),
        });
      } else {
        outcome = { result: 'failed', reason: result.reason };
        metrics.recordPage(entry.receiver, entry.action, 'failed');
        logger.error('page refused by the receiver: not retried', {
          incident: entry.incident,
          receiver: entry.receiver,
          action: entry.action,
          reason: printable(result.reason),
        });
      }
    }
    return { id: entry.id, outcome };
  }

  async #send(receiver: string, message: PageMessage): Promise<SendResult> {
    const pager = this.deps.pagers().get(receiver);
    if (!pager)
      return { ok: false, retryable: false, reason: `receiver ${receiver} is no longer configured` };
    try {
      return await pager.send(message);
    } catch (error) {
      // A pager must not throw; if one does, it is a bug: retry rather than lose the page.
      return {
        ok: false,
        retryable: true,
        reason: `pager error: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  #accepted(receiver: string, message: PageMessage, attempts: number, now: number): void {
    this.deps.metrics.recordPage(receiver, message.action, 'accepted');
    if (message.action === 'trigger')
      this.deps.metrics.latency.observe(Math.max(0, (now - message.impactStart) / 1000));
    this.deps.logger.info('page accepted', {
      incident: message.incident,
      receiver,
      action: message.action,
      attempts,
      after_impact_s: Math.round((now - message.impactStart) / 1000),
      ...(message.degraded ? { degraded: true } : {}),
    });
  }

  async #drainMemory(now: number): Promise<number> {
    const due = [...this.#memory.values()].filter((m) => m.state === 'pending' && m.nextAt <= now);
    await Promise.all(
      due.map(async (m) => {
        const { draft } = m;
        const deliveryId = `${draft.incident}/${draft.receiver}/${draft.action}`;
        const result = await this.#send(draft.receiver, { ...draft.message, deliveryId });
        const at = this.deps.clock.wallMs();
        m.attempts += 1;
        if (result.ok) {
          m.state = 'accepted';
          m.nextAt = at;
          this.#accepted(draft.receiver, { ...draft.message, deliveryId }, m.attempts, at);
        } else if (result.retryable) {
          m.nextAt = at + nextAttemptDelayMs(m.attempts, result, this.deps.random ?? Math.random);
          this.deps.metrics.recordPage(draft.receiver, draft.action, 'retry');
        } else {
          m.state = 'failed';
          this.deps.metrics.recordPage(draft.receiver, draft.action, 'failed');
        }
      }),
    );
    return due.length;
  }

  /** Alertmanager forgets an alert not re-sent before its endsAt: open incidents are refreshed. */
  async #refresh(now: number): Promise<number> {
    const refresh = this.deps.refresh?.();
    if (!refresh) return 0;
    let sent = 0;
    for (const [receiver, interval] of refresh.receivers) {
      const last = this.#refreshed.get(receiver);
      if (last === undefined) {
        this.#refreshed.set(receiver, now);
        continue;
      }
      if (now < last + interval) continue;
      this.#refreshed.set(receiver, now);
      this.#refreshRound += 1;
      const round = this.#refreshRound;
      const targets = refresh.incidents.filter((i) => refresh.receiversOf(i).includes(receiver));
      // A bounded number in flight: a thousand open incidents must not stall the event loop
      // (and the polls on it) with a thousand sockets at once.
      const limit = this.deps.concurrency ?? 32;
      for (let i = 0; i < targets.length; i += limit) {
        const results = await Promise.all(
          targets.slice(i, i + limit).map((incident) =>
            this.#send(receiver, {
              ...pageMessage(incident, 'trigger', refresh.externalUrl),
              action: 'refresh',
              deliveryId: `${incident.id}/${receiver}/refresh-${round}`,
            }),
          ),
        );
        for (const r of results)
          this.deps.metrics.recordPage(
            receiver,
            'refresh',
            r.ok ? 'accepted' : r.retryable ? 'retry' : 'failed',
          );
      }
      sent += targets.length;
    }
    return sent;
  }
}
