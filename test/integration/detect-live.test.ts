import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PORTS } from '../helpers/lab.js';
import { CLI, type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';
import { SnmpsimLab, snmpsimConfig } from '../helpers/snmpsim-lab.js';
import { type StoredEvent, storedEvents } from '../helpers/stored-events.js';

/**
 * `netwatch run` polling the real ex4600mp recording on snmpsim while the test moves the device
 * through a scenario (rewriting the recording between polls), then reading the journal.
 */

const services = inject('services');
const { snmpsim } = services;
const INTERVAL_MS = 2000;
const KEEP = [PORTS.uplinkA, PORTS.uplinkB, PORTS.server1, PORTS.server2, PORTS.newServer, 101, 103, 116];
const STEADY = {
  [PORTS.uplinkA]: 400e6,
  [PORTS.uplinkB]: 400e6,
  [PORTS.server1]: 150e6,
  [PORTS.server2]: 50e6,
};
const scaled = (k: number) => Object.fromEntries(Object.entries(STEADY).map(([i, v]) => [i, v * k]));

let netwatch: RunningNetwatch | undefined;
let lab: SnmpsimLab | undefined;
afterEach(async () => {
  lab?.stop();
  await netwatch?.stop();
});

type JournalLine = StoredEvent;
const journal = (dir: string): JournalLine[] => storedEvents(join(dir, 'data'));

const config = (community: string, httpPort: number) =>
  snmpsimConfig({
    community,
    httpPort,
    snmpsim,
    intervalMs: INTERVAL_MS,
    extra: 'detect:\n  traffic_drop: { drop_ratio: 0.5, recover_ratio: 0.8, min_bps: 1000000, for: 2 }\n',
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: () => T | undefined, timeoutMs: number, label: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await sleep(100);
  }
}

describe('live detection against snmpsim', () => {
  it('the eqsin sequence yields exactly interface_up, traffic_drop, master_switchover, traffic_recovered', async () => {
    lab = new SnmpsimLab(snmpsim.dataDir, 'lab1', KEEP);
    // Start as eqsin did: member 0 master, member 1 backup, the new server's port down.
    lab.change((l) => l.role(0, 1).role(1, 2).oper(PORTS.newServer, false));
    lab.flow(STEADY);
    await sleep(1200); // snmpsim sees the new file before the first poll
    netwatch = startNetwatch(config('lab1', 19878));
    const dir = netwatch.dir;
    await waitForHttp('http://127.0.0.1:19878/readyz');
    await sleep(5 * INTERVAL_MS); // a baseline of several polls

    const changes: Record<string, number> = {};
    const step = async (type: string, edit: () => void) => {
      changes[type] = Date.now();
      edit();
      await until(
        () => (journal(dir).some((e) => e.type === type) ? true : undefined),
        6 * INTERVAL_MS,
        type,
      );
    };
    await step('interface_up', () => lab?.change((l) => l.oper(PORTS.newServer, true)));
    await step('traffic_drop', () => lab?.flow(scaled(0.02)));
    await step('master_switchover', () =>
      lab?.change((l) => l.role(0, 2).role(1, 1).redundancyCount('9.1.0.0', 2)),
    );
    await step('traffic_recovered', () => lab?.flow(STEADY));
    await sleep(2 * INTERVAL_MS); // nothing else may follow

    const events = journal(dir);
    expect(events.map((e) => e.type)).toEqual([
      'interface_up',
      'traffic_drop',
      'master_switchover',
      'traffic_recovered',
    ]);
    for (const e of events) {
      const lag = Date.parse(e.time) - (changes[e.type] ?? 0);
      expect(lag, `${e.type} within one poll interval of its change`).toBeLessThanOrEqual(INTERVAL_MS + 500);
      expect(lag).toBeGreaterThanOrEqual(-100);
    }
    expect(events[2]?.summary).toBe(
      'Virtual chassis master moved from member 0 (EX4300-48MP, XR0123456789) to member 1 (EX4300-48MP, XR0123456790)',
    );
    expect(events[2]?.details).toMatchObject({ from: 0, to: 1, reason: 'autoSwitched', switchover_count: 2 });
    expect(events[1]?.details).toMatchObject({ scope: 'device' });
    expect(Number(events[1]?.details.percent_of_baseline)).toBeLessThan(10);

    // The same journal through the CLI and the API.
    const cli = await promisify(execFile)(
      process.execPath,
      [CLI, 'events', '-c', join(dir, 'devices.yaml'), '--type', 'master_switchover'],
      {
        cwd: dir,
      },
    );
    expect(cli.stdout).toMatch(
      /critical\s+asw1-eqsin\s+master_switchover\s+Virtual chassis master moved from member 0/,
    );
    const asJson = await promisify(execFile)(
      process.execPath,
      [CLI, 'events', '-c', join(dir, 'devices.yaml'), '--since', '10m', '--json'],
      {
        cwd: dir,
      },
    );
    expect((JSON.parse(asJson.stdout) as JournalLine[]).map((e) => e.type)).toEqual(
      events.map((e) => e.type),
    );
    const api = (await (
      await fetch('http://127.0.0.1:19878/api/events?type=master_switchover')
    ).json()) as JournalLine[];
    expect(api.map((e) => e.id)).toEqual([events[2]?.id]);
    const metrics = await (await fetch('http://127.0.0.1:19878/metrics')).text();
    expect(metrics).toContain(
      'netwatch_traffic_drop_active{device="asw1-eqsin",site="eqsin",scope="device"} 0',
    );
    expect(metrics).toMatch(
      /netwatch_events_total\{device="asw1-eqsin",site="eqsin",type="traffic_drop",severity="critical"\} 1/,
    );
  }, 90_000);

  it('benign: snmpsim restarted (agent restart, counters reset with a discontinuity) raises nothing', async () => {
    lab = new SnmpsimLab(snmpsim.dataDir, 'lab3', KEEP);
    lab.change((l) => l.role(0, 1).role(1, 2));
    lab.flow(STEADY);
    await sleep(1200);
    netwatch = startNetwatch(config('lab3', 19880));
    const dir = netwatch.dir;
    await waitForHttp('http://127.0.0.1:19880/readyz');
    await sleep(4 * INTERVAL_MS);

    // The agent restarts: sysUpTime starts again, counters restart from zero with a
    // discontinuity; the chassis itself (member uptimes) keeps running.
    lab.change((l) => {
      l.sysUpTime(300);
      for (const ifIndex of Object.keys(STEADY).map(Number)) {
        l.counter(ifIndex, 0n, 0n);
        l.rec.set(`1.3.6.1.2.1.31.1.1.1.19.${ifIndex}`, '67', '250');
      }
    });
    const script = join(import.meta.dirname, '../../scripts/test-services.sh');
    await promisify(execFile)('bash', [script, 'restart-snmpsim', services.run], { timeout: 30_000 });
    await sleep(5 * INTERVAL_MS);

    expect(journal(dir)).toEqual([]);
    const metrics = await (await fetch('http://127.0.0.1:19880/metrics')).text();
    expect(metrics).toContain('netwatch_device_up{device="asw1-eqsin",site="eqsin"} 1');
  }, 60_000);

  it('SIGHUP reloads devices.yaml; a broken file is rejected and the running config stays', async () => {
    netwatch = startNetwatch(config('junos_qfx5100', 19881));
    const dir = netwatch.dir;
    await waitForHttp('http://127.0.0.1:19881/readyz');
    const names = async () =>
      ((await (await fetch('http://127.0.0.1:19881/api/devices')).json()) as { name: string }[]).map(
        (d) => d.name,
      );
    expect(await names()).toEqual(['asw1-eqsin']);

    const withDevice = (line: string) =>
      config('junos_qfx5100', 19881).replace(/^( {2}- \{ name: asw1-eqsin.*)$/m, `$1\n  ${line}`);
    writeFileSync(join(dir, 'devices.yaml'), withDevice('- { name: broken, host: 127.0.0.1, colour: red }'));
    netwatch.child.kill('SIGHUP');
    await until(
      () => (netwatch?.output().includes('reload rejected') ? true : undefined),
      5000,
      'reload rejected',
    );
    expect(netwatch.output()).toContain('unknown key \\"colour\\"');
    expect(await names()).toEqual(['asw1-eqsin']);

    writeFileSync(
      join(dir, 'devices.yaml'),
      withDevice('- { name: mx5t, host: 127.0.0.1, snmp: { version: 2c, community: junos_mx5t-isis } }'),
    );
    netwatch.child.kill('SIGHUP');
    await expect.poll(names, { timeout: 5000 }).toEqual(['asw1-eqsin', 'mx5t']);
    await expect
      .poll(
        async () =>
          (await (await fetch('http://127.0.0.1:19881/metrics')).text()).includes(
            'netwatch_device_up{device="mx5t",site="eqsin"} 1',
          ),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
  }, 30_000);
});
