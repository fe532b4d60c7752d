import type { DeviceConfig, SnmpSecurity } from '../config/types.js';
import type { SnmpConnector, SnmpFailure, SnmpSession, Varbind } from '../snmp/types.js';
import { CONFIG_CHANGE, HR_SWRUN, IF, RE_UPTIME, REDUNDANCY, SYSTEM, VC_MEMBER, VC_PORT } from './oids.js';
import { parseSnapshot } from './parse-snapshot.js';
import type { PollFailureReason, PollResult } from './snapshot.js';

/**
 * Collect (I/O): one SNMP poll of one device, under one deadline. Two requests carry the whole
 * poll for a small device: a GET of the system scalars, then one lock-step GetBulk walk of every
 * column it needs (IF-MIB, VC members and ports, redundancy, RE uptimes, config changes, hrSWRun
 * if watched). Static columns (names, aliases, speeds, member serials) are walked only when the
 * cache in CollectMemo may be stale.
 */

/** Per-device facts learned by earlier polls that make later polls cheaper. Mutable, in RAM only. */
export interface CollectMemo {
  /** Whether the last walk found ifXTable HC counters; false: walk ifTable's 32-bit ones too. */
  hcCounters?: boolean;
  /** Static columns read by an earlier poll, reused until something says they may have changed. */
  statics?: StaticCache;
}

export interface StaticCache {
  /** Column OID → its rows as last walked. */
  readonly columns: ReadonlyMap<string, readonly Varbind[]>;
  /** Polls since the columns were read. */
  pollsSince: number;
  /**
   * Set when a poll's scalars said the columns may have changed (a restart, an ifTable change, the
   * refresh count): stays set until a poll reads the static columns successfully, so a walk that
   * fails right after a reboot cannot leave the old names, aliases and serials in use.
   */
  stale?: boolean;
  /**
   * The scalars the cache was last validated against: a restart or an ifTable change invalidates it.
   * Moved on only by a poll that found the cache valid or read the columns afresh.
   */
  upTimeCs: number | undefined;
  engineBoots: number | undefined;
  ifNumber: number | undefined;
  ifTableLastChange: number | undefined;
}

/**
 * Columns that do not change while a device runs: names, aliases, speeds, member serials and
 * models. Re-read after a reboot or agent restart, an ifTable change (ifNumber or
 * ifTableLastChange moved), a row the cache does not know, or every STATIC_REFRESH_POLLS polls.
 */
const STATIC_IF = [IF.ifDescr, IF.ifName, IF.ifHighSpeed, IF.ifAlias];
const STATIC_VC = [VC_MEMBER.serial, VC_MEMBER.mac, VC_MEMBER.version, VC_MEMBER.priority, VC_MEMBER.model];
const STATIC_COLUMNS = [...STATIC_IF, ...STATIC_VC];
export const STATIC_REFRESH_POLLS = 20;

/** Per table: the dynamic columns whose row indexes the static rows must cover. */
const TABLES = [
  { statics: STATIC_IF, dynamic: [IF.ifAdminStatus, IF.ifOperStatus] },
  { statics: STATIC_VC, dynamic: [VC_MEMBER.role, VC_MEMBER.uptime] },
];

const IF_COLUMNS = [
  IF.ifAdminStatus,
  IF.ifOperStatus,
  IF.ifHCInOctets,
  IF.ifHCOutOctets,
  IF.ifCounterDiscontinuityTime,
];
const IF_32 = [IF.ifInOctets, IF.ifOutOctets];
const JUNIPER_COLUMNS = [
  VC_MEMBER.role,
  VC_MEMBER.uptime,
  ...Object.values(VC_PORT),
  ...Object.values(REDUNDANCY),
  ...Object.values(CONFIG_CHANGE),
  RE_UPTIME,
];

/** Share of the poll interval one poll may take: a slow big chassis gets most of it, not 10 s. */
const DEADLINE_SHARE = 0.8;

/**
 * One deadline for the whole poll, bound to the interval: a large share of it (so an 854-port
 * chassis on a slow agent has time to finish), at least one request's full timeout × tries,
 * never past the interval (the next poll would stack on it).
 */
export function pollDeadlineMs(device: DeviceConfig): number {
  const snmp = device.snmp;
  if (!snmp) return device.intervalMs;
  return Math.min(
    device.intervalMs,
    Math.max(Math.round(device.intervalMs * DEADLINE_SHARE), snmp.timeoutMs * (snmp.retries + 1)),
  );
}

