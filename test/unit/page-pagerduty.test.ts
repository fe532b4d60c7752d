import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { Pager, SendResult } from '../../src/page/pager.js';
import {
  createPagerDutyPager,
  dedupKey,
  MAX_DETAILS_BYTES,
  pagerDutyEvent,
} from '../../src/page/pagerduty.js';
import { IMPACT_START, pageMessage, STATUS_TABLE } from '../helpers/page-message.js';
import { type PagerDutyReceiver, startPagerDutyReceiver, throttled } from '../helpers/pagerduty-receiver.js';

/**
 * The PagerDuty Events v2 pager against the loopback receiver, which checks each event the way
 * PagerDuty does: mapping, update = trigger, resolve, answers and their classes, Retry-After,
 * connection refused and timeouts, and that the routing key never leaks into a result.
 */

const KEY = 'R0ut1ngK3y0123456789abcdefABCDEF';
const WALL = Date.UTC(2026, 0, 15, 12, 0, 0);

let receiver: PagerDutyReceiver;
let pager: Pager;

beforeAll(async () => {
  receiver = await startPagerDutyReceiver({ routingKey: KEY });
  pager = createPagerDutyPager({
    url: receiver.url,
    routingKey: new Secret(KEY),
    timeoutMs: 2000,
    now: () => WALL,
  });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const leaks = (result: SendResult, secret: string) => JSON.stringify(result).includes(secret);

describe('PagerDuty Events v2 mapping', () => {
  it('triggers with the incident as dedup_key and the full payload', async () => {
    expect(await pager.send(pageMessage())).toEqual({ ok: true });
    expect(receiver.events).toHaveLength(1);
    const event = receiver.events[0]?.event;
    expect(event).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: '2022-05-05-eqsin-asw1-eqsin',
      payload: {
        summary: pageMessage().summary,
        source: 'asw1-eqsin',
        severity: 'critical',
        timestamp: new Date(IMPACT_START).toISOString(),
        component: 'asw1-eqsin',
        group: 'eqsin',
        class: 'master_switchover',
        custom_details: {
          incident: '2022-05-05-eqsin-asw1-eqsin',
          scope: 'device',
          link: pageMessage().link,
          devices: ['asw1-eqsin'],
          types: ['process_crash', 'master_switchover', 'traffic_drop'],
          remarks: [],
        },
      },
      links: [{ href: pageMessage().link, text: 'netwatch incident ID' }],
      client: 'netwatch',
      client_url: pageMessage().link,
    });
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('maps major to error and names every device of a site incident', async () => {
    const message = pageMessage({
      action: 'update',
      scope: 'site',
      severity: 'major',
      devices: ['asw1-eqsin', 'asw2-eqsin', 'asw3-eqsin'],
      degraded: true,
      remarks: ['store degraded: sent from memory'],
    });
    expect(await pager.send(message)).toEqual({ ok: true });
    const event = receiver.events[0]?.event;
    expect(event?.event_action).toBe('trigger'); // update = trigger with the same dedup_key
    expect(event?.dedup_key).toBe(message.incident);
    expect(event?.payload?.severity).toBe('error');
    expect(event?.payload?.source).toBe('asw1-eqsin');
    expect(event?.payload?.component).toBe('asw1-eqsin, asw2-eqsin, asw3-eqsin');
    expect(event?.payload?.custom_details).toMatchObject({ scope: 'site', degraded: true });
  });

  it('resolves with routing_key, dedup_key and event_action only', async () => {
    const message = pageMessage({ action: 'resolve', resolvedAt: IMPACT_START + 600_000 });
    expect(await pager.send(message)).toEqual({ ok: true });
    expect(JSON.parse(receiver.requests[0]?.raw ?? '')).toEqual({
      routing_key: KEY,
      dedup_key: message.incident,
      event_action: 'resolve',
    });
  });

  it('sends nothing for a refresh: PagerDuty keeps an alert open by itself', async () => {
    expect(await pager.send(pageMessage({ action: 'refresh' }))).toEqual({ ok: true });
    expect(receiver.requests).toHaveLength(0);
    expect(pagerDutyEvent(pageMessage({ action: 'refresh' }), KEY)).toBeUndefined();
  });

  it('truncates the summary to 1024 characters without splitting a character', async () => {
    const summary = `${'🔥'.repeat(600)}${'x'.repeat(600)}`;
    expect(await pager.send(pageMessage({ summary }))).toEqual({ ok: true });
    const sent = receiver.events[0]?.event.payload?.summary ?? '';
    expect(Array.from(sent)).toHaveLength(1024);
    expect(sent.endsWith('…')).toBe(true);
    expect(sent.startsWith('🔥'.repeat(600))).toBe(true);
  });

  it('keeps custom_details small enough that PagerDuty accepts the event', async () => {
    const huge = pageMessage({
      devices: Array.from({ length: 5000 }, (_, i) => `asw${i}-eqsin`),
      remarks: Array.from({ length: 400 }, () => 'x'.repeat(4000)),
    });
    expect(await pager.send(huge)).toEqual({ ok: true });
    const details = receiver.events[0]?.event.payload?.custom_details ?? {};
    expect(Buffer.byteLength(JSON.stringify(details))).toBeLessThanOrEqual(MAX_DETAILS_BYTES);
    expect(details).toMatchObject({ incident: huge.incident, devices_total: 5000, remarks_total: 400 });
    expect(typeof details.truncated).toBe('string');
    expect(Buffer.byteLength(receiver.requests[0]?.raw ?? '')).toBeLessThan(128 * 1024);
  });

  it('never sends what PagerDuty refuses for good: blank summary or source, a dedup_key over 255', async () => {
    const long = `2022-05-05-eqsin-${'d'.repeat(300)}`;
    const message = pageMessage({ incident: long, summary: '  ', devices: [], site: '' });
    expect(await pager.send(message)).toEqual({ ok: true });
    expect(await pager.send({ ...message, action: 'resolve' })).toEqual({ ok: true });
    const [trigger, resolve] = receiver.events.map((e) => e.event);
    expect(trigger?.dedup_key).toHaveLength(255);
    expect(trigger?.dedup_key).toBe(dedupKey(long));
    expect(resolve?.dedup_key).toBe(trigger?.dedup_key);
    expect(trigger?.payload).toMatchObject({
      summary: `netwatch incident ${long}`,
      source: 'netwatch',
    });
    expect(dedupKey('2022-05-05-eqsin-asw1-eqsin')).toBe('2022-05-05-eqsin-asw1-eqsin');
  });

  it('refuses a URL that is not http(s) at construction (a configuration bug)', () => {
    expect(() => createPagerDutyPager({ url: 'ftp://x', routingKey: new Secret(KEY), timeoutMs: 1 })).toThrow(
      /http or https/,
    );
    expect(() => createPagerDutyPager({ url: 'nope', routingKey: new Secret(KEY), timeoutMs: 1 })).toThrow(
      /not a URL/,
    );
  });
});

describe('PagerDuty answers', () => {
  it.each(STATUS_TABLE)(
    'HTTP $status → $verdict, never echoing the routing key',
    async ({ status, verdict }) => {
      // A receiver that echoes the key in its error must not get it into our logs.
      receiver.script({
        status,
        body: { status: 'error', message: `bad key ${KEY}`, errors: [`key ${KEY}`] },
      });
      const result = await pager.send(pageMessage());
      if (verdict === 'ok') expect(result).toEqual({ ok: true });
      else expect(result).toMatchObject({ ok: false, retryable: verdict === 'retryable' });
      if (!result.ok) expect(result.reason).toMatch(new RegExp(`^HTTP ${status}`));
      expect(leaks(result, KEY)).toBe(false);
    },
  );

  it('gives the reason of a 400 from PagerDuty’s body, and a wrong key is final', async () => {
    const wrongKey = 'Wr0ngK3y0123456789abcdefABCDEF00';
    const wrong = createPagerDutyPager({
      url: receiver.url,
      routingKey: new Secret(wrongKey),
      timeoutMs: 2000,
    });
    const result = await wrong.send(pageMessage());
    expect(result).toEqual({
      ok: false,
      retryable: false,
      reason: 'HTTP 400: Event object is invalid: Invalid routing key',
    });
    expect(leaks(result, wrongKey)).toBe(false);
    expect(receiver.events).toHaveLength(0);
  });

  it('a short key gets PagerDuty’s length error, without the key', async () => {
    const short = createPagerDutyPager({
      url: receiver.url,
      routingKey: new Secret('abc123'),
      timeoutMs: 2000,
    });
    const result = await short.send(pageMessage());
    expect(result).toMatchObject({ ok: false, retryable: false });
    if (!result.ok) expect(result.reason).toContain("Length of 'routing_key' is incorrect");
    expect(leaks(result, 'abc123')).toBe(false);
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    receiver.script(throttled('2'));
    expect(await pager.send(pageMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 2000 });
    receiver.script({ status: 503, retryAfter: new Date(WALL + 30_000).toUTCString() });
    expect(await pager.send(pageMessage())).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 30_000,
    });
    receiver.script({ status: 503 });
    const bare = await pager.send(pageMessage());
    expect(bare.ok === false && 'retryAfterMs' in bare).toBe(false);
  });

  it('503, then 429 with Retry-After, then 202: one accepted event', async () => {
    receiver.script(503, throttled('2'));
    const results = [
      await pager.send(pageMessage()),
      await pager.send(pageMessage()),
      await pager.send(pageMessage()),
    ];
    expect(results.map((r) => (r.ok ? 'ok' : `${r.retryable}:${r.retryAfterMs ?? '-'}`))).toEqual([
      'true:-',
      'true:2000',
      'ok',
    ]);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 429, 202]);
    expect(receiver.events).toHaveLength(1);
  });

  it('connection refused is retryable, and the same port works again when the receiver is back', async () => {
    await receiver.down();
    const refused = await pager.send(pageMessage());
    expect(refused).toEqual({ ok: false, retryable: true, reason: 'connection refused' });
    await receiver.up();
    expect(await pager.send(pageMessage())).toEqual({ ok: true });
    expect(receiver.events).toHaveLength(1);
  });

  it('a receiver that does not answer in time is a retryable timeout within timeoutMs', async () => {
    const quick = createPagerDutyPager({ url: receiver.url, routingKey: new Secret(KEY), timeoutMs: 150 });
    receiver.script({ status: 202, delayMs: 3000 });
    const started = performance.now();
    const result = await quick.send(pageMessage());
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toEqual({ ok: false, retryable: true, reason: 'timed out after 150 ms' });
  });

  it('an unresolvable host is a retryable network error without the URL', async () => {
    const fetchFails: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`getaddrinfo ENOTFOUND events.example ${KEY}`), { code: 'ENOTFOUND' }),
      });
    };
    const p = createPagerDutyPager({
      url: 'https://events.example/v2/enqueue',
      routingKey: new Secret(KEY),
      timeoutMs: 100,
      fetch: fetchFails,
    });
    const result = await p.send(pageMessage());
    expect(result).toEqual({ ok: false, retryable: true, reason: 'host not found (DNS)' });
  });
});
