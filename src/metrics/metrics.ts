import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { PollResult, Snapshot, VcRole } from '../collect/snapshot.js';
import type { DeviceConfig } from '../config/types.js';

/**
 * Prometheus metrics on netwatch's own Registry (no global). Polls only record the latest state per
 * device; series are built when Prometheus scrapes, so a poll costs no exposition work and a
 * device removed from the inventory disappears from /metrics.
 */

const ROLES: readonly VcRole[] = ['master', 'backup', 'linecard', 'unknown'];

interface DeviceState {
  readonly device: DeviceConfig;
  up: boolean;
  lastPollSeconds: number | undefined;
  snapshot: Snapshot | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #devices = new Map<string, DeviceState>();
  readonly pollErrors: Counter<'device' | 'site' | 'reason'>;
  readonly pollsSkipped: Counter<'device' | 'site'>;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const states = () => this.#devices.values();
    const base = (s: DeviceState) => ({ device: s.device.name, site: s.device.site });

    new Gauge({
      name: 'netwatch_device_up',
      help: 'Whether the last SNMP poll of the device succeeded (1) or not (0).',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) this.set(base(s), s.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'netwatch_device_uptime_seconds',
      help: 'sysUpTime of the device in seconds (wraps at 497.1 days; on Junos it is the SNMP agent uptime).',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) if (s.snapshot) this.set(base(s), s.snapshot.system.upTimeCs / 100);
      },
    });
    new Gauge({
      name: 'netwatch_snmp_engine_time_seconds',
      help: 'snmpEngineTime: seconds since the SNMP engine last (re)initialised snmpEngineBoots.',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const t = s.snapshot?.system.engineTimeS;
          if (t !== undefined) this.set(base(s), t);
        }
      },
    });
    new Gauge({
      name: 'netwatch_snmp_engine_boots',
      help: 'snmpEngineBoots: how many times the SNMP engine has (re)initialised.',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const b = s.snapshot?.system.engineBoots;
          if (b !== undefined) this.set(base(s), b);
        }
      },
    });
    new Gauge({
      name: 'netwatch_poll_duration_seconds',
      help: 'Wall time of the last poll of the device, successful or not.',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) if (s.lastPollSeconds !== undefined) this.set(base(s), s.lastPollSeconds);
      },
    });
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
    new Gauge({
      name: 'netwatch_vc_member_role',
      help: 'Virtual chassis member role, one-hot: 1 for the role the member has now.',
      labelNames: ['device', 'site', 'member', 'role'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const members = s.snapshot?.vcMembers;
          if (!members?.supported) continue;
          for (const m of members.value)
            for (const role of ROLES)
              this.set({ ...base(s), member: String(m.id), role }, m.role === role ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'netwatch_vc_master_member',
      help: 'Member id of the virtual chassis master (-1 when no member claims master).',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const members = s.snapshot?.vcMembers;
          if (!members?.supported) continue;
          const master = members.value.find((m) => m.role === 'master');
          this.set(base(s), master ? master.id : -1);
        }
      },
    });
    new Gauge({
      name: 'netwatch_vc_member_uptime_seconds',
      help: 'jnxVirtualChassisMemberUptime: seconds since the member last joined.',
      labelNames: ['device', 'site', 'member'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const members = s.snapshot?.vcMembers;
          if (!members?.supported) continue;
          for (const m of members.value)
            if (m.uptimeS !== undefined) this.set({ ...base(s), member: String(m.id) }, m.uptimeS);
        }
      },
    });
    new Counter({
      name: 'netwatch_vc_switchovers_total',
      help: 'Routing-engine switchovers as counted by the device (sum of jnxRedundancySwitchoverCount; resets when the RE reboots).',
      labelNames: ['device', 'site'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const rows = s.snapshot?.redundancy;
          if (!rows?.supported) continue;
          this.inc(
            base(s),
            rows.value.reduce((sum, r) => sum + (r.switchoverCount ?? 0), 0),
          );
        }
      },
    });
    new Gauge({
      name: 'netwatch_alarm_active',
      help: 'Juniper chassis alarm state (JUNIPER-ALARM-MIB): 1 while the red or yellow alarm is on.',
      labelNames: ['device', 'site', 'color'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const alarms = s.snapshot?.alarms;
          if (!alarms?.supported) continue;
          this.set({ ...base(s), color: 'red' }, alarms.value.red ? 1 : 0);
          this.set({ ...base(s), color: 'yellow' }, alarms.value.yellow ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'netwatch_process_up',
      help: 'Whether a watched process is running on the device (hrSWRunTable; not served by Junos).',
      labelNames: ['device', 'site', 'process'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const processes = s.snapshot?.processes;
          if (!processes?.supported) continue;
          for (const name of s.device.watchProcesses) {
            const running = processes.value.some(
              (p) => p.name === name && (p.status === 'running' || p.status === 'runnable'),
            );
            this.set({ ...base(s), process: name }, running ? 1 : 0);
          }
        }
      },
    });
    const interfaceCounter = (name: string, help: string, pick: 'inOctets' | 'outOctets') =>
      new Counter({
        name,
        help,
        labelNames: ['device', 'site', 'interface'],
        registers,
        collect() {
          this.reset();
          for (const s of states()) {
            const ifs = s.snapshot?.interfaces;
            if (!ifs?.supported) continue;
            for (const i of ifs.value) {
              const value = i[pick];
              if (value !== undefined) this.inc({ ...base(s), interface: i.name }, Number(value));
            }
          }
        },
      });
    interfaceCounter(
      'netwatch_interface_receive_bytes_total',
      'Octets received on the interface as the device counts them (ifHCInOctets, or 32-bit ifInOctets).',
      'inOctets',
    );
    interfaceCounter(
      'netwatch_interface_transmit_bytes_total',
      'Octets sent on the interface as the device counts them (ifHCOutOctets, or 32-bit ifOutOctets).',
      'outOctets',
    );
    new Gauge({
      name: 'netwatch_interface_oper_up',
      help: 'ifOperStatus is up (1) or not (0).',
      labelNames: ['device', 'site', 'interface'],
      registers,
      collect() {
        this.reset();
        for (const s of states()) {
          const ifs = s.snapshot?.interfaces;
          if (!ifs?.supported) continue;
          for (const i of ifs.value)
            if (i.operUp !== undefined) this.set({ ...base(s), interface: i.name }, i.operUp ? 1 : 0);
        }
      },
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The inventory changed (start, SIGHUP): keep state for kept devices, drop removed ones. */
  setDevices(devices: readonly DeviceConfig[]): void {
    const keep = new Set(devices.map((d) => d.name));
    for (const name of this.#devices.keys()) if (!keep.has(name)) this.#devices.delete(name);
    for (const device of devices) {
      const existing = this.#devices.get(device.name);
      if (existing) this.#devices.set(device.name, { ...existing, device });
      else
        this.#devices.set(device.name, {
          device,
          up: false,
          lastPollSeconds: undefined,
          snapshot: undefined,
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

  recordSkipped(device: DeviceConfig): void {
    this.pollsSkipped.inc({ device: device.name, site: device.site });
  }
}
