import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptBaseline, baselineAcceptedDraft } from '../../src/detect/baseline.js';
import { memoryFromLegacy, stableKey } from '../../src/detect/memory.js';
import { parseStoredJson, serializeMemory } from '../../src/store/memory-codec.js';
import { DetectRun, Lab, PORTS } from '../helpers/lab.js';

/** Device memory: compact, stable on a steady device, readable from the previous version's files. */

const STEP = 30_000;
const steady = { [PORTS.uplinkA]: 400e6, [PORTS.uplinkB]: 400e6, [PORTS.server1]: 200e6 };

describe('device memory', () => {
  it('holds a compact previous observation, not the snapshot', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    const text = serializeMemory(run.memory);
    expect(run.memory).not.toHaveProperty('last');
    expect(run.memory).not.toHaveProperty('journalSeq');
    expect(run.memory.previous?.clocks.hostUpTimeCs).toBeGreaterThan(0);
    expect(Object.keys(run.memory.previous?.clocks.reUpTimesCs ?? {})).toHaveLength(2);
    expect(text.length).toBeLessThan(90_000);
  });

  it('stableKey is identical over steady polls with flowing traffic; a switchover changes it', async () => {
    const run = new DetectRun(new Lab());
    const keys: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      run.lab.age(30).flow(30, steady);
      await run.poll(i * STEP);
      keys.push(stableKey(run.memory));
    }
    expect(new Set(keys.slice(1)).size).toBe(1);
    run.lab.age(30).flow(30, steady).role(1, 2).role(0, 1);
    await run.poll(5 * STEP);
    expect(stableKey(run.memory)).not.toBe(keys[4]);
  });

  it('a watched process alternating running ↔ runnable keeps stableKey steady; notRunnable changes it', async () => {
    const HR_NAME = '1.3.6.1.2.1.25.4.2.1.2.1201';
    const HR_STATUS = '1.3.6.1.2.1.25.4.2.1.7.1201';
    const run = new DetectRun(new Lab(), undefined, { watchProcesses: ['rpd'] });
    run.lab.rec.set(HR_NAME, '4', 'rpd').set(HR_STATUS, '2', '1');
    const keys: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      // hrSWRunStatus of a busy daemon as net-snmp reports it: R → running(1), S → runnable(2)
      run.lab
        .age(30)
        .flow(30, steady)
        .rec.set(HR_STATUS, '2', i % 2 ? '1' : '2');
      await run.poll(i * STEP);
      keys.push(stableKey(run.memory));
    }
    expect(new Set(keys.slice(1)).size).toBe(1);
    run.lab.age(30).flow(30, steady).rec.set(HR_STATUS, '2', '3');
    await run.poll(6 * STEP);
    expect(stableKey(run.memory)).not.toBe(keys[5]);
  });

  it('converts a memory file written by the previous version', async () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/legacy-v0/state/lab.json'), 'utf8');
    const memory = memoryFromLegacy(parseStoredJson(text));
    if (!memory) throw new Error('not converted');
    expect(memory).not.toHaveProperty('last');
    expect(memory).not.toHaveProperty('journalSeq');
    expect(memory.previous?.clocks.upTimeCs).toBe(962510586);
    expect(memory.previous?.vcMembers.supported && memory.previous.vcMembers.value).toHaveLength(8);
    expect(memory.vc.master).toBe(0);
    expect(memory.degraded).toEqual({ deadlines: 0, active: false });
    expect(memory.traffic.device?.ports).toEqual([]);
    expect(serializeMemory(memory).length).toBeLessThan(text.length * 0.7);
    expect(memoryFromLegacy('nonsense')).toBeUndefined();

    // The converted memory drives detection: the lab's master is member 1, the file's was 0.
    const run = new DetectRun(new Lab().age(3600)); // the file was written an hour into a lab run
    run.memory = { ...memory, fromDisk: true };
    const events = await run.poll(memory.savedAt + STEP);
    expect(events.map((e) => [e.type, e.details.detected_after_restart])).toEqual([
      ['master_switchover', true],
    ]);
  });
});

describe('accepting the baseline', () => {
  it('forgets a member that is gone, so it is no longer missed, and says what changed', async () => {
    const run = new DetectRun(new Lab());
    await run.poll(0);
    run.lab.removeMember(6);
    await run.poll(STEP);
    expect(run.events.map((e) => e.type)).toEqual([]);
    const { memory, change } = acceptBaseline(run.memory, 2 * STEP);
    expect(change.membersDropped).toEqual([{ member: 6, serial: 'XR0123456795', model: 'ex4300-48mp' }]);
    expect(Object.keys(memory.vc.expected)).not.toContain('6');
    run.memory = memory;
    expect(await run.poll(3 * STEP)).toEqual([]);
    expect(await run.poll(4 * STEP)).toEqual([]); // not member_down: no longer expected
    const draft = baselineAcceptedDraft({ device: 'lab', site: 'test', author: 'alice', time: 5, change });
    expect(draft).toMatchObject({ type: 'baseline_accepted', source: 'operator', severity: 'info' });
    expect(draft.summary).toContain('alice');
    expect(draft.details).toMatchObject({ members_dropped: [6], author: 'alice' });
  });
});
