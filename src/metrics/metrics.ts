import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { InterfaceSample, PollResult, Snapshot, VcRole } from '../collect/snapshot.js';
import type { DeviceConfig } from '../config/types.js';
import type { DeviceMemory, TrafficMemory } from '../detect/memory.js';
import type { NetwatchEvent } from '../events/event.js';
import { ExpositionWriter, escapeLabelValue } from './exposition.js';

/**
 * netwatch's metrics. Low-cardinality counters and the Node process metrics live in prom-client's
 * own Registry (no global). The per-device families (up, uptimes, VC roles, interfaces…) are
 * written straight from the latest snapshot per device when Prometheus scrapes (exposition.ts
 * says why): a poll costs no exposition work, and a device removed from the inventory disappears.
 */

const ROLES: readonly VcRole[] = ['master', 'backup', 'linecard', 'unknown'];

interface DeviceState {
  readonly device: DeviceConfig;
  /** `{device="…",site="…"` without the closing brace: rendered once, extended per series. */
  readonly labels: string;
  up: boolean;
  lastPollSeconds: number | undefined;
  snapshot: Snapshot | undefined;
  traffic: Readonly<Record<string, TrafficMemory>>;
}

const open = (device: DeviceConfig) =>
  `{device="${escapeLabelValue(device.name)}",site="${escapeLabelValue(device.site)}"`;

export class Metrics {
  readonly registry = new Registry();
  readonly #devices = new Map<string, DeviceState>();
  readonly pollErrors: Counter<'device' | 'site' | 'reason'>;
  readonly pollsSkipped: Counter<'device' | 'site'>;
  readonly events: Counter<'device' | 'site' | 'type' | 'severity'>;
  readonly processRestarts: Counter<'device' | 'site' | 'process'>;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.pollErrors = new Counter({
      name: 'netwatch_poll_errors_total',
      help: 'Failed polls by reason (timeout, auth, malformed, refused, resolve, error).',
      labelNames: ['device', 'site', 'reason'],
      registers,
    });
    this.pollsSkipped = new Counter({
      name: 'netwatch_polls_skipped_total',
      help: 'Polls not started because the previous poll of the device was still running.',
      labelNames: ['device', 'site'],
      registers,
    });
    this.events = new Counter({
      name: 'netwatch_events_total',
      help: 'Events journaled, by type (the snake_case event types of the journal and API).',
      labelNames: ['device', 'site', 'type', 'severity'],
      registers,
    });
    this.processRestarts = new Counter({
      name: 'netwatch_process_restarts_total',
      help: 'Watched processes seen running again under a new PID after a crash (process_restart events).',
      labelNames: ['device', 'site', 'process'],
      registers,
    });
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
      (s) => s.traffic.device?.lastBps,
    );
    family(
      'netwatch_traffic_drop_active',
      'Whether a traffic_drop is open (1) for the device or an interface group (scope), until traffic_recovered.',
      'gauge',
      (s, emit) => {
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
  /** The inventory changed (start, SIGHUP): keep state for kept devices, drop removed ones. */
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
          snapshot: undefined,
          traffic: {},
        });
    }
  }

  recordPoll(result: PollResult): void {
    const name = result.ok ? result.snapshot.device : result.device;
    const state = this.#devices.get(name);
    if (!state) return;
    if (result.ok) {
      state.up = true;
      state.snapshot = result.snapshot;
      state.lastPollSeconds = result.snapshot.durationMs / 1000;
    } else {
      // Like snmp_exporter: what we could not read now is absent, not stale.
      state.up = false;
      state.snapshot = undefined;
      state.lastPollSeconds = result.durationMs / 1000;
      this.pollErrors.inc({ device: name, site: state.device.site, reason: result.reason });
    }
  }

  recordDetection(device: string, memory: DeviceMemory, events: readonly NetwatchEvent[]): void {
    const state = this.#devices.get(device);
    if (state) state.traffic = memory.traffic;
    for (const e of events)
      this.events.inc({ device: e.device, site: e.site, type: e.type, severity: e.severity });
  }

  recordSkipped(device: DeviceConfig): void {
    this.pollsSkipped.inc({ device: device.name, site: device.site });
  }
}
