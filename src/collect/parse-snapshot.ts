import type { SnmpValue, Varbind } from '../snmp/types.js';
import { absent } from '../snmp/types.js';
import { CONFIG_CHANGE, HR_SWRUN, IF, RE_UPTIME, REDUNDANCY, SYSTEM, VC_MEMBER, VC_PORT } from './oids.js';
import type {
  Alarms,
  ConfigChange,
  InterfaceSample,
  ProcessSample,
  RedundancyRow,
  RedundancyState,
  RoutingEngineUptime,
  Snapshot,
  Supported,
  SwitchoverReason,
  SystemInfo,
  VcMember,
  VcPort,
  VcRole,
} from './snapshot.js';

/** What the collector read: the system GET and every walked column's rows. Pure input. */
export interface RawPoll {
  readonly device: string;
  readonly time: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly scalars: readonly Varbind[];
  readonly columns: ReadonlyMap<string, readonly Varbind[]>;
}

const text = (value: SnmpValue | undefined): string | undefined => {
  if (!value) return undefined;
  if (value.type === 'octets') return value.value.toString('utf8').replace(/\0+$/, '');
  if (value.type === 'oid' || value.type === 'ip') return value.value;
  if (
    value.type === 'int' ||
    value.type === 'gauge32' ||
    value.type === 'counter32' ||
    value.type === 'timeticks'
  )
    return String(value.value);
  return undefined;
};

const num = (value: SnmpValue | undefined): number | undefined => {
  if (!value) return undefined;
  if (
    value.type === 'int' ||
    value.type === 'gauge32' ||
    value.type === 'counter32' ||
    value.type === 'timeticks'
  )
    return value.value;
  if (value.type === 'counter64') return Number(value.value);
  return undefined;
};

const counter = (value: SnmpValue | undefined): bigint | undefined => {
  if (!value) return undefined;
  if (value.type === 'counter64') return value.value;
  if (value.type === 'counter32' || value.type === 'gauge32') return BigInt(value.value >>> 0);
  return undefined;
};

const mac = (value: SnmpValue | undefined): string =>
  value?.type === 'octets' && value.value.length === 6
    ? [...value.value].map((b) => b.toString(16).padStart(2, '0')).join(':')
    : '';

/** Rows of one column keyed by the index suffix after the column OID. */
function byIndex(columns: ReadonlyMap<string, readonly Varbind[]>, column: string): Map<string, SnmpValue> {
  const out = new Map<string, SnmpValue>();
  for (const vb of columns.get(column) ?? []) {
    if (!absent(vb.value)) out.set(vb.oid.slice(column.length + 1), vb.value);
  }
  return out;
}

function tableOf<T>(
  columns: ReadonlyMap<string, readonly Varbind[]>,
  spec: Record<string, string>,
  build: (index: string, cell: (name: string) => SnmpValue | undefined) => T | undefined,
): Supported<readonly T[]> {
  const cols = Object.fromEntries(Object.entries(spec).map(([name, oid]) => [name, byIndex(columns, oid)]));
  const indexes = new Set<string>();
  for (const col of Object.values(cols)) for (const index of col.keys()) indexes.add(index);
  if (indexes.size === 0) return { supported: false };
  const rows: T[] = [];
  for (const index of indexes) {
    const row = build(index, (name) => cols[name]?.get(index));
    if (row !== undefined) rows.push(row);
  }
  return { supported: true, value: rows };
}

/** jnxOperatingUpTime is an Integer32 TimeInterval: 2^31-1 means "more than we can say". */
const SATURATED = 2 ** 31 - 1;

const ROLES: Record<number, VcRole> = { 1: 'master', 2: 'backup', 3: 'linecard' };
const RED_STATES: Record<number, RedundancyState> = { 1: 'unknown', 2: 'master', 3: 'backup', 4: 'disabled' };
const REASONS: Record<number, SwitchoverReason> = {
  1: 'other',
  2: 'neverSwitched',
  3: 'userSwitched',
  4: 'autoSwitched',
};
const PROCESS_STATUS = { 1: 'running', 2: 'runnable', 3: 'notRunnable', 4: 'invalid' } as const;
const CONFIG_SOURCES: Record<number, string> = {
  1: 'other',
  2: 'cli',
  3: 'junoscript',
  4: 'synchronize',
  5: 'snmp',
  6: 'button',
  7: 'autoinstall',
  8: 'unknown',
};

/** `fpcId.len.c1.c2…` → member and port name (jnxVirtualChassisPortTable index). */
function decodePortIndex(index: string): { member: number; name: string } | undefined {
  const parts = index.split('.').map(Number);
  const [member, length, ...chars] = parts;
  if (member === undefined || length === undefined || chars.length !== length) return undefined;
  return { member, name: String.fromCharCode(...chars) };
}

function parseSystem(scalars: readonly Varbind[]): SystemInfo | undefined {
  const get = (oid: string) => {
    const vb = scalars.find((v) => v.oid === oid);
    return vb && !absent(vb.value) ? vb.value : undefined;
  };
  const upTime = get(SYSTEM.sysUpTime);
  if (upTime?.type !== 'timeticks') return undefined;
  return {
    descr: text(get(SYSTEM.sysDescr)) ?? '',
    objectId: text(get(SYSTEM.sysObjectID)) ?? '',
    name: text(get(SYSTEM.sysName)) ?? '',
    upTimeCs: upTime.value,
    engineBoots: num(get(SYSTEM.snmpEngineBoots)),
    engineTimeS: num(get(SYSTEM.snmpEngineTime)),
    hostUpTimeCs: num(get(SYSTEM.hrSystemUptime)),
  };
}

