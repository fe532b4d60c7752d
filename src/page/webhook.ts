import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { assertHttpUrl, type FetchLike, postJson, toSendResult, truncateChars } from './http-post.js';
import type { PageMessage, Pager, SendResult } from './pager.js';

/**
 * A generic webhook: one JSON POST per page (`WebhookBody`, snake_case, `version: 1`).
 *
 * Headers:
 * - `X-Netwatch-Delivery: <deliveryId>` — unique per outbox entry and identical on every retry of
 *   it: a receiver that stores the ids it has processed turns at-least-once into exactly-once.
 * - `X-Netwatch-Timestamp: <unix seconds>` — when this attempt was signed.
 * - `X-Netwatch-Signature: sha256=<hex>` (only when a secret is configured) — HMAC-SHA256, keyed
 *   with the secret, over the bytes `<timestamp>.<body>`: the timestamp header, a dot, the raw
 *   request body exactly as received (verify before parsing JSON). Signing the timestamp lets a
 *   receiver refuse replays: reject a timestamp more than 5 minutes from its clock. This is the
 *   scheme of Stripe and Slack, so receivers know it; `verifyWebhookSignature` implements the
 *   check (constant-time).
 *
 * Answers: 2xx ok; 408, 429 and 5xx retryable; other 4xx and 3xx final. The URL and the secret
 * never appear in a reason.
 */

export interface WebhookPagerOptions {
  /** Receiver name (metrics, timeline). Default `webhook`. */
  readonly name?: string;
  readonly url: string;
  /** Signing secret; without one no signature header is sent. */
  readonly secret?: Secret;
  readonly timeoutMs: number;
  /** Wall clock (UTC ms): the signed timestamp, compared with the receiver's clock. */
  readonly now: () => number;
  readonly fetch?: FetchLike;
}

/** The JSON a webhook receives. Times are ISO 8601 UTC. */
export interface WebhookBody {
  readonly version: 1;
  readonly delivery_id: string;
  readonly action: PageMessage['action'];
  readonly incident: string;
  readonly scope: PageMessage['scope'];
  readonly site: string;
  readonly devices: readonly string[];
  readonly severity: PageMessage['severity'];
  readonly summary: string;
  readonly cause: string;
  readonly impact_start: string;
  readonly resolved_at?: string;
  readonly link: string;
  readonly types: readonly string[];
  readonly remarks: readonly string[];
  readonly degraded: boolean;
}

export const DELIVERY_HEADER = 'X-Netwatch-Delivery';
export const TIMESTAMP_HEADER = 'X-Netwatch-Timestamp';
export const SIGNATURE_HEADER = 'X-Netwatch-Signature';
/** How far a receiver should accept a timestamp from its own clock. */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

export function createWebhookPager(options: WebhookPagerOptions): Pager {
  assertHttpUrl(options.url, 'webhook url');
  return {
    name: options.name ?? 'webhook',
    async send(message: PageMessage): Promise<SendResult> {
      const body = JSON.stringify(webhookBody(message));
      const nowMs = options.now();
      const timestamp = String(Math.floor(nowMs / 1000));
      const headers: Record<string, string> = {
        [DELIVERY_HEADER]: message.deliveryId,
        [TIMESTAMP_HEADER]: timestamp,
      };
      const secret = options.secret?.reveal();
      if (secret !== undefined) headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
      const outcome = await postJson({
        url: options.url,
        body,
        headers,
        timeoutMs: options.timeoutMs,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      return toSendResult(outcome, { nowMs: options.now(), secrets: secret ? [secret] : [] });
    },
  };
}

export function webhookBody(message: PageMessage): WebhookBody {
  return {
    version: 1,
    delivery_id: message.deliveryId,
    action: message.action,
    incident: message.incident,
    scope: message.scope,
    site: message.site,
    devices: message.devices,
    severity: message.severity,
    summary: truncateChars(message.summary, 4096),
    cause: message.cause,
    impact_start: new Date(message.impactStart).toISOString(),
    ...(message.resolvedAt !== undefined ? { resolved_at: new Date(message.resolvedAt).toISOString() } : {}),
    link: message.link,
    types: message.types,
    remarks: message.remarks,
    degraded: message.degraded === true,
  };
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * True when `header` is the signature of `<timestamp>.<body>` under `secret` (compared in constant
 * time). With `freshness`, the timestamp must also be within `toleranceMs` (default 5 min) of
 * `nowMs`, which refuses replays of an old delivery. `body` is the raw request text.
 */
export function verifyWebhookSignature(
  secret: Secret | string,
  timestamp: string | null | undefined,
  body: string,
  header: string | null | undefined,
  freshness?: { readonly nowMs: number; readonly toleranceMs?: number },
): boolean {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  if (typeof header !== 'string') return false;
  if (freshness) {
    const tolerance = freshness.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (Math.abs(freshness.nowMs - Number(timestamp) * 1000) > tolerance) return false;
  }
  const key = typeof secret === 'string' ? secret : secret.reveal();
  const expected = Buffer.from(signWebhook(key, timestamp, body), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  // The length of a signature is public (sha256= + 64 hex): comparing it first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
