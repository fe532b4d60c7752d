import { bootEpochFact } from '../../events/fact-key.js';
import { type Detector, draft, nothing } from '../detector.js';

/**
 * device_reboot: the agent restarted (snmpEngineBoots up, or sysUpTime back beyond a 497-day
 * wrap) and every independent clock (VC member uptimes, Routing Engine uptimes, hrSystemUptime)
 * restarted with it (derive.ts). A failed poll never reads as uptime 0: failures do not reach
 * this detector's comparison at all. The fact is the boot epoch, so a trap or syslog about the
 * same boot is the same event.
 */
export const detectReboot: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const { bootEpoch, restartPending } = ctx.derived;
  const pending =
    restartPending === undefined
      ? undefined
      : (ctx.prev.restartPending ?? { why: restartPending, since: ctx.result.snapshot.time });
  const memory = { bootEpoch, restartPending: pending };
  if (!ctx.derived.deviceRebooted) return { events: [], memory };
  const snapshot = ctx.result.snapshot;
  const up = Math.round(ctx.derived.bootUptimeS ?? snapshot.system.upTimeCs / 100);
  return {
    events: [
      draft(
        ctx,
        'device_reboot',
        `${ctx.device.name} rebooted about ${formatAgo(up)} ago (${ctx.derived.rebootWhy})`,
        {
          uptime_s: up,
          evidence: ctx.derived.rebootWhy,
        },
        { fact: bootEpoch ?? bootEpochFact(snapshot.time, up) },
      ),
    ],
    memory,
  };
};

function formatAgo(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
