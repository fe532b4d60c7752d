import type { Problem } from './problems.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Cross-references that hold between parts of the file: duplicate device names, credential sets
 * that do not exist, and devices or sites named by maintenance windows and notify routes that no
 * device has. Works on the unvalidated tree so they are reported together with
 * schema problems, not only once the schema passes.
 */
export function checkReferences(tree: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(tree) || !Array.isArray(tree.devices)) return problems;
  const sets = isRecord(tree.credentials) ? Object.keys(tree.credentials) : [];
  const firstIndex = new Map<string, number>();
  tree.devices.forEach((device: unknown, index) => {
    if (!isRecord(device)) return;
    if (typeof device.name === 'string') {
      const first = firstIndex.get(device.name);
      if (first === undefined) firstIndex.set(device.name, index);
      else
        problems.push({
          path: ['devices', index, 'name'],
          message: `duplicate device name "${device.name}" (first defined at devices[${first}])`,
        });
    }
    if (typeof device.credentials === 'string' && !sets.includes(device.credentials)) {
      problems.push({
        path: ['devices', index, 'credentials'],
        message: `undefined credential set "${device.credentials}"; ${sets.length ? `defined: ${sets.join(', ')}` : 'no credential sets are defined'}`,
      });
    }
  });
  const known = knownNames(tree);
  checkMaintenance(tree, known, problems);
  checkRoutes(tree, known, problems);
  return problems;
}

interface Known {
  readonly device: ReadonlySet<unknown>;
  readonly site: ReadonlySet<unknown>;
}

/** Device names, and sites: those the devices (or defaults) name. */
function knownNames(tree: Record<string, unknown>): Known {
  const devices = Array.isArray(tree.devices) ? tree.devices.filter(isRecord) : [];
  const defaultSite = isRecord(tree.defaults) ? tree.defaults.site : undefined;
  return {
    device: new Set(devices.map((d) => d.name).filter((n) => typeof n === 'string')),
    site: new Set(devices.map((d) => d.site ?? defaultSite).filter((s) => typeof s === 'string')),
  };
}

/** Each name at `holder[key]` (`devices`/`sites`: a list; `device`/`site`: one) that is no known device or site. */
function checkNames(
  holder: Record<string, unknown>,
  key: string,
  what: keyof Known,
  known: Known,
  at: readonly (string | number)[],
  problems: Problem[],
): void {
  const value = holder[key];
  const list = key.endsWith('s');
  // A value of the wrong shape is the schema's to report.
  if (list !== Array.isArray(value)) return;
  const entries: [unknown, (string | number)[]][] = Array.isArray(value)
    ? value.map((entry: unknown, i) => [entry, [...at, key, i]])
    : [[value, [...at, key]]];
  for (const [entry, path] of entries) {
    if (typeof entry === 'string' && !known[what].has(entry))
      problems.push({ path, message: `no ${what} "${entry}" in this file` });
  }
}

/**
 * A maintenance window naming a device or site that is not in the file protects nothing: a typo
 * there would let the upgrade page everyone.
 */
function checkMaintenance(tree: Record<string, unknown>, known: Known, problems: Problem[]): void {
  if (!Array.isArray(tree.maintenance) || !Array.isArray(tree.devices)) return;
  tree.maintenance.forEach((window: unknown, index) => {
    if (!isRecord(window)) return;
    checkNames(window, 'devices', 'device', known, ['maintenance', index], problems);
    checkNames(window, 'sites', 'site', known, ['maintenance', index], problems);
  });
}

/** A route matching a device or site that is not in the file never routes: its team is never paged. */
function checkRoutes(tree: Record<string, unknown>, known: Known, problems: Problem[]): void {
  if (!isRecord(tree.notify) || !Array.isArray(tree.notify.routes) || !Array.isArray(tree.devices)) return;
  tree.notify.routes.forEach((route: unknown, index) => {
    if (!isRecord(route) || !isRecord(route.match)) return;
    const at = ['notify', 'routes', index, 'match'];
    checkNames(route.match, 'device', 'device', known, at, problems);
    checkNames(route.match, 'devices', 'device', known, at, problems);
    checkNames(route.match, 'site', 'site', known, at, problems);
    checkNames(route.match, 'sites', 'site', known, at, problems);
  });
}
