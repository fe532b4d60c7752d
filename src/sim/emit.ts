import dgram from 'node:dgram';
import { isIPv4 } from 'node:net';
import snmp from 'net-snmp';
import { AUTH, PRIV } from '../snmp/net-snmp-connector.js';
import type { Varbind } from '../snmp/types.js';
import type { Notice, SyslogNotice, TrapNotice } from './notice.js';

/**
 * Sends what simulated switches announce — SNMP traps (v2c or v3) and syslog datagrams (RFC 3164
 * or 5424) — to the configured targets, one notice at a time in the order given: a trap and a
 * syslog line of the same emitter never overtake each other. Sending never throws into the
 * caller: a failure is counted and handed to `onError`, and the next notice goes out as usual
 * (the simulator must keep running when a receiver is down or an address cannot be bound).
 *
 * A device with a source address (`sourceAddress(device)`, e.g. 127.0.0.12) has its datagrams
 * sent from a socket bound to that address, so a receiver can tell devices apart by source, and its
 * traps carry snmpTrapAddress.0 = that address, as Junos marks the agent
 * (`snmp trap-options agent-address`). One net-snmp session and one syslog socket per source
 * address at most, reused, closed by close().
 */

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export interface V2cTrapTarget {
  readonly host: string;
  readonly port: number;
  readonly version: '2c';
  readonly community: string;
}

export interface V3TrapTarget {
  readonly host: string;
  readonly port: number;
  readonly version: '3';
  readonly user: string;
  readonly auth: { readonly protocol: AuthProtocol; readonly key: string };
  /** Absent: authNoPriv. */
  readonly priv?: { readonly protocol: PrivProtocol; readonly key: string } | undefined;
  /**
   * The sending (authoritative) engine's snmpEngineID, hex (`0x` optional), one for all devices or
   * one per device. Default: per device, `defaultEngineId(device)`. A receiver such as snmptrapd
   * needs `createUser -e <engineID> …` for each engine ID it accepts.
   */
  readonly engineId?: string | ((device: string) => string) | undefined;
}

export type TrapTarget = V2cTrapTarget | V3TrapTarget;

export interface SyslogTarget {
  readonly host: string;
  readonly port: number;
  readonly format: 'rfc3164' | 'rfc5424';
}

/** Where notices go. A notice whose kind has no target is skipped (neither sent nor an error). */
export interface EmitTargets {
  readonly traps?: TrapTarget | undefined;
  readonly syslog?: SyslogTarget | undefined;
}

export interface EmitterOptions {
  /** The device's own address (IPv4, e.g. 127.0.0.12) to send from; undefined: an unbound socket. */
  readonly sourceAddress?: ((device: string) => string | undefined) | undefined;
  /** Each failed send (an `EmitError`); must not throw (what it throws is ignored). */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** A send that has not completed after this long fails (default 5000 ms). */
  readonly sendTimeoutMs?: number | undefined;
}

export interface EmitCounts {
  readonly traps: number;
  readonly syslog: number;
  readonly errors: number;
}

export interface Emitter {
  /** Queues the notices, in order, behind those already queued. Never throws. */
  emit(notices: readonly Notice[]): void;
  /** Resolves when everything queued so far (and queued meanwhile) has been sent or has failed. */
  flush(): Promise<void>;
  /** Flushes, then closes every socket and session. Notices emitted afterwards count as errors. */
  close(): Promise<void>;
  /** Live counters: notices sent per kind, and failures. */
  readonly sent: EmitCounts;
}

