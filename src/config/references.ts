import type { Problem } from './problems.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Cross-references that hold between parts of the file: duplicate device names and credential
 * sets that do not exist. Works on the unvalidated tree so they are reported together with
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
  checkMaintenance(tree, problems);
  return problems;
}

/**
 * A maintenance window naming a device or site that is not in the file protects nothing: a typo
 * there would let the upgrade page everyone. Sites: those the devices (or defaults) name.
 */
function checkMaintenance(tree: Record<string, unknown>, problems: Problem[]): void {
  if (!Array.isArray(tree.maintenance) || !Array.isArray(tree.devices)) return;
  const devices = tree.devices.filter(isRecord);
  const names = new Set(devices.map((d) => d.name).filter((n) => typeof n === 'string'));
  const defaultSite = isRecord(tree.defaults) ? tree.defaults.site : undefined;
  const sites = new Set(devices.map((d) => d.site ?? defaultSite).filter((s) => typeof s === 'string'));
  tree.maintenance.forEach((window: unknown, index) => {
    if (!isRecord(window)) return;
    for (const [key, known, what] of [
      ['devices', names, 'device'],
      ['sites', sites, 'site'],
    ] as const) {
      const list = window[key];
      if (!Array.isArray(list)) continue;
      list.forEach((entry: unknown, i) => {
        if (typeof entry === 'string' && !known.has(entry))
          problems.push({
            path: ['maintenance', index, key, i],
            message: `no ${what} "${entry}" in this file`,
          });
      });
    }
  });
}
