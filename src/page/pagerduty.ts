import { createHash } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { assertHttpUrl, type FetchLike, postJson, toSendResult, truncateChars } from './http-post.js';
import type { PageMessage, Pager, SendResult } from './pager.js';

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
 *
 * One incident is one PagerDuty alert: `dedup_key` = the incident ID.
 * - trigger → `trigger` with the full payload.
 * - update → `trigger` again with the same dedup_key: PagerDuty folds it into the open alert (same
 *   alert, new summary/details; no second page). This is how a site incident names its devices.
 * - refresh → nothing is sent, `{ ok: true }`: PagerDuty keeps an alert open until resolved, it
 *   needs no keep-alive (that is Alertmanager's `endsAt`). The drainer should not queue refreshes
 *   for PagerDuty at all; if it does, they cost nothing.
 * - resolve → `resolve` with routing_key, dedup_key and event_action only (PagerDuty ignores a
 *   payload on resolve).
 *
 * Answers: 202 (any 2xx) ok; 429 and 5xx retryable (with `Retry-After` if sent); 400 and other 4xx
 * final, the reason taken from PagerDuty's `{message, errors}`; the routing key never appears in a
 * reason. Network errors and timeouts are retryable.
 */

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty's limits: summary 1024 characters, dedup_key 255, the whole event 512 KB. */
export const MAX_SUMMARY_CHARS = 1024;
export const MAX_DEDUP_KEY_CHARS = 255;
/** custom_details larger than this are shortened: the whole event stays far below 512 KB. */
export const MAX_DETAILS_BYTES = 64 * 1024;

export interface PagerDutyPagerOptions {
  /** Receiver name (metrics, timeline). Default `pagerduty`. */
  readonly name?: string;
  /** The Events v2 enqueue URL (`PAGERDUTY_EVENTS_URL`, or a loopback receiver in tests). */
  readonly url: string;
  /** The integration's routing key (32 characters at PagerDuty). */
  readonly routingKey: Secret;
  readonly timeoutMs: number;
  readonly fetch?: FetchLike;
  /** Wall clock, to read a `Retry-After` date. Default Date.now. */
  readonly now?: () => number;
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyTrigger {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly component: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: Readonly<Record<string, unknown>>;
  };
  readonly links: readonly { readonly href: string; readonly text: string }[];
  readonly client: string;
  readonly client_url: string;
}

export interface PagerDutyResolve {
  readonly routing_key: string;
  readonly event_action: 'resolve';
  readonly dedup_key: string;
}

export function createPagerDutyPager(options: PagerDutyPagerOptions): Pager {
  assertHttpUrl(options.url, 'pagerduty url');
  const name = options.name ?? 'pagerduty';
  const now = options.now ?? Date.now;
  return {
    name,
    async send(message: PageMessage): Promise<SendResult> {
      if (message.action === 'refresh') return { ok: true };
      const routingKey = options.routingKey.reveal();
      const event = pagerDutyEvent(message, routingKey);
      const outcome = await postJson({
        url: options.url,
        body: JSON.stringify(event),
        timeoutMs: options.timeoutMs,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      return toSendResult(outcome, {
        nowMs: now(),
        secrets: [routingKey],
        describeBody: describePagerDutyError,
      });
    },
  };
}

/** The Events v2 body for a message (exported for tests and `netwatch notify test`). */
export function pagerDutyEvent(
  message: PageMessage,
  routingKey: string,
): PagerDutyTrigger | PagerDutyResolve | undefined {
  if (message.action === 'refresh') return undefined;
  if (message.action === 'resolve') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(message.incident) };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(message.incident),
    payload: {
      // PagerDuty refuses a blank summary or source with a final 400: never send one.
      summary: truncateChars(
        message.summary.trim() || `netwatch incident ${message.incident}`,
        MAX_SUMMARY_CHARS,
      ),
      source: message.devices[0] || message.site || 'netwatch',
      severity: message.severity === 'critical' ? 'critical' : 'error',
      timestamp: new Date(message.impactStart).toISOString(),
      component: truncateChars(message.devices.join(', '), MAX_SUMMARY_CHARS),
      group: message.site,
      class: message.cause,
      custom_details: cappedDetails(message),
    },
    links: [{ href: message.link, text: 'netwatch incident ID' }],
    client: 'netwatch',
    client_url: message.link,
  };
}

/**
 * The incident ID, which fits PagerDuty's 255 characters unless names in devices.yaml are absurd;
 * then a prefix and a hash of the whole (deterministic, so trigger and resolve still match).
 */
export function dedupKey(incident: string): string {
  if (incident.length <= MAX_DEDUP_KEY_CHARS) return incident;
  return `${incident.slice(0, 190)}-${createHash('sha256').update(incident).digest('hex')}`;
}

/**
 * custom_details within `MAX_DETAILS_BYTES`: whole if it fits; else lists shortened (100 devices,
 * 50 types, 20 remarks of 512 characters) with the totals; else only the incident and its link.
 * PagerDuty rejects an event over 512 KB with a final 400, so a page with fewer details beats none
 * (Alertmanager drops the details the same way).
 */
function cappedDetails(message: PageMessage): Readonly<Record<string, unknown>> {
  const base = { incident: message.incident, scope: message.scope, link: message.link };
  const degraded = message.degraded === true ? { degraded: true } : {};
  const full = {
    ...base,
    devices: message.devices,
    types: message.types,
    remarks: message.remarks,
    ...degraded,
  };
  if (jsonBytes(full) <= MAX_DETAILS_BYTES) return full;
  const short = {
    ...base,
    devices: message.devices.slice(0, 100).map((d) => truncateChars(d, 256)),
    devices_total: message.devices.length,
    types: message.types.slice(0, 50).map((t) => truncateChars(t, 256)),
    types_total: message.types.length,
    remarks: message.remarks.slice(0, 20).map((r) => truncateChars(r, 512)),
    remarks_total: message.remarks.length,
    truncated: 'details shortened to fit PagerDuty’s event size limit; see the link',
    ...degraded,
  };
  if (jsonBytes(short) <= MAX_DETAILS_BYTES) return short;
  return {
    ...base,
    truncated: 'details removed to fit PagerDuty’s event size limit; see the link',
    ...degraded,
  };
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** PagerDuty's error body: `{status, message, errors: [..]}` → "Event object is invalid: a; b". */
export function describePagerDutyError(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { message, errors } = parsed as { message?: unknown; errors?: unknown };
  const list = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
  const head = typeof message === 'string' ? message : '';
  const text = [head, list.join('; ')].filter((s) => s !== '').join(': ');
  return text === '' ? undefined : text;
}
