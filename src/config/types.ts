import type { EventType, Severity } from '../events/event-type.js';
import type { Secret } from './secret.js';

/** The validated, resolved configuration: defaults merged into each device, durations in ms. */

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export type SnmpSecurity =
  | { readonly version: '2c'; readonly community: Secret }
  | {
      readonly version: 3;
      readonly user: string;
      readonly auth: { readonly protocol: AuthProtocol; readonly key: Secret };
      readonly priv?: { readonly protocol: PrivProtocol; readonly key: Secret };
      readonly context?: string;
    };

export interface SnmpTarget {
  readonly port: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxRepetitions: number;
  readonly security: SnmpSecurity;
}

export interface NetconfTarget {
  readonly port: number;
  readonly timeoutMs: number;
  readonly username: string;
  readonly password?: Secret;
  readonly privateKeyFile?: string;
}

export interface DeviceConfig {
  readonly name: string;
  readonly host: string;
  readonly site: string;
  readonly intervalMs: number;
  readonly snmp?: SnmpTarget;
  readonly netconf?: NetconfTarget;
  readonly watchProcesses: readonly string[];
  readonly interfaceGroups: Readonly<Record<string, readonly string[]>>;
}

export interface TrafficDropSettings {
  readonly dropRatio: number;
  readonly recoverRatio: number;
  readonly minBps: number;
  readonly forPolls: number;
  /** A drop that lasts longer ends as traffic_recovered (reason 'rebaselined') and the baseline is relearnt. */
  readonly rebaselineAfterMs: number;
}

/**
 * A maintenance window: each fire time of `cron` (read in `tz`) opens it for `durationMs`. Events
 * and incidents inside it are recorded and marked; nothing pages unless impact outlasts it.
 * Covers the listed devices, the devices of the listed sites, or every device (`all`).
 */
export interface MaintenanceWindow {
  readonly devices: readonly string[];
  readonly sites: readonly string[];
  readonly all: boolean;
  /** Five fields: minute hour day-of-month month day-of-week. */
  readonly cron: string;
  readonly durationMs: number;
  readonly reason: string;
  /** IANA time zone the cron expression is read in ('UTC' unless set). */
  readonly tz: string;
}

export interface IncidentSettings {
  readonly mergeWindowMs: number;
  readonly leadUpMs: number;
  readonly quietPeriodMs: number;
  /** Devices of one site opening incidents within `withinMs` of the first join it as a site incident. */
  readonly siteStorm: { readonly devices: number; readonly withinMs: number };
  /** A device opening more than `maxPerHour` incidents in an hour is flapping. */
  readonly flap: { readonly maxPerHour: number };
  /** More than `share` of the fleet, across at least two sites, unreachable within `withinMs`: one fleet incident. */
  readonly fleet: { readonly share: number; readonly withinMs: number };
  /** Severity of every event type: the defaults (events/event.ts `SEVERITY`) with the config's overrides. Critical and major open incidents. */
  readonly severities: Readonly<Record<EventType, Severity>>;
}

export interface PagerDutyReceiver {
  readonly routingKey: Secret;
  /** Events API v2 enqueue URL. */
  readonly url: string;
}

export interface AlertmanagerReceiver {
  /** Every peer of the cluster (each gets every alert; never a load balancer), without a trailing slash. */
  readonly urls: readonly string[];
  /** Open incidents are re-sent this often. */
  readonly resendMs: number;
}

export interface WebhookReceiver {
  readonly url: string;
  /** HMAC-SHA256 key of the X-Netwatch-Signature header. */
  readonly secret?: Secret;
}

/**
 * A notify route: pages of incidents on these sites or devices go to its receivers instead of the
 * default ones (first matching route wins). `hours` is metadata (working hours, e.g.
 * "Mon-Fri 09:00-18:00 Asia/Singapore"; see incident/maintenance.ts `withinWorkingHours`), not a
 * match condition.
 */
export interface Route {
  /** As given, else "route N" (N counts from 1 in file order). Unique. */
  readonly name: string;
  readonly sites: readonly string[];
  readonly devices: readonly string[];
  readonly pagerduty?: PagerDutyReceiver;
  readonly alertmanager?: AlertmanagerReceiver;
  readonly webhook?: WebhookReceiver;
  readonly hours?: string;
}

export interface NotifySettings {
  readonly pageOn: readonly EventType[];
  /** Deadline of one call to a receiver. */
  readonly timeoutMs: number;
  readonly pagerduty?: PagerDutyReceiver;
  readonly alertmanager?: AlertmanagerReceiver;
  readonly webhook?: WebhookReceiver;
  readonly routes: readonly Route[];
}

export interface Config {
  /** The file this came from, as given on the command line; relative paths resolve against its folder. */
  readonly source: string;
  readonly http: {
    readonly listen: Endpoint;
    /** http.write_token: the bearer token of operator actions (POST); without one they are disabled. */
    readonly token?: Secret;
    /** http.read_token: a bearer token for reading the API (optional). */
    readonly readToken?: Secret;
    /** Base of the links in pages and reports, without a trailing slash (default http://<listen host>:<port>). */
    readonly externalUrl: string;
  };
  /** storage.dir (relative to the config file's folder) and how long events are kept. */
  readonly storage: { readonly dir: string; readonly retentionMs: number };
  readonly devices: readonly DeviceConfig[];
  readonly traps?: { readonly listen: Endpoint; readonly communities: readonly Secret[] };
  readonly syslog?: { readonly listen: Endpoint };
  readonly detect: { readonly trafficDrop: TrafficDropSettings; readonly unreachableAfter: number };
  readonly incidents: IncidentSettings;
  readonly maintenance: readonly MaintenanceWindow[];
  readonly notify: NotifySettings;
  readonly influx?: {
    readonly url: string;
    readonly database: string;
    readonly username?: string;
    readonly password?: Secret;
  };
}
