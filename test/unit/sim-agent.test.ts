import { EventEmitter } from 'node:events';
import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { IF, SYSTEM } from '../../src/collect/oids.js';
import { answer, peekCommunity } from '../../src/sim/agent.js';
import type { FleetDevice } from '../../src/sim/scenario/types.js';
import { loadSeed } from '../../src/sim/seed.js';
import { SimDevice } from '../../src/sim/sim-device.js';
import { prng } from '../../src/sim/traffic.js';
import type { SnmpValue, Varbind } from '../../src/snmp/types.js';

/**
 * The simulator's SNMP answers (RFC 3416 GET / GETNEXT / GETBULK) on a real recording, and the
 * community peek that routes a datagram to its device before net-snmp decodes it, on messages
 * net-snmp itself encodes and on garbage.
 */

const T0 = Date.UTC(2024, 5, 3, 10, 0, 0);
const NOW = T0 + 90_000;

function deviceOf(seed: string, over: Partial<FleetDevice> = {}): SimDevice {
  const fleet: FleetDevice = {
    name: 'asw1-eqsin',
    seed,
    roles: new Map(),
    traffic: { utilisation: 0.1, diurnal: 0 },
    counters: 'hc',
    interfaceGroups: new Map(),
    processes: ['fxpc'],
    ...over,
  };
  return new SimDevice({ fleet, seed: loadSeed(seed), startMs: T0 });
}

type Pdu = Parameters<typeof answer>[1];
function pdu(
  type: number,
  oids: readonly string[],
  bulk: { nonRepeaters?: number; maxRepetitions?: number } = {},
): Pdu {
  return {
    type,
    varbinds: oids.map((oid) => ({ oid })),
    ...bulk,
    getResponsePduForRequest: () => ({ varbinds: [] }),
  };
}
const GET = snmp.PduType.GetRequest;
const GETNEXT = snmp.PduType.GetNextRequest;
const GETBULK = snmp.PduType.GetBulkRequest;

/** The device's whole MIB view in order (GETNEXT from before the first OID). */
function mib(d: SimDevice, now = NOW): Varbind[] {
  const out: Varbind[] = [];
  for (let vb = d.next('0', now); vb; vb = d.next(vb.oid, now)) out.push(vb);
  return out;
}
const end = (oid: string): Varbind => ({ oid, value: { type: 'endOfMibView' } });

// --- BER sizes (X.690), to check that a response fits one UDP datagram --------------------------

const lengthOctets = (n: number) => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4);
const tlv = (content: number) => 1 + lengthOctets(content) + content;
function oidOctets(oid: string): number {
  let n = 1; // the first two arcs
  for (const id of oid.split('.').slice(2).map(Number)) {
    n += 1;
    for (let v = Math.floor(id / 128); v > 0; v = Math.floor(v / 128)) n += 1;
  }
  return n;
}
/** Unsigned (Counter, Gauge, TimeTicks, Counter64): two's complement, so a leading 0 when the top bit is set. */
function unsignedOctets(v: bigint): number {
  let n = 1;
  while (v >= 1n << BigInt(8 * n - 1)) n += 1;
  return n;
}
function signedOctets(v: number): number {
  let n = 1;
  while (v >= 2 ** (8 * n - 1) || v < -(2 ** (8 * n - 1))) n += 1;
  return n;
}
function valueOctets(v: SnmpValue): number {
  switch (v.type) {
    case 'int':
      return signedOctets(v.value);
    case 'counter32':
    case 'gauge32':
    case 'timeticks':
      return unsignedOctets(BigInt(v.value));
    case 'counter64':
      return unsignedOctets(v.value);
    case 'octets':
      return v.value.length;
    case 'oid':
      return oidOctets(v.value);
    case 'ip':
      return 4;
    default:
      return 0;
  }
}
const varbindOctets = (vb: Varbind) => tlv(tlv(oidOctets(vb.oid)) + tlv(valueOctets(vb.value)));
/** A v2c Response message carrying these varbinds (request-id at its widest). */
function responseOctets(vbs: readonly Varbind[], community: string): number {
  const list = tlv(vbs.reduce((n, vb) => n + varbindOctets(vb), 0));
  const pduBody = tlv(5) + tlv(1) + tlv(1) + list;
  return tlv(tlv(1) + tlv(Buffer.byteLength(community)) + tlv(pduBody));
}
/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65_507;

