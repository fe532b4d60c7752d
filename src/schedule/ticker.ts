import type { Clock } from '../clock.js';

/**
 * The poll heartbeat seam. `onTick` receives the clock's monotonic time, so the scheduler never
 * reads a clock itself and never sees wall time (a wall-clock step changes no schedule).
 * Calendar jobs (daily retention) are not ticks: see calendar.ts.
 */
export interface Ticker {
  /** Calls `onTick(monotonicMs)` about once per period until `stop()`. One start per ticker. */
  start(onTick: (monotonicMs: number) => void): void;
  stop(): void;
}

/** The setTimeout seam of the real ticker (tests drive it by hand). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ClockTickerOptions {
  readonly clock: Clock;
  /** Clock ms between ticks (default 1000). Ticks land on multiples of it on the monotonic clock. */
  readonly periodMs?: number;
  readonly timers?: Timers;
  /** A throwing `onTick` is reported here and ticking goes on; without it the error is rethrown (after re-arming). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The real ticker: one setTimeout at a time, aimed at the next multiple of `periodMs` on the
 * clock's monotonic time. The delay is divided by the clock's `speed`, so on a scaled clock the
 * ticks come speed× faster in real time while still landing on whole clock periods. A timer that
 * fires early is re-armed for the rest; ticks missed while the event loop was blocked are
 * skipped, never replayed in a burst (the scheduler catches up from the time it is given).
 */
export function createClockTicker(options: ClockTickerOptions): Ticker {
  const { clock, periodMs = 1000, timers = nodeTimers, onError } = options;
  if (!(periodMs > 0)) throw new RangeError(`ticker periodMs must be > 0, got ${periodMs}`);
  const speed = clock.speed ?? 1;
  let handle: unknown;
  let onTick: ((monotonicMs: number) => void) | undefined;

  const armFor = (target: number) => {
    const delay = Math.max(0, (target - clock.monotonicMs()) / speed);
    handle = timers.setTimeout(() => fire(target), delay);
  };
  const armNext = () => armFor((Math.floor(clock.monotonicMs() / periodMs) + 1) * periodMs);
  const fire = (target: number) => {
    handle = undefined;
    const tick = onTick;
    if (!tick) return;
    const now = clock.monotonicMs();
    if (now < target) return armFor(target);
    try {
      tick(now);
    } catch (error) {
      if (!onError) throw error;
      onError(error);
    } finally {
      if (onTick) armNext();
    }
  };

  return {
    start(callback) {
      if (onTick) throw new Error('ticker already started');
      onTick = callback;
      armNext();
    },
    stop() {
      onTick = undefined;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    },
  };
}

/**
 * A ticker for tests: ticks only when told. `fire(t)` delivers one tick at monotonic time `t`;
 * with a clock, `advance(ms)` moves the clock period by period and ticks at each step, like the
 * real ticker would.
 */
export class FakeTicker implements Ticker {
  #onTick: ((monotonicMs: number) => void) | undefined;

  constructor(
    private readonly clock?: Clock & { advance(ms: number): void },
    private readonly periodMs = 1000,
  ) {}

  get running(): boolean {
    return this.#onTick !== undefined;
  }

  start(onTick: (monotonicMs: number) => void): void {
    if (this.#onTick) throw new Error('ticker already started');
    this.#onTick = onTick;
  }

  stop(): void {
    this.#onTick = undefined;
  }

  /** One tick at `monotonicMs` (default: the clock's time). A stopped ticker does nothing. */
  fire(monotonicMs?: number): void {
    const t = monotonicMs ?? this.clock?.monotonicMs();
    if (t === undefined) throw new Error('FakeTicker.fire needs a time or a clock');
    this.#onTick?.(t);
  }

  /** Moves the clock by `ms`, ticking after each period (and after the remainder, if any). */
  advance(ms: number): void {
    const clock = this.clock;
    if (!clock) throw new Error('FakeTicker.advance needs a clock');
    let left = ms;
    while (left > 0) {
      const step = Math.min(this.periodMs, left);
      clock.advance(step);
      left -= step;
      this.fire(clock.monotonicMs());
    }
  }
}
