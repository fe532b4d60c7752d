import type { EventDraft } from '../../events/event.js';
import { type Detector, draft, nothing } from '../detector.js';
import { isTrafficPort } from './traffic.js';

/**
 * process_stuck, the forwarding-plane kind: an up port that carried traffic (≥ min_bps) and whose
 * counters then stop dead in both directions for N polls. A live Ethernet link always counts
 * something (LLDP, broadcasts), so exact zero on a busy port means the forwarding daemon is wedged.
 */
export const detectFrozenCounters: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const rates = ctx.derived.rates;
  if (!rates?.ok) return nothing;
  const interfaces = ctx.result.snapshot.interfaces;
  if (!interfaces.supported) return nothing;
  const upNow = new Set(interfaces.value.filter((i) => i.operUp).map((i) => i.name));
  const { minBps } = ctx.settings.trafficDrop;
  // A port is armed once seen carrying ≥ min_bps; its count is the zero polls since.
  const polls: Record<string, number> = {};
  for (const r of rates.interfaces) {
    if (!isTrafficPort(r.name) || !upNow.has(r.name)) continue;
    const armed = ctx.prev.frozen.polls[r.name];
    if (r.inBps + r.outBps >= minBps) polls[r.name] = 0;
    else if (armed !== undefined) polls[r.name] = r.inBps === 0 && r.outBps === 0 ? armed + 1 : 0;
  }
  const stuck = Object.entries(polls)
    .filter(([, n]) => n >= ctx.settings.stuckAfter)
    .map(([name]) => name)
    .sort();
  const events: EventDraft[] = [];
  const fresh = stuck.filter((name) => !ctx.prev.frozen.active.includes(name));
  if (fresh.length > 0)
    events.push(
      draft(
        ctx,
        'process_stuck',
        `Counters of ${fresh.length === 1 ? `up port ${fresh[0]}` : `${fresh.length} up ports (${fresh.slice(0, 4).join(', ')}${fresh.length > 4 ? ', …' : ''})`} on ${ctx.device.name} stopped dead after carrying traffic: the forwarding daemon may be stuck`,
        { interfaces: fresh, polls: ctx.settings.stuckAfter },
      ),
    );
  return { events, memory: { frozen: { polls, active: stuck } } };
};
