import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { type CollectMemo, collectDevice } from '../../src/collect/collect-device.js';
import { IF } from '../../src/collect/oids.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { DeviceConfig } from '../../src/config/types.js';
import { Poller } from '../../src/poller.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { device, v2c, v3 } from '../helpers/devices.js';
import { Lab } from '../helpers/lab.js';

/** What the Poller learns per device (HC support, static columns) and when it forgets it. */

const HC = /^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.(6|10)\./;

/** A box with only 32-bit ifTable counters: the recording without its ifXTable HC columns. */
function legacyBox(): Lab {
  const lab = new Lab('junos_ex4600mp', { full: true });
  for (const line of lab.rec.text().split('\n')) {
    const oid = line.split('|')[0] ?? '';
    if (HC.test(oid)) lab.rec.delete(oid);
  }
  return lab;
}

function rig() {
  const fake = new FakeSnmp();
  fake.set('127.0.0.1', 161, new Lab('junos_ex4600mp', { full: true }).rec.varbinds); // box A: HC counters
  fake.set('127.0.0.2', 161, legacyBox().rec.varbinds); // box B: 32-bit counters only
  const results: PollResult[] = [];
  const clock = new FakeClock();
  const poller = new Poller({
    connector: fake,
    resolve: async (host) =>
      host.startsWith('127.')
        ? { ok: true, address: host }
        : { ok: false, message: `cannot resolve ${host}` },
    now: () => clock.wallMs(),
    monotonic: () => clock.monotonicMs(),
    onResult: (_d, r) => {
      results.push(r);
    },
  });
  return { fake, poller, clock, results };
}

const withCounters = (r: PollResult | undefined) => {
  if (!r?.ok || !r.snapshot.interfaces.supported) throw new Error('poll failed');
  return r.snapshot.interfaces.value.filter((i) => i.inOctets !== undefined).length;
};

/** Did the requests since `from` walk the static columns (ifName)? */
const walkedStatics = (fake: FakeSnmp, from: number) =>
  fake.requests
    .slice(from)
    .some((r) => r.oids.some((oid) => oid === IF.ifName || oid.startsWith(`${IF.ifName}.`)));

const at = (host: string, extra: Partial<DeviceConfig> = {}): DeviceConfig => ({
  ...device('sw1', 161, v2c('x')),
  host,
  ...extra,
});

