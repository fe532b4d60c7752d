import type { Alarms } from '../../collect/snapshot.js';
import type { EventDraft } from '../../events/event.js';
import { type Detector, draft, nothing } from '../detector.js';

const COLORS = {
  red: { count: 'redCount', label: 'Red (major)', name: 'Red', severity: 'major' },
  yellow: { count: 'yellowCount', label: 'Yellow (minor)', name: 'Yellow', severity: 'minor' },
} as const;

/** How many alarms of a colour are active: the count when served, else 1/0 from the state. */
function activeCount(alarms: Alarms, color: keyof typeof COLORS): number {
  const count = alarms[COLORS[color].count];
  if (count !== undefined) return alarms[color] ? Math.max(count, 1) : count;
  return alarms[color] ? 1 : 0;
}

/**
 * alarm_raised / alarm_cleared: JUNIPER-ALARM-MIB red and yellow chassis alarms. A rise of the
 * active count is a new alarm even while the state was already on (a second red alarm); the
 * count falling to zero (state off) is alarm_cleared. A red alarm is major.
 */
export const detectAlarms: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const now = ctx.result.snapshot.alarms;
  const before = ctx.before?.alarms;
  if (!now.supported || !before?.supported) return nothing;
  const events: EventDraft[] = [];
  for (const color of ['red', 'yellow'] as const) {
    const { label, name, severity } = COLORS[color];
    const was = activeCount(before.value, color);
    const is = activeCount(now.value, color);
    if (is > was)
      events.push(
        draft(
          ctx,
          'alarm_raised',
          `${label} chassis alarm raised on ${ctx.device.name} (${is} active${was > 0 ? `, ${was} before` : ''})`,
          { color, count_before: was, count: is },
          { severity },
        ),
      );
    else if (is === 0 && was > 0)
      events.push(
        draft(ctx, 'alarm_cleared', `${name} chassis alarm cleared on ${ctx.device.name}`, {
          color,
          count_before: was,
          count: 0,
        }),
      );
  }
  return { events, memory: {} };
};
