import type { PollResult } from './collect/snapshot.js';
import type { DeviceConfig } from './config/types.js';
import { detect } from './detect/detect.js';
import type { DetectSettings } from './detect/detector.js';
import { type DeviceMemory, emptyMemory } from './detect/memory.js';
import type { NetwatchEvent } from './events/event.js';
import { dedupKey, type Journal, seqOf } from './journal/journal.js';
import type { MemoryStore } from './journal/state-store.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import { printable } from './text.js';

/**
 * After collect: detect (pure) → journal (durable) → device memory (durable) → metrics. One device's
 * polls never overlap (the scheduler), so its memory is read and written by one poll at a time.
 *
 * Restart safety: events are journaled before the memory that reflects them is saved. If netwatch
 * dies between the two, the saved memory is one poll old and the first poll after the restart
 * finds the same change again; events the journal already holds for that device past the saved
 * memory's `journalSeq` are then recognised (dedupKey) and not reported twice.
 */
export class Pipeline {
  readonly #memories: Map<string, DeviceMemory>;
  readonly #alreadyReported = new Map<string, Set<string>>();

  constructor(
    private readonly deps: {
      readonly journal: Journal;
      readonly store: MemoryStore;
      readonly metrics: Metrics;
      readonly logger: Logger;
      readonly settings: () => DetectSettings;
    },
  ) {
    this.#memories = deps.store.loadAll();
    // One pass over the journal: events newer than the memory saved for their device.
    for (const event of deps.journal.query()) {
      const memory = this.#memories.get(event.device);
      if (!memory || seqOf(event.id) <= memory.journalSeq) continue;
      const keys = this.#alreadyReported.get(event.device) ?? new Set<string>();
      keys.add(dedupKey(event));
      this.#alreadyReported.set(event.device, keys);
    }
  }

  memoryOf(device: string): DeviceMemory | undefined {
    return this.#memories.get(device);
  }

  async handle(device: DeviceConfig, result: PollResult, now: number): Promise<readonly NetwatchEvent[]> {
    const { journal, store, metrics, logger } = this.deps;
    const before = this.#memories.get(device.name) ?? emptyMemory(device.name, now);
    const outcome = detect(device, before, result, now, this.deps.settings());
    let drafts = outcome.events;
    const reported = this.#alreadyReported.get(device.name);
    if (reported && result.ok) {
      drafts = drafts.filter((e) => !reported.has(dedupKey(e)));
      this.#alreadyReported.delete(device.name);
    }
    let events: readonly NetwatchEvent[] = [];
    try {
      events = await journal.append(drafts);
    } catch (error) {
      // Keep the old memory: the same change is found, and journaled, on the next poll.
      logger.error('journal append failed; events will be retried next poll', {
        device: device.name,
        error: error instanceof Error ? error.message : String(error),
      });
      metrics.recordPoll(result);
      return [];
    }
    const last = events[events.length - 1];
    const memory: DeviceMemory = { ...outcome.memory, journalSeq: last ? seqOf(last.id) : before.journalSeq };
    this.#memories.set(device.name, memory);
    try {
      await store.save(memory);
    } catch (error) {
      logger.error('saving device state failed', {
        device: device.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    metrics.recordPoll(result);
    metrics.recordDetection(device.name, memory, events);
    for (const e of events)
      logger.info('event', {
        device: e.device,
        type: e.type,
        severity: e.severity,
        summary: printable(e.summary),
      });
    return events;
  }

  /** Devices removed from the inventory are forgotten in memory (their files stay for history). */
  retain(devices: readonly DeviceConfig[]): void {
    const keep = new Set(devices.map((d) => d.name));
    for (const name of this.#memories.keys()) if (!keep.has(name)) this.#memories.delete(name);
  }
}
