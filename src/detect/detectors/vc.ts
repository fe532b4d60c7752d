import type { RedundancyRow, VcMember } from '../../collect/snapshot.js';
import type { EventDraft } from '../../events/event.js';
import { MEMBER_SLACK_S } from '../derive.js';
import { type DetectContext, type Detector, describeMember, draft, nothing } from '../detector.js';

/**
 * Virtual chassis: master_switchover (the master member changed, or jnxRedundancySwitchoverCount
 * rose), member_down (missing for goneAfter polls) / member_up against the remembered
 * expected membership, member_reboot
 * (a member's uptime went back while the chassis did not reboot), vc_split_brain (two masters).
 * A member that was never seen present (NotPrsnt at first sight) is not expected.
 */

/** SNMP has no NotPrsnt status: a row whose role is none of master/backup/linecard is not present. */
const isPresent = (m: VcMember) => m.role !== 'unknown';

function redundancySwitch(ctx: DetectContext): { row: RedundancyRow; from: number } | undefined {
  const before = ctx.before?.redundancy;
  const now = ctx.result.ok ? ctx.result.snapshot.redundancy : undefined;
  if (!before?.supported || !now?.supported || ctx.derived.deviceRebooted) return undefined;
  for (const row of now.value) {
    const old = before.value.find((r) => r.index === row.index);
    // The count resets when the RE reboots: only a rise is a switchover.
    if (
      old?.switchoverCount !== undefined &&
      row.switchoverCount !== undefined &&
      row.switchoverCount > old.switchoverCount
    )
      return { row, from: old.switchoverCount };
  }
  return undefined;
}

export const detectVirtualChassis: Detector = (ctx) => {
  if (!ctx.result.ok) return nothing;
  const snapshot = ctx.result.snapshot;
  const members = snapshot.vcMembers;
  const re = redundancySwitch(ctx);
  const { vc } = ctx.prev;
  const events: EventDraft[] = [];

  if (!members.supported) {
    if (!re) return nothing;
    events.push(
      draft(
        ctx,
        'master_switchover',
        `Routing engine switchover on ${ctx.device.name}: ${re.row.descr || 'a routing engine'} is now ${re.row.state} (switchover count ${re.from} → ${re.row.switchoverCount}, reason ${re.row.reason})`,
        {
          reason: re.row.reason,
          routing_engine: re.row.descr,
          switchover_count: re.row.switchoverCount ?? null,
        },
      ),
    );
    return { events, memory: {} };
  }

  const present = members.value.filter(isPresent);
  const presentIds = new Set(present.map((m) => m.id));
  const expected = { ...vc.expected };
  for (const m of present) expected[String(m.id)] = { serial: m.serial, model: m.model };
  const known = (id: number) => vc.expected[String(id)];

  // Membership against what we expected before this poll; a member is declared down only after
  // it has been missing for goneAfter polls in a row.
  const missing: Record<string, number> = {};
  const absent = [...vc.absent].filter((id) => !presentIds.has(id));
  for (const id of Object.keys(expected)
    .map(Number)
    .sort((a, b) => a - b)) {
    if (presentIds.has(id) || vc.absent.includes(id) || !known(id)) continue;
    const polls = (vc.missing[String(id)] ?? 0) + 1;
    if (polls < ctx.settings.goneAfter) {
      missing[String(id)] = polls;
      continue;
    }
    absent.push(id);
    const k = known(id);
    events.push(
      draft(
        ctx,
        'member_down',
        `Virtual chassis member ${id}${describeMember(k?.model ?? '', k?.serial ?? '')} left ${ctx.device.name}: it is ${members.value.some((m) => m.id === id) ? 'not present' : 'gone from the member table'}`,
        { member: id, model: k?.model ?? '', serial: k?.serial ?? '', members_present: present.length },
      ),
    );
  }
  for (const id of vc.absent) {
    const m = present.find((p) => p.id === id);
    if (!m) continue;
    events.push(
      draft(
        ctx,
        'member_up',
        `Virtual chassis member ${id}${describeMember(m.model, m.serial)} is back in ${ctx.device.name} as ${m.role}`,
        {
          member: id,
          role: m.role,
          model: m.model,
          serial: m.serial,
        },
      ),
    );
  }

  // A member whose own uptime went back rebooted alone (the whole chassis is device_reboot).
  const before = ctx.before?.vcMembers;
  if (before?.supported && !ctx.derived.deviceRebooted) {
    for (const m of present) {
      const old = before.value.find((b) => b.id === m.id && isPresent(b));
      if (old?.uptimeS === undefined || m.uptimeS === undefined || m.uptimeS + MEMBER_SLACK_S >= old.uptimeS)
        continue;
      events.push(
        draft(
          ctx,
          'member_reboot',
          `Virtual chassis member ${m.id}${describeMember(m.model, m.serial)} of ${ctx.device.name} rebooted: its uptime went from ${old.uptimeS} s to ${m.uptimeS} s`,
          {
            member: m.id,
            model: m.model,
            serial: m.serial,
            uptime_before_s: old.uptimeS,
            uptime_s: m.uptimeS,
          },
        ),
      );
    }
  }

  // Mastership.
  const masters = present.filter((m) => m.role === 'master');
  let master = vc.master;
  const splitBrain = masters.length >= 2;
  if (splitBrain && !vc.splitBrain) {
    events.push(
      draft(
        ctx,
        'vc_split_brain',
        `Split brain on ${ctx.device.name}: members ${masters.map((m) => m.id).join(' and ')} both claim to be virtual chassis master`,
        { masters: masters.map((m) => m.id), serials: masters.map((m) => m.serial) },
      ),
    );
  }
  const [only] = masters;
  if (masters.length === 1 && only) {
    if (vc.master !== undefined && only.id !== vc.master) {
      const from = known(vc.master) ?? expected[String(vc.master)];
      events.push(
        draft(
          ctx,
          'master_switchover',
          `Virtual chassis master moved from member ${vc.master}${describeMember(from?.model ?? '', from?.serial ?? '')} to member ${only.id}${describeMember(only.model, only.serial)}`,
          {
            from: vc.master,
            to: only.id,
            from_model: from?.model ?? '',
            from_serial: from?.serial ?? '',
            to_model: only.model,
            to_serial: only.serial,
            reason: re?.row.reason ?? 'unknown',
            ...(re ? { switchover_count: re.row.switchoverCount ?? null } : {}),
          },
        ),
      );
    } else if (re) {
      events.push(
        draft(
          ctx,
          'master_switchover',
          `Routing engine switchover on ${ctx.device.name}: ${re.row.descr || 'a routing engine'} is now ${re.row.state} (switchover count ${re.from} → ${re.row.switchoverCount}, reason ${re.row.reason}); member ${only.id} is master`,
          {
            from: null,
            to: only.id,
            reason: re.row.reason,
            routing_engine: re.row.descr,
            switchover_count: re.row.switchoverCount ?? null,
          },
        ),
      );
    }
    master = only.id;
  }

  return {
    events,
    memory: { vc: { expected, missing, absent: absent.sort((a, b) => a - b), master, splitBrain } },
  };
};
