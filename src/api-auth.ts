import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Secret } from './config/secret.js';

/**
 * Bearer token check in constant time (http.write_token for operator actions, http.read_token
 * for reading). No token configured: `disabled` (writes are off; reads are open).
 */
export function authorized(
  request: IncomingMessage,
  token: Secret | undefined,
): 'ok' | 'disabled' | 'denied' {
  if (!token) return 'disabled';
  const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token.reveal());
  return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'denied';
}
