import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Resolved =
  | { readonly ok: true; readonly address: string }
  | { readonly ok: false; readonly message: string };
export type ResolveHost = (host: string) => Promise<Resolved>;

/**
 * Resolves a device's host name once and keeps the answer for `ttlMs` (SNMP replies are routed by
 * source address, so sessions need the IP). IP literals pass straight through.
 */
export function createResolver(ttlMs = 300_000, now: () => number = Date.now): ResolveHost {
  const cache = new Map<string, { address: string; until: number }>();
  return async (host) => {
    if (isIP(host)) return { ok: true, address: host };
    const hit = cache.get(host);
    if (hit && hit.until > now()) return { ok: true, address: hit.address };
    try {
      const { address } = await lookup(host);
      cache.set(host, { address, until: now() + ttlMs });
      return { ok: true, address };
    } catch (error) {
      if (hit) return { ok: true, address: hit.address }; // a DNS outage must not look like a device outage
      return {
        ok: false,
        message: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      };
    }
  };
}
