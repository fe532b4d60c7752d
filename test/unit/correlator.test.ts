import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/events/event.js';
import { SEVERITY } from '../../src/events/event.js';
import type { EventType } from '../../src/events/event-type.js';
import {
  type CorrelatorInput,
  type CorrelatorSettings,
  type CorrelatorState,
  correlate,
  type Effect,
  emptyState,
} from '../../src/incident/correlator.js';
import type { Incident } from '../../src/incident/incident.js';
import { restoreState } from '../../src/incident/incident-service.js';

const T0 = Date.parse('2022-04-19T04:49:00Z');
const s = (sec: number) => T0 + sec * 1000;
const MIN = 60_000;

let seq = 0;
function ev(
  device: string,
  type: EventType,
  atSec: number,
  details: RecordedEvent['details'] = {},
  site = 'eqsin',
): RecordedEvent {
  seq += 1;
  const time = s(atSec);
  return {
    id: `e${seq}`,
    seq,
    time,
    device,
    site,
    type,
    severity: SEVERITY[type],
    source: 'poll',
    summary: `${type} on ${device}`,
    details,
    fact: `f${seq}`,
    witnesses: [{ source: 'poll', time: new Date(time).toISOString() }],
  };
}

function settings(over: Partial<CorrelatorSettings> = {}): CorrelatorSettings {
  return {
    mergeWindowMs: 15 * MIN,
    leadUpMs: 30 * MIN,
    quietPeriodMs: 10 * MIN,
    siteStorm: { devices: 5, withinMs: MIN },
    flap: { maxPerHour: 4 },
    fleet: { share: 0.5, withinMs: MIN },
    fleetSize: 10,
    severityOf: (e) => e.severity,
    pageOn: new Set([
      'master_switchover',
      'member_down',
      'vc_split_brain',
      'process_crash',
      'traffic_drop',
      'device_unreachable',
      'device_reboot',
    ]),
    maintenanceAt: () => undefined,
    ...over,
  };
}

/** Runs inputs one store call at a time, collecting effects; returns the final state. */
function run(inputs: readonly CorrelatorInput[], set = settings(), from: CorrelatorState = emptyState()) {
  let state = from;
  const effects: Effect[] = [];
  for (const input of inputs) {
    const out = correlate(state, [input], set);
    state = out.state;
    effects.push(...out.effects);
  }
  const pages = effects.flatMap((e) => (e.kind === 'page' ? [{ id: e.incident.id, action: e.action }] : []));
  const written = new Map<string, Incident>();
  for (const e of effects) if (e.kind === 'incident') written.set(e.tracked.incident.id, e.tracked.incident);
  return { state, effects, pages, incidents: [...written.values()] };
}

const MARKERS: Partial<Record<string, string>> = {
  outage_begins: 'OUTAGE BEGINS',
  outage_ends: 'OUTAGE ENDS',
};
const labels = (incident: Incident) =>
  incident.entries.map((e) =>
    e.event
      ? `${e.kind === 'lead_up' ? 'lead_up ' : ''}${e.event.type}`
      : (MARKERS[e.kind] ?? e.text.split(':')[0]),
  );

const event = (e: RecordedEvent): CorrelatorInput => ({ kind: 'event', event: e });
const tick = (atSec: number): CorrelatorInput => ({ kind: 'tick', now: s(atSec) });

