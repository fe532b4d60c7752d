/**
 * The local time a page reached a route's team, for the Scorecard's "Were pages routed to online
 * engineers?". Parsing the route's `hours` and deciding "within" live with the config's own
 * validation (incident/maintenance.ts), so the report understands exactly what the config accepts.
 */

/** `Tue 12:49 Asia/Singapore`. */
export function describeLocal(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('hour')}:${part('minute')} ${timeZone}`;
}
