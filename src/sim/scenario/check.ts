import { formatDuration, parseDuration } from '../../config/duration.js';
import type { KeyPath, Problem } from '../../config/problems.js';
import { ACTION_KEYS, DEFAULT_PROCESSES, MAX_COUNT, PLACEHOLDER, parseOffset } from './schema.js';

/**
 * What holds between parts of a scenario file: fleet names unique after `count` expansion, every
 * device and site a step or expectation names in the fleet, one target and one action per step,
 * traffic groups and processes defined on the devices a step targets, nothing past the end.
 * Works on the unvalidated tree, so these are reported together with the schema's problems; a
 * value of the wrong shape is left to the schema (and checks that depend on it are skipped).
 */

type Tree = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const has = (node: Tree, key: string): boolean => Object.hasOwn(node, key);
/** The pronoun for one device or several. */
const theirs = (names: readonly string[]): string => (names.length === 1 ? 'its' : 'their');
const items = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** The device names one fleet entry stands for: `tor{n}-sin` × 3 → tor1-sin, tor2-sin, tor3-sin. */
export function expandName(template: string, count: number | undefined): string[] {
  if (count === undefined) return [template];
  return Array.from({ length: count }, (_, i) => template.replaceAll(PLACEHOLDER, String(i + 1)));
}

interface FleetDeviceFacts {
  readonly site?: string | undefined;
  /** Undefined when the entry's value is malformed (the schema says so): not checked then. */
  readonly groups: ReadonlySet<string> | undefined;
  readonly processes: ReadonlySet<string> | undefined;
}

interface Fleet {
  readonly devices: ReadonlyMap<string, FleetDeviceFacts>;
  /** False when some entry could not be expanded: a name missing from `devices` may be its. */
  readonly complete: boolean;
  /** False when some entry's site is malformed. */
  readonly sitesComplete: boolean;
}

function indexFleet(value: unknown, problems: Problem[]): Fleet {
  const devices = new Map<string, FleetDeviceFacts & { readonly entry: number }>();
  let complete = Array.isArray(value);
  let sitesComplete = complete;
  items(value).forEach((entry, index) => {
    const path = ['fleet', index, 'name'];
    if (!isRecord(entry) || typeof entry.name !== 'string') {
      complete = false;
      return;
    }
    const template = entry.name;
    const count = entry.count;
    if (
      count !== undefined &&
      (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_COUNT)
    ) {
      complete = false;
      return;
    }
    const placeholder = template.includes(PLACEHOLDER);
    if (count !== undefined && !placeholder) {
      problems.push({
        path,
        message: `"${template}" needs ${PLACEHOLDER} where each device's number goes (count: ${count}), such as "tor${PLACEHOLDER}-sin"`,
      });
      complete = false;
      return;
    }
    if (count === undefined && placeholder) {
      problems.push({
        path,
        message: `"${template}" holds ${PLACEHOLDER}, so the entry needs count: N (how many devices)`,
      });
      complete = false;
      return;
    }
    if (entry.site !== undefined && typeof entry.site !== 'string') sitesComplete = false;
    const groups =
      entry.interface_groups === undefined
        ? new Set<string>()
        : isRecord(entry.interface_groups)
          ? new Set(Object.keys(entry.interface_groups))
          : undefined;
    const processes =
      entry.processes === undefined
        ? new Set<string>(DEFAULT_PROCESSES)
        : Array.isArray(entry.processes)
          ? new Set(entry.processes.filter((p): p is string => typeof p === 'string'))
          : undefined;
    const site = typeof entry.site === 'string' ? entry.site : undefined;
    const duplicates = new Map<number, string[]>();
    for (const name of expandName(template, count as number | undefined)) {
      const first = devices.get(name);
      if (first) duplicates.set(first.entry, [...(duplicates.get(first.entry) ?? []), name]);
      else devices.set(name, { entry: index, site, groups, processes });
    }
    for (const [first, names] of duplicates)
      problems.push({
        path,
        message: `duplicate device name${names.length > 1 ? 's' : ''} ${quoted(names)} (first defined at fleet[${first}])`,
      });
  });
  return { devices, complete, sitesComplete };
}

