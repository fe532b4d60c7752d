import type { SnmpValue, Varbind } from '../snmp/types.js';
import type { StampedHappening } from './happening.js';
import type { Notice, SyslogNotice, TrapNotice } from './notice.js';

/**
 * What a Junos switch announces for each kind of happening: the SNMP traps (real OIDs and varbinds)
 * and the syslog lines (real shapes). Pure: the same input always gives the same notices.
 *
 * Sources of the shapes, cited per builder below:
 * - [fixture] test/fixtures/syslog/junos-crash-samples.log (+ .sources.md): real lines.
 * - [genie] CiscoTestAutomation/genieparser:src/genie/libs/parser/junos/tests/ShowLogFilename/cli/
 *   equal/golden_output_output.txt@366d83b9: the same real MX `show log messages` as fixture group B;
 *   it also holds the `UI_COMMIT` line the fixture did not copy.
 * - [catalogue] Junos OS 10.3 System Log Messages Reference (message templates, severity, facility).
 * - [jdoc] the Junos "interpreting messages" example quoted in many places (snmpd lines with
 *   explicit priority `%DAEMON-2-SNMPD_TRAP_COLD_START`, `%DAEMON-3-SNMPD_TRAP_WARM_START`).
 * - MIBs: ../shared/docs/juniper-reference.md; JUNIPER-CFGMGMT-MIB (librenms/librenms:
 *   mibs/junos/JUNIPER-CFGMGMT-MIB); JUNIPER-SYSLOG-MIB (pysnmp compile of the Juniper MIB).
 * Anything marked INFERRED is a shape no real sample was found for.
 */

export interface NoticeContext {
  readonly device: string;
  /** The syslog HOSTNAME and jnxSyslogHostName (the simulator uses the device name). */
  readonly hostname: string;
  readonly timeMs: number;
  /** sysUpTime.0 of the agent (centiseconds) when the notices are raised. */
  readonly uptimeCs: number;
}

/** Syslog facilities (RFC 5424 numbers) and severities used by the Junos daemons below. */
export const Facility = { kern: 0, user: 1, daemon: 3, auth: 4 } as const;
export const Severity = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;

/** Trap OIDs (snmpTrapOID.0 values). */
export const TRAP = {
  coldStart: '1.3.6.1.6.3.1.1.5.1',
  warmStart: '1.3.6.1.6.3.1.1.5.2',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
  /** JUNIPER-MIB jnxChassisTraps 4. */
  jnxRedundancySwitchover: '1.3.6.1.4.1.2636.4.1.4',
  /** JUNIPER-CFGMGMT-MIB jnxCmNotificationsPrefix (jnxTraps 5 . 0) . 1. */
  jnxCmCfgChange: '1.3.6.1.4.1.2636.4.5.0.1',
  /** JUNIPER-SYSLOG-MIB jnxSyslogNotificationPrefix . 1: a syslog event raised as a trap. */
  jnxSyslogTrap: '1.3.6.1.4.1.2636.4.12.0.1',
  /** JUNIPER-VIRTUALCHASSIS-MIB jnxVccpNotificationsPrefix . 3 / . 4. */
  jnxVccpMemberUp: '1.3.6.1.4.1.2636.4.14.0.3',
  jnxVccpMemberDown: '1.3.6.1.4.1.2636.4.14.0.4',
} as const;

/** Varbind columns (the instance is appended). */
const COL = {
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  /** jnxRedundancyTable 1.3.6.1.4.1.2636.3.1.14.1.<col> (index contents.L1.L2.L3). */
  redundancy: '1.3.6.1.4.1.2636.3.1.14.1',
  /** jnxVirtualChassisMemberTable entry (index member id). */
  vcMember: '1.3.6.1.4.1.2636.3.40.1.4.1.1.1',
  /** jnxSyslogTable entry (index jnxSyslogId). */
  syslog: '1.3.6.1.4.1.2636.3.35.1.1.1',
  /** jnxCmCfgChgEventTable entry (index jnxCmCfgChgEventIndex). */
  cfgChg: '1.3.6.1.4.1.2636.3.18.1.7.1',
} as const;

// --- value helpers ---------------------------------------------------------------------------

const int = (value: number): SnmpValue => ({ type: 'int', value });
const gauge = (value: number): SnmpValue => ({ type: 'gauge32', value });
const counter = (value: number): SnmpValue => ({ type: 'counter32', value });
const ticks = (value: number): SnmpValue => ({ type: 'timeticks', value });
const str = (value: string): SnmpValue => ({ type: 'octets', value: Buffer.from(value, 'utf8') });
const vb = (oid: string, value: SnmpValue): Varbind => ({ oid, value });