/** A send that failed: which notice, to which target, and why (`cause`). */
export class EmitError extends Error {
  constructor(
    readonly notice: Notice,
    readonly target: 'traps' | 'syslog',
    cause: unknown,
  ) {
    super(`${target} for ${notice.device}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'EmitError';
  }
}

/** snmpTrapAddress.0 (SNMP-COMMUNITY-MIB): the agent address in a v2c/v3 trap. */
export const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';

/**
 * A Juniper-style engine ID for a device: enterprise 2636 (0x80000a4c), format 4 (text), then the
 * device name (at most 27 octets: an engine ID is 5..32 octets).
 */
export function defaultEngineId(device: string): string {
  const text = Buffer.from(device === '' ? 'netwatch-sim' : device, 'utf8').subarray(0, 27);
  return `80000a4c04${text.toString('hex')}`;
}

// --- syslog formatting (pure) -----------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Free text: CR and LF would split the line (each run becomes one space), NUL truncate it (dropped). */
function cleanText(text: string): string {
  return text.replace(/\0/g, '').replace(/[\r\n]+/g, ' ');
}

/** A header field (HOSTNAME, APP-NAME, MSGID…): printable ASCII without spaces, `-` when empty. */
function headerToken(value: string, max: number): string {
  const token = value.replace(/[^\x21-\x7e]+/g, '_').slice(0, max);
  return token === '' ? '-' : token;
}

/** PRI = facility × 8 + severity, each clamped to its range (0..23, 0..7). */
export function syslogPri(facility: number, severity: number): number {
  const clamp = (n: number, max: number): number =>
    Number.isFinite(n) ? Math.min(max, Math.max(0, Math.trunc(n))) : 0;
  return clamp(facility, 23) * 8 + clamp(severity, 7);
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 3164, as Junos sends it: `<PRI>Mmm dd hh:mm:ss HOSTNAME app[pid]: text` — the day padded
 * with a space (`Jul  8`), time in UTC, `app:` alone when the line has no PID (init, jlaunchd).
 * Example: `<28>Jul 20 21:45:59 vmx01 mib2d[2424]: SNMP_TRAP_LINK_DOWN: ifIndex 502, …`.
 */
export function formatRfc3164(notice: SyslogNotice): string {
  const d = new Date(notice.timeMs);
  const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const tag = headerToken(notice.app, 48) + (notice.pid === undefined ? '' : `[${notice.pid}]`);
  return `<${syslogPri(notice.facility, notice.severity)}>${stamp} ${headerToken(notice.hostname, 255)} ${tag}: ${cleanText(notice.text)}`;
}

/**
 * RFC 5424, as Junos's `structured-data` format:
 * `<PRI>1 2022-04-19T16:23:51.204Z HOSTNAME app pid MSGID - text`, `-` for an absent PROCID or
 * MSGID. Junos puts the tag in MSGID and leaves it out of MSG (its documented example:
 * `<165>1 2007-02-15T09:17:15.719Z router1 mgd 3046 UI_DBASE_LOGOUT_EVENT [junos@2636.1.1.1.2.18
 * username="user"] User 'user' exiting configuration mode`), so a leading `MSGID: ` is dropped from
 * the text. Structured data stays `-`: the per-message `junos@2636…` parameters are not modelled.
 * MSGID is not cut to RFC 5424's 32 characters: Junos tags are longer (e.g. 38 characters).
 */
export function formatRfc5424(notice: SyslogNotice): string {
  const stamp = new Date(notice.timeMs).toISOString();
  const msgid = notice.msgid === undefined ? '-' : headerToken(notice.msgid, 64);
  const text =
    notice.msgid !== undefined && notice.text.startsWith(`${notice.msgid}: `)
      ? notice.text.slice(notice.msgid.length + 2)
      : notice.text;
  const procid = notice.pid === undefined ? '-' : headerToken(String(notice.pid), 128);
  const msg = cleanText(text);
  return (
    `<${syslogPri(notice.facility, notice.severity)}>1 ${stamp} ${headerToken(notice.hostname, 255)} ` +
    `${headerToken(notice.app, 48)} ${procid} ${msgid} -${msg === '' ? '' : ` ${msg}`}`
  );
}

// --- traps ------------------------------------------------------------------------------------

// Protocol maps: the SNMP seam's (AUTH, PRIV), one list for poller and trap sender.

/** Our varbind as net-snmp writes it (Counter64: an 8-byte big-endian Buffer). */
export function toNetSnmpVarbind(varbind: Varbind): snmp.Varbind {
  const { oid, value } = varbind;
  switch (value.type) {
    case 'int':
      return { oid, type: snmp.ObjectType.Integer, value: value.value };
    case 'counter32':
      return { oid, type: snmp.ObjectType.Counter, value: value.value };
    case 'gauge32':
      return { oid, type: snmp.ObjectType.Gauge, value: value.value };
    case 'timeticks':
      return { oid, type: snmp.ObjectType.TimeTicks, value: value.value };
    case 'counter64': {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(BigInt.asUintN(64, value.value));
      return { oid, type: snmp.ObjectType.Counter64, value: bytes };
    }
    case 'octets':
      return { oid, type: snmp.ObjectType.OctetString, value: value.value };
    case 'oid':
      return { oid, type: snmp.ObjectType.OID, value: value.value };
    case 'ip':
      return { oid, type: snmp.ObjectType.IpAddress, value: value.value };
    case 'null':
      return { oid, type: snmp.ObjectType.Null, value: null };
    case 'noSuchObject':
      return { oid, type: snmp.ObjectType.NoSuchObject, value: null };
    case 'noSuchInstance':
      return { oid, type: snmp.ObjectType.NoSuchInstance, value: null };
    case 'endOfMibView':
      return { oid, type: snmp.ObjectType.EndOfMibView, value: null };
  }
}

/**
 * sysUpTime.0 as sent: TimeTicks wrap at 2^32 cs. net-snmp replaces a zero `upTime` with the
 * process's own uptime, so an uptime of exactly 0 cs goes out as 1 cs.
 */
export function wireUptime(uptimeCs: number): number {
  const ticks = Number.isFinite(uptimeCs) ? Math.trunc(uptimeCs) % 4294967296 : 0;
  const positive = ticks < 0 ? ticks + 4294967296 : ticks;
  return positive === 0 ? 1 : positive;
}

interface Channel<T> {
  readonly value: T;
  close(): void;
}

function bindTo(socket: dgram.Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ address, port: 0 });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createEmitter(targets: EmitTargets, options: EmitterOptions = {}): Emitter {
  const counts = { traps: 0, syslog: 0, errors: 0 };
  const sendTimeoutMs = options.sendTimeoutMs ?? 5000;
  const trapChannels = new Map<string, Promise<Channel<snmp.Session>>>();
  const syslogChannels = new Map<string, Promise<Channel<dgram.Socket>>>();
  const queue: (Notice | undefined)[] = [];
  let head = 0;
  let draining: Promise<void> | undefined;
  let closed = false;

  const report = (error: unknown): void => {
    counts.errors += 1;
    try {
      options.onError?.(error);
    } catch {
      // onError must not throw; if it does, the emitter carries on regardless
    }
  };

  const sourceOf = (device: string): string | undefined => {
    try {
      return options.sourceAddress?.(device);
    } catch (error) {
      report(error);
      return undefined;
    }
  };

  /** Opens (once per key) a channel; a failed open is forgotten so the next notice retries. */
  function channel<T>(
    cache: Map<string, Promise<Channel<T>>>,
    key: string,
    open: () => Promise<Channel<T>>,
  ): Promise<Channel<T>> {
    let pending = cache.get(key);
    if (pending === undefined) {
      pending = open();
      cache.set(key, pending);
      pending.catch(() => {
        if (cache.get(key) === pending) cache.delete(key);
      });
    }
    return pending;
  }

  async function openTrapSession(
    target: TrapTarget,
    source: string | undefined,
    engineId: string,
  ): Promise<Channel<snmp.Session>> {
    let socket: dgram.Socket | undefined;
    // net-snmp binds its socket itself and reports a failed bind nowhere (the trap's callback is
    // never called): create the socket for it and bind it here, where a failure is seen.
    const dgramModule = {
      createSocket: (type: dgram.SocketType): dgram.Socket => {
        socket = dgram.createSocket(type);
        return socket;
      },
    };
    const common = { trapPort: target.port, transport: 'udp4' as const, dgramModule };
    const session =
      target.version === '2c'
        ? snmp.createSession(target.host, target.community, { ...common, version: snmp.Version2c })
        : snmp.createV3Session(
            target.host,
            {
              name: target.user,
              level: target.priv ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
              authProtocol: AUTH[target.auth.protocol],
              authKey: target.auth.key,
              ...(target.priv ? { privProtocol: PRIV[target.priv.protocol], privKey: target.priv.key } : {}),
            },
            { ...common, version: snmp.Version3, engineID: engineId },
          );
    // net-snmp emits 'error' for an unparseable datagram arriving on the socket
    session.on('error', report);
    const close = (): void => {
      try {
        session.close();
      } catch {
        // already closed
      }
    };
    if (source !== undefined) {
      if (socket === undefined) throw new Error('net-snmp created no socket');
      try {
        await bindTo(socket, source);
      } catch (error) {
        close();
        throw error;
      }
    }
    return { value: session, close };
  }

  async function openSyslogSocket(source: string | undefined): Promise<Channel<dgram.Socket>> {
    const socket = dgram.createSocket('udp4');
    const close = (): void => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
    if (source !== undefined) {
      try {
        await bindTo(socket, source);
      } catch (error) {
        close();
        throw error;
      }
    }
    // errors outside a send (sends report theirs to their callback)
    socket.on('error', report);
    socket.unref();
    return { value: socket, close };
  }

  async function sendTrap(target: TrapTarget, notice: TrapNotice): Promise<void> {
    const source = sourceOf(notice.device);
    const engineId =
      target.version === '3'
        ? typeof target.engineId === 'function'
          ? target.engineId(notice.device)
          : (target.engineId ?? defaultEngineId(notice.device))
        : '';
    const key = `${source ?? ''}|${engineId}`;
    const { value: session } = await channel(trapChannels, key, () =>
      openTrapSession(target, source, engineId),
    );
    const varbinds = notice.varbinds.map(toNetSnmpVarbind);
    if (source !== undefined && isIPv4(source)) {
      varbinds.push({ oid: SNMP_TRAP_ADDRESS, type: snmp.ObjectType.IpAddress, value: source });
    }
    await new Promise<void>((resolve, reject) => {
      session.trap(notice.trapOid, varbinds, { upTime: wireUptime(notice.uptimeCs) }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  async function sendSyslog(target: SyslogTarget, notice: SyslogNotice): Promise<void> {
    const source = sourceOf(notice.device);
    const { value: socket } = await channel(syslogChannels, source ?? '', () => openSyslogSocket(source));
    const text = target.format === 'rfc5424' ? formatRfc5424(notice) : formatRfc3164(notice);
    const datagram = Buffer.from(text, 'utf8');
    await new Promise<void>((resolve, reject) => {
      socket.send(datagram, target.port, target.host, (error) => (error ? reject(error) : resolve()));
    });
  }

  async function sendOne(notice: Notice): Promise<void> {
    if (notice.kind === 'trap') {
      if (targets.traps === undefined) return;
      try {
        await withTimeout(sendTrap(targets.traps, notice), sendTimeoutMs, 'trap send');
        counts.traps += 1;
      } catch (error) {
        report(new EmitError(notice, 'traps', error));
      }
    } else {
      if (targets.syslog === undefined) return;
      try {
        await withTimeout(sendSyslog(targets.syslog, notice), sendTimeoutMs, 'syslog send');
        counts.syslog += 1;
      } catch (error) {
        report(new EmitError(notice, 'syslog', error));
      }
    }
  }

  async function drain(): Promise<void> {
    await Promise.resolve(); // `draining` is assigned before this function can finish
    while (head < queue.length) {
      const notice = queue[head];
      queue[head] = undefined;
      head += 1;
      if (notice !== undefined) await sendOne(notice);
      if (head >= 1024 && head * 2 >= queue.length) {
        queue.splice(0, head);
        head = 0;
      }
    }
    queue.length = 0;
    head = 0;
    draining = undefined;
  }

  async function flush(): Promise<void> {
    while (draining !== undefined) await draining;
  }

  async function closeAll<T>(cache: Map<string, Promise<Channel<T>>>): Promise<void> {
    const pending = [...cache.values()];
    cache.clear();
    for (const result of await Promise.allSettled(pending)) {
      if (result.status === 'fulfilled') result.value.close();
    }
  }

  return {
    emit(notices: readonly Notice[]): void {
      if (closed) {
        for (const notice of notices) {
          report(
            new EmitError(notice, notice.kind === 'trap' ? 'traps' : 'syslog', new Error('emitter closed')),
          );
        }
        return;
      }
      for (const notice of notices) queue.push(notice);
      if (draining === undefined && head < queue.length) draining = drain();
    },
    flush,
    async close(): Promise<void> {
      closed = true;
      await flush();
      await Promise.all([closeAll(trapChannels), closeAll(syslogChannels)]);
    },
    sent: counts,
  };
}