interface Context {
  readonly fleet: Fleet;
  readonly endMs: number | undefined;
  readonly problems: Problem[];
}

/** Names for a message: the first eight, then how many in all. */
function few(names: readonly string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

function unknownDevice(name: string, fleet: Fleet): string {
  return `unknown device "${name}": the fleet has ${few([...fleet.devices.keys()])}`;
}

/** The fleet devices a `device`, `devices` or `site` value names; undefined when one is unknown. */
function resolveTargets(node: Tree, key: string, path: KeyPath, ctx: Context): string[] | undefined {
  const { fleet, problems } = ctx;
  const value = node[key];
  const at = [...path, key];
  if (key === 'site') {
    if (typeof value !== 'string') return undefined;
    const names = [...fleet.devices].filter(([, d]) => d.site === value).map(([n]) => n);
    if (names.length > 0) return names;
    if (fleet.complete && fleet.sitesComplete) {
      const sites = [...new Set([...fleet.devices.values()].flatMap((d) => (d.site ? [d.site] : [])))];
      problems.push({
        path: at,
        message: `no fleet device is at site "${value}" (${sites.length ? `sites: ${sites.join(', ')}` : 'no fleet device has a site'})`,
      });
    }
    return undefined;
  }
  const refs: [unknown, KeyPath][] =
    key === 'device' ? [[value, at]] : items(value).map((item, i) => [item, [...at, i]]);
  const names: string[] = [];
  let known = Array.isArray(value) || key === 'device';
  for (const [ref, refPath] of refs) {
    if (typeof ref !== 'string') {
      known = false;
    } else if (!fleet.devices.has(ref)) {
      known = false;
      if (fleet.complete) problems.push({ path: refPath, message: unknownDevice(ref, fleet) });
    } else if (names.includes(ref)) {
      problems.push({ path: refPath, message: `"${ref}" is listed twice` });
    } else {
      names.push(ref);
    }
  }
  return known ? names : undefined;
}

/**
 * At most one (or, when `required`, exactly one) of these keys: the extra ones are reported at
 * the key, a missing one at the node. Returns the key present, if exactly one.
 */
function oneKey(
  node: Tree,
  keys: readonly string[],
  path: KeyPath,
  ctx: Context,
  missing: string | undefined,
  both: (first: string, extra: string) => string,
): string | undefined {
  // In the order written: the first is kept, the later ones are the extra ones.
  const present = Object.keys(node).filter((key) => keys.includes(key));
  const [first, ...extra] = present;
  if (first === undefined) {
    if (missing !== undefined) ctx.problems.push({ path, message: missing });
    return undefined;
  }
  for (const key of extra)
    ctx.problems.push({ path: [...path, key], atKey: true, message: both(first, key) });
  return extra.length === 0 ? first : undefined;
}

const TARGETS = ['device', 'devices', 'site'] as const;

function checkStep(step: unknown, path: KeyPath, ctx: Context): void {
  if (!isRecord(step)) return;
  const target = oneKey(
    step,
    TARGETS,
    path,
    ctx,
    'names no device: give device, devices or site',
    (first, extra) => `a step has one target: it already has ${first}, so ${extra} is one too many`,
  );
  const devices = target === undefined ? undefined : resolveTargets(step, target, path, ctx);
  const action = oneKey(
    step,
    ACTION_KEYS,
    path,
    ctx,
    `has no action: give one of ${ACTION_KEYS.join(', ')}`,
    (first, extra) =>
      `a step does one thing: it already does ${first}; write ${extra} as another step at the same time`,
  );
  const at = typeof step.at === 'string' ? parseOffset(step.at) : step.at === 0 ? 0 : undefined;
  if (at !== undefined && ctx.endMs !== undefined && at > ctx.endMs)
    ctx.problems.push({
      path: [...path, 'at'],
      message: `the step is at ${formatDuration(at)}, after the scenario's end (${formatDuration(ctx.endMs)})`,
    });
  if (action === undefined) return;
  const body = step[action];
  if (!isRecord(body)) return;
  const bodyPath = [...path, action];
  if (action === 'traffic') {
    const scope = oneKey(
      body,
      ['interface', 'group'],
      bodyPath,
      ctx,
      undefined,
      () => 'give interface or group, not both',
    );
    if (scope === 'group' && typeof body.group === 'string' && devices)
      lacking(
        devices,
        (d) => d.groups,
        body.group,
        [...bodyPath, 'group'],
        ctx,
        (names) =>
          `interface group "${body.group}" is not defined on ${few(names)}: add it to ${theirs(names)} interface_groups`,
      );
  }
  if ((action === 'crash_process' || action === 'restart_process' || action === 'stall_process') && devices) {
    if (typeof body.process === 'string')
      lacking(
        devices,
        (d) => d.processes,
        body.process,
        [...bodyPath, 'process'],
        ctx,
        (names) =>
          `process "${body.process}" is not among the processes of ${few(names)}: add it to ${theirs(names)} processes`,
      );
  }
}

/** Reports the target devices whose set (groups, processes) lacks `wanted`. */
function lacking(
  devices: readonly string[],
  set: (facts: FleetDeviceFacts) => ReadonlySet<string> | undefined,
  wanted: string,
  path: KeyPath,
  ctx: Context,
  message: (names: readonly string[]) => string,
): void {
  const without = devices.filter((name) => {
    const facts = ctx.fleet.devices.get(name);
    const values = facts && set(facts);
    return values !== undefined && !values.has(wanted);
  });
  if (without.length > 0) ctx.problems.push({ path, message: message(without) });
}

/** `at + within` must not pass the end: a scenario declares its end; expectations past it fail. */
function checkWindow(node: Tree, path: KeyPath, ctx: Context): void {
  const at = typeof node.at === 'string' ? parseOffset(node.at) : node.at === 0 ? 0 : undefined;
  const within = typeof node.within === 'string' ? parseDuration(node.within) : undefined;
  if (at === undefined || within === undefined || ctx.endMs === undefined) return;
  if (at + within > ctx.endMs)
    ctx.problems.push({
      path: [...path, 'within'],
      message: `the window ends at ${formatDuration(at + within)}, after the scenario's end (${formatDuration(ctx.endMs)})`,
    });
}

function checkExpectations(expect: unknown, ctx: Context): void {
  if (!isRecord(expect)) return;
  const base = ['expect'];
  items(expect.events).forEach((event, i) => {
    if (!isRecord(event)) return;
    const path = [...base, 'events', i];
    if (has(event, 'device')) resolveTargets(event, 'device', path, ctx);
    checkWindow(event, path, ctx);
  });
  items(expect.none).forEach((none, i) => {
    if (!isRecord(none)) return;
    const path = [...base, 'none', i];
    oneKey(
      none,
      ['types', 'type'],
      path,
      ctx,
      'names no event type: give types: [...] or type',
      () => 'give types or type, not both',
    );
    if (has(none, 'devices')) resolveTargets(none, 'devices', path, ctx);
  });
  for (const key of ['incidents', 'pages'] as const) {
    items(expect[key]).forEach((item, i) => {
      if (!isRecord(item)) return;
      const path = [...base, key, i];
      const target = oneKey(
        item,
        ['device', 'site'],
        path,
        ctx,
        undefined,
        () => 'give device or site, not both',
      );
      if (target !== undefined) resolveTargets(item, target, path, ctx);
      if (key === 'incidents') checkWindow(item, path, ctx);
    });
  }
}

/** Every cross-reference problem of a scenario tree (the YAML as parsed, before the schema). */
export function checkScenario(tree: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(tree)) return problems;
  const fleet = indexFleet(tree.fleet, problems);
  const endMs = typeof tree.end === 'string' ? parseDuration(tree.end) : undefined;
  const ctx: Context = { fleet, endMs, problems };
  items(tree.steps).forEach((step, i) => {
    checkStep(step, ['steps', i], ctx);
  });
  checkExpectations(tree.expect, ctx);
  return problems;
}
