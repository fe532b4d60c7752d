import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import {
  defaultEngineId,
  formatRfc3164,
  formatRfc5424,
  syslogPri,
  toNetSnmpVarbind,
  wireUptime,
} from '../../src/sim/emit.js';
import type { StampedHappening } from '../../src/sim/happening.js';
import {
  coldStartNotices,
  configCommitNotices,
  crashNotices,
  dateAndTime,
  happeningNotices,
  linkNotices,
  memberNotices,
  type NoticeContext,
  processStartNotices,
  switchoverNotices,
  TRAP,
  vccpAdjDownNotices,
  warmStartNotices,
} from '../../src/sim/junos-notices.js';
import type { Notice, SyslogNotice, TrapNotice } from '../../src/sim/notice.js';

/** Real Junos lines (test/fixtures/syslog/junos-crash-samples.sources.md), by line number. */
const FIXTURE = readFileSync(join(import.meta.dirname, '../fixtures/syslog/junos-crash-samples.log'), 'utf8')
  .split('\n')
  .filter((l) => l !== '');
const fixtureLine = (n: number): string => {
  const l = FIXTURE[n - 1];
  if (l === undefined) throw new Error(`fixture has no line ${n}`);
  return l;
};

/** RFC 3164 as the fixture's raw lines have it: PRI, `Mmm dd hh:mm:ss`, host, `app[pid]:` or `app:`. */
const SHAPE_3164 =
  /^<(\d{1,3})>([A-Z][a-z]{2}) ([ 1-3]\d) (\d\d:\d\d:\d\d) +(\S+) ([\w-]+)(?:\[(\d+)\])?: (.*)$/;

const syslogOf = (notices: readonly Notice[]): SyslogNotice[] =>
  notices.filter((n): n is SyslogNotice => n.kind === 'syslog');
const trapsOf = (notices: readonly Notice[]): TrapNotice[] =>
  notices.filter((n): n is TrapNotice => n.kind === 'trap');
const one = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error('none');
  return item;
};
const octets = (n: TrapNotice, oid: string): string => {
  const v = n.varbinds.find((b) => b.oid === oid)?.value;
  if (v?.type !== 'octets') throw new Error(`${oid}: not octets`);
  return v.value.toString('utf8');
};
const num = (n: TrapNotice, oid: string): number => {
  const v = n.varbinds.find((b) => b.oid === oid)?.value;
  if (v === undefined || !('value' in v) || typeof v.value !== 'number')
    throw new Error(`${oid}: not a number`);
  return v.value;
};

const ctx = (over: Partial<NoticeContext> = {}): NoticeContext => ({
  device: 'vmx01',
  hostname: 'vmx01',
  timeMs: Date.UTC(2021, 6, 20, 21, 45, 59, 120),
  uptimeCs: 123456,
  ...over,
});

