import type { NotifySettings } from '../config/types.js';
import { createAlertmanagerPager } from './alertmanager.js';
import type { Pager } from './pager.js';
import { createPagerDutyPager } from './pagerduty.js';
import { allReceivers, type ReceiverKind, type ReceiverTarget } from './routing.js';
import { createWebhookPager } from './webhook.js';

/** One Pager per configured receiver, by receiver name (built again on every reload). */

interface Context {
  readonly timeoutMs: number;
  readonly now: () => number;
}

const FACTORIES = {
  pagerduty: (t, { timeoutMs, now }) =>
    createPagerDutyPager({
      name: t.name,
      url: t.settings.url,
      routingKey: t.settings.routingKey,
      timeoutMs,
      now,
    }),
  alertmanager: (t, { timeoutMs, now }) =>
    createAlertmanagerPager({
      name: t.name,
      urls: t.settings.urls,
      resendMs: t.settings.resendMs,
      timeoutMs,
      now,
    }),
  webhook: (t, { timeoutMs, now }) =>
    createWebhookPager({
      name: t.name,
      url: t.settings.url,
      ...(t.settings.secret ? { secret: t.settings.secret } : {}),
      timeoutMs,
      now,
    }),
} satisfies {
  readonly [K in ReceiverKind]: (target: Extract<ReceiverTarget, { kind: K }>, context: Context) => Pager;
};

export function pagerFor(target: ReceiverTarget, context: Context): Pager {
  return (FACTORIES[target.kind] as (t: ReceiverTarget, c: Context) => Pager)(target, context);
}

export function buildPagers(notify: NotifySettings, now: () => number): Map<string, Pager> {
  const context = { timeoutMs: notify.timeoutMs, now };
  return new Map(allReceivers(notify).map((t) => [t.name, pagerFor(t, context)]));
}

/** How often open incidents are re-sent to each Alertmanager receiver (refresh), by receiver name. */
export function refreshIntervals(notify: NotifySettings): Map<string, number> {
  return new Map(
    allReceivers(notify).flatMap((t) =>
      t.kind === 'alertmanager' ? [[t.name, t.settings.resendMs] as const] : [],
    ),
  );
}
