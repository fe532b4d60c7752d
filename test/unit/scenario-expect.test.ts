import { describe, expect, it } from 'vitest';
import {
  checkExpectations,
  formatVerdicts,
  type Live,
  type Observed,
  type ObservedEvent,
  type ObservedIncident,
  type Verdict,
} from '../../src/sim/scenario/expect.js';
import type {
  EventSource,
  Expectations,
  ExpectedEvent,
  ExpectedIncident,
  ExpectedPages,
  ForbiddenEvents,
  Scenario,
} from '../../src/sim/scenario/types.js';

/**
 * The scenario verdicts: what counts as "netwatch saw it" (device, type, window, count, details,
 * source), what is pending rather than passed, and that nothing after the scenario's end counts.
 */

const START = Date.UTC(2024, 5, 3, 10, 0, 0);
const S = 1000;
const MIN = 60 * S;
const END = 20 * MIN;

function scenario(expect: Partial<Expectations>): Scenario {
  return {
    name: 'eqsin-2022',
    description: 'd',
    file: 'eqsin-2022.yaml',
    endMs: END,
    intervalMs: 30 * S,
    devices: [],
    config: {},
    steps: [],
    expect: { events: [], forbidden: [], incidents: [], pages: [], ...expect },
  };
}

let line = 10;
function want(x: Partial<ExpectedEvent> & Pick<ExpectedEvent, 'type' | 'atMs' | 'withinMs'>): ExpectedEvent {
  line += 1;
  return { device: 'asw1-eqsin', sources: ['poll'], details: {}, where: `eqsin-2022.yaml:${line}:7`, ...x };
}
function seen(type: string, atMs: number, over: Partial<ObservedEvent> = {}): ObservedEvent {
  return { device: 'asw1-eqsin', type, timeMs: START + atMs, source: 'poll', details: {}, ...over };
}
const live = (...sources: EventSource[]): Live => ({ sources: new Set(sources) });
const POLL = live('poll');

function one(s: Scenario, observed: Observed, l: Live = POLL): Verdict {
  const verdicts = checkExpectations(s, START, observed, l);
  expect(verdicts).toHaveLength(1);
  return verdicts[0] as Verdict;
}
const status = (x: ExpectedEvent, events: ObservedEvent[], l: Live = POLL) =>
  one(scenario({ events: [x] }), { events }, l).status;

describe('expected events: the window', () => {
  const x = want({ type: 'master_switchover', atMs: 2 * MIN + 50 * S, withinMs: MIN });

  it('is closed at both ends, [at, at + within]', () => {
    expect(status(x, [seen('master_switchover', 2 * MIN + 50 * S)])).toBe('met');
    expect(status(x, [seen('master_switchover', 3 * MIN + 50 * S)])).toBe('met');
    expect(status(x, [seen('master_switchover', 2 * MIN + 50 * S - 1)])).toBe('failed');
    expect(status(x, [seen('master_switchover', 3 * MIN + 50 * S + 1)])).toBe('failed');
  });

  it('counts from the run’s start, not from the epoch or the first event', () => {
    const verdicts = checkExpectations(
      scenario({ events: [x] }),
      START + 10 * MIN,
      { events: [seen('master_switchover', 3 * MIN)] },
      POLL,
    );
    expect(verdicts[0]?.status).toBe('failed');
    expect(
      checkExpectations(
        scenario({ events: [x] }),
        START + 10 * MIN,
        { events: [seen('master_switchover', 13 * MIN)] },
        POLL,
      )[0]?.status,
    ).toBe('met');
  });

  it('wants the same device and the same type', () => {
    expect(status(x, [seen('master_switchover', 3 * MIN, { device: 'asw2-eqsin' })])).toBe('failed');
    expect(status(x, [seen('vc_split_brain', 3 * MIN)])).toBe('failed');
  });

  it('an event after the scenario’s end does not count, even inside the window', () => {
    const late = want({ type: 'traffic_recovered', atMs: 19 * MIN, withinMs: 5 * MIN });
    expect(status(late, [seen('traffic_recovered', 20 * MIN)])).toBe('met');
    expect(status(late, [seen('traffic_recovered', 20 * MIN + 1)])).toBe('failed');
    expect(status(late, [seen('traffic_recovered', 23 * MIN)])).toBe('failed');
  });

  it('an event before the run started does not count', () => {
    const early = want({ type: 'interface_up', atMs: 0, withinMs: MIN });
    expect(status(early, [seen('interface_up', -1)])).toBe('failed');
    expect(status(early, [seen('interface_up', 0)])).toBe('met');
  });
});

