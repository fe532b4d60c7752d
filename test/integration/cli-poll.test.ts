import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { CLI } from '../helpers/netwatch-process.js';

/** `netwatch poll`, `--help` and `--version` as a user runs them. */

const { snmpsim } = inject('services');
const run = promisify(execFile);

async function netwatch(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'netwatch-poll-'));
const file = join(dir, 'devices.yaml');
writeFileSync(
  file,
  `defaults: { snmp: { version: 2c, community: junos_ex4600mp, port: ${snmpsim.port}, timeout: 2s } }
devices:
  - { name: ex4600mp, host: ${snmpsim.host} }
  - { name: mx5t, host: ${snmpsim.host}, snmp: { version: 2c, community: junos_mx5t-isis } }
  - { name: nobody, host: 127.0.0.1, snmp: { port: 9, timeout: 300ms, retries: 0 } }
`,
);

describe('netwatch poll', () => {
  it('prints a readable health summary of a virtual chassis', async () => {
    const { code, stdout } = await netwatch(['poll', 'ex4600mp', '-c', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('ex4600mp (127.0.0.1): reachable');
    expect(stdout).toContain('VC          8 member(s), master member 1');
    expect(stdout).toMatch(/member 1 {2}master {3}ex4300-48mp 18\.4R4 serial XR0123456790/);
    expect(stdout).toContain(
      'redundancy  Routing Engine 1: master, switchovers 1 (last reason autoSwitched)',
    );
    expect(stdout).toContain('interfaces  854 total');
  });

  it('--json prints the snapshot; a router without VC says not supported', async () => {
    const { code, stdout } = await netwatch(['poll', 'mx5t', '-c', file, '--json']);
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as {
      ok: boolean;
      snapshot: { vcMembers: unknown; alarms: { value: { red: boolean } } };
    };
    expect(body.snapshot.vcMembers).toEqual({ supported: false });
    expect(body.snapshot.alarms.value.red).toBe(true);
  });

  it('an unreachable device exits 1 with the reason', async () => {
    const { code, stdout } = await netwatch(['poll', 'nobody', '-c', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('POLL FAILED (timeout)');
  });

  it('usage errors exit 2', async () => {
    expect((await netwatch(['poll', '-c', file])).code).toBe(2);
    expect((await netwatch(['poll', 'no-such-device', '-c', file])).code).toBe(2);
    expect((await netwatch(['frobnicate'])).code).toBe(2);
  });

  it('--help lists the commands; --version prints the package version', async () => {
    const help = await netwatch(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['check', 'run', 'poll', 'events'])
      expect(help.stdout).toContain(`netwatch ${command}`);
    const version = await netwatch(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
