import type { RecordedEvent } from '../events/event.js';
import { endedKey, IMPACT_SEVERITIES, isRebaselined, lastingKey, worse } from './impact.js';
import {
  type Incident,
  type IncidentEntry,
  type IncidentEntryKind,
  type IncidentSeverity,
  type PageAction,
  utcDate,
} from './incident.js';

/**
 * The correlator: a pure reducer `(state, input) → (state', effects)` that turns events into
 * incidents (SPEC.md "Incidents"). It never reads a clock, never logs, never does I/O: windows are
 * state, and time moves only by the events' stamps and `tick(now)` inputs. It is fed each
 * device's events in store order (seq), inside the transaction that records them
 * (incident/incident-service.ts), so an incident and the events that changed it commit together.
 *
 * Rules (decision 0007):
 * - An event of severity critical or major (per `severityOf`) opens an incident for its device;
 *   every later event of the device joins it while it is open. Events of the device within
 *   `leadUpMs` before the opening event are attached as lead-up.
 * - OUTAGE BEGINS is the earliest impact (events may be dated back: a drop's onset). OUTAGE ENDS
 *   is when the last lasting impact ended (impact.ts), or the last point impact. It resolves
 *   `quietPeriodMs` after OUTAGE ENDS with no impact since; impact within that time reopens the
 *   outage. A rebaselined recovery ends nothing: an operator resolves it.
 * - After it resolved, non-impact events within `mergeWindowMs` of its last event are still
 *   attached (the late `process_restart`); an impact opens a new incident.
 * - Storms: a device of the same site opening within `siteStorm.withinMs` of the last device to
 *   join an open incident joins it as a site incident (one page, updated); device_unreachable
 *   storms join across sites within `fleet.withinMs`, and when more than `fleet.share` of the
 *   fleet is in it, it is the "netwatch cannot reach its fleet" incident. Either keeps the ID (the
 *   dedup_key) its first page went out under.
 * - A device that opened `flap.maxPerHour` incidents in the last hour is flapping: its next
 *   incident pages once, takes every later impact as an update, and resolves only after an hour
 *   without impact.
 * - Inside a maintenance window (or an operator's silence) an incident is recorded and marked,
 *   and pages only if its impact is still active when the window ends.
 */

export interface CorrelatorSettings {
  readonly mergeWindowMs: number;
  readonly leadUpMs: number;
  readonly quietPeriodMs: number;
  readonly siteStorm: { readonly devices: number; readonly withinMs: number };
  readonly flap: { readonly maxPerHour: number };
  readonly fleet: { readonly share: number; readonly withinMs: number };
  /** How many devices netwatch watches (the fleet rule's denominator). */
  readonly fleetSize: number;
  /** The configured severity of an event (severities config over the detector's). */
  readonly severityOf: (event: RecordedEvent) => string;
  readonly pageOn: ReadonlySet<string>;
  /** The maintenance window or silence covering the device at `at`, if any. */
  readonly maintenanceAt: (
    device: string,
    site: string,
    at: number,
  ) => { readonly reason: string; readonly until: number } | undefined;
}

/** An incident with what the correlator needs to carry it on (stored with it). */
export interface Tracked {
  readonly incident: Incident;
  /** Lasting impacts now active: key → since (ms). */
  readonly active: Readonly<Record<string, number>>;
  /** The event type that opened it (storm rules). */
  readonly origin: string;
  /** When the last device joined (storm chaining). */
  readonly lastJoinAt: number;
  /** Time of its latest event (late entries after resolve). */
  readonly lastEventAt: number;
  /** Time of its latest impact, or of the end of its last lasting impact (OUTAGE ENDS). */
  readonly lastImpactAt: number;
  /** A trigger page has been written to the outbox. */
  readonly paged: boolean;
  /** A rebaselined recovery: only an operator resolves it. */
  readonly settled: boolean;
}

export interface CorrelatorState {
  /** Open incidents, and resolved ones still taking late entries, by ID. */
  readonly incidents: ReadonlyMap<string, Tracked>;
  /** Device → its open incident's ID. */
  readonly openOf: ReadonlyMap<string, string>;
  /** Device → its last resolved incident's ID (late entries within merge_window). */
  readonly lateOf: ReadonlyMap<string, string>;
  /** Device → its recent events (lead-up), oldest first, within `leadUpMs` of the newest. */
  readonly recent: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Device → times it opened incidents in the last hour (flapping). */
  readonly opened: ReadonlyMap<string, readonly number[]>;
  /** Incident ID base → highest suffix used (`-2`, `-3` on the same day). */
  readonly ids: ReadonlyMap<string, number>;
}

