import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { device, v2c } from '../helpers/devices.js';
import { failedPoll, snapshot } from '../unit/metrics-fixtures.js';

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
  m.recordPoll(failedPoll('sw1', 1_700_000_030_000));
  m.recordPoll({
    ok: true,
    snapshot: snapshot('sw1', 'ge-0/0/0"} 1\nnetwatch_device_up{device="forged', 1_700_000_060_000),
  });
  m.recordMemory('sw1', {
    traffic: { device: { dropped: true, lastBps: 1e9 } as never },
  });
  m.recordSkipped(device('sw1', 161, v2c('x')));
  m.recordEvents([
    {
      device: 'sw1',
      site: 'test',
      type: 'process_restart',
      severity: 'info',
      details: { process: 'rp"d\\' },
    },
  ]);
  m.recordInternalError('detect');
  m.recordInternalError('tick');
  m.recordStoreError('commit');
  const text = await m.render();
  for (const family of [
    'netwatch_device_polls_total',
    'netwatch_poll_errors_total',
    'netwatch_polls_skipped_total',
    'netwatch_events_total',
    'netwatch_process_restarts_total',
    'netwatch_device_throughput_bits_per_second',
    'netwatch_traffic_drop_active',
  ])
    expect(text).toContain(`\n${family}{`);
  const promtool = promisify(execFile)('promtool', ['check', 'metrics']);
  promtool.child.stdin?.end(text);
  // KNOWN: SPEC.md "Metrics" names netwatch_device_throughput_bits_per_second, which promtool's
  // base-unit lint rejects ("bytes" instead of "bits"), while the same section wants the series
  // promtool-clean. Until that contradiction is settled (rename to
  // netwatch_device_throughput_bytes_per_second, or amend the spec), that one lint is tolerated
  // and any other problem still fails.
  const problems = await promtool.then(
    () => '',
    (error: { stderr?: string }) => error.stderr ?? String(error),
  );
  expect(
    problems
      .split('\n')
      .filter(
        (line) => line !== '' && !line.startsWith('netwatch_device_throughput_bits_per_second use base unit'),
      ),
  ).toEqual([]);
});
