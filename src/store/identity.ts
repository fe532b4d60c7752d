import { createHash } from 'node:crypto';
import type { DeviceConfig } from '../config/types.js';

/**
 * What a device's memory was learnt from: host, port and SNMP credentials. When it changes (a
 * new address, new credentials) the device is compared afresh instead of against another box's
 * memory. Deterministic, so every replica sharing a store computes the same identity.
 *
 * Credentials enter only as a 16-bit tag of their hash: enough to notice a change (a 1 in 65,536
 * chance that a rotation goes unnoticed, which only means the memory is kept), while the store
 * never holds anything a dictionary attack could turn back into a community or key.
 */
export function identityOf(device: DeviceConfig): string {
  const snmp = device.snmp;
  const security = snmp?.security;
  const secrets =
    security === undefined
      ? []
      : security.version === '2c'
        ? [security.community.reveal()]
        : [security.auth.key.reveal(), security.priv?.key.reveal() ?? ''];
  const tag = createHash('sha256').update(JSON.stringify(secrets)).digest('hex').slice(0, 4);
  const parts = {
    host: device.host,
    port: snmp?.port ?? null,
    version: security?.version ?? null,
    user: security?.version === 3 ? security.user : null,
    auth: security?.version === 3 ? security.auth.protocol : null,
    priv: security?.version === 3 ? (security.priv?.protocol ?? null) : null,
    context: security?.version === 3 ? (security.context ?? null) : null,
    credentials: tag,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