export type CorrelatorInput =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'tick'; readonly now: number }
  | { readonly kind: 'ack'; readonly incident: string; readonly author: string; readonly now: number }
  | { readonly kind: 'resolve'; readonly incident: string; readonly author: string; readonly now: number };

export type Effect =
  /** Write this incident (its latest version: one per ID per step). */
  | { readonly kind: 'incident'; readonly tracked: Tracked }
  /** Write an outbox entry for each receiver of this incident. */
  | {
      readonly kind: 'page';
      readonly incident: Incident;
      readonly action: Exclude<PageAction, 'refresh'>;
      readonly at: number;
      readonly remarks: readonly string[];
    };

export function emptyState(): CorrelatorState {
  return {
    incidents: new Map(),
    openOf: new Map(),
    lateOf: new Map(),
    recent: new Map(),
    opened: new Map(),
    ids: new Map(),
  };
}

const HOUR = 3_600_000;

/**
 * Applies inputs in order. Returns the new state and the effects, with incident writes
 * collapsed to the last version of each incident.
 */
export function correlate(
  state: CorrelatorState,
  inputs: readonly CorrelatorInput[],
  settings: CorrelatorSettings,
): { readonly state: CorrelatorState; readonly effects: readonly Effect[] } {
  const work = new Work(state, settings);
  for (const input of inputs) HANDLERS[input.kind](work, input as never);
  return work.result();
}

type Handler<K extends CorrelatorInput['kind']> = (
  work: Work,
  input: Extract<CorrelatorInput, { kind: K }>,
) => void;

const HANDLERS: { readonly [K in CorrelatorInput['kind']]: Handler<K> } = {
  event: (work, input) => work.event(input.event),
  tick: (work, input) => work.tick(input.now),
  ack: (work, input) => work.ack(input.incident, input.author, input.now),
  resolve: (work, input) => work.resolveByHand(input.incident, input.author, input.now),
};

/** One step's mutable copy of the state (copied on entry; the input state is never changed). */
class Work {
  readonly incidents: Map<string, Tracked>;
  readonly openOf: Map<string, string>;
  readonly lateOf: Map<string, string>;
  readonly recent: Map<string, readonly RecordedEvent[]>;
  readonly opened: Map<string, readonly number[]>;
  readonly ids: Map<string, number>;
  readonly changed = new Set<string>();
  readonly pages: Effect[] = [];

  constructor(
    state: CorrelatorState,
    readonly settings: CorrelatorSettings,
  ) {
    this.incidents = new Map(state.incidents);
    this.openOf = new Map(state.openOf);
    this.lateOf = new Map(state.lateOf);
    this.recent = new Map(state.recent);
    this.opened = new Map(state.opened);
    this.ids = new Map(state.ids);
  }

  result(): { state: CorrelatorState; effects: Effect[] } {
    const effects: Effect[] = [];
    for (const id of this.changed) {
      const tracked = this.incidents.get(id) ?? this.#dropped.get(id);
      if (tracked) effects.push({ kind: 'incident', tracked });
    }
    effects.push(...this.pages);
    const state: CorrelatorState = {
      incidents: this.incidents,
      openOf: this.openOf,
      lateOf: this.lateOf,
      recent: this.recent,
      opened: this.opened,
      ids: this.ids,
    };
    return { state, effects };
  }

  /** Incidents that left the working set this step but changed (still written). */
  readonly #dropped = new Map<string, Tracked>();

  put(tracked: Tracked): void {
    this.incidents.set(tracked.incident.id, tracked);
    this.changed.add(tracked.incident.id);
  }

