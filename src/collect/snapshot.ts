/**
 * One poll of one device, as typed, immutable data. Everything a device sends is untrusted text:
 * it is stored as given and escaped where it is shown.
 */

/** A table or group the device may not serve: absent is "not supported", never an error. */
export type Supported<T> = { readonly supported: true; readonly value: T } | { readonly supported: false };

export type VcRole = 'master' | 'backup' | 'linecard' | 'unknown';

export interface VcMember {
  readonly id: number;
  readonly role: VcRole;
  readonly serial: string;
  readonly model: string;
  readonly version: string;
  readonly priority: number | undefined;
  readonly mac: string;
  /** jnxVirtualChassisMemberUptime, seconds. */
  readonly uptimeS: number | undefined;
}

export interface VcPort {
  readonly member: number;
  readonly name: string;
  readonly up: boolean;
}

export type RedundancyState = 'unknown' | 'master' | 'backup' | 'disabled';
export type SwitchoverReason = 'other' | 'neverSwitched' | 'userSwitched' | 'autoSwitched' | 'unknown';

export interface RedundancyRow {
  readonly index: string;
  readonly descr: string;
  readonly state: RedundancyState;
  readonly switchoverCount: number | undefined;
  /** sysUpTime (centiseconds) at the last switchover; 0 = unknown or never. */
  readonly switchoverTimeCs: number | undefined;
  readonly reason: SwitchoverReason;
}

export interface Alarms {
  readonly red: boolean;
  readonly redCount: number | undefined;
  readonly yellow: boolean;
  readonly yellowCount: number | undefined;
}

export interface InterfaceSample {
  readonly index: number;
  readonly name: string;
  readonly alias: string;
  readonly adminUp: boolean | undefined;
  readonly operUp: boolean | undefined;
  readonly speedMbps: number | undefined;
  /** Octet counters; `bits` says which width they wrap at (64 = ifXTable HC, 32 = ifTable). */
  readonly inOctets: bigint | undefined;
  readonly outOctets: bigint | undefined;
  readonly counterBits: 64 | 32 | undefined;
  readonly discontinuityCs: number | undefined;
}

export interface ProcessSample {
  readonly pid: number;
  readonly name: string;
  /** hrSWRunStatus: running(1) runnable(2) notRunnable(3) invalid(4). */
  readonly status: 'running' | 'runnable' | 'notRunnable' | 'invalid' | 'unknown';
}

export interface ConfigChange {
  readonly index: number;
  readonly timeCs: number | undefined;
  readonly source: string;
  readonly user: string;
}

export interface SystemInfo {
  readonly descr: string;
  readonly objectId: string;
  readonly name: string;
  /** sysUpTime in centiseconds (TimeTicks; wraps at 2^32 ≈ 497.1 days). */
  readonly upTimeCs: number;
  readonly engineBoots: number | undefined;
  readonly engineTimeS: number | undefined;
  /**
   * hrSystemUptime (centiseconds): the host's clock, which keeps counting through an SNMP agent
   * restart. Optional only so older hand-made snapshots still type-check; parse always sets it.
   */
  readonly hostUpTimeCs?: number | undefined;
}

/** A Routing Engine row of jnxOperatingTable: its own uptime, independent of the SNMP agent. */
export interface RoutingEngineUptime {
  /** jnxOperatingTable index `9.L1.L2.L3` (contents 9 = Routing Engines). */
  readonly index: string;
  /** jnxOperatingUpTime, centiseconds; undefined when the agent reports it saturated (2^31-1). */
  readonly upTimeCs: number | undefined;
}

export interface Snapshot {
  readonly device: string;
  /** When the poll finished (ms since epoch, the poller's clock). */
  readonly time: number;
  readonly durationMs: number;
  /**
   * Monotonic time (ms, the clock seam's `monotonicMs()`) when the poll finished: for rate windows
   * and gaps, which a wall-clock step must not bend. Optional only for hand-made snapshots.
   */
  readonly monoMs?: number;
  readonly requests: number;
  readonly system: SystemInfo;
  readonly interfaces: Supported<readonly InterfaceSample[]>;
  readonly processes: Supported<readonly ProcessSample[]>;
  readonly vcMembers: Supported<readonly VcMember[]>;
  readonly vcPorts: Supported<readonly VcPort[]>;
  readonly redundancy: Supported<readonly RedundancyRow[]>;
  readonly alarms: Supported<Alarms>;
  readonly configChanges: Supported<readonly ConfigChange[]>;
  /** Routing Engine uptimes (Junos); optional for hand-made snapshots, always set by parse. */
  readonly routingEngines?: Supported<readonly RoutingEngineUptime[]>;
}

/**
 * `deadline`: the device answered the GET of its system scalars but its walk did not finish within
 * the poll deadline. It is alive (never counts towards device_unreachable) yet its data is not
 * being read: enough of them in a row is poll_degraded.
 */
export type PollFailureReason =
  | 'timeout'
  | 'deadline'
  | 'auth'
  | 'malformed'
  | 'refused'
  | 'error'
  | 'resolve';

export type PollResult =
  | { readonly ok: true; readonly snapshot: Snapshot }
  | {
      readonly ok: false;
      readonly device: string;
      readonly time: number;
      readonly durationMs: number;
      readonly retryable: boolean;
      readonly reason: PollFailureReason;
      readonly message: string;
    };
