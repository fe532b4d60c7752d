/** Times and durations as reports write them: UTC always, durations in words a reader parses at once. */

/** `5 min 12 s`, `14 s`, `1 h 3 min`, `2 d 4 h` (whole seconds; the two largest units). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const units: readonly (readonly [number, string])[] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  for (const [i, [size, name]] of units.entries()) {
    if (total < size && size > 1) continue;
    const n = Math.floor(total / size);
    const next = units[i + 1];
    // "5 min 0 s" says nothing "5 min" does not.
    const m = next === undefined ? 0 : Math.floor((total % size) / next[0]);
    return next === undefined || m === 0 ? `${n} ${name}` : `${n} ${name} ${m} ${next[1]}`;
  }
  return '0 s';
}

/**
 * A latency: one decimal under 10 s (sub-second paging is the point of the measurement), whole
 * seconds above, minutes from 60 s. Negative values (clock skew between a witness and the
 * onset, which is dated back) are shown as 0.
 */
export function formatLatency(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return `${(Math.round(clamped / 100) / 10).toString()} s`;
  return formatDuration(clamped);
}

/** Seconds with millisecond precision, for JSON. */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2022-04-19 04:49:20 UTC`: metadata. */
export function utcDateTime(ms: number): string {
  return `${isoUtc(ms).slice(0, 10)} ${isoUtc(ms).slice(11, 19)} UTC`;
}

/** `04:49:20`: a timeline line when the whole timeline is within one UTC day. */
export function utcClock(ms: number): string {
  return isoUtc(ms).slice(11, 19);
}

export function utcDay(ms: number): string {
  return isoUtc(ms).slice(0, 10);
}

/** Timestamp parsed from a stored ISO string; undefined when it is not one. */
export function parseTime(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
