import { SEVERITY } from '../events/event.js';
import type { EventType, Severity } from '../events/event-type.js';
import type { Problem } from './problems.js';
import type { RawConfig, RawDevice, RawRoute, RawSnmpLevel } from './schema.js';
import type {
  AlertmanagerReceiver,
  Config,
  DeviceConfig,
  Endpoint,
  MaintenanceWindow,
  NetconfTarget,
  PagerDutyReceiver,
  Route,
  SnmpSecurity,
  SnmpTarget,
  WebhookReceiver,
} from './types.js';

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_SITE = 'default';
const SNMP_DEFAULTS = { port: 161, timeoutMs: 2_000, retries: 1, maxRepetitions: 25 } as const;
const NETCONF_DEFAULTS = { port: 830, timeoutMs: 10_000 } as const;

export interface Resolved {
  readonly config: Config;
  readonly problems: readonly Problem[];
}

function securityOf(level: RawSnmpLevel): SnmpSecurity | undefined {
  if (level.version === '2c')
    return level.community ? { version: '2c', community: level.community } : undefined;
  if (level.version === 3 || level.version === '3') {
    if (!level.user || !level.auth) return undefined;
    return {
      version: 3,
      user: level.user,
      auth: level.auth,
      ...(level.priv ? { priv: level.priv } : {}),
      ...(level.context !== undefined ? { context: level.context } : {}),
    };
  }
  return undefined;
}

/** Transport keys merge level by level; security comes whole from the most specific level with `version`. */
function mergeSnmp(levels: readonly (RawSnmpLevel | undefined)[]): SnmpTarget | undefined {
  let security: SnmpSecurity | undefined;
  const target = { ...SNMP_DEFAULTS };
  for (const level of levels) {
    if (!level) continue;
    if (level.port !== undefined) target.port = level.port as typeof target.port;
    if (level.timeout !== undefined) target.timeoutMs = level.timeout as typeof target.timeoutMs;
    if (level.retries !== undefined) target.retries = level.retries as typeof target.retries;
    if (level.max_repetitions !== undefined)
      target.maxRepetitions = level.max_repetitions as typeof target.maxRepetitions;
    if (level.version !== undefined) security = securityOf(level);
  }
  return security ? { ...target, security } : undefined;
}

function resolveDevice(raw: RawConfig, device: RawDevice, index: number, problems: Problem[]): DeviceConfig {
  const at = (...rest: (string | number)[]) => ['devices', index, ...rest];
  // A missing set is reported by checkReferences; resolve as if none were named.
  const credentials = device.credentials === undefined ? undefined : raw.credentials[device.credentials];

  const snmp =
    device.snmp === false ? undefined : mergeSnmp([raw.defaults.snmp, credentials?.snmp, device.snmp]);

  let netconf: NetconfTarget | undefined;
  if (device.netconf) {
    const login = credentials?.netconf;
    if (!login) {
      if (credentials || device.credentials === undefined)
        problems.push({
          path: at('netconf'),
          message:
            'NETCONF needs a login: reference a credential set that has netconf: { username, password }',
        });
    } else {
      netconf = {
        port: device.netconf.port ?? raw.defaults.netconf?.port ?? NETCONF_DEFAULTS.port,
        timeoutMs: device.netconf.timeout ?? raw.defaults.netconf?.timeout ?? NETCONF_DEFAULTS.timeoutMs,
        username: login.username,
        ...(login.password ? { password: login.password } : {}),
        ...(login.private_key_file ? { privateKeyFile: login.private_key_file } : {}),
      };
    }
  }

  if (
    !snmp &&
    device.snmp !== false &&
    !device.netconf &&
    (credentials || device.credentials === undefined)
  ) {
    problems.push({
      path: at('name'),
      message: `device "${device.name}" has nothing to poll: give it SNMP settings (defaults.snmp, a credential set or snmp) or netconf`,
    });
  }
  const groups = device.interface_groups ?? {};
  if (device.snmp === false && Object.keys(groups).length > 0) {
    problems.push({
      path: at('interface_groups'),
      message: 'interface groups need SNMP interface counters, but this device has snmp: false',
    });
  }

  return {
    name: device.name,
    host: device.host,
    site: device.site ?? raw.defaults.site ?? DEFAULT_SITE,
    intervalMs: device.interval ?? raw.defaults.interval ?? DEFAULT_INTERVAL_MS,
    ...(snmp ? { snmp } : {}),
    ...(netconf ? { netconf } : {}),
    watchProcesses: device.watch?.processes ?? raw.defaults.watch?.processes ?? [],
    interfaceGroups: groups,
  };
}

/** Links are built as `${base}/api/...`: no trailing slash. */
function withoutTrailingSlash(text: string): string {
  return text.replace(/\/+$/, '');
}

/** `http://<listen host>:<port>`, brackets around an IPv6 host. */
function defaultExternalUrl(listen: Endpoint): string {
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return `http://${host}:${listen.port}`;
}

type RawNotify = RawConfig['notify'];

