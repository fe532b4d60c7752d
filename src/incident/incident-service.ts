import type { Config } from '../config/types.js';
import { type RecordedEvent, SEVERITY } from '../events/event.js';
import { pageMessage } from '../page/message.js';
import { receiversFor } from '../page/routing.js';
import type { Correlation } from '../store/commit-queue.js';
import type { IncidentWrites, Observation, OutboxDraft, Store, StoredIncident } from '../store/store.js';
import {
  type CorrelatorInput,
  type CorrelatorSettings,
  type CorrelatorState,
  correlate,
  type Effect,
  emptyState,
  type Tracked,
} from './correlator.js';
import type { Incident } from './incident.js';
import { maintenanceAt, type Silence } from './maintenance.js';

/**
 * The correlator in the daemon: holds its state, hands the commit queue one correlation per
 * store call (so incidents and pages commit with the events that caused them, and the state moves
 * on only once they did), rebuilds the state from the store at start, and fails open when the
 * store cannot be written (the pages the events make due go out from memory, marked degraded).
 */

export interface IncidentServiceDeps {
  readonly config: () => Config;
  readonly wallMs: () => number;
  /** Operators' silences, current. */
  readonly silences: () => readonly Silence[];
  /** A commit wrote outbox entries: the drainer should look now. */
  readonly onPagesDue: () => void;
  /** The store is down: these pages are due from memory (fail open). */
  readonly onFailOpen: (drafts: readonly OutboxDraft[]) => void;
  /** Incidents written (metrics). */
  readonly onIncidents?: (incidents: readonly Incident[]) => void;
  /** The correlator threw (a bug): its events are stored, their incident changes are not. */
  readonly onBug?: (error: Error) => void;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The correlator's private part of an incident, as stored beside it. */
type PrivateState = Omit<Tracked, 'incident'>;

export class IncidentService {
  #state: CorrelatorState;
  #ops: CorrelatorInput[] = [];

  private constructor(
    private readonly deps: IncidentServiceDeps,
    state: CorrelatorState,
  ) {
    this.#state = state;
  }

  /** Rebuilds the correlator's state from the store: open incidents, today's IDs, recent events. */
  static async load(store: Store, deps: IncidentServiceDeps): Promise<IncidentService> {
    const now = deps.wallMs();
    const { incidents: settings } = deps.config();
    const open = await store.queryIncidents({ open: true });
    const recentIncidents = await store.queryIncidents({ since: now - 2 * DAY });
    const events = await store.queryEvents({ since: now - settings.leadUpMs });
    return new IncidentService(
      deps,
      restoreState([...open, ...recentIncidents], events, now, settings.mergeWindowMs),
    );
  }

  get state(): CorrelatorState {
    return this.#state;
  }