describe('expected events: count and details', () => {
  it('count is exact: fewer or more in the window fail; events outside the window are not counted', () => {
    const x = want({ type: 'traffic_drop', atMs: 2 * MIN + 10 * S, withinMs: 2 * MIN + 30 * S, count: 1 });
    expect(status(x, [seen('traffic_drop', 3 * MIN)])).toBe('met');
    expect(status(x, [])).toBe('failed');
    expect(status(x, [seen('traffic_drop', 3 * MIN), seen('traffic_drop', 4 * MIN)])).toBe('failed');
    expect(status(x, [seen('traffic_drop', 3 * MIN), seen('traffic_drop', 10 * MIN)])).toBe('met');
    expect(
      status(x, [seen('traffic_drop', 3 * MIN), seen('traffic_drop', 3 * MIN, { device: 'asw2-eqsin' })]),
    ).toBe('met');
  });

  it('count 0 means none in the window', () => {
    const x = want({ type: 'interface_down', atMs: 0, withinMs: 10 * MIN, count: 0 });
    expect(status(x, [])).toBe('met');
    expect(status(x, [seen('interface_down', 11 * MIN)])).toBe('met');
    expect(status(x, [seen('interface_down', 5 * MIN)])).toBe('failed');
  });

  it('without count, at least one', () => {
    const x = want({ type: 'interface_up', atMs: 2 * MIN, withinMs: MIN });
    expect(status(x, [seen('interface_up', 2 * MIN), seen('interface_up', 2 * MIN + 30 * S)])).toBe('met');
  });

  it('details must all match, compared as strings (a number in YAML matches a number or a string in the event)', () => {
    const x = want({
      type: 'member_down',
      atMs: 2 * MIN,
      withinMs: 2 * MIN,
      details: { member: 2, scope: 'device' },
    });
    expect(
      status(x, [seen('member_down', 3 * MIN, { details: { member: 2, scope: 'device', serial: 'XR1' } })]),
    ).toBe('met');
    expect(status(x, [seen('member_down', 3 * MIN, { details: { member: '2', scope: 'device' } })])).toBe(
      'met',
    );
    expect(status(x, [seen('member_down', 3 * MIN, { details: { member: 3, scope: 'device' } })])).toBe(
      'failed',
    );
    expect(status(x, [seen('member_down', 3 * MIN, { details: { member: 2 } })])).toBe('failed');
    const flag = want({ type: 'device_reboot', atMs: 0, withinMs: MIN, details: { maintenance: true } });
    expect(status(flag, [seen('device_reboot', 1, { details: { maintenance: true } })])).toBe('met');
    expect(status(flag, [seen('device_reboot', 1, { details: { maintenance: false } })])).toBe('failed');
  });

  it('with count, only events whose details match are counted', () => {
    const x = want({
      type: 'traffic_drop',
      atMs: 0,
      withinMs: 10 * MIN,
      count: 1,
      details: { scope: 'device' },
    });
    expect(
      status(x, [
        seen('traffic_drop', MIN, { details: { scope: 'device' } }),
        seen('traffic_drop', 2 * MIN, { details: { scope: 'group' } }),
      ]),
    ).toBe('met');
  });
});