/** SNMPv2-TC DateAndTime, 11 octets, UTC (`+0:0`). */
export function dateAndTime(timeMs: number): Buffer {
  const d = new Date(timeMs);
  const b = Buffer.alloc(11);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = d.getUTCHours();
  b[5] = d.getUTCMinutes();
  b[6] = d.getUTCSeconds();
  b[7] = Math.floor(d.getUTCMilliseconds() / 100);
  b[8] = 0x2b; // '+'
  b[9] = 0;
  b[10] = 0;
  return b;
}

/**
 * A stable PID for a Junos daemon of a device (the simulator has no real processes): the same
 * device always logs chassisd with the same PID, different devices differ.
 */
export function daemonPid(device: string, daemon: string): number {
  let h = 2166136261;
  for (const c of `${device}/${daemon}`) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 16777619);
  return 1000 + ((h >>> 0) % 60000);
}

function trap(ctx: NoticeContext, trapOid: string, varbinds: readonly Varbind[]): TrapNotice {
  return { kind: 'trap', device: ctx.device, timeMs: ctx.timeMs, trapOid, uptimeCs: ctx.uptimeCs, varbinds };
}

interface LineSpec {
  readonly facility: number;
  readonly severity: number;
  readonly app: string;
  readonly pid?: number | undefined;
  readonly msgid?: string | undefined;
  readonly text: string;
}

function line(ctx: NoticeContext, spec: LineSpec): SyslogNotice {
  return {
    kind: 'syslog',
    device: ctx.device,
    timeMs: ctx.timeMs,
    hostname: ctx.hostname,
    facility: spec.facility,
    severity: spec.severity,
    app: spec.app,
    ...(spec.pid === undefined ? {} : { pid: spec.pid }),
    ...(spec.msgid === undefined ? {} : { msgid: spec.msgid }),
    text: spec.text,
  };
}

/**
 * The jnxSyslogTrap an event policy (`then raise-trap`) makes of a syslog line: the jnxSyslogTable
 * columns 2..9 of one row. JnxSyslogSeverity is the syslog severity + 1 (emergency(1)..debug(8))
 * and JnxSyslogFacility the syslog facility + 1 for the standard codes (kernel(1), user(2),
 * daemon(4), auth(5)…), per JUNIPER-SYSLOG-MIB. A message without a Junos tag (init's lines) has
 * the event name `SYSTEM`, the id Junos event policies use for untagged messages.
 */
export function syslogTrap(ctx: NoticeContext, source: SyslogNotice, syslogId: number): TrapNotice {
  const col = (n: number): string => `${COL.syslog}.${n}.${syslogId}`;
  const message =
    source.msgid !== undefined && source.text.startsWith(`${source.msgid}: `)
      ? source.text.slice(source.msgid.length + 2)
      : source.text;
  return trap(ctx, TRAP.jnxSyslogTrap, [
    vb(col(2), str(source.msgid ?? 'SYSTEM')),
    vb(col(3), { type: 'octets', value: dateAndTime(source.timeMs) }),
    vb(col(4), int(source.severity + 1)),
    vb(col(5), int(source.facility + 1)),
    // init is PID 1; a line without a PID field reports 0
    vb(col(6), gauge(source.pid ?? (source.app === 'init' ? 1 : 0))),
    vb(col(7), str(source.app)),
    vb(col(8), str(source.hostname)),
    vb(col(9), str(message)),
  ]);
}

/** A jnxSyslogId for a notice: the row index of the event in jnxSyslogTable (seconds of scenario time). */
const defaultSyslogId = (ctx: NoticeContext): number => Math.floor(ctx.timeMs / 1000) % 2147483647;

// --- process crash / start -------------------------------------------------------------------

/**
 * The name init gives a daemon in its messages: `routing` for rpd ([fixture] lines 1–7: an rpd
 * crash on an MX104 logged as `init: routing (PID 70445) …`). Other daemons keep their own name
 * (`fxpc`, `chassisd`…): INFERRED, no real sample.
 */
export function initName(process: string): string {
  return process === 'rpd' ? 'routing' : process;
}

export interface CrashParams {
  readonly process: string;
  readonly pid: number;
  readonly signal: number;
  readonly core: boolean;
  /** jnxSyslogTable row of the raised trap (default: seconds of scenario time). */
  readonly syslogId?: number;
}

