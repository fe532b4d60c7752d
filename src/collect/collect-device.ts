import type { DeviceConfig, SnmpSecurity } from '../config/types.js';
import type { SnmpConnector, SnmpFailure, Varbind } from '../snmp/types.js';
import { CONFIG_CHANGE, HR_SWRUN, IF, REDUNDANCY, SYSTEM, VC_MEMBER, VC_PORT } from './oids.js';
import { parseSnapshot } from './parse-snapshot.js';
import type { PollResult } from './snapshot.js';

/**
 * Collect (I/O): one SNMP poll of one device, under one deadline. Two requests carry the whole
 * poll for a small device: a GET of the system scalars, then one lock-step GetBulk walk of every
 * column it needs (IF-MIB, VC members and ports, redundancy, config changes, hrSWRun if watched).
 */

/** Per-device facts learned by earlier polls that make later polls cheaper. */
export interface CollectMemo {
  /** False once the device showed it has no ifXTable HC counters: walk ifTable's 32-bit ones. */
  hcCounters?: boolean;
}

const IF_COLUMNS = [
  IF.ifDescr,
  IF.ifAdminStatus,
  IF.ifOperStatus,
  IF.ifName,
  IF.ifHCInOctets,
  IF.ifHCOutOctets,
  IF.ifHighSpeed,
  IF.ifAlias,
  IF.ifCounterDiscontinuityTime,
];
const IF_32 = [IF.ifInOctets, IF.ifOutOctets];
const JUNIPER_COLUMNS = [
  ...Object.values(VC_MEMBER),
  ...Object.values(VC_PORT),
  ...Object.values(REDUNDANCY),
  ...Object.values(CONFIG_CHANGE),
];

/** One deadline for the whole poll: long enough for a slow healthy agent, never past the interval. */
export function pollDeadlineMs(device: DeviceConfig): number {
  const snmp = device.snmp;
  if (!snmp) return device.intervalMs;
  return Math.min(device.intervalMs, Math.max(10_000, snmp.timeoutMs * (snmp.retries + 1)));
}

export interface CollectInput {
  readonly device: DeviceConfig;
  /** The device's address, already resolved to an IP (replies are routed by source address). */
  readonly address: string;
  readonly connector: SnmpConnector<SnmpSecurity>;
  readonly now: () => number;
  readonly memo: CollectMemo;
}

export async function collectDevice({
  device,
  address,
  connector,
  now,
  memo,
}: CollectInput): Promise<PollResult> {
  const start = now();
  const snmp = device.snmp;
  const failed = (failure: Pick<SnmpFailure, 'reason' | 'retryable' | 'message'>): PollResult => ({
    ok: false,
    device: device.name,
    time: now(),
    durationMs: now() - start,
    reason: failure.reason,
    retryable: failure.retryable,
    message: failure.message,
  });
  if (!snmp)
    return failed({ reason: 'error', retryable: false, message: 'SNMP is disabled for this device' });

  const session = connector.open(snmp.security, {
    host: address,
    port: snmp.port,
    timeoutMs: snmp.timeoutMs,
    retries: snmp.retries,
    maxRepetitions: snmp.maxRepetitions,
    deadline: start + pollDeadlineMs(device),
  });
  try {
    const scalars = await session.get(Object.values(SYSTEM));
    if (!scalars.ok) {
      // v2c gets silence for a wrong community, exactly like a dead host. Tell them apart: an
      // agent that answers a credential-free SNMPv3 discovery is alive and refusing us.
      const left = start + pollDeadlineMs(device) - now();
      if (scalars.reason === 'timeout' && snmp.security.version === '2c' && left >= 500) {
        session.close();
        if (await connector.probe(address, snmp.port, Math.min(1000, left)))
          return failed({
            reason: 'auth',
            retryable: false,
            message:
              'the agent answers SNMPv3 discovery but not this community (wrong community, or its ACL excludes us)',
          });
      }
      return failed(scalars);
    }

    const columns: string[] = [
      ...IF_COLUMNS,
      ...(memo.hcCounters === false ? IF_32 : []),
      ...JUNIPER_COLUMNS,
    ];
    if (device.watchProcesses.length > 0) columns.push(...Object.values(HR_SWRUN));
    const walked = await session.walkColumns(columns);
    if (!walked.ok) return failed(walked);
    const table = new Map<string, readonly Varbind[]>(columns.map((oid, i) => [oid, walked.value[i] ?? []]));

    if (memo.hcCounters === undefined) {
      const hasHc = (table.get(IF.ifHCInOctets)?.length ?? 0) > 0;
      memo.hcCounters = hasHc;
      if (!hasHc) {
        const legacy = await session.walkColumns(IF_32);
        if (!legacy.ok) return failed(legacy);
        IF_32.forEach((oid, i) => {
          table.set(oid, legacy.value[i] ?? []);
        });
      }
    }

    const time = now();
    const snapshot = parseSnapshot({
      device: device.name,
      time,
      durationMs: time - start,
      requests: session.requests,
      scalars: scalars.value,
      columns: table,
    });
    if (!snapshot)
      return failed({ reason: 'malformed', retryable: true, message: 'the agent returned no sysUpTime' });
    return { ok: true, snapshot };
  } finally {
    session.close();
  }
}
