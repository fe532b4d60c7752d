import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertmanagerPagerOptions,
  alertmanagerAlert,
  createAlertmanagerPager,
  type PeerFailure,
  type PostableAlert,
} from '../../src/page/alertmanager.js';
import { IMPACT_START, pageMessage, STATUS_TABLE } from '../helpers/page-message.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The Alertmanager v2 pager against two loopback peers: the alert's shape, endsAt while open and
 * at resolve, every peer posted to, ok when one accepted, and the verdict when none did.
 */

const NOW = Date.UTC(2022, 4, 5, 4, 52, 0);
const RESEND = 60_000;

let peers: [WebhookReceiver, WebhookReceiver];
const failures: PeerFailure[] = [];

beforeAll(async () => {
  peers = [await startWebhookReceiver(), await startWebhookReceiver()];
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});
beforeEach(() => {
  for (const p of peers) p.reset();
  failures.length = 0;
});

const pager = (extra: Partial<AlertmanagerPagerOptions> = {}) =>
  createAlertmanagerPager({
    urls: peers.map((p) => p.baseUrl),
    timeoutMs: 2000,
    resendMs: RESEND,
    now: () => NOW,
    onPeerFailure: (f) => failures.push(f),
    ...extra,
  });

const alertsAt = (peer: WebhookReceiver, i = 0) => peer.posts[i]?.body as PostableAlert[];

describe('Alertmanager v2 alerts', () => {
  it('posts one alert to /api/v2/alerts of every peer, firing until now + 4 × resend', async () => {
    expect(await pager().send(pageMessage())).toEqual({ ok: true });
    for (const peer of peers) {
      expect(peer.posts.map((p) => p.path)).toEqual(['/api/v2/alerts']);
      expect(peer.posts[0]?.headers['content-type']).toBe('application/json');
      expect(alertsAt(peer)).toEqual([
        {
          labels: {
            alertname: 'NetwatchIncident',
            incident: '2022-05-05-eqsin-asw1-eqsin',
            device: 'asw1-eqsin',
            site: 'eqsin',
            severity: 'critical',
          },
          annotations: {
            summary: pageMessage().summary,
            link: pageMessage().link,
            devices: 'asw1-eqsin',
            types: 'process_crash, master_switchover, traffic_drop',
            scope: 'device',
          },
          startsAt: '2022-05-05T04:51:12.000Z',
          endsAt: new Date(NOW + 4 * RESEND).toISOString(),
          generatorURL: pageMessage().link,
        },
      ]);
    }
  });

  it('keeps the labels of an incident when it grows into a site incident (scope is an annotation)', () => {
    const first = alertmanagerAlert(pageMessage(), NOW, RESEND);
    const grown = alertmanagerAlert(
      pageMessage({ action: 'update', scope: 'site', devices: ['asw1-eqsin', 'asw2-eqsin'] }),
      NOW + 5000,
      RESEND,
    );
    expect(grown.labels).toEqual(first.labels);
    expect(grown.annotations).toMatchObject({ scope: 'site', devices: 'asw1-eqsin, asw2-eqsin' });
  });

  it('refreshes with endsAt moved on, and resolves with endsAt = resolvedAt (never after now)', async () => {
    const refresh = alertmanagerAlert(pageMessage({ action: 'refresh' }), NOW + RESEND, RESEND);
    expect(refresh.endsAt).toBe(new Date(NOW + 5 * RESEND).toISOString());
    const resolvedAt = IMPACT_START + 312_000;
    expect(await pager().send(pageMessage({ action: 'resolve', resolvedAt }))).toEqual({ ok: true });
    // Alertmanager reads endsAt on its own clock: a resolve never ends in the future.
    expect(alertsAt(peers[1])[0]?.endsAt).toBe(new Date(Math.min(resolvedAt, NOW)).toISOString());
    expect(
      alertmanagerAlert(pageMessage({ action: 'resolve', resolvedAt: NOW - 1000 }), NOW, RESEND).endsAt,
    ).toBe(new Date(NOW - 1000).toISOString());
    // Without resolvedAt (a bug upstream) the alert still ends now, never "firing for 4 × resend".
    expect(alertmanagerAlert(pageMessage({ action: 'resolve' }), NOW, RESEND).endsAt).toBe(
      new Date(NOW).toISOString(),
    );
  });

  it('never sends endsAt before startsAt (Alertmanager refuses the alert)', () => {
    const alert = alertmanagerAlert(
      pageMessage({ action: 'resolve', resolvedAt: IMPACT_START - 1000 }),
      NOW,
      RESEND,
    );
    expect(alert.endsAt).toBe(alert.startsAt);
  });

  it('adds remarks and degraded only when there are some', () => {
    const alert = alertmanagerAlert(
      pageMessage({ remarks: ['device is flapping'], degraded: true }),
      NOW,
      RESEND,
    );
    expect(alert.annotations).toMatchObject({ remarks: 'device is flapping', degraded: 'true' });
    expect(alertmanagerAlert(pageMessage(), NOW, RESEND).annotations).not.toHaveProperty('remarks');
  });

  it('keeps a route prefix and drops a trailing slash', async () => {
    const p = pager({ urls: [`${peers[0].baseUrl}/am/`] });
    expect(await p.send(pageMessage())).toEqual({ ok: true });
    expect(peers[0].posts[0]?.path).toBe('/am/api/v2/alerts');
  });

  it('refuses an empty peer list and a bad URL at construction', () => {
    expect(() => pager({ urls: [] })).toThrow(/urls is empty/);
    expect(() => pager({ urls: ['am:9093'] })).toThrow(/http or https/);
    expect(() => pager({ urls: ['http://admin:pw@127.0.0.1:9093'] })).toThrow(/credentials in the URL/);
    expect(() => pager({ resendMs: 0 })).toThrow(/resendMs/);
  });
});

