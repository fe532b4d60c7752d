import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One daemon per storage.dir: `netwatch.pid` names the `netwatch run` that owns the store. A
 * second daemon on the same directory is refused (two writers of one device's memory would undo
 * each other), and commands that write the store directly (`netwatch baseline accept` without a
 * reachable API) refuse while the owner lives. A pid file left by a crash names a dead process
 * and is taken over.
 */

const FILE = 'netwatch.pid';

/** The pid of a live daemon owning `dir`, if any (not this process). */
export function daemonOwning(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, another user's. ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

export type DaemonLock =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly pid: number };

export function lockStorage(dir: string): DaemonLock {
  const owner = daemonOwning(dir);
  if (owner !== undefined) return { ok: false, pid: owner };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, FILE);
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  return {
    ok: true,
    release() {
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
      } catch {
        // already gone
      }
    },
  };
}
