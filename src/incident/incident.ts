import type { RecordedEvent } from '../events/event.js';

/**
 * An incident: what the correlator (incident/correlator.ts) makes of a device's (or a site's)
 * critical and major events. The one shape for the store, the API, pages and reports. Times are
 * UTC milliseconds; every string that came from a device (summaries, details) is untrusted and is
 * escaped by whoever writes it out (report/, pages, HTML).
 */

/** device: one device (a VC is one device); site: devices of one site in a storm; fleet: netwatch cannot reach most of its fleet. */
export type IncidentScope = 'device' | 'site' | 'fleet';

export type IncidentStatus = 'open' | 'resolved';

/** The severity of an incident: the highest of its events (only critical and major open one). */
export type IncidentSeverity = 'critical' | 'major';

/**
 * An entry the correlator writes (pages and notes are joined in when the timeline is read, see
 * `Timeline`). `lead_up`: an event within `lead_up` before the first impact (context, no impact).
 * `event`: an event of the incident. `outage_begins` / `outage_ends`: the first impact / the end of
 * the last impact. `marked`: a remark the correlator makes ("traffic settled at a new level",
 * "inside maintenance window …", "device is flapping", "impact outlasted the maintenance window").
 * `reopened`: impact returned within the quiet period. `acked` / `resolved`: by an operator
 * (`author`) or, for resolved, by netwatch after the quiet period.
 */
export type IncidentEntryKind =
  | 'lead_up'
  | 'outage_begins'
  | 'event'
  | 'marked'
  | 'reopened'
  | 'outage_ends'
  | 'acked'
  | 'resolved';

export interface IncidentEntry {
  readonly at: number;
  readonly kind: IncidentEntryKind;
  /** One line of plain text (may hold device text: escape on output). */
  readonly text: string;
  /** The event, for `lead_up` and `event` entries. */
  readonly event?: RecordedEvent;
  /** Who did it, for operator entries (`acked`, `resolved` by hand). */
  readonly author?: string;
}

export interface Incident {
  /** `YYYY-MM-DD-<site>-<device>` (UTC date of opening; `-2`, `-3` on the same day). Also the pages' dedup_key. */
  readonly id: string;
  readonly scope: IncidentScope;
  readonly site: string;
  /** Devices involved, the one that opened it first. */
  readonly devices: readonly string[];
  /** A short headline ("fxpc crashed and the VC master moved on asw1-eqsin"). */
  readonly title: string;
  readonly severity: IncidentSeverity;
  readonly status: IncidentStatus;
  /** Time of the event that opened it. */
  readonly openedAt: number;
  /** OUTAGE BEGINS: the earliest critical/major event or a drop's onset. */
  readonly impactStart: number;
  /** OUTAGE ENDS: when the last impact ended (absent while impact is active). */
  readonly impactEnd?: number;
  readonly resolvedAt?: number;
  /** 'netwatch' (quiet period passed) or the operator's name. */
  readonly resolvedBy?: string;
  readonly acked?: { readonly by: string; readonly at: number };
  /** Set when the incident began inside a maintenance window: recorded and marked, not paged (unless impact outlasts it). */
  readonly maintenance?: { readonly reason: string; readonly until: number };
  /** The device opened more than `flap.max_per_hour` incidents within an hour. */
  readonly flapping: boolean;
  /** The first event of a `page_on` type (what made the incident page-worthy), if any. */
  readonly pageCause?: {
    readonly type: string;
    readonly at: number;
    readonly eventId: string;
    /** The incident's severity when it became page-worthy (pages keep it: a label must not change). */
    readonly severity: IncidentSeverity;
  };
  /** Correlator entries, in time order (ties: insertion order). */
  readonly entries: readonly IncidentEntry[];
}

/** A page sent (or being sent) for an incident, as the outbox records it. */
export type PageAction = 'trigger' | 'update' | 'resolve' | 'refresh';

export interface Delivery {
  readonly incident: string;
  /** Receiver name: 'pagerduty', 'alertmanager', 'webhook', or a route's `<route>/<kind>`. */
  readonly receiver: string;
  readonly action: PageAction;
  /** When the outbox entry was written (the page became due). */
  readonly createdAt: number;
  /** When the receiver accepted it; absent while pending or after a final failure. */
  readonly acceptedAt?: number;
  /** pending: not yet delivered (retrying); accepted; failed: final (e.g. 400), with the reason. */
  readonly result: 'pending' | 'accepted' | 'failed';
  readonly attempts: number;
  readonly reason?: string;
  /** True when sent from memory because the store could not be written (fail open). */
  readonly degraded?: boolean;
}

export interface Note {
  readonly incident: string;
  readonly at: number;
  readonly author: string;
  /** Plain text from a person: escape on output. */
  readonly text: string;
}

/** An earlier incident of the same device with the same event types (Scorecard, from history). */
export interface PriorIncident {
  readonly id: string;
  readonly openedAt: number;
  readonly types: readonly string[];
}

/** A receiver netwatch pages, as the report names it. */
export interface ReceiverInfo {
  readonly name: string;
  /** The route that selected it (`notify.routes[i]` label, e.g. "site eqsin"), absent for the default. */
  readonly route?: string;
  /** Working hours the route declares (metadata), e.g. "Mon-Fri 09:00-18:00 Asia/Singapore". */
  readonly hours?: string;
}

/** Everything a report renders, read from the store. */
export interface IncidentReport {
  readonly incident: Incident;
  readonly deliveries: readonly Delivery[];
  readonly notes: readonly Note[];
  /** Incidents of the same device(s) with the same event types in the 90 days before this one. */
  readonly prior: readonly PriorIncident[];
  /** The receivers this incident's pages were routed to. */
  readonly receivers: readonly ReceiverInfo[];
  /** `http.external_url` without a trailing slash (links), e.g. "https://netwatch.example.net". */
  readonly externalUrl: string;
}

/** The UTC date part of an incident ID: `YYYY-MM-DD`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
