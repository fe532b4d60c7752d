import { type ScheduledTask, schedule } from 'node-cron';

/** The clock's heartbeat seam: calls `onTick` about once a second until stopped. */
export interface Ticker {
  start(onTick: () => void): void;
  stop(): void;
}

/** The real ticker: a node-cron task on every second (cron's 6-field form). */
export function createCronTicker(): Ticker {
  let task: ScheduledTask | undefined;
  return {
    start(onTick) {
      task = schedule('* * * * * *', onTick);
    },
    stop() {
      void task?.stop();
      task = undefined;
    },
  };
}
