import { describe, expect, it } from 'vitest';
import { formatVerdicts } from '../../src/sim/scenario/expect.js';
import { listScenarios, loadScenarioFile, resolveScenarioPath } from '../../src/sim/scenario/load.js';
import { runScenarioWithDaemon } from '../../src/sim/scenario/with-daemon.js';

/**
 * Every shipped scenario, end to end: the simulator and the real daemon (`startDaemon`, what
 * `netwatch run` runs: real SNMP over loopback, the SQLite store) on one compressed clock, the
 * journal, the incidents and the pages (to a loopback page sink) checked against the scenario's
 * `expect:` block. Expectations only a later receiver can meet (syslog, traps) are reported
 * pending, not passed.
 *
 * Speeds: 30× keeps a poll of the 854-port EX4300 VC well inside its deadline on two busy cores
 * (a 20-minute scenario in 40 s). `quiet` is 24 h with one router polled every 30 s: at 300× its
 * poll deadline (24 s) is 80 real ms, which a busy event loop still leaves (about 5 min).
 */

const SPEED: Readonly<Record<string, number>> = { quiet: 300 };
const DEFAULT_SPEED = 30;

describe('shipped scenarios against netwatch run on the shared clock', () => {
  it('ships the scenarios the issues name', () => {
    expect(listScenarios()).toEqual(
      [
        'config-change-outage',
        'eqsin-2022',
        'fleet-unreachable',
        'maintenance-window',
        'lb-imbalance',
        'member-reboot',
        'quiet',
        'site-power-loss',
        'split-brain',
        'stuck-daemon',
      ].sort(),
    );
  });

  it('site-power-loss over SNMPv3 (each device its own engine; discovery unanswered while down)', {
    timeout: 240_000,
  }, async () => {
    const loaded = await loadScenarioFile(resolveScenarioPath('site-power-loss'));
    if (!loaded.ok) throw new Error('site-power-loss does not load');
    const outcome = await runScenarioWithDaemon({
      scenario: loaded.scenario,
      speed: DEFAULT_SPEED,
      snmp: 'v3',
    });
    const report = formatVerdicts(outcome.verdicts);
    expect(
      outcome.verdicts.filter((v) => v.status === 'failed'),
      report,
    ).toEqual([]);
    expect(outcome.stepErrors).toEqual([]);
    for (const device of loaded.scenario.devices)
      expect(outcome.health.get(device.name)?.up, device.name).toBe(true);
  });

  for (const name of listScenarios()) {
    const speed = SPEED[name] ?? DEFAULT_SPEED;
    it(`${name} meets its expect: block (${speed}×)`, { timeout: 480_000 }, async () => {
      const loaded = await loadScenarioFile(resolveScenarioPath(name));
      if (!loaded.ok) throw new Error(`${name} does not load: ${JSON.stringify(loaded)}`);
      const scenario = loaded.scenario;
      const outcome = await runScenarioWithDaemon({ scenario, speed });
      const report = formatVerdicts(outcome.verdicts);
      console.log(
        `${name}: ${outcome.events.length} events, ${outcome.requests.answered} SNMP answers\n${report}`,
      );
      expect(
        outcome.verdicts.filter((v) => v.status === 'failed'),
        report,
      ).toEqual([]);
      // Something was checked live, not only pending expectations.
      expect(outcome.verdicts.some((v) => v.status === 'met')).toBe(true);
      expect(outcome.requests.answered).toBeGreaterThan(0);
      expect(outcome.stepErrors).toEqual([]);
      // Every device was measured to the end: polled, answering, and where the simulator carries
      // traffic, netwatch saw it (a quiet `none:` on a device never measured would prove nothing).
      for (const device of scenario.devices) {
        const h = outcome.health.get(device.name);
        expect(h?.polls, `${device.name} polls`).toBeGreaterThan(10);
        expect(h?.up, `${device.name} answers at the end`).toBe(true);
        if (outcome.expectedTraffic.has(device.name))
          expect(h?.bps ?? 0, `${device.name} throughput at the end`).toBeGreaterThan(0);
      }
    });
  }
});
