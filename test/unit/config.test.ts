import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check.js';
import { loadConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { Secret } from '../../src/config/secret.js';

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