describe('expected events: sources', () => {
  const crash = want({
    type: 'process_crash',
    atMs: 2 * MIN + 20 * S,
    withinMs: 30 * S,
    sources: ['syslog', 'trap'],
    details: { process: 'fxpc' },
  });
  const event = seen('process_crash', 2 * MIN + 25 * S, { source: 'syslog', details: { process: 'fxpc' } });

  it('an expectation none of whose sources this build receives is pending, whatever was observed', () => {
    const v = one(scenario({ events: [crash] }), { events: [event] }, POLL);
    expect(v.status).toBe('pending');
    expect(v.detail).toMatch(/syslog\/trap/);
    expect(one(scenario({ events: [crash] }), { events: [] }, live()).status).toBe('pending');
  });

  it('once one of its sources is live, it is judged: met by a witness from that source, failed otherwise', () => {
    expect(status(crash, [event], live('poll', 'syslog'))).toBe('met');
    expect(status(crash, [], live('poll', 'syslog'))).toBe('failed');
    // seen only by a poll: not what this expectation asks for
    expect(status(crash, [{ ...event, source: 'poll' }], live('poll', 'syslog'))).toBe('failed');
  });

  it('a later sighting by an allowed source (witnesses) counts although the first came from another', () => {
    expect(
      status(crash, [{ ...event, source: 'poll', witnesses: ['poll', 'trap'] }], live('poll', 'trap')),
    ).toBe('met');
    expect(status(crash, [{ ...event, source: 'trap', witnesses: ['poll'] }], live('poll', 'trap'))).toBe(
      'failed',
    );
  });
});

describe('forbidden events', () => {
  const all: ForbiddenEvents = { types: ['device_reboot', 'member_down'], where: 'eqsin-2022.yaml:40:7' };
  const onAsw2: ForbiddenEvents = {
    types: ['traffic_drop', 'interface_up'],
    devices: ['asw2-eqsin'],
    where: 'eqsin-2022.yaml:41:7',
  };
  const check = (f: ForbiddenEvents, events: ObservedEvent[]) =>
    one(scenario({ forbidden: [f] }), { events });

  it('without devices: none of the types on any device during the run', () => {
    expect(check(all, []).status).toBe('met');
    expect(check(all, [seen('interface_up', MIN)]).status).toBe('met');
    const v = check(all, [seen('member_down', 5 * MIN, { device: 'asw9' })]);
    expect(v.status).toBe('failed');
    expect(v.detail).toBe('member_down on asw9 at 5m');
  });

  it('with devices: only those devices', () => {
    expect(check(onAsw2, [seen('traffic_drop', MIN)]).status).toBe('met'); // asw1 may
    expect(check(onAsw2, [seen('traffic_drop', MIN, { device: 'asw2-eqsin' })]).status).toBe('failed');
  });

  it('before the start or after the end does not count', () => {
    expect(check(all, [seen('device_reboot', -1), seen('device_reboot', END + 1)]).status).toBe('met');
    expect(check(all, [seen('device_reboot', END)]).status).toBe('failed');
  });
});

