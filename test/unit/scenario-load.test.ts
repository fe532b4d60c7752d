import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/config/problems.js';
import {
  listScenarios,
  listSeeds,
  loadScenarioFile,
  loadScenarioText,
  resolveScenarioPath,
  SCENARIOS_DIR,
  SEEDS_DIR,
} from '../../src/sim/scenario/load.js';
import type { Scenario } from '../../src/sim/scenario/types.js';

const DIR = join(import.meta.dirname, '../fixtures/scenarios');
const fixtures = readdirSync(DIR).filter((f) => f.startsWith('invalid-') && f.endsWith('.yaml'));

function load(text: string, file = 'x.yaml'): Scenario {
  const result = loadScenarioText(text, file);
  if (!result.ok) throw new Error(JSON.stringify(result, null, 1));
  return result.scenario;
}

function problems(text: string): string[] {
  const result = loadScenarioText(text, 'x.yaml');
  if (result.ok || result.kind !== 'invalid') throw new Error('expected problems');
  return result.problems.map(formatProblem);
}

const HEAD = 'scenario: s\ndescription: d\nend: 12m\n';

describe('scenario validation', () => {
  it('has at least 12 invalid fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures)('%s gives exactly its expected problems', (file) => {
    const expected = readFileSync(join(DIR, file.replace(/\.yaml$/, '.expected')), 'utf8')
      .trimEnd()
      .split('\n');
    const result = loadScenarioText(readFileSync(join(DIR, file), 'utf8'), file);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem)).toEqual(expected);
  });

  it('does not cascade: a fleet entry it cannot expand hides no unknown-device problems', () => {
    const text = `${HEAD}fleet:\n  - { name: "tor{n}", count: lots, seed: junos_qfx5100 }\nsteps:\n  - { at: 1m, device: tor2, reboot_device: { down_for: 1m } }\n`;
    expect(problems(text)).toEqual(['x.yaml:5:30: fleet[0].count: expected a number of devices, got "lots"']);
  });

  it('reports a bad value once, not also as a cross-reference', () => {
    const text = `${HEAD}fleet:\n  - { name: a, seed: junos, site: eqsin }\nsteps:\n  - { at: 1m, site: "e q", restart_agent: }\n`;
    expect(problems(text)).toEqual([
      'x.yaml:7:21: steps[0].site: use letters, digits, ".", "_" and "-" only, got "e q"',
    ]);
  });

  it('takes the recordings it is given', () => {
    const text = `${HEAD}fleet:\n  - { name: a, seed: junos_ex4600mp }\n`;
    const result = loadScenarioText(text, 'x.yaml', { seeds: ['lab1', 'lab2'] });
    expect(result.ok || result.kind !== 'invalid' ? [] : result.problems.map(formatProblem)).toEqual([
      'x.yaml:5:22: fleet[0].seed: unknown recording "junos_ex4600mp": use one of lab1, lab2',
    ]);
  });
});