// --- messages as net-snmp encodes them --------------------------------------------------------

/** net-snmp sessions over a fake dgram module: each datagram a session would send, never sent. */
function capture(open: (dgramModule: unknown) => snmp.Session, use: (s: snmp.Session) => void): Buffer[] {
  const sent: Buffer[] = [];
  const dgramModule = {
    createSocket: () =>
      Object.assign(new EventEmitter(), {
        unref() {},
        bind() {},
        close() {},
        send(buffer: Buffer, offset: number, length: number) {
          sent.push(Buffer.from(buffer.subarray(offset, offset + length)));
        },
      }),
  };
  const session = open(dgramModule);
  session.on('error', () => {});
  use(session);
  session.close();
  return sent;
}
const ignore = () => {};

function v2Messages(community: string, version: 0 | 1): Buffer[] {
  return capture(
    (dgramModule) =>
      snmp.createSession('127.0.0.1', community, { version, dgramModule } as snmp.SessionOptions),
    (s) => {
      s.get([SYSTEM.sysUpTime, SYSTEM.sysName], ignore);
      s.getNext([IF.ifDescr], ignore);
      if (version === snmp.Version2c)
        s.getBulk([SYSTEM.sysUpTime, IF.ifDescr, IF.ifOperStatus], 1, 25, ignore);
    },
  );
}

describe('answer(): GET', () => {
  const d = deviceOf('junos_ex4600mp');

  it('answers each varbind in request order; what does not exist is an exception, not an error', () => {
    const out = answer(
      d,
      pdu(GET, [SYSTEM.sysName, SYSTEM.sysUpTime, '1.3.6.1.2.1.1.99.0', '1.3.6.1.2.1.1.5.1']),
      NOW,
    );
    expect(out.map((vb) => vb.oid)).toEqual([
      SYSTEM.sysName,
      SYSTEM.sysUpTime,
      '1.3.6.1.2.1.1.99.0',
      '1.3.6.1.2.1.1.5.1',
    ]);
    expect(out[0]?.value).toEqual({ type: 'octets', value: Buffer.from('asw1-eqsin') });
    expect(out[1]?.value).toEqual({ type: 'timeticks', value: 962_501_586 + 9000 });
    for (const vb of out.slice(2)) expect(['noSuchObject', 'noSuchInstance']).toContain(vb.value.type);
  });

  it('a GET of a column or subtree (no instance) is not a walk', () => {
    const out = answer(d, pdu(GET, [IF.ifDescr, '1.3.6.1.2.1.1']), NOW);
    for (const vb of out) expect(['noSuchObject', 'noSuchInstance']).toContain(vb.value.type);
  });

  it('reads at the time asked: the same request later sees the clocks moved', () => {
    const [a] = answer(d, pdu(GET, [SYSTEM.sysUpTime]), NOW);
    const [b] = answer(d, pdu(GET, [SYSTEM.sysUpTime]), NOW + 1000);
    expect(
      a?.value.type === 'timeticks' && b?.value.type === 'timeticks' && b.value.value - a.value.value,
    ).toBe(100);
  });
});

describe('answer(): GETNEXT', () => {
  const d = deviceOf('junos_ex4600mp');
  const all = mib(d);

  it('each varbind gets its own lexicographic successor', () => {
    const from = [SYSTEM.sysUpTime, IF.ifDescr, '1.3.6.1.2.1.1.3', '1.3.6.1.2.1.1.3.0.5'];
    const out = answer(d, pdu(GETNEXT, from), NOW);
    expect(out.map((vb) => vb.oid)).toEqual([
      '1.3.6.1.2.1.1.4.0',
      all.find((vb) => vb.oid.startsWith(`${IF.ifDescr}.`))?.oid,
      SYSTEM.sysUpTime,
      '1.3.6.1.2.1.1.4.0',
    ]);
    expect(out[2]?.value.type).toBe('timeticks');
  });

  it('past the last OID: endOfMibView under the requested name', () => {
    const last = all.at(-1)?.oid ?? '';
    const out = answer(d, pdu(GETNEXT, [last, '9.9', SYSTEM.sysName]), NOW);
    expect(out[0]).toEqual(end(last));
    expect(out[1]).toEqual(end('9.9'));
    expect(out[2]?.oid).toBe('1.3.6.1.2.1.1.6.0');
  });
});

