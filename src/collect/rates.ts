import { elapsedMs, type Observed, type ObservedInterface, observedOf } from './observed.js';
import type { Snapshot } from './snapshot.js';

/**
 * Counter deltas and rates between two observations of the same device (observed.ts). Pure. No rate is given
 * across a reboot, a counter discontinuity, a 64-bit counter going backwards, a 32-bit counter
 * that may have wrapped more than once, or a gap longer than `maxGapMs` — "no number" is better
 * than a false spike. Elapsed time is monotonic when both observations carry it (observed.ts).
 */

const WRAP_32 = 2n ** 32n;

/** Octets counted between two readings, or undefined when the counters are not comparable. */
export function counterDelta(prev: bigint, curr: bigint, bits: 64 | 32): bigint | undefined {
  if (curr >= prev) return curr - prev;
  // A 32-bit counter wraps often at 10G (every 3.4 s at line rate): one wrap is assumed.
  if (bits === 32 && prev < WRAP_32) return curr + WRAP_32 - prev;
  return undefined; // 64-bit never wraps in practice: backwards is a reset
}

export interface InterfaceRate {
  readonly name: string;
  readonly inBps: number;
  readonly outBps: number;
}

export type RateResult =
  | { readonly ok: true; readonly interfaces: readonly InterfaceRate[]; readonly totalBps: number }
  | { readonly ok: false; readonly reason: 'reboot' | 'gap' | 'no-counters' | 'too-soon' };

/**
 * Is a 32-bit counter's delta over `seconds` ambiguous? When the interface's speed (ifHighSpeed)
 * lets it count 2^32 octets in that time it may have wrapped more than once: the delta is a guess,
 * so the interface is unknown (never zero). A 10G port wraps every 3.4 s at line rate. Without a
 * speed, one wrap is assumed.
 */
export function ambiguousWrap(speedMbps: number | undefined, seconds: number): boolean {
  if (speedMbps === undefined || speedMbps <= 0) return false;
  return ((speedMbps * 1e6) / 8) * seconds >= 2 ** 32;
}

function comparable(a: ObservedInterface, b: ObservedInterface): boolean {
  return (
    a.counterBits !== undefined &&
    a.counterBits === b.counterBits &&
    (a.discontinuityCs ?? 0) === (b.discontinuityCs ?? 0)
  );
}

/**
 * Rates of the interfaces whose counters both observations hold. An interface absent from either
 * walk (or without counters in it) has no rate: it is unknown, never zero. Callers that sum rates
 * must compare like with like (detectors/traffic.ts).
 */
export function computeRates(
  prevIn: Observed | Snapshot,
  currIn: Observed | Snapshot,
  maxGapMs: number,
): RateResult {
  // Snapshots are accepted for callers outside detection (netwatch poll, bench).
  const prev = 'clocks' in prevIn ? prevIn : observedOf(prevIn);
  const curr = 'clocks' in currIn ? currIn : observedOf(currIn);
  const elapsed = elapsedMs(prev, curr);
  const seconds = elapsed / 1000;
  if (seconds <= 0) return { ok: false, reason: 'too-soon' };
  if (elapsed > maxGapMs) return { ok: false, reason: 'gap' };
  const bootsChanged =
    prev.clocks.engineBoots !== undefined &&
    curr.clocks.engineBoots !== undefined &&
    curr.clocks.engineBoots !== prev.clocks.engineBoots;
  if (bootsChanged || curr.clocks.upTimeCs < prev.clocks.upTimeCs) {
    // sysUpTime going backwards is a restart of the agent, or the 497-day wrap; either way the
    // counters may have restarted with it. One missed rate is the safe answer.
    return { ok: false, reason: 'reboot' };
  }
  if (!prev.interfaces.supported || !curr.interfaces.supported) return { ok: false, reason: 'no-counters' };
  const before = new Map(prev.interfaces.value.map((i) => [i.index, i]));
  const rates: InterfaceRate[] = [];
  let total = 0;
  for (const now of curr.interfaces.value) {
    const then = before.get(now.index);
    if (!then || !comparable(then, now) || now.counterBits === undefined) continue;
    if (now.counterBits === 32 && ambiguousWrap(now.speedMbps ?? then.speedMbps, seconds)) continue;
    if (
      now.inOctets === undefined ||
      then.inOctets === undefined ||
      now.outOctets === undefined ||
      then.outOctets === undefined
    )
      continue;
    const dIn = counterDelta(then.inOctets, now.inOctets, now.counterBits);
    const dOut = counterDelta(then.outOctets, now.outOctets, now.counterBits);
    if (dIn === undefined || dOut === undefined) continue;
    const inBps = (Number(dIn) * 8) / seconds;
    const outBps = (Number(dOut) * 8) / seconds;
    rates.push({ name: now.name, inBps, outBps });
    total += inBps + outBps;
  }
  if (rates.length === 0) return { ok: false, reason: 'no-counters' };
  return { ok: true, interfaces: rates, totalBps: total };
}
