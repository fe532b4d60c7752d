import type { IncomingMessage } from 'node:http';
import { apiRoutes } from './api.js';
import { acceptBaselineNow } from './baseline.js';
import type { Clock } from './clock.js';
import type { PollResult } from './collect/snapshot.js';
import { storageDirOf } from './config/storage.js';
import type { Config, DeviceConfig, SnmpSecurity } from './config/types.js';
import { detectSettingsOf } from './detect/settings.js';
import { type Handler, type HttpServer, startHttpServer } from './http/server.js';
import { IncidentService } from './incident/incident-service.js';
import type { Silence } from './incident/maintenance.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics/metrics.js';
import { OutboxDrainer } from './page/outbox-drainer.js';
import { buildPagers, refreshIntervals } from './page/pagers.js';
import { receiversFor } from './page/routing.js';
import { Pipeline } from './pipeline.js';
import { Poller } from './poller.js';
import type { Calendar } from './schedule/calendar.js';
import { Scheduler } from './schedule/scheduler.js';
import type { Ticker } from './schedule/ticker.js';
import { createNetSnmpConnector } from './snmp/net-snmp-connector.js';
import { createResolver } from './snmp/resolve-host.js';
import type { SnmpConnector } from './snmp/types.js';
import { UdpMux } from './snmp/udp-mux.js';
import { CommitQueue } from './store/commit-queue.js';
import { lockStorage } from './store/daemon-lock.js';
import { identityOf } from './store/identity.js';
import { SqliteStore } from './store/sqlite-store.js';
import { type Store, StoreError } from './store/store.js';
import { printable } from './text.js';

/** `netwatch run` assembled: scheduler → poller → pipeline → store, metrics and the HTTP API. */

export interface DaemonDeps {
  readonly logger: Logger;
  /** Monotonic time for schedules, wall time for stamps. */
  readonly clock: Clock;
  /** Drives the poll tick on the clock's monotonic time. */
  readonly ticker: Ticker;
  /** Calendar jobs (daily retention). */
  readonly calendar: Calendar;
  /** Polls in flight at once across all devices. */
  readonly concurrency?: number;
  /** A fake SNMP seam for tests; the real one (shared sockets) otherwise. */
  readonly connector?: SnmpConnector<SnmpSecurity>;
  /** A store to use instead of opening storage.dir's SQLite file (tests). */
  readonly store?: Store;
  /**
   * Wall time for what receivers compare with their own clocks (Alertmanager's startsAt/endsAt):
   * the clock's by default; Date.now when the clock is scaled (the simulator) and the receiver real.
   */
  readonly pagerNow?: () => number;
  /** Clock ms between correlator ticks (quiet periods, maintenance ends); default 5000. */
  readonly correlateEveryMs?: number;
}

export interface Daemon {
  readonly httpPort: number;
  reload(config: Config): void;
  stop(): Promise<void>;
}

