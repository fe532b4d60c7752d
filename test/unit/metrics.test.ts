import { describe, expect, it } from 'vitest';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { TrafficMemory } from '../../src/detect/memory.js';
import type { NetwatchEvent } from '../../src/events/event.js';
import { escapeLabelValue } from '../../src/metrics/exposition.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { device, v2c } from '../helpers/devices.js';
import { failedPoll, snapshot } from './metrics-fixtures.js';

describe('metrics exposition', () => {
  it('escapes untrusted label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  // `promtool check metrics` over this same render: test/integration/metrics-promtool.test.ts.
  it('renders the per-device families, even with a hostile interface name', async () => {
    const d = device('sw1', 161, v2c('x'));
    const m = new Metrics({ processMetrics: false });
    m.setDevices([d]);
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/0"} 1\nnetwatch_device_up{device="forged') });
    const text = await m.render();
    expect(text).toContain('netwatch_vc_master_member{device="sw1",site="test"} 1');
    expect(text).toContain('netwatch_vc_member_role{device="sw1",site="test",member="1",role="master"} 1');
    expect(text).toContain('netwatch_alarm_active{device="sw1",site="test",color="red"} 1');
    expect(text).not.toMatch(/^netwatch_device_up\{device="forged/m);
    expect(lintProblems(text)).toEqual([]);
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

  it('stamps the wall time of the last poll, success or failure', async () => {
    const d = device('sw1', 161, v2c('x'));
    const m = new Metrics({ processMetrics: false });
    m.setDevices([d]);
    expect(await m.render()).not.toContain('netwatch_device_last_poll_timestamp_seconds{');
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/1', 1_700_000_000_500) });
    expect(await m.render()).toContain(
      'netwatch_device_last_poll_timestamp_seconds{device="sw1",site="test"} 1700000000.5',
    );
    m.recordPoll(failedPoll('sw1', 1_700_000_030_000));
    const text = await m.render();
    expect(text).toContain(
      'netwatch_device_last_poll_timestamp_seconds{device="sw1",site="test"} 1700000030',
    );
    m.setDevices([{ ...d, host: '192.0.2.1' }]); // a reload keeps the stamp
    expect(await m.render()).toContain(
      'netwatch_device_last_poll_timestamp_seconds{device="sw1",site="test"} 1700000030',
    );
  });

  it('exports the poll interval: from the config of SNMP devices, then from the scheduler once watched', async () => {
    const polled = device('sw1', 161, v2c('x'), { intervalMs: 60_000 });
    const { snmp: _snmp, ...notPolled } = device('nc1', 161, v2c('x'));
    const m = new Metrics({ processMetrics: false });
    m.setDevices([polled, notPolled]);
    let text = await m.render();
    expect(text).toContain('netwatch_device_poll_interval_seconds{device="sw1",site="test"} 60');
    expect(text).not.toContain('netwatch_device_poll_interval_seconds{device="nc1"');
    m.watchSchedule({ intervalOf: (name) => (name === 'nc1' ? 15_000 : undefined) });
    text = await m.render();
    expect(text).toContain('netwatch_device_poll_interval_seconds{device="nc1",site="test"} 15');
    expect(text).not.toContain('netwatch_device_poll_interval_seconds{device="sw1"');
  });

  it('counts internal and store errors, every stage and op present from the start', async () => {
    const m = new Metrics({ processMetrics: false });
    let text = await m.render();
    expect(text).toContain('netwatch_internal_errors_total{stage="detect"} 0');
    expect(text).toContain('netwatch_store_errors_total{op="retention"} 0');
    m.recordInternalError('pipeline');
    m.recordInternalError('pipeline');
    m.recordStoreError('commit');
    text = await m.render();
    expect(text).toContain('netwatch_internal_errors_total{stage="pipeline"} 2');
    expect(text).toContain('netwatch_store_errors_total{op="commit"} 1');
  });

  it('counts a process restart per process_restart event, not per crash', async () => {
    const d = device('sw1', 161, v2c('x'), { watchProcesses: ['rpd'] });
    const m = new Metrics({ processMetrics: false });
    m.setDevices([d]);
    const event = (type: 'process_crash' | 'process_restart', seq: number): NetwatchEvent => ({
      id: `e${seq}`,
      seq,
      time: seq,
      device: 'sw1',
      site: 'test',
      type,
      severity: type === 'process_crash' ? 'critical' : 'info',
      source: 'poll',
      summary: type,
      details: { process: 'rpd', old_pid: 100 },
      fact: `rpd/${seq}`,
    });
    m.recordDetection('sw1', { traffic: {} }, [event('process_crash', 1)]);
    expect(await m.render()).not.toContain('netwatch_process_restarts_total{');
    m.recordEvents([event('process_restart', 2)]);
    m.recordDetection('sw1', { traffic: {} }, [event('process_crash', 3), event('process_restart', 4)]);
    expect(await m.render()).toContain(
      'netwatch_process_restarts_total{device="sw1",site="test",process="rpd"} 2',
    );
  });

  it('counts every poll, success or failure, from 0 at configuration', async () => {
    const m = new Metrics({ processMetrics: false });
    m.setDevices([device('sw1', 161, v2c('x'))]);
    expect(await m.render()).toContain('netwatch_device_polls_total{device="sw1",site="test"} 0');
    expect(await m.render()).toContain('netwatch_polls_skipped_total{device="sw1",site="test"} 0');
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/1') });
    m.recordPoll(failed('sw1'));
    m.setDevices([device('sw1', 161, v2c('x'), { host: '192.0.2.1' })]); // a reload keeps the count
    expect(await m.render()).toContain('netwatch_device_polls_total{device="sw1",site="test"} 2');
  });

  it('drops every series of a removed device, the per-device counters included', async () => {
    const kept = device('kept', 161, v2c('x'), { watchProcesses: ['rpd'] });
    const gone = device('gone', 161, v2c('x'), { watchProcesses: ['rpd'] });
    const m = new Metrics({ processMetrics: false });
    m.setDevices([kept, gone]);
    for (const d of [kept, gone]) {
      m.recordPoll({ ok: true, snapshot: snapshot(d.name, 'ge-0/0/1') });
      m.recordPoll(failed(d.name));
      m.recordSkipped(d);
      m.recordEvents([restart(d.name)]);
    }
    let text = await m.render();
    for (const name of ['kept', 'gone']) {
      expect(text).toContain(`netwatch_poll_errors_total{device="${name}",site="test",reason="timeout"} 1`);
      expect(text).toContain(`netwatch_polls_skipped_total{device="${name}",site="test"} 1`);
      expect(text).toContain(
        `netwatch_events_total{device="${name}",site="test",type="process_restart",severity="info"} 1`,
      );
      expect(text).toContain(`netwatch_process_restarts_total{device="${name}",site="test",process="rpd"} 1`);
    }
    m.setDevices([kept]);
    text = await m.render();
    expect(text).not.toContain('device="gone"');
    expect(text).toContain('netwatch_process_restarts_total{device="kept",site="test",process="rpd"} 1');
    expect(text).toContain('netwatch_device_polls_total{device="kept",site="test"} 2');
    // An event committed after the removal (a poll that was in flight) counts for nobody.
    m.recordEvents([restart('gone')]);
    expect(await m.render()).not.toContain('device="gone"');
    expect(lintProblems(text)).toEqual([]);
  });

  it('throughput and traffic_drop_active are absent, not stale, while the last poll failed', async () => {
    const m = new Metrics({ processMetrics: false });
    m.setDevices([device('sw1', 161, v2c('x'))]);
    const traffic = { device: trafficMemory(true, 1234) };
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/1') });
    m.recordMemory('sw1', { traffic });
    let text = await m.render();
    expect(text).toContain('netwatch_device_throughput_bits_per_second{device="sw1",site="test"} 1234');
    expect(text).toContain('netwatch_traffic_drop_active{device="sw1",site="test",scope="device"} 1');
    m.recordPoll(failed('sw1'));
    m.recordMemory('sw1', { traffic }); // the detectors keep their traffic memory across a failure
    text = await m.render();
    expect(text).not.toContain('netwatch_device_throughput_bits_per_second{');
    expect(text).not.toContain('netwatch_traffic_drop_active{');
    m.recordPoll({ ok: true, snapshot: snapshot('sw1', 'ge-0/0/1') });
    expect(await m.render()).toContain(
      'netwatch_traffic_drop_active{device="sw1",site="test",scope="device"} 1',
    );
  });

  it('exports the tick stage of internal errors', async () => {
    const m = new Metrics({ processMetrics: false });
    expect(await m.render()).toContain('netwatch_internal_errors_total{stage="tick"} 0');
    m.recordInternalError('tick');
    expect(await m.render()).toContain('netwatch_internal_errors_total{stage="tick"} 1');
  });

  it('renders 2,000 devices × 16 interfaces quickly', async () => {
    const m = new Metrics({ processMetrics: false });
    const devices = Array.from({ length: 2000 }, (_, i) => device(`sw${i}`, 161, v2c('x')));
    m.setDevices(devices);
    const base = snapshot('x', 'ge-0/0/0', 1_700_000_000_000);
    const ifs = base.interfaces.supported ? base.interfaces.value : [];
    for (const d of devices)
      m.recordPoll({
        ok: true,
        snapshot: {
          ...base,
          device: d.name,
          interfaces: {
            supported: true,
            value: Array.from(
              { length: 16 },
              (_, i) => ({ ...ifs[0], index: i + 1, name: `ge-0/0/${i}` }) as (typeof ifs)[number],
            ),
          },
        },
      });
    const started = performance.now();
    const text = await m.render();
    const ms = performance.now() - started;
    expect(text.length).toBeGreaterThan(500_000);
    // A regression guard sized for the fast loop (~0.15 s here): bench/poll.ts measures the real
    // fleet (2,000 × 48, ~0.2 s in BENCHMARKS.md). Generous so a busy CI box does not flake.
    expect(ms).toBeLessThan(1_500);
  });
});

const failed = (name: string): PollResult => ({
  ok: false,
  device: name,
  time: 1,
  durationMs: 2000,
  retryable: true,
  reason: 'timeout',
  message: 't',
});

const restart = (name: string): NetwatchEvent => ({
  id: `r-${name}`,
  seq: 1,
  time: 1,
  device: name,
  site: 'test',
  type: 'process_restart',
  severity: 'info',
  source: 'poll',
  summary: 'process_restart',
  details: { process: 'rpd', old_pid: 100 },
  fact: `rpd/${name}`,
});

const trafficMemory = (dropped: boolean, lastBps: number): TrafficMemory =>
  ({
    samples: [],
    dropped,
    streak: 0,
    onset: undefined,
    recovering: undefined,
    baselineAtDrop: undefined,
    lastBps,
    ports: [],
  }) as unknown as TrafficMemory;

/**
 * The text-format rules promtool enforces that a unit test can check without promtool: every
 * sample belongs to a family declared with HELP and TYPE, counters end in _total, netwatch names
 * carry a base unit or _total, and no family is declared twice.
 */
function lintProblems(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    const help = /^# HELP (\S+) /.exec(line);
    if (help?.[1]) helps.add(help[1]);
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) {
      if (types.has(type[1])) problems.push(`${type[1]} declared twice`);
      types.set(type[1], type[2]);
      if (type[2] === 'counter' && !type[1].endsWith('_total'))
        problems.push(`counter ${type[1]} lacks _total`);
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1] && !line.startsWith('#')) {
      const name = sample[1];
      // A histogram's samples are its family name with _bucket, _sum or _count.
      const base =
        /_(bucket|sum|count)$/.test(name) &&
        types.get(name.replace(/_(bucket|sum|count)$/, '')) === 'histogram'
          ? name.replace(/_(bucket|sum|count)$/, '')
          : name;
      if (!types.has(base) || !helps.has(base)) problems.push(`${name} sampled without HELP/TYPE`);
    }
  }
  return problems;
}
