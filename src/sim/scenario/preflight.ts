import type { SimDevice } from '../sim-device.js';
import type { Scenario, StepAction } from './types.js';

/**
 * What the loader cannot check without the recordings: that every interface, VC member and
 * process a step names exists on each device it targets. Run once the simulator has built its
 * devices, before the clock starts, so a typo is a usage error at `file:line:col`, not a step
 * that fails silently four minutes into a run.
 */

type Check = (device: SimDevice, action: never) => string | undefined;

const hasInterface = (device: SimDevice, name: string): string | undefined =>
  [...device.seed.interfaces.values()].some((i) => i.name === name)
    ? undefined
    : `${device.name} (recording ${device.seed.name}) has no interface ${name}`;

const hasMember = (device: SimDevice, member: number): string | undefined =>
  device.roles().has(member)
    ? undefined
    : `${device.name} (recording ${device.seed.name}) has no VC member ${member} (members: ${[...device.roles().keys()].join(', ') || 'none'})`;

type Of<K extends StepAction['kind']> = Extract<StepAction, { kind: K }>;

const CHECKS = {
  set_role: (d, a) => hasMember(d, a.member),
  crash_process: () => undefined,
  restart_process: () => undefined,
  stall_process: (d, a) => a.interfaces.map((i) => hasInterface(d, i)).find((p) => p !== undefined),
  traffic: (d, a) => (a.interface !== undefined ? hasInterface(d, a.interface) : undefined),
  link: (d, a) => hasInterface(d, a.interface),
  config_change: () => undefined,
  reboot_member: (d, a) => hasMember(d, a.member),
  reboot_device: () => undefined,
  restart_agent: () => undefined,
  stop_answering: () => undefined,
  drop_polls: () => undefined,
  partial_walk: () => undefined,
} satisfies { [K in StepAction['kind']]: (d: SimDevice, a: Of<K>) => string | undefined };

/** One `file:line:col: message` line per problem; empty when every step can run. */
export function preflight(scenario: Scenario, devices: ReadonlyMap<string, SimDevice>): string[] {
  const problems: string[] = [];
  for (const fleet of scenario.devices) {
    const device = devices.get(fleet.name);
    if (!device) continue;
    const where = fleet.where ?? scenario.file;
    for (const [group, names] of fleet.interfaceGroups)
      for (const i of names) {
        const p = hasInterface(device, i);
        if (p) problems.push(`${where}: interface_groups.${group}: ${p}`);
      }
    // Roles only for members the recording has: a role on a phantom member is a VC that never was.
    for (const member of fleet.roles.keys())
      if (!device.seed.members.includes(member))
        problems.push(
          `${where}: roles.${member}: ${device.name} (recording ${device.seed.name}) has no VC member ${member} (members: ${device.seed.members.join(', ') || 'none'})`,
        );
  }
  for (const step of scenario.steps) {
    for (const name of step.devices) {
      const device = devices.get(name);
      if (!device) {
        problems.push(`${step.where}: no simulated device ${name}`);
        continue;
      }
      const problem = (CHECKS[step.action.kind] as Check)(device, step.action as never);
      if (problem) problems.push(`${step.where}: ${step.action.kind}: ${problem}`);
    }
  }
  return problems;
}
