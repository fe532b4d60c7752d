import { afterAll, describe, expect, inject, it } from 'vitest';
import { collectDevice } from '../../src/collect/collect-device.js';
import type { Snapshot } from '../../src/collect/snapshot.js';
import { createNetSnmpConnector } from '../../src/snmp/net-snmp-connector.js';
import { UdpMux } from '../../src/snmp/udp-mux.js';
import { device, v2c } from '../helpers/devices.js';

/** One poll of each real Juniper recording served by snmpsim. */

const { snmpsim } = inject('services');
const mux = new UdpMux();
const connector = createNetSnmpConnector({ mux, now: Date.now });
afterAll(() => mux.close());

async function poll(community: string): Promise<Snapshot> {
  const result = await collectDevice({
    device: device(community, snmpsim.port, v2c(community), { timeoutMs: 2000 }),
    address: snmpsim.host,
    connector,
    now: Date.now,
    memo: {},
  });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result.snapshot;
}

describe('polling snmpsim recordings', () => {
  it('junos_ex4600mp: 8 members, 1 master, 0 backup, 2-7 linecard; redundancy count 1 autoSwitched', async () => {
    const s = await poll('junos_ex4600mp');
    if (!s.vcMembers.supported) throw new Error('VC table not supported');
    expect(s.vcMembers.value.map((m) => [m.id, m.role])).toEqual([
      [0, 'backup'],
      [1, 'master'],
      [2, 'linecard'],
      [3, 'linecard'],
      [4, 'linecard'],
      [5, 'linecard'],
      [6, 'linecard'],
      [7, 'linecard'],
    ]);
    expect(s.vcMembers.value.find((m) => m.id === 2)?.uptimeS).toBe(8996015);
    expect(s.vcMembers.value[1]).toMatchObject({
      model: 'ex4300-48mp',
      version: '18.4R4',
      serial: 'XR0123456790',
    });
    if (!s.redundancy.supported) throw new Error('redundancy not supported');
    expect(s.redundancy.value).toHaveLength(2);
    expect(s.redundancy.value.filter((r) => r.switchoverCount === 1)).toEqual([
      expect.objectContaining({ descr: 'Routing Engine 1', state: 'master', reason: 'autoSwitched' }),
    ]);
    expect(s.vcPorts.supported && s.vcPorts.value).toHaveLength(16);
    expect(s.vcPorts.supported && s.vcPorts.value[0]).toMatchObject({
      member: 0,
      name: 'vcp-255/1/0.32768',
      up: true,
    });
    expect(s.interfaces.supported && s.interfaces.value).toHaveLength(854);
    expect(s.processes.supported).toBe(false);
  });

  it('junos_qfx5100: 50 interfaces with HC counters and three disagreeing uptimes all kept', async () => {
    const s = await poll('junos_qfx5100');
    if (!s.interfaces.supported) throw new Error('no interfaces');
    expect(s.interfaces.value).toHaveLength(50);
    expect(s.interfaces.value.every((i) => i.counterBits === 64 && typeof i.inOctets === 'bigint')).toBe(
      true,
    );
    expect(s.system.upTimeCs).toBe(3169229834); // 366.8 d
    expect((s.system.upTimeCs / 100 / 86400).toFixed(1)).toBe('366.8');
    expect(s.system.engineTimeS).toBe(41087538); // 475.5 d
    expect(Math.floor(((s.system.engineTimeS ?? 0) / 86400) * 10) / 10).toBe(475.5);
    expect(s.vcMembers.supported && s.vcMembers.value).toEqual([
      expect.objectContaining({ id: 0, role: 'master', uptimeS: 74642032, model: 'qfx5100-48s-6q' }),
    ]);
    expect(((s.vcMembers.supported && s.vcMembers.value[0]?.uptimeS) || 0) / 86400).toBeCloseTo(864, 0);
    // Independent clocks: hrSystemUptime is served; the RE uptime is pinned at 2^31-1, so unusable.
    expect(s.system.hostUpTimeCs).toBe(3169236438);
    expect(s.routingEngines).toEqual({ supported: true, value: [{ index: '9.1.0.0', upTimeCs: undefined }] });
    expect(s.redundancy.supported && s.redundancy.value[0]).toMatchObject({
      switchoverCount: 1,
      reason: 'autoSwitched',
    });
    expect(s.alarms).toEqual({
      supported: true,
      value: expect.objectContaining({ yellow: true, red: false }),
    });
  });

  it('junos_mx5t-isis: no VC table is "not supported", red alarm on', async () => {
    const s = await poll('junos_mx5t-isis');
    expect(s.vcMembers).toEqual({ supported: false });
    expect(s.vcPorts).toEqual({ supported: false });
    expect(s.alarms).toEqual({
      supported: true,
      value: expect.objectContaining({ red: true, yellow: false }),
    });
    expect(s.interfaces.supported && s.interfaces.value.filter((i) => i.counterBits === 64)).toHaveLength(48);
    expect(s.redundancy.supported && s.redundancy.value[0]).toMatchObject({
      state: 'unknown',
      reason: 'neverSwitched',
      switchoverCount: 0,
    });
  });

  it('junos (EX4200 pair): no counters, no crash, names from ifDescr', async () => {
    const s = await poll('junos');
    if (!s.interfaces.supported) throw new Error('no interfaces');
    expect(s.interfaces.value).toHaveLength(141);
    expect(s.interfaces.value.every((i) => i.counterBits === undefined && i.inOctets === undefined)).toBe(
      true,
    );
    expect(s.interfaces.value.map((i) => i.name)).toContain('ge-0/0/0');
    expect(s.vcMembers.supported && s.vcMembers.value.map((m) => m.role)).toEqual(['master', 'backup']);
    expect(s.redundancy).toEqual({ supported: false });
  });
});