describe('Alertmanager peers failing', () => {
  it('is ok when one peer accepted, reporting the other', async () => {
    await peers[1].down();
    try {
      expect(await pager().send(pageMessage())).toEqual({ ok: true });
      expect(peers[0].posts).toHaveLength(1);
      expect(failures).toEqual([
        { peer: `127.0.0.1:${peers[1].port}`, retryable: true, reason: 'connection refused' },
      ]);
    } finally {
      await peers[1].up();
    }
  });

  it('is a retryable failure naming each peer when none accepted', async () => {
    await Promise.all(peers.map((p) => p.down()));
    try {
      const result = await pager().send(pageMessage());
      expect(result).toEqual({
        ok: false,
        retryable: true,
        reason: `all 2 peers failed: 127.0.0.1:${peers[0].port} connection refused; 127.0.0.1:${peers[1].port} connection refused`,
      });
    } finally {
      await Promise.all(peers.map((p) => p.up()));
    }
    expect(await pager().send(pageMessage())).toEqual({ ok: true });
  });

  it.each(STATUS_TABLE)('both peers answering HTTP $status → $verdict', async ({ status, verdict }) => {
    for (const p of peers) p.script({ status, body: 'no' });
    const result = await pager().send(pageMessage());
    if (verdict === 'ok') expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, retryable: verdict === 'retryable' });
    if (!result.ok) expect(result.reason).toContain(`127.0.0.1:${peers[1].port} HTTP ${status}`);
  });

  it('one peer refusing the alert (400) while the other accepts is ok', async () => {
    peers[0].script({ status: 400, body: '{"code":400,"message":"start time must be before end time"}' });
    expect(await pager().send(pageMessage())).toEqual({ ok: true });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ retryable: false });
    expect(failures[0]?.reason).toMatch(/^HTTP 400: /);
  });

  it('is retryable if any peer’s failure is, final if none is', async () => {
    peers[0].script(400);
    peers[1].script(503);
    expect(await pager().send(pageMessage())).toMatchObject({ ok: false, retryable: true });
    peers[0].script(400);
    peers[1].script(422);
    expect(await pager().send(pageMessage())).toMatchObject({ ok: false, retryable: false });
  });

  it('passes on the soonest Retry-After of the peers', async () => {
    peers[0].script({ status: 429, retryAfter: '30' });
    peers[1].script({ status: 503, retryAfter: '5' });
    expect(await pager().send(pageMessage())).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 5000,
    });
  });

  it('posts to the peers in parallel, a slow peer costing one timeout', async () => {
    peers[0].script({ status: 200, delayMs: 5000 });
    const started = performance.now();
    const result = await pager({ timeoutMs: 1000 }).send(pageMessage());
    expect(performance.now() - started).toBeLessThan(4000);
    expect(result).toEqual({ ok: true });
    expect(failures).toEqual([
      { peer: `127.0.0.1:${peers[0].port}`, retryable: true, reason: 'timed out after 1000 ms' },
    ]);
    // In sequence, the second peer would hear of it only after the first one's timeout.
    const gap = Math.abs((peers[1].requests[0]?.at ?? Infinity) - (peers[0].requests[0]?.at ?? 0));
    expect(gap).toBeLessThan(500);
  });
});
