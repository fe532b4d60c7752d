import { parseDuration } from '../config/duration.js';
import type { Environment } from '../config/env.js';
import { printable } from '../text.js';
import { exitFor, failureText, loginName, postToDaemon } from './daemon-api.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch silence DEVICE|SITE --for 2h --reason "..."`: like a maintenance window made now —
 * incidents of that device or site are recorded and marked, nothing pages (unless their impact
 * outlasts the silence). Through the running daemon.
 */
export async function runSilence(
  options: {
    readonly file: string;
    readonly target: string;
    readonly for: string;
    readonly reason: string;
    readonly author: string | undefined;
  },
  env: Environment,
  out: Output,
): Promise<number> {
  // Checked here too, so a typo is a usage error even when the daemon is down; the daemon
  // applies its own bounds (at most 30d) and its 400 says so.
  if (parseDuration(options.for) === undefined) {
    out.error(
      `netwatch silence: --for takes a duration such as 30m, 2h or 1d, not "${printable(options.for, 40)}"`,
    );
    return 2;
  }
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const author = options.author ?? loginName(env);
  const answer = await postToDaemon(loaded.config, '/api/silences', {
    target: options.target,
    for: options.for,
    reason: options.reason,
    author,
  });
  const code = exitFor(answer);
  if (code !== 0) {
    out.error(failureText('silence', answer));
    return code;
  }
  const body = answer.reached ? answer.body : {};
  out.print(
    `silenced ${printable(options.target, 100)} until ${printable(String(body.until ?? '?'), 40)} (by ${printable(author, 100)}): ${printable(options.reason, 300)}`,
  );
  return 0;
}
