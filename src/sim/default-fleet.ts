import { DEFAULT_PROCESSES } from './scenario/schema.js';
import type { FleetDevice } from './scenario/types.js';

/** Seeds of a generated fleet, in turn: mostly VCs, some single chassis, as a ToR fleet looks. */
const ROTATION = ['junos_ex4600mp', 'junos_qfx5100', 'junos', 'junos_qfx5100'] as const;

/** Devices per site in a generated fleet (a site storm needs several). */
export const DEVICES_PER_SITE = 20;

/**
 * `--devices N` without a scenario (or beyond its fleet): sim-0001 … sim-N, seeds in rotation,
 * 20 per site (site-01, site-02 …), names that sort and that the v2c community can carry.
 */
export function generatedFleet(count: number, taken: ReadonlySet<string> = new Set()): FleetDevice[] {
  const width = Math.max(4, String(count).length);
  const out: FleetDevice[] = [];
  for (let i = 1; out.length < count; i += 1) {
    const name = `sim-${String(i).padStart(width, '0')}`;
    if (taken.has(name)) continue;
    const n = out.length;
    out.push({
      name,
      seed: ROTATION[n % ROTATION.length] as string,
      site: `site-${String(Math.floor(n / DEVICES_PER_SITE) + 1).padStart(2, '0')}`,
      roles: new Map(),
      traffic: { utilisation: 0.1, diurnal: 0 },
      counters: 'hc',
      interfaceGroups: new Map(),
      processes: [...DEFAULT_PROCESSES],
    });
  }
  return out;
}
