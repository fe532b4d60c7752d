import { z } from 'zod';
import { parseDuration } from '../../config/duration.js';
import { interfaceGroups, name } from '../../config/schema.js';
import { EVENT_TYPES } from '../../events/event-type.js';
import type { EventSource, PartialTable, StepKind } from './types.js';

/**
 * The shape of a scenario file as written (snake_case keys). Every object is strict: an unknown
 * key is an error. What holds between parts of the file (devices and sites that exist, one action
 * per step, windows inside the scenario) is checked by `check.ts`; `resolve.ts` turns the result
 * into the `Scenario` of types.ts.
 */

/** The daemons a fleet device runs unless its entry lists its own. */
/** The Junos daemons a simulated switch runs unless a scenario says otherwise. */
export const DEFAULT_PROCESSES = ['fxpc', 'chassisd', 'vccpd', 'rpd', 'dcd', 'l2ald'] as const;

/** Every action a step can do: each is a key of the step, and a step has exactly one. */
export const ACTION_KEYS = [
  'set_role',
  'crash_process',
  'restart_process',
  'stall_process',
  'traffic',
  'link',
  'config_change',
  'reboot_member',
  'reboot_device',
  'restart_agent',
  'stop_answering',
  'drop_polls',
  'partial_walk',
] as const satisfies readonly StepKind[];

export const EVENT_SOURCES = [
  'poll',
  'trap',
  'syslog',
  'netconf',
  'operator',
] as const satisfies readonly EventSource[];
export const PARTIAL_TABLES = [
  'vc',
  'interfaces',
  'redundancy',
  'alarms',
] as const satisfies readonly PartialTable[];
/** Markers an incident timeline may hold besides event types. */
export const TIMELINE_MARKERS = ['OUTAGE BEGINS', 'OUTAGE ENDS', 'PAGED'] as const;
/** Most devices one fleet entry may expand to. */
export const MAX_COUNT = 1000;
/** The placeholder a counted fleet entry's name holds: `tor{n}-sin` → tor1-sin … torN-sin. */
export const PLACEHOLDER = '{n}';

const ZERO = /^0+(?:\.0+)?(?:ms|s|m|h|d)?$/;

/** A time from the scenario's start: a duration (`2m`, `2m20s`), or zero (`0`, `0s`) for the start itself. */
export function parseOffset(text: string): number | undefined {
  return ZERO.test(text.trim()) ? 0 : parseDuration(text);
}

