import { elapsedMs, type Observed } from '../collect/observed.js';
import { computeRates } from '../collect/rates.js';
import { bootEpochFact } from '../events/fact-key.js';
import type { Derived, DetectSettings } from './detector.js';
import type { DeviceMemory } from './memory.js';

const WRAP_CS = 2 ** 32;

/**
 * sysUpTime (TimeTicks) wraps at 2^32 centiseconds ≈ 497.1 days. A step back is a wrap, not a
 * restart, when prev + elapsed lands past 2^32 where curr says it should.
 */
export function isUptimeWrap(prevCs: number, currCs: number, elapsed: number): boolean {
  if (currCs >= prevCs) return false;
  const expected = prevCs + elapsed / 10;
  const slack = Math.max(6_000, elapsed / 10); // a minute, or the elapsed time itself
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
    restarted: cs + CLOCK_SLACK_CS < old && !isUptimeWrap(old, cs, elapsedMs(before, now)),
    uptimeS: cs / 100,
  };
}

/** Every clock that keeps counting through an SNMP agent restart, most specific first. */
const INDEPENDENT_CLOCKS = [memberClock, reClock, hostClock] as const;

/** Does this observation carry any clock that keeps counting through an agent restart? */
export function hasIndependentClock(o: Observed): boolean {
  return (
    o.clocks.hostUpTimeCs !== undefined ||
    Object.keys(o.clocks.reUpTimesCs).length > 0 ||
    (o.vcMembers.supported && o.vcMembers.value.some((m) => m.uptimeS !== undefined))
  );
}

/**
 * `now` with what a partial walk missed carried over from `before` (their older readings): the
 * independent clocks, the VC members, the redundancy table and the alarms. The next poll then
 * still has something to compare against (a switchover count that rose while the first walk after
 * it lacked jnxRedundancyTable is still a rise). Not the members or the redundancy table across
 * a device reboot (`rebooted`): their uptimes and switchover count restarted with the device.
 * Pure.
 */
export function withCarriedState(now: Observed, before: Observed | undefined, rebooted = false): Observed {
  if (!before) return now;
  const host = now.clocks.hostUpTimeCs ?? before.clocks.hostUpTimeCs;
  const re =
    Object.keys(now.clocks.reUpTimesCs).length > 0 ? now.clocks.reUpTimesCs : before.clocks.reUpTimesCs;
  const members = now.vcMembers.supported || rebooted ? now.vcMembers : before.vcMembers;
  const redundancy = now.redundancy.supported || rebooted ? now.redundancy : before.redundancy;
  const alarms = now.alarms.supported ? now.alarms : before.alarms;
  if (
    host === now.clocks.hostUpTimeCs &&
    re === now.clocks.reUpTimesCs &&
    members === now.vcMembers &&
    redundancy === now.redundancy &&
    alarms === now.alarms
  )
    return now;
  return {
    ...now,
    clocks: { ...now.clocks, hostUpTimeCs: host, reUpTimesCs: re },
    vcMembers: members,
    redundancy,
    alarms,
  };
}

type RestartVerdict = Pick<
  Derived,
  'agentRestarted' | 'deviceRebooted' | 'rebootWhy' | 'bootUptimeS' | 'restartPending'
>;

const NO_RESTART: RestartVerdict = {
  agentRestarted: false,
  deviceRebooted: false,
  rebootWhy: '',
  bootUptimeS: undefined,
  restartPending: undefined,
};

/** The verdict of the independent clocks on a restart, or undefined when none can be compared. */
function judge(before: Observed, now: Observed, why: string): RestartVerdict | undefined {
  const clocks = INDEPENDENT_CLOCKS.map((clock) => clock(before, now)).filter((c) => c !== undefined);
  if (clocks.length === 0) return undefined;
  const rebooted = clocks.every((c) => c.restarted);
  return {
    agentRestarted: true,
    deviceRebooted: rebooted,
    rebootWhy: rebooted ? `${why}, and ${clocks.map((c) => c.name).join(' and ')} restarted` : why,
    bootUptimeS: rebooted ? Math.min(...clocks.map((c) => c.uptimeS)) : undefined,
    restartPending: undefined,
  };
}

