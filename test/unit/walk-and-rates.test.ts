import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDevice } from '../../src/collect/collect-device.js';
import type { Observed, ObservedInterface } from '../../src/collect/observed.js';
import { ambiguousWrap, computeRates, counterDelta } from '../../src/collect/rates.js';
import type { Snapshot } from '../../src/collect/snapshot.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { parseSnmprec, SnmprecRecording } from '../../src/snmp/snmprec.js';
import { compareOids, isUnder, type Varbind } from '../../src/snmp/types.js';
import { walkColumns } from '../../src/snmp/walk.js';
import { device, v2c } from '../helpers/devices.js';

const recording = (name: string) =>
  readFileSync(join(import.meta.dirname, `../fixtures/snmprec/${name}.snmprec`), 'utf8');

describe('OID order', () => {
  it('compares numerically, arc by arc', () => {
    const sorted = ['1.3.6.1.2', '1.3.6.1.10', '1.3.6.1.9', '1.3.6.1', '1.3.6.1.2.1', '1.3.6.10'].sort(
      compareOids,
    );
    expect(sorted).toEqual(['1.3.6.1', '1.3.6.1.2', '1.3.6.1.2.1', '1.3.6.1.9', '1.3.6.1.10', '1.3.6.10']);
    expect(compareOids('1.3.6', '1.3.6')).toBe(0);
    expect(isUnder('1.3.6.1.2', '1.3.6.1')).toBe(true);
    expect(isUnder('1.3.6.10', '1.3.6.1')).toBe(false);
  });
});

describe('walkColumns', () => {
  it('walks columns in lock-step and stops each at its subtree end', async () => {
    const rows: Varbind[] = [];
    for (let i = 1; i <= 60; i += 1) rows.push({ oid: `1.3.6.1.9.1.${i}`, value: { type: 'int', value: i } });
    for (let i = 1; i <= 3; i += 1) rows.push({ oid: `1.3.6.1.9.2.${i}`, value: { type: 'int', value: i } });
    const fake = new FakeSnmp();
    fake.set('127.0.0.1', 161, rows);
    const session = fake.open(v2c('x'), { host: '127.0.0.1', port: 161, maxRepetitions: 25 });
    const result = await session.walkColumns(['1.3.6.1.9.1', '1.3.6.1.9.2']);
    if (!result.ok) throw new Error(result.message);
    expect(result.value[0]).toHaveLength(60);
    expect(result.value[1]).toHaveLength(3);
    expect(fake.requests.length).toBe(3); // 25 + 25 + 10 rows of the long column; the short one rode along
  });

  it('stops a column whose agent does not advance (a looping liar)', async () => {
    const loop = async (oids: readonly string[]) => ({
      ok: true as const,
      value: oids.map(() => [{ oid: '1.3.6.1.9.1.5', value: { type: 'int' as const, value: 1 } }]),
    });
    const result = await walkColumns(loop, ['1.3.6.1.9.1'], 10);
    expect(result.ok && result.value[0]).toHaveLength(1);
  });
});

describe('collect through the fake seam, from a real recording', () => {
  it('reads ex4600mp into a snapshot with two requests per table group', async () => {
    const fake = new FakeSnmp();
    fake.set('127.0.0.1', 161, parseSnmprec(recording('junos_ex4600mp')));
    const result = await collectDevice({
      device: device('vc', 161, v2c('x')),
      address: '127.0.0.1',
      connector: fake,
      now: () => 1_000,
      memo: {},
    });
    if (!result.ok) throw new Error(result.message);
    expect(
      result.snapshot.vcMembers.supported &&
        result.snapshot.vcMembers.value.find((m) => m.role === 'master')?.id,
    ).toBe(1);
  });
});

