import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../dist/src/cli.js');

export interface RunningNetwatch {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly output: () => string;
  /** SIGTERM, then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `netwatch run` (the built CLI) on a config written to a fresh temporary directory (or `reuseDir`). */
export function startNetwatch(
  configYaml: string,
  env: NodeJS.ProcessEnv = {},
  reuseDir?: string,
): RunningNetwatch {
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'netwatch-run-'));
  writeFileSync(join(dir, 'devices.yaml'), configYaml);
  const child = spawn(process.execPath, [CLI, 'run', '-c', join(dir, 'devices.yaml')], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    dir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<Response> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
      last = response.status;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready: ${String(last)}`);
}
