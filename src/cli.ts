#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Output, processOutput } from './cli/output.js';

const SIMULATE_USAGE = `  netwatch simulate [--devices N] [--scenario NAME|FILE] [--speed X] [--target HOST:PORT]
                   [--syslog HOST:PORT] [--syslog-format rfc3164|rfc5424] [--trap-community C]
                   [--trap-user U --trap-auth-key K [--trap-priv-key K]]  (v3 traps: SHA, AES)
                   [--write-config FILE] [--snmp v2c|v3] [--port P] [--address 127.x.y.z] [--once]
                                       simulated Juniper switches on loopback (SNMP v2c/v3 agents,
                                       traps to --target, syslog to --syslog); a scenario replays
                                       its steps on a clock X times faster (scenarios/: eqsin-2022,
                                       member-reboot, split-brain, lb-imbalance, config-change-outage,
                                       stuck-daemon, site-power-loss, quiet)`;

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
  netwatch incidents [list] [-c FILE] [--open] [--json]
                                       incidents, newest first
  netwatch incidents show ID [-c FILE] [--format md|wiki|json]
                                       an incident's report (timeline, detection, scorecard)
  netwatch incidents ack|resolve ID [-c FILE] [--author NAME]
  netwatch note ID "text" [-c FILE] [--author NAME]
  netwatch silence DEVICE|SITE --for 2h --reason "..." [-c FILE] [--author NAME]
                                       operator actions, through the running daemon
                                       (http.write_token); the author is --author or your login
  netwatch notify test [RECEIVER] [-c FILE] [--json]
                                       a test page (and its resolve) to each receiver and route,
                                       or to one receiver (pagerduty, eqsin/pagerduty) or route
