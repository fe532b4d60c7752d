import { z } from 'zod';
import { EVENT_TYPES, type EventType, SEVERITIES } from '../events/event-type.js';
import { cronProblem, isTimeZone, parseWorkingHours } from '../incident/maintenance.js';
import { parseDuration } from './duration.js';
import { Secret } from './secret.js';

/**
 * The shape of devices.yaml as written (snake_case keys). Every object is strict: an unknown key
 * is an error. Values have already been through ${VAR} interpolation when this runs; resolve.ts
 * turns the result into the camelCase `Config` the rest of netwatch uses.
 */

const duration = z.string({ error: 'expected a duration such as 30s, 15m or 2h' }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration "${text}": use a number and a unit (ms, s, m, h, d), or several largest first, such as 30s, 15m or 1h30m`,
    });
    return z.NEVER;
  }
  return ms;
});

const secret = z
  .string({ error: 'expected a string (a secret; use ${VAR} to read it from the environment)' })
  .min(1, { error: 'must not be empty' })
  .transform((value) => new Secret(value));

const port = z
  .number({ error: 'expected a port number (1-65535)' })
  .int({ error: 'expected a whole port number' })
  .min(1, { error: 'port must be between 1 and 65535' })
  .max(65535, { error: 'port must be between 1 and 65535' });

const LISTEN = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/;

/** `host:port` or `[v6]:port`; the result keeps host and port apart. Port 0: any free port (tests, the demo). */
const listen = z.string({ error: 'expected host:port, such as 127.0.0.1:9877' }).transform((text, ctx) => {
  const match = LISTEN.exec(text);
  const portNumber = Number(match?.[3]);
  if (!match || portNumber < 0 || portNumber > 65535) {
    ctx.addIssue({ code: 'custom', message: `invalid listen address "${text}": expected host:port` });
    return z.NEVER;
  }
  return { host: match[1] ?? match[2] ?? '', port: portNumber };
});

const url = z.url({ error: 'expected an http(s) URL', protocol: /^https?$/ });

/** A base URL others append paths to: no query or fragment. */
const baseUrl = url.refine((text) => !/[?#]/.test(text), {
  error: 'must be a base URL, without "?" or "#"',
});

/** An IANA time zone name this runtime knows. */
const timeZone = z
  .string({ error: 'expected a time zone such as UTC or Europe/Amsterdam' })
  .refine(isTimeZone, {
    error: (issue) =>
      `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as Europe/Amsterdam, Asia/Singapore or UTC`,
  });

/**
 * A refinement on an object that runs even when some of its values are wrong (zod skips object
 * refinements after inner issues), so "names no receiver" is reported together with a bad URL. The
 * check must only look at which keys are present.
 */
const whenMapping = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
} as const;

const name = z
  .string({ error: 'expected a name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'use letters, digits, ".", "_" and "-" only' });

const version = z.union([z.literal('2c'), z.literal(3), z.literal('3')], {
  error: 'unsupported SNMP version: use 2c or 3',
});

const snmpAuth = z.strictObject({
  protocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'], {
    error: 'must be one of md5, sha, sha224, sha256, sha384, sha512',
  }),
  key: secret.refine((s) => s.reveal().length >= 8, { error: 'must be at least 8 characters (RFC 3414)' }),
});

const snmpPriv = z.strictObject({
  protocol: z.enum(['des', 'aes', 'aes256b', 'aes256r'], {
    error: 'must be one of des, aes, aes256b, aes256r',
  }),
  key: secret.refine((s) => s.reveal().length >= 8, { error: 'must be at least 8 characters (RFC 3414)' }),
});

/**
 * One level of SNMP settings (defaults, a credential set or a device). Transport keys merge down
 * level by level; the security keys (version, community, user, auth, priv, context) come as one
 * unit from the most specific level that sets `version`.
 */
export const snmpLevel = z
  .strictObject({
    version: version.optional(),
    community: secret.optional(),
    user: z.string({ error: 'expected a user name' }).min(1).optional(),
    auth: snmpAuth.optional(),
    priv: snmpPriv.optional(),
    context: z.string({ error: 'expected a context name' }).optional(),
    port: port.optional(),
    timeout: duration.optional(),
    retries: z.number({ error: 'expected a whole number' }).int().min(0).max(5).optional(),
    max_repetitions: z.number({ error: 'expected a whole number' }).int().min(1).max(200).optional(),
  })
  .superRefine((level, ctx) => {
    const security = ['community', 'user', 'auth', 'priv', 'context'] as const;
    if (level.version === undefined) {
      for (const key of security) {
        if (level[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `needs "version" (2c or 3) beside it` });
      }
      return;
    }
    if (level.version === '2c') {
      if (level.community === undefined)
        ctx.addIssue({ code: 'custom', path: ['community'], message: 'SNMP v2c needs a community' });
      for (const key of ['user', 'auth', 'priv', 'context'] as const) {
        if (level[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'is an SNMPv3 setting; this level is v2c' });
      }
      return;
    }
    if (level.community !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['community'],
        message: 'is a v2c setting; SNMPv3 uses user/auth/priv',
      });
    if (level.user === undefined)
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'SNMPv3 needs a user' });
    if (level.auth === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message:
          'SNMPv3 needs auth: { protocol, key } (authNoPriv or authPriv; noAuthNoPriv is not supported)',
      });
  });

const netconfLevel = z.strictObject({
  port: port.optional(),
  timeout: duration.optional(),
});

const netconfCredentials = z.strictObject({
  username: z.string({ error: 'expected a user name' }).min(1),
  password: secret.optional(),
  private_key_file: z.string({ error: 'expected a file path' }).min(1).optional(),
});

const watch = z.strictObject({
  processes: z.array(z.string({ error: 'expected a process name' }).min(1), {
    error: 'expected a list of process names',
  }),
});

const interfaceGroups = z.record(
  name,
  z
    .array(z.string({ error: 'expected an interface name' }).min(1), {
      error: 'expected a list of interface names',
    })
    .min(1, { error: 'names no interface: list the interfaces of this group, such as [xe-0/1/0, xe-1/1/0]' }),
  { error: 'expected a mapping of group name to interface names' },
);

const device = z.strictObject({
  name,
  host: z.string({ error: 'expected a host name or IP address' }).min(1, { error: 'must not be empty' }),
  site: name.optional(),
  credentials: z.string({ error: 'expected the name of a credential set' }).optional(),
  interval: duration.optional(),
  snmp: z
    .union([z.literal(false), snmpLevel], { error: 'expected SNMP settings, or false to disable SNMP' })
    .optional(),
  netconf: netconfLevel.optional(),
  watch: watch.optional(),
  interface_groups: interfaceGroups.optional(),
});

const ratio = z.number({ error: 'expected a ratio between 0 and 1' }).gt(0).lt(1);

function isEventType(text: string): text is EventType {
  return (EVENT_TYPES as readonly string[]).includes(text);
}

/** What pages by default (SPEC "devices.yaml"). */
export const DEFAULT_PAGE_ON: readonly EventType[] = [
  'master_switchover',
  'member_down',
  'vc_split_brain',
  'process_crash',
  'traffic_drop',
  'device_unreachable',
  'device_reboot',
];

const pagerduty = z.strictObject({
  routing_key: secret,
  url: url.default('https://events.pagerduty.com/v2/enqueue'),
});

/**
 * `urls`: every peer of the Alertmanager cluster (each must get every alert; a load balancer in
 * front would lose the dedup across peers). `url` (one peer) is the older spelling, read as a
 * one-element `urls`.
 */
const alertmanager = z
  .strictObject({
    urls: z
      .array(baseUrl, { error: 'expected a list of URLs, one per Alertmanager peer' })
      .min(1, {
        error: 'names no Alertmanager: list every peer of the cluster, such as [http://127.0.0.1:9093]',
      })
      .superRefine((urls, ctx) => {
        urls.forEach((u, index) => {
          if (urls.indexOf(u) !== index)
            ctx.addIssue({ code: 'custom', path: [index], message: `"${u}" is listed twice` });
        });
      })
      .optional(),
    url: baseUrl.optional(),
    /** Open incidents are re-sent this often (Alertmanager drops alerts it has not heard of lately). */
    resend: duration.default(60_000),
  })
  .superRefine((am, ctx) => {
    if (am.urls !== undefined && am.url !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'give urls (every peer of the cluster) or url (one), not both',
      });
    else if (am.urls === undefined && am.url === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['urls'],
        message: 'is required: list every peer of the Alertmanager cluster, such as [http://127.0.0.1:9093]',
      });
  }, whenMapping)
  .transform(({ urls, url: one, resend }) => ({ urls: urls ?? (one === undefined ? [] : [one]), resend }));

const webhook = z.strictObject({ url, secret: secret.optional() });

/** "Mon-Fri 09:00-18:00 Asia/Singapore": working hours of a route (metadata for the report). */
const hours = z
  .string({ error: 'expected working hours such as "Mon-Fri 09:00-18:00 Asia/Singapore"' })
  .superRefine((text, ctx) => {
    const parsed = parseWorkingHours(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid hours "${text}": ${parsed.reason}` });
  });

