import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import snmp from 'net-snmp';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createEmitter, EmitError, type Emitter, formatRfc3164, formatRfc5424 } from '../../src/sim/emit.js';
import {
  coldStartNotices,
  crashNotices,
  linkNotices,
  type NoticeContext,
  switchoverNotices,
  TRAP,
} from '../../src/sim/junos-notices.js';
import type { Notice, SyslogNotice, TrapNotice } from '../../src/sim/notice.js';

/**
 * The emitter against real receivers: Net-SNMP snmptrapd (v2c and v3 authPriv, its log read back)
 * and UDP listeners in the test. Asserts arrival order, trap OIDs, varbinds and line shapes, and
 * that a device's datagrams come from its own source address.
 */

const services = inject('services');
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';

/** The snmptrapd v3 user scripts/test-services.sh creates (services.json `snmptrapd.v3`). */
interface TrapV3 {
  readonly user: string;
  readonly engineId: string;
  readonly auth: string;
  readonly priv: string;
}
function trapV3(): TrapV3 | undefined {
  const v3: unknown = (services.snmptrapd as unknown as { v3?: unknown }).v3;
  if (typeof v3 !== 'object' || v3 === null) return undefined;
  const { user, engineId, auth, priv } = v3 as Record<string, unknown>;
  return typeof user === 'string' &&
    typeof engineId === 'string' &&
    typeof auth === 'string' &&
    typeof priv === 'string'
    ? { user, engineId, auth, priv }
    : undefined;
}

