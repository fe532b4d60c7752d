import type { PollResult } from './collect/snapshot.js';
import { parseDuration } from './config/duration.js';
import { storageDirOf } from './config/storage.js';
import type { Config, DeviceConfig, SnmpSecurity } from './config/types.js';
import { detectSettingsOf } from './detect/settings.js';
import { eventToJson } from './events/event.js';
import { EVENT_TYPES, type EventType } from './events/event-type.js';
import { type HttpServer, json, startHttpServer, text } from './http/server.js';
import { FileJournal } from './journal/file-journal.js';
import { StateStore } from './journal/state-store.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics/metrics.js';
import { Pipeline } from './pipeline.js';
import { Poller } from './poller.js';
import { Scheduler } from './schedule/scheduler.js';
import type { Ticker } from './schedule/ticker.js';
import { createNetSnmpConnector } from './snmp/net-snmp-connector.js';
import { createResolver } from './snmp/resolve-host.js';
import type { SnmpConnector } from './snmp/types.js';
import { UdpMux } from './snmp/udp-mux.js';

/** `netwatch run` assembled: scheduler → poller → metrics, and the HTTP server. */

export interface DaemonDeps {
  readonly logger: Logger;
  readonly now: () => number;
  readonly ticker: Ticker;
  /** Polls in flight at once across all devices. */
  readonly concurrency?: number;
  /** A fake SNMP seam for tests; the real one (shared sockets) otherwise. */
  readonly connector?: SnmpConnector<SnmpSecurity>;
}

export interface Daemon {
  readonly httpPort: number;
  reload(config: Config): void;
  stop(): Promise<void>;
}

function summarize(device: DeviceConfig, result: PollResult | undefined) {
  const base = { name: device.name, site: device.site, host: device.host, interval_ms: device.intervalMs };
  if (!result) return { ...base, state: 'pending' };
  if (!result.ok)
    return {
      ...base,
      state: 'down',
      last_poll: new Date(result.time).toISOString(),
      error: { reason: result.reason, message: result.message },
    };
  const s = result.snapshot;
  return {
    ...base,
    state: 'up',
    last_poll: new Date(s.time).toISOString(),
    poll_ms: s.durationMs,
    sys_name: s.system.name,
    sys_descr: s.system.descr,
    uptime_s: s.system.upTimeCs / 100,
    vc_members: s.vcMembers.supported ? s.vcMembers.value : null,
    alarms: s.alarms.supported ? s.alarms.value : null,
    interfaces_up: s.interfaces.supported ? s.interfaces.value.filter((i) => i.operUp).length : null,
    interfaces_down: s.interfaces.supported
      ? s.interfaces.value.filter((i) => i.adminUp && i.operUp === false).length
      : null,
  };
}

export async function startDaemon(initial: Config, deps: DaemonDeps): Promise<Daemon> {
  const { logger, now, ticker } = deps;
  let config = initial;
  const mux = new UdpMux();
  const connector = deps.connector ?? createNetSnmpConnector({ mux, now });
  const metrics = new Metrics();
  const last = new Map<string, PollResult>();
  const storage = storageDirOf(config);
  const journal = await FileJournal.open(storage);
  const pipeline = new Pipeline({
    journal,
    store: new StateStore(storage),
    metrics,
    logger,
    settings: () => detectSettingsOf(config),
  });

  const poller = new Poller({
    connector,
    resolve: createResolver(),
    now,
    onResult: async (device, result) => {
      const before = last.get(device.name);
      last.set(device.name, result);
      await pipeline.handle(device, result, now());
      if (!result.ok && (before === undefined || before.ok)) {
        logger.warn('poll failed', { device: device.name, reason: result.reason, error: result.message });
      } else if (result.ok && before !== undefined && !before.ok) {
        logger.info('poll recovered', { device: device.name });
      }
    },
  });
  const scheduler = new Scheduler(
    {
      poll: async (device) => {
        await poller.poll(device);
      },
      skipped: (device) => {
        metrics.recordSkipped(device);
        logger.warn('poll skipped: previous poll still running', { device: device.name });
      },
    },
    deps.concurrency ?? 256,
  );

  metrics.setDevices(config.devices);
  const snmpDevices = () => config.devices.filter((d) => d.snmp);
  scheduler.setDevices(snmpDevices(), now(), { immediately: true });

  const http: HttpServer = await startHttpServer(config.http.listen, {
    '/metrics': async () => ({
      status: 200,
      type: metrics.contentType,
      body: await metrics.render(),
    }),
    '/healthz': () => text(200, 'ok\n'),
    '/readyz': () =>
      poller.hasPolledAll(snmpDevices())
        ? text(200, 'ready\n')
        : text(503, 'waiting for the first poll of every device\n'),
    '/api/devices': () =>
      json(
        200,
        config.devices.map((d) => summarize(d, last.get(d.name))),
      ),
    '/api/events': (request) => {
      const query = new URL(request.url ?? '/', 'http://netwatch').searchParams;
      const type = query.get('type');
      const since = query.get('since');
      const device = query.get('device');
      if (type !== null && !(EVENT_TYPES as readonly string[]).includes(type))
        return json(400, { error: `unknown event type "${type}"` });
      const sinceMs = since === null ? undefined : parseDuration(since);
      if (since !== null && sinceMs === undefined)
        return json(400, { error: 'since takes a duration such as 2h' });
      const events = journal.query({
        ...(device !== null ? { device } : {}),
        ...(type !== null ? { type: type as EventType } : {}),
        ...(sinceMs !== undefined ? { since: now() - sinceMs } : {}),
        limit: 1000,
      });
      return json(200, events.map(eventToJson));
    },
  });
  ticker.start(() => scheduler.tick(now()));
  logger.info('netwatch running', {
    devices: config.devices.length,
    listen: `${config.http.listen.host}:${http.port}`,
  });

  return {
    httpPort: http.port,
    reload(next) {
      config = next;
      metrics.setDevices(next.devices);
      pipeline.retain(next.devices);
      scheduler.setDevices(snmpDevices(), now());
      for (const name of last.keys()) if (!next.devices.some((d) => d.name === name)) last.delete(name);
      logger.info('configuration reloaded', { devices: next.devices.length });
    },
    async stop() {
      ticker.stop();
      scheduler.clearQueue();
      await scheduler.idle(); // polls in flight end by their own deadline
      await http.close();
      await journal.close();
      mux.close();
      logger.info('netwatch stopped');
    },
  };
}