/** `site`/`device` (one name) and `sites`/`devices` (a list) may be mixed. */
const routeMatch = z
  .strictObject({
    site: name.optional(),
    sites: z.array(name, { error: 'expected a list of site names' }).min(1).optional(),
    device: name.optional(),
    devices: z.array(name, { error: 'expected a list of device names' }).min(1).optional(),
  })
  .refine(
    (m) => m.site !== undefined || m.sites !== undefined || m.device !== undefined || m.devices !== undefined,
    { error: 'matches nothing: name sites or devices, such as { sites: [eqsin] }', ...whenMapping },
  );

const route = z
  .strictObject({
    name: z
      .string({ error: 'expected a route name' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .refine((text) => !text.includes('/'), { error: 'must not contain "/"' })
      .optional(),
    match: routeMatch,
    pagerduty: pagerduty.optional(),
    alertmanager: alertmanager.optional(),
    webhook: webhook.optional(),
    hours: hours.optional(),
  })
  .refine((r) => r.pagerduty !== undefined || r.alertmanager !== undefined || r.webhook !== undefined, {
    error: 'names no receiver: give it pagerduty, alertmanager or webhook',
    ...whenMapping,
  });

export const configSchema = z.strictObject({
  http: z
    .strictObject({
      listen: listen.default({ host: '127.0.0.1', port: 9877 }),
      /** Base of the links in pages and reports; default http://<listen host>:<port>. */
      external_url: baseUrl.optional(),
      /** Bearer token for operator actions (POST); without one they are disabled. */
      write_token: secret.optional(),
      /** Bearer token for reading the API (optional). */
      read_token: secret.optional(),
    })
    .prefault({}),
  storage: z
    .strictObject({
      dir: z.string({ error: 'expected a directory path' }).min(1).default('./data'),
      retention: duration.default(400 * 86_400_000),
    })
    .default({ dir: './data', retention: 400 * 86_400_000 }),
  defaults: z
    .strictObject({
      interval: duration.optional(),
      site: name.optional(),
      snmp: snmpLevel.optional(),
      netconf: netconfLevel.optional(),
      watch: watch.optional(),
    })
    .default({}),
  credentials: z
    .record(name, z.strictObject({ snmp: snmpLevel.optional(), netconf: netconfCredentials.optional() }), {
      error: 'expected a mapping of credential set name to settings',
    })
    .default({}),
  devices: z.array(device, { error: 'expected a list of devices' }),
  traps: z
    .strictObject({
      listen,
      communities: z.array(secret, { error: 'expected a list of communities' }).default([]),
    })
    .optional(),
  syslog: z.strictObject({ listen }).optional(),
  detect: z
    .strictObject({
      traffic_drop: z
        .strictObject({
          drop_ratio: ratio.default(0.5),
          recover_ratio: ratio.default(0.8),
          min_bps: z.number({ error: 'expected bits per second' }).min(0).default(1_000_000),
          for: z.number({ error: 'expected a number of polls' }).int().min(1).default(2),
          /** A drop lasting longer than this is the new normal: it ends and the baseline is learnt again. */
          rebaseline_after: duration.default(60 * 60_000),
        })
        .default({
          drop_ratio: 0.5,
          recover_ratio: 0.8,
          min_bps: 1_000_000,
          for: 2,
          rebaseline_after: 60 * 60_000,
        }),
      unreachable_after: z.number({ error: 'expected a number of polls' }).int().min(1).default(3),
    })
    .default({
      traffic_drop: {
        drop_ratio: 0.5,
        recover_ratio: 0.8,
        min_bps: 1_000_000,
        for: 2,
        rebaseline_after: 60 * 60_000,
      },
      unreachable_after: 3,
    }),
  incidents: z
    .strictObject({
      merge_window: duration.default(15 * 60_000),
      lead_up: duration.default(30 * 60_000),
      quiet_period: duration.default(10 * 60_000),
      /** Devices of one site that open incidents within `within` of the first join it as a site incident. */
      site_storm: z
        .strictObject({
          devices: z
            .number({ error: 'expected a number of devices' })
            .int({ error: 'expected a whole number of devices' })
            .min(2, { error: 'a storm takes at least 2 devices' })
            .default(5),
          within: duration.default(60_000),
        })
        .prefault({}),
      /** A device that opens more than `max_per_hour` incidents within an hour is flapping. */
      flap: z
        .strictObject({
          max_per_hour: z
            .number({ error: 'expected a number of incidents' })
            .int({ error: 'expected a whole number of incidents' })
            .min(1, { error: 'must be at least 1' })
            .default(4),
        })
        .prefault({}),
      /** More than `share` of the fleet, across at least two sites, unreachable within `within`: one fleet incident. */
      fleet: z.strictObject({ share: ratio.default(0.5), within: duration.default(60_000) }).prefault({}),
      /** Severity overrides per event type: critical and major open incidents. */
      severities: z
        .record(
          z.string().refine((key): boolean => isEventType(key), {
            error: `must be an event type: ${EVENT_TYPES.join(', ')}`,
          }),
          z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
          { error: 'expected a mapping of event type to severity, such as { interface_down: major }' },
        )
        .default({}),
    })
    .prefault({}),
  notify: z
    .strictObject({
      page_on: z
        .array(z.enum(EVENT_TYPES, { error: `must be an event type: ${EVENT_TYPES.join(', ')}` }))
        .default([...DEFAULT_PAGE_ON]),
      /** Deadline of one call to a receiver. */
      timeout: duration.default(10_000),
      pagerduty: pagerduty.optional(),
      alertmanager: alertmanager.optional(),
      webhook: webhook.optional(),
      /** First match wins; pages that match no route go to the receivers above. */
      routes: z
        .array(route, { error: 'expected a list of routes' })
        .superRefine((routes, ctx) => {
          const first = new Map<string, number>();
          routes.forEach((r, index) => {
            const routeName = r.name ?? `route ${index + 1}`;
            const seen = first.get(routeName);
            if (seen === undefined) first.set(routeName, index);
            else
              ctx.addIssue({
                code: 'custom',
                path: [index, ...(r.name === undefined ? [] : ['name'])],
                message: `duplicate route name "${routeName}" (first used by notify.routes[${seen}])`,
              });
          });
        })
        .default([]),
    })
    .prefault({}),
  /**
   * Maintenance windows: events and incidents are recorded and marked, nothing pages. Parsed and
   * validated here; acted on by incidents and pages.
   */
  maintenance: z
    .array(
      z
        .strictObject({
          devices: z.array(name, { error: 'expected a list of device names' }).min(1).optional(),
          sites: z.array(name, { error: 'expected a list of site names' }).min(1).optional(),
          all: z.boolean({ error: 'expected true (every device) or false' }).optional(),
          cron: z
            .string({ error: 'expected a cron expression such as "0 2 * * 0"' })
            // Five fields: croner also takes seconds and years, which a maintenance window has no use for.
            .superRefine((expr, ctx) => {
              const problem = cronProblem(expr);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
          duration,
          reason: z.string({ error: 'expected a reason' }).min(1, { error: 'must not be empty' }),
          /** The cron expression is read in this time zone. */
          tz: timeZone.default('UTC'),
        })
        .superRefine((w, ctx) => {
          const named = w.devices !== undefined || w.sites !== undefined;
          if (w.all === true && named)
            ctx.addIssue({
              code: 'custom',
              path: ['all'],
              message: 'all: true covers every device: leave out devices and sites',
            });
          else if (!named && w.all !== true)
            ctx.addIssue({
              code: 'custom',
              message: 'name the devices or sites the window covers, or all: true',
            });
        }, whenMapping),
      { error: 'expected a list of maintenance windows' },
    )
    .default([]),
  influx: z
    .strictObject({
      url,
      database: z.string({ error: 'expected a database name' }).min(1),
      username: z.string().optional(),
      password: secret.optional(),
    })
    .optional(),
});

/** Value schemas simulator scenarios share (sim/scenario/schema.ts). */
export { interfaceGroups, name };

export type RawConfig = z.output<typeof configSchema>;
export type RawSnmpLevel = z.output<typeof snmpLevel>;
export type RawDevice = z.output<typeof device>;
export type RawRoute = z.output<typeof route>;

/** Keys whose values are secrets: a problem report never echoes their value. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'community',
  'communities',
  'key',
  'password',
  'routing_key',
  'token',
  'write_token',
  'read_token',
  'secret',
]);
