import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import snmp from 'net-snmp';
import type { SnmpValue, Varbind } from '../snmp/types.js';
import type { SimDevice } from './sim-device.js';

/**
 * The simulator's SNMP agents, on net-snmp's agent for the wire (BER, SNMPv3 USM: discovery,
 * authentication, privacy, reports) with our own answers: net-snmp's MIB tree would need a copy
 * of every cell per device, ours reads the shared seed and the device's state lazily.
 *
 * - One **shared v2c socket**: the community names the device (as snmpsim does), so thousands of
 *   devices cost one socket. An unknown community gets no answer, as on a real agent.
 * - One **v3 socket per device** where enabled: SNMPv3 needs a distinct engine (engine ID, boots)
 *   per device, and an engine is per socket. It answers v2c for its device too.
 */

/** net-snmp's agent internals we override (typed here: @types/net-snmp does not describe them). */
interface PduLike {
  type: number;
  varbinds: { oid: string }[];
  nonRepeaters?: number;
  maxRepetitions?: number;
  getResponsePduForRequest(): { varbinds: unknown[]; errorStatus?: number; errorIndex?: number };
}
interface MessageLike {
  version: number;
  community?: string;
  user?: { name: string };
  pdu: PduLike;
}
interface AgentInternals {
  engine: { engineID: Buffer; engineBoots: number; engineTime: number };
  getRequest(socket: unknown, message: MessageLike, rinfo: unknown): void;
  getNextRequest(socket: unknown, message: MessageLike, rinfo: unknown): void;
  getBulkRequest(socket: unknown, message: MessageLike, rinfo: unknown): void;
  setRequest(socket: unknown, message: MessageLike, rinfo: unknown): void;
  onProxyRequest(socket: unknown, message: MessageLike, rinfo: unknown): void;
  sendResponse(socket: unknown, rinfo: unknown, message: MessageLike, pdu: unknown): void;
  close(callback?: () => void): void;
}

const T = snmp.ObjectType;
/** RFC 3416: the agent may return fewer GetBulk repetitions to fit; stay well under one datagram. */
const MAX_RESPONSE_BYTES = 60_000;
const MAX_VARBINDS = 2_000;

function toWire(vb: Varbind): { oid: string; type: number; value: unknown } {
  const v: SnmpValue = vb.value;
  switch (v.type) {
    case 'int':
      return { oid: vb.oid, type: T.Integer, value: v.value };
    case 'counter32':
      return { oid: vb.oid, type: T.Counter32, value: v.value };
    case 'gauge32':
      return { oid: vb.oid, type: T.Gauge32, value: v.value };
    case 'timeticks':
      return { oid: vb.oid, type: T.TimeTicks, value: v.value };
    case 'counter64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(v.value);
      return { oid: vb.oid, type: T.Counter64, value: b };
    }
    case 'octets':
      return { oid: vb.oid, type: T.OctetString, value: v.value };
    case 'oid':
      return { oid: vb.oid, type: T.OID, value: v.value };
    case 'ip':
      return { oid: vb.oid, type: T.IpAddress, value: v.value };
    case 'noSuchObject':
      return { oid: vb.oid, type: T.NoSuchObject, value: null };
    case 'noSuchInstance':
      return { oid: vb.oid, type: T.NoSuchInstance, value: null };
    case 'endOfMibView':
      return { oid: vb.oid, type: T.EndOfMibView, value: null };
    case 'null':
      return { oid: vb.oid, type: T.Null, value: null };
  }
}

const sizeOf = (vb: Varbind): number =>
  vb.oid.length / 2 +
  8 +
  (vb.value.type === 'octets'
    ? vb.value.value.length
    : vb.value.type === 'oid'
      ? vb.value.value.length / 2
      : 8);

