import { writeFile } from 'node:fs/promises';
import { sep } from 'node:path';
import { formatClockSpec, scaledClock } from '../clock.js';
import { formatDuration } from '../config/duration.js';
import { formatProblem } from '../config/problems.js';
import { formatBps } from '../format.js';
import { describeHappening, noticesFor } from '../sim/announce.js';
import { generatedFleet } from '../sim/default-fleet.js';
import { createEmitter, type SyslogTarget, type TrapTarget } from '../sim/emit.js';
import { fleetConfigYaml } from '../sim/fleet-config.js';
import type { StampedHappening } from '../sim/happening.js';
import type { Notice } from '../sim/notice.js';
import { loadScenarioFile, resolveScenarioPath } from '../sim/scenario/load.js';
import { preflight } from '../sim/scenario/preflight.js';
import { runScenario } from '../sim/scenario/run.js';
import type { Scenario } from '../sim/scenario/types.js';
import { SIM_V3_USER, Simulator } from '../sim/simulator.js';
import type { Output } from './output.js';

/**
 * `netwatch simulate`: a fleet of simulated Junos switches on loopback, optionally replaying a
 * scenario on a compressed clock and announcing its steps as traps and syslog lines. It prints
 * what it serves, then one line per step and announcement; it serves until interrupted (with
 * `--once`, it exits when the scenario ends).
 */

export interface SimulateArgs {
  readonly devices?: number;
  readonly scenario?: string;
  readonly speed: number;
  readonly target?: string;
  readonly syslog?: string;
  readonly syslogFormat: 'rfc3164' | 'rfc5424';
  readonly trapCommunity: string;
  /** v3 traps (SHA, AES), each device its own authoritative engine; otherwise v2c with the community. */
  readonly trapV3?: { readonly user: string; readonly authKey: string; readonly privKey?: string };
  readonly writeConfig?: string;
  readonly snmp: 'v2c' | 'v3';
  readonly port: number;
  readonly address: string;
  readonly once: boolean;
}

export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535)) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}

/** A problem line with the scenario's path shown relative to the working directory when under it. */
const relativeWhere = (line: string) => {
  const prefix = `${process.cwd()}${sep}`;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
};

