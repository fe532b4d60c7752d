import { observedOf } from '../collect/observed.js';
import type { PollResult } from '../collect/snapshot.js';
import type { DeviceConfig } from '../config/types.js';
import type { EventDraft } from '../events/event.js';
import { derive, withCarriedState } from './derive.js';
import type { DetectContext, DetectSettings } from './detector.js';
import type { DeviceMemory } from './memory.js';
import { DETECTORS } from './registry.js';

export interface DetectOutcome {
  readonly memory: DeviceMemory;
  readonly events: readonly EventDraft[];
}

/**
 * detect: (memory before, this poll, now, settings) → (memory after, events). Pure: no clock, no
 * I/O, no logging. The first poll after a netwatch restart compares against the memory read from
 * disk, and what it finds is marked `detected_after_restart`.
 */
export function detect(
  device: DeviceConfig,
  prev: DeviceMemory,
  result: PollResult,
  now: number,
  settings: DetectSettings,
): DetectOutcome {
  const before = prev.previous;
  const current = result.ok ? observedOf(result.snapshot, device.watchProcesses) : undefined;
  const ctx: DetectContext = {
    device,
    prev,
    before,
    current,
    result,
    now,
    settings,
    derived: derive(before, current, settings, prev),
  };
  let memory: DeviceMemory = prev;
  const events: EventDraft[] = [];
  for (const detector of Object.values(DETECTORS)) {
    const detection = detector(ctx);
    events.push(...detection.events);
    memory = { ...memory, ...detection.memory };
  }
  const marked = prev.fromDisk
    ? events.map((e) => ({
        ...e,
        summary: `${e.summary} (detected after a netwatch restart)`,
        details: { ...e.details, detected_after_restart: true },
      }))
    : events;
  return {
    memory: {
      ...memory,
      savedAt: result.ok ? result.snapshot.time : result.time,
      fromDisk: prev.fromDisk && !result.ok,
      previous: current
        ? withCarriedState(current, prev.previous, ctx.derived.deviceRebooted)
        : prev.previous,
    },
    events: marked,
  };
}