/**
 * A daemon crash: init's line, then the jnxSyslogTrap an event policy raises for it.
 * `<27>Apr 19 16:23:51 sw1 init: routing (PID 70445) terminated by signal number 11. Core dumped!`
 * Shape: [fixture] lines 1–7 (no PID field after `init`, no Junos tag). Without a core the text
 * ends `terminated by signal number 9!` (INFERRED). Facility daemon; severity err (INFERRED: the
 * real lines carry no PRI).
 */
export function crashNotices(ctx: NoticeContext, p: CrashParams): Notice[] {
  const crash = line(ctx, {
    facility: Facility.daemon,
    severity: Severity.err,
    app: 'init',
    text: `${initName(p.process)} (PID ${p.pid}) terminated by signal number ${p.signal}${p.core ? '. Core dumped!' : '!'}`,
  });
  return [crash, syslogTrap(ctx, crash, p.syslogId ?? defaultSyslogId(ctx))];
}

export interface StartParams {
  readonly process: string;
  readonly pid: number;
}

/**
 * A daemon (re)started by jlaunchd (which replaces init on newer Junos):
 * `<30>Mar  5 14:47:49 sw1 jlaunchd: mobiled (PID 92007) started` — [fixture] lines 12–18 ([genie]).
 * Facility daemon, severity info (INFERRED: no PRI in the source).
 */
export function processStartNotices(ctx: NoticeContext, p: StartParams): Notice[] {
  return [
    line(ctx, {
      facility: Facility.daemon,
      severity: Severity.info,
      app: 'jlaunchd',
      text: `${p.process} (PID ${p.pid}) started`,
    }),
  ];
}

// --- VC master switchover ---------------------------------------------------------------------

export type SwitchoverReason = 'other' | 'neverSwitched' | 'userSwitched' | 'autoSwitched';
const SWITCHOVER_REASON: Readonly<Record<SwitchoverReason, number>> = {
  other: 1,
  neverSwitched: 2,
  userSwitched: 3,
  autoSwitched: 4,
};

export interface SwitchoverParams {
  /** The member that was master (absent: unknown). */
  readonly from: number | undefined;
  /** The member that is master now. */
  readonly to: number;
  /** The backup member after the switchover (default: `from`, else `to`). */
  readonly backup?: number;
  /**
   * jnxRedundancyTable row of the new master, `contents.L1.L2.L3` (default `9.1.0.0`: on the
   * EX4300 VC recording the master RE's row is 9.1.0.0, named after the master member).
   */
  readonly redundancyIndex?: string;
  /** jnxRedundancyDescr (default `Routing Engine <to>`). */
  readonly descr?: string;
  /** jnxRedundancySwitchoverCount after this switchover (default 1). */
  readonly switchoverCount?: number;
  /** jnxRedundancySwitchoverTime, sysUpTime cs (default: the context's uptime). */
  readonly switchoverTimeCs?: number;
  readonly reason?: SwitchoverReason;
  /** Whether membership changed too (the old master left): the line's last field. Default true. */
  readonly membersChanged?: boolean;
}

/**
 * A VC master switchover: jnxRedundancySwitchover (varbinds per JUNIPER-MIB: contents/L1/L2/L3
 * index, descr, config, state, switchover count, time, reason), then chassisd's line
 * `CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member 1->1, Mode Backup->Master,
 * 1M 2B, Master Changed, Members Changed` — [fixture] line 31 (message body only: the header
 * `chassisd[pid]:` and PRI daemon.notice are INFERRED from the tag's `_NOTICE` and chassisd's
 * other lines). `<n>M <m>B` reads as master member n, backup member m (both samples agree).
 */
