import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import type { Services } from './services-types.js';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../scripts/test-services.sh');

/**
 * Starts every real service once per test run (scripts/test-services.sh) and hands the
 * endpoints to tests as inject('services'). Stops them, by PID, when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { stdout, stderr } = await run('bash', [SCRIPT, 'start'], { timeout: 300_000, maxBuffer: 16 << 20 });
  process.stderr.write(stderr);
  const dir = /^RUN=(.+)$/m.exec(stdout)?.[1];
  if (!dir) throw new Error(`test-services.sh start printed no RUN=: ${stdout}`);
  const services = JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as Services;
  project.provide('services', services);
  return async () => {
    await run('bash', [SCRIPT, 'stop', dir], { timeout: 60_000 });
  };
}
