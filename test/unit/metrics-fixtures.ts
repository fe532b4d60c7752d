import type { PollResult, Snapshot } from '../../src/collect/snapshot.js';

/** A one-device, one-interface snapshot (metrics unit tests and the promtool integration test). */
export const snapshot = (name: string, ifName: string, time = 0): Snapshot => ({
  device: name,
  time,
  durationMs: 12,
  requests: 2,
  system: {
    descr: 'x',
    objectId: '1.3.6.1.4.1.2636',
    name,
    upTimeCs: 12_345,
    engineBoots: 3,
    engineTimeS: 99,
  },
  interfaces: {
    supported: true,
    value: [
      {
        index: 1,
        name: ifName,
        alias: '',
        adminUp: true,
        operUp: true,
        speedMbps: 1000,
        inOctets: 2n ** 60n,
        outOctets: 5n,
        counterBits: 64,
        discontinuityCs: 0,
      },
    ],
  },
  processes: { supported: false },
  vcMembers: {
    supported: true,
    value: [
      { id: 0, role: 'backup', serial: 's0', model: 'm', version: 'v', priority: 1, mac: '', uptimeS: 10 },
      { id: 1, role: 'master', serial: 's1', model: 'm', version: 'v', priority: 1, mac: '', uptimeS: 10 },
    ],
  },
  vcPorts: { supported: false },
  redundancy: { supported: false },
  alarms: { supported: true, value: { red: true, redCount: 1, yellow: false, yellowCount: 0 } },
  configChanges: { supported: false },
});

/** A poll of `device` that timed out at `time`. */
export const failedPoll = (device: string, time: number): PollResult => ({
  ok: false,
  device,
  time,
  durationMs: 2000,
  retryable: true,
  reason: 'timeout',
  message: 't',
});
