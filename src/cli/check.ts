import type { Environment } from '../config/env.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/** `netwatch check`: exit 0 valid, 2 invalid (one line per problem), 1 unreadable. */
export async function runCheck(file: string, print: boolean, env: Environment, out: Output): Promise<number> {
  const loaded = await loadConfigOrReport(file, env, out);
  if (!loaded.ok) return loaded.code;
  const { config } = loaded;
  if (print) out.print(JSON.stringify(config, null, 2));
  else out.print(`${file}: ok (${config.devices.length} device${config.devices.length === 1 ? '' : 's'})`);
  return 0;
}
