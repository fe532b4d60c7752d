import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { type Daemon, startDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/log.js';
import { FakeCalendar } from '../../src/schedule/calendar.js';
import { FakeTicker } from '../../src/schedule/ticker.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { recordingText } from '../helpers/lab.js';

/**
 * The assembled daemon on fakes (SNMP agents, clock, ticker, calendar) and a real SQLite store:
 * reload and clock steps as the scheduler, pipeline and store see them together.
 */

const dirs: string[] = [];
let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configOf(dir: string, interval: string, devices = 7, host = '127.0.0.1'): Config {
  const text = `
http: { listen: 127.0.0.1:9 }
storage: { dir: ${join(dir, 'data')} }
defaults:
  interval: ${interval}
  site: lab
  snmp: { version: 2c, community: x, timeout: 1s, retries: 0 }
devices:
${Array.from({ length: devices }, (_, i) => `  - { name: d${i}, host: ${host}, snmp: { port: ${2000 + i} } }`).join('\n')}
`;
  const loaded = loadConfigText(text, join(dir, 'devices.yaml'), {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded));
  // Any free port (the file format wants a real one).
  return { ...loaded.config, http: { ...loaded.config.http, listen: { host: '127.0.0.1', port: 0 } } };
}

async function rig(interval = '10s') {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-daemon-'));
  dirs.push(dir);
  const clock = new FakeClock({ monotonicMs: 1_000_000, wallMs: Date.parse('2026-11-22T00:00:00Z') });
  const ticker = new FakeTicker(clock);
  const fake = new FakeSnmp();
  const rec = new SnmprecRecording(recordingText('junos'));
  for (let i = 0; i < 7; i += 1) fake.set('127.0.0.1', 2000 + i, rec.varbinds);
  const config = configOf(dir, interval);
  daemon = await startDaemon(config, {
    logger: silentLogger,
    clock,
    ticker,
    calendar: new FakeCalendar(),
    connector: fake,
  });
  /** Polls started per device so far (one GET of the system scalars opens each poll). */
  const polls = () => {
    const count: Record<string, number> = {};
    for (const r of fake.requests) if (r.kind === 'get') count[r.target] = (count[r.target] ?? 0) + 1;
    return count;
  };
  const flush = () => new Promise((r) => setTimeout(r, 0));
  /** Real time passes in fake seconds: one tick per second, and the promises of each settle. */
  const run = async (seconds: number) => {
    for (let s = 0; s < seconds; s += 1) {
      clock.advance(1000);
      ticker.fire();
      for (let k = 0; k < 5; k += 1) await flush();
    }
  };
  return { dir, clock, ticker, fake, polls, run, config };
}

describe('daemon', () => {
  it('SIGHUP with an interval change while seven devices poll: each is polled at least twice after', async () => {
    const r = await rig('10s');
    await r.run(1); // start-up: every device polled once
    await r.run(15);
    // Hold every poll in flight across the reload: tick, then reload before anything settles.
    r.clock.advance(20_000);
    r.ticker.fire();
    daemon?.reload(configOf(r.dir, '5s'));
    const before = r.polls();
    await r.run(30);
    const after = r.polls();
    for (let i = 0; i < 7; i += 1) {
      const target = `127.0.0.1:${2000 + i}`;
      expect((after[target] ?? 0) - (before[target] ?? 0), `d${i} after the reload`).toBeGreaterThanOrEqual(
        2,
      );
    }
  });

  it('a wall-clock step of ±1 h changes no schedule', async () => {
    const steady = await rig('10s');
    await steady.run(60);
    const expected = steady.polls();
    await daemon?.stop();
    daemon = undefined;

    const stepped = await rig('10s');
    await stepped.run(20);
    stepped.clock.stepWall(-3_600_000);
    await stepped.run(20);
    stepped.clock.stepWall(+3_600_000 * 2);
    await stepped.run(20);
    expect(stepped.polls()).toEqual(expected);
  });
});
