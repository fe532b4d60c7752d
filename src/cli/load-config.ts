import type { Environment } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import type { Config } from '../config/types.js';
import type { Output } from './output.js';

/**
 * Loads devices.yaml for a command, printing each problem on stderr. Exit code when it fails:
 * 2 invalid, 1 unreadable (SPEC: 2 is a usage or configuration error).
 */
export async function loadConfigOrReport(
  file: string,
  env: Environment,
  out: Output,
): Promise<{ readonly ok: true; readonly config: Config } | { readonly ok: false; readonly code: 1 | 2 }> {
  const loaded = await loadConfigFile(file, env);
  if (loaded.ok) return loaded;
  if (loaded.kind === 'unreadable') {
    out.error(loaded.reason);
    return { ok: false, code: 1 };
  }
  for (const problem of loaded.problems) out.error(formatProblem(problem));
  return { ok: false, code: 2 };
}
