import { authorized } from './api-auth.js';
import { type IncidentActions, incidentRoutes } from './api-incidents.js';
import type { PollResult } from './collect/snapshot.js';
import { parseDuration } from './config/duration.js';
import type { Config, DeviceConfig } from './config/types.js';
import { eventToJson } from './events/event.js';
import { type Handler, json, text } from './http/server.js';
import type { Metrics } from './metrics/metrics.js';
import type { CommitQueue } from './store/commit-queue.js';
import type { Store } from './store/store.js';
import { StoreError } from './store/store.js';

/** The daemon's HTTP routes: metrics, health, the read API and the operator actions. */

export interface ApiDeps {
  readonly config: () => Config;
  readonly metrics: Metrics;
  readonly store: Store;
  readonly queue: CommitQueue;
  readonly wallMs: () => number;
  readonly lastPoll: (device: string) => PollResult | undefined;
  readonly ready: () => boolean;
  /** Makes the device's current membership and processes the expected ones; resolves the event id. */
  readonly acceptBaseline: (device: DeviceConfig, author: string) => Promise<BaselineOutcome>;
  readonly onStoreError: (op: 'query' | 'commit') => void;
  /** Operator actions on incidents (ack, resolve, silences) through the running correlator. */
  readonly incidents?: IncidentActions;
}

export type BaselineOutcome =
  | { readonly ok: true; readonly summary: string; readonly committed: boolean }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** Event types are snake_case words; unknown ones (from a newer netwatch) can still be asked for. */
const TYPE = /^[a-z][a-z0-9_]{0,63}$/;

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

export function apiRoutes(deps: ApiDeps): Record<string, Handler> {
  const { metrics, store, queue } = deps;
  const readable =
    (handler: Handler): Handler =>
    (request) =>
      authorized(request, deps.config().http.readToken) === 'denied'
        ? json(401, { error: 'a valid bearer token (http.read_token) is required' })
        : handler(request);
  const incidents = Object.fromEntries(
    Object.entries(
      incidentRoutes({
        config: deps.config,
        store,
        wallMs: deps.wallMs,
        ...(deps.incidents ? { actions: deps.incidents } : {}),
        onStoreError: deps.onStoreError,
      }),
    ).map(([key, handler]) => [key, key.startsWith('POST ') ? handler : readable(handler)]),
  );
  return {
    ...incidents,
    '/metrics': async () => ({ status: 200, type: metrics.contentType, body: await metrics.render() }),
    '/healthz': () => text(200, 'ok\n'),
    '/readyz': () => {
      const health = queue.health;
      if (!health.ok)
        return text(
          503,
          `store: ${health.reason ?? 'failing'}; ${queue.pendingEvents} events held in memory\n`,
        );
      return deps.ready()
        ? text(200, 'ready\nstore: ok\n')
        : text(503, 'waiting for the first poll of every device\n');
    },
    '/api/devices': readable(() =>
      json(
        200,
        deps.config().devices.map((d) => summarize(d, deps.lastPoll(d.name))),
      ),
    ),
    '/api/events': readable(async (request) => {
      const query = new URL(request.url ?? '/', 'http://netwatch').searchParams;
      const type = query.get('type');
      const since = query.get('since');
      const device = query.get('device');
      if (type !== null && !TYPE.test(type))
        return json(400, { error: 'type takes an event type such as master_switchover' });
      const sinceMs = since === null ? undefined : parseDuration(since);
      if (since !== null && sinceMs === undefined)
        return json(400, { error: 'since takes a duration such as 2h' });
      try {
        const events = await store.queryEvents({
          ...(device !== null ? { device } : {}),
          ...(type !== null ? { type } : {}),
          ...(sinceMs !== undefined ? { since: deps.wallMs() - sinceMs } : {}),
          limit: 1000,
        });
        return json(200, events.map(eventToJson));
      } catch (error) {
        deps.onStoreError('query');
        if (error instanceof StoreError) return json(503, { error: error.message });
        throw error;
      }
    }),
    'POST /api/baseline': async (request) => {
      const config = deps.config();
      const auth = authorized(request, config.http.token);
      if (auth === 'disabled')
        return json(403, { error: 'operator actions are disabled: set http.write_token in devices.yaml' });
      if (auth === 'denied') return json(401, { error: 'a valid bearer token is required' });
      const query = new URL(request.url ?? '/', 'http://netwatch').searchParams;
      const name = query.get('device') ?? '';
      const author = (query.get('author') ?? '').slice(0, 100);
      const device = config.devices.find((d) => d.name === name);
      if (!device) return json(404, { error: `no device named "${name}" in the configuration` });
      if (author.trim() === '') return json(400, { error: 'author is required' });
      const outcome = await deps.acceptBaseline(device, author);
      if (!outcome.ok) return json(outcome.status, { error: outcome.reason });
      return json(200, { device: name, summary: outcome.summary, committed: outcome.committed });
    },
  };
}