export function switchoverNotices(ctx: NoticeContext, p: SwitchoverParams): Notice[] {
  const index = p.redundancyIndex ?? '9.1.0.0';
  const parts = index.split('.').map(Number);
  const col = (n: number): string => `${COL.redundancy}.${n}.${index}`;
  const backup = p.backup ?? p.from ?? p.to;
  const switchover = trap(ctx, TRAP.jnxRedundancySwitchover, [
    vb(col(1), int(parts[0] ?? 9)),
    vb(col(2), int(parts[1] ?? 1)),
    vb(col(3), int(parts[2] ?? 0)),
    vb(col(4), int(parts[3] ?? 0)),
    vb(col(5), str(p.descr ?? `Routing Engine ${p.to}`)),
    vb(col(6), int(2)), // jnxRedundancyConfig master(2)
    vb(col(7), int(2)), // jnxRedundancyState master(2)
    vb(col(8), counter(p.switchoverCount ?? 1)),
    vb(col(9), ticks(p.switchoverTimeCs ?? ctx.uptimeCs)),
    vb(col(10), int(SWITCHOVER_REASON[p.reason ?? 'autoSwitched'])),
  ]);
  const update = line(ctx, {
    facility: Facility.daemon,
    severity: Severity.notice,
    app: 'chassisd',
    pid: daemonPid(ctx.device, 'chassisd'),
    msgid: 'CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE',
    text:
      `CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member ${p.to}->${p.to}, ` +
      `Mode Backup->Master, ${p.to}M ${backup}B, Master Changed, ` +
      `Members ${p.membersChanged === false ? 'Unchanged' : 'Changed'}`,
  });
  return [switchover, update];
}

// --- VC member down / up ----------------------------------------------------------------------

export type MemberRole = 'master' | 'backup' | 'linecard';
const ROLE: Readonly<Record<MemberRole, number>> = { master: 1, backup: 2, linecard: 3 };

export interface MemberParams {
  readonly member: number;
  readonly up: boolean;
  readonly serial: string;
  readonly role: MemberRole;
  readonly model: string;
  /** jnxVirtualChassisMemberLocation (the recordings have it empty). */
  readonly location?: string;
}

/**
 * A VC member leaves / joins: jnxVccpMemberDown / jnxVccpMemberUp with the member's serial, role,
 * model and location (JUNIPER-VIRTUALCHASSIS-MIB OBJECTS), then chassisd's
 * `CHASSISD_VCHASSIS_MEMBER_OP_NOTICE: Member change: vc add of member 1` — [fixture] line 33
 * (body only). The leave form `vc delete of member N` is INFERRED from it.
 */
export function memberNotices(ctx: NoticeContext, p: MemberParams): Notice[] {
  const col = (n: number): string => `${COL.vcMember}.${n}.${p.member}`;
  return [
    trap(ctx, p.up ? TRAP.jnxVccpMemberUp : TRAP.jnxVccpMemberDown, [
      vb(col(2), str(p.serial)),
      vb(col(3), int(ROLE[p.role])),
      vb(col(8), str(p.model)),
      vb(col(9), str(p.location ?? '')),
    ]),
    line(ctx, {
      facility: Facility.daemon,
      severity: Severity.notice,
      app: 'chassisd',
      pid: daemonPid(ctx.device, 'chassisd'),
      msgid: 'CHASSISD_VCHASSIS_MEMBER_OP_NOTICE',
      text: `CHASSISD_VCHASSIS_MEMBER_OP_NOTICE: Member change: vc ${p.up ? 'add' : 'delete'} of member ${p.member}`,
    }),
  ];
}

// --- link down / up ---------------------------------------------------------------------------

export interface LinkParams {
  readonly ifIndex: number;
  readonly ifName: string;
  readonly up: boolean;
  readonly adminUp: boolean;
}

/**
 * linkDown / linkUp (IF-MIB: ifIndex, ifAdminStatus, ifOperStatus; Junos adds ifName), then mib2d's
 * `<28>Jul 20 21:45:59 vmx01 mib2d[2424]: SNMP_TRAP_LINK_DOWN: ifIndex 502, ifAdminStatus down(2),
 * ifOperStatus down(2), ifName xe-0/0/0` — [fixture] lines 25–26. Facility daemon; severity
 * warning for down, info for up ([catalogue] pp. 597: SNMP_TRAP_LINK_DOWN warning, _UP info; the
 * napalm-logs sample of the up line carries <28>, i.e. warning, as well).
 */
export function linkNotices(ctx: NoticeContext, p: LinkParams): Notice[] {
  const status = (up: boolean): number => (up ? 1 : 2);
  const word = (up: boolean): string => (up ? 'up(1)' : 'down(2)');
  const tag = p.up ? 'SNMP_TRAP_LINK_UP' : 'SNMP_TRAP_LINK_DOWN';
  return [
    trap(ctx, p.up ? TRAP.linkUp : TRAP.linkDown, [
      vb(`${COL.ifIndex}.${p.ifIndex}`, int(p.ifIndex)),
      vb(`${COL.ifAdminStatus}.${p.ifIndex}`, int(status(p.adminUp))),
      vb(`${COL.ifOperStatus}.${p.ifIndex}`, int(status(p.up))),
      vb(`${COL.ifName}.${p.ifIndex}`, str(p.ifName)),
    ]),
    line(ctx, {
      facility: Facility.daemon,
      severity: p.up ? Severity.info : Severity.warning,
      app: 'mib2d',
      pid: daemonPid(ctx.device, 'mib2d'),
      msgid: tag,
      text: `${tag}: ifIndex ${p.ifIndex}, ifAdminStatus ${word(p.adminUp)}, ifOperStatus ${word(p.up)}, ifName ${p.ifName}`,
    }),
  ];
}

