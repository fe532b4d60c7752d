import { describe, expect, it } from 'vitest';
import { emptyMemory } from '../../src/detect/memory.js';
import type { EventDraft } from '../../src/events/event.js';
import type { Incident } from '../../src/incident/incident.js';
import type { IncidentWrites, OutboxDraft, Store } from '../../src/store/store.js';

/**
 * The Store contract: every implementation (SQLite now, PostgreSQL later) runs this suite.
 * `open` gives a fresh empty store; `reopen` opens the same data again without closing the first
 * handle (what a kill -9 leaves behind).
 */
export interface StoreHarness {
  readonly open: () => Promise<Store>;
  readonly reopen: () => Promise<Store>;
}

const T0 = Date.parse('2026-11-21T09:48:00Z');

export function ev(
  device: string,
  type: string,
  fact: string,
  time = T0,
  extra: Partial<EventDraft> = {},
): EventDraft {
  return {
    time,
    device,
    site: 'eqsin',
    type: type as EventDraft['type'],
    severity: 'critical',
    source: 'poll',
    summary: `${type} on ${device}`,
    details: { fact_was: fact },
    fact,
    ...extra,
  };
}

function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    scope: 'device',
    site: 'eqsin',
    devices: ['a'],
    title: `switchover on a (${id})`,
    severity: 'critical',
    status: 'open',
    openedAt: T0,
    impactStart: T0,
    flapping: false,
    entries: [],
    ...over,
  };
}

function page(
  id: string,
  receiver: string,
  action: OutboxDraft['action'] = 'trigger',
  createdAt = T0,
): OutboxDraft {
  return {
    incident: id,
    receiver,
    action,
    createdAt,
    message: {
      incident: id,
      action,
      scope: 'device',
      site: 'eqsin',
      devices: ['a'],
      severity: 'critical',
      summary: 'switchover on a',
      cause: 'master_switchover',
      impactStart: T0,
      link: `https://netwatch.example.net/incidents/${id}`,
      types: ['master_switchover'],
      remarks: [],
    },
  };
}

const writes = (w: Partial<IncidentWrites>) => (): IncidentWrites => ({ incidents: [], outbox: [], ...w });