  page(
    tracked: Tracked,
    action: Exclude<PageAction, 'refresh'>,
    at: number,
    remarks: readonly string[] = [],
  ): void {
    this.pages.push({ kind: 'page', incident: tracked.incident, action, at, remarks });
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  event(event: RecordedEvent): void {
    const { settings } = this;
    const severity = settings.severityOf(event);
    const impact = IMPACT_SEVERITIES.has(severity);
    const openId = this.openOf.get(event.device);
    const open = openId === undefined ? undefined : this.incidents.get(openId);
    if (open) this.join(open, event, severity);
    else if (impact) this.openFor(event, severity);
    else this.late(event);
    this.remember(event);
  }

  /** Keeps the device's events of the last `leadUpMs` for lead-up. */
  remember(event: RecordedEvent): void {
    const list = this.recent.get(event.device) ?? [];
    const newest = Math.max(event.time, list.at(-1)?.time ?? event.time);
    const kept = list.filter((e) => e.time >= newest - this.settings.leadUpMs);
    kept.push(event);
    this.recent.set(event.device, kept);
  }

  late(event: RecordedEvent): void {
    const id = this.lateOf.get(event.device);
    const tracked = id === undefined ? undefined : this.incidents.get(id);
    if (!tracked || event.time > tracked.lastEventAt + this.settings.mergeWindowMs) return;
    this.put({
      ...tracked,
      incident: addEntries(tracked.incident, [eventEntry('event', event)]),
      lastEventAt: Math.max(tracked.lastEventAt, event.time),
    });
  }

  openFor(event: RecordedEvent, severity: string): void {
    const storm = this.stormFor(event);
    if (storm) {
      this.joinStorm(storm, event, severity);
      return;
    }
    const { settings } = this;
    const base = `${utcDate(event.time)}-${event.site}-${event.device}`;
    const n = (this.ids.get(base) ?? 0) + 1;
    this.ids.set(base, n);
    const id = n === 1 ? base : `${base}-${n}`;
    const before = (this.opened.get(event.device) ?? []).filter((t) => t > event.time - HOUR);
    const flapping = before.length >= settings.flap.maxPerHour;
    this.opened.set(event.device, [...before, event.time]);
    const maintenance = settings.maintenanceAt(event.device, event.site, event.time);
    const leadUp = (this.recent.get(event.device) ?? [])
      .filter((e) => e.time >= event.time - settings.leadUpMs && e.time <= event.time)
      .filter((e) => !IMPACT_SEVERITIES.has(settings.severityOf(e)))
      .map((e) => eventEntry('lead_up', e));
    const marks: IncidentEntry[] = [];
    if (maintenance)
      marks.push(
        entry(
          event.time,
          'marked',
          `Inside maintenance window: ${maintenance.reason} (until ${iso(maintenance.until)}); recorded, not paged`,
        ),
      );
    if (flapping)
      marks.push(
        entry(
          event.time,
          'marked',
          `${event.device} is flapping: ${before.length + 1} incidents within an hour; this one pages once, then updates`,
        ),
      );
    const incident: Incident = {
      id,
      scope: 'device',
      site: event.site,
      devices: [event.device],
      title: event.summary,
      severity: severity === 'critical' ? 'critical' : 'major',
      status: 'open',
      openedAt: event.time,
      impactStart: event.time,
      flapping,
      ...(maintenance ? { maintenance } : {}),
      entries: sortEntries([...leadUp, entry(event.time, 'outage_begins', 'OUTAGE BEGINS'), ...marks]),
    };
    const tracked: Tracked = {
      incident,
      active: {},
      origin: event.type,
      lastJoinAt: event.time,
      lastEventAt: event.time,
      lastImpactAt: event.time,
      paged: false,
      settled: false,
    };
    this.openOf.set(event.device, id);
    this.lateOf.delete(event.device);
    this.join(tracked, event, severity);
  }

  /** An open incident this device's first impact belongs to as part of a site or fleet storm. */
  stormFor(event: RecordedEvent): Tracked | undefined {
    const { siteStorm, fleet } = this.settings;
    // A device outside maintenance never joins one inside (its page would be held back), nor
    // the other way round (a planned reboot would page).
    const planned = this.settings.maintenanceAt(event.device, event.site, event.time) !== undefined;
    let best: Tracked | undefined;
    for (const tracked of this.incidents.values()) {
      const { incident } = tracked;
      if (incident.status !== 'open' || incident.devices.includes(event.device)) continue;
      if ((incident.maintenance !== undefined) !== planned) continue;
      const since = event.time - tracked.lastJoinAt;
      const sameSite = incident.site === event.site && incident.scope !== 'fleet';
      const siteStorm_ = sameSite && since >= -siteStorm.withinMs && since <= siteStorm.withinMs;
      const fleetStorm =
        event.type === 'device_unreachable' &&
        tracked.origin === 'device_unreachable' &&
        since >= -fleet.withinMs &&
        since <= fleet.withinMs;
      if ((siteStorm_ || fleetStorm) && (!best || tracked.lastJoinAt > best.lastJoinAt)) best = tracked;
    }
    return best;
  }

  joinStorm(tracked: Tracked, event: RecordedEvent, severity: string): void {
    const { incident } = tracked;
    const devices = [...incident.devices, event.device];
    const sites = new Set([incident.site, event.site]);
    for (const d of incident.devices) {
      const site = this.recent.get(d)?.at(-1)?.site;
      if (site) sites.add(site);
    }
    const fleetWide = sites.size > 1 || incident.scope === 'fleet';
    const { fleetSize, fleet, siteStorm } = this.settings;
    const title = fleetWide
      ? devices.length > fleet.share * fleetSize
        ? `netwatch cannot reach its fleet: ${devices.length} of ${fleetSize} devices at ${sites.size} sites unreachable (its own uplink or DNS?)`
        : `${devices.length} devices at ${sites.size} sites unreachable within a minute`
      : `${devices.length} devices at site ${incident.site}${devices.length >= siteStorm.devices ? ' (site-wide: power or uplink?)' : ''}: ${devices.join(', ')}`;
    const next: Tracked = {
      ...tracked,
      incident: {
        ...incident,
        scope: fleetWide ? 'fleet' : 'site',
        devices,
        title,
        entries: sortEntries([
          ...incident.entries,
          entry(event.time, 'marked', `${event.device} joins: ${title}`),
        ]),
      },
      lastJoinAt: Math.max(tracked.lastJoinAt, event.time),
    };
    this.openOf.set(event.device, incident.id);
    this.lateOf.delete(event.device);
    const joined = this.join(next, event, severity, false);
    if (tracked.paged) this.page(joined, 'update', event.time, [`${event.device} joined`]);
  }

  /** Adds an event to an open incident; returns the incident as written. */
  join(tracked: Tracked, event: RecordedEvent, severity: string, updates = true): Tracked {
    const { settings } = this;
    const { incident } = tracked;
    const impact = IMPACT_SEVERITIES.has(severity);
    const entries: IncidentEntry[] = [...incident.entries, eventEntry('event', event)];
    const active: Record<string, number> = { ...tracked.active };
    let { settled, lastImpactAt } = tracked;
    let impactStart = incident.impactStart;
    let severityOut: IncidentSeverity = incident.severity;
    let endsSomething = false;
    if (impact) {
      severityOut = worse(incident.severity, severity) === 'critical' ? 'critical' : 'major';
      impactStart = Math.min(impactStart, event.time);
      lastImpactAt = Math.max(lastImpactAt, event.time);
      if (incident.impactEnd !== undefined && event.time > incident.impactEnd)
        entries.push(
          entry(event.time, 'reopened', 'Impact returned within the quiet period: the outage goes on'),
        );
      // Keyed by device too: in a site incident, one switch coming back ends only its own outage.
      const lasting = lastingKey(event);
      const key = lasting === undefined ? undefined : `${event.device}|${lasting}`;
      if (key !== undefined) active[key] = Math.min(active[key] ?? event.time, event.time);
    }
    const endedBase = endedKey(event);
    const ended = endedBase === undefined ? undefined : `${event.device}|${endedBase}`;
    if (ended !== undefined && ended in active) {
      if (isRebaselined(event)) {
        settled = true;
        entries.push(
          entry(
            event.time,
            'marked',
            'Traffic settled at a new level: the incident stays open until an operator resolves it',
          ),
        );
      } else {
        delete active[ended];
        endsSomething = true;
        lastImpactAt = Math.max(lastImpactAt, event.time);
      }
    }
    // OUTAGE ENDS: when nothing lasting is active, at the last impact or the end of the last
    // lasting one; an event that neither starts nor ends impact leaves it where it was.
    const stillActive = Object.keys(active).length > 0 || settled;
    const impactEnd = stillActive ? undefined : impact || endsSomething ? lastImpactAt : incident.impactEnd;
    const pageWorthy = incident.pageCause === undefined && settings.pageOn.has(event.type);
    const pageCause = pageWorthy
      ? { type: event.type, at: event.time, eventId: event.id, severity: severityOut }
      : incident.pageCause;
    const { impactEnd: _old, pageCause: _cause, ...base } = incident;
    const written: Incident = {
      ...base,
      severity: severityOut,
      impactStart,
      ...(impactEnd !== undefined ? { impactEnd } : {}),
      ...(pageCause ? { pageCause } : {}),
      entries: withOutage(entries, impactStart, impactEnd),
    };
    let next: Tracked = {
      ...tracked,
      incident: written,
      active,
      settled,
      lastImpactAt,
      lastEventAt: Math.max(tracked.lastEventAt, event.time),
    };
    const inMaintenance = written.maintenance !== undefined && event.time < written.maintenance.until;
    if (pageCause && !tracked.paged && !inMaintenance) {
      next = { ...next, paged: true };
      this.page(next, 'trigger', event.time);
    } else if (updates && tracked.paged && written.flapping && impact && !pageWorthy)
      this.page(next, 'update', event.time, ['flapping: impact again']);
    this.put(next);
    return next;
  }

  // ── time ──────────────────────────────────────────────────────────────────────────────────

  tick(now: number): void {
    const { settings } = this;
    for (const tracked of [...this.incidents.values()]) {
      const { incident } = tracked;
      if (incident.status === 'resolved') {
        if (now > tracked.lastEventAt + settings.mergeWindowMs) this.forget(tracked);
        continue;
      }
      const outlasted =
        incident.maintenance !== undefined &&
        now >= incident.maintenance.until &&
        !tracked.paged &&
        incident.pageCause !== undefined &&
        (Object.keys(tracked.active).length > 0 || tracked.settled);
      if (outlasted && incident.maintenance) {
        const text = `Impact outlasted the maintenance window (${incident.maintenance.reason}, until ${iso(incident.maintenance.until)}): paging`;
        const next: Tracked = {
          ...tracked,
          paged: true,
          incident: {
            ...incident,
            entries: sortEntries([...incident.entries, entry(incident.maintenance.until, 'marked', text)]),
          },
        };
        this.put(next);
        this.page(next, 'trigger', now, ['impact outlasted the maintenance window']);
        continue;
      }
      const quiet = incident.flapping ? Math.max(HOUR, settings.quietPeriodMs) : settings.quietPeriodMs;
      if (
        incident.impactEnd !== undefined &&
        Object.keys(tracked.active).length === 0 &&
        !tracked.settled &&
        now >= incident.impactEnd + quiet
      )
        this.close(tracked, now, 'netwatch', `Resolved: no impact for ${Math.round(quiet / 60_000)} min`);
    }
    for (const [device, times] of this.opened) {
      const kept = times.filter((t) => t > now - HOUR);
      if (kept.length === 0) this.opened.delete(device);
      else if (kept.length !== times.length) this.opened.set(device, kept);
    }
    for (const [device, events] of this.recent) {
      const kept = events.filter((e) => e.time >= now - settings.leadUpMs);
      if (kept.length === 0) this.recent.delete(device);
      else if (kept.length !== events.length) this.recent.set(device, kept);
    }
    const today = utcDate(now);
    const yesterday = utcDate(now - 86_400_000);
    for (const base of this.ids.keys())
      if (!base.startsWith(today) && !base.startsWith(yesterday)) this.ids.delete(base);
  }

  close(tracked: Tracked, now: number, by: string, text: string): void {
    const { incident } = tracked;
    const impactEnd = incident.impactEnd ?? now;
    const entries = [...incident.entries, entry(now, 'resolved', text, by === 'netwatch' ? undefined : by)];
    const closed: Tracked = {
      ...tracked,
      active: {},
      incident: {
        ...incident,
        status: 'resolved',
        impactEnd,
        resolvedAt: now,
        resolvedBy: by,
        entries: withOutage(sortEntries(entries), incident.impactStart, impactEnd),
      },
    };
    this.put(closed);
    for (const device of incident.devices) {
      if (this.openOf.get(device) === incident.id) this.openOf.delete(device);
      this.lateOf.set(device, incident.id);
    }
    if (tracked.paged) this.page(closed, 'resolve', now);
  }

  forget(tracked: Tracked): void {
    if (this.changed.has(tracked.incident.id)) this.#dropped.set(tracked.incident.id, tracked);
    this.incidents.delete(tracked.incident.id);
    for (const device of tracked.incident.devices)
      if (this.lateOf.get(device) === tracked.incident.id) this.lateOf.delete(device);
  }

  // ── operators ─────────────────────────────────────────────────────────────────────────────

  ack(id: string, author: string, now: number): void {
    const tracked = this.incidents.get(id);
    if (tracked?.incident.status !== 'open' || tracked.incident.acked) return;
    const { incident } = tracked;
    this.put({
      ...tracked,
      incident: {
        ...incident,
        acked: { by: author, at: now },
        entries: sortEntries([...incident.entries, entry(now, 'acked', `Acknowledged by ${author}`, author)]),
      },
    });
  }

  resolveByHand(id: string, author: string, now: number): void {
    const tracked = this.incidents.get(id);
    if (tracked?.incident.status !== 'open') return;
    this.close(tracked, now, author, `Resolved by ${author}`);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function entry(at: number, kind: IncidentEntryKind, text: string, author?: string): IncidentEntry {
  return author === undefined ? { at, kind, text } : { at, kind, text, author };
}

function eventEntry(kind: 'lead_up' | 'event', event: RecordedEvent): IncidentEntry {
  return { at: event.time, kind, text: event.summary, event };
}

/** Entry order at the same ms: what a reader expects (the outage begins before what it is made of). */
const ORDER: Readonly<Record<IncidentEntryKind, number>> = {
  lead_up: 0,
  outage_begins: 1,
  event: 2,
  marked: 3,
  reopened: 4,
  outage_ends: 5,
  acked: 6,
  resolved: 7,
};

/**
 * At the same ms, the onset of a lasting impact (a drop dated to its first low sample) comes
 * before a point event seen by the same poll: the drop began before that sample was taken.
 */
const onsetFirst = (e: IncidentEntry) => (e.event && lastingKey(e.event) !== undefined ? 0 : 1);

function sortEntries(entries: readonly IncidentEntry[]): IncidentEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        a.e.at - b.e.at ||
        ORDER[a.e.kind] - ORDER[b.e.kind] ||
        onsetFirst(a.e) - onsetFirst(b.e) ||
        a.i - b.i,
    )
    .map(({ e }) => e);
}

/** The entries with OUTAGE BEGINS at `start` and OUTAGE ENDS at `end` (or none while active). */
function withOutage(
  entries: readonly IncidentEntry[],
  start: number,
  end: number | undefined,
): IncidentEntry[] {
  const rest = entries.filter((e) => e.kind !== 'outage_begins' && e.kind !== 'outage_ends');
  const impacts = rest.filter(
    (e) => e.kind === 'event' && e.event && IMPACT_SEVERITIES.has(e.event.severity),
  );
  const first = impacts.find((e) => e.at === start)?.event;
  const last = [...impacts].reverse().find((e) => e.at <= (end ?? 0))?.event;
  const ender =
    end === undefined
      ? undefined
      : rest.find((e) => e.at === end && e.event && endedKey(e.event) !== undefined)?.event;
  const marks = [
    entry(start, 'outage_begins', first ? `first impact: ${first.type} on ${first.device}` : 'first impact'),
  ];
  if (end !== undefined)
    marks.push(
      entry(
        end,
        'outage_ends',
        ender
          ? `impact over: ${ender.type} on ${ender.device}`
          : last
            ? `last impact: ${last.type} on ${last.device}`
            : 'impact over',
      ),
    );
  // Lead-up is what came before the outage: an entry dated after OUTAGE BEGINS moved there
  // is an event of the incident now.
  const moved = rest.map((e) =>
    e.kind === 'lead_up' && e.at > start && e.event ? { ...e, kind: 'event' as const } : e,
  );
  return sortEntries([...moved, ...marks]);
}

function addEntries(incident: Incident, added: readonly IncidentEntry[]): Incident {
  return { ...incident, entries: sortEntries([...incident.entries, ...added]) };
}