// --- configuration commit ---------------------------------------------------------------------

/** JUNIPER-CFGMGMT-MIB JnxCmCfChgSource. */
export type ConfigSource =
  | 'other'
  | 'cli'
  | 'junoscript'
  | 'synchronize'
  | 'snmp'
  | 'button'
  | 'autoinstall'
  | 'unknown';
const CONFIG_SOURCE: Readonly<Record<ConfigSource, number>> = {
  other: 1,
  cli: 2,
  junoscript: 3,
  synchronize: 4,
  snmp: 5,
  button: 6,
  autoinstall: 7,
  unknown: 8,
};

export function isConfigSource(value: string): value is ConfigSource {
  return Object.hasOwn(CONFIG_SOURCE, value);
}

export interface CommitParams {
  readonly user: string;
  readonly source: ConfigSource;
  /** The commit comment (absent: `none`, as Junos writes it). */
  readonly comment?: string;
  /** jnxCmCfgChgEventIndex (default: seconds of scenario time). */
  readonly eventIndex?: number;
}

/**
 * A configuration commit: mgd's `UI_COMMIT: User 'alice' requested 'commit' operation (comment:
 * none)` ([genie] source line 10, `mgd[91373]:` header), then jnxCmCfgChange with
 * jnxCmCfgChgEventTime/Date/Source/User (and Log = the comment when there is one: a real EX2200
 * trap in librenms/librenms:tests/Feature/SnmpTraps/JnxCmCfgChangeTest.php carries no Log).
 * Facility auth, severity notice: from memory of the [catalogue] (UI_* events), not re-checked.
 */
export function configCommitNotices(ctx: NoticeContext, p: CommitParams): Notice[] {
  const index = p.eventIndex ?? defaultSyslogId(ctx);
  const col = (n: number): string => `${COL.cfgChg}.${n}.${index}`;
  const varbinds: Varbind[] = [
    vb(col(2), ticks(ctx.uptimeCs)),
    vb(col(3), { type: 'octets', value: dateAndTime(ctx.timeMs) }),
    vb(col(4), int(CONFIG_SOURCE[p.source])),
    vb(col(5), str(p.user)),
  ];
  if (p.comment !== undefined) varbinds.push(vb(col(6), str(p.comment)));
  return [
    line(ctx, {
      facility: Facility.auth,
      severity: Severity.notice,
      app: 'mgd',
      pid: daemonPid(ctx.device, 'mgd'),
      msgid: 'UI_COMMIT',
      text: `UI_COMMIT: User '${p.user}' requested 'commit' operation (comment: ${p.comment ?? 'none'})`,
    }),
    trap(ctx, TRAP.jnxCmCfgChange, varbinds),
  ];
}

// --- reboot / agent restart -------------------------------------------------------------------

/**
 * The device came back from a reboot: snmpd's coldStart (no varbinds of its own) and its line
 * `SNMPD_TRAP_COLD_START: trap_generate_cold: SNMP trap: cold start` ([jdoc]; [catalogue]: "a
 * cold-start trap when the entire Routing Engine (including the snmpd process) initialized").
 * Priority daemon.crit, as `%DAEMON-2-SNMPD_TRAP_COLD_START` in [jdoc].
 */
export function coldStartNotices(ctx: NoticeContext): Notice[] {
  return [
    trap(ctx, TRAP.coldStart, []),
    line(ctx, {
      facility: Facility.daemon,
      severity: Severity.crit,
      app: 'snmpd',
      pid: daemonPid(ctx.device, 'snmpd'),
      msgid: 'SNMPD_TRAP_COLD_START',
      text: 'SNMPD_TRAP_COLD_START: trap_generate_cold: SNMP trap: cold start',
    }),
  ];
}

