import type { Problem } from './problems.js';
import type { RawConfig, RawDevice, RawSnmpLevel } from './schema.js';
import type { Config, DeviceConfig, NetconfTarget, SnmpSecurity, SnmpTarget } from './types.js';

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

/** Checks references across the file and builds the resolved `Config`. */
export function resolveConfig(raw: RawConfig, source: string): Resolved {
  const problems: Problem[] = [];
  const devices = raw.devices.map((device, index) => resolveDevice(raw, device, index, problems));
  const { traffic_drop: drop } = raw.detect;
  const config: Config = {
    source,
    http: { listen: raw.http.listen, ...(raw.http.write_token ? { token: raw.http.write_token } : {}) },
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
    },
    notify: {
      pageOn: raw.notify.page_on,
      ...(raw.notify.pagerduty
        ? { pagerduty: { routingKey: raw.notify.pagerduty.routing_key, url: raw.notify.pagerduty.url } }
        : {}),
      ...(raw.notify.alertmanager ? { alertmanager: raw.notify.alertmanager } : {}),
      ...(raw.notify.webhook
        ? {
            webhook: {
              url: raw.notify.webhook.url,
              ...(raw.notify.webhook.secret ? { secret: raw.notify.webhook.secret } : {}),
            },
          }
        : {}),
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
