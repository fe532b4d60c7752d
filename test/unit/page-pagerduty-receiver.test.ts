import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type PagerDutyReceiver,
  startPagerDutyReceiver,
  validatePagerDutyEvent,
} from '../helpers/pagerduty-receiver.js';

/** The loopback PagerDuty receiver refuses what PagerDuty refuses (so passing it means something). */

const KEY = 'a'.repeat(32);
const trigger = (overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'inc-1',
  payload: {
    summary: 'fxpc crashed on asw1-eqsin',
    source: 'asw1-eqsin',
    severity: 'critical',
    timestamp: '2022-05-05T04:51:12.000Z',
    ...payload,
  },
  ...overrides,
});

describe('validatePagerDutyEvent', () => {
  it('accepts a full trigger, a minimal one, and a bare resolve', () => {
    expect(
      validatePagerDutyEvent(trigger({ links: [{ href: 'https://x', text: 't' }], client: 'c' })),
    ).toEqual([]);
    expect(validatePagerDutyEvent(trigger({ dedup_key: undefined }, { timestamp: undefined }))).toEqual([]);
    expect(validatePagerDutyEvent({ routing_key: KEY, event_action: 'resolve', dedup_key: 'inc-1' })).toEqual(
      [],
    );
    expect(validatePagerDutyEvent(trigger(), { routingKey: KEY })).toEqual([]);
  });

  it.each([
    ['not an object', [], 'Event must be a JSON object'],
    ['no routing key', trigger({ routing_key: undefined }), "'routing_key' is missing or blank"],
    [
      'a short key',
      trigger({ routing_key: 'abc' }),
      "Length of 'routing_key' is incorrect (should be 32 characters)",
    ],
    ['an unknown action', trigger({ event_action: 'fire' }), "'event_action' is invalid"],
    ['a resolve without dedup_key', { routing_key: KEY, event_action: 'resolve' }, "'dedup_key' is required"],
    ['a dedup_key over 255', trigger({ dedup_key: 'k'.repeat(256) }), "'dedup_key' is too long"],
    ['a trigger without payload', trigger({ payload: undefined }), "'payload' is missing"],
    ['a blank summary', trigger({}, { summary: ' ' }), "'payload.summary' is missing or blank"],
    ['a summary of 1025', trigger({}, { summary: 's'.repeat(1025) }), "'payload.summary' is too long"],
    ['no source', trigger({}, { source: '' }), "'payload.source' is missing or blank"],
    ['severity major', trigger({}, { severity: 'major' }), "'payload.severity' is invalid"],
    ['a local timestamp', trigger({}, { timestamp: '2022-05-05 04:51' }), "'payload.timestamp' is not"],
    ['details as a list', trigger({}, { custom_details: [1] }), "'payload.custom_details' must be an object"],
    ['a number as group', trigger({}, { group: 7 }), "'payload.group' must be a string"],
    ['links without href', trigger({ links: [{ text: 'x' }] }), "'links' must be a list"],
  ])('refuses %s', (_what, event, error) => {
    const errors = validatePagerDutyEvent(event);
    expect(errors.join('\n')).toContain(error);
  });

  it('refuses another valid-looking key when the receiver has one, and a body over 512 KB', () => {
    expect(validatePagerDutyEvent(trigger(), { routingKey: 'b'.repeat(32) })).toEqual([
      'Invalid routing key',
    ]);
    expect(validatePagerDutyEvent(trigger(), { rawBytes: 600_000 })[0]).toMatch(/too large/);
  });

  it('counts the summary in characters, not bytes', () => {
    expect(validatePagerDutyEvent(trigger({}, { summary: 'é'.repeat(1024) }))).toEqual([]);
  });
});

describe('the receiver over HTTP', () => {
  let receiver: PagerDutyReceiver;
  beforeAll(async () => {
    receiver = await startPagerDutyReceiver({ routingKey: KEY, now: () => 42 });
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  const post = (body: string, path = '/v2/enqueue') =>
    fetch(`${receiver.baseUrl}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });

  it('answers 202 like PagerDuty and records the event with its receive time', async () => {
    const response = await post(JSON.stringify(trigger()));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'inc-1',
    });
    expect(receiver.events).toEqual([{ at: 42, dedupKey: 'inc-1', event: trigger() }]);
  });

  it('makes up a dedup_key for a trigger without one', async () => {
    const response = await post(JSON.stringify(trigger({ dedup_key: undefined })));
    const body = (await response.json()) as { dedup_key: string };
    expect(body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(receiver.events[0]?.dedupKey).toBe(body.dedup_key);
  });

  it('answers 400 with PagerDuty’s error shape, recording nothing', async () => {
    const response = await post(JSON.stringify(trigger({}, { severity: 'major' })));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ["'payload.severity' is invalid (must be one of critical, error, warning, info)"],
    });
    expect((await post('{not json')).status).toBe(400);
    expect(receiver.events).toEqual([]);
    expect(receiver.requests.map((r) => r.status)).toEqual([400, 400]);
  });

  it('answers 404 elsewhere and 405 to a GET', async () => {
    expect((await post(JSON.stringify(trigger()), '/v1/enqueue')).status).toBe(404);
    expect((await fetch(receiver.url)).status).toBe(405);
  });

  it('plays a script, then validates again', async () => {
    receiver.script(503, { status: 429, retryAfter: '2' }, 'handle');
    const statuses: number[] = [];
    const retryAfters: (string | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await post(JSON.stringify(trigger()));
      statuses.push(response.status);
      retryAfters.push(response.headers.get('retry-after'));
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([503, 429, 202, 202]);
    expect(retryAfters[1]).toBe('2');
    expect(receiver.events).toHaveLength(2);
  });
});
