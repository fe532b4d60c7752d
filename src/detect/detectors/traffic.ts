import type { InterfaceRate } from '../../collect/rates.js';
import type { EventDraft } from '../../events/event.js';
import { formatBps } from '../../format.js';
import { type DetectContext, type Detector, draft, nothing } from '../detector.js';
import { EMPTY_TRAFFIC, type TrafficMemory } from '../memory.js';

/**
 * traffic_drop / traffic_recovered for the device and each interface group: throughput below
 * drop_ratio × its recent baseline (median of the window; the baseline itself ≥ min_bps) for
 * `for` polls is a drop, dated from the first low sample; back above recover_ratio × the
 * baseline at the drop for `for` polls is a recovery. Both are dated from the first sample of
 * the move (below recover_ratio on the way down, above drop_ratio on the way up). No sample is
 * taken across a reboot, a discontinuity or a gap (rates.ts), nor from a walk that missed some of
 * the scope's ports (cover()), so none of those can look like a drop. A drop that outlasts
 * rebaseline_after ends as traffic_recovered (reason 'rebaselined') and the baseline is relearnt.
 * Windows and durations are measured on the polls' monotonic time (a wall-clock step bends none);
 * event stamps are wall time.
 */

const PHYSICAL = /^(ge|xe|et|mge|fe|ce|te|gi|gig|ten|hu|twe|fo|eth|ethernet|swp|enp|eno|ens)[-\d/]/i;
const MIN_BASELINE_SAMPLES = 3;

/**
 * Ports that carry user traffic: physical Ethernet, not logical units (`ge-0/0/0.0`), aggregates,
 * VC ports or management — so a frame is not counted on two interfaces of the same box.
 */
export function isTrafficPort(name: string): boolean {
  return PHYSICAL.test(name) && !name.includes('.');
}

/** A scope's throughput this poll and the traffic ports it was measured over (sorted). */
export interface ScopeSample {
  readonly bps: number;
  readonly ports: readonly string[];
}