/**
 * Only snmpd restarted (the Routing Engine did not): Junos sends warmStart, and logs
 * `SNMPD_TRAP_WARM_START: trap_generate_warm: SNMP trap: warm start` ([jdoc], priority
 * `%DAEMON-3-`, i.e. daemon.err). Decision: coldStart is reserved for a whole-RE start, per the
 * [catalogue] text of SNMPD_TRAP_COLD_START; a snmpd-only restart is therefore warmStart. snmpd
 * comes back with a new PID (`pid`, default: a stable PID + 1).
 */
export function warmStartNotices(ctx: NoticeContext, p: { readonly snmpdPid?: number } = {}): Notice[] {
  return [
    trap(ctx, TRAP.warmStart, []),
    line(ctx, {
      facility: Facility.daemon,
      severity: Severity.err,
      app: 'snmpd',
      pid: p.snmpdPid ?? daemonPid(ctx.device, 'snmpd') + 1,
      msgid: 'SNMPD_TRAP_WARM_START',
      text: 'SNMPD_TRAP_WARM_START: trap_generate_warm: SNMP trap: warm start',
    }),
  ];
}

// --- VCCP adjacency lost ----------------------------------------------------------------------

export interface AdjDownParams {
  /** The member whose adjacency was lost. */
  readonly member: number;
  /** Its VCCP system id (default: a stable MAC-like id of device and member). */
  readonly neighbor?: string;
  /** The local VC port (default `vcp-255/1/0`). */
  readonly interface?: string;
}

/** A stable `xxxx.xxxx.xxxx` system id for a member of a device. */
export function vcSystemId(device: string, member: number): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  const h = daemonPid(device, `member${member}`);
  return `${hex(0x0021)}.${hex(h & 0xffff)}.${hex(0x5900 + (member & 0xff))}`;
}

/**
 * The hint before a member loss: vccpd's `VCCPD_PROTOCOL_ADJDOWN: Lost adjacency to <system-id>
 * on <vcp port>`. Only the [catalogue] template exists ("Lost adjacency to neighbor-system-ids on
 * interface-name", severity notice); no real line was found, so the system-id and port spelling
 * are INFERRED. Facility daemon.
 */
export function vccpAdjDownNotices(ctx: NoticeContext, p: AdjDownParams): Notice[] {
  return [
    line(ctx, {
      facility: Facility.daemon,
      severity: Severity.notice,
      app: 'vccpd',
      pid: daemonPid(ctx.device, 'vccpd'),
      msgid: 'VCCPD_PROTOCOL_ADJDOWN',
      text: `VCCPD_PROTOCOL_ADJDOWN: Lost adjacency to ${p.neighbor ?? vcSystemId(ctx.device, p.member)} on ${p.interface ?? 'vcp-255/1/0'}`,
    }),
  ];
}

// --- one happening --------------------------------------------------------------------------

/** The notices a Junos switch sends for one happening of the device model, in sending order. */
export function happeningNotices(stamped: StampedHappening, hostname: string = stamped.device): Notice[] {
  const ctx: NoticeContext = {
    device: stamped.device,
    hostname,
    timeMs: stamped.timeMs,
    uptimeCs: stamped.uptimeCs,
  };
  const h = stamped.happening;
  switch (h.kind) {
    case 'process_crash':
      return crashNotices(ctx, {
        process: h.process,
        pid: h.pid,
        signal: h.signal,
        core: h.coreFile !== undefined,
      });
    case 'process_start':
      return processStartNotices(ctx, { process: h.process, pid: h.pid });
    case 'switchover':
      return switchoverNotices(ctx, {
        from: h.from,
        to: h.to,
        ...(h.redundancyIndex === undefined ? {} : { redundancyIndex: h.redundancyIndex }),
        ...(h.switchoverCount === undefined ? {} : { switchoverCount: h.switchoverCount }),
      });
    case 'member_down':
    case 'member_up':
      return memberNotices(ctx, {
        member: h.member,
        up: h.kind === 'member_up',
        serial: h.serial,
        role: h.role,
        model: h.model,
      });
    case 'link':
      return linkNotices(ctx, { ifIndex: h.ifIndex, ifName: h.ifName, up: h.up, adminUp: h.adminUp });
    case 'config_commit':
      return configCommitNotices(ctx, {
        user: h.user,
        source: isConfigSource(h.source) ? h.source : 'other',
      });
    case 'cold_start':
      return coldStartNotices(ctx);
    case 'agent_restart':
      return warmStartNotices(ctx);
    case 'vccp_adjdown':
      return vccpAdjDownNotices(ctx, { member: h.member });
  }
}
