import { describe, expect, it } from 'vitest';
import { formatVerdicts } from '../../src/sim/scenario/expect.js';
import { listScenarios, loadScenarioFile, resolveScenarioPath } from '../../src/sim/scenario/load.js';
import { runScenarioWithDaemon } from '../../src/sim/scenario/with-daemon.js';

/**
 * Every shipped scenario, end to end: the simulator and the real daemon (`startDaemon`, what
 * `netwatch run` runs: real SNMP over loopback, the SQLite store) on one compressed clock, the
 * journal checked against the scenario's `expect:` block. Expectations only a later receiver
 * can meet (syslog, traps, incidents, pages) are reported pending, not passed.
 *
 * Speeds: 30× keeps a poll of the 854-port EX4300 VC well inside its deadline on two busy cores
 * (a 20-minute scenario in 40 s); `quiet` is 24 h of 5-minute polls, so it runs 1000× faster
 * (about 90 s).
 */

const SPEED: Readonly<Record<string, number>> = { quiet: 1000 };
const DEFAULT_SPEED = 30;

describe('shipped scenarios against netwatch run on the shared clock', () => {
  it('ships the eight scenarios the issue names', () => {
    expect(listScenarios()).toEqual(
      [
        'config-change-outage',
        'eqsin-2022',
        'lb-imbalance',
        'member-reboot',
        'quiet',
        'site-power-loss',
        'split-brain',
        'stuck-daemon',
      ].sort(),
    );
  });

  for (const name of listScenarios()) {
    const speed = SPEED[name] ?? DEFAULT_SPEED;
    it(`${name} meets its expect: block (${speed}×)`, { timeout: 240_000 }, async () => {
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
    });
  }
});
