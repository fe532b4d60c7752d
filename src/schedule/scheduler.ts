import type { DeviceConfig } from '../config/types.js';

/**
 * Decides which devices are due and starts their polls, never more than `concurrency` at once.
 * Each device keeps a fixed phase within its interval (a hash of its name), so thousands of devices
 * spread evenly instead of firing in the same second, and a restart keeps the same rhythm. A device
 * whose previous poll is still queued or running when it is due again is skipped and counted,
 * never stacked. Time comes from the caller: `tick(now)`.
 */

export interface SchedulerHooks {
  readonly poll: (device: DeviceConfig) => Promise<void>;
  readonly skipped: (device: DeviceConfig) => void;
}

/** FNV-1a of the name, mod the interval: the device's offset within each interval. */
export function phaseOf(name: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalMs;
}

/** The first slot (phase + k × interval) at or after `now`. */
export function nextSlot(now: number, intervalMs: number, phase: number): number {
  const k = Math.ceil((now - phase) / intervalMs);
  return phase + k * intervalMs;
}

interface Entry {
  device: DeviceConfig;
  due: number;
  busy: boolean;
}

export class Scheduler {
  #entries = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly hooks: SchedulerHooks,
    private readonly concurrency: number,
  ) {}

  /** Sets the inventory. New devices start at their next slot; kept devices keep their rhythm. */
  setDevices(
    devices: readonly DeviceConfig[],
    now: number,
    options: { readonly immediately?: boolean } = {},
  ): void {
    const next = new Map<string, Entry>();
    for (const device of devices) {
      const old = this.#entries.get(device.name);
      if (old && old.device.intervalMs === device.intervalMs) {
        old.device = device;
        next.set(device.name, old);
      } else {
        const due = options.immediately
          ? now
          : nextSlot(now, device.intervalMs, phaseOf(device.name, device.intervalMs));
        next.set(device.name, { device, due, busy: old?.busy ?? false });
      }
    }
    this.#entries = next;
  }

  tick(now: number): void {
    for (const entry of this.#entries.values()) {
      if (now < entry.due) continue;
      const { intervalMs, name } = entry.device;
      // At least half an interval away: on schedule this is the next slot; after an off-slot
      // first poll (start-up) it avoids a second poll right behind it.
      entry.due = nextSlot(now + intervalMs / 2, intervalMs, phaseOf(name, intervalMs));
      if (entry.busy) {
        this.hooks.skipped(entry.device);
        continue;
      }
      entry.busy = true;
      this.#queue.push(entry);
    }
    this.#drain();
  }

  #drain(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const entry = this.#queue.shift() as Entry;
      this.#running += 1;
      this.hooks
        .poll(entry.device)
        .catch(() => {
          // poll() reports its own failures; a throw here is a bug already logged by the caller.
        })
        .finally(() => {
          entry.busy = false;
          this.#running -= 1;
          this.#drain();
          if (this.#running === 0 && this.#queue.length === 0) {
            for (const resolve of this.#idleWaiters.splice(0)) resolve();
          }
        });
    }
  }

  get inFlight(): number {
    return this.#running + this.#queue.length;
  }

  /** Resolves when no poll is queued or running (used on shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops queued polls that have not started (shutdown). */
  clearQueue(): void {
    for (const entry of this.#queue.splice(0)) entry.busy = false;
    if (this.#running === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