describe('incidents and pages', () => {
  const incident: ExpectedIncident = {
    device: 'asw1-eqsin',
    atMs: 2 * MIN + 20 * S,
    withinMs: 2 * MIN,
    timeline: ['interface_up', 'OUTAGE BEGINS', 'process_crash', 'master_switchover', 'PAGED', 'OUTAGE ENDS'],
    where: 'eqsin-2022.yaml:44:7',
  };
  const observed = (over: Partial<ObservedIncident> = {}): ObservedIncident => ({
    device: 'asw1-eqsin',
    openedMs: START + 3 * MIN,
    maintenance: false,
    timeline: [
      'interface_up',
      'OUTAGE BEGINS',
      'process_crash',
      'traffic_drop',
      'master_switchover',
      'PAGED',
      'traffic_recovered',
      'OUTAGE ENDS',
    ],
    ...over,
  });
  const check = (x: ExpectedIncident, incidents?: ObservedIncident[]) =>
    one(scenario({ incidents: [x] }), { events: [], ...(incidents ? { incidents } : {}) });

  it('pending while this build opens no incidents (observed.incidents absent); [] is judged', () => {
    expect(check(incident).status).toBe('pending');
    expect(check(incident, []).status).toBe('failed');
  });

  it('met when the timeline is a subsequence of the observed one (other entries may come between)', () => {
    expect(check(incident, [observed()]).status).toBe('met');
    expect(check({ ...incident, timeline: [] }, [observed()]).status).toBe('met');
  });

  it('failed when the order differs or an entry is missing', () => {
    const swapped = observed({
      timeline: [
        'interface_up',
        'OUTAGE BEGINS',
        'master_switchover',
        'process_crash',
        'PAGED',
        'OUTAGE ENDS',
      ],
    });
    expect(check(incident, [swapped]).status).toBe('failed');
    expect(
      check(incident, [observed({ timeline: ['interface_up', 'OUTAGE BEGINS', 'process_crash', 'PAGED'] })])
        .status,
    ).toBe('failed');
  });

  it('wants the device or site, the opening time in the window (and before the end), and maintenance when asked', () => {
    expect(check(incident, [observed({ device: 'asw2-eqsin' })]).status).toBe('failed');
    expect(check(incident, [observed({ openedMs: START + 2 * MIN })]).status).toBe('failed');
    expect(check(incident, [observed({ openedMs: START + 4 * MIN + 20 * S })]).status).toBe('met');
    expect(check(incident, [observed({ openedMs: START + 4 * MIN + 20 * S + 1 })]).status).toBe('failed');
    expect(check({ ...incident, atMs: 19 * MIN }, [observed({ openedMs: START + END + 1 })]).status).toBe(
      'failed',
    );
    const { device: _device, ...siteIncident } = incident;
    const bySite: ExpectedIncident = { ...siteIncident, site: 'eqsin' };
    const { device: _observedDevice, ...siteWide } = observed();
    expect(check(bySite, [{ ...siteWide, site: 'eqsin' }]).status).toBe('met');
    expect(check(bySite, [{ ...siteWide, site: 'ams' }]).status).toBe('failed');
    const maint = { ...incident, maintenance: true, timeline: [] };
    expect(check(maint, [observed()]).status).toBe('failed');
    expect(check(maint, [observed({ maintenance: true })]).status).toBe('met');
  });

  it('pages: pending when not observed; count exact; resolved when asked; filtered by device or site', () => {
    const pages = (x: ExpectedPages, observedPages?: Observed['pages']) =>
      one(scenario({ pages: [x] }), { events: [], ...(observedPages ? { pages: observedPages } : {}) })
        .status;
    const asw1: ExpectedPages = {
      device: 'asw1-eqsin',
      count: 1,
      resolved: true,
      where: 'eqsin-2022.yaml:46:7',
    };
    expect(pages(asw1)).toBe('pending');
    expect(pages(asw1, [{ device: 'asw1-eqsin', resolved: true }])).toBe('met');
    expect(pages(asw1, [{ device: 'asw1-eqsin', resolved: false }])).toBe('failed');
    expect(pages(asw1, [])).toBe('failed');
    expect(
      pages(asw1, [
        { device: 'asw1-eqsin', resolved: true },
        { device: 'asw1-eqsin', resolved: true },
      ]),
    ).toBe('failed');
    expect(
      pages(asw1, [
        { device: 'asw1-eqsin', resolved: true },
        { device: 'asw2-eqsin', resolved: false },
      ]),
    ).toBe('met');
    const none: ExpectedPages = { device: 'asw2-eqsin', count: 0, where: 'eqsin-2022.yaml:47:7' };
    expect(pages(none, [{ device: 'asw1-eqsin', resolved: false }])).toBe('met');
    expect(pages(none, [{ device: 'asw2-eqsin', resolved: true }])).toBe('failed');
    const fleet: ExpectedPages = { count: 0, where: 'quiet.yaml:60:7' };
    expect(pages(fleet, [])).toBe('met');
    expect(pages(fleet, [{ device: 'tor9', resolved: true }])).toBe('failed');
    const site: ExpectedPages = { site: 'par', count: 1, where: 'x' };
    expect(
      pages(site, [
        { site: 'par', resolved: false },
        { site: 'ams', resolved: false },
      ]),
    ).toBe('met');
  });
});

