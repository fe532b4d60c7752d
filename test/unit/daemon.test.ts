import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { type Daemon, startDaemon } from '../../src/daemon.js';
import { FakeCalendar } from '../../src/schedule/calendar.js';
import { FakeTicker } from '../../src/schedule/ticker.js';
import { FakeSnmp } from '../../src/snmp/fake-snmp.js';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { trimmedRecording } from '../helpers/lab.js';

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

function configOf(
  dir: string,
  interval: string,
  devices = 7,
  host = '127.0.0.1',
  extra: {
    readonly storage?: string;
    readonly retention?: string;
    readonly d0Host?: string;
    readonly token?: string;
  } = {},
): Config {
  const text = `
http: { listen: 127.0.0.1:9${extra.token ? `, write_token: ${extra.token}` : ''} }
storage: { dir: ${extra.storage ?? join(dir, 'data')}${extra.retention ? `, retention: ${extra.retention}` : ''} }
defaults:
  interval: ${interval}
  site: lab
  snmp: { version: 2c, community: x, timeout: 1s, retries: 0 }
devices:
${Array.from({ length: devices }, (_, i) => `  - { name: d${i}, host: ${i === 0 ? (extra.d0Host ?? host) : host}, snmp: { port: ${2000 + i} } }`).join('\n')}
`;
  const loaded = loadConfigText(text, join(dir, 'devices.yaml'), {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded));
  // Any free port (the file format wants a real one).
  return { ...loaded.config, http: { ...loaded.config.http, listen: { host: '127.0.0.1', port: 0 } } };
}

class Lines {
  readonly lines: string[] = [];
  readonly logger = {
    info: (msg: string, f?: object) => this.lines.push(`info ${msg} ${JSON.stringify(f ?? {})}`),
    warn: (msg: string, f?: object) => this.lines.push(`warn ${msg} ${JSON.stringify(f ?? {})}`),
    error: (msg: string, f?: object) => this.lines.push(`error ${msg} ${JSON.stringify(f ?? {})}`),
  };
}

async function rig(
  interval = '10s',
  extra: Parameters<typeof configOf>[4] = {},
  recording = 'junos_ex4600mp',
) {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-daemon-'));
  dirs.push(dir);
  const clock = new FakeClock({ monotonicMs: 1_000_000, wallMs: Date.parse('2026-11-22T00:00:00Z') });
  const ticker = new FakeTicker(clock);
  const fake = new FakeSnmp();
  // Only a few interfaces: the VC and system tables are what these tests move.
  const rec = new SnmprecRecording(trimmedRecording(recording, [994, 996, 557]));
  for (let i = 0; i < 7; i += 1) fake.set('127.0.0.1', 2000 + i, rec.varbinds);
  const config = configOf(dir, interval, 7, '127.0.0.1', extra);
  const log = new Lines();
  const calendar = new FakeCalendar();
  daemon = await startDaemon(config, { logger: log.logger, clock, ticker, calendar, connector: fake });
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
  return { dir, clock, ticker, fake, polls, run, config, rec, log, calendar, port: daemon.httpPort };
}

describe('daemon', () => {
  it('SIGHUP with an interval change while seven devices poll: each is polled at least twice after', async () => {
    const r = await rig('10s', {}, 'junos');
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
    const steady = await rig('10s', {}, 'junos');
    await steady.run(60);
    const expected = steady.polls();
    await daemon?.stop();
    daemon = undefined;

    const stepped = await rig('10s', {}, 'junos');
    await stepped.run(20);
    stepped.clock.stepWall(-3_600_000);
    await stepped.run(20);
    stepped.clock.stepWall(+3_600_000 * 2);
    await stepped.run(20);
    expect(stepped.polls()).toEqual(expected);
  });
});

const VC_ROLE = '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3';

async function eventsOf(dir: string) {
  const { storedEvents } = await import('../helpers/stored-events.js');
  return storedEvents(join(dir, 'data'));
}

