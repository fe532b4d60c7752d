import type { Config } from '../config/types.js';
import type { Incident, IncidentReport, PriorIncident, ReceiverInfo } from '../incident/incident.js';
import { allReceivers, receiverInfo, receiversFor } from '../page/routing.js';
import type { Store } from '../store/store.js';

/**
 * Reads what a report renders from the store (the one I/O step; rendering is pure): the incident,
 * its pages and notes, the receivers its pages went to (named as the config names them now), and
 * the earlier incidents it repeats.
 */

/** How far back "Is this incident sufficiently different from earlier incidents?" looks. */
export const PRIOR_WINDOW_MS = 90 * 86_400_000;

const DEFINING: ReadonlySet<string> = new Set(['critical', 'major']);

/**
 * What makes two incidents "the same": the types of their critical and major events (those that
 * open and join incidents). Informational events (a process restart, a recovery) vary from one
 * occurrence to the next and do not count.
 */
export function incidentTypes(incident: Incident): string[] {
  const types = incident.entries.flatMap((e) =>
    e.kind === 'event' && e.event && DEFINING.has(e.event.severity) ? [e.event.type] : [],
  );
  return [...new Set(types)].sort();
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Incidents of the first device with the same defining types, opened in the 90 days before. */
async function priorIncidents(
  store: Pick<Store, 'queryIncidents'>,
  incident: Incident,
): Promise<PriorIncident[]> {
  const device = incident.devices[0];
  if (device === undefined) return [];
  const types = incidentTypes(incident);
  const rows = await store.queryIncidents({
    device,
    since: incident.openedAt - PRIOR_WINDOW_MS,
    until: incident.openedAt,
  });
  return rows
    .map((r) => r.incident)
    .filter((i) => i.id !== incident.id && i.devices.includes(device) && sameTypes(incidentTypes(i), types))
    .map((i) => ({ id: i.id, openedAt: i.openedAt, types: incidentTypes(i) }));
}

/**
 * The receivers of the incident's pages as the config names them (route, working hours); a
 * receiver the outbox names but the config no longer has (a reload removed it) keeps its name.
 * Without any page yet, the receivers its trigger would go to.
 */
function receivers(
  config: Pick<Config, 'notify'>,
  incident: Incident,
  paged: readonly string[],
): ReceiverInfo[] {
  const known = new Map(allReceivers(config.notify).map((t) => [t.name, receiverInfo(t)]));
  if (paged.length === 0) return receiversFor(config.notify, incident).map(receiverInfo);
  return paged.map((name) => known.get(name) ?? { name });
}

export async function loadReport(
  store: Pick<Store, 'getIncident' | 'deliveries' | 'notes' | 'queryIncidents'>,
  config: Pick<Config, 'notify' | 'http'>,
  id: string,
): Promise<IncidentReport | undefined> {
  const stored = await store.getIncident(id);
  if (!stored) return undefined;
  const { incident } = stored;
  const [deliveries, notes, prior] = await Promise.all([
    store.deliveries(id),
    store.notes(id),
    priorIncidents(store, incident),
  ]);
  return {
    incident,
    deliveries,
    notes,
    prior,
    receivers: receivers(config, incident, [...new Set(deliveries.map((d) => d.receiver))]),
    externalUrl: config.http.externalUrl.replace(/\/+$/, ''),
  };
}
