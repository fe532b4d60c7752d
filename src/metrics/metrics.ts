import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { InterfaceSample, PollResult, Snapshot, VcRole } from '../collect/snapshot.js';
import type { DeviceConfig } from '../config/types.js';
import type { DeviceMemory, TrafficMemory } from '../detect/memory.js';
import type { NetwatchEvent, RecordedEvent } from '../events/event.js';
import { ExpositionWriter, escapeLabelValue } from './exposition.js';
import { PagingMetrics } from './paging-metrics.js';

/**
 * netwatch's metrics. Low-cardinality counters (internal and store errors) and the Node process
 * metrics live in prom-client's own Registry (no global). Everything labelled by device (up,
 * uptimes, VC roles, interfaces, and the per-device counters: polls, poll errors, skipped polls,
 * events, process restarts) is kept in the device's state and written when Prometheus scrapes
 * (exposition.ts says why): a poll costs no exposition work, and every series of a device removed
 * from the inventory disappears with it.
 */

const ROLES: readonly VcRole[] = ['master', 'backup', 'linecard', 'unknown'];

/**
 * Where an internal error (a bug or an unexpected throw, not a device failure) was caught:
 * `detect` a detector, `pipeline` the rest of one poll's handling, `poll` a poll that threw,
 * `tick` a scheduler tick that threw, `correlate` the incident correlator (its events are stored
 * without their incident changes), `store` a commit that failed for a reason other than the
 * store (a bug in the batch or in a listener: not a `StoreError`), `http` a route handler that threw.
 */
export const INTERNAL_ERROR_STAGES = [
  'detect',
  'pipeline',
  'poll',
  'tick',
  'store',
  'http',
  'correlate',
] as const;
export type InternalErrorStage = (typeof INTERNAL_ERROR_STAGES)[number];

/** The store operation that failed. */
export const STORE_OPS = ['commit', 'load', 'query', 'retention', 'open', 'outbox', 'note'] as const;
export type StoreOp = (typeof STORE_OPS)[number];

/** What the event counters read: a journaled event or one read back from the store. */
export type EventLike = Pick<
  NetwatchEvent | RecordedEvent,
  'device' | 'site' | 'type' | 'severity' | 'details'
>;

/** What the metrics need from the scheduler: the interval a device is polled at (ms), if it is. */
export interface ScheduleView {
  intervalOf(name: string): number | undefined;
}

interface DeviceState {
  readonly device: DeviceConfig;
  /** `{device="…",site="…"` without the closing brace: rendered once, extended per series. */
  readonly labels: string;
  up: boolean;
  lastPollSeconds: number | undefined;
  /** Wall time (s since epoch) the last poll finished, success or failure. */
  lastPollAtSeconds: number | undefined;
  snapshot: Snapshot | undefined;
  traffic: Readonly<Record<string, TrafficMemory>>;
  /** Polls recorded, success or failure (netwatch_device_polls_total; 0 from setDevices). */
  polls: number;
  /** Failed polls by reason. */
  readonly pollErrors: Map<string, number>;
  skipped: number;
  /** Events by `type` and `severity`: the label suffix `,type="…",severity="…"` → count. */
  readonly events: Map<string, number>;
  /** process_restart events by process: the label suffix `,process="…"` → count. */
  readonly processRestarts: Map<string, number>;
}

const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

const open = (device: DeviceConfig) =>
  `{device="${escapeLabelValue(device.name)}",site="${escapeLabelValue(device.site)}"`;