describe('RFC 3164 lines (formatRfc3164) against the real fixture lines', () => {
  it('the fixture raw lines this shape describes all match it (the check is not vacuous)', () => {
    for (const n of [19, 20, 21, 22, 23, 24, 25, 26, 28, 29]) expect(fixtureLine(n)).toMatch(SHAPE_3164);
  });

  it('link down and link up reproduce the mib2d lines byte for byte (up: PRI per the catalogue)', () => {
    const down = one(
      syslogOf(linkNotices(ctx(), { ifIndex: 502, ifName: 'xe-0/0/0', up: false, adminUp: false })),
    );
    const up = one(
      syslogOf(linkNotices(ctx(), { ifIndex: 502, ifName: 'xe-0/0/0', up: true, adminUp: true })),
    );
    expect(formatRfc3164({ ...down, pid: 2424 })).toBe(fixtureLine(25));
    // the catalogue says SNMP_TRAP_LINK_UP is daemon.info (<30>); the napalm sample carries <28>
    expect(formatRfc3164({ ...up, pid: 2424 })).toBe(fixtureLine(26).replace('<28>', '<30>'));
  });

  it('pads a one-digit day with a space, like `Jul  8` in the fixture', () => {
    const n = one(
      syslogOf(
        linkNotices(ctx({ timeMs: Date.UTC(2021, 6, 8, 23, 4, 13) }), {
          ifIndex: 1,
          ifName: 'me0',
          up: false,
          adminUp: true,
        }),
      ),
    );
    const line = formatRfc3164(n);
    expect(line).toMatch(/^<28>Jul {2}8 23:04:13 vmx01 mib2d\[\d+\]: /);
    expect(line).toMatch(SHAPE_3164);
    expect(fixtureLine(19).startsWith('<28>Jul  8 23:04:13')).toBe(true);
  });

  it('a crash is init’s line of the fixture, from the host name on (no PID field, no tag)', () => {
    const c = ctx({ hostname: 'HCM001CGI01_RE1', timeMs: Date.UTC(2022, 3, 19, 17, 8, 18, 761) });
    const line = formatRfc3164(
      one(syslogOf(crashNotices(c, { process: 'rpd', pid: 70756, signal: 11, core: true }))),
    );
    expect(line).toBe(
      '<27>Apr 19 17:08:18 HCM001CGI01_RE1 init: routing (PID 70756) terminated by signal number 11. Core dumped!',
    );
    const real = /(HCM001CGI01_RE1 init: .*)$/.exec(fixtureLine(2))?.[1];
    expect(real).toBeDefined();
    expect(line.endsWith(` ${real}`)).toBe(true);
    expect(line).toMatch(SHAPE_3164);
  });

  it('a restart is jlaunchd’s `X (PID n) started`, as fixture line 15', () => {
    const c = ctx({ hostname: 'sr_hktGCS001', timeMs: Date.UTC(2020, 2, 5, 14, 47, 49) });
    const line = formatRfc3164(one(syslogOf(processStartNotices(c, { process: 'mobiled', pid: 92007 }))));
    // the fixture is `show log messages` (two spaces after the time, no PRI): compare from the time on
    expect(line.replace(/^<\d+>/, '').replace(' sr_', '  sr_')).toBe(fixtureLine(15));
  });

  it('message bodies of chassisd equal the real Junos texts (fixture lines 31 and 33)', () => {
    const sw = one(syslogOf(switchoverNotices(ctx(), { from: 2, to: 1 })));
    expect(sw.text).toBe(fixtureLine(31));
    expect(sw.msgid).toBe('CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE');
    const add = one(
      syslogOf(
        memberNotices(ctx(), {
          member: 1,
          up: true,
          serial: 'XR0123456790',
          role: 'backup',
          model: 'ex4300-48mp',
        }),
      ),
    );
    expect(add.text).toBe(fixtureLine(33));
  });

  it('UI_COMMIT as in the real MX log (genieparser ShowLogFilename golden output, source line 10)', () => {
    const c = ctx({ hostname: 'sr_hktGCS001', timeMs: Date.UTC(2020, 2, 5, 14, 47, 45) });
    const [commit] = syslogOf(configCommitNotices(c, { user: 'user', source: 'cli' }));
    if (!commit) throw new Error('no line');
    expect(
      formatRfc3164({ ...commit, pid: 91373 })
        .replace(/^<\d+>/, '')
        .replace(' sr_', '  sr_'),
    ).toBe(
      "Mar  5 14:47:45  sr_hktGCS001 mgd[91373]: UI_COMMIT: User 'user' requested 'commit' operation (comment: none)",
    );
  });

  it('every builder’s syslog line has the fixture shape', () => {
    const c = ctx();
    const all = [
      ...crashNotices(c, { process: 'fxpc', pid: 1234, signal: 6, core: true }),
      ...processStartNotices(c, { process: 'fxpc', pid: 5678 }),
      ...switchoverNotices(c, { from: 0, to: 1 }),
      ...memberNotices(c, { member: 3, up: false, serial: 'S', role: 'linecard', model: 'ex4300-48mp' }),
      ...linkNotices(c, { ifIndex: 502, ifName: 'xe-0/0/0', up: false, adminUp: true }),
      ...configCommitNotices(c, { user: 'alice', source: 'cli', comment: 'change CR-1' }),
      ...coldStartNotices(c),
      ...warmStartNotices(c),
      ...vccpAdjDownNotices(c, { member: 2 }),
    ];
    for (const n of syslogOf(all)) expect(formatRfc3164(n)).toMatch(SHAPE_3164);
  });
});

