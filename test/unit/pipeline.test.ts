import { describe, expect, it } from 'vitest';
import { collectDevice } from '../../src/collect/collect-device.js';
import type { DeviceMemory } from '../../src/detect/memory.js';
import { MemoryJournal } from '../../src/journal/journal.js';
import { InMemoryStore } from '../../src/journal/state-store.js';
import { silentLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { Pipeline } from '../../src/pipeline.js';
import { DetectRun, Lab, TEST_SETTINGS } from '../helpers/lab.js';

/** detect → journal → memory, and what a crash between the last two leaves behind. */
describe('pipeline', () => {
  it('a crash after journaling but before saving memory reports nothing twice', async () => {
    const lab = new Lab();
    const run = new DetectRun(lab); // for its fake agent and device
    const journal = new MemoryJournal();
    const store = new InMemoryStore();
    const metrics = new Metrics({ processMetrics: false });
    metrics.setDevices([run.device]);
    const make = () =>
      new Pipeline({ journal, store, metrics, logger: silentLogger, settings: () => TEST_SETTINGS });
    const poll = (time: number) =>
      collectDevice({
        device: run.device,
        address: '127.0.0.1',
        connector: run.fake,
        now: () => time,
        memo: {},
      });

    const first = make();
    await first.handle(run.device, await poll(0), 0);
    const savedBefore = store.saved.get('lab') as DeviceMemory;

    lab.role(1, 2).role(0, 1);
    const events = await first.handle(run.device, await poll(30_000), 30_000);
    expect(events.map((e) => e.type)).toEqual(['master_switchover']);

    // The crash: the memory that reflects the switchover never reached the disk.
    store.saved.set('lab', savedBefore);
    const second = make();
    expect(await second.handle(run.device, await poll(60_000), 60_000)).toEqual([]);
    expect(journal.query({ type: 'master_switchover' })).toHaveLength(1);
    expect(await metrics.render()).toContain(
      'netwatch_events_total{device="lab",site="test",type="master_switchover",severity="critical"} 1',
    );
  });
});