describe('daemon reload', () => {
  it('a device whose host changed is compared afresh: no events from the switch', async () => {
    const r = await rig('10s');
    await r.run(12);
    // The box at the new address has another master: not a switchover of d0.
    const other = new SnmprecRecording(trimmedRecording('junos_ex4600mp', [994, 996, 557]));
    other.set(`${VC_ROLE}.0`, '2', '1');
    other.set(`${VC_ROLE}.1`, '2', '2');
    r.fake.set('127.0.0.2', 2000, other.varbinds);
    daemon?.reload(configOf(r.dir, '10s', 7, '127.0.0.1', { d0Host: '127.0.0.2' }));
    await r.run(25);
    expect(r.polls()['127.0.0.2:2000']).toBeGreaterThanOrEqual(2);
    expect((await eventsOf(r.dir)).filter((e) => e.type === 'master_switchover')).toEqual([]);
    expect(r.log.lines.some((l) => l.includes('host or credentials changed: comparing afresh'))).toBe(true);
  });

  it('a device removed and added again gets its memory back', async () => {
    const r = await rig('10s');
    await r.run(12);
    daemon?.reload(configOf(r.dir, '10s', 6)); // d6 removed
    r.rec.set(`${VC_ROLE}.0`, '2', '1'); // the recording's backup (member 0) becomes master
    r.rec.set(`${VC_ROLE}.1`, '2', '2');
    await r.run(12);
    daemon?.reload(configOf(r.dir, '10s', 7)); // d6 back: it remembers member 0 was master
    await r.run(25);
    const switchovers = (await eventsOf(r.dir)).filter((e) => e.type === 'master_switchover');
    // d0..d5 saw it live; d6 on its first poll after coming back, against its remembered master.
    expect(switchovers).toHaveLength(7);
  });

  it('a changed http.listen or storage.dir needs a restart: logged, old values kept', async () => {
    const r = await rig('10s');
    await r.run(2);
    const moved = configOf(r.dir, '10s', 7, '127.0.0.1', { storage: join(r.dir, 'elsewhere') });
    daemon?.reload({ ...moved, http: { ...moved.http, listen: { host: '127.0.0.1', port: 1 } } });
    expect(r.log.lines.filter((l) => l.startsWith('warn') && l.includes('needs a restart'))).toHaveLength(2);
    r.rec.set(`${VC_ROLE}.0`, '2', '1'); // the recording's backup (member 0) becomes master
    r.rec.set(`${VC_ROLE}.1`, '2', '2');
    await r.run(12);
    expect((await eventsOf(r.dir)).length).toBeGreaterThan(0); // still the old store
  });

  it('retention runs as a daily calendar job and deletes only older events', async () => {
    const r = await rig('10s', { retention: '1d' });
    await r.run(2);
    r.rec.set(`${VC_ROLE}.0`, '2', '1'); // the recording's backup (member 0) becomes master
    r.rec.set(`${VC_ROLE}.1`, '2', '2');
    await r.run(16);
    const found = (await eventsOf(r.dir)).length;
    expect(found).toBe(7);
    await r.calendar.run('retention');
    expect((await eventsOf(r.dir)).length).toBe(7);
    r.clock.advance(2 * 86_400_000);
    await r.calendar.run('retention');
    expect((await eventsOf(r.dir)).length).toBe(0);
  });
});

describe('baseline accept through the daemon API', () => {
  it('needs the write token; accepted, it is journaled with its author and member 5 is no longer expected', async () => {
    const r = await rig('10s', { token: 's3cret-token' });
    await r.run(2);
    // Member 5 leaves for good: member_down once it has been missing for two polls.
    for (let col = 2; col <= 12; col += 1) r.rec.delete(`1.3.6.1.4.1.2636.3.40.1.4.1.1.1.${col}.5`);
    await r.run(30);
    expect((await eventsOf(r.dir)).filter((e) => e.type === 'member_down')).toHaveLength(7);
    const post = (token?: string) =>
      fetch(`http://127.0.0.1:${r.port}/api/baseline?device=d0&author=alice`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await post()).status).toBe(401);
    expect((await post('wrong')).status).toBe(401);
    const ok = await post('s3cret-token');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { summary: string }).summary).toMatch(
      /^alice accepted the current state of d0/,
    );
    const [accepted, ...more] = (await eventsOf(r.dir)).filter((e) => e.type === 'baseline_accepted');
    expect(more).toEqual([]);
    expect(accepted?.details).toMatchObject({ author: 'alice' });
    expect(accepted?.witnesses.map((w) => w.source)).toEqual(['operator']);
    // Member 5 coming back is now an addition, not a return: no member_up for d0.
    r.rec.set('1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3.5', '2', '3');
    await r.run(15);
    const ups = (await eventsOf(r.dir)).filter((e) => e.type === 'member_up');
    expect(ups.some((e) => e.summary.includes(' d0 '))).toBe(false);
  });

  it('is disabled without a write token', async () => {
    const r = await rig('10s');
    await r.run(2);
    const answer = await fetch(`http://127.0.0.1:${r.port}/api/baseline?device=d0&author=alice`, {
      method: 'POST',
    });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('http.write_token');
  });
});
