import type { Environment } from '../config/env.js';
import type { PageMessage, SendResult } from '../page/pager.js';
import { pagerFor } from '../page/pagers.js';
import { allReceivers } from '../page/routing.js';
import { printable } from '../text.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch notify test [RECEIVER] [--json]`: a test page to each configured receiver (the
 * defaults and every route's), then its resolve so no test alert stays open, and one line per
 * receiver with the result: a wrong routing key shows now, not during an outage. Needs no
 * daemon. Exit 0 when every receiver accepted, 1 when one did not, 2 for a usage or config error.
 */

interface Outcome {
  readonly receiver: string;
  readonly route?: string;
  readonly trigger: SendResult & { readonly ms: number };
  readonly resolve?: SendResult & { readonly ms: number };
}

function testMessage(externalUrl: string, now: number): Omit<PageMessage, 'action' | 'deliveryId'> {
  const id = `netwatch-test-${new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
  return {
    incident: id,
    scope: 'device',
    site: 'test',
    devices: ['netwatch'],
    severity: 'major',
    summary: 'netwatch test page: please ignore',
    cause: 'test',
    impactStart: now,
    link: `${externalUrl}/incidents/${encodeURIComponent(id)}`,
    types: [],
    remarks: ['test page'],
  };
}

const describe = (r: SendResult & { readonly ms: number }) =>
  r.ok ? `${r.ms} ms` : `${r.retryable ? '' : 'not retryable: '}${printable(r.reason, 300)}`;

export async function runNotifyTest(
  options: { readonly file: string; readonly receiver: string | undefined; readonly json: boolean },
  env: Environment,
  out: Output,
  now: () => number = Date.now,
): Promise<number> {
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const { config } = loaded;
  const every = allReceivers(config.notify);
  if (every.length === 0) {
    out.error(
      'netwatch notify test: no receivers configured under notify: (pagerduty, alertmanager, webhook, routes)',
    );
    return 2;
  }
  const chosen = options.receiver === undefined ? every : every.filter((t) => t.name === options.receiver);
  if (chosen.length === 0) {
    out.error(
      `netwatch notify test: no receiver named "${printable(options.receiver ?? '', 80)}"; configured: ${every.map((t) => t.name).join(', ')}`,
    );
    return 2;
  }
  const base = testMessage(config.http.externalUrl, now());
  const timed = async (send: () => Promise<SendResult>) => {
    const t0 = performance.now();
    const result = await send();
    return { ...result, ms: Math.round(performance.now() - t0) };
  };
  const outcomes: Outcome[] = await Promise.all(
    chosen.map(async (target) => {
      let pager: ReturnType<typeof pagerFor>;
      try {
        pager = pagerFor(target, { timeoutMs: config.notify.timeoutMs, now });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { receiver: target.name, trigger: { ok: false, retryable: false, reason, ms: 0 } } as Outcome;
      }
      const id = base.incident;
      const trigger = await timed(() =>
        pager.send({ ...base, action: 'trigger', deliveryId: `${id}/${target.name}/trigger` }),
      );
      const resolve = trigger.ok
        ? await timed(() =>
            pager.send({
              ...base,
              action: 'resolve',
              resolvedAt: now(),
              deliveryId: `${id}/${target.name}/resolve`,
            }),
          )
        : undefined;
      return {
        receiver: target.name,
        ...(target.route ? { route: target.route.name } : {}),
        trigger,
        ...(resolve ? { resolve } : {}),
      };
    }),
  );
  const failed = outcomes.filter((o) => !o.trigger.ok || (o.resolve !== undefined && !o.resolve.ok));
  if (options.json) {
    out.print(
      JSON.stringify(
        outcomes.map((o) => ({
          receiver: o.receiver,
          route: o.route ?? null,
          ok: o.trigger.ok && (o.resolve?.ok ?? false),
          trigger: o.trigger,
          resolve: o.resolve ?? null,
        })),
        null,
        2,
      ),
    );
  } else {
    const width = Math.max(...outcomes.map((o) => o.receiver.length));
    for (const o of outcomes) {
      const name = o.receiver.padEnd(width);
      if (!o.trigger.ok) out.print(`${name}  FAILED: ${describe(o.trigger)}`);
      else if (o.resolve && !o.resolve.ok)
        out.print(
          `${name}  accepted the trigger (${o.trigger.ms} ms) but FAILED the resolve: ${describe(o.resolve)}`,
        );
      else out.print(`${name}  accepted (trigger ${o.trigger.ms} ms, resolve ${o.resolve?.ms ?? 0} ms)`);
    }
    out.print(
      failed.length === 0
        ? `all ${outcomes.length} receiver(s) accepted the test page`
        : `${failed.length} of ${outcomes.length} receiver(s) failed`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}