export class Metrics {
  readonly registry = new Registry();
  readonly #devices = new Map<string, DeviceState>();
  readonly internalErrors: Counter<'stage'>;
  readonly storeErrors: Counter<'op'>;
  /** Incidents, pages, the outbox. */
  readonly paging: PagingMetrics;
  #schedule: ScheduleView | undefined;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.internalErrors = new Counter({
      name: 'netwatch_internal_errors_total',
      help: 'Errors inside netwatch (a bug or an unexpected throw, not a device failure), by the stage that caught it.',
      labelNames: ['stage'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'netwatch_store_errors_total',
      help: 'Failed store operations (commit, load, query, retention, open).',
      labelNames: ['op'],
      registers,
    });
    // Every stage and op exported at 0 from the start: increase() over a series that appears
    // at 1 misses that first error, and the first error is the one that matters.
    for (const stage of INTERNAL_ERROR_STAGES) this.internalErrors.inc({ stage }, 0);
    for (const op of STORE_OPS) this.storeErrors.inc({ op }, 0);
    this.paging = new PagingMetrics(this.registry);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The whole /metrics text. */
  async render(): Promise<string> {
    return `${await this.registry.metrics()}${this.#renderDevices()}`;
  }

  #renderDevices(): string {
    const w = new ExpositionWriter();
    const states = [...this.#devices.values()];
    /** A family with labelled series per device: `emit(labels, value)` appends `,k="v"…}` to the device's labels. */
    const family = (
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      each: (s: DeviceState, emit: (extra: string, value: number) => void) => void,
    ) => {
      w.family(name, help, type);
      for (const s of states) each(s, (extra, value) => w.sample(name, `${s.labels}${extra}}`, value));
    };
    /** A family with one series per device; `undefined` means no series for that device. */
    const perDevice = (
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      value: (s: DeviceState) => number | undefined,
    ) =>
      family(name, help, type, (s, emit) => {
        const v = value(s);
        if (v !== undefined) emit('', v);
      });
    const members = (s: DeviceState) =>
      s.snapshot?.vcMembers.supported ? s.snapshot.vcMembers.value : undefined;

    perDevice(
      'netwatch_device_up',
      'Whether the last SNMP poll of the device succeeded (1) or not (0).',
      'gauge',
      (s) => (s.up ? 1 : 0),
    );
    perDevice(
      'netwatch_device_uptime_seconds',
      'sysUpTime of the device in seconds (wraps at 497.1 days; on Junos it is the SNMP agent uptime).',
      'gauge',
      (s) => (s.snapshot ? s.snapshot.system.upTimeCs / 100 : undefined),
    );
    perDevice(
      'netwatch_snmp_engine_time_seconds',
      'snmpEngineTime: seconds since the SNMP engine last (re)initialised snmpEngineBoots.',
      'gauge',
      (s) => s.snapshot?.system.engineTimeS,
    );
    perDevice(
      'netwatch_snmp_engine_boots',
      'snmpEngineBoots: how many times the SNMP engine has (re)initialised.',
      'gauge',
      (s) => s.snapshot?.system.engineBoots,
    );
    perDevice(
      'netwatch_poll_duration_seconds',
      'Wall time of the last poll of the device, successful or not.',
      'gauge',
      (s) => s.lastPollSeconds,
    );
    perDevice(
      'netwatch_device_last_poll_timestamp_seconds',
      'Unix time the last poll of the device finished, successful or not (absent until the first poll).',
      'gauge',
      (s) => s.lastPollAtSeconds,
    );
    perDevice(
      'netwatch_device_polls_total',
      'Polls of the device that ended, successful or not (0 from the moment the device is configured).',
      'counter',
      (s) => s.polls,
    );
    /** A per-device counter kept as label suffix → count. */
    const counts = (name: string, help: string, of: (s: DeviceState) => ReadonlyMap<string, number>) =>
      family(name, help, 'counter', (s, emit) => {
        for (const [extra, n] of of(s)) emit(extra, n);
      });
    counts(
      'netwatch_poll_errors_total',
      'Failed polls by reason (timeout, deadline, auth, malformed, refused, resolve, error).',
      (s) => s.pollErrors,
    );
    perDevice(
      'netwatch_polls_skipped_total',
      'Polls not started because the previous poll of the device was still running (0 from the moment the device is configured).',
      'counter',
      (s) => s.skipped,
    );
    counts(
      'netwatch_events_total',
      'Events journaled, by type (the snake_case event types of the journal and API).',
      (s) => s.events,
    );
    counts(
      'netwatch_process_restarts_total',
      'Watched processes seen running again under a new PID after a crash (process_restart events).',
      (s) => s.processRestarts,
    );
    const schedule = this.#schedule;
    perDevice(
      'netwatch_device_poll_interval_seconds',
      'Interval the device is scheduled to be polled at (absent for a device that is not polled).',
      'gauge',
      (s) => {
        const ms = schedule
          ? schedule.intervalOf(s.device.name)
          : s.device.snmp
            ? s.device.intervalMs
            : undefined;
        return ms === undefined ? undefined : ms / 1000;
      },
    );
    family(
      'netwatch_vc_member_role',
      'Virtual chassis member role, one-hot: 1 for the role the member has now.',
      'gauge',
      (s, emit) => {
        for (const m of members(s) ?? [])
          for (const role of ROLES) emit(`,member="${m.id}",role="${role}"`, m.role === role ? 1 : 0);
      },
    );
    perDevice(
      'netwatch_vc_master_member',
      'Member id of the virtual chassis master (-1 when no member claims master).',
      'gauge',
      (s) => {
        const all = members(s);
        return all ? (all.find((m) => m.role === 'master')?.id ?? -1) : undefined;
      },
    );
    family(
      'netwatch_vc_member_uptime_seconds',
      'jnxVirtualChassisMemberUptime: seconds since the member last joined.',
      'gauge',
      (s, emit) => {
        for (const m of members(s) ?? []) if (m.uptimeS !== undefined) emit(`,member="${m.id}"`, m.uptimeS);
      },
    );
    perDevice(
      'netwatch_vc_switchovers_total',
      'Routing-engine switchovers as counted by the device (sum of jnxRedundancySwitchoverCount; resets when the RE reboots).',
      'counter',
      (s) => {
        const rows = s.snapshot?.redundancy;
        return rows?.supported ? rows.value.reduce((sum, r) => sum + (r.switchoverCount ?? 0), 0) : undefined;
      },
    );
    family(
      'netwatch_alarm_active',
      'Juniper chassis alarm state (JUNIPER-ALARM-MIB): 1 while the red or yellow alarm is on.',
      'gauge',
      (s, emit) => {
        const alarms = s.snapshot?.alarms;
        if (!alarms?.supported) return;
        emit(',color="red"', alarms.value.red ? 1 : 0);
        emit(',color="yellow"', alarms.value.yellow ? 1 : 0);
      },
    );
    family(
      'netwatch_process_up',
      'Whether a watched process is running on the device (hrSWRunTable; not served by Junos).',
      'gauge',
      (s, emit) => {
        const processes = s.snapshot?.processes;
        if (!processes?.supported) return;
        for (const name of s.device.watchProcesses) {
          const running = processes.value.some(
            (p) => p.name === name && (p.status === 'running' || p.status === 'runnable'),
          );
          emit(`,process="${escapeLabelValue(name)}"`, running ? 1 : 0);
        }
      },
    );
    perDevice(
      'netwatch_device_throughput_bits_per_second',
      'Bits per second in + out over the user-traffic ports (physical Ethernet), from the last two polls.',
      'gauge',
      // Like the snapshot series: absent, not stale, while the last poll failed.
      (s) => (s.up ? s.traffic.device?.lastBps : undefined),
    );
    family(
      'netwatch_traffic_drop_active',
      'Whether a traffic_drop is open (1) for the device or an interface group (scope), until traffic_recovered.',
      'gauge',
      (s, emit) => {
        if (!s.up) return; // absent, not stale, while the last poll failed
        for (const [scope, t] of Object.entries(s.traffic))
          emit(`,scope="${escapeLabelValue(scope)}"`, t.dropped ? 1 : 0);
      },
    );
    const perInterface = (
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      value: (i: InterfaceSample) => number | undefined,
    ) =>
      family(name, help, type, (s, emit) => {
        const ifs = s.snapshot?.interfaces;
        if (!ifs?.supported) return;
        for (const i of ifs.value) {
          const v = value(i);
          if (v !== undefined) emit(`,interface="${escapeLabelValue(i.name)}"`, v);
        }
      });
    perInterface(
      'netwatch_interface_receive_bytes_total',
      'Octets received on the interface as the device counts them (ifHCInOctets, or 32-bit ifInOctets).',
      'counter',
      (i) => (i.inOctets === undefined ? undefined : Number(i.inOctets)),
    );
    perInterface(
      'netwatch_interface_transmit_bytes_total',
      'Octets sent on the interface as the device counts them (ifHCOutOctets, or 32-bit ifOutOctets).',
      'counter',
      (i) => (i.outOctets === undefined ? undefined : Number(i.outOctets)),
    );
    perInterface('netwatch_interface_oper_up', 'ifOperStatus is up (1) or not (0).', 'gauge', (i) =>
      i.operUp === undefined ? undefined : i.operUp ? 1 : 0,
    );
    return w.text();
  }
  /**
   * The inventory changed (start, SIGHUP): keep state for kept devices, drop removed ones with
   * every series of theirs. A new device's polls counter starts at 0, so increase() sees its
   * first poll and an alert sees a device that is never polled.
   */
  setDevices(devices: readonly DeviceConfig[]): void {
    const keep = new Set(devices.map((d) => d.name));
    for (const name of this.#devices.keys()) if (!keep.has(name)) this.#devices.delete(name);
    for (const device of devices) {
      const existing = this.#devices.get(device.name);
      if (existing) this.#devices.set(device.name, { ...existing, device, labels: open(device) });
      else
        this.#devices.set(device.name, {
          device,
          labels: open(device),
          up: false,
          lastPollSeconds: undefined,
          lastPollAtSeconds: undefined,
          snapshot: undefined,
          traffic: {},
          polls: 0,
          pollErrors: new Map(),
          skipped: 0,
          events: new Map(),
          processRestarts: new Map(),
        });
    }
  }

  /**
   * The poll intervals come from the scheduler (what is really scheduled) once this is called;
   * before that, from the device config of SNMP devices. Read at scrape time.
   */
  watchSchedule(schedule: ScheduleView): void {
    this.#schedule = schedule;
  }

  /**
   * A poll ended. Everything taken from `result` (its snapshot, its wall time), never from the
   * detector memory, whose shape is the detectors' business.
   */
  recordPoll(result: PollResult): void {
    const name = result.ok ? result.snapshot.device : result.device;
    const state = this.#devices.get(name);
    if (!state) return;
    state.polls += 1;
    state.lastPollAtSeconds = (result.ok ? result.snapshot.time : result.time) / 1000;
    if (result.ok) {
      state.up = true;
      state.snapshot = result.snapshot;
      state.lastPollSeconds = result.snapshot.durationMs / 1000;
    } else {
      // Like snmp_exporter: what we could not read now is absent, not stale.
      state.up = false;
      state.snapshot = undefined;
      state.lastPollSeconds = result.durationMs / 1000;
      bump(state.pollErrors, `,reason="${escapeLabelValue(result.reason)}"`);
    }
  }

  /**
   * The device's memory changed (a poll judged, an operator action). Only the traffic slice is
   * read (the throughput and drop gauges); the rest of the memory is the detectors' business.
   */
  recordMemory(device: string, memory: Pick<DeviceMemory, 'traffic'>): void {
    const state = this.#devices.get(device);
    if (state) state.traffic = memory.traffic;
  }

  /**
   * Events the store recorded (call once per event, after its commit: a witness of a known fact
   * is not a new event). A process_restart (a watched process that crashed and runs again) is one
   * restart; a crash whose process has not come back is not (yet) a restart. Events of a device
   * that is no longer configured are not counted (its series are gone). The device's configured
   * site labels the series.
   */
  recordEvents(events: readonly EventLike[]): void {
    for (const e of events) {
      const state = this.#devices.get(e.device);
      if (!state) continue;
      bump(state.events, `,type="${escapeLabelValue(e.type)}",severity="${escapeLabelValue(e.severity)}"`);
      if (e.type === 'process_restart') {
        const process = e.details.process;
        if (typeof process === 'string')
          bump(state.processRestarts, `,process="${escapeLabelValue(process)}"`);
      }
    }
  }

  /** recordMemory + recordEvents, for callers that count events before they are stored. */
  recordDetection(device: string, memory: Pick<DeviceMemory, 'traffic'>, events: readonly EventLike[]): void {
    this.recordMemory(device, memory);
    this.recordEvents(events);
  }

  /** An error inside netwatch was caught at `stage` (and logged by the caller). */
  recordInternalError(stage: InternalErrorStage): void {
    this.internalErrors.inc({ stage });
  }

  /** A store operation failed (and was logged by the caller). */
  recordStoreError(op: StoreOp): void {
    this.storeErrors.inc({ op });
  }

  recordSkipped(device: DeviceConfig): void {
    const state = this.#devices.get(device.name);
    if (state) state.skipped += 1;
  }
}
