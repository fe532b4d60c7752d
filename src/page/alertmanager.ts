import {
  assertHttpUrl,
  type FetchLike,
  peerName,
  postJson,
  toSendResult,
  truncateChars,
} from './http-post.js';
import type { PageMessage, Pager, SendResult } from './pager.js';

/**
 * Alertmanager API v2: `POST <url>/api/v2/alerts` with one alert per incident, to **every** URL in
 * `alertmanager.urls`. Alertmanager peers gossip silences and their notification log, not alerts:
 * each peer must receive every alert itself (Prometheus does the same), and a load balancer in
 * front of the cluster would hand each send to one peer only.
 *
 * Result: ok when at least one peer accepted (2xx) — that peer notifies, and the cluster's
 * notification log stops the others from notifying twice. A peer that missed a send catches up at
 * the next refresh (every `resendMs` while open), and a missed resolve lapses on its own at the
 * alert's `endsAt`. Failed peers are reported through `onPeerFailure` (log them; they are not a
 * failed page). When every peer failed: not ok, retryable if any peer's failure was, the reason
 * naming each peer (`host:port` only), `retryAfterMs` the soonest any peer asked for.
 *
 * `endsAt`: while open (trigger, update, refresh) `now + 4 × resendMs`, Prometheus' rule, so the
 * alert keeps firing across a lost re-send or two and still ends by itself if netwatch dies; on
 * resolve `resolvedAt` (in the past: Alertmanager resolves it at once).
 *
 * Labels are the alert's identity in Alertmanager: alertname, incident, device (the first one),
 * site and severity. They must not change over an incident's life, or the old label set stays
 * firing until its `endsAt`. The scope (device → site when a storm joins) changes under the same
 * incident ID, so it is an annotation, not a label; a severity that changes (major → critical)
 * has that effect (see decision 0006).
 */

export interface AlertmanagerPagerOptions {
  /** Receiver name (metrics, timeline). Default `alertmanager`. */
  readonly name?: string;
  /** One base URL per peer (`http://am-1:9093`, with its route prefix if it has one). */
  readonly urls: readonly string[];
  /** One deadline for the whole send (the peers are posted to in parallel). */
  readonly timeoutMs: number;
  /** How often the drainer re-sends an open incident (`refresh`). */
  readonly resendMs: number;
  /** Wall clock (UTC ms): startsAt/endsAt are compared with Alertmanager's clock. */
  readonly now: () => number;
  readonly fetch?: FetchLike;
  /** Called for each peer that did not accept a send (whatever the overall result); must not throw. */
  readonly onPeerFailure?: (failure: PeerFailure) => void;
}

export interface PeerFailure {
  /** `host:port` of the peer. */
  readonly peer: string;
  readonly retryable: boolean;
  readonly reason: string;
}

/** Alertmanager's `postableAlert`. */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

export const ALERTNAME = 'NetwatchIncident';

export function createAlertmanagerPager(options: AlertmanagerPagerOptions): Pager {
  if (options.urls.length === 0) throw new Error('alertmanager pager: urls is empty');
  if (!(options.resendMs > 0)) throw new RangeError('alertmanager pager: resendMs must be > 0');
  const peers = options.urls.map((url) => {
    assertHttpUrl(url, 'alertmanager url');
    return { endpoint: `${url.replace(/\/+$/, '')}/api/v2/alerts`, peer: peerName(url) };
  });
  return {
    name: options.name ?? 'alertmanager',
    async send(message: PageMessage): Promise<SendResult> {
      const body = JSON.stringify([alertmanagerAlert(message, options.now(), options.resendMs)]);
      const results = await Promise.all(
        peers.map(async ({ endpoint, peer }) => {
          const outcome = await postJson({
            url: endpoint,
            body,
            timeoutMs: options.timeoutMs,
            ...(options.fetch ? { fetch: options.fetch } : {}),
          });
          return { peer, result: toSendResult(outcome, { nowMs: options.now(), secrets: [] }) };
        }),
      );
      const failures: (PeerFailure & { retryAfterMs?: number })[] = [];
      for (const { peer, result } of results) {
        if (result.ok) continue;
        const failure = { peer, retryable: result.retryable, reason: result.reason };
        options.onPeerFailure?.(failure);
        failures.push(
          result.retryAfterMs !== undefined ? { ...failure, retryAfterMs: result.retryAfterMs } : failure,
        );
      }
      if (failures.length < results.length) return { ok: true };
      const retryAfters = failures.flatMap((f) => (f.retryAfterMs !== undefined ? [f.retryAfterMs] : []));
      const reason = `${failures.length === 1 ? 'the peer' : `all ${failures.length} peers`} failed: ${failures
        .map((f) => `${f.peer} ${f.reason}`)
        .join('; ')}`;
      return {
        ok: false,
        retryable: failures.some((f) => f.retryable),
        reason: truncateChars(reason, 600),
        ...(retryAfters.length > 0 ? { retryAfterMs: Math.min(...retryAfters) } : {}),
      };
    },
  };
}

/** The alert for a message at wall time `nowMs` (exported for tests and `netwatch notify test`). */
export function alertmanagerAlert(message: PageMessage, nowMs: number, resendMs: number): PostableAlert {
  // Alertmanager judges startsAt/endsAt against its own clock: a start or a resolve's end later
  // than now would leave the alert pending or still firing, so neither is ever in the future.
  const startsAt = Math.min(message.impactStart, nowMs);
  const endsAt =
    message.action === 'resolve' ? Math.min(message.resolvedAt ?? nowMs, nowMs) : nowMs + 4 * resendMs;
  const annotations: Record<string, string> = {
    summary: truncateChars(message.summary, 1024),
    link: message.link,
    devices: message.devices.join(', '),
    types: message.types.join(', '),
    scope: message.scope,
  };
  if (message.remarks.length > 0) annotations.remarks = truncateChars(message.remarks.join('; '), 2048);
  if (message.degraded === true) annotations.degraded = 'true';
  return {
    labels: {
      alertname: ALERTNAME,
      incident: message.incident,
      device: message.devices[0] ?? message.site,
      site: message.site,
      severity: message.severity,
    },
    annotations,
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(Math.max(endsAt, startsAt)).toISOString(),
    generatorURL: message.link,
  };
}
