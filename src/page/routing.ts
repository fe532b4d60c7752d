import type {
  AlertmanagerReceiver,
  NotifySettings,
  PagerDutyReceiver,
  Route,
  WebhookReceiver,
} from '../config/types.js';
import type { Incident, ReceiverInfo } from '../incident/incident.js';

/**
 * Which receivers an incident pages (pure): the first route whose sites or devices match the
 * incident's first device, else the default receivers. Receiver names are stable strings the
 * outbox, metrics and the timeline use: `pagerduty`, `alertmanager`, `webhook` for the defaults,
 * `<route>/pagerduty` … for a route's.
 */

export type ReceiverKind = 'pagerduty' | 'alertmanager' | 'webhook';

export type ReceiverTarget =
  | {
      readonly kind: 'pagerduty';
      readonly name: string;
      readonly settings: PagerDutyReceiver;
      readonly route?: Route;
    }
  | {
      readonly kind: 'alertmanager';
      readonly name: string;
      readonly settings: AlertmanagerReceiver;
      readonly route?: Route;
    }
  | {
      readonly kind: 'webhook';
      readonly name: string;
      readonly settings: WebhookReceiver;
      readonly route?: Route;
    };

const KINDS: readonly ReceiverKind[] = ['pagerduty', 'alertmanager', 'webhook'];

function targetsOf(source: Pick<NotifySettings, ReceiverKind>, route: Route | undefined): ReceiverTarget[] {
  const out: ReceiverTarget[] = [];
  for (const kind of KINDS) {
    const settings = source[kind];
    if (!settings) continue;
    const name = route ? `${route.name}/${kind}` : kind;
    out.push({ kind, name, settings, ...(route ? { route } : {}) } as ReceiverTarget);
  }
  return out;
}

/** The route for a device of a site, if one matches (first match wins). */
export function routeFor(notify: NotifySettings, device: string, site: string): Route | undefined {
  return notify.routes.find((r) => r.devices.includes(device) || r.sites.includes(site));
}

/** The receivers an incident's trigger goes to. */
export function receiversFor(
  notify: NotifySettings,
  incident: Pick<Incident, 'devices' | 'site'>,
): ReceiverTarget[] {
  const route = routeFor(notify, incident.devices[0] ?? '', incident.site);
  return targetsOf(route ?? notify, route);
}

/** Every receiver the config names (defaults and each route's): `notify test`, the drainer's pagers. */
export function allReceivers(notify: NotifySettings): ReceiverTarget[] {
  return [...targetsOf(notify, undefined), ...notify.routes.flatMap((r) => targetsOf(r, r))];
}

/** How a report names a receiver. */
export function receiverInfo(target: ReceiverTarget): ReceiverInfo {
  return {
    name: target.name,
    ...(target.route ? { route: target.route.name } : {}),
    ...(target.route?.hours ? { hours: target.route.hours } : {}),
  };
}
