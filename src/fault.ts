/**
 * Named fault points, for tests that must prove they hit a window: with
 * `NETWATCH_FAULT=<name>` set, the process prints `netwatch: fault point <name> hit` to stderr and
 * kills itself with SIGKILL the first time it reaches that point (after `NETWATCH_FAULT_SKIP`
 * earlier hits, default 0). Inert otherwise: one string compare.
 *
 * Points: `mid-state-write` (a commit's events written, device memory not yet), `before-commit`
 * (everything written, COMMIT not issued), `after-commit` (COMMIT returned, nothing else done).
 * Only commits that carry events reach a point, so a test can aim at "while events are found".
 * Paging: `outbox-before-commit` (a commit wrote outbox entries, COMMIT not issued) and
 * `outbox-after-send` (a receiver accepted a page, not yet marked delivered in the store).
 */
export type FaultPoint =
  | 'mid-state-write'
  | 'before-commit'
  | 'after-commit'
  | 'outbox-before-commit'
  | 'outbox-after-send';

const armed = process.env.NETWATCH_FAULT;
let skip = Number(process.env.NETWATCH_FAULT_SKIP ?? 0) || 0;

export function faultPoint(name: FaultPoint): void {
  if (armed !== name) return;
  if (skip > 0) {
    skip -= 1;
    return;
  }
  process.stderr.write(`netwatch: fault point ${name} hit\n`);
  process.kill(process.pid, 'SIGKILL');
}
