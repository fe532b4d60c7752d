import type { IncidentScope, IncidentSeverity, PageAction } from '../incident/incident.js';

/**
 * The paging seam: one `Pager` per receiver (PagerDuty Events v2, Alertmanager v2, a webhook).
 * A pager makes one attempt and says what happened as a value; it never retries, sleeps or logs.
 * The outbox (page/outbox-drainer.ts) owns the policy: when to try again (page/retry-policy.ts),
 * what to record, what to count.
 */

/** What a page says: built from an incident when its outbox entry is written (plain data, stored). */
export interface PageMessage {
  /** The incident ID: PagerDuty's dedup_key, Alertmanager's `incident` label, the webhook's `incident`. */
  readonly incident: string;
  readonly action: PageAction;
  /** Unique per outbox entry: the webhook's delivery id (idempotency on the receiver's side). */
  readonly deliveryId: string;
  readonly scope: IncidentScope;
  readonly site: string;
  /** Devices involved, the first one first (a site incident names them all). */
  readonly devices: readonly string[];
  readonly severity: IncidentSeverity;
  /** One line, may hold device text (a pager truncates it to what its receiver accepts). */
  readonly summary: string;
  /** The event type that made it page-worthy (PagerDuty `class`). */
  readonly cause: string;
  /** OUTAGE BEGINS, UTC ms (PagerDuty `timestamp`, Alertmanager `startsAt`). */
  readonly impactStart: number;
  /** Set on resolve: when the incident resolved (Alertmanager `endsAt`). */
  readonly resolvedAt?: number;
  /** Link to the incident (built on `http.external_url`). */
  readonly link: string;
  /** Event types in the incident so far, first seen first. */
  readonly types: readonly string[];
  /** The store could not be written: this page was sent from memory (fail open). */
  readonly degraded?: boolean;
  /** Marks a maintenance window's impact that outlasted it, a flapping device, etc. */
  readonly remarks: readonly string[];
}

export type SendResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** 429, 5xx, connection errors: yes. 4xx other than 429: no (a bad key or payload stays bad). */
      readonly retryable: boolean;
      /** One sentence for the log and the timeline ("HTTP 400: Invalid routing key"); never a secret. */
      readonly reason: string;
      /** From a `Retry-After` header, if the receiver sent one. */
      readonly retryAfterMs?: number;
    };

export interface Pager {
  /** Receiver name, used in metrics (`receiver` label), the timeline (PAGED) and the outbox. */
  readonly name: string;
  /** One attempt; resolves (never rejects) within `timeoutMs` of the pager's options. */
  send(message: PageMessage): Promise<SendResult>;
}
