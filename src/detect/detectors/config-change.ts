import type { EventDraft } from '../../events/event.js';
import { printable } from '../../text.js';
import { type Detector, draft, nothing } from '../detector.js';

const MAX_PER_POLL = 10;

/** config_change: new JUNIPER-CFGMGMT-MIB change events since the last poll (who, from where). */
export const detectConfigChange: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const table = ctx.result.snapshot.configChanges;
  if (!table.supported || table.value.length === 0) return nothing;
  const newest = Math.max(...table.value.map((c) => c.index));
  const seen = ctx.prev.configIndex;
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