/** A fresh 127.x address per run: the device's own source address, unique in the shared trap log. */
const randomLoopback = (): string =>
  `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

interface Received {
  readonly data: Buffer;
  readonly address: string;
  readonly port: number;
}

async function udpListener(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const received: Received[] = [];
  socket.on('message', (data, rinfo) => received.push({ data, address: rinfo.address, port: rinfo.port }));
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

interface LoggedTrap {
  readonly address: string;
  readonly port: number;
  /** `oid = TYPE: value` per varbind, OIDs without the leading dot. */
  readonly varbinds: ReadonlyMap<string, string>;
  readonly trapOid: string | undefined;
  readonly uptime: string | undefined;
}

/** snmptrapd -On -Lf: a header line `date time host [UDP: [src]:port->[dst]:port]:`, then tab-separated varbinds. */
function loggedTraps(log: string, from: string): LoggedTrap[] {
  const traps: LoggedTrap[] = [];
  for (const entry of readFileSync(log, 'utf8').split(/^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )/m)) {
    const header = /\[UDP: \[([\d.]+)\]:(\d+)->/.exec(entry);
    if (!header || header[1] !== from) continue;
    const body = entry.slice(entry.indexOf('\n') + 1).trimEnd();
    const varbinds = new Map<string, string>();
    for (const part of body.split('\t')) {
      const m = /^\.?([\d.]+) = (.*)$/s.exec(part.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) varbinds.set(m[1], m[2]);
    }
    traps.push({
      address: header[1],
      port: Number(header[2]),
      varbinds,
      trapOid: varbinds.get(SNMP_TRAP_OID)?.replace(/^OID: \./, ''),
      uptime: /^Timeticks: \((\d+)\)/.exec(varbinds.get('1.3.6.1.2.1.1.3.0') ?? '')?.[1],
    });
  }
  return traps;
}

const syslogOf = (ns: readonly Notice[]): SyslogNotice[] =>
  ns.filter((n): n is SyslogNotice => n.kind === 'syslog');
const trapsOf = (ns: readonly Notice[]): TrapNotice[] => ns.filter((n): n is TrapNotice => n.kind === 'trap');

/** The crash, switchover and link-down sequence of one device, in sending order. */
function sequence(device: string): Notice[] {
  const t0 = Date.UTC(2024, 2, 9, 8, 7, 6, 543);
  const at = (s: number, uptimeCs: number): NoticeContext => ({
    device,
    hostname: device,
    timeMs: t0 + s * 1000,
    uptimeCs,
  });
  return [
    ...crashNotices(at(0, 310_001), { process: 'fxpc', pid: 1234, signal: 6, core: true, syslogId: 7 }),
    ...switchoverNotices(at(5, 310_502), { from: 0, to: 1, switchoverCount: 1 }),
    ...linkNotices(at(9, 310_903), { ifIndex: 502, ifName: 'xe-0/0/0', up: false, adminUp: true }),
  ];
}

let emitters: Emitter[] = [];
let listeners: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(emitters.map((e) => e.close()));
  await Promise.all(listeners.map((l) => l.close()));
  emitters = [];
  listeners = [];
});
function track<T extends Emitter>(e: T): T {
  emitters.push(e);
  return e;
}
async function listener() {
  const l = await udpListener();
  listeners.push(l);
  return l;
}

describe('emitter → real snmptrapd and a syslog listener', () => {
  it('v2c traps and RFC 3164 lines arrive in order, from the device’s own address', async () => {
    const { host, port, community, log } = services.snmptrapd;
    const syslog = await listener();
    const source = randomLoopback();
    const device = `sim-${source.replaceAll('.', '-')}`;
    const errors: unknown[] = [];
    const emitter = track(
      createEmitter(
        {
          traps: { host, port, version: '2c', community },
          syslog: { host: '127.0.0.1', port: syslog.port, format: 'rfc3164' },
        },
        { sourceAddress: (d) => (d === device ? source : undefined), onError: (e) => errors.push(e) },
      ),
    );
    const notices = sequence(device);
    emitter.emit(notices);
    await emitter.flush();
    expect(errors).toEqual([]);
    expect({ ...emitter.sent }).toEqual({ traps: 3, syslog: 3, errors: 0 });

    // syslog: the three lines, in order, byte for byte, one datagram each, from the device's address
    await expect.poll(() => syslog.received.length, { timeout: 5000 }).toBe(3);
    const lines = syslog.received.map((r) => r.data.toString('utf8'));
    expect(lines).toEqual(syslogOf(notices).map(formatRfc3164));
    expect(lines[0]).toMatch(
      /^<27>Mar {2}9 08:07:06 sim-\S+ init: fxpc \(PID 1234\) terminated by signal number 6\. Core dumped!$/,
    );
    expect(lines[1]).toMatch(
      /^<29>Mar {2}9 08:07:11 sim-\S+ chassisd\[\d+\]: CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member 1->1, Mode Backup->Master, 1M 0B, Master Changed, Members Changed$/,
    );
    expect(lines[2]).toMatch(
      /^<28>Mar {2}9 08:07:15 sim-\S+ mib2d\[\d+\]: SNMP_TRAP_LINK_DOWN: ifIndex 502, ifAdminStatus up\(1\), ifOperStatus down\(2\), ifName xe-0\/0\/0$/,
    );
    expect(new Set(syslog.received.map((r) => `${r.address}:${r.port}`))).toEqual(
      new Set([`${source}:${syslog.received[0]?.port}`]),
    );

    // traps: snmptrapd decoded all three, in order, with our uptimes and the agent's address
    await expect.poll(() => loggedTraps(log, source).length, { timeout: 5000, interval: 50 }).toBe(3);
    const traps = loggedTraps(log, source);
    expect(traps.map((t) => t.trapOid)).toEqual([
      TRAP.jnxSyslogTrap,
      TRAP.jnxRedundancySwitchover,
      TRAP.linkDown,
    ]);
    expect(traps.map((t) => t.uptime)).toEqual(['310001', '310502', '310903']);
    expect(new Set(traps.map((t) => t.port)).size).toBe(1); // one session (socket) for the device
    for (const t of traps) expect(t.varbinds.get('1.3.6.1.6.3.18.1.3.0')).toBe(`IpAddress: ${source}`);
    const [crash, switchover, linkDown] = traps;
    expect(crash?.varbinds.get('1.3.6.1.4.1.2636.3.35.1.1.1.2.7')).toBe('STRING: "SYSTEM"');
    expect(crash?.varbinds.get('1.3.6.1.4.1.2636.3.35.1.1.1.7.7')).toBe('STRING: "init"');
    expect(crash?.varbinds.get('1.3.6.1.4.1.2636.3.35.1.1.1.9.7')).toBe(
      'STRING: "fxpc (PID 1234) terminated by signal number 6. Core dumped!"',
    );
    expect(crash?.varbinds.get('1.3.6.1.4.1.2636.3.35.1.1.1.6.7')).toBe('Gauge32: 1');
    expect(switchover?.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.8.9.1.0.0')).toBe('Counter32: 1');
    expect(switchover?.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.10.9.1.0.0')).toBe('INTEGER: 4');
    expect(linkDown?.varbinds.get('1.3.6.1.2.1.2.2.1.8.502')).toBe('INTEGER: 2');
    expect(linkDown?.varbinds.get('1.3.6.1.2.1.31.1.1.1.1.502')).toBe('STRING: "xe-0/0/0"');
  });

  it('traps and lines interleave exactly in emit order (one receiving socket for both)', async () => {
    // Both targets point at one socket: a UDP socket's queue is FIFO, so arrival order = send order.
    const sink = await listener();
    const source = randomLoopback();
    const emitter = track(
      createEmitter(
        {
          traps: { host: '127.0.0.1', port: sink.port, version: '2c', community: 'trapcomm' },
          syslog: { host: '127.0.0.1', port: sink.port, format: 'rfc5424' },
        },
        { sourceAddress: () => source },
      ),
    );
    const notices = sequence('sw-order');
    emitter.emit(notices.slice(0, 3));
    emitter.emit(notices.slice(3)); // a second batch queues behind the first
    await emitter.flush();
    await expect.poll(() => sink.received.length, { timeout: 5000 }).toBe(6);
    const seen = sink.received.map((r) =>
      r.data[0] === 0x3c /* '<' */ ? `syslog ${r.data.toString('utf8')}` : `trap ${trapOidIn(r.data)}`,
    );
    expect(seen).toEqual(
      notices.map((n) => (n.kind === 'trap' ? `trap ${n.trapOid}` : `syslog ${formatRfc5424(n)}`)),
    );
    expect(notices.map((n) => n.kind)).toEqual(['syslog', 'trap', 'trap', 'syslog', 'trap', 'syslog']);
    expect(seen[0]).toMatch(
      /^syslog <27>1 2024-03-09T08:07:06\.543Z sw-order init - - - fxpc \(PID 1234\) terminated by signal number 6\. Core dumped!$/,
    );
    expect(seen[5]).toMatch(
      /^syslog <28>1 2024-03-09T08:07:15\.543Z sw-order mib2d \d+ SNMP_TRAP_LINK_DOWN - ifIndex 502, ifAdminStatus up\(1\), ifOperStatus down\(2\), ifName xe-0\/0\/0$/,
    );
    expect(new Set(sink.received.map((r) => r.address))).toEqual(new Set([source]));
  });

  it('v3 authPriv traps (SHA/AES, the emitter as authoritative engine) reach snmptrapd', async (ctx) => {
    const v3 = trapV3();
    if (!v3) ctx.skip(); // services.json without snmptrapd.v3: an older scripts/test-services.sh
    if (!v3) return;
    const { host, port, log } = services.snmptrapd;
    const source = randomLoopback();
    const device = 'sw-v3';
    const emitter = track(
      createEmitter(
        {
          traps: {
            host,
            port,
            version: '3',
            user: v3.user,
            auth: { protocol: 'sha', key: v3.auth },
            priv: { protocol: 'aes', key: v3.priv },
            engineId: v3.engineId,
          },
        },
        { sourceAddress: () => source },
      ),
    );
    const ctxAt = (uptimeCs: number): NoticeContext => ({
      device,
      hostname: device,
      timeMs: Date.now(),
      uptimeCs,
    });
    emitter.emit([
      ...coldStartNotices(ctxAt(4_200)),
      ...linkNotices(ctxAt(4_321), { ifIndex: 77, ifName: 'ge-0/0/7', up: true, adminUp: true }),
    ]);
    await emitter.flush();
    expect(emitter.sent).toMatchObject({ traps: 2, syslog: 0, errors: 0 }); // no syslog target: skipped
    await expect.poll(() => loggedTraps(log, source).length, { timeout: 5000, interval: 50 }).toBe(2);
    const traps = loggedTraps(log, source);
    expect(traps.map((t) => t.trapOid)).toEqual([TRAP.coldStart, TRAP.linkUp]);
    expect(traps.map((t) => t.uptime)).toEqual(['4200', '4321']);
    expect(traps[1]?.varbinds.get('1.3.6.1.2.1.31.1.1.1.1.77')).toBe('STRING: "ge-0/0/7"');
  });

  it('v3 with the default per-device engine IDs reaches a net-snmp Receiver (SHA-256/AES)', async () => {
    const got: string[] = [];
    const port = await freeUdpPort();
    const receiver: NetSnmpReceiver = snmp.createReceiver(
      { port, address: '127.0.0.1', transport: 'udp4' },
      (error: Error | null, notification?: { pdu: { varbinds: snmp.Varbind[] } }) => {
        if (error || !notification) return;
        got.push(String(notification.pdu.varbinds.find((v) => v.oid === SNMP_TRAP_OID)?.value));
      },
    );
    receiver.getAuthorizer().addUser({
      name: 'simuser',
      level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha256,
      authKey: 'auth-key-123',
      privProtocol: snmp.PrivProtocols.aes,
      privKey: 'priv-key-123',
    });
    try {
      const emitter = track(
        createEmitter({
          traps: {
            host: '127.0.0.1',
            port,
            version: '3',
            user: 'simuser',
            auth: { protocol: 'sha256', key: 'auth-key-123' },
            priv: { protocol: 'aes', key: 'priv-key-123' },
          },
        }),
      );
      const at = (device: string): NoticeContext => ({
        device,
        hostname: device,
        timeMs: Date.now(),
        uptimeCs: 100,
      });
      emitter.emit([...coldStartNotices(at('sw-a')), ...coldStartNotices(at('sw-b'))]);
      await emitter.flush();
      expect(emitter.sent.traps).toBe(2);
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(2);
      expect(got).toEqual([TRAP.coldStart, TRAP.coldStart]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('failures are counted, reported and never stop the queue', () => {
  it('an address that cannot be bound fails that device’s notices only; the next device is sent', async () => {
    const syslog = await listener();
    const traps = await listener();
    const errors: unknown[] = [];
    const good = randomLoopback();
    const emitter = track(
      createEmitter(
        {
          traps: { host: '127.0.0.1', port: traps.port, version: '2c', community: 'c' },
          syslog: { host: '127.0.0.1', port: syslog.port, format: 'rfc3164' },
        },
        {
          // 192.0.2.1 (TEST-NET-1) is no address of this machine: bind fails with EADDRNOTAVAIL
          sourceAddress: (d) => (d === 'sw-bad' ? '192.0.2.1' : good),
          onError: (e) => {
            errors.push(e);
            throw new Error('a throwing onError is ignored');
          },
          sendTimeoutMs: 2000,
        },
      ),
    );
    const bad = sequence('sw-bad');
    const ok = sequence('sw-good');
    expect(() => emitter.emit([...bad, ...ok])).not.toThrow();
    await emitter.flush();
    expect({ ...emitter.sent }).toEqual({ traps: 3, syslog: 3, errors: 6 });
    expect(errors).toHaveLength(6);
    for (const e of errors) {
      expect(e).toBeInstanceOf(EmitError);
      expect((e as EmitError).notice.device).toBe('sw-bad');
      expect(String((e as EmitError).cause)).toMatch(/EADDRNOTAVAIL/);
    }
    await expect.poll(() => syslog.received.length + traps.received.length, { timeout: 5000 }).toBe(6);
    expect(syslog.received.map((r) => r.data.toString('utf8'))).toEqual(syslogOf(ok).map(formatRfc3164));
    expect(traps.received.map((r) => trapOidIn(r.data))).toEqual(trapsOf(ok).map((t) => t.trapOid));
  });

  it('a bad target (port 0) and notices after close() are errors, not exceptions', async () => {
    const errors: unknown[] = [];
    const emitter = createEmitter(
      { syslog: { host: '127.0.0.1', port: 0, format: 'rfc5424' } },
      { onError: (e) => errors.push(e) },
    );
    const notices = sequence('sw-x');
    emitter.emit(notices);
    await emitter.flush();
    // three lines fail; the traps have no target and are skipped
    expect({ ...emitter.sent }).toEqual({ traps: 0, syslog: 0, errors: 3 });
    await emitter.close();
    expect(() => emitter.emit(notices.slice(0, 1))).not.toThrow();
    expect(emitter.sent.errors).toBe(4);
    expect(String((errors[3] as EmitError).cause)).toMatch(/closed/);
    await emitter.flush();
    await emitter.close(); // twice is fine
  });
});

// --- helpers -------------------------------------------------------------------------------------

/** BER of an OID value (without tag and length). */
function berOid(oid: string): Buffer {
  const ids = oid.split('.').map(Number);
  const bytes = [40 * (ids[0] ?? 0) + (ids[1] ?? 0)];
  for (const id of ids.slice(2)) {
    const chunk = [id & 0x7f];
    for (let v = id >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return Buffer.from(bytes);
}

/** The snmpTrapOID.0 value inside a v2c trap datagram (the varbind right after its OID). */
function trapOidIn(datagram: Buffer): string | undefined {
  const name = berOid(SNMP_TRAP_OID);
  const at = datagram.indexOf(Buffer.concat([Buffer.from([0x06, name.length]), name]));
  if (at < 0) return undefined;
  const valueAt = at + 2 + name.length;
  if (datagram[valueAt] !== 0x06) return undefined;
  const length = datagram[valueAt + 1] ?? 0;
  const bytes = datagram.subarray(valueAt + 2, valueAt + 2 + length);
  const first = bytes[0] ?? 0;
  const ids = [Math.floor(first / 40), first % 40];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      ids.push(v);
      v = 0;
    }
  }
  return ids.join('.');
}

/** The part of net-snmp's (untyped) Receiver this test uses. */
interface NetSnmpReceiver {
  getAuthorizer(): { addUser(user: snmp.User): void };
  close(callback: () => void): void;
}

/** A UDP port free a moment ago (net-snmp's Receiver turns port 0 into 162). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
