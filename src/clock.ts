/**
 * The clock seam. Two times, never mixed:
 *
 * - `monotonicMs()` only moves forward at a steady rate. Schedules (when is the next poll due,
 *   how long did a poll take) use it, so a wall-clock step (NTP, an operator, DST on a badly set
 *   host) changes no schedule. Its origin is arbitrary: compare it only with itself.
 * - `wallMs()` is Unix time in ms. Stamps (event times, last-poll timestamps, journal records)
 *   use it, because people and Prometheus read them. It may jump either way.
 */
export interface Clock {
  monotonicMs(): number;
  wallMs(): number;
  /**
   * Clock ms per real ms, when the clock advances on its own (1 for the real clock, `speed` for a
   * scaled one). Absent means 1. The real ticker uses it to turn a clock delay into a setTimeout.
   */
  readonly speed?: number;
}

/**
 * Real time: `performance.now()` (monotonic) and `Date.now()` (wall). Monotonic time is offset by
 * `performance.timeOrigin` (the wall time the process started): still steady and never stepped,
 * but near Unix time, so schedule phases (a hash mod the interval) land at the same seconds
 * across restarts.
 */
export function realClock(): Clock {
  return {
    monotonicMs: () => performance.timeOrigin + performance.now(),
    wallMs: () => Date.now(),
    speed: 1,
  };
}

/**
 * A clock for tests: nothing moves unless the test moves it. `advance` moves both times;
 * `stepWall` moves only the wall time (an NTP step, ±1 h), which must change no schedule.
 */
export class FakeClock implements Clock {
  #monotonic: number;
  #wall: number;

  constructor(start: { readonly monotonicMs?: number; readonly wallMs?: number } = {}) {
    this.#monotonic = start.monotonicMs ?? 0;
    this.#wall = start.wallMs ?? Date.UTC(2025, 0, 1);
  }

  monotonicMs(): number {
    return this.#monotonic;
  }

  wallMs(): number {
    return this.#wall;
  }

  /** Time passes: both clocks move by `ms` (≥ 0; monotonic time never goes back). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance takes ms ≥ 0, got ${ms}`);
    this.#monotonic += ms;
    this.#wall += ms;
  }

  /** The wall clock is stepped by `ms` (either sign); monotonic time does not move. */
  stepWall(ms: number): void {
    this.#wall += ms;
  }
}

export interface ScaledClockOptions {
  /** Clock ms per real ms (> 0): 60 makes a 30 s poll interval pass in 0.5 s. */
  readonly speed: number;
  /**
   * The start point: at real Unix time `realMs` (default: now) the clock's wall time is `wallMs`
   * (default: the real wall time then) and its monotonic time is 0. Two processes given the same
   * speed and origin read the same time (to the precision of their system clocks), which is how
   * a fleet simulator and the daemon share one compressed clock.
   */
  readonly origin?: { readonly wallMs?: number; readonly realMs?: number };
  /**
   * The real time it scales (Unix ms, must be monotonic); default `performance.timeOrigin +
   * performance.now()`, which is comparable across processes yet never steps. Tests inject it.
   */
  readonly realNowMs?: () => number;
}

export interface ScaledClock extends Clock {
  readonly speed: number;
  /** The resolved start point: pass it to another process to share this clock. */
  readonly origin: { readonly wallMs: number; readonly realMs: number };
}

/**
 * A compressed clock for demos and soak runs: both times run `speed`× faster than real time from
 * the start point. Wall time is derived from the same monotonic source, so a step of the host's
 * wall clock does not move it either.
 */
export function scaledClock(options: ScaledClockOptions): ScaledClock {
  const { speed } = options;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`scaledClock speed must be > 0, got ${speed}`);
  const realNowMs = options.realNowMs ?? (() => performance.timeOrigin + performance.now());
  const realMs = options.origin?.realMs ?? realNowMs();
  const wallMs = options.origin?.wallMs ?? Date.now();
  const elapsed = () => (realNowMs() - realMs) * speed;
  return {
    speed,
    origin: { wallMs, realMs },
    monotonicMs: elapsed,
    wallMs: () => wallMs + elapsed(),
  };
}

/**
 * The text form of a shared compressed clock, `speed=60,wall=<ms>,real=<ms>`: `netwatch simulate`
 * prints it and `netwatch run` reads it from NETWATCH_CLOCK, so two processes read one clock.
 * Returns a reason string for text that is not one.
 */
export function parseClockSpec(text: string): ScaledClockOptions | string {
  const m = /^speed=(\d+(?:\.\d+)?),wall=(\d{1,15}),real=(\d{1,15}(?:\.\d+)?)$/.exec(text);
  const speed = Number(m?.[1]);
  // A clock slower than real time or faster than the simulator allows is a typo, not a choice.
  if (!m || !(speed >= 0.001 && speed <= 10_000))
    return `expected speed=X,wall=MS,real=MS with X from 0.001 to 10000 and Unix ms, got "${text}"`;
  return { speed, origin: { wallMs: Number(m[2]), realMs: Number(m[3]) } };
}

export function formatClockSpec(clock: ScaledClock): string {
  return `speed=${clock.speed},wall=${Math.round(clock.origin.wallMs)},real=${clock.origin.realMs}`;
}
