import { type Detector, draft, nothing } from '../detector.js';

/**
 * device_unreachable after N failed polls in a row; device_reachable on the first poll after that
 * the device answered. A poll that missed its deadline (`deadline`: the device answered the system
 * GET) proves the device reachable: it resets the count and ends an unreachable spell like a
 * success (whether its data is being read is detectors/degraded.ts's question).
 */
export const detectReachability: Detector = (ctx) => {
  const { reach } = ctx.prev;
  if (!ctx.result.ok && ctx.result.reason !== 'deadline') {
    const failures = reach.failures + 1;
    if (reach.unreachable || failures < ctx.settings.unreachableAfter)
      return { events: [], memory: { reach: { failures, unreachable: reach.unreachable } } };
    const { reason, message } = ctx.result;
    return {
      events: [
        draft(
          ctx,
          'device_unreachable',
          `${ctx.device.name} stopped answering SNMP: ${failures} polls in a row failed (${reason}: ${message})`,
          { failed_polls: failures, reason, error: message },
        ),
      ],
      memory: { reach: { failures, unreachable: true } },
    };
  }
  if (!reach.unreachable)
    return reach.failures === 0
      ? nothing
      : { events: [], memory: { reach: { failures: 0, unreachable: false } } };
  return {
    events: [
      draft(
        ctx,
        'device_reachable',
        `${ctx.device.name} answers SNMP again after ${reach.failures} failed polls`,
        {
          failed_polls: reach.failures,
        },
      ),
    ],
    memory: { reach: { failures: 0, unreachable: false } },
  };
};
