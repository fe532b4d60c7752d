import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatVerdicts } from '../../src/sim/scenario/expect.js';
import { loadScenarioFile, resolveScenarioPath } from '../../src/sim/scenario/load.js';
import { runScenarioWithDaemon } from '../../src/sim/scenario/with-daemon.js';

/**
 * Alert volume a person can handle (issue 9): a site of 40 switches losing power is one site
 * incident and one page (then updates under its dedup_key), and netwatch losing its own uplink
 * is one "cannot reach its fleet" incident, not one per site.
 */

const dir = mkdtempSync(join(tmpdir(), 'netwatch-alert-volume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const actions = (pages: readonly { body: Readonly<Record<string, unknown>> }[]) =>
  pages.map((p) => `${String(p.body.event_action)}:${String(p.body.dedup_key)}`);

describe('alert volume', () => {
  it('site-power-loss with 40 switches at the site: one site incident, the first page at once, no second page', {
    timeout: 300_000,
  }, async () => {
    const text = readFileSync(resolveScenarioPath('site-power-loss'), 'utf8').replace(
      'count: 5',
      'count: 40',
    );
    const file = join(dir, 'site-power-loss-40.yaml');
    writeFileSync(file, text);
    const loaded = await loadScenarioFile(file);
    if (!loaded.ok) throw new Error(`does not load: ${JSON.stringify(loaded)}`);
    expect(loaded.scenario.devices).toHaveLength(41);
    // 15×: 41 switches polled every 2 real seconds leave two busy cores room (at 30× polls can
    // miss their deadline, and a late poll is not what this test is about).
    const outcome = await runScenarioWithDaemon({ scenario: loaded.scenario, speed: 15 });
    expect(
      outcome.verdicts.filter((v) => v.status === 'failed'),
      formatVerdicts(outcome.verdicts),
    ).toEqual([]);
    expect(outcome.incidents.map((r) => r.incident.scope)).toEqual(['site']);
    const incident = outcome.incidents[0]?.incident;
    expect(incident?.devices).toHaveLength(40);
    expect(incident?.title).toMatch(/^40 devices at site sin \(site-wide/);
    const sent = actions(outcome.pages);
    const id = incident?.id;
    // PagerDuty sees one alert: every event under the incident's dedup_key (updates are triggers
    // with the same key), one of them a resolve.
    expect(new Set(sent.map((a) => a.split(':')[1]))).toEqual(new Set([id]));
    expect(sent.filter((a) => a.startsWith('resolve:'))).toEqual([`resolve:${id}`]);
    // The outbox: one trigger, the rest updates naming the devices that joined.
    const deliveries = outcome.incidents[0]?.deliveries ?? [];
    expect(deliveries.filter((d) => d.action === 'trigger')).toHaveLength(1);
    expect(deliveries.filter((d) => d.action === 'update').length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.result === 'accepted')).toBe(true);
    // The first page went out at once: before most of the site had even been declared unreachable.
    const firstPage = outcome.pages[0]?.receivedAt ?? Number.POSITIVE_INFINITY;
    const unreachable = outcome.events.filter((e) => e.type === 'device_unreachable').map((e) => e.time);
    const firstEvent = Math.min(...unreachable);
    expect(
      firstPage - firstEvent,
      'scenario ms from the first unreachable event to the first page',
    ).toBeLessThan(30_000);
  });

  it('every switch at every site unreachable: one "netwatch cannot reach its fleet" incident, one page', {
    timeout: 300_000,
  }, async () => {
    const loaded = await loadScenarioFile(resolveScenarioPath('fleet-unreachable'));
    if (!loaded.ok) throw new Error('fleet-unreachable does not load');
    const outcome = await runScenarioWithDaemon({ scenario: loaded.scenario, speed: 30 });
    expect(
      outcome.verdicts.filter((v) => v.status === 'failed'),
      formatVerdicts(outcome.verdicts),
    ).toEqual([]);
    expect(outcome.incidents).toHaveLength(1);
    const incident = outcome.incidents[0]?.incident;
    expect(incident?.scope).toBe('fleet');
    expect(incident?.title).toMatch(/^netwatch cannot reach its fleet: 9 of 9 devices at 3 sites/);
    const deliveries = outcome.incidents[0]?.deliveries ?? [];
    expect(deliveries.filter((d) => d.action === 'trigger')).toHaveLength(1);
    expect(new Set(actions(outcome.pages).map((a) => a.split(':')[1]))).toEqual(new Set([incident?.id]));
  });
});