/** GET / GETNEXT / GETBULK against one device at scenario time `now` (RFC 3416 semantics). */
export function answer(device: SimDevice, pdu: PduLike, now: number): Varbind[] {
  const oids = pdu.varbinds.map((v) => v.oid);
  const next = (oid: string): Varbind => device.next(oid, now) ?? { oid, value: { type: 'endOfMibView' } };
  if (pdu.type === snmp.PduType.GetRequest) return oids.map((oid) => ({ oid, value: device.get(oid, now) }));
  if (pdu.type === snmp.PduType.GetNextRequest) return oids.map(next);
  const nonRepeaters = Math.min(Math.max(pdu.nonRepeaters ?? 0, 0), oids.length);
  const out: Varbind[] = oids.slice(0, nonRepeaters).map(next);
  let cursor = oids.slice(nonRepeaters);
  let bytes = out.reduce((n, vb) => n + sizeOf(vb), 0);
  const reps = Math.max(pdu.maxRepetitions ?? 0, 0);
  for (let r = 0; r < reps && cursor.length > 0; r += 1) {
    const row = cursor.map(next);
    const rowBytes = row.reduce((n, vb) => n + sizeOf(vb), 0);
    if (r > 0 && (bytes + rowBytes > MAX_RESPONSE_BYTES || out.length + row.length > MAX_VARBINDS)) break;
    out.push(...row);
    bytes += rowBytes;
    if (row.every((vb) => vb.value.type === 'endOfMibView')) break;
    cursor = row.map((vb) => vb.oid);
  }
  return out;
}

export interface V3User {
  readonly name: string;
  readonly authProtocol: 'sha' | 'md5';
  readonly authKey: string;
  readonly privProtocol?: 'aes' | 'des';
  readonly privKey?: string;
}

export interface AgentSocket {
  readonly port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  readonly address: string;
  readonly port: number;
  /** Scenario time now (the shared clock's wall time). */
  readonly now: () => number;
  /** The device a request is for: by community (shared socket) or always the same (per-device socket). */
  readonly deviceFor: (community: string | undefined) => SimDevice | undefined;
  readonly users?: readonly V3User[];
  /** SNMPv3 engine: the device whose engineBoots the engine reports, and its engine ID. */
  readonly engine?: { readonly id: Buffer; readonly device: SimDevice };
  readonly onError?: (error: unknown) => void;
}

/** Reads the version and community of a v1/v2c message without decoding the rest (BER). */
export function peekCommunity(buf: Buffer): { version: number; community?: string } | undefined {
  let i = 0;
  const length = (): number | undefined => {
    const first = buf[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n > 3) return undefined;
    let len = 0;
    for (let k = 0; k < n; k += 1) len = len * 256 + (buf[i++] ?? 0);
    return len;
  };
  if (buf[i++] !== 0x30 || length() === undefined) return undefined;
  if (buf[i++] !== 0x02) return undefined;
  const vlen = length();
  if (vlen === undefined || vlen < 1 || vlen > 4) return undefined;
  let version = 0;
  for (let k = 0; k < vlen; k += 1) version = version * 256 + (buf[i++] ?? 0);
  if (version === 3) return { version };
  if (buf[i++] !== 0x04) return undefined;
  const clen = length();
  if (clen === undefined || i + clen > buf.length) return undefined;
  return { version, community: buf.toString('latin1', i, i + clen) };
}