function pagerdutyOf(raw: RawNotify['pagerduty']): PagerDutyReceiver | undefined {
  return raw ? { routingKey: raw.routing_key, url: raw.url } : undefined;
}

function alertmanagerOf(raw: RawNotify['alertmanager']): AlertmanagerReceiver | undefined {
  return raw ? { urls: raw.urls.map(withoutTrailingSlash), resendMs: raw.resend } : undefined;
}

function webhookOf(raw: RawNotify['webhook']): WebhookReceiver | undefined {
  return raw ? { url: raw.url, ...(raw.secret ? { secret: raw.secret } : {}) } : undefined;
}

/** The receivers of a route or of the defaults, each only when configured. */
function receiversOf(raw: Pick<RawNotify, 'pagerduty' | 'alertmanager' | 'webhook'>): {
  pagerduty?: PagerDutyReceiver;
  alertmanager?: AlertmanagerReceiver;
  webhook?: WebhookReceiver;
} {
  const pagerduty = pagerdutyOf(raw.pagerduty);
  const alertmanager = alertmanagerOf(raw.alertmanager);
  const webhook = webhookOf(raw.webhook);
  return {
    ...(pagerduty ? { pagerduty } : {}),
    ...(alertmanager ? { alertmanager } : {}),
    ...(webhook ? { webhook } : {}),
  };
}

function resolveRoute(raw: RawRoute, index: number): Route {
  const { match } = raw;
  const unique = (one: string | undefined, many: readonly string[] | undefined) => [
    ...new Set([...(one === undefined ? [] : [one]), ...(many ?? [])]),
  ];
  return {
    name: raw.name ?? `route ${index + 1}`,
    sites: unique(match.site, match.sites),
    devices: unique(match.device, match.devices),
    ...receiversOf(raw),
    ...(raw.hours !== undefined ? { hours: raw.hours.trim() } : {}),
  };
}

/** Every event type's severity: the defaults with the config's overrides. */
function severitiesOf(overrides: Readonly<Record<string, Severity>>): Readonly<Record<EventType, Severity>> {
  const merged: Record<EventType, Severity> = { ...SEVERITY };
  for (const [type, severity] of Object.entries(overrides)) {
    if (type in merged) merged[type as EventType] = severity;
  }
  return merged;
}

function maintenanceOf(raw: RawConfig['maintenance']): MaintenanceWindow[] {
  return raw.map((w) => ({
    devices: w.devices ?? [],
    sites: w.sites ?? [],
    all: w.all === true,
    cron: w.cron.trim(),
    durationMs: w.duration,
    reason: w.reason,
    tz: w.tz,
  }));
}

/** Checks references across the file and builds the resolved `Config`. */
export function resolveConfig(raw: RawConfig, source: string): Resolved {
  const problems: Problem[] = [];
  const devices = raw.devices.map((device, index) => resolveDevice(raw, device, index, problems));
  const { traffic_drop: drop } = raw.detect;
  const config: Config = {
    source,
    http: {
      listen: raw.http.listen,
      ...(raw.http.write_token ? { token: raw.http.write_token } : {}),
      ...(raw.http.read_token ? { readToken: raw.http.read_token } : {}),
      externalUrl: withoutTrailingSlash(raw.http.external_url ?? defaultExternalUrl(raw.http.listen)),
    },
    storage: { dir: raw.storage.dir, retentionMs: raw.storage.retention },
    devices,
    ...(raw.traps ? { traps: raw.traps } : {}),
    ...(raw.syslog ? { syslog: raw.syslog } : {}),
    detect: {
      trafficDrop: {
        dropRatio: drop.drop_ratio,
        recoverRatio: drop.recover_ratio,
        minBps: drop.min_bps,
        forPolls: drop.for,
        rebaselineAfterMs: drop.rebaseline_after,
      },
      unreachableAfter: raw.detect.unreachable_after,
    },
    incidents: {
      mergeWindowMs: raw.incidents.merge_window,
      leadUpMs: raw.incidents.lead_up,
      quietPeriodMs: raw.incidents.quiet_period,
      siteStorm: { devices: raw.incidents.site_storm.devices, withinMs: raw.incidents.site_storm.within },
      flap: { maxPerHour: raw.incidents.flap.max_per_hour },
      fleet: { share: raw.incidents.fleet.share, withinMs: raw.incidents.fleet.within },
      severities: severitiesOf(raw.incidents.severities),
    },
    maintenance: maintenanceOf(raw.maintenance),
    notify: {
      pageOn: raw.notify.page_on,
      timeoutMs: raw.notify.timeout,
      ...receiversOf(raw.notify),
      routes: raw.notify.routes.map(resolveRoute),
    },
    ...(raw.influx
      ? {
          influx: {
            url: raw.influx.url,
            database: raw.influx.database,
            ...(raw.influx.username !== undefined ? { username: raw.influx.username } : {}),
            ...(raw.influx.password ? { password: raw.influx.password } : {}),
          },
        }
      : {}),
  };
  return { config, problems };
}