/** A span of scenario time as milliseconds, parsed by `parse` (config/duration.ts syntax). */
function time(parse: (text: string) => number | undefined, expected: string) {
  return z.string({ error: `expected ${expected}` }).transform((text, ctx) => {
    const ms = parse(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid duration "${text}": use a number and a unit (ms, s, m, h, d), or several largest first, such as 30s, 12m or 2m20s`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

const duration = time(parseDuration, 'a duration such as 30s, 12m or 2m20s');
/** A time from the start; `0` (a number) is the start too. */
const offset = z.preprocess(
  (value) => (value === 0 ? '0s' : value),
  time(parseOffset, 'a time from the start such as 0s, 90s or 2m20s'),
);

function oneOf<const T extends readonly [string, ...string[]]>(values: T, error: string) {
  return z.enum(values, { error });
}

const listed = (values: readonly string[]) => values.join(', ');

const role = oneOf(['master', 'backup', 'linecard'], 'must be one of master, backup, linecard');

const member = z
  .number({ error: 'expected a member id (0-31)' })
  .int({ error: 'expected a whole member id (0-31)' })
  .min(0, { error: 'member ids are 0 to 31' })
  .max(31, { error: 'member ids are 0 to 31' });

const memberKey = z.string().regex(/^(?:[0-9]|[12][0-9]|3[01])$/, { error: 'member ids are 0 to 31' });

const deviceRef = z.string({ error: 'expected a device name' }).min(1, { error: 'must not be empty' });
const ifName = z.string({ error: 'expected an interface name' }).min(1, { error: 'must not be empty' });
const processName = z.string({ error: 'expected a process name' }).min(1, { error: 'must not be empty' });

const eventType = oneOf(EVENT_TYPES, `must be an event type: ${listed(EVENT_TYPES)}`);

const timelineEntry = z.enum([...EVENT_TYPES, ...TIMELINE_MARKERS], {
  error: `must be an event type (${listed(EVENT_TYPES)}) or one of the markers ${listed(TIMELINE_MARKERS)}`,
});

const ratio = (what: string) =>
  z
    .number({ error: `expected ${what}` })
    .gt(0, { error: `${what} must be greater than 0 and at most 1` })
    .max(1, { error: `${what} must be greater than 0 and at most 1` });

/** A device name, or with `count` a template holding `{n}`. */
const deviceName = z.string({ error: 'expected a device name' }).superRefine((text, ctx) => {
  if (!name.safeParse(text.replaceAll(PLACEHOLDER, '1')).success)
    ctx.addIssue({
      code: 'custom',
      message: `invalid device name "${text}": use letters, digits, ".", "_" and "-" only (and ${PLACEHOLDER} for the number, with count)`,
    });
});

/** A recording of `test/fixtures/snmprec`, named without `.snmprec`. */
function seed(seeds: readonly string[]) {
  const where = 'a recording in test/fixtures/snmprec';
  return z.string({ error: `expected the name of ${where}` }).superRefine((text, ctx) => {
    if (!seeds.includes(text))
      ctx.addIssue({
        code: 'custom',
        message:
          seeds.length > 0
            ? `unknown recording "${text}": use one of ${listed(seeds)}`
            : `unknown recording "${text}": test/fixtures/snmprec holds no recordings`,
      });
  });
}

const DEFAULT_TRAFFIC = { utilisation: 0.1, diurnal: 0 };

function fleetEntry(seeds: readonly string[]) {
  return z.strictObject({
    name: deviceName,
    count: z
      .number({ error: 'expected a number of devices' })
      .int({ error: 'expected a whole number of devices' })
      .min(1, { error: `count must be between 1 and ${MAX_COUNT}` })
      .max(MAX_COUNT, { error: `count must be between 1 and ${MAX_COUNT}` })
      .optional(),
    seed: seed(seeds),
    site: name.optional(),
    roles: z
      .record(memberKey, role, {
        error: 'expected a mapping of member id to role, such as { 0: master, 1: backup }',
      })
      .optional(),
    traffic: z
      .strictObject(
        {
          utilisation: ratio('a share of the port speed').default(DEFAULT_TRAFFIC.utilisation),
          diurnal: z
            .number({ error: 'expected a day/night swing between 0 and 0.95' })
            .min(0, { error: 'the day/night swing must be between 0 and 0.95' })
            .max(0.95, { error: 'the day/night swing must be between 0 and 0.95' })
            .default(DEFAULT_TRAFFIC.diurnal),
        },
        { error: 'expected a mapping: { utilisation, diurnal }' },
      )
      .default(DEFAULT_TRAFFIC),
    counters: oneOf(['hc', '32bit'], 'must be hc or 32bit').default('hc'),
    /** This device's poll interval in devices.yaml, when not the scenario's. */
    interval: duration.optional(),
    interface_groups: interfaceGroups.optional(),
    processes: z
      .array(processName, { error: 'expected a list of process names' })
      .default([...DEFAULT_PROCESSES]),
  });
}

/** An action whose keys are all optional may be written with no value (`stop_answering:`). */
const orEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? {} : value), schema);

const justProcess = z.strictObject({ process: processName });

const step = z.strictObject({
  at: offset,
  device: deviceRef.optional(),
  devices: z
    .array(deviceRef, { error: 'expected a list of device names' })
    .min(1, { error: 'names no device' })
    .optional(),
  site: name.optional(),
  note: z.string({ error: 'expected a note (text)' }).min(1, { error: 'must not be empty' }).optional(),
  set_role: z.strictObject({ member, role }).optional(),
  crash_process: z
    .strictObject({
      process: processName,
      signal: z
        .number({ error: 'expected a signal number' })
        .int({ error: 'expected a whole signal number' })
        .min(1, { error: 'signals are 1 to 64' })
        .max(64, { error: 'signals are 1 to 64' })
        .default(11),
      core: z.boolean({ error: 'expected true or false' }).default(true),
    })
    .optional(),
  restart_process: justProcess.optional(),
  stall_process: z
    .strictObject({
      process: processName,
      interfaces: z
        .array(ifName, { error: 'expected a list of interface names' })
        .min(1, { error: 'names no interface' }),
    })
    .optional(),
  traffic: z
    .strictObject({
      factor: z
        .number({ error: 'expected a factor (0 stops the traffic, 1 is normal)' })
        .min(0, { error: 'a factor must be at least 0' })
        .max(1000, { error: 'a factor is at most 1000 (a port carries at most 1000× its usual traffic)' }),
      interface: ifName.optional(),
      group: name.optional(),
    })
    .optional(),
  link: z.strictObject({ interface: ifName, state: oneOf(['up', 'down'], 'must be up or down') }).optional(),
  config_change: z
    .strictObject({
      user: z.string({ error: 'expected a user name' }).min(1, { error: 'must not be empty' }),
      source: oneOf(
        ['cli', 'junoscript', 'snmp', 'other'],
        'must be one of cli, junoscript, snmp, other',
      ).default('cli'),
    })
    .optional(),
  reboot_member: z.strictObject({ member, down_for: duration }).optional(),
  reboot_device: z.strictObject({ down_for: duration }).optional(),
  restart_agent: orEmpty(z.strictObject({ down_for: duration.default(5000) })).optional(),
  stop_answering: orEmpty(z.strictObject({ for: duration.optional() })).optional(),
  drop_polls: z
    .strictObject({ ratio: ratio('a ratio of dropped requests').default(1), for: duration })
    .optional(),
  partial_walk: z
    .strictObject({
      for: duration,
      missing: z
        .array(oneOf(PARTIAL_TABLES, `must be one of ${listed(PARTIAL_TABLES)}`), {
          error: `expected a list of tables (${listed(PARTIAL_TABLES)})`,
        })
        .min(1, { error: 'names no table' })
        .default(['vc']),
    })
    .optional(),
});

const source = oneOf(EVENT_SOURCES, `must be one of ${listed(EVENT_SOURCES)}`);

const expectedEvent = z.strictObject({
  device: deviceRef,
  type: eventType,
  at: offset,
  within: duration,
  source: z
    .union([source, z.array(source).min(1, { error: 'names no source' })], {
      error: `expected a source (${listed(EVENT_SOURCES)}) or a list of them`,
    })
    .default('poll'),
  count: z
    .number({ error: 'expected a number of events' })
    .int({ error: 'expected a whole number of events' })
    .min(0, { error: 'must be at least 0' })
    .optional(),
  details: z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, a number or true/false' }),
      { error: 'expected a mapping of detail key to value' },
    )
    .default({}),
});

const forbidden = z.strictObject({
  types: z
    .array(eventType, { error: 'expected a list of event types' })
    .min(1, { error: 'names no event type' })
    .optional(),
  type: eventType.optional(),
  devices: z
    .array(deviceRef, { error: 'expected a list of device names' })
    .min(1, { error: 'names no device' })
    .optional(),
});

const expectedIncident = z.strictObject({
  device: deviceRef.optional(),
  site: name.optional(),
  at: offset,
  within: duration,
  timeline: z.array(timelineEntry, { error: 'expected a list of event types and markers' }).default([]),
  maintenance: z.boolean({ error: 'expected true or false' }).optional(),
});

const expectedPages = z.strictObject({
  device: deviceRef.optional(),
  site: name.optional(),
  count: z
    .number({ error: 'expected a number of pages' })
    .int({ error: 'expected a whole number of pages' })
    .min(0, { error: 'must be at least 0' }),
  resolved: z.boolean({ error: 'expected true or false' }).optional(),
});

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `expected a list of ${what}` }).default([]);

const expectations = z.strictObject({
  events: list(expectedEvent, 'expected events'),
  none: list(forbidden, 'forbidden events'),
  incidents: list(expectedIncident, 'expected incidents'),
  pages: list(expectedPages, 'expected pages'),
});

const START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;

/** An ISO-8601 UTC time, as milliseconds since the epoch. */
const start = z
  .string({ error: 'expected an ISO-8601 UTC time such as 2022-04-19T16:20:00Z' })
  .transform((text, ctx) => {
    const ms = START.test(text) ? Date.parse(text) : Number.NaN;
    // Date.parse rolls 2022-02-30 over to March: the time must read back as written.
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text.slice(0, 10)) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid time "${text}": expected an ISO-8601 UTC time such as 2022-04-19T16:20:00Z`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** The schema of a scenario file, given the recordings a fleet device may be seeded from. */
export function scenarioSchema(seeds: readonly string[]) {
  return z.strictObject(
    {
      scenario: z.string({ error: 'expected a scenario name' }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
        error: 'use lower-case letters, digits and "-" (kebab-case)',
      }),
      description: z
        .string({ error: 'expected a description (text)' })
        .trim()
        .min(1, { error: 'must not be empty' }),
      end: duration,
      interval: duration.default(30_000),
      start: start.optional(),
      fleet: z
        .array(fleetEntry(seeds), { error: 'expected a list of fleet devices' })
        .min(1, { error: 'names no device' }),
      config: z
        .record(z.string(), z.unknown(), {
          error: 'expected a mapping of devices.yaml sections (detect, incidents, maintenance…)',
        })
        .superRefine((sections, ctx) => {
          // The simulator writes these itself from the fleet and the run.
          for (const key of ['devices', 'storage', 'credentials', 'http'])
            if (key in sections)
              ctx.addIssue({
                code: 'custom',
                path: [key],
                message: `is written by the simulator from the fleet; describe devices under fleet:`,
              });
        })
        .default({}),
      steps: list(step, 'steps'),
      expect: expectations.default({ events: [], none: [], incidents: [], pages: [] }),
    },
    { error: 'expected a mapping: scenario, description, end, fleet, steps, expect' },
  );
}

export type RawScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type RawFleetEntry = RawScenario['fleet'][number];
export type RawStep = RawScenario['steps'][number];
