import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBaselineAccept } from '../../src/cli/baseline.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { DetectRun, Lab } from '../helpers/lab.js';

/** `netwatch baseline accept` with no daemon running: straight into the store, unless one owns it. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function prepared() {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-baseline-'));
  dirs.push(dir);
  // A loopback port: nothing listens, so the API is refused like a stopped daemon's.
  writeFileSync(
    join(dir, 'devices.yaml'),
    'http: { listen: 127.0.0.1:47831 }\nstorage: { dir: ./data }\ndefaults: { snmp: { version: 2c, community: x } }\ndevices:\n  - { name: lab, host: 127.0.0.1 }\n',
  );
  const run = new DetectRun(new Lab());
  await run.poll(0);
  const opened = await SqliteStore.open(join(dir, 'data'));
  if (!opened.ok) throw new Error(opened.reason);
  await opened.store.commit([{ device: 'lab', events: [], memory: { memory: run.memory, identity: 'x' } }]);
  await opened.store.close();
  const lines: string[] = [];
  const out = { print: (l: string) => lines.push(l), error: (l: string) => lines.push(`E ${l}`) };
  return { dir, lines, out };
}

describe('netwatch baseline accept (no daemon)', () => {
  it('journals baseline_accepted with the author, in the store', async () => {
    const { dir, lines, out } = await prepared();
    const code = await runBaselineAccept(
      { file: join(dir, 'devices.yaml'), device: 'lab', author: 'bob' },
      {},
      out,
    );
    expect(lines).toEqual([expect.stringMatching(/^bob accepted the current state of lab/)]);
    expect(code).toBe(0);
    const opened = await SqliteStore.open(join(dir, 'data'));
    if (!opened.ok) throw new Error(opened.reason);
    const [event] = await opened.store.queryEvents({ type: 'baseline_accepted' });
    expect(event?.source).toBe('operator');
    expect(event?.details).toMatchObject({ author: 'bob' });
    await opened.store.close();
  });

  it('refuses to write behind a live daemon that owns the store', async () => {
    const { dir, lines, out } = await prepared();
    writeFileSync(join(dir, 'data', 'netwatch.pid'), `${process.ppid}\n`);
    const code = await runBaselineAccept(
      { file: join(dir, 'devices.yaml'), device: 'lab', author: 'bob' },
      {},
      out,
    );
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/owns .* but its API at 127\.0\.0\.1:47831 does not answer/);
  });

  it('an unknown device is a usage error', async () => {
    const { dir, out } = await prepared();
    expect(
      await runBaselineAccept({ file: join(dir, 'devices.yaml'), device: 'nope', author: 'bob' }, {}, out),
    ).toBe(2);
  });
});
