import type { EventDraft } from '../../events/event.js';
import { type Detector, draft, nothing } from '../detector.js';

/**
 * Watched processes in hrSWRunTable (Linux-based network OSes and hosts; Junos serves none):
 * process_crash when every PID a process ran as is gone while the device did not reboot — at
 * once when it already runs under a new PID, after goneAfter polls when it is simply missing —
 * process_restart when it runs again, process_stuck after N polls not runnable. A worker pool
 * that replaces some of its PIDs is not a crash.
 */
export const detectProcesses: Detector = (ctx) => {
  if (!ctx.result.ok || ctx.device.watchProcesses.length === 0) return nothing;
  const table = ctx.result.snapshot.processes;
  if (!table.supported) return nothing;
  const { processes } = ctx.prev;
  const pids: Record<string, readonly number[]> = {};
  const missing: Record<string, number> = {};
  const crashed: Record<string, number> = { ...processes.crashed };
  const stuckPolls: Record<string, number> = {};
  const stuck: string[] = [];
  const events: EventDraft[] = [];
  const rebooted = ctx.derived.deviceRebooted;

  for (const name of ctx.device.watchProcesses) {
    const rows = table.value.filter((p) => p.name === name);
    const now = rows.map((p) => p.pid);
    pids[name] = now;
    const before = processes.pids[name] ?? [];
    let restarted = false;
    const vanished = before.length > 0 && now.length === 0 && !rebooted;
    const missingPolls = vanished ? (processes.missing[name] ?? 0) + 1 : 0;
    if (vanished && missingPolls < ctx.settings.goneAfter) {
      // Not seen once: could be a partial walk. Keep the old PIDs and look again next poll.
      missing[name] = missingPolls;
      pids[name] = before;
      continue;
    }
    if (rebooted) {
      delete crashed[name];
    } else if (before.length > 0 && !before.some((pid) => now.includes(pid))) {
      const [oldPid] = before;
      const [newPid] = now;
      events.push(
        draft(
          ctx,
          'process_crash',
          newPid === undefined
            ? `${name} (PID ${oldPid}) is no longer running on ${ctx.device.name}`
            : `${name} on ${ctx.device.name} was restarted: PID ${oldPid} is gone, it now runs as PID ${newPid}`,
          { process: name, old_pid: oldPid ?? null, new_pid: newPid ?? null },
          // PIDs repeat after a reboot: the boot epoch tells this crash from a later one.
          { fact: `process=${name}|pid=${oldPid ?? 'none'}|${ctx.derived.bootEpoch ?? 'boot=unknown'}` },
        ),
      );
      if (newPid === undefined) crashed[name] = oldPid ?? 0;
      else {
        events.push(
          draft(ctx, 'process_restart', `${name} is running again on ${ctx.device.name} as PID ${newPid}`, {
            process: name,
            pid: newPid,
          }),
        );
        restarted = true;
      }
    }
    if (!restarted && crashed[name] !== undefined && now.length > 0 && !rebooted) {
      events.push(
        draft(ctx, 'process_restart', `${name} is running again on ${ctx.device.name} as PID ${now[0]}`, {
          process: name,
          pid: now[0] ?? null,
          old_pid: crashed[name] ?? null,
        }),
      );
      delete crashed[name];
    } else if (restarted) delete crashed[name];

    const wedged = rows.length > 0 && rows.every((p) => p.status === 'notRunnable' || p.status === 'invalid');
    const polls = wedged ? (processes.stuckPolls[name] ?? 0) + 1 : 0;
    stuckPolls[name] = polls;
    if (polls >= ctx.settings.stuckAfter) {
      stuck.push(name);
      if (!processes.stuck.includes(name))
        events.push(
          draft(
            ctx,
            'process_stuck',
            `${name} on ${ctx.device.name} has been ${rows[0]?.status} for ${polls} polls`,
            {
              process: name,
              pid: rows[0]?.pid ?? null,
              status: rows[0]?.status ?? 'unknown',
              polls,
            },
          ),
        );
    }
  }
  return { events, memory: { processes: { pids, missing, crashed, stuckPolls, stuck } } };
};
