import { setTimeout as sleep } from 'node:timers/promises';
import { realClock } from '../clock.js';
import { collectDevice } from '../collect/collect-device.js';
import { computeRates, type RateResult } from '../collect/rates.js';
import type { PollResult, Snapshot } from '../collect/snapshot.js';
import type { Environment } from '../config/env.js';
import { formatBps, formatUptime, toJsonText } from '../format.js';
import { createNetSnmpConnector } from '../snmp/net-snmp-connector.js';
import { createResolver } from '../snmp/resolve-host.js';
import { UdpMux } from '../snmp/udp-mux.js';
import { printable } from '../text.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/** `netwatch poll DEVICE`: one poll now (two, `--rate` seconds apart, for throughput), printed. */

export interface PollOptions {
  readonly file: string;
  readonly device: string;
  readonly json: boolean;
  readonly rateSeconds: number | undefined;
}

const supportedText = (supported: boolean) => (supported ? '' : 'not supported');

export function renderSummary(host: string, s: Snapshot, rates: RateResult | undefined): string {
  const p = (v: string) => printable(v, 120);
  const lines: string[] = [];
  lines.push(`${s.device} (${host}): reachable, polled in ${s.durationMs} ms with ${s.requests} requests`);
  lines.push(`  system      ${p(s.system.name)} — ${p(s.system.descr)}`);
  const clocks = [`sysUpTime ${formatUptime(s.system.upTimeCs / 100)}`];
  if (s.system.engineTimeS !== undefined) clocks.push(`snmpEngineTime ${formatUptime(s.system.engineTimeS)}`);
  if (s.system.engineBoots !== undefined) clocks.push(`engine boots ${s.system.engineBoots}`);
  lines.push(`  uptime      ${clocks.join(', ')}`);
  if (s.vcMembers.supported) {
    const master = s.vcMembers.value.filter((m) => m.role === 'master');
    lines.push(
      `  VC          ${s.vcMembers.value.length} member(s), master ${master.length === 1 ? `member ${master[0]?.id}` : master.length === 0 ? 'NONE' : `SPLIT (${master.map((m) => m.id).join(', ')})`}`,
    );
    for (const m of s.vcMembers.value) {
      const up = m.uptimeS === undefined ? '' : `, up ${formatUptime(m.uptimeS)}`;
      lines.push(
        `    member ${m.id}  ${m.role.padEnd(8)} ${p(m.model)} ${p(m.version)} serial ${p(m.serial)}${up}`,
      );
    }
  } else lines.push(`  VC          ${supportedText(false)}`);
  if (s.vcPorts.supported) {
    const down = s.vcPorts.value.filter((v) => !v.up);
    lines.push(
      `  VC ports    ${s.vcPorts.value.length - down.length} up, ${down.length} down${down.length ? `: ${down.map((v) => `${v.member}/${p(v.name)}`).join(', ')}` : ''}`,
    );
  }
  if (s.redundancy.supported) {
    for (const r of s.redundancy.value)
      lines.push(
        `  redundancy  ${p(r.descr)}: ${r.state}, switchovers ${r.switchoverCount ?? '?'} (last reason ${r.reason})`,
      );
  } else lines.push(`  redundancy  ${supportedText(false)}`);
  if (s.alarms.supported) {
    const a = s.alarms.value;
    lines.push(`  alarms      red ${a.red ? 'ON' : 'off'}, yellow ${a.yellow ? 'ON' : 'off'}`);
  } else lines.push(`  alarms      ${supportedText(false)}`);
  if (s.processes.supported) lines.push(`  processes   ${s.processes.value.length} running (hrSWRunTable)`);
  else
    lines.push(
      '  processes   not supported (no hrSWRunTable; Junos reports crashes by syslog and core dumps)',
    );
  if (s.interfaces.supported) {
    const ifs = s.interfaces.value;
    const up = ifs.filter((i) => i.operUp).length;
    const down = ifs.filter((i) => i.adminUp && i.operUp === false);
    const counters = ifs.some((i) => i.counterBits === 64)
      ? 'HC 64-bit counters'
      : ifs.some((i) => i.counterBits === 32)
        ? '32-bit counters'
        : 'no counters';
    lines.push(`  interfaces  ${ifs.length} total, ${up} up, ${down.length} admin-up but down; ${counters}`);
  } else lines.push(`  interfaces  ${supportedText(false)}`);
  if (rates) {
    if (!rates.ok) lines.push(`  throughput  no rate (${rates.reason})`);
    else {
      lines.push(`  throughput  ${formatBps(rates.totalBps)} in+out`);
      const top = [...rates.interfaces].sort((a, b) => b.inBps + b.outBps - (a.inBps + a.outBps)).slice(0, 5);
      for (const r of top)
        lines.push(`    ${p(r.name).padEnd(14)} in ${formatBps(r.inBps)}, out ${formatBps(r.outBps)}`);
    }
  }
  return lines.join('\n');
}

export async function runPoll(options: PollOptions, env: Environment, out: Output): Promise<number> {
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const device = loaded.config.devices.find((d) => d.name === options.device);
  if (!device) {
    out.error(`netwatch poll: no device "${options.device}" in ${options.file}`);
    return 2;
  }
  const resolved = await createResolver()(device.host);
  if (!resolved.ok) {
    out.error(`${device.name}: ${resolved.message}`);
    return 1;
  }
  const mux = new UdpMux(1);
  const clock = realClock();
  const monotonic = () => clock.monotonicMs();
  const connector = createNetSnmpConnector({ mux, now: monotonic });
  const memo = {};
  const pollOnce = (): Promise<PollResult> =>
    collectDevice({
      device,
      address: resolved.address,
      connector,
      now: () => clock.wallMs(),
      monotonic,
      memo,
    });
  try {
    const first = await pollOnce();
    let second: PollResult | undefined;
    if (first.ok && options.rateSeconds !== undefined) {
      await sleep(options.rateSeconds * 1000);
      second = await pollOnce();
    }
    const last = second ?? first;
    if (!last.ok) {
      if (options.json) out.print(toJsonText(last, 2));
      else
        out.print(
          `${device.name} (${device.host}): POLL FAILED (${last.reason}) — ${last.message} (after ${last.durationMs} ms)`,
        );
      return 1;
    }
    const rates =
      second?.ok && first.ok ? computeRates(first.snapshot, second.snapshot, 3_600_000) : undefined;
    if (options.json)
      out.print(toJsonText({ ok: true, snapshot: last.snapshot, ...(rates ? { rates } : {}) }, 2));
    else out.print(renderSummary(device.host, last.snapshot, rates));
    return 0;
  } finally {
    mux.close();
  }
}
