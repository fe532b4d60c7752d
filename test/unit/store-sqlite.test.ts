import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, schemaVersion } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { ev, storeContract } from '../contract/store-contract.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string, upTo?: number): Promise<SqliteStore> {
  const opened = await SqliteStore.open(dir, upTo === undefined ? {} : { upTo });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.store;
}

storeContract('SQLite', () => {
  const dir = tempDir();
  return { open: (): Promise<Store> => open(dir), reopen: (): Promise<Store> => open(dir) };
});

describe('SQLite store: schema', () => {
  it('creates the latest schema in WAL mode', async () => {
    const store = await open(tempDir());
    expect(await schemaVersion(store.kysely)).toBe(LATEST_VERSION);
    await store.close();
  });

  for (const m of MIGRATIONS.filter((m) => m.version > 1))
    it(`migration ${m.version} (${m.name}) keeps what the schema before it held`, async () => {
      const dir = tempDir();
      const old = await open(dir, m.version - 1);
      expect(await schemaVersion(old.kysely)).toBe(m.version - 1);
      // Rows as the older schema holds them (events exist from version 1 on).
      await old.kysely
        .insertInto('events')
        .values({
          id: '20261121T094800Z-000001',
          device: 'a',
          seq: 1,
          time: 1,
          site: 's',
          type: 'master_switchover',
          severity: 'critical',
          source: 'poll',
          summary: 'x',
          details: '{}',
          fact: 'f',
          witnesses: '[]',
          recorded_at: 1,
        })
        .execute();
      await old.kysely.insertInto('device_seq').values({ device: 'a', last_seq: 1 }).execute();
      await old.close();
      const store = await open(dir);
      expect(await schemaVersion(store.kysely)).toBe(LATEST_VERSION);
      expect((await store.queryEvents({})).map((e) => [e.id, e.seq])).toEqual([
        ['20261121T094800Z-000001', 1],
      ]);
      const next = await store.commit([{ device: 'a', events: [ev('a', 'member_down', 'g')] }]);
      expect(next.recorded[0]?.seq).toBe(2);
      await store.close();
    });

  it('refuses a database with a breaking migration newer than this code, and says why', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.kysely
      .insertInto('schema_migrations')
      .values({ version: LATEST_VERSION + 1, name: 'future', breaking: 1, applied_at: 0 })
      .execute();
    await store.close();
    const opened = await SqliteStore.open(dir);
    expect(opened.ok).toBe(false);
    if (!opened.ok)
      expect(opened.reason).toContain(
        `schema version ${LATEST_VERSION + 1}, which this netwatch (schema ${LATEST_VERSION}) cannot read`,
      );
  });

  it('opens a database with a newer non-breaking migration (rolling downgrade)', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.kysely
      .insertInto('schema_migrations')
      .values({ version: LATEST_VERSION + 1, name: 'future', breaking: 0, applied_at: 0 })
      .execute();
    await store.close();
    expect((await SqliteStore.open(dir)).ok).toBe(true);
  });
});

describe('SQLite store: import of events.jsonl + state/ written by the previous version', () => {
  it('a repeated line and a torn last line: each event once, seqs without gaps', async () => {
    const dir = tempDir();
    cpSync(join(import.meta.dirname, '../fixtures/legacy-v0'), dir, { recursive: true });
    const path = join(dir, 'events.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    writeFileSync(path, `${[lines[0], lines[0], ...lines.slice(1)].join('\n')}\n{"time":"2026-11-20T09:02`);
    const opened = await SqliteStore.open(dir);
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.imported).toEqual({ events: 4, skippedLines: 2, memories: 1 });
    expect((await opened.store.queryEvents({})).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    await opened.store.close();
  });

  it('imports every event (unknown types too) and the device memory, once', async () => {
    const dir = tempDir();
    cpSync(join(import.meta.dirname, '../fixtures/legacy-v0'), dir, { recursive: true });
    const opened = await SqliteStore.open(dir);
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.imported).toEqual({ events: 4, skippedLines: 0, memories: 1 });
    const events = await opened.store.queryEvents({});
    expect(events.map((e) => [e.id, e.type, e.seq])).toEqual([
      ['20261120T090030Z-000001', 'master_switchover', 1],
      ['20261120T090100Z-000002', 'interface_up', 2],
      ['20261120T090130Z-000003', 'interface_down', 3],
      ['20261120T090145Z-000004', 'psu_failure', 4],
    ]);
    expect(events[0]?.details).toMatchObject({ from: 1, to: 0 });
    const memories = await opened.store.loadMemories();
    expect(memories.get('lab')?.memory.vc.master).toBe(0);
    // New events continue the id counter and the device's seq.
    const next = await opened.store.commit([{ device: 'lab', events: [ev('lab', 'member_down', 'm')] }]);
    expect(next.recorded[0]?.id).toMatch(/^\d{8}T\d{6}Z-lab-5$/);
    expect(next.recorded[0]?.seq).toBe(5);
    await opened.store.close();
    const again = await SqliteStore.open(dir);
    if (!again.ok) throw new Error(again.reason);
    expect(again.imported).toBeUndefined();
    expect(await again.store.queryEvents({})).toHaveLength(5);
    await again.store.close();
  });
});
