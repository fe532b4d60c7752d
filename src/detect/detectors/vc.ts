import type { ObservedMember } from '../../collect/observed.js';
import type { RedundancyRow, VcMember } from '../../collect/snapshot.js';
import type { EventDraft } from '../../events/event.js';
import { bootEpochFact } from '../../events/fact-key.js';
import { MEMBER_SLACK_S, uptimeOf } from '../derive.js';
import { type DetectContext, type Detector, describeMember, draft, nothing } from '../detector.js';

/**
 * Virtual chassis: master_switchover (the master member changed, or jnxRedundancySwitchoverCount
 * rose), member_down (missing for goneAfter polls) / member_up against the remembered
 * expected membership (after a device reboot, only once BOOT_GRACE_S has passed), member_reboot
 * (a member's uptime went back while the chassis did not reboot), vc_split_brain (two masters).
 * A member that was never seen present (NotPrsnt at first sight) is not expected. Members are
 * known by serial as well as id: the same serial under a new id is one member_renumbered, and
 * memory follows the new id (never member_down + member_up).
 */

/**
 * After a device reboot, members rejoin the chassis one by one over minutes: none is counted
 * missing until the device has been up this long (its own uptime, which no wall-clock step moves).
 * A member still missing then is member_down as usual.
 */
export const BOOT_GRACE_S = 600;

/** SNMP has no NotPrsnt status: a row whose role is none of master/backup/linecard is not present. */
const isPresent = (m: Pick<VcMember, 'role'>) => m.role !== 'unknown';

type Expected = Readonly<Record<string, { readonly serial: string; readonly model: string }>>;

interface Renumbering {
  readonly from: number;
  readonly to: number;
  readonly serial: string;
  readonly model: string;
}

/**
 * Present members whose serial was expected under another id, where that id no longer shows the
 * same serial. Members without a serial cannot be recognised and are left to the id rules.
 */
function renumberings(expected: Expected, present: readonly VcMember[]): Renumbering[] {
  const out: Renumbering[] = [];
  for (const m of present) {
    if (m.serial === '' || expected[String(m.id)]?.serial === m.serial) continue;
    const from = Object.entries(expected).find(
      ([id, e]) =>
        e.serial === m.serial &&
        Number(id) !== m.id &&
        !present.some((p) => p.id === Number(id) && p.serial === m.serial),
    );
    if (from) out.push({ from: Number(from[0]), to: m.id, serial: m.serial, model: m.model });
  }
  return out;
}

/**
 * The switchover fact. With a redundancy count: who is master now and the count, within this
 * boot (the count restarts with the device), independent of the source. Without one: the move
 * from → to as first observed (the same move can happen again later, as a new fact).
 */
function switchoverFact(
  ctx: DetectContext,
  move: { readonly from: string; readonly to: string },
  count: number | undefined,
): string {
  if (count !== undefined) return `to=${move.to}|count=${count}|${ctx.derived.bootEpoch ?? 'boot=unknown'}`;
  const at = ctx.result.ok ? ctx.result.snapshot.time : ctx.result.time;
  return `from=${move.from}|to=${move.to}|at=${new Date(at).toISOString()}`;
}