describe('rates', () => {
  const at = async (time: number, text: string): Promise<Snapshot> => {
    const fake = new FakeSnmp();
    fake.set('127.0.0.1', 161, parseSnmprec(text));
    const r = await collectDevice({
      device: device('d', 161, v2c('x')),
      address: '127.0.0.1',
      connector: fake,
      now: () => time,
      memo: {},
    });
    if (!r.ok) throw new Error(r.message);
    return r.snapshot;
  };

  it('handles 32-bit wraps and refuses 64-bit backwards steps', () => {
    expect(counterDelta(4294967000n, 200n, 32)).toBe(496n);
    expect(counterDelta(1000n, 10n, 64)).toBeUndefined();
    expect(counterDelta(10n, 1010n, 64)).toBe(1000n);
  });

  it('a 32-bit counter that may wrap more than once in the interval has no rate (unknown, not zero)', () => {
    const iface = (index: number, name: string, speedMbps: number, octets: bigint): ObservedInterface => ({
      index,
      name,
      adminUp: true,
      operUp: true,
      inOctets: octets,
      outOctets: octets,
      counterBits: 32,
      discontinuityCs: undefined,
      speedMbps,
    });
    const observed = (time: number, a: bigint, b: bigint): Observed => ({
      time,
      clocks: {
        upTimeCs: time / 10,
        engineBoots: 1,
        engineTimeS: 1,
        hostUpTimeCs: undefined,
        reUpTimesCs: {},
      },
      interfaces: {
        supported: true,
        value: [iface(1, 'xe-0/0/0', 10_000, a), iface(2, 'ge-0/0/0', 1_000, b)],
      },
      vcMembers: { supported: false },
      redundancy: { supported: false },
      alarms: { supported: false },
      processes: { supported: false },
    });
    // 10G for 30 s can count 37.5 GB: 8.7 wraps of 2^32; whatever the counters read, no rate.
    const rates = computeRates(
      observed(0, 4_000_000_000n, 4_000_000_000n),
      observed(30_000, 100n, 100n),
      60_000,
    );
    expect(rates.ok && rates.interfaces.map((r) => r.name)).toEqual(['ge-0/0/0']);
    expect(rates.ok && rates.totalBps).toBeCloseTo(
      (2 * 8 * Number(2n ** 32n - 4_000_000_000n + 100n)) / 30,
      3,
    );
    expect(ambiguousWrap(10_000, 3)).toBe(false); // 3.75 GB in 3 s: still one wrap at most
    expect(ambiguousWrap(10_000, 4)).toBe(true);
    expect(ambiguousWrap(undefined, 30)).toBe(false); // no speed: one wrap assumed
  });

  it('computes bits per second between two polls, and none across a reboot', async () => {
    const base = recording('junos_qfx5100');
    const oid = '1.3.6.1.2.1.31.1.1.1.6.506'; // an HC in-octets cell
    const before = await at(0, base);
    const line = base.split('\n').find((l) => l.startsWith(`${oid}|`)) ?? '';
    const value = BigInt(line.split('|')[2] ?? '0');
    const after = await at(
      10_000,
      new SnmprecRecording(base).set(oid, '70', String(value + 12_500_000n)).text(),
    );
    const rates = computeRates(before, after, 60_000);
    expect(rates.ok && rates.totalBps).toBe(10_000_000);
    const rebooted = await at(
      10_000,
      new SnmprecRecording(base).set('1.3.6.1.2.1.1.3.0', '67', '100').text(),
    );
    expect(computeRates(before, rebooted, 60_000)).toEqual({ ok: false, reason: 'reboot' });
    expect(computeRates(before, after, 5_000)).toEqual({ ok: false, reason: 'gap' });
  });
});

describe('requests per poll (ex4600mp, 854 interfaces, max-repetitions 25)', () => {
  it('static columns are walked on the first poll and then only when they may have changed', async () => {
    const fake = new FakeSnmp();
    fake.set('127.0.0.1', 161, parseSnmprec(recording('junos_ex4600mp')));
    const memo = {};
    const requests: number[] = [];
    const varbinds: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const from = fake.requests.length;
      const r = await collectDevice({
        device: device('vc', 161, v2c('x')),
        address: '127.0.0.1',
        connector: fake,
        now: () => i * 30_000,
        memo,
      });
      if (!r.ok) throw new Error(r.message);
      requests.push(r.snapshot.requests);
      varbinds.push(
        fake.requests.slice(from).reduce((n, q) => n + q.oids.length * Math.max(1, q.maxRepetitions), 0),
      );
      // Names come from the cache on later polls, exactly as read.
      expect(
        r.snapshot.interfaces.supported && r.snapshot.interfaces.value.find((x) => x.index === 994)?.name,
      ).toBe('et-0/2/0');
    }
    console.info(`ex4600mp per poll: requests ${requests.join(', ')}; varbinds asked ${varbinds.join(', ')}`);
    // Lock-step GetBulk: the request count is set by the longest column (854 rows / 25); leaving
    // the static columns out shrinks every request instead.
    expect(requests[1]).toBeLessThanOrEqual(requests[0] ?? 0);
    expect(varbinds[1]).toBeLessThan((varbinds[0] ?? 0) * 0.7);
    expect(requests[2]).toBe(requests[1]);
  });
});
