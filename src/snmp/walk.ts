import { absent, compareOids, isUnder, type SnmpResult, type Varbind } from './types.js';

/** One GetBulk: for each requested OID, the varbinds that follow it (nonRepeaters = 0). */
export type BulkRequest = (
  oids: readonly string[],
  maxRepetitions: number,
) => Promise<SnmpResult<readonly (readonly Varbind[])[]>>;

/** A device that answers with tables this large is lying or broken; stop rather than eat memory. */
const MAX_ROWS_PER_COLUMN = 100_000;
/** Varbinds asked for in one GetBulk across all columns: keeps replies near 10 KB. */
const MAX_VARBINDS_PER_REQUEST = 250;

/**
 * Walks several columns in lock-step with GetBulk: one request carries every unfinished column,
 * `maxRepetitions` rows each (fewer when many columns are open, so a request asks for at most
 * ~250 varbinds). A column is finished when a varbind leaves its subtree, hits endOfMibView, or
 * fails to advance (a broken agent looping on one OID).
 */
export async function walkColumns(
  bulk: BulkRequest,
  columns: readonly string[],
  maxRepetitions: number,
): Promise<SnmpResult<readonly (readonly Varbind[])[]>> {
  const rows: Varbind[][] = columns.map(() => []);
  const next = [...columns];
  const open = new Set(columns.map((_, i) => i));
  let budget = Math.max(maxRepetitions, MAX_VARBINDS_PER_REQUEST);
  while (open.size > 0) {
    const active = [...open];
    const perColumn = Math.max(1, Math.min(maxRepetitions, Math.floor(budget / active.length)));
    const reply = await bulk(
      active.map((i) => next[i] as string),
      perColumn,
    );
    if (!reply.ok) {
      // tooBig: the agent cannot fit the reply in one message; ask for fewer rows and go on.
      if (reply.reason === 'error' && /tooBig/i.test(reply.message) && budget > active.length) {
        budget = Math.max(active.length, Math.floor(budget / 2));
        continue;
      }
      return reply;
    }
    active.forEach((columnIndex, k) => {
      const root = columns[columnIndex] as string;
      const got = reply.value[k] ?? [];
      if (got.length === 0) open.delete(columnIndex);
      for (const vb of got) {
        const previous = next[columnIndex] as string;
        if (absent(vb.value) || !isUnder(vb.oid, root) || compareOids(vb.oid, previous) <= 0) {
          open.delete(columnIndex);
          break;
        }
        const list = rows[columnIndex] as Varbind[];
        list.push(vb);
        next[columnIndex] = vb.oid;
        if (list.length >= MAX_ROWS_PER_COLUMN) {
          open.delete(columnIndex);
          break;
        }
      }
    });
  }
  return { ok: true, value: rows };
}
