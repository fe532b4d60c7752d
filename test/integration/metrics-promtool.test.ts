import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { device, v2c } from '../helpers/devices.js';
import { snapshot } from '../unit/metrics-fixtures.js';

/**
 * `promtool check metrics` (installed with the services by scripts/test-services.sh) over a render
 * with every netwatch family present and a hostile interface name. It exits non-zero on any lint
 * problem. The unit twin, without promtool, is test/unit/metrics.test.ts.
 */
it('the /metrics text is promtool-clean, even with a hostile interface name', async () => {
  const m = new Metrics({ processMetrics: false });
  m.setDevices([device('sw1', 161, v2c('x'), { watchProcesses: ['rpd'] })]);
  m.recordPoll({
    ok: true,
    snapshot: snapshot('sw1', 'ge-0/0/0"} 1\nnetwatch_device_up{device="forged', 1_700_000_000_000),
  });
  m.recordInternalError('detect');
  m.recordStoreError('commit');
  const text = await m.render();
  const promtool = promisify(execFile)('promtool', ['check', 'metrics']);
  promtool.child.stdin?.end(text);
  await expect(promtool).resolves.toBeDefined();
});