/**
 * Did the device reboot, or only its SNMP agent? The agent restarted when sysUpTime went back
 * (not a wrap) or snmpEngineBoots rose. The device rebooted only when every independent clock it
 * offers restarted too; one that kept counting proves the box stayed up (an agent restart, an RE
 * switchover). A poll that lacks the independent clocks earlier polls had (a partial walk) leaves
 * the question open until a poll has them (`pending`); only a device that never showed an
 * independent clock is taken at the agent's word.
 */
function analyseRestart(before: Observed, now: Observed, pending: string | undefined): RestartVerdict {
  const elapsed = elapsedMs(before, now);
  const b = before.clocks;
  const n = now.clocks;
  const bootsUp = b.engineBoots !== undefined && n.engineBoots !== undefined && n.engineBoots > b.engineBoots;
  const upBack = n.upTimeCs < b.upTimeCs && !isUptimeWrap(b.upTimeCs, n.upTimeCs, elapsed);
  if (!bootsUp && !upBack) {
    if (pending === undefined) return NO_RESTART;
    // An open question from an earlier partial walk: answer it once the clocks are back.
    return judge(before, now, pending) ?? { ...NO_RESTART, restartPending: pending };
  }
  const why = bootsUp
    ? `snmpEngineBoots rose from ${b.engineBoots} to ${n.engineBoots}`
    : `sysUpTime went back from ${Math.round(b.upTimeCs / 100)} s to ${Math.round(n.upTimeCs / 100)} s`;
  const verdict = judge(before, now, why);
  if (verdict) return verdict;
  if (hasIndependentClock(before))
    return {
      agentRestarted: true,
      deviceRebooted: false,
      rebootWhy: why,
      bootUptimeS: undefined,
      restartPending: why,
    };
  // No second clock ever: an agent restart cannot be told from a reboot; report it as one.
  return {
    agentRestarted: true,
    deviceRebooted: true,
    rebootWhy: why,
    bootUptimeS: n.upTimeCs / 100,
    restartPending: undefined,
  };
}

/** The best uptime (s) this observation offers for the boot epoch: members, REs, host, agent. */
export function uptimeOf(o: Observed): number {
  const members = o.vcMembers.supported
    ? o.vcMembers.value.flatMap((m) => (m.uptimeS === undefined ? [] : [m.uptimeS]))
    : [];
  if (members.length > 0) return Math.max(...members);
  const re = Object.values(o.clocks.reUpTimesCs);
  if (re.length > 0) return Math.max(...re) / 100;
  return (o.clocks.hostUpTimeCs ?? o.clocks.upTimeCs) / 100;
}

export function derive(
  before: Observed | undefined,
  now: Observed | undefined,
  settings: DetectSettings,
  memory?: Pick<DeviceMemory, 'bootEpoch' | 'restartPending'>,
): Derived {
  if (!now)
    return {
      ...NO_RESTART,
      restartPending: memory?.restartPending?.why,
      bootEpoch: memory?.bootEpoch,
      rates: undefined,
    };
  if (!before)
    return {
      ...NO_RESTART,
      bootEpoch: memory?.bootEpoch ?? bootEpochFact(now.time, uptimeOf(now)),
      rates: undefined,
    };
  const verdict = analyseRestart(before, now, memory?.restartPending?.why);
  const bootEpoch = verdict.deviceRebooted
    ? bootEpochFact(now.time, verdict.bootUptimeS ?? uptimeOf(now))
    : (memory?.bootEpoch ?? bootEpochFact(now.time, uptimeOf(now)));
  return { ...verdict, bootEpoch, rates: computeRates(before, now, settings.baselineWindowMs) };
}