describe('Poller memo', () => {
  it('a new box at the same name (host changed) gets its own HC decision', async () => {
    const { poller, results } = rig();
    await poller.poll(at('127.0.0.1'));
    expect(withCounters(results.at(-1))).toBeGreaterThan(0);
    poller.retain([at('127.0.0.2')]); // SIGHUP: sw1 is now box B
    for (let i = 0; i < 2; i += 1) {
      await poller.poll(at('127.0.0.2'));
      expect(withCounters(results.at(-1))).toBeGreaterThan(0);
    }
    const last = results.at(-1);
    if (!last?.ok || !last.snapshot.interfaces.supported) throw new Error('poll failed');
    expect(last.snapshot.interfaces.value.find((i) => i.inOctets !== undefined)?.counterBits).toBe(32);
  });

  it('retain forgets removed devices and devices whose host, port or credentials changed', async () => {
    const { poller, fake } = rig();
    const sw1 = at('127.0.0.1');
    const sw2 = { ...at('127.0.0.1'), name: 'sw2' };
    await poller.poll(sw1);
    await poller.poll(sw2);
    expect(poller.hasPolledAll([sw1, sw2])).toBe(true);

    // Unchanged config: the memo is kept, the next poll reuses the static columns.
    poller.retain([sw1, sw2]);
    let from = fake.requests.length;
    await poller.poll(sw1);
    expect(walkedStatics(fake, from)).toBe(false);

    // sw1's community changed, sw2 is removed.
    const sw1b = { ...sw1, snmp: { ...(sw1.snmp as NonNullable<DeviceConfig['snmp']>), security: v2c('y') } };
    poller.retain([sw1b]);
    expect(poller.hasPolledAll([sw1b])).toBe(false);
    from = fake.requests.length;
    await poller.poll(sw1b);
    expect(walkedStatics(fake, from)).toBe(true);
    expect(poller.hasPolledAll([sw1b])).toBe(true);

    // sw2 comes back: nothing of it was kept.
    expect(poller.hasPolledAll([sw2])).toBe(false);
    from = fake.requests.length;
    await poller.poll(sw2);
    expect(walkedStatics(fake, from)).toBe(true);
  });

  it('a port or SNMPv3 key change counts as another box too', async () => {
    const { poller, fake } = rig();
    fake.set('127.0.0.1', 1161, new Lab('junos_ex4600mp', { full: true }).rec.varbinds);
    const base = { ...device('sw1', 161, v3('u', 'authkey1', 'privkey1')), host: '127.0.0.1' };
    await poller.poll(base);
    const moved = { ...device('sw1', 1161, v3('u', 'authkey1', 'privkey1')), host: '127.0.0.1' };
    const rekeyed = { ...device('sw1', 161, v3('u', 'authkey1', 'privkey2')), host: '127.0.0.1' };
    const same = { ...device('sw1', 161, v3('u', 'authkey1', 'privkey1')), host: '127.0.0.1' };
    poller.retain([same]);
    expect(poller.hasPolledAll([same])).toBe(true);
    expect(poller.hasPolledAll([moved])).toBe(false);
    expect(poller.hasPolledAll([rekeyed])).toBe(false);
    poller.retain([rekeyed]);
    expect(poller.hasPolledAll([rekeyed])).toBe(false);
    const from = fake.requests.length;
    await poller.poll(rekeyed);
    expect(walkedStatics(fake, from)).toBe(true);
  });

  it('a host change is noticed by the poll itself, even before retain', async () => {
    const { poller, results } = rig();
    await poller.poll(at('127.0.0.1'));
    await poller.poll(at('127.0.0.2'));
    const last = results.at(-1);
    if (!last?.ok || !last.snapshot.interfaces.supported) throw new Error('poll failed');
    expect(last.snapshot.interfaces.value.some((i) => i.counterBits === 32)).toBe(true);
  });

  it('a resolve failure is stamped on wall time and timed on monotonic time', async () => {
    const { clock, results } = rig();
    const poller = new Poller({
      connector: new FakeSnmp(),
      resolve: async () => {
        clock.advance(40);
        clock.stepWall(-3_600_000);
        return { ok: false, message: 'NXDOMAIN' };
      },
      now: () => clock.wallMs(),
      monotonic: () => clock.monotonicMs(),
      onResult: (_d, r) => {
        results.push(r);
      },
    });
    const r = await poller.poll(at('nowhere.example'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('resolve');
    expect(r.durationMs).toBe(40);
    expect(r.time).toBe(clock.wallMs());
  });
});

describe('HC-counter support is not decided for good by one walk', () => {
  it('a first walk with empty HC columns by accident does not turn them off forever', async () => {
    const lab = new Lab('junos_ex4600mp', { full: true });
    const fake = new FakeSnmp();
    const memo: CollectMemo = {};
    const collect = () =>
      collectDevice({
        device: device('sw1', 161, v2c('x')),
        address: '127.0.0.1',
        connector: fake,
        now: () => 0,
        memo,
      });
    fake.set('127.0.0.1', 161, legacyBox().rec.varbinds); // the agent, still starting, serves no ifXTable counters
    const first = await collect();
    expect(memo.hcCounters).toBe(false);
    expect(withCounters(first)).toBeGreaterThan(0); // 32-bit ones, walked in the same poll

    fake.set('127.0.0.1', 161, lab.rec.varbinds); // the HC columns are there now
    const second = await collect();
    expect(memo.hcCounters).toBe(true);
    if (!second.ok || !second.snapshot.interfaces.supported) throw new Error('poll failed');
    expect(second.snapshot.interfaces.value.some((i) => i.counterBits === 64)).toBe(true);

    // Later polls walk no 32-bit column any more.
    const from = fake.requests.length;
    await collect();
    expect(fake.requests.slice(from).some((r) => r.oids.some((o) => o.startsWith(IF.ifInOctets)))).toBe(
      false,
    );
  });
});
