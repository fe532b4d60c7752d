import { type EventDraft, SEVERITY } from '../events/event.js';
import type { DeviceMemory } from './memory.js';

/**
 * "Accept the baseline": an operator declares the device as it is now to be the expected state —
 * the members present at the last poll are the membership (members declared down or missing are
 * forgotten), and watched processes are expected under their current PIDs (crashed, missing and
 * stuck ones are forgotten). Pure: the caller journals the event (baselineAcceptedDraft) and
 * stores the memory, in that order, like a poll.
 */

export interface BaselineMember {
  readonly member: number;
  readonly serial: string;
  readonly model: string;
}

/** What accepting changed; empty lists when the device already was its own baseline. */
export interface BaselineChange {
  /** Expected members no longer present: no longer expected. */
  readonly membersDropped: readonly BaselineMember[];
  /** Present members that were not expected yet (normally none: a poll adds them). */
  readonly membersAdded: readonly BaselineMember[];
  /** Watched processes whose crashed, missing or stuck state was forgotten. */
  readonly processesReset: readonly string[];
  /** The time of the observation accepted, or undefined when the device was never polled. */
  readonly observedAt: number | undefined;
}

export function acceptBaseline(
  memory: DeviceMemory,
  now: number,
): { memory: DeviceMemory; change: BaselineChange } {
  const previous = memory.previous;
  const members = previous?.vcMembers.supported ? previous.vcMembers.value : undefined;
  let vc = memory.vc;
  const membersDropped: BaselineMember[] = [];
  const membersAdded: BaselineMember[] = [];
  if (members) {
    const present = members.filter((m) => m.role !== 'unknown');
    const expected: Record<string, { serial: string; model: string }> = {};
    for (const m of present) {
      expected[String(m.id)] = { serial: m.serial, model: m.model };
      if (!vc.expected[String(m.id)]) membersAdded.push({ member: m.id, serial: m.serial, model: m.model });
    }
    for (const [id, e] of Object.entries(vc.expected))
      if (!expected[id]) membersDropped.push({ member: Number(id), serial: e.serial, model: e.model });
    const master = present.find((m) => m.role === 'master')?.id ?? vc.master;
    vc = { expected, missing: {}, absent: [], master, splitBrain: vc.splitBrain };
  }

  const p = memory.processes;
  const processesReset = [
    ...new Set([...Object.keys(p.crashed), ...Object.keys(p.missing), ...p.stuck]),
  ].sort();
  const rows = previous?.processes.supported ? previous.processes.value : [];
  const pids: Record<string, number[]> = {};
  for (const name of Object.keys(p.pids)) pids[name] = rows.filter((r) => r.name === name).map((r) => r.pid);
  return {
    memory: {
      ...memory,
      savedAt: Math.max(memory.savedAt, now),
      vc,
      processes: { pids, missing: {}, crashed: {}, stuckPolls: {}, stuck: [] },
    },
    change: { membersDropped, membersAdded, processesReset, observedAt: previous?.time },
  };
}

/** The `baseline_accepted` event (source `operator`) to journal for an accepted baseline. */
export function baselineAcceptedDraft(input: {
  readonly device: string;
  readonly site: string;
  readonly author: string;
  readonly time: number;
  readonly change: BaselineChange;
}): EventDraft {
  const { change } = input;
  const parts = [
    change.membersDropped.length > 0
      ? `member${change.membersDropped.length > 1 ? 's' : ''} ${change.membersDropped.map((m) => m.member).join(', ')} no longer expected`
      : '',
    change.processesReset.length > 0 ? `${change.processesReset.join(', ')} expected as running now` : '',
  ].filter((s) => s !== '');
  const details = {
    author: input.author,
    members_dropped: change.membersDropped.map((m) => m.member),
    serials_dropped: change.membersDropped.map((m) => m.serial),
    members_added: change.membersAdded.map((m) => m.member),
    processes_reset: change.processesReset,
    observed_at: change.observedAt === undefined ? null : new Date(change.observedAt).toISOString(),
  };
  return {
    time: input.time,
    device: input.device,
    site: input.site,
    type: 'baseline_accepted',
    severity: SEVERITY.baseline_accepted,
    source: 'operator',
    summary: `${input.author} accepted the current state of ${input.device} as expected${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`,
    details,
    // An operator action is its own fact: who, to the millisecond (two accepts are two events).
    fact: `operator=${input.author}|at=${new Date(input.time).toISOString()}`,
  };
}

/** Accepting the baseline as an operator action: the new memory and its `baseline_accepted` event. */
export function acceptBaselineAction(
  memory: DeviceMemory,
  input: { readonly device: string; readonly site: string; readonly author: string; readonly time: number },
): { readonly memory: DeviceMemory; readonly event: EventDraft } {
  const accepted = acceptBaseline(memory, input.time);
  return { memory: accepted.memory, event: baselineAcceptedDraft({ ...input, change: accepted.change }) };
}
