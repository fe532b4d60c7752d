import type { KeyPath } from '../../config/problems.js';
import { expandName } from './check.js';
import type { RawFleetEntry, RawScenario, RawStep } from './schema.js';
import { ACTION_KEYS } from './schema.js';
import type {
  EventSource,
  ExpectedEvent,
  ExpectedIncident,
  ExpectedPages,
  FleetDevice,
  ForbiddenEvents,
  MemberRole,
  Scenario,
  Step,
  StepAction,
} from './types.js';

/** `FILE:LINE:COL` of the node at a key path. */
export type Where = (path: KeyPath) => string;

function fleetDevices(entry: RawFleetEntry): FleetDevice[] {
  const roles = Object.entries(entry.roles ?? {}).map(([member, role]): [number, MemberRole] => [
    Number(member),
    role,
  ]);
  const groups = Object.entries(entry.interface_groups ?? {});
  // Each device gets its own maps and lists: nothing is shared between the devices of one entry.
  return expandName(entry.name, entry.count).map((name) => ({
    name,
    seed: entry.seed,
    ...(entry.site === undefined ? {} : { site: entry.site }),
    roles: new Map(roles),
    traffic: { utilisation: entry.traffic.utilisation, diurnal: entry.traffic.diurnal },
    counters: entry.counters,
    ...(entry.interval === undefined ? {} : { intervalMs: entry.interval }),
    interfaceGroups: new Map(groups.map(([group, names]) => [group, [...names]])),
    processes: [...entry.processes],
  }));
}

/** The one action of a step (check.ts made sure there is exactly one). */
function actionOf(step: RawStep): StepAction {
  const a = step;
  if (a.set_role) return { kind: 'set_role', member: a.set_role.member, role: a.set_role.role };
  if (a.crash_process) return { kind: 'crash_process', ...a.crash_process };
  if (a.restart_process) return { kind: 'restart_process', process: a.restart_process.process };
  if (a.stall_process) return { kind: 'stall_process', ...a.stall_process };
  if (a.traffic) {
    const { factor, interface: ifName, group } = a.traffic;
    return {
      kind: 'traffic',
      factor,
      ...(ifName === undefined ? {} : { interface: ifName }),
      ...(group === undefined ? {} : { group }),
    };
  }
  if (a.link) return { kind: 'link', ...a.link };
  if (a.config_change) return { kind: 'config_change', ...a.config_change };
  if (a.reboot_member)
    return { kind: 'reboot_member', member: a.reboot_member.member, downForMs: a.reboot_member.down_for };
  if (a.reboot_device) return { kind: 'reboot_device', downForMs: a.reboot_device.down_for };
  if (a.restart_agent) return { kind: 'restart_agent', downForMs: a.restart_agent.down_for };
  if (a.stop_answering) {
    const forMs = a.stop_answering.for;
    return { kind: 'stop_answering', ...(forMs === undefined ? {} : { forMs }) };
  }
  if (a.drop_polls) return { kind: 'drop_polls', ratio: a.drop_polls.ratio, forMs: a.drop_polls.for };
  if (a.partial_walk)
    return { kind: 'partial_walk', forMs: a.partial_walk.for, missing: a.partial_walk.missing };
  throw new Error(`a step without an action passed the checks (one of ${ACTION_KEYS.join(', ')})`);
}

/**
 * The resolved scenario from a valid tree: fleet entries expanded, step targets as device names
 * (a site: its devices in fleet order), defaults applied, steps sorted by time (file order kept
 * for steps at the same time). Only called once schema and cross-checks found no problem.
 */
export function resolveScenario(raw: RawScenario, file: string, where: Where): Scenario {
  const devices = raw.fleet.flatMap((entry, i) =>
    fleetDevices(entry).map((d) => ({ ...d, where: where(['fleet', i]) })),
  );
  const atSite = (site: string) => devices.filter((d) => d.site === site).map((d) => d.name);
  const targets = (t: {
    device?: string | undefined;
    devices?: readonly string[] | undefined;
    site?: string | undefined;
  }): string[] =>
    t.device !== undefined ? [t.device] : t.devices !== undefined ? [...t.devices] : atSite(t.site ?? '');

  const steps: Step[] = raw.steps
    .map((step, i) => ({
      atMs: step.at,
      devices: targets(step),
      action: actionOf(step),
      ...(step.note === undefined ? {} : { note: step.note }),
      where: where(['steps', i]),
    }))
    .sort((a, b) => a.atMs - b.atMs);

  const events: ExpectedEvent[] = raw.expect.events.map((e, i) => ({
    device: e.device,
    type: e.type,
    atMs: e.at,
    withinMs: e.within,
    sources: typeof e.source === 'string' ? [e.source] : ([...e.source] as EventSource[]),
    ...(e.count === undefined ? {} : { count: e.count }),
    details: e.details,
    where: where(['expect', 'events', i]),
  }));
  const forbidden: ForbiddenEvents[] = raw.expect.none.map((f, i) => ({
    types: f.types ?? (f.type === undefined ? [] : [f.type]),
    ...(f.devices === undefined ? {} : { devices: f.devices }),
    where: where(['expect', 'none', i]),
  }));
  const scope = (t: { device?: string | undefined; site?: string | undefined }) => ({
    ...(t.device === undefined ? {} : { device: t.device }),
    ...(t.site === undefined ? {} : { site: t.site }),
  });
  const incidents: ExpectedIncident[] = raw.expect.incidents.map((x, i) => ({
    ...scope(x),
    atMs: x.at,
    withinMs: x.within,
    timeline: x.timeline,
    ...(x.maintenance === undefined ? {} : { maintenance: x.maintenance }),
    where: where(['expect', 'incidents', i]),
  }));
  const pages: ExpectedPages[] = raw.expect.pages.map((p, i) => ({
    ...scope(p),
    count: p.count,
    ...(p.resolved === undefined ? {} : { resolved: p.resolved }),
    where: where(['expect', 'pages', i]),
  }));

  return {
    name: raw.scenario,
    description: raw.description,
    file,
    endMs: raw.end,
    intervalMs: raw.interval,
    ...(raw.start === undefined ? {} : { startWallMs: raw.start }),
    devices,
    config: raw.config,
    steps,
    expect: { events, forbidden, incidents, pages },
  };
}