function parseAlarms(scalars: readonly Varbind[]): Supported<Alarms> {
  const get = (oid: string) => {
    const vb = scalars.find((v) => v.oid === oid);
    return vb && !absent(vb.value) ? num(vb.value) : undefined;
  };
  const red = get(SYSTEM.jnxRedAlarmState);
  const yellow = get(SYSTEM.jnxYellowAlarmState);
  if (red === undefined && yellow === undefined) return { supported: false };
  return {
    supported: true,
    value: {
      red: red === 3,
      redCount: get(SYSTEM.jnxRedAlarmCount),
      yellow: yellow === 3,
      yellowCount: get(SYSTEM.jnxYellowAlarmCount),
    },
  };
}

function parseInterfaces(
  columns: ReadonlyMap<string, readonly Varbind[]>,
): Supported<readonly InterfaceSample[]> {
  const hc = byIndex(columns, IF.ifHCInOctets).size > 0;
  return tableOf(columns, IF, (index, cell) => {
    const ifIndex = Number(index);
    if (!Number.isInteger(ifIndex)) return undefined;
    const inOctets = counter(cell(hc ? 'ifHCInOctets' : 'ifInOctets'));
    const outOctets = counter(cell(hc ? 'ifHCOutOctets' : 'ifOutOctets'));
    const admin = num(cell('ifAdminStatus'));
    const oper = num(cell('ifOperStatus'));
    return {
      index: ifIndex,
      name: text(cell('ifName')) || text(cell('ifDescr')) || `ifIndex ${ifIndex}`,
      alias: text(cell('ifAlias')) ?? '',
      adminUp: admin === undefined ? undefined : admin === 1,
      operUp: oper === undefined ? undefined : oper === 1,
      speedMbps: num(cell('ifHighSpeed')),
      inOctets,
      outOctets,
      counterBits: inOctets === undefined && outOctets === undefined ? undefined : hc ? 64 : 32,
      discontinuityCs: num(cell('ifCounterDiscontinuityTime')),
    };
  });
}

/** Builds the immutable Snapshot from what one poll read. Absent tables are "not supported". */
export function parseSnapshot(raw: RawPoll): Snapshot | undefined {
  const system = parseSystem(raw.scalars);
  if (!system) return undefined;
  const { columns } = raw;
  const byMember = (a: { id: number }, b: { id: number }) => a.id - b.id;

  const vcMembers = tableOf<VcMember>(columns, VC_MEMBER, (index, cell) => {
    const id = Number(index);
    if (!Number.isInteger(id)) return undefined;
    return {
      id,
      role: ROLES[num(cell('role')) ?? 0] ?? 'unknown',
      serial: text(cell('serial')) ?? '',
      model: text(cell('model')) ?? '',
      version: text(cell('version')) ?? '',
      priority: num(cell('priority')),
      mac: mac(cell('mac')),
      uptimeS: num(cell('uptime')),
    };
  });
  const vcPorts = tableOf<VcPort>(columns, VC_PORT, (index, cell) => {
    const decoded = decodePortIndex(index);
    return decoded ? { ...decoded, up: num(cell('operStatus')) === 1 } : undefined;
  });
  const redundancy = tableOf<RedundancyRow>(columns, REDUNDANCY, (index, cell) => ({
    index,
    descr: text(cell('descr')) ?? '',
    state: RED_STATES[num(cell('state')) ?? 1] ?? 'unknown',
    switchoverCount: num(cell('switchoverCount')),
    switchoverTimeCs: num(cell('switchoverTime')),
    reason: REASONS[num(cell('switchoverReason')) ?? 0] ?? 'unknown',
  }));
  const processes = tableOf<ProcessSample>(columns, HR_SWRUN, (index, cell) => {
    const pid = Number(index);
    if (!Number.isInteger(pid)) return undefined;
    const status = num(cell('status'));
    return {
      pid,
      name: text(cell('name')) ?? '',
      status:
        status === 1 || status === 2 || status === 3 || status === 4 ? PROCESS_STATUS[status] : 'unknown',
    };
  });
  const configChanges = tableOf<ConfigChange>(columns, CONFIG_CHANGE, (index, cell) => ({
    index: Number(index),
    timeCs: num(cell('time')),
    source: CONFIG_SOURCES[num(cell('source')) ?? 0] ?? 'unknown',
    user: text(cell('user')) ?? '',
  }));

  const routingEngines = tableOf<RoutingEngineUptime>(columns, { upTime: RE_UPTIME }, (index, cell) => {
    const up = num(cell('upTime'));
    // Some agents pin the value at 2^31-1 (qfx5100 recording): a clock that cannot move is none.
    return { index: `9.${index}`, upTimeCs: up === undefined || up >= SATURATED ? undefined : up };
  });

  const sorted = <T>(s: Supported<readonly T[]>, by: (a: T, b: T) => number): Supported<readonly T[]> =>
    s.supported ? { supported: true, value: [...s.value].sort(by) } : s;

  return {
    device: raw.device,
    time: raw.time,
    durationMs: raw.durationMs,
    requests: raw.requests,
    system,
    interfaces: sorted(parseInterfaces(columns), (a, b) => a.index - b.index),
    processes: sorted(processes, (a, b) => a.pid - b.pid),
    vcMembers: sorted(vcMembers, byMember),
    vcPorts: sorted(vcPorts, (a, b) => a.member - b.member || a.name.localeCompare(b.name)),
    redundancy: sorted(redundancy, (a, b) => a.index.localeCompare(b.index)),
    alarms: parseAlarms(raw.scalars),
    configChanges: sorted(configChanges, (a, b) => a.index - b.index),
    routingEngines: sorted(routingEngines, (a, b) => a.index.localeCompare(b.index)),
  };
}
