import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { TRAP } from '../../src/sim/junos-notices.js';

/**
 * The issue's must-show: "the traps and syslog lines a scenario emits are received by Net-SNMP
 * snmptrapd and a UDP listener in a test, in the scenario's order, with the real lines' shapes".
 *
 * End to end through the built CLI, as a person runs it: `netwatch simulate --scenario eqsin-2022
 * --speed 200 --once` as a child process, its traps to the harness's snmptrapd (read back from
 * its log), its syslog (RFC 3164) to a UDP listener here. Each line is checked against the shape
 * of the real Junos line it imitates (test/fixtures/syslog/junos-crash-samples.log), and stdout
 * against what arrived.
 */

const services = inject('services');
const CLI = join(import.meta.dirname, '../../dist/src/cli.js');
const SAMPLES = join(import.meta.dirname, '../fixtures/syslog/junos-crash-samples.log');
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SPEED = 200;

// --- receivers ---------------------------------------------------------------------------------

interface Listener {
  readonly port: number;
  readonly lines: string[];
  close(): Promise<void>;
}

async function syslogListener(): Promise<Listener> {
  const socket = dgram.createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (data) => lines.push(data.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  return {
    port: socket.address().port,
    lines,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

interface LoggedTrap {
  readonly port: number;
  readonly trapOid: string | undefined;
  readonly uptimeCs: number | undefined;
  /** `TYPE: value` by OID (no leading dot). */
  readonly varbinds: ReadonlyMap<string, string>;
}

/** snmptrapd -On -Lf entries after byte `from`: a header `date time host [UDP: [src]:port->…]:`, then tab-separated varbinds. */
function trapsLogged(log: string, from: number): LoggedTrap[] {
  if (!existsSync(log)) return [];
  const text = readFileSync(log).subarray(from).toString('utf8');
  const out: LoggedTrap[] = [];
  for (const entry of text.split(/^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )/m)) {
    const header = /\[UDP: \[[\d.]+\]:(\d+)->/.exec(entry);
    if (!header) continue;
    const varbinds = new Map<string, string>();
    for (const part of entry
      .slice(entry.indexOf('\n') + 1)
      .trimEnd()
      .split('\t')) {
      const m = /^\.?([\d.]+) = (.*)$/s.exec(part.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) varbinds.set(m[1], m[2]);
    }
    const uptime = /^Timeticks: \((\d+)\)/.exec(varbinds.get(SYS_UPTIME) ?? '')?.[1];
    out.push({
      port: Number(header[1]),
      trapOid: varbinds.get(SNMP_TRAP_OID)?.replace(/^OID: \./, ''),
      uptimeCs: uptime === undefined ? undefined : Number(uptime),
      varbinds,
    });
  }
  return out;
}

// --- shapes of the real lines -------------------------------------------------------------------

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regex of a real sample's shape: the sample with the named variable parts (host names, process
 * and interface names) as `\S+`, every number as `\d+`, and an RFC 3164 timestamp as any timestamp.
 */
function shapeOf(sample: string, variables: readonly string[]): RegExp {
  let re = escapeRegex(sample);
  for (const v of variables) re = re.split(escapeRegex(v)).join('\u0000');
  re = re
    .replace(/[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d/, '\u0001')
    .replace(/\d+/g, '\\d+')
    .replaceAll('\u0000', '\\S+')
    .replace('\u0001', '[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d');
  return new RegExp(`^${re}$`);
}

/** The first sample line containing `marker`, from `from` on (dropping what a relay put before it). */
function sample(marker: string, from: string): string {
  const found = readFileSync(SAMPLES, 'utf8')
    .split('\n')
    .find((l) => l.includes(marker));
  if (!found) throw new Error(`no sample with ${marker} in ${SAMPLES}`);
  return found.slice(found.indexOf(from));
}

/** RFC 3164 header as on the real mib2d sample: `<PRI>Mmm dd hh:mm:ss HOST `. */
const HEADER = /^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d asw1-eqsin /;

// --- the child ---------------------------------------------------------------------------------

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function simulate(args: readonly string[], timeoutMs: number): Promise<Exit> {
  const child = spawn(process.execPath, [CLI, 'simulate', ...args], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`netwatch simulate did not exit in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('netwatch simulate --scenario eqsin-2022 → snmptrapd and a syslog listener', () => {
  it('sends the scenario’s traps and syslog lines in its order, shaped like the real Junos lines', async () => {
    const { host, port, community, log } = services.snmptrapd;
    const syslog = await syslogListener();
    cleanup.push(() => syslog.close());
    const logFrom = existsSync(log) ? statSync(log).size : 0;

    const started = performance.now();
    const run = await simulate(
      [
        '--scenario',
        'eqsin-2022',
        '--speed',
        String(SPEED),
        '--once',
        '--port',
        '0',
        '--target',
        `${host}:${port}`,
        '--trap-community',
        community,
        '--syslog',
        `127.0.0.1:${syslog.port}`,
        '--syslog-format',
        'rfc3164',
      ],
      45_000,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // 20 minutes of scenario time at 200× is 6 s of real time (plus loading the recordings)
    expect(seconds).toBeGreaterThanOrEqual(6);
    expect(seconds).toBeLessThan(30);

    // --- stdout: what it says it did ---
    const out = run.stdout.split('\n');
    expect(out).toContain('scenario eqsin-2022: 7 steps over 20m of scenario time at 200× (6 s)');
    const said = out
      .filter((l) => /^\[\+[\dhms]+\] asw1-eqsin: /.test(l))
      .map((l) => l.replace(/^\[\+[\dhms]+\] asw1-eqsin: /, ''));
    expect(said).toHaveLength(4);
    // each line: what happened, then what was sent for it (the separator is the CLI's business)
    expect(said[0]).toMatch(/^mge-0\/0\/40 went up\b.*\btrap, syslog SNMP_TRAP_LINK_UP\b/);
    expect(said[1]).toMatch(
      /^fxpc \(PID (\d+)\) killed by signal 6, core \/var\/crash\/core\.fxpc\.fpc0\.\d+\.\1\.gz\b.*\bsyslog init, trap\b/,
    );
    expect(said[2]).toMatch(
      /^VC master moved from member 0 to member 1\b.*\btrap, syslog CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE\b/,
    );
    expect(said[3]).toMatch(/^fxpc started \(PID \d+\)\W.*\bsyslog jlaunchd\b/);
    const crashPid = /PID (\d+)/.exec(said[1] ?? '')?.[1];
    const startPid = /PID (\d+)/.exec(said[3] ?? '')?.[1];
    expect(startPid).not.toBe(crashPid);
    // nothing announced for asw2-eqsin, which the scenario leaves alone
    expect(run.stdout).not.toMatch(/\] asw2-eqsin: /);
    expect(out.find((l) => l.startsWith('scenario eqsin-2022 is over:'))).toMatch(
      /^scenario eqsin-2022 is over: \d+ SNMP requests answered, 0 ignored; 3 traps, 4 syslog lines sent$/,
    );

    // --- syslog: four lines, in the scenario's order, one datagram each ---
    await expect.poll(() => syslog.lines.length, { timeout: 5000 }).toBe(4);
    const [linkUp, crash, switchover, start] = syslog.lines as [string, string, string, string];
    for (const l of syslog.lines) expect(l).toMatch(HEADER);
    const body = (l: string) => l.replace(HEADER, '');

    // SNMP_TRAP_LINK_UP as mib2d logs it (real: `<28>Jul 20 21:45:59 vmx01 mib2d[2424]: SNMP_TRAP_LINK_UP: …`)
    const realLinkUp = sample('SNMP_TRAP_LINK_UP', '<');
    expect(realLinkUp).toMatch(shapeOf(realLinkUp, ['vmx01', 'xe-0/0/0']));
    expect(linkUp).toMatch(shapeOf(realLinkUp, ['vmx01', 'xe-0/0/0']));
    expect(body(linkUp)).toMatch(
      /^mib2d\[\d+\]: SNMP_TRAP_LINK_UP: ifIndex 531, ifAdminStatus up\(1\), ifOperStatus up\(1\), ifName mge-0\/0\/40$/,
    );

    // init's crash line (real: `init: routing (PID 70445) terminated by signal number 11. Core dumped!`)
    const realCrash = sample('terminated by signal number', 'init: ');
    expect(body(crash)).toMatch(shapeOf(realCrash, ['routing']));
    expect(body(crash)).toBe(`init: fxpc (PID ${crashPid}) terminated by signal number 6. Core dumped!`);

    // chassisd's membership update (real body: `CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member 1->1, Mode Backup->Master, 1M 2B, …`)
    const realUpdate = sample(
      'CHASSISD_VCHASSIS_MEMBER_UPDATE_NOTICE: Membership update: Member 1->1, Mode Backup->Master',
      'CHASSISD',
    );
    expect(body(switchover)).toMatch(/^chassisd\[\d+\]: /);
    expect(body(switchover).replace(/^chassisd\[\d+\]: /, '')).toMatch(shapeOf(realUpdate, []));
    expect(body(switchover)).toMatch(
      /Member 1->1, Mode Backup->Master, 1M 0B, Master Changed, Members Changed$/,
    );

    // the daemon started again (real: `jlaunchd: mobiled (PID 92004) started`)
    const realStart = sample('jlaunchd: mobiled (PID 92007) started', 'jlaunchd: ');
    expect(body(start)).toMatch(shapeOf(realStart, ['mobiled']));
    expect(body(start)).toBe(`jlaunchd: fxpc (PID ${startPid}) started`);

    // the line times follow the scenario: +20 s, +50 s, +4 min after the link came up
    const clock = (l: string) => {
      const m = /^<\d+>[A-Z][a-z]{2} [ \d]\d (\d\d):(\d\d):(\d\d) /.exec(l);
      return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) % 86_400 : Number.NaN;
    };
    const sinceLinkUp = (l: string) => (clock(l) - clock(linkUp) + 86_400) % 86_400;
    expect(sinceLinkUp(crash)).toBeGreaterThanOrEqual(20 - 12);
    expect(sinceLinkUp(crash)).toBeLessThanOrEqual(20 + 12);
    expect(sinceLinkUp(switchover)).toBeGreaterThanOrEqual(50 - 12);
    expect(sinceLinkUp(switchover)).toBeLessThanOrEqual(50 + 12);
    expect(sinceLinkUp(start)).toBeGreaterThanOrEqual(240 - 12);
    expect(sinceLinkUp(start)).toBeLessThanOrEqual(240 + 12);

    // --- traps: snmptrapd decoded three, in the scenario's order ---
    const ours = () => {
      const all = trapsLogged(log, logFrom);
      const first = all.find(
        (t) =>
          t.trapOid === TRAP.linkUp &&
          t.varbinds.get('1.3.6.1.2.1.31.1.1.1.1.531') === 'STRING: "mge-0/0/40"',
      );
      return first ? all.filter((t) => t.port === first.port) : [];
    };
    await expect.poll(() => ours().length, { timeout: 5000, interval: 50 }).toBe(3);
    const traps = ours();
    expect(traps.map((t) => t.trapOid)).toEqual([
      TRAP.linkUp,
      TRAP.jnxSyslogTrap,
      TRAP.jnxRedundancySwitchover,
    ]);
    const [up, syslogTrap, redundancy] = traps as [LoggedTrap, LoggedTrap, LoggedTrap];

    expect(up.varbinds.get('1.3.6.1.2.1.2.2.1.1.531')).toBe('INTEGER: 531');
    expect(up.varbinds.get('1.3.6.1.2.1.2.2.1.7.531')).toBe('INTEGER: 1');
    expect(up.varbinds.get('1.3.6.1.2.1.2.2.1.8.531')).toBe('INTEGER: 1');

    // the crash raised as jnxSyslogTrap carries init's message, word for word
    const row = [...syslogTrap.varbinds.keys()]
      .find((k) => k.startsWith('1.3.6.1.4.1.2636.3.35.1.1.1.9.'))
      ?.split('.')
      .pop();
    const col = (n: number) => syslogTrap.varbinds.get(`1.3.6.1.4.1.2636.3.35.1.1.1.${n}.${row}`);
    expect(col(2)).toBe('STRING: "SYSTEM"');
    expect(col(7)).toBe('STRING: "init"');
    expect(col(8)).toBe('STRING: "asw1-eqsin"');
    expect(col(9)).toBe(`STRING: "${body(crash).replace(/^init: /, '')}"`);

    // the switchover: member 1's RE row (9.1.0.0), its count up from the recorded 1, autoSwitched(4)
    expect(redundancy.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.5.9.1.0.0')).toBe('STRING: "Routing Engine 1"');
    expect(redundancy.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.7.9.1.0.0')).toBe('INTEGER: 2');
    expect(redundancy.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.8.9.1.0.0')).toBe('Counter32: 2');
    expect(redundancy.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.10.9.1.0.0')).toBe('INTEGER: 4');

    // sysUpTime in the traps follows the scenario too: +20 s and +50 s after the link came up
    const since = (t: LoggedTrap) => ((t.uptimeCs ?? Number.NaN) - (up.uptimeCs ?? Number.NaN)) / 100;
    expect(since(syslogTrap)).toBeGreaterThanOrEqual(20 - 12);
    expect(since(syslogTrap)).toBeLessThanOrEqual(20 + 12);
    expect(since(redundancy)).toBeGreaterThanOrEqual(50 - 12);
    expect(since(redundancy)).toBeLessThanOrEqual(50 + 12);
    // and the switchover time in the trap is the agent's uptime when it happened
    expect(
      /^Timeticks: \((\d+)\)/.exec(redundancy.varbinds.get('1.3.6.1.4.1.2636.3.1.14.1.9.9.1.0.0') ?? '')?.[1],
    ).toBe(String(redundancy.uptimeCs));
  }, 60_000);
});