describe('correlator: the eqsin-2022 story', () => {
  const story = () => [
    event(ev('asw1-eqsin', 'interface_up', 0, { interface: 'mge-0/0/40' })),
    tick(30),
    // The switchover is seen at the 3 min poll; the drop is confirmed a poll later, dated back to its onset.
    event(ev('asw1-eqsin', 'master_switchover', 60, { from_member: 0, member: 1 })),
    event(ev('asw1-eqsin', 'traffic_drop', 20, { scope: 'device' })),
    tick(120),
    event(ev('asw1-eqsin', 'traffic_recovered', 332, { scope: 'device', reason: 'recovered' })),
    tick(332 + 9 * 60),
  ];

  it('opens one incident, pages once at the first page_on event, and writes the timeline in order', () => {
    const { incidents, pages } = run(story());
    expect(incidents).toHaveLength(1);
    const [incident] = incidents as [Incident];
    expect(incident.id).toBe('2022-04-19-eqsin-asw1-eqsin');
    expect(incident.status).toBe('open');
    expect(incident.impactStart).toBe(s(20));
    expect(incident.impactEnd).toBe(s(332));
    expect(pages).toEqual([{ id: incident.id, action: 'trigger' }]);
    expect(labels(incident)).toEqual([
      'lead_up interface_up',
      'OUTAGE BEGINS',
      'traffic_drop',
      'master_switchover',
      'traffic_recovered',
      'OUTAGE ENDS',
    ]);
    expect(incident.pageCause?.type).toBe('master_switchover');
  });

  it('resolves quiet_period after OUTAGE ENDS, not before, and sends one resolve', () => {
    const { incidents, pages, state } = run([...story(), tick(332 + 10 * 60)]);
    const incident = incidents[0] as Incident;
    expect(incident.status).toBe('resolved');
    expect(incident.resolvedBy).toBe('netwatch');
    expect(pages.map((p) => p.action)).toEqual(['trigger', 'resolve']);
    expect(labels(incident).at(-1)).toBe('Resolved');
    // A late process_restart within merge_window still joins the resolved incident; no page.
    const late = run(
      [event(ev('asw1-eqsin', 'process_restart', 332 + 11 * 60, { process: 'fxpc' }))],
      settings(),
      state,
    );
    expect(late.pages).toEqual([]);
    expect(labels(late.incidents[0] as Incident)).toContain('process_restart');
  });

  it('impact returning within the quiet period reopens the outage instead of a new incident', () => {
    const { incidents, pages } = run([
      ...story(),
      event(ev('asw1-eqsin', 'master_switchover', 332 + 5 * 60, { from_member: 1, member: 0 })),
      tick(332 + 12 * 60),
    ]);
    expect(incidents).toHaveLength(1);
    const incident = incidents[0] as Incident;
    expect(incident.status).toBe('open');
    expect(labels(incident)).toContain('Impact returned within the quiet period');
    expect(incident.impactEnd).toBe(s(332 + 5 * 60));
    expect(pages.map((p) => p.action)).toEqual(['trigger']);
  });

  it('a rebaselined recovery keeps it open until an operator resolves it', () => {
    const { state, incidents } = run([
      event(ev('asw1-eqsin', 'traffic_drop', 0, { scope: 'device' })),
      event(ev('asw1-eqsin', 'traffic_recovered', 3600, { scope: 'device', reason: 'rebaselined' })),
      tick(3600 + 3 * 3600),
    ]);
    const incident = incidents[0] as Incident;
    expect(incident.status).toBe('open');
    expect(labels(incident)).toContain('Traffic settled at a new level');
    const done = run(
      [{ kind: 'resolve', incident: incident.id, author: 'alice', now: s(5 * 3600) }],
      settings(),
      state,
    );
    const resolved = done.incidents[0] as Incident;
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedBy).toBe('alice');
    expect(done.pages).toEqual([{ id: incident.id, action: 'resolve' }]);
  });

  it('a second incident on the same device and day gets -2', () => {
    const { incidents } = run([
      event(ev('asw1-eqsin', 'master_switchover', 0)),
      tick(11 * 60),
      event(ev('asw1-eqsin', 'master_switchover', 3600)),
    ]);
    expect(incidents.map((i) => i.id)).toEqual([
      '2022-04-19-eqsin-asw1-eqsin',
      '2022-04-19-eqsin-asw1-eqsin-2',
    ]);
  });

  it('an incident of info/minor events only never opens; types not in page_on open without paging', () => {
    const quiet = run([event(ev('a', 'interface_down', 0)), event(ev('a', 'config_change', 5))]);
    expect(quiet.incidents).toEqual([]);
    const unpaged = run([event(ev('a', 'traffic_imbalance', 0))]);
    expect(unpaged.incidents).toHaveLength(1);
    expect(unpaged.pages).toEqual([]);
    // A page_on type joining later pages then: "whatever opened it".
    const later = run([
      event(ev('b', 'traffic_imbalance', 0)),
      event(ev('b', 'member_down', 30, { member: 2 })),
    ]);
    expect(later.pages).toEqual([{ id: '2022-04-19-eqsin-b', action: 'trigger' }]);
  });
});