export async function runSimulate(args: SimulateArgs, out: Output, signal?: AbortSignal): Promise<number> {
  let scenario: Scenario | undefined;
  if (args.scenario !== undefined) {
    const loaded = await loadScenarioFile(resolveScenarioPath(args.scenario));
    if (!loaded.ok) {
      if (loaded.kind === 'unreadable') out.error(`netwatch simulate: ${loaded.reason}`);
      else for (const p of loaded.problems) out.error(relativeWhere(formatProblem(p)));
      return 2;
    }
    scenario = loaded.scenario;
  }
  let traps: TrapTarget | undefined;
  let syslog: SyslogTarget | undefined;
  if (args.target !== undefined) {
    const hp = parseHostPort(args.target);
    if (!hp) {
      out.error(`netwatch simulate: --target: expected HOST:PORT, got "${args.target}"`);
      return 2;
    }
    const v3 = args.trapV3;
    traps = v3
      ? {
          ...hp,
          version: '3',
          user: v3.user,
          auth: { protocol: 'sha', key: v3.authKey },
          ...(v3.privKey !== undefined ? { priv: { protocol: 'aes', key: v3.privKey } } : {}),
        }
      : { ...hp, version: '2c', community: args.trapCommunity };
  }
  if (args.syslog !== undefined) {
    const hp = parseHostPort(args.syslog);
    if (!hp) {
      out.error(`netwatch simulate: --syslog: expected HOST:PORT, got "${args.syslog}"`);
      return 2;
    }
    syslog = { ...hp, format: args.syslogFormat };
  }

  const fleet = [...(scenario?.devices ?? [])];
  const extra = (args.devices ?? (scenario ? 0 : 10)) - fleet.length;
  if (extra > 0) fleet.push(...generatedFleet(extra, new Set(fleet.map((d) => d.name))));

  const clock = scaledClock({
    speed: args.speed,
    ...(scenario?.startWallMs !== undefined ? { origin: { wallMs: scenario.startWallMs } } : {}),
  });
  const started = performance.now();
  const agentErrors = rateLimited(out, 'simulator');
  let simulator: Simulator;
  try {
    simulator = await Simulator.start({
      clock,
      devices: fleet,
      address: args.address,
      port: args.port,
      ...(args.snmp === 'v3' || fleet.length <= 1000 ? { v3: { user: SIM_V3_USER } } : {}),
      onError: (error) => agentErrors.report(error),
    });
  } catch (error) {
    out.error(`netwatch simulate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const startMs = performance.now() - started;
  const problems = scenario ? preflight(scenario, simulator.devices) : [];
  if (problems.length > 0) {
    for (const p of problems) out.error(relativeWhere(p));
    await simulator.close();
    return 2;
  }
  const sendErrors = rateLimited(out, 'simulate: send failed');
  const emitter = createEmitter(
    { ...(traps ? { traps } : {}), ...(syslog ? { syslog } : {}) },
    {
      onError: (error) => sendErrors.report(error),
    },
  );
  // From here on the sockets are open: whatever fails, they are closed and the process can exit.
  try {
    return await serve();
  } catch (error) {
    out.error(`netwatch simulate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await emitter.close();
    await simulator.close();
  }

  async function serve(): Promise<number> {
    out.print(
      `netwatch simulate: ${fleet.length} devices on ${simulator.address}, started in ${(startMs / 1000).toFixed(1)} s`,
    );
    out.print(`  SNMP v2c: udp/${simulator.port}, community = device name`);
    const v3First = simulator.v3Port(fleet[0]?.name ?? '');
    if (v3First !== undefined)
      out.print(
        `  SNMP v3: one engine per device, each on its own port (${fleet[0]?.name} on udp/${v3First}; --write-config --snmp v3 lists them all), user ${SIM_V3_USER.name}, SHA "${SIM_V3_USER.authKey}", AES "${SIM_V3_USER.privKey ?? ''}"`,
      );
    for (const d of fleet.slice(0, 12)) {
      const device = simulator.devices.get(d.name);
      const roles = device ? [...device.roles()].map(([m, r]) => `${m}:${r}`).join(' ') : '';
      out.print(
        `  ${d.name.padEnd(16)} ${d.seed.padEnd(18)} ${d.site ? `site ${d.site}` : ''}${roles ? `  VC ${roles}` : ''}`,
      );
    }
    if (fleet.length > 12) out.print(`  … and ${fleet.length - 12} more`);
    if (args.speed !== 1)
      out.print(
        `  clock: ${args.speed}× — share it: NETWATCH_CLOCK=${formatClockSpec(clock)} netwatch run -c …`,
      );
    if (traps)
      out.print(
        `  traps → ${args.target} (${args.trapV3 ? `v3, user ${args.trapV3.user}, engine ID per device` : `v2c, community "${args.trapCommunity}"`})`,
      );
    if (syslog) out.print(`  syslog → ${args.syslog} (${args.syslogFormat})`);
    if (args.writeConfig !== undefined) {
      await writeFile(
        args.writeConfig,
        fleetConfigYaml({ simulator, snmp: args.snmp, ...(scenario ? { scenario } : {}) }),
      );
      out.print(`  wrote ${args.writeConfig}: netwatch run -c ${args.writeConfig}`);
    }

    const stamp = (timeMs: number, origin: number) =>
      `[+${formatDuration(Math.max(0, Math.round((timeMs - origin) / 1000) * 1000))}]`;
    const announce = (h: StampedHappening, origin: number) => {
      const notices = noticesFor(h, { hostname: h.device });
      emitter.emit(notices);
      // Name what went out, and only what had somewhere to go.
      const sent = notices
        .filter((n: Notice) => (n.kind === 'trap' ? traps : syslog) !== undefined)
        .map((n: Notice) => (n.kind === 'trap' ? 'trap' : `syslog ${n.msgid ?? n.app}`))
        .join(', ');
      out.print(
        `${stamp(h.timeMs, origin)} ${h.device}: ${describeHappening(h.happening)}${sent ? ` → ${sent}` : ''}`,
      );
    };

    const stopped = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    if (scenario) {
      out.print(
        `scenario ${scenario.name}: ${scenario.steps.length} steps over ${formatDuration(scenario.endMs)} of scenario time at ${args.speed}× (${(scenario.endMs / args.speed / 1000).toFixed(0)} s)`,
      );
      const origin = clock.wallMs();
      const run = runScenario({
        scenario,
        simulator,
        clock,
        startMs: origin,
        onStep: (step) => {
          const d = simulator.devices.get(step.devices[0] ?? '');
          const tp = d ? ` — ${formatBps(d.throughputBps(clock.wallMs()))} through ${d.name}` : '';
          out.print(
            `${stamp(clock.wallMs(), origin)} step ${step.action.kind}: ${step.note ?? step.devices.join(', ')}${tp}`,
          );
        },
        onHappening: (h) => announce(h, origin),
        onError: (error) => out.error(`scenario: ${error instanceof Error ? error.message : String(error)}`),
      });
      await Promise.race([run.done, stopped]);
      run.stop();
      if (!signal?.aborted) {
        const c = simulator.counts();
        out.print(
          `scenario ${scenario.name} is over: ${c.answered} SNMP requests answered, ${c.ignored} ignored; ${emitter.sent.traps} traps, ${emitter.sent.syslog} syslog lines sent`,
        );
      }
    }
    if (!args.once || !scenario) {
      if (!signal?.aborted) out.print('serving; Ctrl-C to stop');
      await stopped;
    }
    return 0;
  }
}

/**
 * Problems worth a line each, but not a line per datagram: a port scanner or a wrong v3 key on a
 * per-device port must not flood the terminal. The first 10, then one line per 1,000.
 */
function rateLimited(out: Output, prefix: string): { report(error: unknown): void } {
  let count = 0;
  return {
    report(error) {
      count += 1;
      if (count <= 10 || count % 1000 === 0)
        out.error(
          `${prefix}: ${error instanceof Error ? error.message : String(error)}${count === 10 ? ' (further ones are counted: one line per 1,000)' : count > 10 ? ` (${count} so far)` : ''}`,
        );
    },
  };
}
