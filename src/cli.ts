#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Output, processOutput } from './cli/output.js';

const HELP = `netwatch — network device health monitor and crash detector

Usage:
  netwatch check [-c FILE] [--print]   validate devices.yaml; --print shows the resolved config
  netwatch run   [-c FILE]             the daemon: poll, detect, serve /metrics
  netwatch poll DEVICE [-c FILE] [--json] [--rate SECONDS]
                                       poll one device now and print its health
  netwatch events [-c FILE] [--device D] [--type T] [--since 2h] [--json]
                                       the event journal, oldest first
  netwatch baseline accept DEVICE [-c FILE] [--author NAME]
                                       make the device's current VC membership and watched
                                       processes the expected ones (journaled, with the author)
  netwatch --help | --version

Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.
Default FILE: devices.yaml`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

type Command = (args: readonly string[], out: Output) => Promise<number>;

const COMMANDS = {
  check: async (args, out) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        print: { type: 'boolean' },
      },
    });
    const { runCheck } = await import('./cli/check.js');
    return runCheck(values.config, values.print ?? false, process.env, out);
  },
  run: async (args, out) => {
    const { values } = parseArgs({
      args: [...args],
      options: { config: { type: 'string', short: 'c', default: 'devices.yaml' } },
    });
    const { runDaemon } = await import('./cli/run.js');
    return runDaemon(values.config, process.env, out);
  },
  poll: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        json: { type: 'boolean' },
        rate: { type: 'string' },
      },
    });
    const [device] = positionals;
    if (device === undefined || positionals.length > 1) {
      out.error('usage: netwatch poll DEVICE [-c FILE] [--json] [--rate SECONDS]');
      return 2;
    }
    const rateSeconds = values.rate === undefined ? undefined : Number(values.rate);
    if (rateSeconds !== undefined && !(rateSeconds > 0 && rateSeconds <= 60)) {
      out.error('--rate takes a number of seconds between 0 and 60');
      return 2;
    }
    const { runPoll } = await import('./cli/poll.js');
    return runPoll(
      { file: values.config, device, json: values.json ?? false, rateSeconds },
      process.env,
      out,
    );
  },
  events: async (args, out) => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        device: { type: 'string' },
        type: { type: 'string' },
        since: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const { runEvents } = await import('./cli/events.js');
    return runEvents(
      {
        file: values.config,
        device: values.device,
        type: values.type,
        since: values.since,
        json: values.json ?? false,
      },
      process.env,
      out,
    );
  },
  baseline: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        author: { type: 'string' },
      },
    });
    const [verb, device, ...extra] = positionals;
    if (verb !== 'accept' || device === undefined || extra.length > 0) {
      out.error('usage: netwatch baseline accept DEVICE [-c FILE] [--author NAME]');
      return 2;
    }
    const { runBaselineAccept } = await import('./cli/baseline.js');
    return runBaselineAccept({ file: values.config, device, author: values.author }, process.env, out);
  },
} satisfies Record<string, Command>;

export async function main(argv: readonly string[], out: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.print(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    out.print(version());
    return 0;
  }
  const command: Command | undefined = Object.hasOwn(COMMANDS, name)
    ? COMMANDS[name as keyof typeof COMMANDS]
    : undefined;
  if (!command) {
    out.error(`netwatch: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(rest, out);
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      out.error(`netwatch ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2), processOutput).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `netwatch: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
