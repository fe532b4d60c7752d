import type { EventType } from '../events/event-type.js';
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

export interface Config {
  /** The file this came from, as given on the command line; relative paths resolve against its folder. */
  readonly source: string;
  /** `token` is http.write_token: the bearer token of operator actions. */
  readonly http: { readonly listen: Endpoint; readonly token?: Secret };
  /** storage.dir (relative to the config file's folder) and how long events are kept. */
  readonly storage: { readonly dir: string; readonly retentionMs: number };
  readonly devices: readonly DeviceConfig[];
  readonly traps?: { readonly listen: Endpoint; readonly communities: readonly Secret[] };
  readonly syslog?: { readonly listen: Endpoint };
  readonly detect: { readonly trafficDrop: TrafficDropSettings; readonly unreachableAfter: number };
  readonly incidents: {
    readonly mergeWindowMs: number;
    readonly leadUpMs: number;
    readonly quietPeriodMs: number;
  };
  readonly notify: {
    readonly pageOn: readonly EventType[];
    readonly pagerduty?: { readonly routingKey: Secret; readonly url: string };
    readonly alertmanager?: { readonly url: string };
    readonly webhook?: { readonly url: string; readonly secret?: Secret };
  };
  readonly influx?: {
    readonly url: string;
    readonly database: string;
    readonly username?: string;
    readonly password?: Secret;
  };
}
