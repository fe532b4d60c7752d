import type { ConfigChange } from '../../collect/snapshot.js';
import type { EventDraft } from '../../events/event.js';
import { printable } from '../../text.js';
import { type Detector, draft, nothing } from '../detector.js';

const MAX_PER_POLL = 10;

/**
 * config_change: new JUNIPER-CFGMGMT-MIB change events since the last poll (who, from where).
 *
 * Which rows are news:
 * - normally, those numbered after the newest one seen;
 * - when no row was ever seen but an earlier poll of this agent run exists (the table was empty,
 *   or a walk missed it), those the agent stamped (sysUpTime at the change) after that poll — a
 *   first commit is news, commits from before netwatch looked are not;
 * - on the very first poll, or when the numbering went back (a reboot restarts the table): none;
 *   netwatch learns where the table is.
 * An empty or unserved table changes nothing, except that after a device reboot the numbering
 * starts again from 0.
 */
export const detectConfigChange: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const table = ctx.result.snapshot.configChanges;
  const seen = ctx.prev.configIndex;
  const rows = table.supported ? table.value : [];
  if (rows.length === 0)
    return ctx.derived.deviceRebooted && seen !== undefined && seen !== 0
      ? { events: [], memory: { configIndex: 0 } }
      : nothing;
  const newest = Math.max(...rows.map((c) => c.index));
  const before = ctx.before?.clocks.upTimeCs;
  let fresh: readonly ConfigChange[] = [];
  if (seen !== undefined && newest >= seen) fresh = rows.filter((c) => c.index > seen);
  else if (seen === undefined && before !== undefined && !ctx.derived.agentRestarted)
    fresh = rows.filter((c) => c.timeCs !== undefined && c.timeCs > before);
  if (fresh.length === 0 && seen === newest) return nothing;
  const events: EventDraft[] = fresh
    .slice(-MAX_PER_POLL)
    .map((c) =>
      draft(
        ctx,
        'config_change',
        `Configuration of ${ctx.device.name} changed by ${c.user ? printable(c.user, 40) : 'an unknown user'} via ${c.source}`,
        { user: c.user, source: c.source, change_index: c.index },
      ),
    );
  return { events, memory: { configIndex: newest } };
};
