import { Cron } from 'croner';
import type { MaintenanceWindow } from '../config/types.js';

/**
 * The maintenance calendar: "is time T inside a maintenance window (or an operator's silence)
 * that covers this device or site?", and the working-hours metadata of notify routes. Pure: no
 * clock is read, every time is passed in (UTC ms), so replaying the journal gives the same answers.
 *
 * A window opens at each fire time of its cron expression, read in its time zone, and lasts
 * `durationMs`: T is inside when the latest fire time at or before T is less than `durationMs`
 * before T (the end is exclusive). Daylight saving time follows Vixie cron (croner's fixed-time
 * rule "no-wildcard"): a fixed-time window whose start falls in a spring-forward gap opens when
 * the gap ends, and one whose start occurs twice in the fall-back hour opens once, at the first.
 *
 * Cost: called for every event. A window's cron expression is compiled once (cached per window
 * object) together with the fire interval of its last answer, so the next question about a time
 * in the same interval [fire, next fire) is answered without searching; a search costs some
 * hundred microseconds.
 */

/** An operator's silence (`netwatch silence DEVICE|SITE --for 2h --reason R`): covers [from, until). */
export interface Silence {
  readonly devices: readonly string[];
  readonly sites: readonly string[];
  /** UTC ms, inclusive. */
  readonly from: number;
  /** UTC ms, exclusive. */
  readonly until: number;
  readonly reason: string;
  readonly author: string;
}

/** What covers a device at a time: a maintenance window's occurrence or a silence. */
export interface Coverage {
  readonly kind: 'maintenance' | 'silence';
  readonly reason: string;
  /** When this occurrence began (UTC ms). */
  readonly from: number;
  /** When it ends (UTC ms, exclusive). */
  readonly until: number;
  /** Who made the silence (silences only). */
  readonly author?: string;
}

/** Options every compiled expression shares: five fields, DST as Vixie cron, day-of-month OR day-of-week. */
function compile(expr: string, tz: string): Cron {
  return new Cron(expr, { mode: '5-part', timezone: tz, fixedTimeRule: 'no-wildcard' });
}

