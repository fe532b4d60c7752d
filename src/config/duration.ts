const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
/** Prometheus duration syntax: one or more `<number><unit>`, units from largest to smallest, each once. */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Parses `250ms`, `30s`, `15m`, `2h`, `1d` and compound forms such as `2m20s` or `1h30m` (as
 * Prometheus writes them: largest unit first, each unit once) into milliseconds.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let ms = 0;
  let last = -1;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    const rank = ORDER.indexOf(unit as Unit);
    if (rank <= last) return undefined;
    last = rank;
    ms += Number(amount) * UNIT_MS[unit as Unit];
  }
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

/** The inverse of parseDuration for display: `2m20s`, `1h`, `250ms` (0 is `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(Math.abs(ms));
  let out = ms < 0 ? '-' : '';
  for (const unit of ORDER) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * UNIT_MS[unit];
    }
  }
  return out;
}