${SIMULATE_USAGE}
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
  incidents: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        open: { type: 'boolean' },
        json: { type: 'boolean' },
        format: { type: 'string', default: 'md' },
        author: { type: 'string' },
      },
    });
    const [verb = 'list', id, ...extra] = positionals;
    const usage = () => {
      out.error(
        'usage: netwatch incidents [list] [--open] [--json] | show ID [--format md|wiki|json] | ack ID | resolve ID  [-c FILE] [--author NAME]',
      );
      return 2;
    };
    const cli = await import('./cli/incidents.js');
    if (verb === 'list' && id === undefined)
      return cli.runIncidentsList(
        { file: values.config, open: values.open ?? false, json: values.json ?? false },
        process.env,
        out,
      );
    if (id === undefined || extra.length > 0) return usage();
    if (verb === 'show')
      return cli.runIncidentsShow({ file: values.config, id, format: values.format }, process.env, out);
    if (verb === 'ack' || verb === 'resolve')
      return cli.runIncidentWrite(
        { file: values.config, id, action: verb, author: values.author },
        process.env,
        out,
      );
    return usage();
  },
  note: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        author: { type: 'string' },
      },
    });
    const [id, text, ...extra] = positionals;
    if (id === undefined || text === undefined || text.trim() === '' || extra.length > 0) {
      out.error('usage: netwatch note ID "text" [-c FILE] [--author NAME]');
      return 2;
    }
    const { runNote } = await import('./cli/note.js');
    return runNote({ file: values.config, id, text, author: values.author }, process.env, out);
  },
  silence: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'devices.yaml' },
        for: { type: 'string' },
        reason: { type: 'string' },
        author: { type: 'string' },
      },
    });
    const [target, ...extra] = positionals;
    if (target === undefined || extra.length > 0 || values.for === undefined || !values.reason?.trim()) {
      out.error('usage: netwatch silence DEVICE|SITE --for 2h --reason "..." [-c FILE] [--author NAME]');
      return 2;
    }
    const { runSilence } = await import('./cli/silence.js');
    return runSilence(
      { file: values.config, target, for: values.for, reason: values.reason, author: values.author },
      process.env,
      out,
    );
  },
  notify: async (args, out) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c', default: 'devices.yaml' }, json: { type: 'boolean' } },
    });
    const [verb, receiver, ...extra] = positionals;
    if (verb !== 'test' || extra.length > 0) {
      out.error('usage: netwatch notify test [RECEIVER] [-c FILE] [--json]');
      return 2;
    }
    const { runNotifyTest } = await import('./cli/notify-test.js');
    return runNotifyTest({ file: values.config, receiver, json: values.json ?? false }, process.env, out);
  },
  simulate: async (args, out) => {
    if (args.includes('--help') || args.includes('-h')) {
      out.print(`Usage:\n${SIMULATE_USAGE}`);
      return 0;
    }
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        devices: { type: 'string' },
        scenario: { type: 'string' },
        speed: { type: 'string', default: '1' },
        target: { type: 'string' },
        syslog: { type: 'string' },
        'syslog-format': { type: 'string', default: 'rfc5424' },
        'trap-community': { type: 'string', default: 'public' },
        'trap-user': { type: 'string' },
        'trap-auth-key': { type: 'string' },
        'trap-priv-key': { type: 'string' },
        'write-config': { type: 'string' },
        snmp: { type: 'string', default: 'v2c' },
        port: { type: 'string', default: '16161' },
        address: { type: 'string', default: '127.0.0.1' },
        once: { type: 'boolean' },
      },
    });
    const usage = (why: string) => {
      out.error(`netwatch simulate: ${why}\n\n${SIMULATE_USAGE}`);
      return 2;
    };
    if (positionals.length > 0) return usage(`unexpected argument "${positionals[0]}"`);
    const devices = values.devices === undefined ? undefined : Number(values.devices);
    if (devices !== undefined && !(Number.isInteger(devices) && devices >= 1 && devices <= 20_000))
      return usage('--devices takes a whole number from 1 to 20000');
    const speed = Number(values.speed);
    if (!(speed > 0 && speed <= 10_000))
      return usage('--speed takes a number above 0 (60 = a minute per second)');
    const port = Number(values.port);
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
      return usage('--port takes a UDP port (0: any free one)');
    const format = values['syslog-format'];
    if (format !== 'rfc3164' && format !== 'rfc5424') return usage('--syslog-format is rfc3164 or rfc5424');
    const trapUser = values['trap-user'];
    const trapAuth = values['trap-auth-key'];
    if ((trapUser === undefined) !== (trapAuth === undefined))
      return usage('v3 traps need both --trap-user and --trap-auth-key (8 characters or more)');
    if (trapAuth !== undefined && trapAuth.length < 8)
      return usage('--trap-auth-key needs 8 characters or more');
    if (values['trap-priv-key'] !== undefined && trapUser === undefined)
      return usage('--trap-priv-key goes with --trap-user and --trap-auth-key');
    if (values.snmp !== 'v2c' && values.snmp !== 'v3')
      return usage('--snmp is v2c or v3 (for --write-config)');
    if (!/^127\./.test(values.address)) return usage('--address must be a loopback address (127.x.y.z)');
    const { runSimulate } = await import('./cli/simulate.js');
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    return runSimulate(
      {
        ...(devices !== undefined ? { devices } : {}),
        ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
        speed,
        ...(values.target !== undefined ? { target: values.target } : {}),
        ...(values.syslog !== undefined ? { syslog: values.syslog } : {}),
        syslogFormat: format,
        trapCommunity: values['trap-community'],
        ...(trapUser !== undefined && trapAuth !== undefined
          ? {
              trapV3: {
                user: trapUser,
                authKey: trapAuth,
                ...(values['trap-priv-key'] !== undefined ? { privKey: values['trap-priv-key'] } : {}),
              },
            }
          : {}),
        ...(values['write-config'] !== undefined ? { writeConfig: values['write-config'] } : {}),
        snmp: values.snmp,
        port,
        address: values.address,
        once: values.once ?? false,
      },
      out,
      abort.signal,
    );
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
