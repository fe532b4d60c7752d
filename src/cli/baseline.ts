import { userInfo } from 'node:os';
import type { Environment } from '../config/env.js';
import { storageDirOf } from '../config/storage.js';
import type { Config, DeviceConfig } from '../config/types.js';
import { acceptBaselineAction } from '../detect/baseline.js';
import { daemonOwning } from '../store/daemon-lock.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { printable } from '../text.js';
import { loadConfigOrReport } from './load-config.js';
import type { Output } from './output.js';

/**
 * `netwatch baseline accept DEVICE [--author NAME]`: the device's current VC membership and
 * watched processes become the expected ones, journaled as `baseline_accepted` (source
 * `operator`, with the author). Through the running daemon's API when it runs (its memory is the
 * live one); straight into the store when it does not.
 */
export interface BaselineOptions {
  readonly file: string;
  readonly device: string;
  readonly author: string | undefined;
}

function loginName(env: Environment): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

type ApiAnswer =
  | { readonly reached: false; readonly refused: boolean; readonly why: string }
  | { readonly reached: true; readonly status: number; readonly body: Record<string, unknown> };

async function viaDaemon(config: Config, device: string, author: string): Promise<ApiAnswer> {
  const { host, port } = config.http.listen;
  const target = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${target}:${port}/api/baseline?device=${encodeURIComponent(device)}&author=${encodeURIComponent(author)}`;
  const token = config.http.token;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token.reveal()}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { reached: true, status: response.status, body };
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return {
      reached: false,
      refused: code === 'ECONNREFUSED',
      why: String(code ?? (error as Error).message),
    };
  }
}

async function direct(
  config: Config,
  device: DeviceConfig,
  author: string,
  now: number,
  out: Output,
): Promise<number> {
  const opened = await SqliteStore.open(storageDirOf(config), { existing: true });
  if (!opened.ok) {
    out.error(`netwatch baseline: ${opened.reason}`);
    return 1;
  }
  const store = opened.store;
  try {
    const stored = (await store.loadMemories()).get(device.name);
    if (!stored?.memory.previous) {
      out.error(`netwatch baseline: ${device.name} has not been polled successfully yet: nothing to accept`);
      return 1;
    }
    const action = acceptBaselineAction(stored.memory, {
      device: device.name,
      site: device.site,
      author,
      time: now,
    });
    const draft = action.event;
    await store.commit([
      {
        device: device.name,
        events: [draft],
        memory: { memory: action.memory, identity: stored.identity },
      },
    ]);
    out.print(printable(draft.summary, 500));
    return 0;
  } catch (error) {
    out.error(`netwatch baseline: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store.close();
  }
}

export async function runBaselineAccept(
  options: BaselineOptions,
  env: Environment,
  out: Output,
  now = Date.now(),
): Promise<number> {
  const loaded = await loadConfigOrReport(options.file, env, out);
  if (!loaded.ok) return loaded.code;
  const config = loaded.config;
  const device = config.devices.find((d) => d.name === options.device);
  if (!device) {
    out.error(`netwatch baseline: no device named "${printable(options.device, 80)}" in ${options.file}`);
    return 2;
  }
  const author = options.author ?? loginName(env);
  const answer = await viaDaemon(config, device.name, author);
  if (!answer.reached) {
    // Straight into the store only when no daemon owns it: the daemon's live memory would
    // otherwise overwrite the accepted baseline at its next write.
    const owner = daemonOwning(storageDirOf(config));
    if (!answer.refused || owner !== undefined) {
      const where = `${config.http.listen.host}:${config.http.listen.port}`;
      out.error(
        owner === undefined
          ? `netwatch baseline: the daemon's API at ${where} did not answer (${answer.why}); nothing changed`
          : `netwatch baseline: netwatch run (pid ${owner}) owns ${storageDirOf(config)} but its API at ${where} does not answer (${answer.why}; did http.listen change without a restart?); nothing changed`,
      );
      return 1;
    }
    return direct(config, device, author, now, out);
  }
  if (answer.status === 200) {
    out.print(printable(String(answer.body.summary ?? 'baseline accepted'), 500));
    return 0;
  }
  out.error(
    `netwatch baseline: the running daemon refused: ${printable(String(answer.body.error ?? answer.status), 300)}`,
  );
  return 1;
}