  /** Open incidents, for metrics and Alertmanager re-sends. */
  openIncidents(): Incident[] {
    return [...this.#state.incidents.values()].map((t) => t.incident).filter((i) => i.status === 'open');
  }

  /** An operator's ack or resolve: applied with the next commit (the caller then ticks the queue). */
  operate(input: Extract<CorrelatorInput, { kind: 'ack' | 'resolve' }>): void {
    this.#ops.push(input);
  }

  settings(): CorrelatorSettings {
    const config = this.deps.config();
    const { incidents, notify } = config;
    const sites = new Map(config.devices.map((d) => [d.name, d.site]));
    const silences = this.deps.silences();
    const windows = [...config.maintenance, ...silences];
    return {
      mergeWindowMs: incidents.mergeWindowMs,
      leadUpMs: incidents.leadUpMs,
      quietPeriodMs: incidents.quietPeriodMs,
      siteStorm: incidents.siteStorm,
      flap: incidents.flap,
      fleet: incidents.fleet,
      fleetSize: Math.max(1, sites.size),
      severityOf: (event) => {
        const configured = (incidents.severities as Readonly<Record<string, string>>)[event.type];
        const fallback = (SEVERITY as Readonly<Record<string, string>>)[event.type];
        // A detector may raise an event above its type's default (a red alarm is major): the
        // config overrides only what it changed.
        return configured === undefined || configured === fallback ? event.severity : configured;
      },
      pageOn: new Set(notify.pageOn),
      maintenanceAt: (device, site, at) => {
        if (windows.length === 0) return undefined;
        const found = maintenanceAt(windows, device, site, at);
        return found ? { reason: found.reason, until: found.until } : undefined;
      },
    };
  }

  /** One store call's correlation: its inputs are the recorded events, then operators, then time. */
  correlation(): Correlation {
    let result: { readonly state: CorrelatorState; readonly effects: readonly Effect[] } | undefined;
    const ops = this.#ops.slice();
    const run = (recorded: readonly RecordedEvent[]): IncidentWrites => {
      const now = this.deps.wallMs();
      const inputs: CorrelatorInput[] = [
        ...recorded.map((event) => ({ kind: 'event' as const, event })),
        ...ops,
        { kind: 'tick', now },
      ];
      try {
        result = correlate(this.#state, inputs, this.settings());
        return this.#writes(result.effects, now, false);
      } catch (error) {
        // A bug in the correlator must not cost the events (their commit would fail, and every
        // commit after it): they are stored without incident changes, and it is reported.
        result = undefined;
        this.deps.onBug?.(error instanceof Error ? error : new Error(String(error)));
        return { incidents: [], outbox: [] };
      }
    };
    return {
      correlate: run,
      adopt: () => {
        if (!result) return;
        this.#state = result.state;
        this.#ops.splice(0, ops.length);
        const written = result.effects.flatMap((e) => (e.kind === 'incident' ? [e.tracked.incident] : []));
        if (written.length > 0) this.deps.onIncidents?.(written);
        if (result.effects.some((e) => e.kind === 'page')) this.deps.onPagesDue();
      },
      failed: (batch) => {
        // The store is down: what would these events page? Sent from memory, never adopted (the
        // retry correlates them again once the store is back, and makes the same incident IDs).
        const pending = unstored(batch);
        const now = this.deps.wallMs();
        const { effects } = correlate(
          this.#state,
          [...pending.map((event) => ({ kind: 'event' as const, event })), { kind: 'tick', now }],
          this.settings(),
        );
        const drafts = this.#writes(effects, now, true).outbox.filter((d) => d.action !== 'resolve');
        if (drafts.length > 0) this.deps.onFailOpen(drafts);
      },
    };
  }

  #writes(effects: readonly Effect[], now: number, degraded: boolean): IncidentWrites {
    const config = this.deps.config();
    const incidents: StoredIncident[] = [];
    const outbox: OutboxDraft[] = [];
    for (const effect of effects) {
      if (effect.kind === 'incident') {
        const { incident, ...rest } = effect.tracked;
        incidents.push({ incident, state: JSON.stringify(rest satisfies PrivateState) });
        continue;
      }
      const { action } = effect;
      const message = pageMessage(effect.incident, action, config.http.externalUrl, effect.remarks, degraded);
      const incident = effect.incident.id;
      // A trigger goes to the incident's route; what follows, to whoever got the trigger.
      if (action === 'trigger' || degraded)
        for (const target of receiversFor(config.notify, effect.incident))
          outbox.push({ incident, receiver: target.name, action, createdAt: now, message });
      else outbox.push({ incident, receiver: '*', action, createdAt: now, message });
    }
    return { incidents, outbox };
  }
}

/** Drafts the store could not record, as events the correlator can read (no id, no seq yet). */
function unstored(batch: readonly Observation[]): RecordedEvent[] {
  return batch.flatMap((o) =>
    o.events.map((draft, i) => ({
      ...draft,
      id: `unstored-${draft.device}-${draft.time}-${i}`,
      seq: 0,
      witnesses: [{ source: draft.source, time: new Date(draft.time).toISOString() }],
    })),
  );
}

/** The correlator's state as the store holds it (all of it is a projection of stored rows). */
export function restoreState(
  rows: readonly StoredIncident[],
  events: readonly RecordedEvent[],
  now: number,
  mergeWindowMs: number,
): CorrelatorState {
  const state = emptyState();
  const incidents = new Map<string, Tracked>();
  const openOf = new Map<string, string>();
  const lateOf = new Map<string, string>();
  const opened = new Map<string, number[]>();
  const ids = new Map<string, number>();
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.incident.id)) continue;
    seen.add(row.incident.id);
    const { incident } = row;
    const first = incident.devices[0] ?? '';
    const base = `${new Date(incident.openedAt).toISOString().slice(0, 10)}-${incident.site}-${first}`;
    const n = incident.id === base ? 1 : Number(incident.id.slice(base.length + 1));
    if (Number.isInteger(n) && n > (ids.get(base) ?? 0)) ids.set(base, n);
    if (incident.openedAt > now - HOUR) opened.set(first, [...(opened.get(first) ?? []), incident.openedAt]);
    let priv: PrivateState;
    try {
      priv = JSON.parse(row.state) as PrivateState;
    } catch {
      continue; // a torn row: the incident shows in the API, the correlator starts afresh for it
    }
    const tracked: Tracked = { ...priv, incident };
    if (incident.status === 'open') {
      incidents.set(incident.id, tracked);
      for (const d of incident.devices) openOf.set(d, incident.id);
    } else if (tracked.lastEventAt + mergeWindowMs >= now) {
      incidents.set(incident.id, tracked);
      for (const d of incident.devices) if (!openOf.has(d)) lateOf.set(d, incident.id);
    }
  }
  for (const [device, times] of opened)
    opened.set(
      device,
      times.sort((a, b) => a - b),
    );
  const recent = new Map<string, RecordedEvent[]>();
  // In the order the correlator saw them: each device's store sequence.
  for (const e of [...events].sort((a, b) => a.seq - b.seq))
    recent.set(e.device, [...(recent.get(e.device) ?? []), e]);
  for (const d of openOf.keys()) lateOf.delete(d);
  return { ...state, incidents, openOf, lateOf, recent, opened, ids };
}
