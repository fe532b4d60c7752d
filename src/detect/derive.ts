import type { Observed } from '../collect/observed.js';
import { computeRates } from '../collect/rates.js';
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

/** Centiseconds a host or Routing Engine clock may read back before it counts as a restart. */
const CLOCK_SLACK_CS = 500;

/**
 * An independent clock compared across two polls: `restarted` when it went back (not a wrap),
 * undefined when either poll lacks it.
 */
type ClockVerdict =
  | { readonly name: string; readonly restarted: boolean; readonly uptimeS: number }
  | undefined;

/** VC members paired by serial (a renumbered member keeps its clock), else by id. */
function memberClock(before: Observed, now: Observed): ClockVerdict {
  if (!before.vcMembers.supported || !now.vcMembers.supported) return undefined;
  const old = before.vcMembers.value;
  const pairs = now.vcMembers.value
    .map(
      (m) =>
        [
          old.find((b) => m.serial !== '' && b.serial === m.serial) ?? old.find((b) => b.id === m.id),
          m,
        ] as const,
    )
    .filter(([b, m]) => b?.uptimeS !== undefined && m.uptimeS !== undefined);
  if (pairs.length === 0) return undefined;
  const back = pairs.filter(([b, m]) => (m.uptimeS ?? 0) + MEMBER_SLACK_S < (b?.uptimeS ?? 0));
  return {
    name: "every member's uptime",
    restarted: back.length === pairs.length,
    uptimeS: Math.max(...pairs.map(([, m]) => m.uptimeS ?? 0)),
  };
}

/** Routing Engine uptimes (jnxOperatingTable): restarted only when every RE's went back. */
function reClock(before: Observed, now: Observed): ClockVerdict {
  const pairs = Object.entries(now.clocks.reUpTimesCs).flatMap(([index, cs]) => {
    const old = before.clocks.reUpTimesCs[index];
    return old === undefined ? [] : [[old, cs] as const];
  });
  if (pairs.length === 0) return undefined;
  return {
    name: 'the Routing Engine uptime',
    restarted: pairs.every(([old, cs]) => cs + CLOCK_SLACK_CS < old),
    uptimeS: Math.max(...pairs.map(([, cs]) => cs / 100)),
  };
}

/** hrSystemUptime: TimeTicks like sysUpTime, so it wraps at 2^32 cs too. */
function hostClock(before: Observed, now: Observed): ClockVerdict {
  const old = before.clocks.hostUpTimeCs;
  const cs = now.clocks.hostUpTimeCs;
  if (old === undefined || cs === undefined) return undefined;
  return {
    name: 'hrSystemUptime',
    restarted: cs + CLOCK_SLACK_CS < old && !isUptimeWrap(old, cs, now.time - before.time),
    uptimeS: cs / 100,
  };
}

/** Every clock that keeps counting through an SNMP agent restart, most specific first. */
const INDEPENDENT_CLOCKS = [memberClock, reClock, hostClock] as const;

/**
 * Did the device reboot, or only its SNMP agent? The agent restarted when sysUpTime went back
 * (not a wrap) or snmpEngineBoots rose. The device rebooted only when every independent clock it
 * offers restarted too; one that kept counting proves the box stayed up (an agent restart, an RE
 * switchover). Only a device with no independent clock at all is taken at the agent's word.
 */
function analyseRestart(
  before: Observed,
  now: Observed,
): Pick<Derived, 'agentRestarted' | 'deviceRebooted' | 'rebootWhy' | 'bootUptimeS'> {
  const elapsed = now.time - before.time;
  const b = before.clocks;
  const n = now.clocks;
  const bootsUp = b.engineBoots !== undefined && n.engineBoots !== undefined && n.engineBoots > b.engineBoots;
  const upBack = n.upTimeCs < b.upTimeCs && !isUptimeWrap(b.upTimeCs, n.upTimeCs, elapsed);
  if (!bootsUp && !upBack)
    return { agentRestarted: false, deviceRebooted: false, rebootWhy: '', bootUptimeS: undefined };
  const why = bootsUp
    ? `snmpEngineBoots rose from ${b.engineBoots} to ${n.engineBoots}`
    : `sysUpTime went back from ${Math.round(b.upTimeCs / 100)} s to ${Math.round(n.upTimeCs / 100)} s`;
  const clocks = INDEPENDENT_CLOCKS.map((clock) => clock(before, now)).filter((c) => c !== undefined);
  if (clocks.length === 0)
    // No second clock: an agent restart cannot be told from a reboot; report it as one.
    return { agentRestarted: true, deviceRebooted: true, rebootWhy: why, bootUptimeS: n.upTimeCs / 100 };
  const rebooted = clocks.every((c) => c.restarted);
  return {
    agentRestarted: true,
    deviceRebooted: rebooted,
    rebootWhy: rebooted ? `${why}, and ${clocks.map((c) => c.name).join(' and ')} restarted` : why,
    bootUptimeS: rebooted ? Math.min(...clocks.map((c) => c.uptimeS)) : undefined,
  };
}

export function derive(
  before: Observed | undefined,
  now: Observed | undefined,
  settings: DetectSettings,
): Derived {
  if (!before || !now)
    return {
      agentRestarted: false,
      deviceRebooted: false,
      rebootWhy: '',
      bootUptimeS: undefined,
      rates: undefined,
    };
  return { ...analyseRestart(before, now), rates: computeRates(before, now, settings.baselineWindowMs) };
}
