import type { Clock } from '../clock.js';
import { type AgentSocket, engineIdFor, listen, type V3User } from './agent.js';
import type { StampedHappening } from './happening.js';
import type { FleetDevice, Step } from './scenario/types.js';
import { loadSeed, seedsDir } from './seed.js';
import { SimDevice } from './sim-device.js';

/**
 * A fleet of simulated switches in one process on one clock: the devices, one shared v2c socket
 * (community = device name) and, where enabled, one v3 socket per device (its own engine).
 * The clock's wall time is scenario time: `netwatch simulate --speed 60` and the daemon in tests
 * read the same scaled clock.
 */

export interface SimulatorOptions {
  readonly clock: Clock;
  readonly devices: readonly FleetDevice[];
  /** Where agents listen (loopback). Default 127.0.0.1. */
  readonly address?: string;
  /** The shared v2c port (0: any free port). */
  readonly port?: number;
  /** SNMPv3: the user every device knows, and the first port (0: any free ports). Absent: no v3. */
  readonly v3?: { readonly user: V3User; readonly basePort?: number };
  readonly seedsDir?: string;
  readonly onError?: (error: unknown) => void;
}

/** The fleet's one SNMPv3 user (written to devices.yaml by --write-config; a simulator, not a secret). */
export const SIM_V3_USER: V3User = {
  name: 'netwatch',
  authProtocol: 'sha',
  authKey: 'simulator-auth-key',
  privProtocol: 'aes',
  privKey: 'simulator-priv-key',
};

export class Simulator {
  readonly devices: ReadonlyMap<string, SimDevice>;
  readonly address: string;
  readonly #sockets: AgentSocket[];
  readonly #v3Ports: ReadonlyMap<string, number>;
  readonly port: number;
  readonly clock: Clock;

  private constructor(
    clock: Clock,
    address: string,
    devices: ReadonlyMap<string, SimDevice>,
    shared: AgentSocket,
    v3: ReadonlyMap<string, AgentSocket>,
  ) {
    this.clock = clock;
    this.address = address;
    this.devices = devices;
    this.port = shared.port;
    this.#sockets = [shared, ...v3.values()];
    this.#v3Ports = new Map([...v3].map(([name, s]) => [name, s.port]));
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    const { clock } = options;
    const address = options.address ?? '127.0.0.1';
    const startMs = clock.wallMs();
    const dir = options.seedsDir ?? seedsDir();
    const devices = new Map<string, SimDevice>();
    for (const fleet of options.devices)
      devices.set(fleet.name, new SimDevice({ fleet, seed: loadSeed(fleet.seed, dir), startMs }));
    const now = () => clock.wallMs();
    const onError = options.onError ?? (() => {});
    const opened: AgentSocket[] = [];
    try {
      const shared = await listen({
        address,
        port: options.port ?? 0,
        now,
        deviceFor: (community) => (community === undefined ? undefined : devices.get(community)),
        onError,
      });
      opened.push(shared);
      const v3 = new Map<string, AgentSocket>();
      if (options.v3) {
        let port = options.v3.basePort ?? 0;
        for (const device of devices.values()) {
          const socket = await listen({
            address,
            port,
            now,
            deviceFor: (community) =>
              community === undefined || community === device.name ? device : undefined,
            users: [options.v3.user],
            engine: { id: engineIdFor(device.name), device },
            onError,
          });
          opened.push(socket);
          v3.set(device.name, socket);
          if (port !== 0) port += 1;
        }
      }
      return new Simulator(clock, address, devices, shared, v3);
    } catch (error) {
      await Promise.all(opened.map((s) => s.close()));
      throw error;
    }
  }

  /** The v3 port of a device (its own engine), if v3 is enabled. */
  v3Port(device: string): number | undefined {
    return this.#v3Ports.get(device);
  }

  /** Applies a step to each of its devices at the clock's time now. */
  apply(step: Step): void {
    const now = this.clock.wallMs();
    for (const name of step.devices) {
      const device = this.devices.get(name);
      if (!device) throw new Error(`${step.where}: no simulated device ${name}`);
      device.apply(step.action, now);
    }
  }

  /** Runs due transitions (reboots coming back) and returns every happening since the last call, by time. */
  drain(): StampedHappening[] {
    const now = this.clock.wallMs();
    const out: StampedHappening[] = [];
    for (const device of this.devices.values()) {
      device.advance(now);
      out.push(...device.drain());
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** The earliest pending transition of any device (scenario ms), if any. */
  nextDueMs(): number | undefined {
    let first: number | undefined;
    for (const device of this.devices.values()) {
      const due = device.nextDueMs();
      if (due !== undefined && (first === undefined || due < first)) first = due;
    }
    return first;
  }

  /** Requests answered and ignored across the fleet. */
  counts(): { answered: number; ignored: number } {
    let answered = 0;
    let ignored = 0;
    for (const d of this.devices.values()) {
      answered += d.answered;
      ignored += d.ignored;
    }
    return { answered, ignored };
  }

  async close(): Promise<void> {
    await Promise.all(this.#sockets.map((s) => s.close()));
  }
}
