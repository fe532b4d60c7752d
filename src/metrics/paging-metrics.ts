import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Incident and paging metrics (SPEC.md "Metrics"): low cardinality (receivers × actions ×
 * results), so they live in prom-client's registry beside the error counters.
 */

export const PAGE_RESULTS = ['accepted', 'retry', 'failed'] as const;
export type PageResult = (typeof PAGE_RESULTS)[number];

export class PagingMetrics {
  readonly incidentsOpen: Gauge;
  readonly pages: Counter<'receiver' | 'action' | 'result'>;
  readonly latency: Histogram;
  readonly outboxPending: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.incidentsOpen = new Gauge({
      name: 'netwatch_incidents_open',
      help: 'Incidents open now.',
      registers,
    });
    this.pages = new Counter({
      name: 'netwatch_pages_total',
      help: 'Page deliveries by receiver, action (trigger, update, resolve, refresh) and result (accepted, retry: a retryable failure, failed: final).',
      labelNames: ['receiver', 'action', 'result'],
      registers,
    });
    this.latency = new Histogram({
      name: 'netwatch_page_latency_seconds',
      help: 'From the start of impact (OUTAGE BEGINS) to the receiver accepting the trigger page.',
      buckets: [1, 2, 5, 10, 20, 30, 60, 90, 120, 180, 300, 600],
      registers,
    });
    this.outboxPending = new Gauge({
      name: 'netwatch_outbox_pending',
      help: 'Pages written to the outbox and not yet delivered (retrying or waiting).',
      registers,
    });
  }

  recordPage(receiver: string, action: string, result: PageResult): void {
    this.pages.inc({ receiver, action, result });
  }

  /** Receivers known from the config start at zero, so a rate() sees the first page. */
  knowReceivers(receivers: readonly string[]): void {
    for (const receiver of receivers)
      for (const action of ['trigger', 'resolve'])
        for (const result of PAGE_RESULTS) this.pages.inc({ receiver, action, result }, 0);
  }
}
