import type { EventDraft } from '../../events/event.js';
import { type Detector, draft, nothing } from '../detector.js';

/** alarm_raised / alarm_cleared: JUNIPER-ALARM-MIB red and yellow chassis alarm transitions. */
export const detectAlarms: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const now = ctx.result.snapshot.alarms;
  const before = ctx.before?.alarms;
  if (!now.supported || !before?.supported) return nothing;
  const events: EventDraft[] = [];
  for (const color of ['red', 'yellow'] as const) {
    const on = now.value[color];
    if (on === before.value[color]) continue;
    const count = now.value[color === 'red' ? 'redCount' : 'yellowCount'];
    events.push(
      on
        ? draft(
            ctx,
            'alarm_raised',
            `${color === 'red' ? 'Red (major)' : 'Yellow (minor)'} chassis alarm raised on ${ctx.device.name}${count ? ` (${count} active)` : ''}`,
            { color, count: count ?? null },
            { severity: color === 'red' ? 'major' : 'minor' },
          )
        : draft(
            ctx,
            'alarm_cleared',
            `${color === 'red' ? 'Red' : 'Yellow'} chassis alarm cleared on ${ctx.device.name}`,
            { color },
          ),
    );
  }
  return { events, memory: {} };
};
