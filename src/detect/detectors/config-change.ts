import type { EventDraft } from '../../events/event.js';
import { printable } from '../../text.js';
import { type Detector, draft, nothing } from '../detector.js';

const MAX_PER_POLL = 10;

/** config_change: new JUNIPER-CFGMGMT-MIB change events since the last poll (who, from where). */
export const detectConfigChange: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const table = ctx.result.snapshot.configChanges;
  const seen = ctx.prev.configIndex;
  // An empty table (no commit since boot) walks like an unserved one. Seen so on first sight it is
  // position 0, so the first commit is news; later, a walk that missed the table changes nothing.
  if (!table.supported || table.value.length === 0)
    return seen === undefined ? { events: [], memory: { configIndex: 0 } } : nothing;
  const newest = Math.max(...table.value.map((c) => c.index));
  if (seen === newest) return nothing;
  // First sight, or the table restarted (reboot): learn where we are, report nothing old.
  if (seen === undefined || newest < seen) return { events: [], memory: { configIndex: newest } };
  const events: EventDraft[] = table.value
    .filter((c) => c.index > seen)
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
