import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ScaledClock, scaledClock } from '../../clock.js';
import { loadConfigText } from '../../config/load.js';
import { formatProblem } from '../../config/problems.js';
import { type Daemon, startDaemon } from '../../daemon.js';
import type { RecordedEvent } from '../../events/event.js';
import type { IncidentReport } from '../../incident/incident.js';
import { type Logger, silentLogger } from '../../log.js';
import { loadReport } from '../../report/load-report.js';
import { buildTimeline } from '../../report/timeline.js';
import { createCronCalendar } from '../../schedule/calendar.js';
import { createClockTicker } from '../../schedule/ticker.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { fleetConfigYaml } from '../fleet-config.js';
import type { StampedHappening } from '../happening.js';
import { type PageSink, type ReceivedPage, startPageSink } from '../page-sink.js';
import { SIM_V3_USER, Simulator } from '../simulator.js';
import {
  checkExpectations,
  type Live,
  type ObservedEvent,
  type ObservedIncident,
  type ObservedPage,
  type Verdict,
} from './expect.js';
import { preflight } from './preflight.js';
import { runScenario } from './run.js';
import type { Scenario, Step } from './types.js';

/**
 * A scenario end to end in one process: the simulator and `netwatch run` (the real daemon, real
 * SNMP over loopback, the SQLite store) on one scaled clock, then the journal checked against
 * `expect:`. Config durations are scenario time, so a 10-minute quiet period passes in 10 s at
 * speed 60. Used by the scenario tests, and by `netwatch demo` once it exists.
 */

export interface ScenarioWithDaemonOptions {
  readonly scenario: Scenario;
  /** Scenario ms per real ms. */
  readonly speed: number;
  /** SNMP the daemon uses: v2c on the shared port (default) or v3 on each device's engine. */
  readonly snmp?: 'v2c' | 'v3';
  readonly logger?: Logger;
  /** Keep the storage directory (the caller removes it); default: a temporary one, removed. */
  readonly storageDir?: string;
  readonly onStep?: (step: Step, happenings: readonly StampedHappening[], clock: ScaledClock) => void;
  readonly onHappening?: (happening: StampedHappening) => void;
  /** Witness sources this build produces (default: poll only). */
  readonly live?: Live;
  /**
   * Receivers for the daemon's pages (devices.yaml `notify:` keys). Default: a loopback page sink
   * standing in for PagerDuty (`pages` in the outcome).
   */
  readonly notify?: Readonly<Record<string, unknown>>;
  readonly onPage?: (page: ReceivedPage) => void;
}

export interface ScenarioOutcome {
  readonly startMs: number;
  readonly events: readonly RecordedEvent[];
  readonly verdicts: readonly Verdict[];
  readonly happenings: readonly StampedHappening[];
  /**
   * What the daemon's /metrics said about each device at the end: polls, whether the last poll
   * succeeded, its throughput. A `none:` expectation proves little about a device never measured.
   */
  readonly health: ReadonlyMap<string, DeviceHealth>;
  /** Devices the simulator says carry traffic at the end (netwatch should measure some). */
  readonly expectedTraffic: ReadonlySet<string>;
  /** Steps that threw (a scenario bug the preflight could not see): a run with any is not valid. */
  readonly stepErrors: readonly string[];
  /** Requests the simulator answered / ignored. */
  readonly requests: { readonly answered: number; readonly ignored: number };
  /** Incidents opened during the run, with everything their reports show. */
  readonly incidents: readonly IncidentReport[];
  /** What the loopback page sink received (empty when `notify` was given). */
  readonly pages: readonly ReceivedPage[];
}

export const POLL_ONLY: Live = { sources: new Set(['poll']) };

