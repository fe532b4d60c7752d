import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.js';
import { loadConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { Secret } from '../../src/config/secret.js';
import { SEVERITY } from '../../src/events/event.js';

const DIR = join(import.meta.dirname, '../fixtures/configs');
const fixtures = readdirSync(DIR).filter((f) => f.startsWith('invalid-') && f.endsWith('.yaml'));

/** `netwatch check` in-process (the binary itself is exercised by the integration tests). */
async function check(args: string[], env: NodeJS.ProcessEnv = {}) {
  const file = args[args.indexOf('-c') + 1] ?? 'devices.yaml';
  let stdout = '';
  let stderr = '';
  const out = {
    print: (text: string) => {
      stdout += `${text}\n`;
    },
    error: (text: string) => {
      stderr += `${text}\n`;
    },
  };
  const code = await runCheck(
    file.startsWith('/') ? file : join(DIR, file),
    args.includes('--print'),
    env,
    out,
  );
  return { code, stdout, stderr };
}

describe('devices.yaml validation', () => {
  it('has at least 15 invalid fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures)('%s gives exactly its expected problems', (file) => {
    const expected = readFileSync(join(DIR, file.replace(/\.yaml$/, '.expected')), 'utf8')
      .trimEnd()
      .split('\n');
    const result = loadConfigText(readFileSync(join(DIR, file), 'utf8'), file, {});
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') return;
    expect(result.problems.map(formatProblem)).toEqual(expected);
  });

  it('netwatch check prints one line per problem and exits 2', async () => {
    const { code, stderr } = await check(['-c', 'invalid-three-problems.yaml']);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(3);
    expect(
      stderr
        .trimEnd()
        .split('\n')
        .every((l) => /invalid-three-problems\.yaml:\d+:\d+: \S+: /.test(l)),
    ).toBe(true);
  });

  it('the shipped devices.yaml is valid with no environment', async () => {
    const { code, stdout } = await check(['-c', '../../../devices.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('ok (3 devices)');
  });

  it('an unreadable file exits 1', async () => {
    const { code, stderr } = await check(['-c', 'no-such-file.yaml']);
    expect(code).toBe(1);
    expect(stderr).toContain('no-such-file.yaml: cannot read (ENOENT)');
  });

  it('merges defaults, credential sets and device settings', () => {
    const text = `
defaults:
  interval: 1m
  site: ams
  snmp: { version: 2c, community: pub, timeout: 3s, retries: 2 }
credentials:
  v3: { snmp: { version: 3, user: u, auth: { protocol: sha, key: authkey123 }, priv: { protocol: aes, key: privkey123 } } }
devices:
  - { name: a, host: 127.0.0.1 }
  - { name: b, host: 127.0.0.2, credentials: v3, interval: 10s, snmp: { port: 1161 } }
  - { name: c, host: 127.0.0.3, site: sin, snmp: { version: 2c, community: other } }
`;
    const result = loadConfigText(text, 'x.yaml', {});
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [a, b, c] = result.config.devices;
    expect(a).toMatchObject({
      site: 'ams',
      intervalMs: 60_000,
      snmp: { timeoutMs: 3000, retries: 2, port: 161 },
    });
    expect(a?.snmp?.security.version).toBe('2c');
    expect(b).toMatchObject({
      intervalMs: 10_000,
      snmp: { port: 1161, timeoutMs: 3000, security: { version: 3, user: 'u' } },
    });
    expect(c?.site).toBe('sin');
    expect(c?.snmp?.security.version === '2c' && c.snmp.security.community.reveal()).toBe('other');
  });

  it('expands ${VAR} and ${VAR:-default}, retyping plain scalars', () => {
    const text =
      'defaults:\n  snmp:\n    version: 2c\n    community: "${COMM}"\n    port: ${PORT:-1161}\ndevices: [{ name: a, host: "${HOST:-127.0.0.9}" }]\n';
    const result = loadConfigText(text, 'x.yaml', { COMM: 's3cret-community' });
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [a] = result.config.devices;
    expect(a?.host).toBe('127.0.0.9');
    expect(a?.snmp?.port).toBe(1161);
  });
});

describe('incidents, notify, http and maintenance', () => {
  const load = (text: string, env: Record<string, string> = {}) => {
    const result = loadConfigText(text, 'x.yaml', env);
    if (!result.ok) throw new Error(JSON.stringify(result));
    return result.config;
  };

  it('has defaults for every incident, paging and link setting', () => {
    const config = load('devices: []\n');
    expect(config.incidents).toEqual({
      mergeWindowMs: 15 * 60_000,
      leadUpMs: 30 * 60_000,
      quietPeriodMs: 10 * 60_000,
      siteStorm: { devices: 5, withinMs: 60_000 },
      flap: { maxPerHour: 4 },
      fleet: { share: 0.5, withinMs: 60_000 },
      severities: SEVERITY,
    });
    expect(config.notify).toEqual({
      pageOn: [
        'master_switchover',
        'member_down',
        'vc_split_brain',
        'process_crash',
        'traffic_drop',
        'device_unreachable',
        'device_reboot',
      ],
      timeoutMs: 10_000,
      routes: [],
    });
    expect(config.http).toEqual({
      listen: { host: '127.0.0.1', port: 9877 },
      externalUrl: 'http://127.0.0.1:9877',
    });
    expect(config.maintenance).toEqual([]);
  });

  it('merges severity overrides into the full map', () => {
    const config = load(
      'devices: []\nincidents: { severities: { interface_down: major, config_change: info, traffic_drop: minor } }\n',
    );
    expect(config.incidents.severities).toEqual({
      ...SEVERITY,
      interface_down: 'major',
      traffic_drop: 'minor',
    });
    expect(Object.keys(config.incidents.severities)).toHaveLength(Object.keys(SEVERITY).length);
  });

  it('resolves the SPEC sketch: receivers, routes (first match wins, in order), hours as metadata', () => {
    const config = load(
      `
http: { listen: 0.0.0.0:9877, external_url: https://netwatch.example.net/, write_token: "\${W}", read_token: "\${R}" }
defaults: { site: eqsin, snmp: { version: 2c, community: public } }
devices:
  - { name: asw1-eqsin, host: 192.0.2.1 }
  - { name: asw1-ams, host: 192.0.2.2, site: ams }
incidents: { merge_window: 5m, site_storm: { devices: 3 }, flap: { max_per_hour: 2 }, fleet: { share: 0.8, within: 2m } }
notify:
  timeout: 5s
  pagerduty: { routing_key: "\${PD}" }
  alertmanager: { urls: [http://127.0.0.1:9093/, http://127.0.0.2:9093], resend: 30s }
  webhook: { url: http://127.0.0.1:8080/hook }
  routes:
    - { match: { site: eqsin }, pagerduty: { routing_key: "\${PD_EQSIN}" }, hours: "Mon-Fri 09:00-18:00 Asia/Singapore" }
    - name: ams-night
      match: { sites: [ams], devices: [asw1-eqsin], device: asw1-ams }
      alertmanager: { url: http://127.0.0.1:9094 }
      webhook: { url: http://127.0.0.1:8081/hook, secret: s3cret }
`,
      { W: 'write-tok', R: 'read-tok', PD: 'pd-default', PD_EQSIN: 'pd-eqsin' },
    );
    expect(config.http.externalUrl).toBe('https://netwatch.example.net');
    expect(config.http.token?.reveal()).toBe('write-tok');
    expect(config.http.readToken?.reveal()).toBe('read-tok');
    expect(config.incidents).toMatchObject({
      mergeWindowMs: 300_000,
      siteStorm: { devices: 3, withinMs: 60_000 },
      flap: { maxPerHour: 2 },
      fleet: { share: 0.8, withinMs: 120_000 },
    });
    const { notify } = config;
    expect(notify.timeoutMs).toBe(5000);
    expect(notify.pagerduty?.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(notify.pagerduty?.routingKey.reveal()).toBe('pd-default');
    expect(notify.alertmanager).toEqual({
      urls: ['http://127.0.0.1:9093', 'http://127.0.0.2:9093'],
      resendMs: 30_000,
    });
    expect(notify.webhook).toEqual({ url: 'http://127.0.0.1:8080/hook' });
    const [first, second] = notify.routes;
    expect(notify.routes).toHaveLength(2);
    expect(first).toMatchObject({
      name: 'route 1',
      sites: ['eqsin'],
      devices: [],
      hours: 'Mon-Fri 09:00-18:00 Asia/Singapore',
      pagerduty: { url: 'https://events.pagerduty.com/v2/enqueue' },
    });
    expect(first?.pagerduty?.routingKey.reveal()).toBe('pd-eqsin');
    expect(first?.alertmanager).toBeUndefined();
    expect(second).toMatchObject({
      name: 'ams-night',
      sites: ['ams'],
      devices: ['asw1-ams', 'asw1-eqsin'],
      // The older one-peer spelling is read as a one-element list.
      alertmanager: { urls: ['http://127.0.0.1:9094'], resendMs: 60_000 },
      webhook: { url: 'http://127.0.0.1:8081/hook' },
    });
    expect(second?.webhook?.secret?.reveal()).toBe('s3cret');
    expect(second?.hours).toBeUndefined();
    const printed = JSON.stringify(config);
    for (const s of ['write-tok', 'read-tok', 'pd-default', 'pd-eqsin', 's3cret'])
      expect(printed).not.toContain(s);
  });

  it('reads alertmanager.url (one peer) as urls: [url]', () => {
    const config = load('devices: []\nnotify: { alertmanager: { url: http://127.0.0.1:9093 } }\n');
    expect(config.notify.alertmanager).toEqual({ urls: ['http://127.0.0.1:9093'], resendMs: 60_000 });
  });

  it('links default to the listen address (IPv6 in brackets, no trailing slash)', () => {
    expect(load('http: { listen: "[::1]:9000" }\ndevices: []\n').http.externalUrl).toBe('http://[::1]:9000');
    expect(load('http: { listen: 10.1.2.3:80 }\ndevices: []\n').http.externalUrl).toBe('http://10.1.2.3:80');
    expect(
      load('http: { external_url: "http://nw.example:8080/netwatch//" }\ndevices: []\n').http.externalUrl,
    ).toBe('http://nw.example:8080/netwatch');
  });

  it('carries maintenance windows with their time zone (UTC unless set) and all: true', () => {
    const config = load(`
devices:
  - { name: asw1, host: 192.0.2.1, site: ams, snmp: { version: 2c, community: public } }
maintenance:
  - { devices: [asw1], cron: "0 2 * * 0", duration: 2h, reason: weekly upgrade window }
  - { sites: [ams], cron: "30 23 * * 6", duration: 3h, reason: ams works, tz: Europe/Amsterdam }
  - { all: true, cron: "0 4 1 * *", duration: 30m, reason: monthly reboot }
`);
    expect(config.maintenance).toEqual([
      {
        devices: ['asw1'],
        sites: [],
        all: false,
        cron: '0 2 * * 0',
        durationMs: 7_200_000,
        reason: 'weekly upgrade window',
        tz: 'UTC',
      },
      {
        devices: [],
        sites: ['ams'],
        all: false,
        cron: '30 23 * * 6',
        durationMs: 10_800_000,
        reason: 'ams works',
        tz: 'Europe/Amsterdam',
      },
      {
        devices: [],
        sites: [],
        all: true,
        cron: '0 4 1 * *',
        durationMs: 1_800_000,
        reason: 'monthly reboot',
        tz: 'UTC',
      },
    ]);
  });

  it('never echoes a secret in a route or read_token, even when it is in the wrong place', () => {
    const text = `
http: { read_token: "\${R}", bogus: "\${R}" }
devices: []
notify:
  routes:
    - { match: { sites: [nowhere] }, pagerduty: { routing_key: "\${K}", url: "\${K}" } }
`;
    const result = loadConfigText(text, 'x.yaml', { R: 'read-XYZ-1', K: 'route-XYZ-2' });
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') return;
    const printed = result.problems.map(formatProblem).join('\n');
    expect(printed).toContain('http.bogus: unknown key');
    expect(printed).toContain('notify.routes[0].pagerduty.url: expected an http(s) URL, got "${K}"');
    expect(printed).not.toContain('read-XYZ-1');
    expect(printed).not.toContain('route-XYZ-2');
  });
});

describe('secrets', () => {
  const SECRETS = [
    'c0mmunity-XYZ',
    'authkey-XYZ-123',
    'privkey-XYZ-456',
    'ncpass-XYZ',
    'pdkey-XYZ',
    'hook-XYZ',
    'tok-XYZ',
  ];

  it('a Secret prints as <secret> every way it can be printed', () => {
    const s = new Secret('hunter2-hunter2');
    expect(String(s)).toBe('<secret>');
    expect(`${s}`).toBe('<secret>');
    expect(JSON.stringify({ s })).toBe('{"s":"<secret>"}');
    expect(inspect({ s })).toBe('{ s: <secret> }');
    expect(s.reveal()).toBe('hunter2-hunter2');
  });

  const secretConfig = (extra: string) => `
http: { write_token: "\${T}" }
credentials:
  v3:
    snmp: { version: 3, user: u, auth: { protocol: sha, key: "\${A}" }, priv: { protocol: aes, key: "\${P}" } }
    netconf: { username: nc, password: "\${N}" }
defaults:
  snmp: { version: 2c, community: "\${C}" }
devices:
  - { name: a, host: 127.0.0.1, credentials: v3, netconf: {} }
  - { name: b, host: 127.0.0.2 }
traps: { listen: 127.0.0.1:10162, communities: ["\${C}"] }
notify:
  pagerduty: { routing_key: "\${K}" }
  webhook: { url: http://127.0.0.1:1/hook, secret: "\${W}" }
${extra}`;
  const env = {
    C: SECRETS[0],
    A: SECRETS[1],
    P: SECRETS[2],
    N: SECRETS[3],
    K: SECRETS[4],
    W: SECRETS[5],
    T: SECRETS[6],
  };

  it('never appear in the printed config', async () => {
    const result = loadConfigText(secretConfig(''), 'x.yaml', env);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const printed = JSON.stringify(result.config, null, 2);
    for (const s of SECRETS) expect(printed).not.toContain(s);
    expect(printed).toContain('<secret>');
  });

  it('never appear in error messages, even for bad secret values', () => {
    const bad = secretConfig('bogus: 1\n')
      .replace('key: "${A}"', 'key: "${A}", colour: "${A}"')
      .replace('community: "${C}"', 'community: "${C}", port: "${C}"');
    const shortEnv = { ...env, P: 'short' };
    const result = loadConfigText(bad, 'x.yaml', shortEnv);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') return;
    const text = result.problems.map(formatProblem).join('\n');
    expect(result.problems.length).toBeGreaterThanOrEqual(3);
    for (const s of [...SECRETS, 'short']) expect(text).not.toContain(s);
    expect(text).toContain('got "${C}"');
  });

  it('netwatch check --print shows <secret>, never the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-secret-'));
    writeFileSync(join(dir, 'devices.yaml'), secretConfig(''));
    const { code, stdout, stderr } = await check(['-c', join(dir, 'devices.yaml'), '--print'], env);
    expect(code).toBe(0);
    for (const s of SECRETS) expect(stdout + stderr).not.toContain(s);
  });
});