/** Starts one agent socket; resolves once bound (port 0 picks a free port). */
export function listen(options: ListenOptions): Promise<AgentSocket> {
  const { now, deviceFor } = options;
  // The community of the datagram being handled: net-snmp's authorizer checks communities with
  // `communities.filter(c => c == message.community)`; we answer it for the current datagram only,
  // after routing it ourselves (an unknown community is dropped before net-snmp decodes anything).
  let current: string | undefined;
  let socket: Socket | undefined;
  const dgramModule = {
    createSocket(type: 'udp4' | 'udp6') {
      const s = createSocket(type);
      socket = s;
      // net-snmp turns port 0 into 161: bind the port we were asked for (0 = any free port).
      const bind = s.bind.bind(s) as (port: number, address: string) => Socket;
      s.bind = ((_port: number, address: string) => bind(options.port, address)) as typeof s.bind;
      const on = s.on.bind(s) as (event: string, handler: (...args: never[]) => void) => Socket;
      s.on = ((event: string, handler: (...args: never[]) => void) => {
        if (event !== 'message') return on(event, handler);
        return on('message', ((buf: Buffer, rinfo: RemoteInfo) => {
          const head = peekCommunity(buf);
          if (head && head.version !== 3) {
            // v2c only: SNMPv1 cannot carry the Counter64s a Junos walk is full of.
            if (head.version !== 1 || head.community === undefined || !deviceFor(head.community)) return;
            current = head.community;
          } else if (!options.engine?.device.reachable(now())) {
            // v3 only where a device has its own engine, and only while that device is up: a
            // shared port answering discovery would make a dead device look alive.
            return;
          }
          try {
            (handler as unknown as (b: Buffer, r: RemoteInfo) => void)(buf, rinfo);
          } finally {
            current = undefined;
          }
        }) as (...args: never[]) => void);
      }) as typeof s.on;
      return s;
    },
  };
  const agent = snmp.createAgent(
    {
      port: options.port,
      address: options.address,
      dgramModule,
      ...(options.engine ? { engineID: options.engine.id.toString('hex') } : {}),
    },
    (error: Error | null) => {
      if (error) options.onError?.(error);
    },
  ) as unknown as AgentInternals;
  const authorizer = (agent as unknown as { authorizer: { addUser(u: object): void; communities: unknown } })
    .authorizer;
  authorizer.communities = {
    filter: (match: (c: string) => boolean) => (current !== undefined && match(current) ? [current] : []),
  };
  const users = new Set<string>();
  for (const u of options.users ?? []) {
    users.add(u.name);
    authorizer.addUser({
      name: u.name,
      level: u.privKey ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
      authProtocol: u.authProtocol === 'md5' ? snmp.AuthProtocols.md5 : snmp.AuthProtocols.sha,
      authKey: u.authKey,
      ...(u.privKey
        ? {
            privProtocol: u.privProtocol === 'des' ? snmp.PrivProtocols.des : snmp.PrivProtocols.aes,
            privKey: u.privKey,
          }
        : {}),
    });
  }
  const realStart = performance.now();
  const respond = (to: unknown, message: MessageLike, rinfo: unknown) => {
    const v3 = message.version === snmp.Version3;
    // v3: only our users (a noAuthNoPriv message from anyone else gets nothing).
    if (v3 && !users.has(message.user?.name ?? '')) return;
    const device = v3 ? options.engine?.device : deviceFor(message.community);
    const t = now();
    if (!device?.answers(t)) return; // a real agent ignores a wrong community; a dead one, everything
    if (options.engine) {
      agent.engine.engineBoots = options.engine.device.engineBoots;
      agent.engine.engineTime = Math.floor((performance.now() - realStart) / 1000) + 10;
    }
    // A bug in the device model costs this request its answer, never the fleet (or the daemon
    // sharing the process in tests and the demo).
    try {
      const response = message.pdu.getResponsePduForRequest();
      response.varbinds = answer(device, message.pdu, t).map(toWire);
      agent.sendResponse(to, rinfo, message, response);
    } catch (error) {
      options.onError?.(error);
    }
  };
  agent.getRequest = respond;
  agent.getNextRequest = respond;
  agent.getBulkRequest = respond;
  agent.setRequest = () => {}; // read-only: a SET gets no answer
  agent.onProxyRequest = () => {};
  if (options.engine) agent.engine.engineBoots = options.engine.device.engineBoots;
  const bound = socket;
  if (!bound) throw new Error('net-snmp agent opened no socket');
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new Error(`cannot listen on ${options.address}:${options.port}: ${error.message}`, { cause: error }),
      );
    bound.once('error', fail);
    bound.once('listening', () => {
      bound.off('error', fail);
      resolve({
        port: bound.address().port,
        close: () => new Promise<void>((done) => agent.close(() => done())),
      });
    });
  });
}

/** An engine ID in the Juniper enterprise format (RFC 3411: 0x80 | enterprise 2636, text format 4). */
export function engineIdFor(name: string): Buffer {
  return Buffer.concat([Buffer.from([0x80, 0x00, 0x0a, 0x4c, 0x04]), Buffer.from(name.slice(0, 27), 'utf8')]);
}
