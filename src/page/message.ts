import type { Incident, PageAction } from '../incident/incident.js';
import type { PageMessage } from './pager.js';

/**
 * What a page says about an incident at the moment it became due (pure). Stored in the outbox
 * with the entry, so a retry after a restart sends what was due then, not a later state.
 */
export function pageMessage(
  incident: Incident,
  action: Exclude<PageAction, 'refresh'>,
  externalUrl: string,
  remarks: readonly string[] = [],
  degraded = false,
): Omit<PageMessage, 'deliveryId'> {
  const types: string[] = [];
  for (const e of incident.entries)
    if (e.kind === 'event' && e.event && !types.includes(e.event.type)) types.push(e.event.type);
  const marks = [...remarks];
  if (incident.flapping) marks.push('device is flapping');
  if (incident.maintenance) marks.push(`maintenance window: ${incident.maintenance.reason}`);
  if (degraded) marks.push('netwatch store degraded: sent from memory');
  return {
    incident: incident.id,
    action,
    scope: incident.scope,
    site: incident.site,
    devices: incident.devices,
    // The severity it paged with, for its whole life: Alertmanager knows an alert by its labels.
    severity: incident.pageCause?.severity ?? incident.severity,
    summary: incident.title,
    cause: incident.pageCause?.type ?? types[0] ?? 'unknown',
    impactStart: incident.impactStart,
    ...(incident.resolvedAt !== undefined && action === 'resolve' ? { resolvedAt: incident.resolvedAt } : {}),
    link: `${externalUrl}/incidents/${encodeURIComponent(incident.id)}`,
    types,
    ...(degraded ? { degraded: true } : {}),
    remarks: marks,
  };
}
