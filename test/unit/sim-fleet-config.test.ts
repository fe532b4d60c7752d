import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { loadConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { generatedFleet } from '../../src/sim/default-fleet.js';
import { fleetConfigYaml } from '../../src/sim/fleet-config.js';
import { loadScenarioFile, loadScenarioText, resolveScenarioPath } from '../../src/sim/scenario/load.js';
import { preflight } from '../../src/sim/scenario/preflight.js';
import { SIM_V3_USER, Simulator } from '../../src/sim/simulator.js';

/** The devices.yaml `netwatch simulate --write-config` writes is one netwatch accepts as it is. */

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const load = (text: string) => {
  const loaded = loadConfigText(text, 'sim.yaml', {});
  if (!loaded.ok)
    throw new Error(
      loaded.kind === 'invalid' ? loaded.problems.map(formatProblem).join('\n') : loaded.reason,
    );
  return loaded.config;
};

describe('the devices.yaml for a simulated fleet', () => {
  it('points every generated device at the shared v2c port with its own community', async () => {
    sim = await Simulator.start({ clock: new FakeClock(), devices: generatedFleet(5) });
    const config = load(fleetConfigYaml({ simulator: sim }));
    expect(config.devices.map((d) => d.name)).toEqual([
      'sim-0001',
      'sim-0002',
      'sim-0003',
      'sim-0004',
      'sim-0005',
    ]);
    for (const d of config.devices) {
      expect(d.host).toBe('127.0.0.1');
      expect(d.snmp?.port).toBe(sim.port);
      expect(d.snmp?.security.version).toBe('2c');
    }
    expect(new Set(config.devices.map((d) => d.site))).toEqual(new Set(['site-01']));
  });

  it('uses each device’s own engine port for v3, and keeps a scenario’s interval, groups and sections', async () => {
    const loaded = await loadScenarioFile(resolveScenarioPath('quiet'));
    if (!loaded.ok) throw new Error('quiet does not load');
    sim = await Simulator.start({
      clock: new FakeClock(),
      devices: loaded.scenario.devices,
      v3: { user: SIM_V3_USER },
    });
    const config = load(fleetConfigYaml({ simulator: sim, scenario: loaded.scenario, snmp: 'v3' }));
    const ports = new Set(config.devices.map((d) => d.snmp?.port));
    expect(ports.size).toBe(5);
    expect(ports.has(sim.port)).toBe(false);
    for (const d of config.devices) {
      expect(d.intervalMs, d.name).toBe(d.name === 'rtr2-par' ? 30_000 : 300_000);
      expect(d.snmp?.security.version).toBe(3);
    }
  });
});

describe('preflight: what only the recordings can tell', () => {
  it('names each interface a group or step wants and the recording lacks, at file:line:col', async () => {
    const dir = join(import.meta.dirname, '../fixtures/scenarios');
    const file = 'preflight-unknown-interface.yaml';
    const loaded = loadScenarioText(readFileSync(join(dir, file), 'utf8'), file);
    if (!loaded.ok) throw new Error('the fixture must load: its problems are the preflight kind');
    sim = await Simulator.start({ clock: new FakeClock(), devices: loaded.scenario.devices });
    const expected = readFileSync(join(dir, file.replace('.yaml', '.expected')), 'utf8')
      .trim()
      .split('\n');
    expect(preflight(loaded.scenario, sim.devices)).toEqual(expected);
  });

  it('passes every shipped scenario', async () => {
    for (const name of [
      'eqsin-2022',
      'member-reboot',
      'split-brain',
      'lb-imbalance',
      'config-change-outage',
      'stuck-daemon',
      'site-power-loss',
      'quiet',
    ]) {
      const loaded = await loadScenarioFile(resolveScenarioPath(name));
      if (!loaded.ok) throw new Error(`${name} does not load`);
      const s = await Simulator.start({ clock: new FakeClock(), devices: loaded.scenario.devices });
      try {
        expect(preflight(loaded.scenario, s.devices), name).toEqual([]);
      } finally {
        await s.close();
      }
    }
  });
});
