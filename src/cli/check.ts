import type { Environment } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import type { Output } from './output.js';

/** `netwatch check`: exit 0 valid, 2 invalid (one line per problem), 1 unreadable. */
export async function runCheck(file: string, print: boolean, env: Environment, out: Output): Promise<number> {
  const result = await loadConfigFile(file, env);
  if (!result.ok) {
    if (result.kind === 'unreadable') {
      out.error(result.reason);
      return 1;
    }
    for (const problem of result.problems) out.error(formatProblem(problem));
    return 2;
  }
  const { config } = result;
  if (print) out.print(JSON.stringify(config, null, 2));
  else out.print(`${file}: ok (${config.devices.length} device${config.devices.length === 1 ? '' : 's'})`);
  return 0;
}
