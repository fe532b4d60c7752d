import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, type RunningNetwatch, startNetwatch, waitForHttp } from '../helpers/netwatch-process.js';

/**
 * `netwatch simulate` as a user runs it: a bad scenario file is a usage error with its
 * file:line:col; a fleet with --write-config and a compressed clock, and `netwatch run` in another
 * process on that same clock (NETWATCH_CLOCK, as simulate prints it) polling every device.
 */

const exec = promisify(execFile);
const HTTP_PORT = 19882;
const FIXTURES = join(import.meta.dirname, '../fixtures/scenarios');

let sim: ChildProcess | undefined;
let netwatch: RunningNetwatch | undefined;
afterEach(async () => {
  await netwatch?.stop();
  netwatch = undefined;
  if (sim && sim.exitCode === null) {
    const exited = new Promise((r) => sim?.once('exit', r));
    sim.kill('SIGTERM');
    await exited;
  }
  sim = undefined;
});

/** Resolves with the output so far once `pattern` shows up in the child's stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${text}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

describe('netwatch simulate', () => {
  it('rejects a bad scenario file with exit 2 and its file:line:col problems', async () => {
    const file = join(FIXTURES, 'invalid-unknown-device.yaml');
    const expected = readFileSync(join(FIXTURES, 'invalid-unknown-device.expected'), 'utf8')
      .trim()
      .split('\n');
    const failed = await exec(process.execPath, [CLI, 'simulate', '--scenario', file, '--port', '0'], {
      cwd: FIXTURES,
    }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed ? failed.code : 0).toBe(2);
    expect(('stderr' in failed ? failed.stderr : '').trim().split('\n')).toEqual(expected);
  });

  it('rejects bad arguments with exit 2 and the usage', async () => {
    const failed = await exec(process.execPath, [CLI, 'simulate', '--speed', 'fast']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect('code' in failed ? failed.code : 0).toBe(2);
    expect('stderr' in failed ? failed.stderr : '').toContain('--speed takes a number above 0');
  });

  it('serves a generated fleet that netwatch run polls on the same compressed clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-sim-'));
    const file = join(dir, 'sim.yaml');
    sim = spawn(
      process.execPath,
      [CLI, 'simulate', '--devices', '3', '--speed', '20', '--port', '0', '--write-config', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const banner = await waitForOutput(sim, /serving; Ctrl-C to stop/);
    expect(banner).toMatch(/netwatch simulate: 3 devices on 127\.0\.0\.1, started in [\d.]+ s/);
    const clock = /NETWATCH_CLOCK=(\S+)/.exec(banner)?.[1];
    expect(clock).toMatch(/^speed=20,wall=\d+,real=[\d.]+$/);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toContain('community: sim-0001');
    writeFileSync(
      file,
      `http: { listen: 127.0.0.1:${HTTP_PORT} }\n${yaml.replace('dir: ./data', `dir: ${dir}/data`)}`,
    );
    netwatch = startNetwatch(readFileSync(file, 'utf8'), { NETWATCH_CLOCK: clock ?? '' });
    await waitForHttp(`http://127.0.0.1:${HTTP_PORT}/readyz`, 20_000);
    const devices = (await (await fetch(`http://127.0.0.1:${HTTP_PORT}/api/devices`)).json()) as {
      name: string;
      state: string;
      sys_name: string;
    }[];
    expect(devices.map((d) => [d.name, d.state, d.sys_name])).toEqual([
      ['sim-0001', 'up', 'sim-0001'],
      ['sim-0002', 'up', 'sim-0002'],
      ['sim-0003', 'up', 'sim-0003'],
    ]);
    expect(netwatch.output()).toContain('running on a compressed clock shared with the simulator');
  });
});
