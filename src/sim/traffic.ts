/**
 * Octets carried at a rate that swings over the day, integrated in closed form so a counter read at
 * any time is exact whatever the poll cadence or clock speed (no stepping, no drift):
 *
 *   rate(t) = r · (1 + a · sin(ω t + φ)),  ω = 2π / 24 h,  peak at 14:00 UTC
 *   ∫ rate = r · (Δt − (a/ω) · (cos(ω t1 + φ) − cos(ω t0 + φ)))
 *
 * Pure: times are Unix ms passed in.
 */

const DAY_S = 86_400;
const OMEGA = (2 * Math.PI) / DAY_S;
const PHASE = Math.PI / 2 - OMEGA * 14 * 3600;

/** Octets carried between t0 and t1 (Unix ms) at `bytesPerSecond` with day swing `diurnal` (0..<1). */
export function octetsBetween(bytesPerSecond: number, diurnal: number, t0Ms: number, t1Ms: number): number {
  if (!(t1Ms > t0Ms) || bytesPerSecond <= 0) return 0;
  // The span from the difference of the ms times: epoch seconds as doubles would lose ~0.25 µs.
  const span = (t1Ms - t0Ms) / 1000;
  if (diurnal === 0) return bytesPerSecond * span;
  const t0 = t0Ms / 1000;
  const t1 = t1Ms / 1000;
  const swing = (diurnal / OMEGA) * (Math.cos(OMEGA * t1 + PHASE) - Math.cos(OMEGA * t0 + PHASE));
  return bytesPerSecond * Math.max(0, span - swing);
}

/** The instantaneous rate multiplier at time t (for progress output). */
export function diurnalFactor(diurnal: number, tMs: number): number {
  return 1 + diurnal * Math.sin(OMEGA * (tMs / 1000) + PHASE);
}

/** A small deterministic PRNG (mulberry32): the same scenario drops the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: seeds and PIDs derived from device names. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
