import type { Environment } from '../config/env.js';
import type { Output } from './output.js';
export async function runDaemon(_file: string, _env: Environment, out: Output): Promise<number> {
  out.error('not yet');
  return 1;
}