export async function runScenarioWithDaemon(options: ScenarioWithDaemonOptions): Promise<ScenarioOutcome> {
  const { scenario, speed } = options;
  const logger = options.logger ?? silentLogger;
  const clock = scaledClock({
    speed,
    ...(scenario.startWallMs !== undefined ? { origin: { wallMs: scenario.startWallMs } } : {}),
  });
  const dir = options.storageDir ?? (await mkdtemp(join(tmpdir(), `netwatch-${scenario.name}-`)));
  const removeDir = () =>
    options.storageDir ? Promise.resolve() : rm(dir, { recursive: true, force: true });
  const simulator = await Simulator.start({
    clock,
    devices: scenario.devices,
    ...(options.snmp === 'v3' ? { v3: { user: SIM_V3_USER } } : {}),
    onError: (error) => logger.warn('simulator error', { error: String(error) }),
  }).catch(async (error: unknown) => {
    await removeDir();
    throw error;
  });
  let daemon: Daemon | undefined;
  let store: SqliteStore | undefined;
  let sink: PageSink | undefined;
  try {
    if (!options.notify)
      sink = await startPageSink({
        now: () => clock.wallMs(),
        ...(options.onPage ? { onPage: options.onPage } : {}),
      });
    const problems = preflight(scenario, simulator.devices);
    if (problems.length > 0) throw new Error(`the scenario cannot run:\n${problems.join('\n')}`);
    const text = fleetConfigYaml({
      simulator,
      scenario,
      snmp: options.snmp ?? 'v2c',
      storageDir: dir,
      listen: '127.0.0.1:0',
      notify: options.notify ?? {
        pagerduty: { routing_key: 'netwatch-simulator-page-sink', url: `${sink?.url}/v2/enqueue` },
      },
    });
    const loaded = loadConfigText(text, `${scenario.name}.devices.yaml`, {});
    if (!loaded.ok)
      throw new Error(
        `the scenario's devices.yaml is invalid:\n${loaded.kind === 'invalid' ? loaded.problems.map(formatProblem).join('\n') : loaded.reason}`,
      );
    const opened = await SqliteStore.open(dir, { wallMs: () => clock.wallMs() });
    if (!opened.ok) throw new Error(`cannot open the store in ${dir}: ${opened.reason}`);
    store = opened.store;
    // Scenario time 0 is the clock's origin (the scenario's `start:` when it has one): steps and
    // maintenance windows land where the file says, however long the daemon took to start.
    const startMs = clock.origin.wallMs;
    daemon = await startDaemon(loaded.config, {
      logger,
      clock,
      ticker: createClockTicker({ clock, onError: (e) => logger.error('tick failed', { error: String(e) }) }),
      calendar: createCronCalendar(),
      store,
      // Receivers outside the simulation (a real Alertmanager) run on real time.
      pagerNow: Date.now,
    });
    const happenings: StampedHappening[] = [];
    const stepErrors: string[] = [];
    const run = runScenario({
      scenario,
      simulator,
      clock,
      startMs,
      onStep: (step, hs) => options.onStep?.(step, hs, clock),
      onHappening: (h) => {
        happenings.push(h);
        options.onHappening?.(h);
      },
      onError: (error) => {
        stepErrors.push(error instanceof Error ? error.message : String(error));
        logger.error('scenario step failed', { error: String(error) });
      },
    });
    await run.done;
    const health = await deviceHealth(daemon.httpPort);
    await daemon.stop();
    daemon = undefined;
    const events = await store.queryEvents({ since: startMs });
    const reports: IncidentReport[] = [];
    for (const row of await store.queryIncidents({ since: startMs - 86_400_000 })) {
      const report = await loadReport(store, loaded.config, row.incident.id);
      if (report && row.incident.impactStart >= startMs - 3_600_000) reports.push(report);
    }
    reports.reverse();
    const observedIncidents: ObservedIncident[] = reports.map(observeIncident);
    const observedPages: ObservedPage[] = reports.flatMap(observePages);
    const observed: ObservedEvent[] = events.map((e) => ({
      device: e.device,
      type: e.type,
      timeMs: e.time,
      source: e.source,
      witnesses: e.witnesses.map((w) => w.source),
      details: e.details as Record<string, unknown>,
    }));
    return {
      startMs,
      events,
      verdicts: checkExpectations(
        scenario,
        startMs,
        { events: observed, incidents: observedIncidents, pages: observedPages },
        options.live ?? POLL_ONLY,
      ),
      incidents: reports,
      pages: sink?.received.slice() ?? [],
      happenings,
      health,
      expectedTraffic: new Set(
        [...simulator.devices.values()].filter((d) => d.throughputBps(clock.wallMs()) > 0).map((d) => d.name),
      ),
      stepErrors,
      requests: simulator.counts(),
    };
  } finally {
    if (daemon) await daemon.stop();
    await store?.close();
    await simulator.close();
    await sink?.close();
    await removeDir();
  }
}

/** An incident as `expect: incidents:` matches it: its subject and the labels of its timeline. */
function observeIncident(report: IncidentReport): ObservedIncident {
  const { incident } = report;
  return {
    ...(incident.scope === 'device' ? { device: incident.devices[0] ?? '' } : {}),
    site: incident.site,
    openedMs: incident.openedAt,
    maintenance: incident.maintenance !== undefined,
    timeline: buildTimeline(report).map((line) => line.label),
  };
}

/** One page per incident that paged (a trigger accepted by some receiver), resolved if a resolve was. */
function observePages(report: IncidentReport): ObservedPage[] {
  const { incident, deliveries } = report;
  if (!deliveries.some((d) => d.action === 'trigger' && d.result === 'accepted')) return [];
  const resolved = deliveries.some((d) => d.action === 'resolve' && d.result === 'accepted');
  return [
    {
      ...(incident.scope === 'device' ? { device: incident.devices[0] ?? '' } : {}),
      site: incident.site,
      resolved,
    },
  ];
}

export interface DeviceHealth {
  readonly polls: number;
  readonly up: boolean;
  readonly bps: number | undefined;
}

/** Per-device figures from the daemon's own /metrics (what Prometheus would see). */
async function deviceHealth(port: number): Promise<Map<string, DeviceHealth>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, { polls: number; up: boolean; bps: number | undefined }>();
  const get = (device: string) => {
    let h = out.get(device);
    if (!h) {
      h = { polls: 0, up: false, bps: undefined };
      out.set(device, h);
    }
    return h;
  };
  for (const line of text.split('\n')) {
    const m =
      /^(netwatch_device_polls_total|netwatch_device_up|netwatch_device_throughput_bits_per_second)\{device="([^"]*)"[^}]*\} (\S+)$/.exec(
        line,
      );
    if (!m) continue;
    const [, name = '', device = '', value = ''] = m;
    const h = get(device);
    if (name === 'netwatch_device_polls_total') h.polls = Number(value);
    else if (name === 'netwatch_device_up') h.up = value === '1';
    else h.bps = Number(value);
  }
  return out;
}
