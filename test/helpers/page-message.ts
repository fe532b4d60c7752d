import type { PageMessage } from '../../src/page/pager.js';

/** 2022-05-05 04:51:12 UTC: the eqsin incident's OUTAGE BEGINS. */
export const IMPACT_START = Date.UTC(2022, 4, 5, 4, 51, 12);

/** A page for the eqsin incident, as the outbox would store it; override what a test varies. */
export function pageMessage(overrides: Partial<PageMessage> = {}): PageMessage {
  return {
    incident: '2022-05-05-eqsin-asw1-eqsin',
    action: 'trigger',
    deliveryId: 'd-0001',
    scope: 'device',
    site: 'eqsin',
    devices: ['asw1-eqsin'],
    severity: 'critical',
    summary: 'Process fxpc on asw1-eqsin crashed; the virtual chassis master moved from member 0 to member 1',
    cause: 'master_switchover',
    impactStart: IMPACT_START,
    link: 'https://netwatch.example.net/incidents/2022-05-05-eqsin-asw1-eqsin',
    types: ['process_crash', 'master_switchover', 'traffic_drop'],
    remarks: [],
    ...overrides,
  };
}

/** The HTTP statuses every pager is walked through, with the verdict the seam must give. */
export const STATUS_TABLE: readonly { status: number; verdict: 'ok' | 'retryable' | 'final' }[] = [
  { status: 200, verdict: 'ok' },
  { status: 201, verdict: 'ok' },
  { status: 202, verdict: 'ok' },
  { status: 204, verdict: 'ok' },
  { status: 301, verdict: 'final' },
  { status: 307, verdict: 'final' },
  { status: 400, verdict: 'final' },
  { status: 401, verdict: 'final' },
  { status: 403, verdict: 'final' },
  { status: 404, verdict: 'final' },
  { status: 408, verdict: 'retryable' },
  { status: 413, verdict: 'final' },
  { status: 422, verdict: 'final' },
  { status: 429, verdict: 'retryable' },
  { status: 500, verdict: 'retryable' },
  { status: 502, verdict: 'retryable' },
  { status: 503, verdict: 'retryable' },
  { status: 504, verdict: 'retryable' },
];