export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    it('records events with ids, a gap-free per-device seq, oldest first', async () => {
      const store = await harness().open();
      const first = await store.commit([
        {
          device: 'a',
          events: [
            ev('a', 'master_switchover', 'to=1|count=3'),
            ev('a', 'process_crash', 'p=fxpc|pid=9', T0 + 1),
          ],
        },
        { device: 'b', events: [ev('b', 'member_down', 'member=2|at=x', T0 + 2)] },
      ]);
      expect(first.recorded.map((e) => [e.device, e.seq])).toEqual([
        ['a', 1],
        ['a', 2],
        ['b', 1],
      ]);
      await store.commit([
        { device: 'a', events: [ev('a', 'interface_down', 'interface=xe-0/0/1|at=y', T0 + 3)] },
      ]);
      const all = await store.queryEvents({});
      expect(all.map((e) => `${e.device}:${e.seq}:${e.type}`)).toEqual([
        'a:1:master_switchover',
        'a:2:process_crash',
        'b:1:member_down',
        'a:3:interface_down',
      ]);
      expect(new Set(all.map((e) => e.id)).size).toBe(4);
      expect(all.map((e) => e.id)).toEqual([
        '20261121T094800Z-a-1',
        '20261121T094800Z-a-2',
        '20261121T094800Z-b-1',
        '20261121T094800Z-a-3',
      ]);
      expect(all[0]?.details).toEqual({ fact_was: 'to=1|count=3' });
      await store.close();
    });

    it('a second sighting of the same fact is a witness, not a second event', async () => {
      const store = await harness().open();
      await store.commit([{ device: 'a', events: [ev('a', 'master_switchover', 'to=1|count=3')] }]);
      const again = await store.commit([
        {
          device: 'a',
          events: [ev('a', 'master_switchover', 'to=1|count=3', T0 + 4000, { source: 'trap' })],
        },
      ]);
      expect(again.recorded).toEqual([]);
      expect(again.witnessed).toHaveLength(1);
      const [only, ...rest] = await store.queryEvents({ device: 'a' });
      expect(rest).toEqual([]);
      expect(only?.witnesses.map((w) => w.source)).toEqual(['poll', 'trap']);
      // The same fact on another device, or another fact, is its own event.
      await store.commit([
        { device: 'b', events: [ev('b', 'master_switchover', 'to=1|count=3')] },
        { device: 'a', events: [ev('a', 'master_switchover', 'to=0|count=4')] },
      ]);
      expect(await store.queryEvents({ type: 'master_switchover' })).toHaveLength(3);
      await store.close();
    });

    it('a batch commits whole or not at all', async () => {
      const store = await harness().open();
      const poisoned = ev('b', 'process_crash', 'bad', T0, { details: { n: 1n as unknown as number } });
      await expect(
        store.commit([
          {
            device: 'a',
            events: [ev('a', 'member_down', 'm=1')],
            memory: { memory: emptyMemory('a', T0), identity: 'x' },
          },
          { device: 'b', events: [poisoned] },
        ]),
      ).rejects.toThrow();
      expect(await store.queryEvents({})).toEqual([]);
      expect((await store.loadMemories()).size).toBe(0);
      // And the store still works after the rollback.
      await store.commit([{ device: 'a', events: [ev('a', 'member_down', 'm=1')] }]);
      expect((await store.queryEvents({})).map((e) => e.seq)).toEqual([1]);
      await store.close();
    });

    it('keeps device memory with its identity; bigint counters survive', async () => {
      const store = await harness().open();
      const memory = { ...emptyMemory('a', T0), savedAt: T0 + 5 };
      const withCounter = { ...memory, probe: 2n ** 63n - 1n } as typeof memory;
      await store.commit([{ device: 'a', events: [], memory: { memory: withCounter, identity: 'id-1' } }]);
      const loaded = await store.loadMemories();
      expect(loaded.get('a')?.identity).toBe('id-1');
      const probe = loaded.get('a')?.memory as unknown as { probe: bigint } | undefined;
      expect(probe?.probe).toBe(2n ** 63n - 1n);
      expect(loaded.get('a')?.memory.savedAt).toBe(T0 + 5);
      await store.commit([{ device: 'a', events: [], memory: { memory, identity: 'id-2' } }]);
      expect((await store.loadMemories()).get('a')?.identity).toBe('id-2');
      await store.close();
    });

    it('keeps events of a type it does not know, and shows them as they are', async () => {
      const store = await harness().open();
      await store.commit([
        { device: 'a', events: [ev('a', 'psu_failure', 'psu=2', T0, { severity: 'major' })] },
      ]);
      const [unknown] = await store.queryEvents({ type: 'psu_failure' });
      expect(unknown?.type).toBe('psu_failure');
      await store.close();
    });

    it('answers filtered queries: device, type, time range, seq, newest N', async () => {
      const store = await harness().open();
      const drafts = Array.from({ length: 10 }, (_, i) =>
        ev(i % 2 === 0 ? 'a' : 'b', i % 3 === 0 ? 'member_down' : 'interface_down', `f${i}`, T0 + i * 60_000),
      );
      for (const d of drafts) await store.commit([{ device: d.device, events: [d] }]);
      expect((await store.queryEvents({ device: 'a' })).map((e) => e.fact)).toEqual([
        'f0',
        'f2',
        'f4',
        'f6',
        'f8',
      ]);
      expect((await store.queryEvents({ type: 'member_down' })).map((e) => e.fact)).toEqual([
        'f0',
        'f3',
        'f6',
        'f9',
      ]);
      expect(
        (await store.queryEvents({ since: T0 + 3 * 60_000, until: T0 + 6 * 60_000 })).map((e) => e.fact),
      ).toEqual(['f3', 'f4', 'f5']);
      expect((await store.queryEvents({ device: 'b', afterSeq: 3 })).map((e) => e.fact)).toEqual([
        'f7',
        'f9',
      ]);
      expect((await store.queryEvents({ limit: 3 })).map((e) => e.fact)).toEqual(['f7', 'f8', 'f9']);
      await store.close();
    });

    it('retention deletes only older events', async () => {
      const store = await harness().open();
      await store.commit([
        {
          device: 'a',
          events: [ev('a', 'member_down', 'old', T0 - 86_400_000), ev('a', 'member_up', 'new', T0)],
        },
      ]);
      expect(await store.deleteEventsBefore(T0 - 1)).toBe(1);
      expect((await store.queryEvents({})).map((e) => e.fact)).toEqual(['new']);
      // seq keeps counting: consumers replaying by seq never see a number reused.
      await store.commit([{ device: 'a', events: [ev('a', 'member_down', 'newer', T0 + 1)] }]);
      expect((await store.queryEvents({ device: 'a' })).map((e) => e.seq)).toEqual([2, 3]);
      await store.close();
    });

    it('everything a resolved commit holds is there after the handle is dropped unclosed', async () => {
      const h = harness();
      const store = await h.open();
      await store.commit([
        {
          device: 'a',
          events: [ev('a', 'master_switchover', 'to=1|count=3')],
          memory: { memory: emptyMemory('a', T0), identity: 'x' },
        },
      ]);
      const second = await h.reopen(); // the first handle is never closed: a crash
      expect((await second.queryEvents({})).map((e) => e.fact)).toEqual(['to=1|count=3']);
      expect((await second.loadMemories()).has('a')).toBe(true);
      const next = await second.commit([{ device: 'a', events: [ev('a', 'member_down', 'm=3')] }]);
      expect(next.recorded[0]?.seq).toBe(2);
      await second.close();
      await store.close();
    });
    it('writes incidents and outbox entries in the commit that records the events, or none of them', async () => {
      const store = await harness().open();
      const id = '2026-11-21-eqsin-a';
      const seen: string[] = [];
      await store.commit(
        [{ device: 'a', events: [ev('a', 'master_switchover', 'to=1|count=3')] }],
        (recorded) => {
          seen.push(...recorded.map((e) => e.type));
          return {
            incidents: [{ incident: incident(id), state: '{"k":1}' }],
            outbox: [page(id, 'pagerduty')],
          };
        },
      );
      expect(seen).toEqual(['master_switchover']);
      expect((await store.getIncident(id))?.state).toBe('{"k":1}');
      expect((await store.dueOutbox(T0, 10)).map((e) => e.receiver)).toEqual(['pagerduty']);
      // A correlation that throws rolls back the events of its commit too.
      await expect(
        store.commit([{ device: 'a', events: [ev('a', 'member_down', 'm=1')] }], () => {
          throw new Error('correlator bug');
        }),
      ).rejects.toThrow();
      expect((await store.queryEvents({})).map((e) => e.type)).toEqual(['master_switchover']);
      // Time alone (no events) writes only when something changed.
      await store.commit([], writes({}));
      await store.commit(
        [],
        writes({
          incidents: [{ incident: incident(id, { status: 'resolved', resolvedAt: T0 + 9 }), state: '{}' }],
        }),
      );
      expect((await store.queryIncidents({ open: true })).length).toBe(0);
      expect((await store.queryIncidents({ device: 'a' })).map((r) => r.incident.status)).toEqual([
        'resolved',
      ]);
      await store.close();
    });

    it('one trigger and one resolve per incident and receiver; the resolve goes to whoever got the trigger, after it', async () => {
      const store = await harness().open();
      const id = '2026-11-21-eqsin-a';
      await store.commit(
        [],
        writes({ outbox: [page(id, 'pagerduty'), page(id, 'alertmanager'), page(id, 'pagerduty')] }),
      );
      await store.commit(
        [],
        writes({ outbox: [page(id, '*', 'update', T0 + 1), page(id, '*', 'update', T0 + 2)] }),
      );
      await store.commit(
        [],
        writes({ outbox: [page(id, '*', 'resolve', T0 + 3), page(id, '*', 'resolve', T0 + 4)] }),
      );
      const all = await store.deliveries(id);
      expect(all.map((d) => `${d.receiver}:${d.action}`).sort()).toEqual(
        [
          'alertmanager:trigger',
          'alertmanager:update',
          'alertmanager:update',
          'alertmanager:resolve',
          'pagerduty:trigger',
          'pagerduty:update',
          'pagerduty:update',
          'pagerduty:resolve',
        ].sort(),
      );
      // Only the oldest undelivered entry of each (incident, receiver) is handed out.
      const first = await store.dueOutbox(T0 + 10, 10);
      expect(first.map((e) => `${e.receiver}:${e.action}`).sort()).toEqual([
        'alertmanager:trigger',
        'pagerduty:trigger',
      ]);
      const pd = first.find((e) => e.receiver === 'pagerduty');
      if (!pd) throw new Error('no pagerduty entry');
      expect(pd.message.deliveryId).toBe(`${id}/pagerduty/trigger`);
      await store.markOutbox([
        { id: pd.id, outcome: { result: 'pending', nextAt: T0 + 60_000, reason: 'HTTP 503' } },
      ]);
      expect((await store.dueOutbox(T0 + 10, 10)).map((e) => e.receiver)).toEqual(['alertmanager']);
      expect((await store.outboxPending()).count).toBe(8);
      await store.markOutbox([{ id: pd.id, outcome: { result: 'accepted', at: T0 + 61_000 } }]);
      const next = await store.dueOutbox(T0 + 61_000, 10);
      expect(next.map((e) => `${e.receiver}:${e.action}:${e.seq}`).sort()).toEqual([
        'alertmanager:trigger:0',
        'pagerduty:update:1',
      ]);
      const delivered = (await store.deliveries(id)).find(
        (d) => d.receiver === 'pagerduty' && d.action === 'trigger',
      );
      expect(delivered).toMatchObject({ result: 'accepted', acceptedAt: T0 + 61_000, attempts: 2 });
      await store.close();
    });

    it('keeps notes and named values', async () => {
      const store = await harness().open();
      await store.addNote({ incident: 'x', at: T0, author: 'alice', text: 'fxpc core sent to JTAC' });
      await store.addNote({ incident: 'x', at: T0 + 1, author: 'bob', text: '<b>not html</b>' });
      expect((await store.notes('x')).map((n) => n.author)).toEqual(['alice', 'bob']);
      expect(await store.getMeta('silences')).toBeUndefined();
      await store.setMeta('silences', '[1]');
      await store.setMeta('silences', '[2]');
      expect(await store.getMeta('silences')).toBe('[2]');
      await store.close();
    });
  });
}
