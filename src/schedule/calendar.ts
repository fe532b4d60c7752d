import { type ScheduledTask, schedule, validate } from 'node-cron';

/**
 * The calendar seam: jobs tied to the time of day (daily retention), which is the one place wall
 * time is the right clock. Polling is not a calendar job: it runs on the monotonic ticker
 * (ticker.ts). node-cron lives behind this seam and nowhere else.
 */
export interface Calendar {
  /**
   * Runs `job` whenever `cronExpr` (node-cron syntax, 5 or 6 fields, local time unless the
   * calendar has a timezone) matches. `name` identifies the job in errors and in the fake; one
   * job per name. A run that is still going when the next one is due is skipped, never stacked.
   * Throws on an invalid expression.
   */
  daily(name: string, cronExpr: string, job: () => void | Promise<void>): void;
  /** Stops every job; a job already running finishes on its own. */
  stop(): void;
}

export interface CronCalendarOptions {
  /** IANA zone for the expressions (default: the process's local zone). */
  readonly timezone?: string;
  /** A job that throws or rejects is reported here; the next run still happens. */
  readonly onError?: (name: string, error: unknown) => void;
}

export function createCronCalendar(options: CronCalendarOptions = {}): Calendar {
  const tasks = new Map<string, ScheduledTask>();
  return {
    daily(name, cronExpr, job) {
      if (tasks.has(name)) throw new Error(`calendar job "${name}" already exists`);
      if (!validate(cronExpr))
        throw new Error(`calendar job "${name}": invalid cron expression "${cronExpr}"`);
      const task = schedule(
        cronExpr,
        async () => {
          try {
            await job();
          } catch (error) {
            options.onError?.(name, error);
          }
        },
        {
          name,
          noOverlap: true,
          ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
        },
      );
      tasks.set(name, task);
    },
    stop() {
      for (const task of tasks.values()) void task.stop();
      tasks.clear();
    },
  };
}

/** A calendar for tests: records the jobs; `run(name)` runs one as if its time had come. */
export class FakeCalendar implements Calendar {
  readonly jobs = new Map<string, { readonly cronExpr: string; readonly job: () => void | Promise<void> }>();
  stopped = false;

  daily(name: string, cronExpr: string, job: () => void | Promise<void>): void {
    if (this.jobs.has(name)) throw new Error(`calendar job "${name}" already exists`);
    if (!validate(cronExpr)) throw new Error(`calendar job "${name}": invalid cron expression "${cronExpr}"`);
    this.jobs.set(name, { cronExpr, job });
  }

  stop(): void {
    this.stopped = true;
    this.jobs.clear();
  }

  async run(name: string): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`no calendar job "${name}"`);
    await entry.job();
  }
}
