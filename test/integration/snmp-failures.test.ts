import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectDevice, pollDeadlineMs } from '../../src/collect/collect-device.js';
import type { PollResult } from '../../src/collect/snapshot.js';
import type { DeviceConfig } from '../../src/config/types.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { Poller } from '../../src/poller.js';
import { createNetSnmpConnector } from '../../src/snmp/net-snmp-connector.js';
import { createResolver } from '../../src/snmp/resolve-host.js';
import { UdpMux } from '../../src/snmp/udp-mux.js';
import { device, v2c, v3 } from '../helpers/devices.js';

/** Bad input: silent, lying, slow and misconfigured agents. */

const { snmpd } = inject('services');
const mux = new UdpMux();
const connector = createNetSnmpConnector({ mux, now: Date.now });
const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
  mux.close();
});

const poll = (d: DeviceConfig): Promise<PollResult> =>
  collectDevice({ device: d, address: '127.0.0.1', connector, now: Date.now, memo: {} });

/** A loopback UDP responder that answers every datagram with `reply(request)`. */
async function responder(reply: (request: Buffer) => Buffer | undefined, delayMs = 0): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => {
    const answer = reply(message);
    if (!answer) return;
    setTimeout(() => socket.send(answer, from.port, from.address), delayMs);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => socket.close());
  return (socket.address() as AddressInfo).port;
}

/** A UDP proxy in front of snmpd that holds every answer for `delayMs`. */
async function slowProxy(delayMs: number): Promise<number> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let client: { port: number; address: string } | undefined;
  front.on('message', (message, from) => {
    client = { port: from.port, address: from.address };
    back.send(message, snmpd.port, snmpd.host);
  });
  back.on('message', (message) => {
    const to = client;
    if (to) setTimeout(() => front.send(message, to.port, to.address), delayMs);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
  closers.push(() => {
    front.close();
    back.close();
  });
  return (front.address() as AddressInfo).port;
}

describe('SNMP bad input', () => {
  let closedPort: number;
  beforeAll(async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    closedPort = (s.address() as AddressInfo).port;
    s.close(); // nothing listens there now
  });

  it('an unreachable host fails within its deadline, classified timeout', async () => {
    const d = device('silent', closedPort, v3('testv3user', 'authpass123', 'privpass123'), {
      timeoutMs: 300,
      retries: 1,
    });
    const started = Date.now();
    const result = await poll(d);
    const took = Date.now() - started;
    expect(result).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(pollDeadlineMs(d) + 500);
  });

  it('a wrong community is told apart from a dead host: classified auth', async () => {
    const result = await poll(
      device('wrongcomm', snmpd.port, v2c('not-the-community'), { timeoutMs: 300, retries: 0 }),
    );
    expect(result).toMatchObject({ ok: false, reason: 'auth', retryable: false });
    if (!result.ok) expect(result.message).toContain('wrong community');
  });

  it('a wrong SNMPv3 key is classified auth, at once', async () => {
    const started = Date.now();
    const result = await poll(
      device('wrongkey', snmpd.port, v3(snmpd.v3.user, 'not-the-key-123', snmpd.v3.priv)),
    );
    expect(result).toMatchObject({ ok: false, reason: 'auth', retryable: false });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each([
    ['garbage', () => Buffer.from('this is not BER at all \u0000\u00ff')],
    ['truncated BER', () => Buffer.from('302902010104067075626c6963a21c0204', 'hex')],
  ])(
    'an agent answering %s is classified malformed, and other polls are unaffected',
    async (_name, reply) => {
      const port = await responder(reply);
      const liar = device('liar', port, v2c('public'), { timeoutMs: 300, retries: 1 });
      const honest = device('honest', snmpd.port, v2c(snmpd.community));
      const metrics = new Metrics({ processMetrics: false });
      metrics.setDevices([liar, honest]);
      const poller = new Poller({
        connector,
        resolve: createResolver(),
        now: Date.now,
        onResult: (_d, r) => metrics.recordPoll(r),
      });
      const [bad, good] = await Promise.all([poller.poll(liar), poller.poll(honest)]);
      expect(bad).toMatchObject({ ok: false, reason: 'malformed' });
      expect(good.ok).toBe(true);
      const text = await metrics.render();
      expect(text).toContain('netwatch_poll_errors_total{device="liar",site="test",reason="malformed"} 1');
      expect(text).toContain('netwatch_device_up{device="honest",site="test"} 1');
    },
  );

  it('datagrams from strangers on the shared sockets are dropped and counted', async () => {
    await poll(device('warm', snmpd.port, v2c(snmpd.community)));
    const before = mux.strayDatagrams;
    const stranger = dgram.createSocket('udp4');
    for (const port of mux.localPorts) stranger.send(Buffer.from('garbage'), port, '127.0.0.1');
    await expect.poll(() => mux.strayDatagrams, { timeout: 2000 }).toBeGreaterThan(before);
    stranger.close();
    expect((await poll(device('after', snmpd.port, v2c(snmpd.community)))).ok).toBe(true);
  });

  it('a slow agent does not delay the other devices', async () => {
    const slowPort = await slowProxy(800);
    const slow = device('slow', slowPort, v2c(snmpd.community), { timeoutMs: 3000, retries: 0 });
    const fast = [1, 2, 3, 4].map((n) => device(`fast${n}`, snmpd.port, v2c(snmpd.community)));
    const timed = async (d: DeviceConfig) => {
      const started = Date.now();
      const result = await poll(d);
      return { result, ms: Date.now() - started };
    };
    const [slowRun, ...fastRuns] = await Promise.all([timed(slow), ...fast.map(timed)]);
    expect(slowRun?.ms).toBeGreaterThanOrEqual(800);
    for (const run of fastRuns) {
      expect(run.result.ok).toBe(true);
      expect(run.ms).toBeLessThan(700);
    }
  });
});

describe('hrSWRunTable over SNMPv3 authPriv', () => {
  it('a process the test spawns appears with its PID', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    closers.push(() => child.kill());
    const d = device('host', snmpd.port, v3(snmpd.v3.user, snmpd.v3.auth, snmpd.v3.priv), {
      watchProcesses: ['sleep'],
    });
    const result = await poll(d);
    if (!result.ok) throw new Error(result.message);
    const { processes } = result.snapshot;
    if (!processes.supported) throw new Error('hrSWRunTable not supported');
    expect(processes.value).toContainEqual(expect.objectContaining({ pid: child.pid, name: 'sleep' }));
    expect(processes.value.length).toBeGreaterThan(5);
  });
});
