/**
 * A scenario, resolved: what `scenario/load.ts` returns after validating the YAML (see
 * `scenarios/*.yaml` and docs in ARCHITECTURE.md). Times are ms of scenario time from the start;
 * every device a step or expectation names exists in the fleet (checked at load).
 */

export type MemberRole = 'master' | 'backup' | 'linecard';

/** Counter columns a device serves: HC (ifXTable) and 32-bit, or 32-bit only (the collector falls back). */
export type CounterWidth = 'hc' | '32bit';

export interface FleetDevice {
  /** The device name netwatch will use (devices.yaml `name`), also the v2c community and sysName. */
  readonly name: string;
  /** A recording in test/fixtures/snmprec, without `.snmprec` (e.g. `junos_ex4600mp`). */
  readonly seed: string;
  readonly site?: string;
  /** Member roles at the start, overriding the recording's (member id → role). */
  readonly roles: ReadonlyMap<number, MemberRole>;
  readonly traffic: {
    /** Share of ifHighSpeed each up port with traffic in the recording carries (0..1). */
    readonly utilisation: number;
    /** Day/night swing: the rate is × (1 + diurnal · sin(…)) over 24 h of scenario time (0..0.95). */
    readonly diurnal: number;
  };
  readonly counters: CounterWidth;
  /** Its own poll interval (devices.yaml `interval`), when not the scenario's. */
  readonly intervalMs?: number;
  /** Interface groups (group → ifNames), written to devices.yaml and usable by traffic steps. */
  readonly interfaceGroups: ReadonlyMap<string, readonly string[]>;
  /** Junos daemons this device runs (crash/stall steps name them); `watch.processes` in devices.yaml. */
  readonly processes: readonly string[];
  /** Position of its fleet entry (`file:line:col`), for messages; absent for generated fleets. */
  readonly where?: string;
}

export type StepAction =
  | { readonly kind: 'set_role'; readonly member: number; readonly role: MemberRole }
  | {
      readonly kind: 'crash_process';
      readonly process: string;
      readonly signal: number;
      readonly core: boolean;
    }
  | { readonly kind: 'restart_process'; readonly process: string }
  /** The process stays "running" but the listed interfaces' counters stop moving while they stay up. */
  | { readonly kind: 'stall_process'; readonly process: string; readonly interfaces: readonly string[] }
  | {
      readonly kind: 'traffic';
      readonly factor: number;
      /** Exactly one of interface / group, or neither (the whole device). */
      readonly interface?: string;
      readonly group?: string;
    }
  | { readonly kind: 'link'; readonly interface: string; readonly state: 'up' | 'down' }
  | {
      readonly kind: 'config_change';
      readonly user: string;
      readonly source: 'cli' | 'junoscript' | 'snmp' | 'other';
    }
  | { readonly kind: 'reboot_member'; readonly member: number; readonly downForMs: number }
  | { readonly kind: 'reboot_device'; readonly downForMs: number }
  | { readonly kind: 'restart_agent'; readonly downForMs: number }
  /** No SNMP answer at all for `forMs` (absent: until the end). */
  | { readonly kind: 'stop_answering'; readonly forMs?: number }
  /** Each request is dropped with probability `ratio` (seeded: the same run drops the same ones). */
  | { readonly kind: 'drop_polls'; readonly ratio: number; readonly forMs: number }
  /** Walks skip these tables for `forMs` (the agent's subagent timed out): `vc`, `interfaces`, `redundancy`, `alarms`. */
  | { readonly kind: 'partial_walk'; readonly forMs: number; readonly missing: readonly PartialTable[] };

export type StepKind = StepAction['kind'];

export type PartialTable = 'vc' | 'interfaces' | 'redundancy' | 'alarms';

export interface Step {
  readonly atMs: number;
  /** Resolved device names (from `device`, `devices` or `site`). */
  readonly devices: readonly string[];
  readonly action: StepAction;
  /** What a person watching should read in the progress output ("a server is connected to …"). */
  readonly note?: string;
  /** Position in the file, for messages: `eqsin-2022.yaml:31:5`. */
  readonly where: string;
}

/** Where an event may come from; an expectation none of whose sources is live yet is pending. */
export type EventSource = 'poll' | 'trap' | 'syslog' | 'netconf' | 'operator';

export interface ExpectedEvent {
  readonly device: string;
  /** A snake_case event type from events/event-type.ts (checked at load). */
  readonly type: string;
  /** The event's time must fall in [atMs, atMs + withinMs]. */
  readonly atMs: number;
  readonly withinMs: number;
  /** Sources that may witness it (default: poll). */
  readonly sources: readonly EventSource[];
  /** Exactly this many such events in the window (absent: at least one). */
  readonly count?: number;
  /** Each key must equal the event's `details[key]` (compared as strings). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
  readonly where: string;
}

/** None of these event types, on these devices (absent: all), during the whole run. */
export interface ForbiddenEvents {
  readonly types: readonly string[];
  readonly devices?: readonly string[];
  readonly where: string;
}

export interface ExpectedIncident {
  readonly device?: string;
  readonly site?: string;
  readonly atMs: number;
  readonly withinMs: number;
  /** The report's timeline, in order: event types and the markers `OUTAGE BEGINS`, `OUTAGE ENDS`, `PAGED`. */
  readonly timeline: readonly string[];
  /** True: must be marked maintenance (nothing paged). */
  readonly maintenance?: boolean;
  readonly where: string;
}

export interface ExpectedPages {
  readonly device?: string;
  readonly site?: string;
  /** Exactly this many pages (triggers) in the run; 0 for a benign scenario. */
  readonly count: number;
  /** True: every page was resolved by the end. */
  readonly resolved?: boolean;
  readonly where: string;
}

export interface Expectations {
  readonly events: readonly ExpectedEvent[];
  readonly forbidden: readonly ForbiddenEvents[];
  readonly incidents: readonly ExpectedIncident[];
  readonly pages: readonly ExpectedPages[];
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The file it came from (for messages), as given. */
  readonly file: string;
  /** Scenario time at which it is over; nothing is checked past it. */
  readonly endMs: number;
  /** The poll interval written to devices.yaml. */
  readonly intervalMs: number;
  /** The scenario clock's wall time at the start (ms since epoch); default: the real time at start. */
  readonly startWallMs?: number;
  readonly devices: readonly FleetDevice[];
  /**
   * Extra devices.yaml sections (detect, incidents, maintenance, notify…), copied as written into
   * the generated config, which netwatch validates itself.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /** Sorted by time, stable for steps at the same time (file order). */
  readonly steps: readonly Step[];
  readonly expect: Expectations;
}