describe('answer(): GETBULK (RFC 3416 4.2.3)', () => {
  const d = deviceOf('junos_ex4600mp');
  const all = mib(d);
  const successors = (oid: string, n: number) => {
    const i = all.findIndex((vb) => compare(vb.oid, oid) > 0);
    return Array.from({ length: n }, (_, k) => all[i + k] ?? end(all[i + k - 1]?.oid ?? oid));
  };

  it('N non-repeaters get one successor each, then M repetitions of the repeaters, row by row', () => {
    const oids = [SYSTEM.sysDescr, SYSTEM.sysUpTime, IF.ifDescr, IF.ifOperStatus];
    const out = answer(d, pdu(GETBULK, oids, { nonRepeaters: 2, maxRepetitions: 3 }), NOW);
    expect(out).toHaveLength(2 + 2 * 3);
    expect(out.slice(0, 2)).toEqual([successors(SYSTEM.sysDescr, 1)[0], successors(SYSTEM.sysUpTime, 1)[0]]);
    const descr = successors(IF.ifDescr, 3);
    const oper = successors(IF.ifOperStatus, 3);
    expect(out.slice(2)).toEqual([descr[0], oper[0], descr[1], oper[1], descr[2], oper[2]]);
  });

  it('max-repetitions 0: only the non-repeaters; non-repeaters beyond the list or below 0 are clamped', () => {
    const oids = [SYSTEM.sysDescr, IF.ifDescr];
    expect(answer(d, pdu(GETBULK, oids, { nonRepeaters: 1, maxRepetitions: 0 }), NOW)).toEqual(
      successors(SYSTEM.sysDescr, 1),
    );
    expect(answer(d, pdu(GETBULK, oids, { nonRepeaters: 9, maxRepetitions: 5 }), NOW)).toEqual([
      ...successors(SYSTEM.sysDescr, 1),
      ...successors(IF.ifDescr, 1),
    ]);
    expect(answer(d, pdu(GETBULK, oids, { nonRepeaters: -3, maxRepetitions: 2 }), NOW)).toEqual([
      successors(SYSTEM.sysDescr, 2)[0],
      successors(IF.ifDescr, 2)[0],
      successors(SYSTEM.sysDescr, 2)[1],
      successors(IF.ifDescr, 2)[1],
    ]);
    expect(answer(d, pdu(GETBULK, oids, {}), NOW)).toEqual([]); // both absent: 0 and 0
  });

  it('a repeater that runs off the end gets endOfMibView in each later repetition; the others go on', () => {
    const secondLast = all.at(-2)?.oid ?? '';
    const last = all.at(-1)?.oid ?? '';
    const out = answer(d, pdu(GETBULK, [secondLast, SYSTEM.sysDescr], { maxRepetitions: 4 }), NOW);
    const sys = successors(SYSTEM.sysDescr, 4);
    expect(out).toEqual([all.at(-1), sys[0], end(last), sys[1], end(last), sys[2], end(last), sys[3]]);
  });

  it('stops early when every repeater is at the end', () => {
    const last = all.at(-1)?.oid ?? '';
    expect(answer(d, pdu(GETBULK, [last, last], { maxRepetitions: 50 }), NOW)).toEqual([
      end(last),
      end(last),
    ]);
    const secondLast = all.at(-2)?.oid ?? '';
    expect(answer(d, pdu(GETBULK, [secondLast], { maxRepetitions: 50 }), NOW)).toEqual([
      all.at(-1),
      end(last),
    ]);
  });

  it('a huge max-repetitions is cut to whole rows that fit one datagram, and what is sent is right', () => {
    const columns = [
      IF.ifDescr,
      IF.ifName,
      IF.ifAlias,
      IF.ifHCInOctets,
      IF.ifHCOutOctets,
      IF.ifOperStatus,
      '1.3.6.1.2.1.2.2.1.6',
    ];
    const out = answer(d, pdu(GETBULK, columns, { nonRepeaters: 0, maxRepetitions: 100_000 }), NOW);
    expect(out.length % columns.length).toBe(0);
    const size = responseOctets(out, 'asw1-eqsin');
    expect(size).toBeLessThanOrEqual(MAX_DATAGRAM);
    expect(size).toBeGreaterThan(MAX_DATAGRAM / 3); // not cut absurdly short
    const rows = out.length / columns.length;
    columns.forEach((c, k) => {
      expect(out.filter((_, i) => i % columns.length === k)).toEqual(successors(c, rows));
    });
  });

  it.each([
    ['VC port table (long OIDs: port names in the index)', ['1.3.6.1.4.1.2636.3.40.1.4.1.2.1']],
    [
      'hrStorageDescr, VLAN names, entPhysicalDescr (long strings)',
      ['1.3.6.1.2.1.25.2.3.1.3', '1.3.6.1.2.1.17.7.1.4.3.1.2', '1.3.6.1.2.1.47.1.1.1.1.2'],
    ],
  ])('the byte cap binds before the varbind cap: %s', (_name, oids) => {
    const out = answer(d, pdu(GETBULK, oids, { maxRepetitions: 100_000 }), NOW);
    expect(out.length).toBeLessThan(2000);
    expect(out.length % oids.length).toBe(0);
    const size = responseOctets(out, 'asw1-eqsin');
    expect(size).toBeLessThanOrEqual(MAX_DATAGRAM);
    expect(size).toBeGreaterThan(MAX_DATAGRAM / 2);
  });

  it('many repeaters: every repetition of the first row is sent, later ones only while they fit', () => {
    const oids = Array.from({ length: 60 }, () => '1.3.6.1.2.1.1');
    const out = answer(d, pdu(GETBULK, oids, { maxRepetitions: 100_000 }), NOW);
    expect(responseOctets(out, 'asw1-eqsin')).toBeLessThanOrEqual(MAX_DATAGRAM);
    expect(out.length).toBeGreaterThanOrEqual(60);
    expect(out.length).toBeLessThanOrEqual(2000);
  });

  it('a 32-bit-only device: a bulk walk of ifHCInOctets leaves the column at once, ifInOctets is walkable', () => {
    const e = deviceOf('junos_qfx5100', { counters: '32bit' });
    const [first] = answer(e, pdu(GETBULK, [IF.ifHCInOctets], { maxRepetitions: 5 }), NOW);
    expect(first?.oid.startsWith(`${IF.ifHCInOctets}.`)).toBe(false);
    const rows = answer(e, pdu(GETBULK, [IF.ifInOctets], { maxRepetitions: 5 }), NOW);
    expect(rows.map((vb) => vb.value.type)).toEqual(Array(5).fill('counter32'));
    expect(rows.every((vb) => vb.oid.startsWith(`${IF.ifInOctets}.`))).toBe(true);
  });
});