describe('correlator: alert volume', () => {
  it('a site losing power: the first device pages at once, the others join one site incident (updates, no new trigger)', () => {
    const inputs = [1, 2, 3, 4, 5].map((n) =>
      event(ev(`tor${n}-sin`, 'device_unreachable', n * 6, {}, 'sin')),
    );
    const { incidents, pages } = run(inputs);
    expect(incidents).toHaveLength(1);
    const incident = incidents[0] as Incident;
    expect(incident.scope).toBe('site');
    expect(incident.devices).toEqual(['tor1-sin', 'tor2-sin', 'tor3-sin', 'tor4-sin', 'tor5-sin']);
    expect(pages.map((p) => p.action)).toEqual(['trigger', 'update', 'update', 'update', 'update']);
    expect(new Set(pages.map((p) => p.id))).toEqual(new Set([incident.id]));
    // Recovery of every device, then the quiet period: one resolve.
    const back = run(
      [1, 2, 3, 4, 5]
        .map((n) => event(ev(`tor${n}-sin`, 'device_reachable', 600 + n, {}, 'sin')))
        .concat([tick(600 + 5 + 600)]),
      settings(),
      run(inputs).state,
    );
    expect(back.pages.map((p) => p.action)).toEqual(['resolve']);
  });

  it('a device of another site is not part of the site storm', () => {
    const { incidents } = run([
      event(ev('tor1-sin', 'master_switchover', 0, {}, 'sin')),
      event(ev('tor1-hkg', 'master_switchover', 10, {}, 'hkg')),
    ]);
    expect(incidents.map((i) => i.devices)).toEqual([['tor1-sin'], ['tor1-hkg']]);
  });

  it('most of the fleet unreachable across sites: one "cannot reach its fleet" incident', () => {
    const inputs = Array.from({ length: 10 }, (_, i) =>
      event(ev(`sw${i}`, 'device_unreachable', i * 3, {}, `site${i % 5}`)),
    );
    const { incidents, pages } = run(inputs, settings({ fleetSize: 10 }));
    expect(incidents).toHaveLength(1);
    const incident = incidents[0] as Incident;
    expect(incident.scope).toBe('fleet');
    expect(incident.title).toMatch(/^netwatch cannot reach its fleet: 10 of 10 devices at 5 sites/);
    expect(pages.filter((p) => p.action === 'trigger')).toHaveLength(1);
  });

  it('a flapping device: after max_per_hour incidents, the next pages once and then updates', () => {
    const inputs: CorrelatorInput[] = [];
    // A reboot every 12 min, each incident resolved 10 min later: the fifth within the hour flaps.
    for (let i = 0; i < 5; i++) {
      inputs.push(event(ev('flappy', 'device_reboot', i * 720)));
      inputs.push(tick(i * 720 + 660));
    }
    inputs.push(event(ev('flappy', 'device_reboot', 4 * 720 + 120)));
    inputs.push(tick(4 * 720 + 120 + 11 * 60));
    const { incidents, pages } = run(inputs);
    expect(incidents).toHaveLength(5);
    const flapping = incidents.filter((i) => i.flapping);
    expect(flapping).toHaveLength(1);
    const id = (flapping[0] as Incident).id;
    expect(pages.filter((p) => p.id === id).map((p) => p.action)).toEqual(['trigger', 'update']);
  });

  it('inside a maintenance window: recorded and marked, no page; impact outlasting it pages', () => {
    const until = s(3600);
    const set = settings({
      maintenanceAt: (_d, _s, at) => (at < until ? { reason: 'upgrade', until } : undefined),
    });
    const brief = run([event(ev('m1', 'device_reboot', 60)), tick(3700)], set);
    expect(brief.pages).toEqual([]);
    expect((brief.incidents[0] as Incident).maintenance?.reason).toBe('upgrade');
    const long = run([event(ev('m2', 'device_unreachable', 60)), tick(3599), tick(3601)], set);
    expect(long.pages).toEqual([{ id: '2022-04-19-eqsin-m2', action: 'trigger' }]);
    expect(labels(long.incidents[0] as Incident)).toContain(
      'Impact outlasted the maintenance window (upgrade, until 2022-04-19T05',
    );
  });
});

describe('correlator: restart', () => {
  it('state rebuilt from what the store holds continues identically', () => {
    const first = [
      event(ev('asw1-eqsin', 'interface_up', 0, { interface: 'mge-0/0/40' })),
      event(ev('asw1-eqsin', 'master_switchover', 60)),
      event(ev('asw1-eqsin', 'traffic_drop', 20, { scope: 'device' })),
    ];
    const rest = [event(ev('asw1-eqsin', 'traffic_recovered', 332, { scope: 'device' })), tick(332 + 600)];
    const straight = run([...first, ...rest]);
    const before = run(first);
    // The store keeps the last version of each incident (upserts).
    const latest = new Map<string, { incident: Incident; state: string }>();
    for (const e of before.effects) {
      if (e.kind !== 'incident') continue;
      const { incident, ...priv } = e.tracked;
      latest.set(incident.id, { incident, state: JSON.stringify(priv) });
    }
    const stored = [...latest.values()];
    const events = first.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
    const restored = restoreState(stored, events, s(100), 15 * MIN);
    const after = run(rest, settings(), restored);
    expect(after.incidents).toEqual(straight.incidents);
    expect(after.pages).toEqual(straight.pages.slice(1));
  });
});

describe('correlator: lasting impacts per device', () => {
  it('in a site incident, one device coming back does not end the outage of the others', () => {
    const down = [1, 2].map((n) => event(ev(`tor${n}-sin`, 'device_unreachable', n, {}, 'sin')));
    const { incidents } = run([
      ...down,
      event(ev('tor1-sin', 'device_reachable', 300, {}, 'sin')),
      tick(300 + 11 * 60),
    ]);
    const incident = incidents[0] as Incident;
    expect(incident.status).toBe('open');
    expect(incident.impactEnd).toBeUndefined();
  });
});

describe('correlator: storms and maintenance', () => {
  it('a device outside maintenance does not join a site incident inside one (its page is not held back)', () => {
    const set = settings({
      maintenanceAt: (d) => (d === 'tor1-sin' ? { reason: 'upgrade', until: s(3600) } : undefined),
    });
    const { incidents, pages } = run(
      [
        event(ev('tor1-sin', 'device_reboot', 0, {}, 'sin')),
        event(ev('tor2-sin', 'device_reboot', 20, {}, 'sin')),
      ],
      set,
    );
    expect(incidents.map((i) => i.devices)).toEqual([['tor1-sin'], ['tor2-sin']]);
    expect(pages).toEqual([{ id: '2022-04-19-sin-tor2-sin', action: 'trigger' }]);
  });
});
