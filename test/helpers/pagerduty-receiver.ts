import { randomBytes } from 'node:crypto';
import {
  type Answer,
  type LoopbackOptions,
  type LoopbackReceiver,
  type ReceivedRequest,
  startLoopbackReceiver,
} from './loopback-receiver.js';

/**
 * A loopback PagerDuty Events API v2 endpoint (`POST /v2/enqueue`) that checks each event the
 * way PagerDuty does and answers like it: 202 `{status:'success', message:'Event processed',
 * dedup_key}` or 400 `{status:'invalid event', message:'Event object is invalid', errors:[…]}`.
 * Accepted events are recorded with their receive time. Scriptable (`script(503, …)`) and able to
 * go down and come back on the same port (see loopback-receiver.ts).
 *
 * Schema (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): routing_key a
 * 32-character string (and the configured key, when one is given); event_action trigger |
 * acknowledge | resolve; dedup_key a string ≤ 255 (required unless trigger); for trigger a
 * payload with summary (1..1024), source (non-empty), severity critical|error|warning|info,
 * optional timestamp (ISO 8601), component/group/class strings, custom_details an object; links
 * [{href, text?}], images [{src}], client/client_url strings; the whole event ≤ 512 KB.
 */

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
const MAX_EVENT_BYTES = 512 * 1024;

export interface PagerDutyEventIn {
  readonly routing_key: string;
  readonly event_action: (typeof EVENT_ACTIONS)[number];
  readonly dedup_key?: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: (typeof SEVERITIES)[number];
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details?: Readonly<Record<string, unknown>>;
  };
  readonly links?: readonly { readonly href: string; readonly text?: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

export interface AcceptedEvent {
  /** Receive time (the receiver's `now`). */
  readonly at: number;
  /** The dedup_key answered (the event's, or one generated for a trigger without one). */
  readonly dedupKey: string;
  readonly event: PagerDutyEventIn;
}

export interface PagerDutyReceiver extends LoopbackReceiver {
  /** `http://127.0.0.1:<port>/v2/enqueue` */
  readonly url: string;
  /** Events answered 202, in arrival order. */
  readonly events: readonly AcceptedEvent[];
}

export interface PagerDutyReceiverOptions extends LoopbackOptions {
  /** The one routing key accepted; any other valid-looking key gets a 400. Default: any. */
  readonly routingKey?: string;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** PagerDuty's checks, as error strings (empty: valid). Pure, for the receiver and its tests. */
export function validatePagerDutyEvent(
  value: unknown,
  options: { readonly routingKey?: string; readonly rawBytes?: number } = {},
): string[] {
  const errors: string[] = [];
  if (options.rawBytes !== undefined && options.rawBytes > MAX_EVENT_BYTES) {
    return [`Event is too large (${options.rawBytes} bytes; the limit is 512 KB)`];
  }
  if (!isObject(value)) return ['Event must be a JSON object'];
  const key = value.routing_key;
  if (typeof key !== 'string' || key === '') errors.push("'routing_key' is missing or blank");
  else if (key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  else if (options.routingKey !== undefined && key !== options.routingKey) errors.push('Invalid routing key');
  const action = value.event_action;
  if (typeof action !== 'string' || !(EVENT_ACTIONS as readonly string[]).includes(action)) {
    errors.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
  }
  const dedup = value.dedup_key;
  if (dedup !== undefined && typeof dedup !== 'string') errors.push("'dedup_key' must be a string");
  else if (typeof dedup === 'string' && dedup.length > 255) errors.push("'dedup_key' is too long (max 255)");
  else if (dedup === undefined && action !== 'trigger' && typeof action === 'string') {
    errors.push(`'dedup_key' is required for ${action} events`);
  }
  if (action === 'trigger') errors.push(...payloadErrors(value.payload));
  if (value.links !== undefined) {
    if (!Array.isArray(value.links) || !value.links.every((l) => isObject(l) && typeof l.href === 'string')) {
      errors.push("'links' must be a list of {href, text}");
    }
  }
  if (value.images !== undefined) {
    if (
      !Array.isArray(value.images) ||
      !value.images.every((i) => isObject(i) && typeof i.src === 'string')
    ) {
      errors.push("'images' must be a list of {src, href, alt}");
    }
  }
  for (const field of ['client', 'client_url'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string')
      errors.push(`'${field}' must be a string`);
  }
  return errors;
}

function payloadErrors(payload: unknown): string[] {
  if (!isObject(payload)) return ["'payload' is missing or not an object"];
  const errors: string[] = [];
  const { summary, source, severity, timestamp } = payload;
  if (typeof summary !== 'string' || summary.trim() === '')
    errors.push("'payload.summary' is missing or blank");
  else if (Array.from(summary).length > 1024)
    errors.push("'payload.summary' is too long (max 1024 characters)");
  if (typeof source !== 'string' || source.trim() === '') errors.push("'payload.source' is missing or blank");
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    errors.push("'payload.severity' is invalid (must be one of critical, error, warning, info)");
  }
  if (
    timestamp !== undefined &&
    (typeof timestamp !== 'string' || !ISO_8601.test(timestamp) || Number.isNaN(Date.parse(timestamp)))
  ) {
    errors.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
  }
  for (const field of ['component', 'group', 'class'] as const) {
    if (payload[field] !== undefined && typeof payload[field] !== 'string') {
      errors.push(`'payload.${field}' must be a string`);
    }
  }
  if (payload.custom_details !== undefined && !isObject(payload.custom_details)) {
    errors.push("'payload.custom_details' must be an object");
  }
  return errors;
}

export async function startPagerDutyReceiver(
  options: PagerDutyReceiverOptions = {},
): Promise<PagerDutyReceiver> {
  const events: AcceptedEvent[] = [];
  const handle = (request: ReceivedRequest): Answer => {
    if (request.path !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    if (request.method !== 'POST') return { status: 405, body: { status: 'method not allowed' } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.raw);
    } catch {
      return invalid(['Could not parse the request body as JSON']);
    }
    const errors = validatePagerDutyEvent(parsed, {
      ...(options.routingKey !== undefined ? { routingKey: options.routingKey } : {}),
      rawBytes: Buffer.byteLength(request.raw, 'utf8'),
    });
    if (errors.length > 0) return invalid(errors);
    const event = parsed as PagerDutyEventIn;
    const dedupKey = event.dedup_key ?? randomBytes(16).toString('hex');
    events.push({ at: request.at, dedupKey, event });
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  };
  const base = await startLoopbackReceiver(handle, options);
  return {
    ...base,
    url: `${base.baseUrl}/v2/enqueue`,
    events,
    reset: () => {
      base.reset();
      events.length = 0;
    },
  };
}

function invalid(errors: readonly string[]): Answer {
  return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
}

/** PagerDuty's throttling answer, for scripts: `receiver.script(throttled('2'))`. */
export function throttled(retryAfter?: string): Answer {
  return {
    status: 429,
    body: {
      status: 'throttle event',
      message: 'Requests for this service are arriving too quickly. Please retry later.',
    },
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}