describe('RFC 5424 lines (formatRfc5424)', () => {
  it('is the Junos structured-data example with SD as `-` (tag in MSGID, not repeated in MSG)', () => {
    const n: SyslogNotice = {
      kind: 'syslog',
      device: 'router1',
      timeMs: Date.parse('2007-02-15T09:17:15.719Z'),
      hostname: 'router1',
      facility: 20,
      severity: 5,
      app: 'mgd',
      pid: 3046,
      msgid: 'UI_DBASE_LOGOUT_EVENT',
      text: "UI_DBASE_LOGOUT_EVENT: User 'user' exiting configuration mode",
    };
    const real =
      '<165>1 2007-02-15T09:17:15.719Z router1 mgd 3046 UI_DBASE_LOGOUT_EVENT [junos@2636.1.1.1.2.18 username="user"] User \'user\' exiting configuration mode';
    expect(formatRfc5424(n)).toBe(real.replace(/\[junos@[^\]]*\]/, '-'));
  });

  it('puts `-` for absent PROCID and MSGID (init’s crash line), time in UTC with milliseconds', () => {
    const c = ctx({ hostname: 'HCM001CGI01_RE1', timeMs: Date.UTC(2022, 3, 19, 16, 23, 51, 204) });
    const [line] = syslogOf(crashNotices(c, { process: 'rpd', pid: 70445, signal: 11, core: true }));
    if (!line) throw new Error('no line');
    expect(formatRfc5424(line)).toBe(
      '<27>1 2022-04-19T16:23:51.204Z HCM001CGI01_RE1 init - - - routing (PID 70445) terminated by signal number 11. Core dumped!',
    );
  });

  it('has the fields of RFC 5424 for every builder', () => {
    const shape = /^<(\d{1,3})>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\S+) (\S+) (\S+) (\S+) - (.+)$/;
    const c = ctx();
    for (const n of syslogOf([
      ...linkNotices(c, { ifIndex: 502, ifName: 'xe-0/0/0', up: false, adminUp: false }),
      ...switchoverNotices(c, { from: 0, to: 1 }),
      ...configCommitNotices(c, { user: 'alice', source: 'cli' }),
    ])) {
      const m = shape.exec(formatRfc5424(n));
      expect(m).not.toBeNull();
      expect(m?.[5]).toBe(n.msgid);
      expect(m?.[6]?.startsWith(`${n.msgid}:`)).toBe(false);
    }
  });
});

describe('hostile text and PRI', () => {
  const hostile: SyslogNotice = {
    kind: 'syslog',
    device: 'evil',
    timeMs: Date.UTC(2024, 0, 2, 3, 4, 5),
    hostname: 'ev il\nhost',
    facility: 3,
    severity: 4,
    app: 'mgd\r\n',
    pid: 7,
    msgid: 'UI_X\n',
    text: "UI_COMMIT: User 'x\r\n<13>Jan  1 00:00:00 forged forged: hi' requested\0 'commit'",
  };

  it('one notice is one line: CR, LF and NUL never reach the datagram', () => {
    for (const line of [formatRfc3164(hostile), formatRfc5424(hostile)]) {
      expect(line).not.toMatch(/[\r\n\0]/);
      expect(line.split('<13>')).toHaveLength(2); // the forged header stays inside the message text
    }
    expect(formatRfc3164(hostile)).toBe(
      "<28>Jan  2 03:04:05 ev_il_host mgd_[7]: UI_COMMIT: User 'x <13>Jan  1 00:00:00 forged forged: hi' requested 'commit'",
    );
    expect(formatRfc5424(hostile)).toMatch(
      /^<28>1 2024-01-02T03:04:05\.000Z ev_il_host mgd_ 7 UI_X_ - UI_COMMIT: /,
    );
  });

  it('an empty header field becomes `-`', () => {
    expect(formatRfc5424({ ...hostile, hostname: '', app: '' })).toMatch(/^<28>1 \S+ - - 7 /);
  });

  it('PRI = facility × 8 + severity, clamped to 0..191', () => {
    expect(syslogPri(3, 4)).toBe(28);
    expect(syslogPri(20, 5)).toBe(165);
    expect(syslogPri(23, 7)).toBe(191);
    expect(syslogPri(99, 42)).toBe(191);
    expect(syslogPri(-1, Number.NaN)).toBe(0);
  });
});

