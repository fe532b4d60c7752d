import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { describe, expect, inject, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { BASE_11 } from '../../src/netconf/session.js';
import { sshNetconf } from '../../src/netconf/ssh-netconf.js';

/** One smoke test per real service: each reads a real value through the harness. */

const services = inject('services');
const run = promisify(execFile);

function get(session: snmp.Session, oids: string[]): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    session.get(oids, (error, varbinds) => (error ? reject(error) : resolve(varbinds ?? [])));
  });
}

describe('real services (scripts/test-services.sh)', () => {
  it('snmpsim serves the real ex4600mp recording: member 1 is VC master', async () => {
    const session = snmp.createSession(services.snmpsim.host, 'junos_ex4600mp', {
      port: services.snmpsim.port,
      version: snmp.Version2c,
      timeout: 2000,
      retries: 1,
    });
    try {
      const [sysName, role1, role0] = await get(session, [
        '1.3.6.1.2.1.1.5.0',
        '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3.1',
        '1.3.6.1.4.1.2636.3.40.1.4.1.1.1.3.0',
      ]);
      expect(String(sysName?.value)).toBe('<private>');
      expect(role1?.value).toBe(1); // master
      expect(role0?.value).toBe(2); // backup
    } finally {
      session.close();
    }
  });

  it('snmpd answers an SNMPv3 authPriv (SHA/AES) GET', async () => {
    const { v3 } = services.snmpd;
    const session = snmp.createV3Session(
      services.snmpd.host,
      {
        name: v3.user,
        level: snmp.SecurityLevel.authPriv,
        authProtocol: snmp.AuthProtocols.sha,
        authKey: v3.auth,
        privProtocol: snmp.PrivProtocols.aes,
        privKey: v3.priv,
      },
      { port: services.snmpd.port, timeout: 2000, retries: 1 },
    );
    try {
      const [sysName] = await get(session, ['1.3.6.1.2.1.1.5.0']);
      expect(String(sysName?.value)).toBe('snmpd-test');
    } finally {
      session.close();
    }
  });

  it('snmptrapd receives a linkDown trap', async () => {
    const { host, port, community, log } = services.snmptrapd;
    const ifIndex = 4000 + Math.floor(Math.random() * 1000);
    await run(
      'snmptrap',
      [
        '-v2c',
        '-c',
        community,
        `${host}:${port}`,
        '',
        '1.3.6.1.6.3.1.1.5.3',
        '1.3.6.1.2.1.2.2.1.1',
        'i',
        String(ifIndex),
      ],
      {
        env: { ...process.env, MIBS: '' },
      },
    );
    await expect
      .poll(() => readFileSync(log, 'utf8'), { timeout: 5000, interval: 50 })
      .toMatch(new RegExp(`\\.1\\.3\\.6\\.1\\.6\\.3\\.1\\.1\\.5\\.3[\\s\\S]*= INTEGER: ${ifIndex}`));
  });

  it('netconfd over OpenSSH says hello and offers base:1.1 (chunked framing chosen)', async () => {
    const { host, port, user, password } = services.netconf;
    const connected = await sshNetconf.connect({
      host,
      port,
      username: user,
      password: new Secret(password),
      timeoutMs: 10_000,
    });
    if (!connected.ok) throw new Error(`${connected.reason}: ${connected.message}`);
    const { session } = connected;
    try {
      expect(session.capabilities).toContain(BASE_11);
      expect(session.framing).toBe('1.1');
      expect(Number(session.sessionId)).toBeGreaterThan(0);
      const reply = await session.rpc(
        '<get><filter type="subtree"><system-state xmlns="urn:ietf:params:xml:ns:yang:ietf-system"/></filter></get>',
      );
      expect(reply.ok).toBe(true);
      const bad = await session.rpc('<get-virtual-chassis-information/>');
      expect(bad).toMatchObject({ ok: false, reason: 'rpc-error', retryable: false });
    } finally {
      await session.close();
    }
  });

  it('NETCONF with a wrong password fails as auth, not a hang', async () => {
    const { host, port, user } = services.netconf;
    const result = await sshNetconf.connect({
      host,
      port,
      username: user,
      password: new Secret('wrong-password'),
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ ok: false, reason: 'auth', retryable: false });
  });

  it('Prometheus is ready', async () => {
    const response = await fetch(`${services.prometheus.url}/-/ready`);
    expect(response.status).toBe(200);
  });

  it('Alertmanager is ready and accepts an alert', async () => {
    expect((await fetch(`${services.alertmanager.url}/-/ready`)).status).toBe(200);
    const response = await fetch(`${services.alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'NetwatchSmoke', device: 'sw-smoke' } }]),
    });
    expect(response.status).toBe(200);
  });

  it('InfluxDB answers /ping with its version', async () => {
    const response = await fetch(`${services.influx.url}/ping`);
    expect(response.status).toBe(204);
    expect(response.headers.get('x-influxdb-version')).toMatch(/^1\./);
  });

  it('snmp_exporter scrapes snmpd', async () => {
    const target = `${services.snmpd.host}:${services.snmpd.port}`;
    const text = await (
      await fetch(`${services.snmpExporter.url}/snmp?target=${target}&module=if_mib`)
    ).text();
    expect(text).toMatch(/^sysUpTime \d+/m);
    expect(text).toMatch(/^ifHCInOctets\{ifIndex="1",ifName="lo"\} \d+/m);
  });
});
