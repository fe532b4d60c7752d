import { type Detector, draft, nothing } from '../detector.js';

/**
 * poll_degraded: the device answers (its system GET succeeded) but its walk missed the poll
 * deadline `unreachable_after` times in a row, so none of its tables are being read and no other
 * detector can see anything on it. Raised once; the first full poll clears the state silently
 * (the data flowing again is visible in metrics; a second event would only add noise).
 * Other failures neither count nor clear: they are reachability's.
 */
export const detectDegraded: Detector = (ctx) => {
  const { degraded } = ctx.prev;
  if (ctx.result.ok)
    return degraded.deadlines === 0 && !degraded.active
      ? nothing
      : { events: [], memory: { degraded: { deadlines: 0, active: false } } };
  if (ctx.result.reason !== 'deadline') return nothing;
  const deadlines = degraded.deadlines + 1;
  if (degraded.active || deadlines < ctx.settings.unreachableAfter)
    return { events: [], memory: { degraded: { deadlines, active: degraded.active } } };
  return {
    events: [
      draft(
        ctx,
        'poll_degraded',
        `${ctx.device.name} answers SNMP but its data is not being read: ${deadlines} polls in a row missed their ${Math.round(ctx.result.durationMs / 1000)} s deadline`,
        { deadline_polls: deadlines, duration_ms: ctx.result.durationMs, error: ctx.result.message },
      ),
    ],
    memory: { degraded: { deadlines, active: true } },
  };
};
