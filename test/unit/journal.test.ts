import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/events/event.js';
import { FileJournal } from '../../src/journal/file-journal.js';

const draft = (n: number, type: EventDraft['type'] = 'interface_up'): EventDraft => ({
  time: Date.UTC(2026, 10, 21, 9, 0, n),
  device: `sw${n % 2}`,
  site: 'eqsin',
  type,
  severity: 'info',
  source: 'poll',
  summary: `event ${n}`,
  details: { n },
});

describe('file journal', () => {
  it('keeps every event across reopen, with ids that continue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-journal-'));
    const a = await FileJournal.open(dir);
    const first = await a.append([draft(1), draft(2, 'master_switchover')]);
    expect(first.map((e) => e.id)).toEqual(['20261121T090001Z-000001', '20261121T090002Z-000002']);
    await a.close();
    const b = await FileJournal.open(dir);
    expect(b.query().map((e) => e.summary)).toEqual(['event 1', 'event 2']);
    expect(b.query({ type: 'master_switchover' })).toHaveLength(1);
    expect(b.query({ device: 'sw1' }).map((e) => e.summary)).toEqual(['event 1']);
    expect(b.query({ since: Date.UTC(2026, 10, 21, 9, 0, 2) })).toHaveLength(1);
    const [third] = await b.append([draft(3)]);
    expect(third?.id).toBe('20261121T090003Z-000003');
    await b.close();
  });

  it('cuts a torn last line left by a crash mid-write, then appends cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-journal-'));
    const a = await FileJournal.open(dir);
    await a.append([draft(1)]);
    await a.close();
    appendFileSync(join(dir, 'events.jsonl'), '{"id":"20261121T090002Z-000002","time":"2026-11-');
    const b = await FileJournal.open(dir);
    expect(b.query()).toHaveLength(1);
    await b.append([draft(3)]);
    await b.close();
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).summary)).toEqual(['event 1', 'event 3']);
  });

  it('an append that resolved survives kill -9 of the process right after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-journal-'));
    const module = join(import.meta.dirname, '../../dist/src/journal/file-journal.js');
    const script = `
      import { FileJournal } from ${JSON.stringify(module)};
      const j = await FileJournal.open(${JSON.stringify(dir)});
      for (let i = 0; i < 50; i += 1)
        await j.append([{ time: Date.now(), device: 'sw', site: 's', type: 'interface_down', severity: 'minor', source: 'poll', summary: 'n' + i, details: {} }]);
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.signal).toBe('SIGKILL');
    const reopened = await FileJournal.open(dir);
    expect(reopened.query().map((e) => e.summary)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
  });
});

describe('state store', () => {
  it('reads back memory written by an older netwatch, filling in what it lacked', async () => {
    const { StateStore } = await import('../../src/journal/state-store.js');
    const { emptyMemory } = await import('../../src/detect/memory.js');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-state-'));
    const old = emptyMemory('sw1', 1000) as unknown as Record<string, Record<string, unknown>>;
    const { missing: _vcMissing, ...vc } = old.vc as Record<string, unknown>;
    const { missing: _procMissing, ...processes } = old.processes as Record<string, unknown>;
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(
      join(dir, 'state', 'sw1.json'),
      JSON.stringify({ ...old, vc, processes, counter: { $bigint: '18446744073709551615' } }),
    );
    writeFileSync(join(dir, 'state', 'torn.json'), '{"device": "torn", "vc": {');
    const loaded = new StateStore(dir).loadAll();
    expect([...loaded.keys()]).toEqual(['sw1']);
    const memory = loaded.get('sw1') as unknown as Record<string, Record<string, unknown>>;
    expect(memory.vc?.missing).toEqual({});
    expect(memory.processes?.missing).toEqual({});
    expect(memory.counter).toBe(18446744073709551615n);
    expect(memory.fromDisk).toBe(true);
  });
});
