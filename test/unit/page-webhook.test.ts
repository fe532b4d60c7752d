import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { Pager } from '../../src/page/pager.js';
import {
  createWebhookPager,
  signWebhook,
  verifyWebhookSignature,
  type WebhookBody,
  webhookBody,
} from '../../src/page/webhook.js';
import { IMPACT_START, pageMessage, STATUS_TABLE } from '../helpers/page-message.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The webhook pager against a loopback receiver that verifies its signature: the body, the
 * delivery id, the signature scheme (checked against an HMAC computed here by hand), answers and
 * their classes, and that the signing secret never leaks into a result.
 */

const SECRET = 'whsec-0123456789-not-for-production';
const NOW = Date.UTC(2022, 4, 5, 4, 51, 40, 750);
const TS = String(Math.floor(NOW / 1000));

let receiver: WebhookReceiver;
let pager: Pager;

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secret: SECRET, now: () => NOW, toleranceMs: 300_000 });
  pager = createWebhookPager({
    url: receiver.url,
    secret: new Secret(SECRET),
    timeoutMs: 2000,
    now: () => NOW,
  });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

describe('webhook deliveries', () => {
  it('posts the page as JSON with delivery id, timestamp and a signature the receiver verifies', async () => {
    expect(await pager.send(pageMessage())).toEqual({ ok: true });
    expect(receiver.posts).toHaveLength(1);
    const post = receiver.posts[0];
    expect(post?.signatureValid).toBe(true);
    expect(post?.deliveryId).toBe('d-0001');
    expect(post?.headers['x-netwatch-timestamp']).toBe(TS);
    const byHand = createHmac('sha256', SECRET).update(`${TS}.${post?.raw}`).digest('hex');
    expect(post?.headers['x-netwatch-signature']).toBe(`sha256=${byHand}`);
    expect(post?.body).toEqual({
      version: 1,
      delivery_id: 'd-0001',
      action: 'trigger',
      incident: '2022-05-05-eqsin-asw1-eqsin',
      scope: 'device',
      site: 'eqsin',
      devices: ['asw1-eqsin'],
      severity: 'critical',
      summary: pageMessage().summary,
      cause: 'master_switchover',
      impact_start: '2022-05-05T04:51:12.000Z',
      link: pageMessage().link,
      types: ['process_crash', 'master_switchover', 'traffic_drop'],
      remarks: [],
      degraded: false,
    } satisfies WebhookBody);
  });

  it('sends the same delivery id on every retry of an entry (receiver-side idempotency)', async () => {
    receiver.script(503);
    const message = pageMessage({ deliveryId: 'd-0042' });
    expect((await pager.send(message)).ok).toBe(false);
    expect(await pager.send(message)).toEqual({ ok: true });
    expect(receiver.requests.map((r) => [r.status, r.headers['x-netwatch-delivery']])).toEqual([
      [503, 'd-0042'],
      [200, 'd-0042'],
    ]);
  });

  it('carries resolved_at on resolve, and degraded when sent from memory', () => {
    const body = webhookBody(
      pageMessage({ action: 'resolve', resolvedAt: IMPACT_START + 312_000, degraded: true }),
    );
    expect(body).toMatchObject({
      action: 'resolve',
      resolved_at: '2022-05-05T04:56:24.000Z',
      degraded: true,
    });
    expect(webhookBody(pageMessage())).not.toHaveProperty('resolved_at');
  });

  it('sends no signature without a secret', async () => {
    const plain = await startWebhookReceiver();
    try {
      const unsigned = createWebhookPager({ url: plain.url, timeoutMs: 2000, now: () => NOW });
      expect(await unsigned.send(pageMessage())).toEqual({ ok: true });
      expect(plain.posts[0]?.headers).not.toHaveProperty('x-netwatch-signature');
      expect(plain.posts[0]?.signatureValid).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('a wrong secret is refused by the receiver: a final 401 without either secret', async () => {
    const wrong = createWebhookPager({
      url: receiver.url,
      secret: new Secret('another-secret-value'),
      timeoutMs: 2000,
      now: () => NOW,
    });
    const result = await wrong.send(pageMessage());
    expect(result).toEqual({ ok: false, retryable: false, reason: 'HTTP 401: invalid signature' });
    expect(receiver.posts).toHaveLength(0);
  });

  it.each(STATUS_TABLE)('HTTP $status → $verdict, never echoing the secret', async ({ status, verdict }) => {
    receiver.script({ status, body: `rejected, your secret was ${SECRET}\nsee ${SECRET}` });
    const result = await pager.send(pageMessage());
    if (verdict === 'ok') expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, retryable: verdict === 'retryable' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('reads Retry-After, and a refused connection is retryable', async () => {
    receiver.script({ status: 429, retryAfter: '7' });
    expect(await pager.send(pageMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
    receiver.script({ status: 503, retryAfter: new Date(NOW + 60_000).toUTCString() });
    const dated = await pager.send(pageMessage());
    // The date has whole seconds: NOW's 750 ms are lost.
    expect(dated).toMatchObject({ ok: false, retryable: true, retryAfterMs: 59_250 });
    await receiver.down();
    try {
      expect(await pager.send(pageMessage())).toEqual({
        ok: false,
        retryable: true,
        reason: 'connection refused',
      });
    } finally {
      await receiver.up();
    }
  });

  it('never puts the URL (which may hold a token) in a reason', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    receiver.script({ status: 404, body: '' });
    const p = createWebhookPager({ url: `${receiver.url}?token=${token}`, timeoutMs: 2000, now: () => NOW });
    const result = await p.send(pageMessage());
    expect(result).toEqual({ ok: false, retryable: false, reason: 'HTTP 404' });
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"version":1}';
  const header = signWebhook(SECRET, TS, body);

  it('accepts the right signature, with a string or a Secret', () => {
    expect(verifyWebhookSignature(SECRET, TS, body, header)).toBe(true);
    expect(verifyWebhookSignature(new Secret(SECRET), TS, body, header)).toBe(true);
    expect(verifyWebhookSignature(SECRET, TS, body, ` ${header} `)).toBe(true);
  });

  it('refuses any change of body, timestamp, secret or signature', () => {
    expect(verifyWebhookSignature(SECRET, TS, '{"version":2}', header)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(TS) + 1), body, header)).toBe(false);
    expect(verifyWebhookSignature('other', TS, body, header)).toBe(false);
    expect(
      verifyWebhookSignature(
        SECRET,
        TS,
        body,
        header.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBe(false);
  });

  it('refuses missing and malformed inputs without throwing', () => {
    expect(verifyWebhookSignature(SECRET, TS, body, undefined)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, '')).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, 'sha256=abc')).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, header.slice('sha256='.length))).toBe(false);
    expect(verifyWebhookSignature(SECRET, null, body, header)).toBe(false);
    expect(verifyWebhookSignature(SECRET, '12.5', body, header)).toBe(false);
  });

  it('with freshness, refuses a timestamp outside the tolerance (replays)', () => {
    const at = Number(TS) * 1000;
    expect(verifyWebhookSignature(SECRET, TS, body, header, { nowMs: at + 299_000 })).toBe(true);
    expect(verifyWebhookSignature(SECRET, TS, body, header, { nowMs: at + 301_000 })).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, header, { nowMs: at - 301_000 })).toBe(false);
    expect(
      verifyWebhookSignature(SECRET, TS, body, header, { nowMs: at + 20_000, toleranceMs: 10_000 }),
    ).toBe(false);
  });
});
