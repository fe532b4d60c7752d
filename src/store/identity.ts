import { createHmac } from 'node:crypto';
import type { DeviceConfig } from '../config/types.js';

/**
 * What a device's memory was learnt from: host, port and SNMP credentials. When it changes (a
 * new address, new credentials) the device is compared afresh instead of against another box's
 * memory. Stored as an HMAC under a per-installation random key, so the store never holds a
 * community or key in clear, nor a plain hash a dictionary could reverse.
 */
export function identityOf(device: DeviceConfig, installationKey: string): string {
  const snmp = device.snmp;
  const security = snmp?.security;
  const parts = {
    host: device.host,
    port: snmp?.port ?? null,
    version: security?.version ?? null,
    community: security?.version === '2c' ? security.community.reveal() : null,
    user: security?.version === 3 ? security.user : null,
    auth: security?.version === 3 ? [security.auth.protocol, security.auth.key.reveal()] : null,
    priv:
      security?.version === 3 && security.priv ? [security.priv.protocol, security.priv.key.reveal()] : null,
    context: security?.version === 3 ? (security.context ?? null) : null,
  };
  return createHmac('sha256', installationKey).update(JSON.stringify(parts)).digest('hex');
}