export async function startDaemon(initial: Config, deps: DaemonDeps): Promise<Daemon> {
  const { logger, clock, ticker, calendar } = deps;
  let config = initial;
  const wallMs = () => clock.wallMs();
  const metrics = new Metrics();

  let store = deps.store;
  let lock: ReturnType<typeof lockStorage> | undefined;
  if (!store) {
    lock = lockStorage(storageDirOf(config));
    if (!lock.ok)
      throw new Error(
        `${storageDirOf(config)} is in use by another netwatch run (pid ${lock.pid}): one daemon per storage.dir`,
      );
    const opened = await SqliteStore.open(storageDirOf(config), { wallMs });
    if (!opened.ok) {
      lock.release();
      metrics.recordStoreError('open');
      throw new Error(opened.reason);
    }
    store = opened.store;
    if (opened.imported)
      logger.info('imported the event journal and device state written by an earlier netwatch', {
        events: opened.imported.events,
        skipped_lines: opened.imported.skippedLines,
        devices: opened.imported.memories,
        note: 'events.jsonl and state/ are no longer used and can be archived',
      });
  }
  const db = store;

  // Incidents and pages: the correlator runs inside each commit (incident/incident-service.ts),
  // the drainer delivers what those commits put in the outbox (page/outbox-drainer.ts).
  let silences: readonly Silence[] = [];
  try {
    silences = JSON.parse((await db.getMeta('silences')) ?? '[]') as Silence[];
  } catch {
    logger.warn('stored silences unreadable: starting without them');
  }
  const pagerNow = deps.pagerNow ?? wallMs;
  let pagers = buildPagers(config.notify, pagerNow);
  metrics.paging.knowReceivers([...pagers.keys()]);
  let drainer: OutboxDrainer | undefined;
  const incidents = await IncidentService.load(db, {
    config: () => config,
    wallMs,
    silences: () => silences,
    onPagesDue: () => drainer?.nudge(),
    onFailOpen: (drafts) => drainer?.failOpen(drafts),
    onBug: (error) => {
      metrics.recordInternalError('correlate');
      logger.error('correlator failed: events stored without their incident changes', {
        error: error.message,
        at: error.stack?.split('\n')[1]?.trim() ?? '',
      });
    },
    onIncidents: (written) => {
      metrics.paging.incidentsOpen.set(incidents.openIncidents().length);
      for (const i of written)
        logger.info('incident', {
          id: i.id,
          status: i.status,
          scope: i.scope,
          devices: i.devices.join(','),
          title: printable(i.title),
        });
    },
  });
  metrics.paging.incidentsOpen.set(incidents.openIncidents().length);
  drainer = new OutboxDrainer({
    store: db,
    pagers: () => pagers,
    clock,
    logger,
    metrics: metrics.paging,
    refresh: () => ({
      incidents: incidents.openIncidents().filter((i) => i.pageCause !== undefined && !i.maintenance),
      receivers: refreshIntervals(config.notify),
      receiversOf: (i) => receiversFor(config.notify, i).map((t) => t.name),
      externalUrl: config.http.externalUrl,
    }),
  });
  const outbox = drainer;

  const queue = new CommitQueue({
    store: db,
    correlation: () => incidents.correlation(),
    onCommitted: ({ recorded }) => {
      metrics.recordEvents(recorded);
      for (const e of recorded)
        logger.info('event', {
          device: e.device,
          type: e.type,
          severity: e.severity,
          summary: printable(e.summary),
        });
    },
    onError: (error, dropped) => {
      // A StoreError is the store failing; anything else is a bug in a batch or a listener.
      if (error instanceof StoreError) metrics.recordStoreError('commit');
      else metrics.recordInternalError('store');
      const lost = dropped.reduce((n, o) => n + o.events.length, 0);
      logger.error(
        dropped.length > 0
          ? 'store commit failed; observations dropped'
          : error instanceof StoreError
            ? 'store commit failed; kept in memory and retried'
            : 'recording committed events failed (they are stored)',
        {
          error: error.message,
          ...(dropped.length > 0
            ? { devices: dropped.map((o) => o.device).join(','), events_lost: lost }
            : {}),
        },
      );
    },
  });
  const pipeline = new Pipeline(
    {
      queue,
      metrics,
      logger,
      settings: () => detectSettingsOf(config),
      identityOf,
    },
    await db.loadMemories(),
  );
  pipeline.reconcile(config.devices);

  const mux = new UdpMux();
  const connector =
    deps.connector ??
    createNetSnmpConnector({ mux, now: () => clock.monotonicMs(), speed: clock.speed ?? 1 });
  const last = new Map<string, PollResult>();
  const poller = new Poller({
    connector,
    resolve: createResolver(),
    // Wall time stamps the poll; deadlines and durations run on monotonic time (same base as
    // the connector's), so a wall-clock step cuts no walk short and stretches none.
    now: wallMs,
    monotonic: () => clock.monotonicMs(),
    onResult: async (device, result) => {
      const before = last.get(device.name);
      last.set(device.name, result);
      try {
        await pipeline.handle(device, result, wallMs());
      } catch (error) {
        metrics.recordInternalError('pipeline');
        logger.error('pipeline failed for this poll; the next poll runs normally', {
          device: device.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
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
        try {
          await poller.poll(device);
        } catch (error) {
          metrics.recordInternalError('poll');
          logger.error('poll threw; the next poll runs normally', {
            device: device.name,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      },
      skipped: (device) => {
        metrics.recordSkipped(device);
        logger.warn('poll skipped: previous poll still running', { device: device.name });
      },
    },
    deps.concurrency ?? 256,
  );

  const snmpDevices = () => config.devices.filter((d) => d.snmp);
  metrics.setDevices(config.devices);
  metrics.watchSchedule(scheduler);
  scheduler.setDevices(snmpDevices(), clock.monotonicMs(), { immediately: true });

  const retention = async () => {
    const before = wallMs() - config.storage.retentionMs;
    try {
      const deleted = await db.deleteEventsBefore(before);
      logger.info('retention', { deleted, before: new Date(before).toISOString() });
    } catch (error) {
      metrics.recordStoreError('retention');
      logger.error('retention failed; tried again tomorrow', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  calendar.daily('retention', '17 3 * * *', retention);

  /** A handler that throws answers 500 (server.ts) and is counted here. */
  const counted = (routes: Record<string, Handler>): Record<string, Handler> =>
    Object.fromEntries(
      Object.entries(routes).map(([key, handler]) => [
        key,
        async (request: IncomingMessage) => {
          try {
            return await handler(request);
          } catch (error) {
            metrics.recordInternalError('http');
            throw error;
          }
        },
      ]),
    );
  const http: HttpServer = await startHttpServer(
    config.http.listen,
    counted(
      apiRoutes({
        config: () => config,
        metrics,
        store: db,
        queue,
        wallMs,
        lastPoll: (name) => last.get(name),
        ready: () => poller.hasPolledAll(snmpDevices()),
        acceptBaseline: (device: DeviceConfig, author: string) =>
          acceptBaselineNow(pipeline, device, author, wallMs()),
        onStoreError: (op) => metrics.recordStoreError(op),
        incidents: {
          operate: async (input) => {
            incidents.operate(input);
            return queue.tick();
          },
          silence: async (silence) => {
            const now = wallMs();
            silences = [...silences.filter((x) => x.until > now), silence];
            await db.setMeta('silences', JSON.stringify(silences));
          },
          silences: () => silences,
        },
      }),
    ),
  );
  // Links in pages and reports: with `listen: …:0` and no external_url, the port bound.
  const withBoundPort = (c: Config): Config =>
    c.http.externalUrl.endsWith(':0')
      ? { ...c, http: { ...c.http, externalUrl: `${c.http.externalUrl.slice(0, -2)}:${http.port}` } }
      : c;
  config = withBoundPort(config);
  outbox.start();
  const correlateEvery = deps.correlateEveryMs ?? 5000;
  let lastCorrelated = clock.monotonicMs();
  ticker.start((monotonicMs) => {
    if (monotonicMs - lastCorrelated >= correlateEvery) {
      lastCorrelated = monotonicMs;
      void queue.tick();
    }
    try {
      scheduler.tick(monotonicMs);
    } catch (error) {
      metrics.recordInternalError('tick');
      throw error; // the ticker's onError logs it and ticking goes on
    }
  });
  logger.info('netwatch running', {
    devices: config.devices.length,
    listen: `${config.http.listen.host}:${http.port}`,
  });

  return {
    httpPort: http.port,
    reload(next) {
      const listenChanged =
        next.http.listen.host !== config.http.listen.host ||
        next.http.listen.port !== config.http.listen.port;
      const storageChanged = storageDirOf(next) !== storageDirOf(config);
      if (listenChanged)
        logger.warn('http.listen changed: needs a restart; still listening on the old address', {
          listen: `${config.http.listen.host}:${config.http.listen.port}`,
        });
      if (storageChanged)
        logger.warn('storage.dir changed: needs a restart; still using the old store', {
          dir: storageDirOf(config),
        });
      config = withBoundPort({
        ...next,
        http: listenChanged ? { ...next.http, listen: config.http.listen } : next.http,
        storage: storageChanged ? { ...next.storage, dir: config.storage.dir } : next.storage,
        source: storageChanged ? config.source : next.source,
      });
      metrics.setDevices(config.devices);
      pagers = buildPagers(config.notify, pagerNow);
      metrics.paging.knowReceivers([...pagers.keys()]);
      pipeline.reconcile(config.devices);
      poller.retain(config.devices);
      scheduler.setDevices(snmpDevices(), clock.monotonicMs());
      for (const name of last.keys()) if (!config.devices.some((d) => d.name === name)) last.delete(name);
      logger.info('configuration reloaded', { devices: config.devices.length });
    },
    async stop() {
      ticker.stop();
      calendar.stop();
      scheduler.clearQueue();
      await scheduler.idle(); // polls in flight end by their own deadline
      await http.close();
      const stored = await pipeline.checkpointAll();
      if (!stored)
        logger.error('the store could not be written at shutdown: events found since it failed are lost', {
          events: queue.pendingEvents,
        });
      await outbox.stop(); // one last attempt at what is due: SIGTERM flushes the outbox
      queue.close();
      if (!deps.store) await db.close();
      if (lock?.ok) lock.release();
      mux.close();
      logger.info('netwatch stopped');
    },
  };
}