describe('a valid scenario', () => {
  const scenario = load(readFileSync(join(DIR, 'valid-minimal.yaml'), 'utf8'), 'valid-minimal.yaml');

  it('has its header, the config copied as written and the start as epoch ms', () => {
    expect(scenario).toMatchObject({
      name: 'valid-minimal',
      file: 'valid-minimal.yaml',
      endMs: 12 * 60_000,
      intervalMs: 30_000,
      startWallMs: Date.UTC(2022, 3, 19, 16, 20),
      config: { detect: { unreachable_after: 2 } },
    });
    expect(scenario.description).toMatch(/^Two top-of-rack switches .* lose their traffic\.$/);
  });

  it('expands count entries and fills defaults', () => {
    expect(scenario.devices.map((d) => d.name)).toEqual(['asw1-eqsin', 'tor1-sin', 'tor2-sin']);
    const [asw, tor1, tor2] = scenario.devices;
    expect(asw).toEqual({
      name: 'asw1-eqsin',
      seed: 'junos_ex4600mp',
      site: 'eqsin',
      roles: new Map([
        [0, 'master'],
        [1, 'backup'],
      ]),
      traffic: { utilisation: 0.2, diurnal: 0.5 },
      counters: 'hc',
      interfaceGroups: new Map([['uplinks', ['et-0/2/0', 'et-1/2/0']]]),
      processes: ['fxpc', 'chassisd', 'vccpd', 'rpd', 'dcd', 'l2ald'],
      where: 'valid-minimal.yaml:8:5',
    });
    expect(tor1).toEqual({
      name: 'tor1-sin',
      seed: 'junos_qfx5100',
      site: 'sin',
      roles: new Map(),
      traffic: { utilisation: 0.1, diurnal: 0 },
      counters: '32bit',
      interfaceGroups: new Map([['uplinks', ['xe-0/0/48']]]),
      processes: ['chassisd', 'rpd'],
      where: 'valid-minimal.yaml:14:5',
    });
    expect(tor2).toEqual({ ...tor1, name: 'tor2-sin' });
    expect(tor2?.interfaceGroups).not.toBe(tor1?.interfaceGroups);
  });

  it('sorts steps by time (2m20s-style times too), keeping file order at the same time, with targets and defaults resolved', () => {
    expect(scenario.steps).toEqual([
      {
        atMs: 0,
        devices: ['tor2-sin'],
        action: { kind: 'stop_answering' },
        where: 'valid-minimal.yaml:35:5',
      },
      {
        atMs: 90_000,
        devices: ['asw1-eqsin'],
        action: { kind: 'link', interface: 'mge-0/0/40', state: 'up' },
        note: 'a server is connected to mge-0/0/40',
        where: 'valid-minimal.yaml:28:5',
      },
      {
        atMs: 300_000,
        devices: ['tor1-sin', 'tor2-sin'],
        action: { kind: 'traffic', factor: 0, group: 'uplinks' },
        where: 'valid-minimal.yaml:25:5',
      },
      {
        atMs: 300_000,
        devices: ['asw1-eqsin'],
        action: { kind: 'crash_process', process: 'fxpc', signal: 11, core: true },
        where: 'valid-minimal.yaml:32:5',
      },
    ]);
  });

  it('resolves expectations with their defaults and positions', () => {
    expect(scenario.expect).toEqual({
      events: [
        {
          device: 'asw1-eqsin',
          type: 'interface_up',
          atMs: 120_000,
          withinMs: 60_000,
          sources: ['poll'],
          details: { ifName: 'mge-0/0/40' },
          where: 'valid-minimal.yaml:40:7',
        },
        {
          device: 'asw1-eqsin',
          type: 'process_crash',
          atMs: 300_000,
          withinMs: 120_000,
          sources: ['poll', 'syslog'],
          count: 1,
          details: {},
          where: 'valid-minimal.yaml:41:7',
        },
      ],
      forbidden: [
        { types: ['member_down', 'device_reboot'], devices: ['tor1-sin'], where: 'valid-minimal.yaml:43:7' },
      ],
      incidents: [
        {
          device: 'asw1-eqsin',
          atMs: 300_000,
          withinMs: 120_000,
          timeline: ['process_crash', 'PAGED'],
          maintenance: false,
          where: 'valid-minimal.yaml:45:7',
        },
      ],
      pages: [{ site: 'sin', count: 0, where: 'valid-minimal.yaml:47:7' }],
    });
  });

  it('fills every action default', () => {
    const s = load(`${HEAD}fleet:
  - { name: a, seed: junos_ex4600mp }
steps:
  - { at: 0, device: a, restart_agent: }
  - { at: 1m, device: a, drop_polls: { for: 1m } }
  - { at: 2m, device: a, partial_walk: { for: 1m } }
  - { at: 3m, device: a, config_change: { user: alice } }
  - { at: 4m, device: a, stop_answering: { for: 30s } }
  - { at: 5m, device: a, reboot_member: { member: 2, down_for: 3m } }
  - { at: 6m, device: a, stall_process: { process: fxpc, interfaces: [et-0/2/0] } }
  - { at: 7m, device: a, traffic: { factor: 0.5, interface: et-0/2/0 } }
  - { at: 8m, device: a, set_role: { member: 1, role: linecard } }
  - { at: 9m, device: a, reboot_device: { down_for: 4m } }
  - { at: 10m, device: a, restart_process: { process: rpd } }
`);
    expect(s.steps.map((step) => step.action)).toEqual([
      { kind: 'restart_agent', downForMs: 5000 },
      { kind: 'drop_polls', ratio: 1, forMs: 60_000 },
      { kind: 'partial_walk', forMs: 60_000, missing: ['vc'] },
      { kind: 'config_change', user: 'alice', source: 'cli' },
      { kind: 'stop_answering', forMs: 30_000 },
      { kind: 'reboot_member', member: 2, downForMs: 180_000 },
      { kind: 'stall_process', process: 'fxpc', interfaces: ['et-0/2/0'] },
      { kind: 'traffic', factor: 0.5, interface: 'et-0/2/0' },
      { kind: 'set_role', member: 1, role: 'linecard' },
      { kind: 'reboot_device', downForMs: 240_000 },
      { kind: 'restart_process', process: 'rpd' },
    ]);
    expect(s.expect).toEqual({ events: [], forbidden: [], incidents: [], pages: [] });
    expect(s.config).toEqual({});
    expect(s.startWallMs).toBeUndefined();
    expect(Object.hasOwn(s, 'startWallMs')).toBe(false);
  });

  it('every built-in scenario is valid', () => {
    for (const name of listScenarios()) {
      const file = resolveScenarioPath(name);
      const result = loadScenarioText(readFileSync(file, 'utf8'), `${name}.yaml`);
      expect(
        result.ok ? [] : result.kind === 'invalid' ? result.problems.map(formatProblem) : result.reason,
      ).toEqual([]);
    }
  });
});

describe('files', () => {
  it('a bare name is a built-in scenario, anything else a path as given', () => {
    expect(resolveScenarioPath('eqsin-2022')).toBe(join(SCENARIOS_DIR, 'eqsin-2022.yaml'));
    expect(resolveScenarioPath('my.yaml')).toBe('my.yaml');
    expect(resolveScenarioPath('./eqsin-2022')).toBe('./eqsin-2022');
    expect(resolveScenarioPath('dir/x.yml')).toBe('dir/x.yml');
  });

  it('finds the recordings at the package root', () => {
    expect(existsSync(join(SEEDS_DIR, 'junos_ex4600mp.snmprec'))).toBe(true);
    expect(listSeeds()).toEqual(expect.arrayContaining(['junos', 'junos_ex4600mp', 'junos_qfx5100']));
  });

  it('loads a file, and an unreadable file is a value', async () => {
    const file = join(DIR, 'valid-minimal.yaml');
    const result = await loadScenarioFile(file);
    expect(result.ok && result.scenario.steps[0]?.where).toBe(`${file}:35:5`);
    expect(await loadScenarioFile(join(DIR, 'no-such.yaml'))).toEqual({
      ok: false,
      kind: 'unreadable',
      reason: `${join(DIR, 'no-such.yaml')}: cannot read (ENOENT)`,
    });
  });
});
