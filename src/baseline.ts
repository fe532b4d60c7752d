import type { BaselineOutcome } from './api.js';
import type { DeviceConfig } from './config/types.js';
import { acceptBaselineAction } from './detect/baseline.js';
import type { Pipeline } from './pipeline.js';

/**
 * `netwatch baseline accept DEVICE` inside the running daemon: the device's current membership
 * and watched processes become the expected ones, journaled as `baseline_accepted` (source
 * `operator`, with its author) in the same commit as the memory.
 */
export async function acceptBaselineNow(
  pipeline: Pipeline,
  device: DeviceConfig,
  author: string,
  now: number,
): Promise<BaselineOutcome> {
  const current = pipeline.memoryOf(device.name);
  if (!current?.previous)
    return {
      ok: false,
      status: 409,
      reason: `${device.name} has not been polled successfully yet: nothing to accept`,
    };
  let summary = '';
  const committed = await pipeline.operate(device, now, (memory) => {
    const action = acceptBaselineAction(memory, {
      device: device.name,
      site: device.site,
      author,
      time: now,
    });
    summary = action.event.summary;
    return { memory: action.memory, events: [action.event] };
  });
  return { ok: true, summary, committed };
}
