import { formatDuration } from '../../config/duration.js';
import type { EventSource, Scenario } from './types.js';

/**
 * Checks what netwatch produced against a scenario's `expect:` block. Pure: the caller gathers
 * the journal (and, once they exist, incidents and pages) after the run and says which kinds of
 * witness this build can produce; an expectation only a missing witness could meet is `pending`,
 * not passed, so it becomes live the day the receiver lands. Nothing after the scenario's end
 * counts (promtool's pitfall: input that ends before eval_time must not pass).
 */

export interface ObservedEvent {
  readonly device: string;
  readonly type: string;
  /** Unix ms. */
  readonly timeMs: number;
  readonly source: string;
  /** Sources of every sighting (the first included), when the store kept witnesses. */
  readonly witnesses?: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ObservedIncident {
  readonly device?: string;
  readonly site?: string;
  readonly openedMs: number;
  readonly maintenance: boolean;
  /** Timeline entries in order: event types and OUTAGE BEGINS / OUTAGE ENDS / PAGED. */
  readonly timeline: readonly string[];
}

export interface ObservedPage {
  readonly device?: string;
  readonly site?: string;
  readonly resolved: boolean;
}

export interface Observed {
  readonly events: readonly ObservedEvent[];
  /** Absent until this build makes incidents: incident expectations are then pending. */
  readonly incidents?: readonly ObservedIncident[];
  readonly pages?: readonly ObservedPage[];
}

export interface Live {
  /** Event sources this build can produce (today: poll). */
  readonly sources: ReadonlySet<EventSource>;
}

export type VerdictStatus = 'met' | 'failed' | 'pending';

export interface Verdict {
  readonly where: string;
  readonly status: VerdictStatus;
  /** The expectation in words ("master_switchover on asw1-eqsin between 2m and 3m"). */
  readonly what: string;
  /** Why it failed or is pending, or what met it. */
  readonly detail: string;
}

const at = (ms: number) => (ms === 0 ? '0s' : formatDuration(ms));

export function checkExpectations(
  scenario: Scenario,
  startMs: number,
  observed: Observed,
  live: Live,
): Verdict[] {
  const endMs = startMs + scenario.endMs;
  const inRun = observed.events.filter((e) => e.timeMs >= startMs && e.timeMs <= endMs);
  const verdicts: Verdict[] = [];

  for (const x of scenario.expect.events) {
    const what = `${x.count !== undefined ? `${x.count}× ` : ''}${x.type} on ${x.device} between ${at(x.atMs)} and ${at(x.atMs + x.withinMs)}`;
    if (!x.sources.some((s) => live.sources.has(s))) {
      verdicts.push({
        where: x.where,
        status: 'pending',
        what,
        detail: `witnessed only by ${x.sources.join('/')}, which this build does not receive yet`,
      });
      continue;
    }
    const from = startMs + x.atMs;
    const to = Math.min(endMs, from + x.withinMs);
    const sameKind = inRun.filter((e) => e.device === x.device && e.type === x.type);
    const matches = sameKind.filter(
      (e) =>
        e.timeMs >= from &&
        e.timeMs <= to &&
        (e.witnesses ?? [e.source]).some((s) => x.sources.includes(s as EventSource)) &&
        Object.entries(x.details).every(([k, v]) => String(e.details[k]) === String(v)),
    );
    const ok = x.count === undefined ? matches.length > 0 : matches.length === x.count;
    const seen = sameKind.map((e) => `${at(e.timeMs - startMs)} ${JSON.stringify(e.details)}`).slice(0, 5);
    verdicts.push({
      where: x.where,
      status: ok ? 'met' : 'failed',
      what,
      detail: ok
        ? `at ${matches.map((e) => at(e.timeMs - startMs)).join(', ')}`
        : `found ${matches.length} in the window${seen.length ? `; ${x.type} on ${x.device} at: ${seen.join('; ')}` : `; no ${x.type} on ${x.device} at all`}`,
    });
  }

  for (const f of scenario.expect.forbidden) {
    const devices = f.devices ? new Set(f.devices) : undefined;
    const bad = inRun.filter((e) => f.types.includes(e.type) && (!devices || devices.has(e.device)));
    const what = `no ${f.types.join(', ')}${f.devices ? ` on ${f.devices.join(', ')}` : ''}`;
    verdicts.push({
      where: f.where,
      status: bad.length === 0 ? 'met' : 'failed',
      what,
      detail:
        bad.length === 0
          ? 'none'
          : bad
              .slice(0, 5)
              .map((e) => `${e.type} on ${e.device} at ${at(e.timeMs - startMs)}`)
              .join('; '),
    });
  }

  // Timeline entries of event types this build cannot hear yet (every expectation of that type is
  // witnessed only by sources not live) are left out of the timeline check, and said so.
  const unheard = new Set(
    scenario.expect.events
      .filter((x) => !x.sources.some((s) => live.sources.has(s)))
      .map((x) => x.type)
      .filter((type) =>
        scenario.expect.events.every((x) => x.type !== type || !x.sources.some((s) => live.sources.has(s))),
      ),
  );
  for (const x of scenario.expect.incidents) {
    const subject = x.device ?? `site ${x.site}`;
    const skipped = x.timeline.filter((label) => unheard.has(label));
    const timeline = x.timeline.filter((label) => !unheard.has(label));
    const what = `an incident for ${subject} opened between ${at(x.atMs)} and ${at(x.atMs + x.withinMs)}${x.timeline.length ? ` with timeline ${x.timeline.join(' → ')}` : ''}`;
    if (!observed.incidents) {
      verdicts.push({ where: x.where, status: 'pending', what, detail: 'this build opens no incidents yet' });
      continue;
    }
    const from = startMs + x.atMs;
    const to = Math.min(endMs, from + x.withinMs);
    const found = observed.incidents.find(
      (i) =>
        (x.device === undefined || i.device === x.device) &&
        (x.site === undefined || i.site === x.site) &&
        i.openedMs >= from &&
        i.openedMs <= to &&
        (x.maintenance === undefined || i.maintenance === x.maintenance) &&
        isSubsequence(timeline, i.timeline),
    );
    const note = skipped.length > 0 ? ` (${skipped.join(', ')} not checked: not heard by this build)` : '';
    verdicts.push({
      where: x.where,
      status: found ? 'met' : 'failed',
      what,
      detail: found
        ? `timeline ${found.timeline.join(' → ')}${note}`
        : `incidents: ${observed.incidents.map((i) => `${i.device ?? i.site} at ${at(i.openedMs - startMs)}: ${i.timeline.join(' → ')}`).join('; ') || 'none'}${note}`,
    });
  }

  for (const x of scenario.expect.pages) {
    const subject = x.device ?? (x.site !== undefined ? `site ${x.site}` : 'the fleet');
    const what = `${x.count} page(s) for ${subject}${x.resolved ? ', resolved by the end' : ''}`;
    if (!observed.pages) {
      verdicts.push({ where: x.where, status: 'pending', what, detail: 'this build sends no pages yet' });
      continue;
    }
    const pages = observed.pages.filter(
      (p) => (x.device === undefined || p.device === x.device) && (x.site === undefined || p.site === x.site),
    );
    const ok = pages.length === x.count && (!x.resolved || pages.every((p) => p.resolved));
    verdicts.push({
      where: x.where,
      status: ok ? 'met' : 'failed',
      what,
      detail: `${pages.length} page(s), ${pages.filter((p) => p.resolved).length} resolved`,
    });
  }
  return verdicts;
}

/** True when `want` appears in `have` in order (other entries may come between). */
function isSubsequence(want: readonly string[], have: readonly string[]): boolean {
  let i = 0;
  for (const entry of have) if (entry === want[i]) i += 1;
  return i === want.length;
}

/** One line per verdict, for the CLI and test failure messages. */
export function formatVerdicts(verdicts: readonly Verdict[]): string {
  const mark = { met: 'ok     ', failed: 'FAILED ', pending: 'pending' } as const;
  return verdicts.map((v) => `${mark[v.status]} ${v.where}: ${v.what} — ${v.detail}`).join('\n');
}
