import { computeRates } from '../collect/rates.js';
import type { PollResult, Snapshot } from '../collect/snapshot.js';
import type { Derived, DetectSettings } from './detector.js';

const WRAP_CS = 2 ** 32;

/**
 * sysUpTime (TimeTicks) wraps at 2^32 centiseconds ≈ 497.1 days. A step back is a wrap, not a
 * restart, when prev + elapsed lands past 2^32 where curr says it should.
 */
export function isUptimeWrap(prevCs: number, currCs: number, elapsedMs: number): boolean {
  if (currCs >= prevCs) return false;
  const expected = prevCs + elapsedMs / 10;
  const slack = Math.max(6_000, elapsedMs / 10); // a minute, or the elapsed time itself
  return expected >= WRAP_CS - slack && Math.abs(currCs + WRAP_CS - expected) <= slack;
}

/** Seconds a VC member's uptime may read back (sampling jitter) before it counts as a restart. */
export const MEMBER_SLACK_S = 5;

/** Did the device reboot, or only its SNMP agent? Judged against every clock the device offers. */
function analyseRestart(
  before: Snapshot,
  now: Snapshot,
): Pick<Derived, 'agentRestarted' | 'deviceRebooted' | 'rebootWhy'> {
  const elapsed = now.time - before.time;
  const bootsUp =
    before.system.engineBoots !== undefined &&
    now.system.engineBoots !== undefined &&
    now.system.engineBoots > before.system.engineBoots;
  const upBack =
    now.system.upTimeCs < before.system.upTimeCs &&
    !isUptimeWrap(before.system.upTimeCs, now.system.upTimeCs, elapsed);
  if (!bootsUp && !upBack) return { agentRestarted: false, deviceRebooted: false, rebootWhy: '' };
  const why = bootsUp
    ? `snmpEngineBoots rose from ${before.system.engineBoots} to ${now.system.engineBoots}`
    : `sysUpTime went back from ${Math.round(before.system.upTimeCs / 100)} s to ${Math.round(now.system.upTimeCs / 100)} s`;
  // Independent clocks: VC member uptimes keep counting through an SNMP agent restart.
  if (before.vcMembers.supported && now.vcMembers.supported) {
    const pairs = now.vcMembers.value
      .map(
        (m) =>
          [
            before.vcMembers.supported ? before.vcMembers.value.find((b) => b.id === m.id) : undefined,
            m,
          ] as const,
      )
      .filter(([b, m]) => b?.uptimeS !== undefined && m.uptimeS !== undefined);
    if (pairs.length > 0) {
      const back = pairs.filter(([b, m]) => (m.uptimeS ?? 0) + MEMBER_SLACK_S < (b?.uptimeS ?? 0));
      return {
        agentRestarted: true,
        deviceRebooted: back.length === pairs.length,
        rebootWhy: back.length === pairs.length ? `${why}, and every member's uptime restarted` : why,
      };
    }
  }
  // No second clock: an agent restart cannot be told from a reboot; report it as one.
  return { agentRestarted: true, deviceRebooted: true, rebootWhy: why };
}

export function derive(before: Snapshot | undefined, result: PollResult, settings: DetectSettings): Derived {
  if (!before || !result.ok)
    return { agentRestarted: false, deviceRebooted: false, rebootWhy: '', rates: undefined };
  const restart = analyseRestart(before, result.snapshot);
  return { ...restart, rates: computeRates(before, result.snapshot, settings.baselineWindowMs) };
}