/**
 * A rise of jnxRedundancySwitchoverCount. Judged even when the SNMP agent restarted (a dual-RE
 * switchover moves the agent to the other RE: sysUpTime goes back), not across a device reboot
 * (the count resets then).
 */
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
    // A reboot judged on a walk without the member table: its grace starts all the same.
    const graceStarts = ctx.derived.deviceRebooted && Object.keys(vc.expected).length > 0;
    const memory = graceStarts ? { vc: { ...vc, missing: {}, bootGrace: true } } : {};
    if (!re) return { events: [], memory };
    const nowMaster = snapshot.redundancy.supported
      ? snapshot.redundancy.value.find((r) => r.state === 'master')
      : undefined;
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
        {
          fact: switchoverFact(
            ctx,
            { from: 're', to: (nowMaster ?? re.row).descr || re.row.index },
            re.row.switchoverCount,
          ),
        },
      ),
    );
    return { events, memory };
  }

  const present = members.value.filter(isPresent);
  const presentIds = new Set(present.map((m) => m.id));

  // Renumbered members first: memory follows them to their new id before membership is judged.
  const moves = renumberings(vc.expected, present);
  const moved = new Set(moves.map((r) => r.from));
  const follow = (id: number) => moves.find((r) => r.from === id)?.to ?? id;
  const was: Record<string, { serial: string; model: string }> = Object.fromEntries(
    Object.entries(vc.expected).filter(([id]) => !moved.has(Number(id))),
  );
  for (const r of moves) {
    was[String(r.to)] = { serial: r.serial, model: r.model };
    events.push(
      draft(
        ctx,
        'member_renumbered',
        `Virtual chassis member ${r.from}${describeMember(r.model, r.serial)} of ${ctx.device.name} now shows as member ${r.to}`,
        { member: r.to, from_member: r.from, serial: r.serial, model: r.model },
        { fact: `serial=${r.serial}|from=${r.from}|to=${r.to}|at=${new Date(snapshot.time).toISOString()}` },
      ),
    );
  }
  // A member declared down that returns under a new id is still member_up (under the new id).
  const vcAbsent = vc.absent.map(follow);
  const vcMissing = Object.fromEntries(
    Object.entries(vc.missing).map(([id, n]) => [String(follow(Number(id))), n]),
  );
  const vcMaster = vc.master === undefined ? undefined : follow(vc.master);

  // Within the boot grace of a judged reboot, missing members are not counted (yet).
  const bootGrace =
    (ctx.derived.deviceRebooted || vc.bootGrace === true) &&
    ctx.current !== undefined &&
    uptimeOf(ctx.current) < BOOT_GRACE_S;

  const expected = { ...was };
  for (const m of present) expected[String(m.id)] = { serial: m.serial, model: m.model };
  const known = (id: number) => was[String(id)];

  // Membership against what we expected before this poll; a member is declared down only after
  // it has been missing for goneAfter polls in a row.
  const missing: Record<string, number> = {};
  const absent = [...vcAbsent].filter((id) => !presentIds.has(id));
  for (const id of Object.keys(expected)
    .map(Number)
    .sort((a, b) => a - b)) {
    if (bootGrace || presentIds.has(id) || vcAbsent.includes(id) || !known(id)) continue;
    const polls = (vcMissing[String(id)] ?? 0) + 1;
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
  for (const id of vcAbsent) {
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
    const oldOf = (m: VcMember): ObservedMember | undefined =>
      before.value.find((b) => m.serial !== '' && b.serial === m.serial && isPresent(b)) ??
      before.value.find((b) => b.id === m.id && isPresent(b) && (b.serial === m.serial || b.serial === ''));
    for (const m of present) {
      const old = oldOf(m);
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
          { fact: `serial=${m.serial || `member ${m.id}`}|${bootEpochFact(snapshot.time, m.uptimeS)}` },
        ),
      );
    }
  }

  // Mastership.
  const masters = present.filter((m) => m.role === 'master');
  let master = vcMaster;
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
    if (vcMaster !== undefined && only.id !== vcMaster) {
      const from = known(vcMaster) ?? expected[String(vcMaster)];
      events.push(
        draft(
          ctx,
          'master_switchover',
          `Virtual chassis master moved from member ${vcMaster}${describeMember(from?.model ?? '', from?.serial ?? '')} to member ${only.id}${describeMember(only.model, only.serial)}`,
          {
            from: vcMaster,
            to: only.id,
            from_model: from?.model ?? '',
            from_serial: from?.serial ?? '',
            to_model: only.model,
            to_serial: only.serial,
            reason: re?.row.reason ?? 'unknown',
            ...(re ? { switchover_count: re.row.switchoverCount ?? null } : {}),
          },
          {
            fact: switchoverFact(
              ctx,
              { from: `member ${vcMaster}`, to: `member ${only.id}` },
              re?.row.switchoverCount,
            ),
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
          { fact: switchoverFact(ctx, { from: 're', to: `member ${only.id}` }, re.row.switchoverCount) },
        ),
      );
    }
    master = only.id;
  }

  return {
    events,
    memory: {
      vc: {
        expected,
        missing,
        absent: absent.sort((a, b) => a - b),
        master,
        splitBrain,
        ...(bootGrace ? { bootGrace } : {}),
      },
    },
  };
};
