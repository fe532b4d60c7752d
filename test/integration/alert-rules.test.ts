import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const DIR = join(import.meta.dirname, '../../dashboards');

// Needs promtool, which scripts/test-services.sh installs with Prometheus: an integration test.
it('the shipped Prometheus alert rules pass promtool check and their unit tests', async () => {
  await expect(
    run('promtool', ['check', 'rules', 'netwatch-rules.yml'], { cwd: DIR }),
  ).resolves.toBeDefined();
  const { stdout } = await run('promtool', ['test', 'rules', 'netwatch-rules.test.yml'], { cwd: DIR });
  expect(stdout).toContain('SUCCESS');
});
