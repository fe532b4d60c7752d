import type { Clock } from '../../clock.js';
import type { StampedHappening } from '../happening.js';
import type { Simulator } from '../simulator.js';
import type { Scenario, Step } from './types.js';

/**
 * Replays a scenario's steps on the simulator at their scenario times, on the clock the simulator
 * (and, in tests and the demo, the daemon) reads. No step is late by more than a timer's slack:
 * each wait is (target − now) / speed real ms, re-armed if a timer fires early. Transitions that
 * complete by themselves (a reboot's return) are drained at their due time too, so their traps and
 * syslog lines go out when they happen even if nobody polls.
 */

export interface ScenarioRunOptions {
  readonly scenario: Scenario;
  readonly simulator: Simulator;
  readonly clock: Clock;
  /** Scenario time 0 on the clock's wall time (default: now). */
  readonly startMs?: number;
  /** Called after each step is applied, with what the devices announced. */
  readonly onStep?: (step: Step, happenings: readonly StampedHappening[]) => void;
  /** Every happening, in order (steps' and due transitions'). */
  readonly onHappening?: (happening: StampedHappening) => void;
  readonly onError?: (error: unknown) => void;
}

export interface ScenarioRun {
  readonly startMs: number;
  readonly endMs: number;
  /** Resolves at the scenario's end (or when stopped). */
  readonly done: Promise<void>;
  stop(): void;
}

export function runScenario(options: ScenarioRunOptions): ScenarioRun {
  const { scenario, simulator, clock } = options;
  const speed = clock.speed ?? 1;
  const startMs = options.startMs ?? clock.wallMs();
  const endMs = startMs + scenario.endMs;
  let nextStep = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const emit = (happenings: readonly StampedHappening[]) => {
    for (const h of happenings) options.onHappening?.(h);
  };

  const wake = () => {
    timer = undefined;
    if (stopped) return;
    const now = clock.wallMs();
    try {
      for (
        let step = scenario.steps[nextStep];
        step && startMs + step.atMs <= now;
        step = scenario.steps[nextStep]
      ) {
        nextStep += 1;
        simulator.apply(step);
        const happenings = simulator.drain();
        options.onStep?.(step, happenings);
        emit(happenings);
      }
      emit(simulator.drain());
    } catch (error) {
      options.onError?.(error);
    }
    if (now >= endMs) {
      stopped = true;
      finish();
      return;
    }
    const step = scenario.steps[nextStep];
    const due = simulator.nextDueMs();
    const target = Math.min(endMs, step ? startMs + step.atMs : Infinity, due ?? Infinity);
    // setTimeout holds at most 2^31 − 1 ms; a longer wait simply wakes early and re-arms.
    timer = setTimeout(wake, Math.min(2 ** 31 - 1, Math.max(0, (target - clock.wallMs()) / speed)));
  };
  timer = setTimeout(wake, 0);

  return {
    startMs,
    endMs,
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
  };
}