const scalarNum = (scalars: readonly Varbind[], oid: string): number | undefined => {
  const v = scalars.find((vb) => vb.oid === oid)?.value;
  return v && (v.type === 'int' || v.type === 'gauge32' || v.type === 'counter32' || v.type === 'timeticks')
    ? v.value
    : undefined;
};

const validatingScalars = (scalars: readonly Varbind[]) => ({
  upTimeCs: scalarNum(scalars, SYSTEM.sysUpTime),
  engineBoots: scalarNum(scalars, SYSTEM.snmpEngineBoots),
  ifNumber: scalarNum(scalars, SYSTEM.ifNumber),
  ifTableLastChange: scalarNum(scalars, SYSTEM.ifTableLastChange),
});

/**
 * Does the cache still hold, judged from this poll's scalars? A valid cache remembers them (its
 * sysUpTime moves on); an invalid one is marked stale and keeps the scalars it was read under, so
 * it stays invalid until the static columns are read successfully (`freshStatics`).
 */
function staticsStillValid(cache: StaticCache | undefined, scalars: readonly Varbind[]): boolean {
  if (!cache) return false;
  const now = validatingScalars(scalars);
  const valid =
    cache.stale !== true &&
    cache.pollsSince < STATIC_REFRESH_POLLS &&
    !(now.upTimeCs !== undefined && cache.upTimeCs !== undefined && now.upTimeCs < cache.upTimeCs) &&
    now.engineBoots === cache.engineBoots &&
    now.ifNumber === cache.ifNumber &&
    now.ifTableLastChange === cache.ifTableLastChange;
  if (valid) Object.assign(cache, now);
  else cache.stale = true;
  return valid;
}

/** A cache of static columns just read successfully, validated by this poll's scalars. */
const freshStatics = (
  columns: ReadonlyMap<string, readonly Varbind[]>,
  scalars: readonly Varbind[],
): StaticCache => ({ columns, pollsSince: 0, stale: false, ...validatingScalars(scalars) });

const indexesOf = (rows: readonly Varbind[] | undefined, column: string) =>
  new Set((rows ?? []).map((vb) => vb.oid.slice(column.length + 1)));

/**
 * Adds the cached static rows of the indexes the dynamic columns show, or returns false when a
 * dynamic row has no static row cached (a new interface or member): the caller re-reads them.
 */
function mergeStatics(table: Map<string, readonly Varbind[]>, cache: StaticCache): boolean {
  for (const { statics, dynamic } of TABLES) {
    const live = new Set<string>();
    for (const col of dynamic) for (const i of indexesOf(table.get(col), col)) live.add(i);
    const known = new Set<string>();
    for (const col of statics) for (const i of indexesOf(cache.columns.get(col), col)) known.add(i);
    for (const i of live) if (!known.has(i)) return false;
    for (const col of statics)
      table.set(
        col,
        (cache.columns.get(col) ?? []).filter((vb) => live.has(vb.oid.slice(col.length + 1))),
      );
  }
  return true;
}

export interface CollectInput {
  readonly device: DeviceConfig;
  /** The device's address, already resolved to an IP (replies are routed by source address). */
  readonly address: string;
  /**
   * The connector's `now` must read the same clock as `monotonic` (or `now` when `monotonic` is
   * not given): the session deadline is an absolute time on it.
   */
  readonly connector: SnmpConnector<SnmpSecurity>;
  /** Wall time (Unix ms): the stamps `snapshot.time` and a failure's `time`. */
  readonly now: () => number;
  /**
   * Monotonic time (the clock seam's `monotonicMs`): the poll deadline, `durationMs` and
   * `snapshot.monoMs`, which a wall-clock step must not move. Defaults to `now` (one clock).
   */
  readonly monotonic?: () => number;
  readonly memo: CollectMemo;
}

/** A walk that fails this close to the deadline was cut off by it. */
const DEADLINE_MARGIN_MS = 100;

async function readStatics(session: SnmpSession) {
  const walked = await session.walkColumns(STATIC_COLUMNS);
  if (!walked.ok) return walked;
  return {
    ok: true as const,
    value: new Map<string, readonly Varbind[]>(STATIC_COLUMNS.map((oid, i) => [oid, walked.value[i] ?? []])),
  };
}

