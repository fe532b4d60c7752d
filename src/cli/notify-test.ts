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

/** `netwatch-test-20221119T045920`: UTC, to the second, so two runs a second apart differ. */
export function testIncidentId(now: number): string {
  return `netwatch-test-${new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}`;
}

/** The test page: plain enough that whoever sees it on a phone knows to ignore it. */
function testMessage(externalUrl: string, now: number): Omit<PageMessage, 'action' | 'deliveryId'> {
  return {
    incident: testIncidentId(now),
    scope: 'device',
    site: 'test',
    devices: ['netwatch'],
    severity: 'major',
    summary: 'netwatch test page: please ignore',
    cause: 'test',
    impactStart: now,
    // The test incident is not in the store: link to netwatch itself, not to a page that 404s.
    link: externalUrl,
    types: [],
    remarks: ['test page'],
  };
}

/** How the output names a receiver: a route's receivers with their route, so a bad key is placed. */
const label = (o: Pick<Outcome, 'receiver' | 'route'>) =>
  o.route !== undefined ? `route ${o.receiver}` : o.receiver;

/** Reasons come from the pagers, which never put a secret in one (page/pager.ts). */
const failure = (r: SendResult) =>
  r.ok ? '' : `${printable(r.reason, 300)} (${r.retryable ? 'retryable' : 'not retryable'})`;

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
  // A receiver's name (`pagerduty`, `eqsin/pagerduty`) or a route's name (all its receivers).
  const wanted = options.receiver;
  const chosen =
    wanted === undefined ? every : every.filter((t) => t.name === wanted || t.route?.name === wanted);
  if (chosen.length === 0) {
    out.error(
      `netwatch notify test: no receiver or route named "${printable(wanted ?? '', 80)}"; configured: ${every.map((t) => t.name).join(', ')}`,
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
        // A receiver the config let through but no pager accepts (its URL): a failure of that
        // receiver, not of the command, so the others are still tested.
        const reason = error instanceof Error ? error.message : String(error);
        return {
          receiver: target.name,
          ...(target.route ? { route: target.route.name } : {}),
          trigger: { ok: false, retryable: false, reason, ms: 0 },
        };
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
    const width = Math.max(...outcomes.map((o) => label(o).length));
    for (const o of outcomes) {
      const name = label(o).padEnd(width);
      if (!o.trigger.ok) out.print(`${name}  FAILED: ${failure(o.trigger)}`);
      else if (o.resolve && !o.resolve.ok)
        // The test alert is open at the receiver: say so, it needs closing by hand.
        out.print(
          `${name}  FAILED the resolve: ${failure(o.resolve)}; the trigger was accepted (${o.trigger.ms} ms), close the test alert by hand`,
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