describe('Junos traps (junos-notices)', () => {
  const c = ctx({ device: 'sw1', hostname: 'sw1', timeMs: Date.UTC(2024, 4, 6, 7, 8, 9, 450) });

  it('a crash sends init’s line, then a jnxSyslogTrap carrying the jnxSyslogTable columns', () => {
    const notices = crashNotices(c, { process: 'fxpc', pid: 1234, signal: 6, core: true, syslogId: 42 });
    expect(notices.map((n) => n.kind)).toEqual(['syslog', 'trap']);
    const t = one(trapsOf(notices));
    expect(t.trapOid).toBe('1.3.6.1.4.1.2636.4.12.0.1');
    expect(t.uptimeCs).toBe(123456);
    const col = (n: number) => `1.3.6.1.4.1.2636.3.35.1.1.1.${n}.42`;
    expect(t.varbinds.map((v) => v.oid)).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map(col));
    expect(octets(t, col(2))).toBe('SYSTEM');
    expect(t.varbinds[1]?.value).toEqual({ type: 'octets', value: dateAndTime(c.timeMs) });
    expect(num(t, col(4))).toBe(4); // error(4) = syslog err(3) + 1
    expect(num(t, col(5))).toBe(4); // daemon(4) = syslog daemon(3) + 1
    expect(num(t, col(6))).toBe(1); // init
    expect(octets(t, col(7))).toBe('init');
    expect(octets(t, col(8))).toBe('sw1');
    expect(octets(t, col(9))).toBe('fxpc (PID 1234) terminated by signal number 6. Core dumped!');
  });

  it('DateAndTime is 11 octets in UTC', () => {
    expect([...dateAndTime(c.timeMs)]).toEqual([0x07, 0xe8, 5, 6, 7, 8, 9, 4, 0x2b, 0, 0]);
  });

  it('a switchover sends jnxRedundancySwitchover (JUNIPER-MIB varbinds), then chassisd’s line', () => {
    const notices = switchoverNotices(c, { from: 0, to: 1, switchoverCount: 3 });
    expect(notices.map((n) => n.kind)).toEqual(['trap', 'syslog']);
    const t = one(trapsOf(notices));
    expect(t.trapOid).toBe('1.3.6.1.4.1.2636.4.1.4');
    const col = (n: number) => `1.3.6.1.4.1.2636.3.1.14.1.${n}.9.1.0.0`;
    expect(t.varbinds.map((v) => v.oid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(col));
    expect(octets(t, col(5))).toBe('Routing Engine 1');
    expect(num(t, col(7))).toBe(2); // master
    expect(t.varbinds[7]?.value).toEqual({ type: 'counter32', value: 3 });
    expect(t.varbinds[8]?.value).toEqual({ type: 'timeticks', value: 123456 });
    expect(num(t, col(10))).toBe(4); // autoSwitched
    expect(one(syslogOf(notices)).text).toBe(
      'CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member 1->1, Mode Backup->Master, 1M 0B, Master Changed, Members Changed',
    );
  });

  it('member down/up: jnxVccpMemberDown/Up with serial, role, model, location', () => {
    const down = one(
      trapsOf(
        memberNotices(c, { member: 3, up: false, serial: 'XR03', role: 'linecard', model: 'ex4300-48mp' }),
      ),
    );
    const up = one(
      trapsOf(
        memberNotices(c, { member: 3, up: true, serial: 'XR03', role: 'linecard', model: 'ex4300-48mp' }),
      ),
    );
    expect(down.trapOid).toBe('1.3.6.1.4.1.2636.4.14.0.4');
    expect(up.trapOid).toBe('1.3.6.1.4.1.2636.4.14.0.3');
    const col = (n: number) => `1.3.6.1.4.1.2636.3.40.1.4.1.1.1.${n}.3`;
    expect(down.varbinds.map((v) => v.oid)).toEqual([2, 3, 8, 9].map(col));
    expect(octets(down, col(2))).toBe('XR03');
    expect(num(down, col(3))).toBe(3);
    expect(octets(down, col(8))).toBe('ex4300-48mp');
  });

  it('link down: linkDown with ifIndex, ifAdminStatus, ifOperStatus and ifName', () => {
    const t = one(trapsOf(linkNotices(c, { ifIndex: 502, ifName: 'xe-0/0/0', up: false, adminUp: true })));
    expect(t.trapOid).toBe('1.3.6.1.6.3.1.1.5.3');
    expect(t.varbinds.map((v) => v.oid)).toEqual([
      '1.3.6.1.2.1.2.2.1.1.502',
      '1.3.6.1.2.1.2.2.1.7.502',
      '1.3.6.1.2.1.2.2.1.8.502',
      '1.3.6.1.2.1.31.1.1.1.1.502',
    ]);
    expect([
      num(t, '1.3.6.1.2.1.2.2.1.1.502'),
      num(t, '1.3.6.1.2.1.2.2.1.7.502'),
      num(t, '1.3.6.1.2.1.2.2.1.8.502'),
    ]).toEqual([502, 1, 2]);
    expect(octets(t, '1.3.6.1.2.1.31.1.1.1.1.502')).toBe('xe-0/0/0');
  });

  it('a commit: UI_COMMIT, then jnxCmCfgChange (JUNIPER-CFGMGMT-MIB)', () => {
    const notices = configCommitNotices(c, { user: 'alice', source: 'junoscript', eventIndex: 54 });
    expect(notices.map((n) => n.kind)).toEqual(['syslog', 'trap']);
    expect(one(syslogOf(notices)).text).toBe(
      "UI_COMMIT: User 'alice' requested 'commit' operation (comment: none)",
    );
    const t = one(trapsOf(notices));
    expect(t.trapOid).toBe('1.3.6.1.4.1.2636.4.5.0.1');
    const col = (n: number) => `1.3.6.1.4.1.2636.3.18.1.7.1.${n}.54`;
    expect(t.varbinds.map((v) => v.oid)).toEqual([2, 3, 4, 5].map(col));
    expect(num(t, col(4))).toBe(3); // junoscript
    expect(octets(t, col(5))).toBe('alice');
  });

  it('reboot: coldStart; snmpd alone restarting: warmStart', () => {
    expect(trapsOf(coldStartNotices(c)).map((t) => t.trapOid)).toEqual(['1.3.6.1.6.3.1.1.5.1']);
    expect(trapsOf(warmStartNotices(c)).map((t) => t.trapOid)).toEqual(['1.3.6.1.6.3.1.1.5.2']);
    expect(one(syslogOf(coldStartNotices(c))).text).toBe(
      'SNMPD_TRAP_COLD_START: trap_generate_cold: SNMP trap: cold start',
    );
    expect(one(syslogOf(warmStartNotices(c))).text).toBe(
      'SNMPD_TRAP_WARM_START: trap_generate_warm: SNMP trap: warm start',
    );
  });

  it('VCCPD_PROTOCOL_ADJDOWN follows the catalogue template', () => {
    expect(
      one(
        syslogOf(vccpAdjDownNotices(c, { member: 2, neighbor: '0021.59a8.2f00', interface: 'vcp-255/1/0' })),
      ).text,
    ).toBe('VCCPD_PROTOCOL_ADJDOWN: Lost adjacency to 0021.59a8.2f00 on vcp-255/1/0');
    expect(one(syslogOf(vccpAdjDownNotices(c, { member: 2 }))).text).toMatch(
      /^VCCPD_PROTOCOL_ADJDOWN: Lost adjacency to [0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4} on vcp-255\/1\/0$/,
    );
  });

  it('every happening kind maps to its notices', () => {
    const at = (happening: StampedHappening['happening']): Notice[] =>
      happeningNotices({ device: 'sw1', timeMs: c.timeMs, uptimeCs: 500, happening });
    const oids = (ns: Notice[]) => trapsOf(ns).map((t) => t.trapOid);
    expect(
      oids(at({ kind: 'process_crash', process: 'rpd', pid: 9, signal: 11, coreFile: '/var/crash/x' })),
    ).toEqual([TRAP.jnxSyslogTrap]);
    expect(at({ kind: 'process_start', process: 'rpd', pid: 10 }).map((n) => n.kind)).toEqual(['syslog']);
    expect(oids(at({ kind: 'switchover', from: 0, to: 1 }))).toEqual([TRAP.jnxRedundancySwitchover]);
    const member = { member: 2, serial: 'S2', role: 'linecard', model: 'm' } as const;
    expect(oids(at({ kind: 'member_down', ...member }))).toEqual([TRAP.jnxVccpMemberDown]);
    expect(oids(at({ kind: 'member_up', ...member }))).toEqual([TRAP.jnxVccpMemberUp]);
    expect(oids(at({ kind: 'link', ifIndex: 5, ifName: 'ge-0/0/1', up: true, adminUp: true }))).toEqual([
      TRAP.linkUp,
    ]);
    expect(oids(at({ kind: 'config_commit', user: 'bob', source: 'cli' }))).toEqual([TRAP.jnxCmCfgChange]);
    expect(oids(at({ kind: 'cold_start' }))).toEqual([TRAP.coldStart]);
    expect(oids(at({ kind: 'agent_restart' }))).toEqual([TRAP.warmStart]);
    expect(at({ kind: 'vccp_adjdown', member: 2 }).map((n) => n.kind)).toEqual(['syslog']);
    for (const n of at({ kind: 'cold_start' })) expect(n).toMatchObject({ device: 'sw1', timeMs: c.timeMs });
  });
});

