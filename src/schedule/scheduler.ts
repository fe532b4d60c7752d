import type { DeviceConfig } from '../config/types.js';

/**
 * Decides which devices are due and starts their polls, never more than `concurrency` at once.
 * Each device keeps a fixed phase within its interval (a hash of its name), so thousands of devices
 * spread evenly instead of firing in the same second, and a restart keeps the same rhythm. A device
 * whose previous poll is still queued or running when it is due again is skipped and counted,
 * never stacked. Time comes from the caller, on the monotonic clock (clock.ts): `tick(now)` and
 * `setDevices(devices, now)` take monotonic ms and nothing here reads wall time, so a wall-clock
 * step changes no schedule. The phase depends on the name and interval only; the real clock's
 * monotonic time starts at the wall time the process started, so a restart keeps the rhythm.
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
  /** Monotonic ms of the next slot. */
  due: number;
}

/** What the scheduler holds for one device (for metrics and the API). */
export interface ScheduledDevice {
  readonly name: string;
  readonly intervalMs: number;
  /** Monotonic ms of the next slot. */
  readonly dueMs: number;
  /** A poll of this device is queued or running. */
  readonly busy: boolean;
}

export class Scheduler {
  #entries = new Map<string, Entry>();
  /**
   * Names of the devices with a poll queued or running. Keyed by name, not by entry, because
   * setDevices may replace a device's entry while its poll is in flight (interval or identity
   * change): whichever poll finishes clears its name, so the replacement is never stuck busy.
   */
  readonly #busy = new Set<string>();
  /** Names waiting for a free slot; the device's current config is looked up when it starts. */
  readonly #queue: string[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly hooks: SchedulerHooks,
    private readonly concurrency: number,
  ) {}

  /**
   * Sets the inventory (start, SIGHUP) at monotonic time `now`. New devices, and devices whose
   * interval changed, start at their next slot of the new interval (or at `now` with
   * `immediately`); kept devices keep their rhythm and take the new config (a changed host is
   * polled at the new host from the next poll). A poll in flight is never cancelled: it finishes
   * against the config it started with, and its device is polled again on the new schedule.
   */
  setDevices(
    devices: readonly DeviceConfig[],
    now: number,
    options: { readonly immediately?: boolean } = {},
  ): void {
    const next = new Map<string, Entry>();
    for (const device of devices) {
      const old = this.#entries.get(device.name);
      if (old && old.device.intervalMs === device.intervalMs) {
        next.set(device.name, { device, due: old.due });
      } else {
        const due = options.immediately
          ? now
          : nextSlot(now, device.intervalMs, phaseOf(device.name, device.intervalMs));
        next.set(device.name, { device, due });
      }
    }
    this.#entries = next;
  }

  /** Starts the polls that are due at monotonic time `now` (never wall time: a clock step changes nothing). */
  tick(now: number): void {
    for (const [name, entry] of this.#entries) {
      if (now < entry.due) continue;
      const { intervalMs } = entry.device;
      // At least half an interval away: on schedule this is the next slot; after an off-slot
      // first poll (start-up) it avoids a second poll right behind it.
      entry.due = nextSlot(now + intervalMs / 2, intervalMs, phaseOf(name, intervalMs));
      if (this.#busy.has(name)) {
        this.hooks.skipped(entry.device);
        continue;
      }
      this.#busy.add(name);
      this.#queue.push(name);
    }
    this.#drain();
  }

  #drain(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const name = this.#queue.shift() as string;
      const device = this.#entries.get(name)?.device;
      if (!device) {
        // Removed from the inventory while queued: nothing to poll.
        this.#busy.delete(name);
        continue;
      }
      this.#running += 1;
      this.hooks
        .poll(device)
        .catch(() => {
          // poll() reports its own failures; a throw here is a bug already logged by the caller.
        })
        .finally(() => {
          this.#busy.delete(name);
          this.#running -= 1;
          this.#drain();
          this.#wakeIfIdle();
        });
    }
    this.#wakeIfIdle();
  }

  #wakeIfIdle(): void {
    if (this.#running === 0 && this.#queue.length === 0)
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  get inFlight(): number {
    return this.#running + this.#queue.length;
  }

  /** The scheduled interval of a device (ms), or undefined when it is not scheduled. */
  intervalOf(name: string): number | undefined {
    return this.#entries.get(name)?.device.intervalMs;
  }

  /** Every scheduled device, in inventory order. */
  scheduled(): ScheduledDevice[] {
    return [...this.#entries].map(([name, e]) => ({
      name,
      intervalMs: e.device.intervalMs,
      dueMs: e.due,
      busy: this.#busy.has(name),
    }));
  }

  /** Resolves when no poll is queued or running (used on shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops queued polls that have not started (shutdown). */
  clearQueue(): void {
    for (const name of this.#queue.splice(0)) this.#busy.delete(name);
    this.#wakeIfIdle();
  }
}
