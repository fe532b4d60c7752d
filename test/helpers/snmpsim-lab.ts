import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnmprecRecording } from '../../src/snmp/snmprec.js';
import { Lab, trimmedRecording } from './lab.js';

/**
 * A Lab served by the real snmpsim: every change is written to the community's .snmprec with the
 * mtime trick (docs/real-services.md §2: snmpsim compares whole-second mtimes, so each write gets
 * a new, strictly increasing one, then an atomic rename). Traffic flows on a 200 ms timer so the
 * counters move with wall time like a real device's.
 */
export class SnmpsimLab {
  readonly lab: Lab;
  readonly #path: string;
  #mtime = Math.floor(Date.now() / 1000) + 1;
  #flow: Readonly<Record<number, number>> = {};
  #timer: NodeJS.Timeout | undefined;
  #last = Date.now();

  constructor(dataDir: string, community: string, keepIfIndexes: readonly number[]) {
    this.#path = join(dataDir, `${community}.snmprec`);
    this.lab = new Lab();
    // Keep polls fast: only the interfaces the scenario uses (the rest of the recording is intact).
    this.lab.rec = new SnmprecRecording(trimmedRecording('junos_ex4600mp', keepIfIndexes));
  }

  write(): void {
    const temp = `${this.#path}.tmp`;
    writeFileSync(temp, this.lab.rec.text(), { mode: 0o666 });
    this.#mtime = Math.max(this.#mtime + 1, Math.floor(Date.now() / 1000) + 1);
    utimesSync(temp, this.#mtime, this.#mtime);
    renameSync(temp, this.#path);
  }

  change(edit: (lab: Lab) => void): void {
    this.#advance();
    edit(this.lab);
    this.write();
  }

  flow(bps: Readonly<Record<number, number>>): void {
    this.#advance();
    this.#flow = bps;
    this.#timer ??= setInterval(() => {
      this.#advance();
      this.write();
    }, 200);
  }

  #advance(): void {
    const now = Date.now();
    const seconds = (now - this.#last) / 1000;
    this.#last = now;
    this.lab.flow(seconds, this.#flow).age(seconds);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}

/**
 * snmpsim does not pick up new data files (real-services.md §2): after writing labs with new
 * community names, restart it once (0.3 s) so it serves them.
 */
export async function serveNewLabs(run: string): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const script = join(import.meta.dirname, '../../scripts/test-services.sh');
  await promisify(execFile)('bash', [script, 'restart-snmpsim', run], { timeout: 30_000 });
}

/** devices.yaml for one device, `asw1-eqsin`, served by snmpsim under `community`. */
export function snmpsimConfig(options: {
  readonly community: string;
  readonly httpPort: number;
  readonly snmpsim: { readonly host: string; readonly port: number };
  readonly intervalMs: number;
  readonly extra?: string;
}): string {
  const { community, httpPort, snmpsim, intervalMs, extra = '' } = options;
  return `
http: { listen: 127.0.0.1:${httpPort} }
storage: { dir: ./data }
defaults:
  interval: ${intervalMs / 1000}s
  site: eqsin
  snmp: { version: 2c, community: ${community}, port: ${snmpsim.port}, timeout: 1s, retries: 1 }
devices:
  - { name: asw1-eqsin, host: ${snmpsim.host} }
${extra}`;
}
