import type { Detector } from './detector.js';
import { detectAlarms } from './detectors/alarms.js';
import { detectConfigChange } from './detectors/config-change.js';
import { detectDegraded } from './detectors/degraded.js';
import { detectFrozenCounters } from './detectors/frozen-counters.js';
import { detectImbalance } from './detectors/imbalance.js';
import { detectInterfaces } from './detectors/interfaces.js';
import { detectProcesses } from './detectors/processes.js';
import { detectReachability } from './detectors/reachability.js';
import { detectReboot } from './detectors/reboot.js';
import { detectTraffic } from './detectors/traffic.js';
import { detectVirtualChassis } from './detectors/vc.js';

/**
 * Every poll-derived detector, in the order its events enter the timeline within one poll (cause
 * before effect: reachability and reboots, then chassis, processes, traffic, context).
 * Add a detector here and nowhere else.
 */
export const DETECTORS = {
  reachability: detectReachability,
  degraded: detectDegraded,
  reboot: detectReboot,
  virtualChassis: detectVirtualChassis,
  processes: detectProcesses,
  interfaces: detectInterfaces,
  traffic: detectTraffic,
  frozenCounters: detectFrozenCounters,
  imbalance: detectImbalance,
  alarms: detectAlarms,
  configChange: detectConfigChange,
} as const satisfies Record<string, Detector>;

export type DetectorName = keyof typeof DETECTORS;