describe('verdicts in order, and formatVerdicts', () => {
  it('one verdict per expectation, events → forbidden → incidents → pages, each at its place in the file', () => {
    const s = scenario({
      events: [
        want({
          type: 'interface_up',
          atMs: 2 * MIN,
          withinMs: MIN,
          details: { interface: 'mge-0/0/40' },
          where: 'e.yaml:30:7',
        }),
        want({
          type: 'process_crash',
          atMs: 2 * MIN + 20 * S,
          withinMs: 30 * S,
          sources: ['syslog', 'trap'],
          where: 'e.yaml:31:7',
        }),
        want({
          type: 'master_switchover',
          atMs: 2 * MIN + 50 * S,
          withinMs: MIN,
          count: 1,
          where: 'e.yaml:33:7',
        }),
      ],
      forbidden: [{ types: ['device_reboot', 'member_down'], where: 'e.yaml:38:7' }],
      incidents: [
        {
          device: 'asw1-eqsin',
          atMs: 2 * MIN + 20 * S,
          withinMs: 2 * MIN,
          timeline: ['PAGED'],
          where: 'e.yaml:41:7',
        },
      ],
      pages: [{ device: 'asw1-eqsin', count: 1, resolved: true, where: 'e.yaml:45:7' }],
    });
    const events = [
      seen('interface_up', 2 * MIN + 15 * S, { details: { interface: 'mge-0/0/40' } }),
      seen('master_switchover', 3 * MIN + 5 * S),
      seen('master_switchover', 3 * MIN + 35 * S),
      seen('member_down', 90 * MIN),
    ];
    const verdicts = checkExpectations(s, START, { events }, POLL);
    expect(verdicts.map((v) => [v.where, v.status])).toEqual([
      ['e.yaml:30:7', 'met'],
      ['e.yaml:31:7', 'pending'],
      ['e.yaml:33:7', 'failed'],
      ['e.yaml:38:7', 'met'],
      ['e.yaml:41:7', 'pending'],
      ['e.yaml:45:7', 'pending'],
    ]);
    expect(formatVerdicts(verdicts).split('\n')).toEqual([
      'ok      e.yaml:30:7: interface_up on asw1-eqsin between 2m and 3m — at 2m15s',
      'pending e.yaml:31:7: process_crash on asw1-eqsin between 2m20s and 2m50s — witnessed only by syslog/trap, which this build does not receive yet',
      'FAILED  e.yaml:33:7: 1× master_switchover on asw1-eqsin between 2m50s and 3m50s — found 2 in the window; master_switchover on asw1-eqsin at: 3m5s {}; 3m35s {}',
      'ok      e.yaml:38:7: no device_reboot, member_down — none',
      'pending e.yaml:41:7: an incident for asw1-eqsin opened between 2m20s and 4m20s with timeline PAGED — this build opens no incidents yet',
      'pending e.yaml:45:7: 1 page(s) for asw1-eqsin, resolved by the end — this build sends no pages yet',
    ]);
  });

  it('a failure says what was seen instead, or that nothing was', () => {
    const x = want({ type: 'member_up', atMs: 6 * MIN, withinMs: MIN, details: { member: 2 } });
    const wrong = one(scenario({ events: [x] }), {
      events: [seen('member_up', 8 * MIN, { details: { member: 2 } })],
    });
    expect(formatVerdicts([wrong])).toMatch(
      /^FAILED .*: member_up on asw1-eqsin between 6m and 7m — found 0 in the window; member_up on asw1-eqsin at: 8m \{"member":2\}$/,
    );
    const nothing = one(scenario({ events: [x] }), { events: [] });
    expect(nothing.detail).toBe('found 0 in the window; no member_up on asw1-eqsin at all');
    expect(formatVerdicts([])).toBe('');
  });
});
