import { type Clock, parseClockSpec, realClock, scaledClock } from '../clock.js';
import type { Environment } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../log.js';
import { createCronCalendar } from '../schedule/calendar.js';
import { createClockTicker } from '../schedule/ticker.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch run`: the daemon. SIGTERM/SIGINT stop it cleanly (polls in flight finish, the HTTP
 * server closes); SIGHUP reloads devices.yaml, and a bad new file is rejected while the old
 * configuration keeps running.
 */
export async function runDaemon(file: string, env: Environment, out: Output): Promise<number> {
  const loaded = await loadConfigOrReport(file, env, out);
  if (!loaded.ok) return loaded.code;
  const logger = createLogger();
  // NETWATCH_CLOCK: share a compressed clock with `netwatch simulate --speed X` (it prints the value).
  let clock: Clock = realClock();
  if (env.NETWATCH_CLOCK) {
    const spec = parseClockSpec(env.NETWATCH_CLOCK);
    if (typeof spec === 'string') {
      out.error(`netwatch: NETWATCH_CLOCK: ${spec}`);
      return 2;
    }
    clock = scaledClock(spec);
    logger.warn('running on a compressed clock shared with the simulator', { speed: spec.speed });
  }
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon(loaded.config, {
      logger,
      clock,
      ticker: createClockTicker({
        clock,
        onError: (error) =>
          logger.error('scheduler tick failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
      }),
      calendar: createCronCalendar({
        onError: (name, error) =>
          logger.error('calendar job failed', {
            job: name,
            error: error instanceof Error ? error.message : String(error),
          }),
      }),
    });
  } catch (error) {
    out.error(`netwatch: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping', { signal });
      daemon.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      loadConfigFile(file, env)
        .then((next) => {
          if (next.ok) daemon.reload(next.config);
          else if (next.kind === 'unreadable') logger.error('reload rejected', { error: next.reason });
          else for (const p of next.problems) logger.error('reload rejected', { problem: formatProblem(p) });
        })
        .catch((error: unknown) =>
          // A bug in reload must not take the daemon down: it keeps the configuration it had.
          logger.error('reload failed; the running configuration stays', {
            error: error instanceof Error ? error.message : String(error),
          }),
        );
    });
  });
}
