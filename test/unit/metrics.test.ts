import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/collect/snapshot.js';
import { escapeLabelValue } from '../../src/metrics/exposition.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { device, v2c } from '../helpers/devices.js';

const snapshot = (name: string, ifName: string): Snapshot => ({
  device: name,
  time: 0,
  durationMs: 12,
  requests: 2,
  system: {
    descr: 'x',
    objectId: '1.3.6.1.4.1.2636',
    name,
    upTimeCs: 12_345,
    engineBoots: 3,
    engineTimeS: 99,
  },
  interfaces: {
    supported: true,
    value: [
      {
        index: 1,
        name: ifName,
        alias: '',
        adminUp: true,
        operUp: true,
        speedMbps: 1000,
        inOctets: 2n ** 60n,
        outOctets: 5n,
        counterBits: 64,
        discontinuityCs: 0,
      },
    ],
  },
  processes: { supported: false },
  vcMembers: {
    supported: true,
    value: [
      { id: 0, role: 'backup', serial: 's0', model: 'm', version: 'v', priority: 1, mac: '', uptimeS: 10 },
      { id: 1, role: 'master', serial: 's1', model: 'm', version: 'v', priority: 1, mac: '', uptimeS: 10 },
    ],
  },
  vcPorts: { supported: false },
  redundancy: { supported: false },
  alarms: { supported: true, value: { red: true, redCount: 1, yellow: false, yellowCount: 0 } },
  configChanges: { supported: false },
});

describe('metrics exposition', () => {
  it('escapes untrusted label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('renders the per-device families, promtool-clean, even with a hostile interface name', async () => {
    const d = device('sw1', 161, v2c('x'));
    const m = new Metrics({ processMetrics: false });
    m.setDevices([d]);
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/0"} 1\nnetwatch_device_up{device="forged') });
    const text = await m.render();
    expect(text).toContain('netwatch_vc_master_member{device="sw1",site="test"} 1');
    expect(text).toContain('netwatch_vc_member_role{device="sw1",site="test",member="1",role="master"} 1');
    expect(text).toContain('netwatch_alarm_active{device="sw1",site="test",color="red"} 1');
    expect(text).not.toMatch(/^netwatch_device_up\{device="forged/m);
    const promtool = promisify(execFile)('promtool', ['check', 'metrics']);
    promtool.child.stdin?.end(text);
    await expect(promtool).resolves.toBeDefined(); // exits non-zero on any lint problem
  });

  it('drops snapshot series when a poll fails, keeps device_up 0 and counts the reason', async () => {
    const d = device('sw1', 161, v2c('x'));
    const m = new Metrics({ processMetrics: false });
    m.setDevices([d]);
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/1') });
    m.recordPoll({
      ok: false,
      device: 'sw1',
      time: 1,
      durationMs: 2000,
      retryable: true,
      reason: 'timeout',
      message: 't',
    });
    const text = await m.render();
    expect(text).toContain('netwatch_device_up{device="sw1",site="test"} 0');
    expect(text).not.toContain('netwatch_interface_receive_bytes_total{');
    expect(text).toContain('netwatch_poll_errors_total{device="sw1",site="test",reason="timeout"} 1');
  });
});
