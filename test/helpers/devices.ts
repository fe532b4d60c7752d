import { Secret } from '../../src/config/secret.js';
import type { DeviceConfig, SnmpSecurity } from '../../src/config/types.js';

export function v2c(community: string): SnmpSecurity {
  return { version: '2c', community: new Secret(community) };
}

export function v3(user: string, auth: string, priv: string): SnmpSecurity {
  return {
    version: 3,
    user,
    auth: { protocol: 'sha', key: new Secret(auth) },
    priv: { protocol: 'aes', key: new Secret(priv) },
  };
}

export function device(
  name: string,
  port: number,
  security: SnmpSecurity,
  extra: Partial<Omit<DeviceConfig, 'snmp'>> & { timeoutMs?: number; retries?: number } = {},
): DeviceConfig {
  const { timeoutMs = 1000, retries = 1, ...rest } = extra;
  return {
    name,
    host: '127.0.0.1',
    site: 'test',
    intervalMs: 30_000,
    watchProcesses: [],
    interfaceGroups: {},
    snmp: { port, timeoutMs, retries, maxRepetitions: 25, security },
    ...rest,
  };
}