describe('net-snmp conversion', () => {
  it('Counter64 becomes an 8-byte big-endian Buffer, the other types their net-snmp type', () => {
    const c64 = toNetSnmpVarbind({ oid: '1.2', value: { type: 'counter64', value: 2n ** 40n + 5n } });
    expect(c64.type).toBe(snmp.ObjectType.Counter64);
    expect(Buffer.isBuffer(c64.value) && c64.value.toString('hex')).toBe('0000010000000005');
    expect(toNetSnmpVarbind({ oid: '1.2', value: { type: 'ip', value: '127.0.0.9' } })).toEqual({
      oid: '1.2',
      type: snmp.ObjectType.IpAddress,
      value: '127.0.0.9',
    });
    expect(toNetSnmpVarbind({ oid: '1.2', value: { type: 'timeticks', value: 7 } }).type).toBe(
      snmp.ObjectType.TimeTicks,
    );
    expect(toNetSnmpVarbind({ oid: '1.2', value: { type: 'gauge32', value: 7 } }).type).toBe(
      snmp.ObjectType.Gauge,
    );
    expect(toNetSnmpVarbind({ oid: '1.2', value: { type: 'noSuchInstance' } }).type).toBe(
      snmp.ObjectType.NoSuchInstance,
    );
  });

  it('sysUpTime on the wire: wraps at 2^32 cs; 0 is sent as 1 (net-snmp treats 0 as absent)', () => {
    expect(wireUptime(123)).toBe(123);
    expect(wireUptime(2 ** 32 + 5)).toBe(5);
    expect(wireUptime(0)).toBe(1);
  });

  it('the default v3 engine ID is Juniper’s enterprise, text format, within 32 octets', () => {
    expect(defaultEngineId('sw1')).toBe('80000a4c04737731');
    expect(defaultEngineId('x'.repeat(100)).length).toBe(64);
  });
});