/** True when `tz` is a time zone this runtime knows (IANA names such as Asia/Singapore, or UTC). */
export function isTimeZone(tz: string): boolean {
  if (tz.trim() === '' || /^[+-]/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Far enough back that a cron expression which never fired after it never fires (Feb 30). */
const NEVER_PROBE_FROM = Date.UTC(2000, 0, 1);

/**
 * Why a maintenance cron expression is unusable, or undefined when it is fine: exactly five
 * fields that croner accepts, firing at least once.
 */
export function cronProblem(expr: string, tz = 'UTC'): string | undefined {
  if (expr.trim().split(/\s+/).length !== 5)
    return 'invalid cron expression: use 5 fields (minute hour day month weekday), such as "0 2 * * 0"';
  let cron: Cron;
  try {
    cron = compile(expr, isTimeZone(tz) ? tz : 'UTC');
  } catch {
    return 'invalid cron expression: use 5 fields (minute hour day month weekday), such as "0 2 * * 0"';
  }
  if (cron.nextRun(new Date(NEVER_PROBE_FROM)) === null)
    return `cron expression "${expr}" never fires (no such date): the window would never open`;
  return undefined;
}

interface Compiled {
  readonly cron: Cron | undefined;
  /** The last answer: every T in [lo, hi) has `fire` as its latest fire time at or before T. */
  lo: number;
  hi: number;
  fire: number | undefined;
}

const compiled = new WeakMap<MaintenanceWindow, Compiled>();

function compiledOf(window: MaintenanceWindow): Compiled {
  let entry = compiled.get(window);
  if (!entry) {
    let cron: Cron | undefined;
    try {
      cron = compile(window.cron, window.tz);
    } catch {
      // Validated when the config was loaded; a window that still fails covers nothing.
      cron = undefined;
    }
    entry = { cron, lo: 0, hi: 0, fire: undefined };
    compiled.set(window, entry);
  }
  return entry;
}

/** The latest fire time of the window's cron expression at or before `atMs`, if any. */
export function lastFireAtOrBefore(window: MaintenanceWindow, atMs: number): number | undefined {
  const entry = compiledOf(window);
  if (!entry.cron || !Number.isFinite(atMs)) return undefined;
  if (entry.lo <= atMs && atMs < entry.hi) return entry.fire;
  // croner's previousRuns excludes a run exactly at the reference: ask from 1 ms later.
  const [previous] = entry.cron.previousRuns(1, new Date(atMs + 1));
  const fire = previous?.getTime();
  const next = entry.cron.nextRun(new Date(atMs))?.getTime() ?? Number.POSITIVE_INFINITY;
  entry.fire = fire;
  entry.lo = fire ?? Number.NEGATIVE_INFINITY;
  entry.hi = next;
  return fire;
}

/** The occurrence of `window` that contains `atMs` ([fire, fire + duration)), if any. */
export function occurrenceAt(
  window: MaintenanceWindow,
  atMs: number,
): { readonly from: number; readonly until: number } | undefined {
  const fire = lastFireAtOrBefore(window, atMs);
  if (fire === undefined) return undefined;
  const until = fire + window.durationMs;
  return atMs < until ? { from: fire, until } : undefined;
}

function names(
  target: { readonly devices: readonly string[]; readonly sites: readonly string[] },
  device: string,
  site: string,
) {
  return target.devices.includes(device) || target.sites.includes(site);
}

/** Does this window or silence cover the device (by name, by its site, or `all`)? */
export function covers(entry: MaintenanceWindow | Silence, device: string, site: string): boolean {
  if ('cron' in entry && entry.all) return true;
  return names(entry, device, site);
}

/** The windows that cover a device, whatever the time (e.g. to compute them once per device). */
export function windowsCovering(
  windows: readonly MaintenanceWindow[],
  device: string,
  site: string,
): MaintenanceWindow[] {
  return windows.filter((w) => covers(w, device, site));
}

/**
 * Is `atMs` inside a maintenance window or a silence that covers this device or its site? When
 * several do, the one ending last (the first listed among equals). Windows and silences may be
 * mixed in one list: `maintenanceAt([...config.maintenance, ...silences], device, site, t)`.
 */
export function maintenanceAt(
  entries: readonly (MaintenanceWindow | Silence)[],
  device: string,
  site: string,
  atMs: number,
): Coverage | undefined {
  let best: Coverage | undefined;
  for (const entry of entries) {
    if (!covers(entry, device, site)) continue;
    let found: Coverage | undefined;
    if ('cron' in entry) {
      const occurrence = occurrenceAt(entry, atMs);
      if (occurrence) found = { kind: 'maintenance', reason: entry.reason, ...occurrence };
    } else if (entry.from <= atMs && atMs < entry.until) {
      found = {
        kind: 'silence',
        reason: entry.reason,
        from: entry.from,
        until: entry.until,
        author: entry.author,
      };
    }
    if (found && (!best || found.until > best.until)) best = found;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Working hours of a notify route (metadata for the report's "Were pages routed to online
// engineers?"): "Mon-Fri 09:00-18:00 Asia/Singapore".

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface WorkingHours {
  /** Days the span starts on, 0 = Sunday … 6 = Saturday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after local midnight, start inclusive, end exclusive; end < start spans midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  readonly tz: string;
}

export type WorkingHoursResult =
  | { readonly ok: true; readonly hours: WorkingHours }
  | { readonly ok: false; readonly reason: string };

const HOURS_SHAPE = /^(\S+)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s+(\S+)$/;
const HOURS_EXAMPLE = 'such as "Mon-Fri 09:00-18:00 Asia/Singapore"';

function dayIndex(text: string): number | undefined {
  const index = DAYS.indexOf(text.toLowerCase() as (typeof DAYS)[number]);
  return index < 0 ? undefined : index;
}

function minuteOfDay(text: string): number | undefined {
  const [h, m] = text.split(':').map(Number) as [number, number];
  if (m > 59 || h > 24 || (h === 24 && m !== 0)) return undefined;
  return h * 60 + m;
}

/** Parses `DAYS HH:MM-HH:MM TZ`; DAYS is a comma list of days or ranges (`Mon-Fri`, `Sat,Sun`, `Fri-Mon`). */
export function parseWorkingHours(text: string): WorkingHoursResult {
  const shape = HOURS_SHAPE.exec(text.trim());
  if (!shape) return { ok: false, reason: `expected days, a time range and a time zone, ${HOURS_EXAMPLE}` };
  const [, daysText = '', startText = '', endText = '', tz = ''] = shape;
  const days = new Set<number>();
  for (const part of daysText.split(',')) {
    const [first = '', last, ...extra] = part.split('-');
    const from = dayIndex(first);
    const to = last === undefined ? from : dayIndex(last);
    if (from === undefined || to === undefined || extra.length > 0)
      return {
        ok: false,
        reason: `"${part}" is not a day or a range of days: use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ${HOURS_EXAMPLE}`,
      };
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  const startMinute = minuteOfDay(startText);
  if (startMinute === undefined || startMinute === 1440)
    return { ok: false, reason: `"${startText}" is not a time of day a range can start at (00:00 to 23:59)` };
  const endMinute = minuteOfDay(endText);
  if (endMinute === undefined)
    return { ok: false, reason: `"${endText}" is not a time of day (00:00 to 24:00)` };
  if (startMinute === endMinute)
    return { ok: false, reason: 'the time range is empty: it starts when it ends' };
  if (!isTimeZone(tz))
    return { ok: false, reason: `unknown time zone "${tz}": use an IANA name such as Asia/Singapore or UTC` };
  return { ok: true, hours: { days, startMinute, endMinute, tz } };
}

const localFormats = new Map<string, Intl.DateTimeFormat>();

/** Local weekday (0 = Sunday) and minute of the day of `atMs` in `tz`. */
function localTime(atMs: number, tz: string): { readonly day: number; readonly minute: number } {
  let format = localFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(tz, format);
  }
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(atMs)) {
    if (part.type === 'weekday') day = dayIndex(part.value) ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

/** Is `atMs` inside the working hours (a parsed value or the text of a route's `hours`)? */
export function withinWorkingHours(hours: WorkingHours | string, atMs: number): boolean {
  let parsed: WorkingHours;
  if (typeof hours === 'string') {
    const result = parseWorkingHours(hours);
    if (!result.ok) return false;
    parsed = result.hours;
  } else parsed = hours;
  const { day, minute } = localTime(atMs, parsed.tz);
  const { days, startMinute, endMinute } = parsed;
  if (startMinute < endMinute) return days.has(day) && minute >= startMinute && minute < endMinute;
  // Spans midnight: the evening part on a listed day, the morning part on the day after one.
  return (days.has(day) && minute >= startMinute) || (days.has((day + 6) % 7) && minute < endMinute);
}
