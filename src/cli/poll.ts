import type { Environment } from '../config/env.js';
import type { Output } from './output.js';
export async function runPoll(
  _o: { file: string; device: string; json: boolean; rateSeconds: number | undefined },
  _env: Environment,
  out: Output,
): Promise<number> {
  out.error('not yet');
  return 1;
}
