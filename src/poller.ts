import { type CollectMemo, collectDevice } from './collect/collect-device.js';
import type { PollResult } from './collect/snapshot.js';
import type { DeviceConfig, SnmpSecurity } from './config/types.js';
import type { ResolveHost } from './snmp/resolve-host.js';
import type { SnmpConnector } from './snmp/types.js';

/**
 * One poll of one device through the pipeline: resolve → collect (I/O) → the result handlers
 * (detect, journal, correlate, page, metrics: each a pure step or its own seam). Never throws for a
 * device's misbehaviour; a failed poll is a value.
 */
export interface PollerDeps {
  readonly connector: SnmpConnector<SnmpSecurity>;
  readonly resolve: ResolveHost;
  readonly now: () => number;
  readonly onResult: (device: DeviceConfig, result: PollResult) => void | Promise<void>;
}

export class Poller {
  readonly #memos = new Map<string, CollectMemo>();
  readonly #polled = new Set<string>();

  constructor(private readonly deps: PollerDeps) {}

  async poll(device: DeviceConfig): Promise<PollResult> {
    const start = this.deps.now();
    const resolved = await this.deps.resolve(device.host);
    let result: PollResult;
    if (!resolved.ok) {
      result = {
        ok: false,
        device: device.name,
        time: this.deps.now(),
        durationMs: this.deps.now() - start,
        retryable: true,
        reason: 'resolve',
        message: resolved.message,
      };
    } else {
      let memo = this.#memos.get(device.name);
      if (!memo) {
        memo = {};
        this.#memos.set(device.name, memo);
      }
      result = await collectDevice({
        device,
        address: resolved.address,
        connector: this.deps.connector,
        now: this.deps.now,
        memo,
      });
    }
    this.#polled.add(device.name);
    await this.deps.onResult(device, result);
    return result;
  }

  /** True once every given device has been polled at least once (success or failure). */
  hasPolledAll(devices: readonly DeviceConfig[]): boolean {
    return devices.every((d) => this.#polled.has(d.name));
  }
}