// --- peekCommunity ----------------------------------------------------------------------------

describe('peekCommunity()', () => {
  it('checks its BER sizes against net-snmp’s own encoding (the datagram-size test relies on them)', () => {
    const [get] = v2Messages('asw1-eqsin', snmp.Version2c);
    const request = [SYSTEM.sysUpTime, SYSTEM.sysName].map(
      (oid): Varbind => ({ oid, value: { type: 'null' } }),
    );
    // net-snmp writes the request-id in as few octets as it needs; ours assumes the widest (5)
    expect(get?.length).toBeLessThanOrEqual(responseOctets(request, 'asw1-eqsin'));
    expect(get?.length).toBeGreaterThanOrEqual(responseOctets(request, 'asw1-eqsin') - 4);
  });

  it.each([
    ['v1', snmp.Version1, 0],
    ['v2c', snmp.Version2c, 1],
  ] as const)(
    'reads version and community of real %s requests (GET, GETNEXT, GETBULK)',
    (_name, version, wire) => {
      const messages = v2Messages('asw1-eqsin', version);
      expect(messages.length).toBe(version === snmp.Version2c ? 3 : 2);
      for (const m of messages) expect(peekCommunity(m)).toEqual({ version: wire, community: 'asw1-eqsin' });
    },
  );

  it('a community longer than 127 octets (long-form BER lengths) and odd bytes in it', () => {
    const long = `tor-${'x'.repeat(300)}`;
    for (const m of v2Messages(long, snmp.Version2c))
      expect(peekCommunity(m)).toEqual({ version: 1, community: long });
    const odd = 'c\u00e9 \t/ÿ';
    const [m] = v2Messages(odd, snmp.Version2c);
    expect(peekCommunity(m as Buffer)?.community).toBe(Buffer.from(odd, 'utf8').toString('latin1'));
  });

  it('an SNMPv3 message (net-snmp’s discovery request) is version 3, with no community', () => {
    const messages = capture(
      (dgramModule) =>
        snmp.createV3Session(
          '127.0.0.1',
          {
            name: 'netwatch',
            level: snmp.SecurityLevel.authPriv,
            authProtocol: snmp.AuthProtocols.sha,
            authKey: 'simulator-auth-key',
            privProtocol: snmp.PrivProtocols.aes,
            privKey: 'simulator-priv-key',
          },
          { dgramModule } as snmp.SessionOptionsV3,
        ),
      (s) => s.get([SYSTEM.sysUpTime], ignore),
    );
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(peekCommunity(m)).toEqual({ version: 3 });
  });

  it('a message built by hand: the smallest v2c GET', () => {
    const community = Buffer.from('public');
    const pduBytes = Buffer.from([
      0xa0, 0x0b, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
    ]);
    const body = Buffer.concat([
      Buffer.from([0x02, 0x01, 0x01, 0x04, community.length]),
      community,
      pduBytes,
    ]);
    const msg = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    expect(peekCommunity(msg)).toEqual({ version: 1, community: 'public' });
    // the same with a long-form outer length (0x81 n)
    expect(peekCommunity(Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]))).toEqual({
      version: 1,
      community: 'public',
    });
  });

  it('never throws on garbage: truncations of real messages, flipped bytes, random bytes', () => {
    const real = [...v2Messages('asw1-eqsin', snmp.Version2c), ...v2Messages('x'.repeat(200), snmp.Version1)];
    const inputs: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x30, 0x03, 0x02, 0x05, 0x01]),
      Buffer.from([0x30, 0x03, 0x02, 0x00]),
      Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x7f]),
      Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x85, 1, 2, 3, 4, 5]),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
    ];
    for (const m of real) for (let n = 0; n < m.length; n += 1) inputs.push(m.subarray(0, n));
    const random = prng(42);
    for (const m of real)
      for (let k = 0; k < 200; k += 1) {
        const copy = Buffer.from(m);
        copy[Math.floor(random() * Math.min(copy.length, 24))] = Math.floor(random() * 256);
        inputs.push(copy);
      }
    for (let k = 0; k < 3000; k += 1)
      inputs.push(
        Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256))),
      );
    for (const input of inputs) {
      let result: ReturnType<typeof peekCommunity>;
      expect(() => {
        result = peekCommunity(input);
      }, input.toString('hex')).not.toThrow();
      if (result !== undefined) {
        expect(Number.isInteger(result.version)).toBe(true);
        if (result.community !== undefined) expect(result.community.length).toBeLessThanOrEqual(input.length);
      }
    }
    // truncated inside the community: no community rather than a wrong one
    for (const m of real.slice(0, 3))
      for (let n = 0; n < 7 + 10; n += 1) expect(peekCommunity(m.subarray(0, n))?.community).toBeUndefined();
  });
});

function compare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}
