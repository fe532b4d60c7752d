import type { EventDraft } from '../../events/event.js';
import { printable } from '../../text.js';
import { type Detector, draft, nothing } from '../detector.js';

/**
 * interface_down / interface_up: ifOperStatus changes on admin-up ports (lead-up context:
 * "a new server was connected"). Logical units (`ge-0/0/0.0`) follow their port and are not
 * events of their own: one cable is one event, not two. Nothing across a device reboot, when
 * every port flaps at once.
 */
export const detectInterfaces: Detector = (ctx) => {
  if (!ctx.result.ok || ctx.derived.deviceRebooted) return nothing;
  const now = ctx.result.snapshot.interfaces;
  const before = ctx.before?.interfaces;
  if (!now.supported || !before?.supported) return nothing;
  const old = new Map(before.value.map((i) => [i.index, i]));
  const events: EventDraft[] = [];
  for (const i of now.value) {
    const was = old.get(i.index);
    if (
      !was ||
      i.name.includes('.') ||
      i.adminUp !== true ||
      was.operUp === undefined ||
      i.operUp === undefined ||
      was.operUp === i.operUp
    )
      continue;
    const alias = i.alias ? ` (${printable(i.alias, 60)})` : '';
    events.push(
      draft(
        ctx,
        i.operUp ? 'interface_up' : 'interface_down',
        `${i.name}${alias} on ${ctx.device.name} went ${i.operUp ? 'up' : 'down'}`,
        { interface: i.name, alias: i.alias, if_index: i.index, speed_mbps: i.speedMbps ?? null },
      ),
    );
  }
  return { events, memory: {} };
};
