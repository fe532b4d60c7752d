import type { EventDraft } from '../../events/event.js';
import { formatBps } from '../../format.js';
import { type Detector, draft, nothing } from '../detector.js';

/**
 * traffic_imbalance: in an interface group, one member carries almost everything while its peers
 * carry almost nothing (a load balancer or LAG hashing everything one way). Raised once after
 * `for` polls; re-armed when the busiest member falls below 80 % of the group.
 */
export const detectImbalance: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const rates = ctx.derived.rates;
  if (!rates?.ok) return nothing;
  const { minBps, forPolls } = ctx.settings.trafficDrop;
  const imbalance: Record<string, { streak: number; active: boolean }> = {};
  const events: EventDraft[] = [];
  for (const [group, names] of Object.entries(ctx.device.interfaceGroups)) {
    const before = ctx.prev.imbalance[group] ?? { streak: 0, active: false };
    const members = rates.interfaces.filter((r) => names.includes(r.name));
    const total = members.reduce((t, r) => t + r.inBps + r.outBps, 0);
    if (members.length < 2 || total < minBps) {
      imbalance[group] = { streak: 0, active: before.active && total >= minBps };
      continue;
    }
    const busiest = members.reduce((a, b) => (a.inBps + a.outBps >= b.inBps + b.outBps ? a : b));
    const share = (busiest.inBps + busiest.outBps) / total;
    if (share >= ctx.settings.imbalanceShare) {
      const streak = before.streak + 1;
      const raise = !before.active && streak >= forPolls;
      imbalance[group] = { streak, active: before.active || raise };
      if (raise)
        events.push(
          draft(
            ctx,
            'traffic_imbalance',
            `${busiest.name} carries ${Math.round(share * 100)} % of interface group ${group} on ${ctx.device.name} (${formatBps(total)}); ${members
              .filter((m) => m !== busiest)
              .map((m) => m.name)
              .join(', ')} carry almost nothing`,
            {
              group,
              busiest: busiest.name,
              share: Math.round(share * 1000) / 1000,
              total_bps: Math.round(total),
              members: members.map((m) => m.name),
            },
          ),
        );
    } else imbalance[group] = { streak: 0, active: before.active && share >= 0.8 };
  }
  return { events, memory: { imbalance } };
};
