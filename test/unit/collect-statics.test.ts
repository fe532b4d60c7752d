import { describe, expect, it } from 'vitest';
import { type CollectMemo, collectDevice, STATIC_REFRESH_POLLS } from '../../src/collect/collect-device.js';
import { IF, VC_MEMBER } from '../../src/collect/oids.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { device, v2c } from '../helpers/devices.js';
import { Lab, PORTS } from '../helpers/lab.js';

/** The static-column cache across a reboot whose first walk fails. */

const text = (lab: Lab, oid: string) => {
  const v = lab.rec.get(oid);
  if (v?.type !== 'octets') throw new Error(`${oid} is not text`);
  return v.value.toString();
};

function rig() {
  const lab = new Lab('junos_ex4600mp');
  const fake = new FakeSnmp();
  fake.set('127.0.0.1', 161, lab.rec.varbinds);
  const memo: CollectMemo = {};
  const dev = device('lab', 161, v2c('x'));
  let t = 0;
  /** One poll 30 s after the last; `slowMs` per request on the poll's fake clock. */
  const poll = async (slowMs = 0): Promise<PollResult> => {
    t += 30_000;
    let now = t;
    fake.latency = slowMs
      ? {
          perRequestMs: slowMs,
          now: () => now,
          advance: (ms) => {
            now += ms;
          },
        }
      : undefined;
    try {
      return await collectDevice({
        device: dev,
        address: '127.0.0.1',
        connector: fake,
        now: () => now,
        memo,
      });
    } finally {
      fake.latency = undefined;
    }
  };
  return { lab, fake, memo, poll };
}

const seen = (r: PollResult) => {
  if (!r.ok) throw new Error(`poll failed: ${r.reason} ${r.message}`);
  const s = r.snapshot;
  if (!s.interfaces.supported || !s.vcMembers.supported) throw new Error('no interfaces or members');
  const interfaces = s.interfaces.value;
  const name = (i: number) => interfaces.find((x) => x.index === i)?.name;
  return {
    a: name(PORTS.uplinkA),
    b: name(PORTS.uplinkB),
    serial: s.vcMembers.value.find((m) => m.id === 1)?.serial,
  };
};

/** The device reboots; afterwards ifIndex A and B name each other's ports, member 1 is new hardware. */
function rebootWithNewStatics(lab: Lab) {
  const a = text(lab, `${IF.ifName}.${PORTS.uplinkA}`);
  const b = text(lab, `${IF.ifName}.${PORTS.uplinkB}`);
  lab.reboot(60);
  lab.rec.set(`${IF.ifName}.${PORTS.uplinkA}`, '4', b).set(`${IF.ifName}.${PORTS.uplinkB}`, '4', a);
  lab.rec.set(`${VC_MEMBER.serial}.1`, '4', 'NEWSERIAL0001');
  return { a: b, b: a, serial: 'NEWSERIAL0001' };
}

describe('static columns after a reboot whose first walk fails', () => {
  it('re-reads them once the walk cut by the deadline succeeds', async () => {
    const { lab, poll } = rig();
    const before = seen(await poll());
    expect(before.serial).not.toBe('NEWSERIAL0001');
    const truth = rebootWithNewStatics(lab);

    const cut = await poll(23_000); // the GET answers, the walk hits the 24 s deadline
    expect(cut.ok ? 'ok' : cut.reason).toBe('deadline');

    expect(seen(await poll())).toEqual(truth);
    expect(seen(await poll())).toEqual(truth);
  });

  it('re-reads them once the walk that timed out succeeds', async () => {
    const { lab, fake, poll } = rig();
    seen(await poll());
    seen(await poll()); // the cache is in use
    const truth = rebootWithNewStatics(lab);

    fake.fault = (request) =>
      request.kind === 'bulk'
        ? { ok: false, retryable: true, reason: 'timeout', message: 'lost replies' }
        : undefined;
    const lost = await poll();
    expect(lost.ok ? 'ok' : lost.reason).toBe('timeout');
    fake.fault = undefined;

    expect(seen(await poll())).toEqual(truth);
    expect(seen(await poll())).toEqual(truth);
  });

  it('stays invalid through several failed walks, then reuses the fresh columns', async () => {
    const { lab, fake, poll } = rig();
    seen(await poll());
    const truth = rebootWithNewStatics(lab);
    fake.fault = (request) =>
      request.kind === 'bulk' ? { ok: false, retryable: true, reason: 'timeout', message: 'x' } : undefined;
    for (let i = 0; i < 3; i += 1) {
      lab.age(30);
      expect((await poll()).ok).toBe(false);
    }
    fake.fault = undefined;
    expect(seen(await poll())).toEqual(truth);

    // Read afresh: the next poll reuses the cache (no static column walked) and still has the truth.
    const from = fake.requests.length;
    expect(seen(await poll())).toEqual(truth);
    const walked = fake.requests.slice(from).flatMap((r) => r.oids);
    expect(walked.some((oid) => oid.startsWith(`${IF.ifName}.`) || oid === IF.ifName)).toBe(false);
  });

  it('refreshes them every STATIC_REFRESH_POLLS polls', async () => {
    const { lab, poll } = rig();
    seen(await poll());
    lab.rec.set(`${VC_MEMBER.serial}.1`, '4', 'QUIETLYSWAPPED');
    let polls = 1;
    while (seen(await poll()).serial !== 'QUIETLYSWAPPED') {
      polls += 1;
      expect(polls).toBeLessThanOrEqual(STATIC_REFRESH_POLLS + 1);
    }
  });
});