export function scopesOf(
  ctx: DetectContext,
): Record<string, (rates: readonly InterfaceRate[]) => ScopeSample | undefined> {
  const sum = (pick: (r: InterfaceRate) => boolean) => (rates: readonly InterfaceRate[]) => {
    const chosen = rates.filter(pick);
    return chosen.length === 0
      ? undefined
      : {
          bps: chosen.reduce((t, r) => t + r.inBps + r.outBps, 0),
          ports: chosen.map((r) => r.name).sort(),
        };
  };
  const scopes: Record<string, (rates: readonly InterfaceRate[]) => ScopeSample | undefined> = {
    device: sum((r) => isTrafficPort(r.name)),
  };
  for (const [group, names] of Object.entries(ctx.device.interfaceGroups))
    scopes[`group:${group}`] = sum((r) => names.includes(r.name));
  return scopes;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const EMPTY = EMPTY_TRAFFIC;

/**
 * Partial samples in a row after which the measured port set is taken as changed for real (ports
 * removed from the device): the baseline is learnt again over the ports measured now.
 */
const PARTIAL_RELEARN = 3;

/** A poll's time: wall (`time`, for event stamps) and monotonic (`at`, for windows and durations). */
interface Instant {
  readonly time: number;
  readonly at: number;
}

/** The baseline of the samples inside the window ending at `at`, when there are enough of them. */
function baselineOf(ctx: DetectContext, samples: TrafficMemory['samples'], at: number) {
  const kept = samples.filter(([t]) => t >= at - ctx.settings.baselineWindowMs);
  const baseline = kept.length >= MIN_BASELINE_SAMPLES ? median(kept.map(([, v]) => v)) : undefined;
  return { samples: kept, baseline };
}

const describeScope = (ctx: DetectContext, scope: string) =>
  scope === 'device' ? `${ctx.device.name}` : `interface group ${scope.slice(6)} on ${ctx.device.name}`;

interface Covered {
  readonly memory: TrafficMemory;
  readonly judge: boolean;
  readonly event?: EventDraft;
}

/**
 * Like with like: a sample is judged only when it covers every port the baseline was measured
 * over. A port absent from either walk has no rate and is unknown, not zero, so a sample missing
 * some is neither a drop nor a baseline sample. New ports join the set (they can only add).
 * When ports stay gone (PARTIAL_RELEARN samples: an FPC or VC member went offline and took its
 * interfaces with it) the ports left are judged against the old baseline first: below drop_ratio
 * is traffic_drop (reason 'ports_gone', dated from the first partial sample), whose recovery is
 * measured as any other's; otherwise the baseline is learnt again over the ports left, silently.
 */
function cover(
  ctx: DetectContext,
  scope: string,
  memory: TrafficMemory,
  sample: ScopeSample,
  now: Instant,
): Covered {
  const measured = new Set(sample.ports);
  const complete = memory.ports.every((p) => measured.has(p));
  if (complete) {
    const ports = [...new Set([...memory.ports, ...sample.ports])].sort();
    return { memory: { ...memory, ports, partial: 0, partialSince: undefined }, judge: true };
  }
  const partial = memory.partial + 1;
  const partialSince = memory.partialSince ?? ([now.time, now.at] as const);
  if (partial < PARTIAL_RELEARN) return { memory: { ...memory, partial, partialSince }, judge: false };
  // The set changed for real. During a drop, judge on (the rebaseline timer ends it).
  if (memory.dropped)
    return { memory: { ...memory, ports: sample.ports, partial: 0, partialSince: undefined }, judge: true };
  const { dropRatio, minBps } = ctx.settings.trafficDrop;
  const { samples, baseline } = baselineOf(ctx, memory.samples, now.at);
  const relearn: TrafficMemory = { ...EMPTY, ports: sample.ports };
  if (baseline === undefined || baseline < minBps || sample.bps >= dropRatio * baseline)
    return { memory: relearn, judge: false };
  const gone = memory.ports.filter((p) => !measured.has(p));
  const [onset, onsetAt] = partialSince;
  const percent = Math.round((sample.bps / baseline) * 100);
  return {
    memory: {
      ...relearn,
      samples,
      dropped: true,
      onset,
      onsetAt,
      baselineAtDrop: baseline,
      lastBps: sample.bps,
    },
    judge: false,
    event: draft(
      ctx,
      'traffic_drop',
      `Traffic through ${describeScope(ctx, scope)} fell to ${formatBps(sample.bps)}, ${percent} % of its usual ${formatBps(baseline)}: ${gone.length} of its ports (${gone.join(', ')}) left the device's interface table`,
      {
        scope,
        bps: Math.round(sample.bps),
        baseline_bps: Math.round(baseline),
        percent_of_baseline: percent,
        confirmed_at: new Date(now.time).toISOString(),
        reason: 'ports_gone',
        ports_gone: gone,
      },
      { time: onset },
    ),
  };
}

function step(
  ctx: DetectContext,
  scope: string,
  memory: TrafficMemory,
  bps: number,
  { time, at }: Instant,
): { memory: TrafficMemory; event?: EventDraft } {
  const { dropRatio, recoverRatio, minBps, forPolls, rebaselineAfterMs } = ctx.settings.trafficDrop;
  const { ports } = memory;
  const { samples, baseline: learnt } = baselineOf(ctx, memory.samples, at);
  const what = describeScope(ctx, scope);

  if (!memory.dropped) {
    const baseline = learnt;
    const judged = baseline !== undefined && baseline >= minBps;
    // The outage is dated from the first sample of the slide: the poll that straddles the fall
    // often reads between the two lines.
    const sliding = judged && bps < recoverRatio * baseline;
    const onset = sliding ? (memory.onset ?? time) : undefined;
    const onsetAt = sliding ? (memory.onsetAt ?? at) : undefined;
    if (judged && bps < dropRatio * baseline) {
      const streak = memory.streak + 1;
      if (streak < forPolls) return { memory: { ...memory, samples, streak, onset, onsetAt, lastBps: bps } };
      const percent = Math.round((bps / baseline) * 100);
      return {
        memory: {
          ...EMPTY,
          ports,
          samples,
          dropped: true,
          onset,
          onsetAt,
          baselineAtDrop: baseline,
          lastBps: bps,
        },
        event: draft(
          ctx,
          'traffic_drop',
          `Traffic through ${what} fell to ${formatBps(bps)}, ${percent} % of its usual ${formatBps(baseline)}`,
          {
            scope,
            bps: Math.round(bps),
            baseline_bps: Math.round(baseline),
            percent_of_baseline: percent,
            confirmed_at: new Date(time).toISOString(),
          },
          { time: onset ?? time },
        ),
      };
    }
    // Not low enough to count: a sample for the baseline, unless it is part of a slide.
    const kept = onset === undefined ? [...samples, [at, bps] as const] : samples;
    return { memory: { ...EMPTY, ports, samples: kept, onset, onsetAt, lastBps: bps } };
  }

  const baseline = memory.baselineAtDrop ?? 0;
  if (bps >= recoverRatio * baseline) {
    const streak = memory.streak + 1;
    const recovering = memory.recovering ?? time;
    if (streak < forPolls) return { memory: { ...memory, streak, recovering, lastBps: bps } };
    const minutes =
      memory.onset === undefined ? undefined : Math.max(1, Math.round((recovering - memory.onset) / 60_000));
    return {
      memory: { ...EMPTY, ports, samples: [...samples, [at, bps] as const], lastBps: bps },
      event: draft(
        ctx,
        'traffic_recovered',
        `Traffic through ${what} is back to ${formatBps(bps)} (${Math.round((bps / baseline) * 100)} % of ${formatBps(baseline)})${minutes === undefined ? '' : ` after about ${minutes} min`}`,
        {
          scope,
          bps: Math.round(bps),
          baseline_bps: Math.round(baseline),
          drop_began: memory.onset === undefined ? null : new Date(memory.onset).toISOString(),
          confirmed_at: new Date(time).toISOString(),
          reason: 'recovered',
        },
        { time: recovering },
      ),
    };
  }
  // A memory written before onsetAt existed measured onset on the wall clock.
  const onsetAt = memory.onsetAt ?? memory.onset;
  if (memory.onset !== undefined && onsetAt !== undefined && at - onsetAt >= rebaselineAfterMs) {
    // Low for longer than rebaseline_after: the new normal (a moved service, a drained link).
    // End the drop and learn the baseline again from here, so a later new drop is caught.
    const minutes = Math.round((at - onsetAt) / 60_000);
    return {
      memory: { ...EMPTY, ports, samples: [[at, bps] as const], lastBps: bps },
      event: draft(
        ctx,
        'traffic_recovered',
        `Traffic through ${what} has stayed at ${formatBps(bps)} (${Math.round((bps / baseline) * 100)} % of ${formatBps(baseline)}) for ${minutes} min: taken as its new normal, its baseline is learnt again`,
        {
          scope,
          bps: Math.round(bps),
          baseline_bps: Math.round(baseline),
          drop_began: new Date(memory.onset).toISOString(),
          confirmed_at: new Date(time).toISOString(),
          reason: 'rebaselined',
        },
      ),
    };
  }
  // Partly back (above the drop line) starts the recovery's clock; falling back below stops it.
  const recovering = bps >= dropRatio * baseline ? (memory.recovering ?? time) : undefined;
  return { memory: { ...memory, streak: 0, recovering, lastBps: bps } };
}

export const detectTraffic: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const rates = ctx.derived.rates;
  if (!rates?.ok) return nothing; // reboot, discontinuity, gap or first poll: no sample at all
  const { time, monoMs } = ctx.result.snapshot;
  const now: Instant = { time, at: monoMs ?? time };
  const traffic: Record<string, TrafficMemory> = {};
  const events: EventDraft[] = [];
  for (const [scope, measure] of Object.entries(scopesOf(ctx))) {
    const stored = ctx.prev.traffic[scope] ?? EMPTY;
    const sample = measure(rates.interfaces);
    if (sample === undefined) {
      traffic[scope] = stored;
      continue;
    }
    const covered = cover(ctx, scope, stored, sample, now);
    if (covered.event) events.push(covered.event);
    if (!covered.judge) {
      traffic[scope] = covered.memory;
      continue;
    }
    const next = step(ctx, scope, covered.memory, sample.bps, now);
    traffic[scope] = next.memory;
    if (next.event) events.push(next.event);
  }
  return { events, memory: { traffic } };
};
