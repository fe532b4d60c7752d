import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { loadConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { generatedFleet } from '../../src/sim/default-fleet.js';
import { fleetConfigYaml } from '../../src/sim/fleet-config.js';
import { loadScenarioFile, resolveScenarioPath } from '../../src/sim/scenario/load.js';
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
      expect(d.intervalMs).toBe(300_000);
      expect(d.snmp?.security.version).toBe(3);
    }
  });
});