export async function collectDevice({
  device,
  address,
  connector,
  now,
  monotonic = now,
  memo,
}: CollectInput): Promise<PollResult> {
  const start = monotonic();
  const snmp = device.snmp;
  const failed = (failure: {
    readonly reason: PollFailureReason;
    readonly retryable: boolean;
    readonly message: string;
  }): PollResult => ({
    ok: false,
    device: device.name,
    time: now(),
    durationMs: Math.max(0, monotonic() - start),
    reason: failure.reason,
    retryable: failure.retryable,
    message: failure.message,
  });
  if (!snmp)
    return failed({ reason: 'error', retryable: false, message: 'SNMP is disabled for this device' });

  // On monotonic time, as the connector's clock must be: a wall-clock step neither cuts the walk
  // nor lifts the deadline.
  const deadline = start + pollDeadlineMs(device);
  const session = connector.open(snmp.security, {
    host: address,
    port: snmp.port,
    timeoutMs: snmp.timeoutMs,
    retries: snmp.retries,
    maxRepetitions: snmp.maxRepetitions,
    deadline,
  });
  // Failures before the walk keep their reason: no answer to the GET is `timeout`, not `deadline`.
  try {
    const scalars = await session.get(Object.values(SYSTEM));
    if (!scalars.ok) {
      // v2c gets silence for a wrong community, exactly like a dead host. Tell them apart: an
      // agent that answers a credential-free SNMPv3 discovery is alive and refusing us.
      const left = deadline - monotonic();
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

    // The device answered the GET: a walk cut off by the deadline is a slow device, not a dead one.
    const walkFailed = (failure: SnmpFailure): PollResult =>
      failure.reason === 'timeout' && monotonic() >= deadline - DEADLINE_MARGIN_MS
        ? failed({
            reason: 'deadline',
            retryable: true,
            message: `the device answers, but its walk did not finish within the ${pollDeadlineMs(device)} ms poll deadline (${session.requests} requests)`,
          })
        : failed(failure);

    const reuse = staticsStillValid(memo.statics, scalars.value);
    const columns: string[] = [
      ...IF_COLUMNS,
      ...(memo.hcCounters === false ? IF_32 : []),
      ...JUNIPER_COLUMNS,
      ...(reuse ? [] : STATIC_COLUMNS),
    ];
    if (device.watchProcesses.length > 0) columns.push(...Object.values(HR_SWRUN));
    const walked = await session.walkColumns(columns);
    if (!walked.ok) return walkFailed(walked);
    const table = new Map<string, readonly Varbind[]>(columns.map((oid, i) => [oid, walked.value[i] ?? []]));

    // The HC columns are walked every poll, so whether the device has them is re-decided every
    // poll at no cost: one walk that found them empty by accident (an agent still starting, a
    // different box at the same name) does not turn them off for good.
    const hasHc = (table.get(IF.ifHCInOctets)?.length ?? 0) > 0;
    if (!hasHc && memo.hcCounters !== false) {
      const legacy = await session.walkColumns(IF_32);
      if (!legacy.ok) return walkFailed(legacy);
      IF_32.forEach((oid, i) => {
        table.set(oid, legacy.value[i] ?? []);
      });
    }
    memo.hcCounters = hasHc;

    if (reuse && memo.statics && !mergeStatics(table, memo.statics)) {
      // A row the cache does not know (a new interface or member): read the statics now.
      const fresh = await readStatics(session);
      if (!fresh.ok) return walkFailed(fresh);
      for (const [oid, rows] of fresh.value) table.set(oid, rows);
      memo.statics = freshStatics(fresh.value, scalars.value);
    } else if (!reuse) {
      memo.statics = freshStatics(
        new Map(STATIC_COLUMNS.map((oid) => [oid, table.get(oid) ?? []])),
        scalars.value,
      );
    }
    if (memo.statics) memo.statics.pollsSince += 1;

    const monoMs = monotonic();
    const parsed = parseSnapshot({
      device: device.name,
      time: now(),
      durationMs: Math.max(0, monoMs - start),
      requests: session.requests,
      scalars: scalars.value,
      columns: table,
    });
    if (!parsed)
      return failed({ reason: 'malformed', retryable: true, message: 'the agent returned no sysUpTime' });
    return { ok: true, snapshot: { ...parsed, monoMs } };
  } finally {
    session.close();
  }
}
