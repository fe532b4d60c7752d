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
  /** Its `now` must read the same clock as `monotonic` (session deadlines are absolute on it). */
  readonly connector: SnmpConnector<SnmpSecurity>;
  readonly resolve: ResolveHost;
  /** Wall time (Unix ms): the stamps of snapshots and failures. */
  readonly now: () => number;
  /**
   * Monotonic time (the clock seam's `monotonicMs`): poll deadlines, durations and
   * `snapshot.monoMs`. Defaults to `now`, which a wall-clock step then bends.
   */
  readonly monotonic?: () => number;
  readonly onResult: (device: DeviceConfig, result: PollResult) => void | Promise<void>;
}

/**
 * What a device's memo was learnt from: the box answering (host, port) and who asks (credentials).
 * A change of any of them may be another box, whose HC support and static columns are its own.
 * Held in RAM only, never logged: it contains the revealed credentials.
 */
function learntUnder(device: DeviceConfig): string {
  const snmp = device.snmp;
  if (!snmp) return JSON.stringify([device.host]);
  const s = snmp.security;
  const credentials =
    s.version === '2c'
      ? ['2c', s.community.reveal()]
      : [
          3,
          s.user,
          s.auth.protocol,
          s.auth.key.reveal(),
          s.priv?.protocol ?? null,
          s.priv?.key.reveal() ?? null,
          s.context ?? null,
        ];
  return JSON.stringify([device.host, snmp.port, credentials]);
}

interface Learnt {
  readonly under: string;
  readonly memo: CollectMemo;
}

export class Poller {
  readonly #memos = new Map<string, Learnt>();
  /** Device name → the config (`learntUnder`) it was last polled under. */
  readonly #polled = new Map<string, string>();

  constructor(private readonly deps: PollerDeps) {}

  async poll(device: DeviceConfig): Promise<PollResult> {
    const monotonic = this.deps.monotonic ?? this.deps.now;
    const under = learntUnder(device);
    const start = monotonic();
    const resolved = await this.deps.resolve(device.host);
    let result: PollResult;
    if (!resolved.ok) {
      result = {
        ok: false,
        device: device.name,
        time: this.deps.now(),
        durationMs: Math.max(0, monotonic() - start),
        retryable: true,
        reason: 'resolve',
        message: resolved.message,
      };
    } else {
      result = await collectDevice({
        device,
        address: resolved.address,
        connector: this.deps.connector,
        now: this.deps.now,
        monotonic,
        memo: this.#memoOf(device.name, under),
      });
    }
    this.#polled.set(device.name, under);
    await this.deps.onResult(device, result);
    return result;
  }

  /** The device's memo, new when it has none or its was learnt under another host, port or credentials. */
  #memoOf(name: string, under: string): CollectMemo {
    const learnt = this.#memos.get(name);
    if (learnt?.under === under) return learnt.memo;
    const memo: CollectMemo = {};
    this.#memos.set(name, { under, memo });
    return memo;
  }

  /**
   * Keeps what was learnt only for `devices` (call it on every configuration load): forgets the
   * memo (HC-counter support, static columns) and the polled mark of every device that is gone or
   * whose host, port or SNMP credentials changed, so a new box at the same name starts afresh and
   * counts as not yet polled. A poll still in flight under the old config marks only that config.
   */
  retain(devices: readonly DeviceConfig[]): void {
    const current = new Map(devices.map((d) => [d.name, learntUnder(d)]));
    for (const [name, learnt] of this.#memos)
      if (current.get(name) !== learnt.under) this.#memos.delete(name);
    for (const [name, under] of this.#polled) if (current.get(name) !== under) this.#polled.delete(name);
  }

  /**
   * True once every given device has been polled at least once (success or failure) under its
   * current host, port and credentials.
   */
  hasPolledAll(devices: readonly DeviceConfig[]): boolean {
    return devices.every((d) => this.#polled.get(d.name) === learntUnder(d));
  }
}
