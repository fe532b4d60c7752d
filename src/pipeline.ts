import { createHash } from 'node:crypto';
import type { PollResult } from './collect/snapshot.js';
import type { DeviceConfig } from './config/types.js';
import { detect } from './detect/detect.js';
import type { DetectSettings } from './detect/detector.js';
import { type DeviceMemory, emptyMemory, stableKey } from './detect/memory.js';
import type { EventDraft } from './events/event.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import type { CommitQueue } from './store/commit-queue.js';
import type { StoredMemory } from './store/store.js';

/**
 * After collect: detect (pure) → commit (events + the memory that reflects them, one transaction)
 * → metrics. One device's polls never overlap (the scheduler), so its memory is read and written
 * by one poll at a time.
 *
 * The memory here is the truth; the store is its durable copy. It is written when it changed
 * meaningfully (`stableKey`: a state a detector acts on) or carries events, and otherwise every
 * `checkpointEvery` polls for the volatile rest (counters, uptimes, baseline samples), so a
 * steady fleet costs the disk almost nothing. Events and memory commit together, so after a
 * crash the memory on disk never lags its events: nothing is reported twice, nothing lost.
 *
 * A detector that throws is a bug: it is logged with the device, counted, and that poll leaves
 * the memory unchanged; the next poll runs normally.
 */

interface Entry {
  memory: DeviceMemory;
  readonly identity: string;
  /** Digest of the stableKey of the memory last handed to the store; undefined: never written. */
  saved: string | undefined;
  pollsSinceSave: number;
}

export interface PipelineDeps {
  readonly queue: CommitQueue;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly settings: () => DetectSettings;
  readonly identityOf: (device: DeviceConfig) => string;
  /** Polls between checkpoints of an unchanged memory (default 10: 5 min at 30 s). */
  readonly checkpointEvery?: number;
}

export class Pipeline {
  readonly #live = new Map<string, Entry>();
  /** The identity of each configured device (reconcile); undefined until the inventory is known. */
  #configured: Map<string, string> | undefined;
  /** Stored memories not (or no longer) in use: loaded at start, or of removed devices. */
  readonly #stored: Map<string, StoredMemory>;

  constructor(
    private readonly deps: PipelineDeps,
    stored: Map<string, StoredMemory>,
  ) {
    this.#stored = new Map(stored);
  }

  memoryOf(device: string): DeviceMemory | undefined {
    return this.#live.get(device)?.memory ?? this.#stored.get(device)?.memory;
  }

  #entry(device: DeviceConfig, now: number, identity = this.deps.identityOf(device)): Entry {
    const live = this.#live.get(device.name);
    if (live) return live;
    const stored = this.#stored.get(device.name);
    this.#stored.delete(device.name);
    // '' is memory imported from before identities were kept: accepted as this device's.
    const usable = stored && (stored.identity === identity || stored.identity === '');
    if (stored && !usable)
      this.deps.logger.info('host or credentials changed since the stored memory: comparing afresh', {
        device: device.name,
      });
    const entry: Entry = usable
      ? { memory: { ...stored.memory, fromDisk: true }, identity, saved: undefined, pollsSinceSave: 0 }
      : { memory: emptyMemory(device.name, now), identity, saved: undefined, pollsSinceSave: 0 };
    this.#live.set(device.name, entry);
    return entry;
  }

  /** Detects, commits, records metrics. Resolves with the drafts found (committed or queued). */
  async handle(device: DeviceConfig, result: PollResult, now: number): Promise<readonly EventDraft[]> {
    const { queue, metrics, logger } = this.deps;
    const identity = this.deps.identityOf(device);
    if (this.#configured && this.#configured.get(device.name) !== identity) {
      // A poll that started before a reload removed the device or changed its host or
      // credentials: its answer is about the old box and must not become the new one's memory.
      logger.info('discarding a poll that started before the device was changed or removed', {
        device: device.name,
      });
      return [];
    }
    try {
      metrics.recordPoll(result);
    } catch (error) {
      metrics.recordInternalError('pipeline');
      logger.error('recording poll metrics failed', { device: device.name, error: describe(error) });
    }
    const entry = this.#entry(device, now, identity);
    let memory: DeviceMemory;
    let events: readonly EventDraft[];
    try {
      const outcome = detect(device, entry.memory, result, now, this.deps.settings());
      memory = outcome.memory;
      events = outcome.events;
    } catch (error) {
      metrics.recordInternalError('detect');
      logger.error('detection failed: this poll is skipped, the next one runs normally', {
        device: device.name,
        error: describe(error),
      });
      return [];
    }
    entry.memory = memory;
    metrics.recordMemory(device.name, memory);
    const key = digest(memory);
    entry.pollsSinceSave += 1;
    const save =
      events.length > 0 || entry.saved !== key || entry.pollsSinceSave >= (this.deps.checkpointEvery ?? 10);
    if (!save) return events;
    entry.saved = key;
    entry.pollsSinceSave = 0;
    await queue.submit({ device: device.name, events, memory: { memory, identity: entry.identity } });
    return events;
  }

  /**
   * The inventory changed (SIGHUP). A removed device's memory is kept aside (and written) so a
   * re-added device gets it back; a kept device whose host or credentials changed is compared
   * afresh on its next poll.
   */
  reconcile(devices: readonly DeviceConfig[]): void {
    const byName = new Map(devices.map((d) => [d.name, d]));
    this.#configured = new Map(devices.map((d) => [d.name, this.deps.identityOf(d)]));
    for (const [name, entry] of this.#live) {
      const next = byName.get(name);
      if (next && this.#configured.get(name) === entry.identity) continue;
      this.#live.delete(name);
      if (!next) {
        this.#stored.set(name, { memory: entry.memory, identity: entry.identity });
        void this.deps.queue.submit({
          device: name,
          events: [],
          memory: { memory: entry.memory, identity: entry.identity },
        });
      } else {
        this.deps.logger.info('host or credentials changed: comparing afresh', { device: name });
      }
    }
  }

  /**
   * An operator action on a device's memory (baseline accept): `change` computes the new memory
   * and its events from the current one (pure, synchronous, so no poll interleaves); both commit
   * together. Resolves whether the store has them (false: queued, retried).
   */
  async operate(
    device: DeviceConfig,
    now: number,
    change: (memory: DeviceMemory) => {
      readonly memory: DeviceMemory;
      readonly events: readonly EventDraft[];
    },
  ): Promise<boolean> {
    const entry = this.#entry(device, now);
    const next = change(entry.memory);
    entry.memory = next.memory;
    entry.saved = digest(next.memory);
    entry.pollsSinceSave = 0;
    this.deps.metrics.recordMemory(device.name, next.memory);
    return this.deps.queue.submit({
      device: device.name,
      events: next.events,
      memory: { memory: next.memory, identity: entry.identity },
    });
  }

  /** Writes every memory not written since it last changed (shutdown); false if the store failed. */
  async checkpointAll(): Promise<boolean> {
    for (const [name, entry] of this.#live) {
      if (entry.pollsSinceSave === 0) continue;
      entry.pollsSinceSave = 0;
      entry.saved = digest(entry.memory);
      void this.deps.queue.submit({
        device: name,
        events: [],
        memory: { memory: entry.memory, identity: entry.identity },
      });
    }
    return this.deps.queue.drain();
  }
}

/** A digest, not the key itself: the key is kilobytes per device, held for every device. */
function digest(memory: DeviceMemory): string {
  return createHash('sha1').update(stableKey(memory)).digest('base64');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const at = error.stack?.split('\n')[1]?.trim();
  return at ? `${error.message} (${at})` : error.message;
}
